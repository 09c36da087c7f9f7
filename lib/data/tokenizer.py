"""The interface every tokenizer (分词器) of the course shares: text -> ids -> text, and a JSON file.

A tokenizer maps a string to a list of integer ids in ``[0, vocab_size)`` and back. Subclasses
(characters, words, byte-level BPE) say how, and which fields rebuild them (``_fields`` /
``_from_fields``). The base class tags those fields with the subclass's ``kind`` and format
``version``, writes them as JSON atomically, and refuses to load a file of another kind or
version, or a truncated one, with an error that says so.
"""

from __future__ import annotations

import abc
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

import torch

from lib.core.files import atomic_write_text


class Tokenizer(abc.ABC):
    """Abstract base: ``encode(str) -> list[int]``, ``decode(ids) -> str``, ``vocab_size``, ``save`` and ``load``."""

    kind: ClassVar[str] = ""  # the name a saved file carries, e.g. "char" or "byte-level-bpe"
    version: ClassVar[int] = 1  # the format version of that file

    @property
    @abc.abstractmethod
    def vocab_size(self) -> int:
        """Number of distinct ids, V; every id lies in [0, V)."""

    @abc.abstractmethod
    def encode(self, text: str) -> list[int]:
        """The ids of ``text``; input the tokenizer cannot represent is a ValueError saying what and where."""

    @abc.abstractmethod
    def decode(self, ids: Sequence[int] | torch.Tensor) -> str:
        """The text of a sequence of ids (a list of ints or a 1-D integer tensor)."""

    @abc.abstractmethod
    def _fields(self) -> dict[str, Any]:
        """What ``_from_fields`` needs to rebuild this tokenizer, as JSON-ready values (no 'kind', 'version')."""

    @classmethod
    @abc.abstractmethod
    def _from_fields(cls, data: dict[str, Any]) -> Tokenizer:
        """The tokenizer that ``_fields`` described; missing or malformed fields are a ValueError."""

    def encode_tensor(self, text: str) -> torch.Tensor:
        """``encode(text)`` as a 1-D int64 tensor, ready for a model."""
        return torch.tensor(self.encode(text), dtype=torch.long)

    def __len__(self) -> int:
        return self.vocab_size

    def to_dict(self) -> dict[str, Any]:
        """Everything needed to rebuild this tokenizer, tagged with its kind and format version."""
        return {"kind": self.kind, "version": self.version, **self._fields()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Tokenizer:
        """Rebuild a tokenizer from :meth:`to_dict`'s data, refusing another kind or version with a clear error."""
        if not isinstance(data, dict) or data.get("kind") != cls.kind or data.get("version") != cls.version:
            raise ValueError(f"data is not a {cls.kind} tokenizer of format version {cls.version}")
        return cls._from_fields(data)

    def save(self, path: str | os.PathLike) -> Path:
        """Write the tokenizer to ``path`` as JSON, atomically (a temporary file renamed into place)."""
        return atomic_write_text(path, json.dumps(self.to_dict()))

    @classmethod
    def load(cls, path: str | os.PathLike) -> Tokenizer:
        """Read a tokenizer written by :meth:`save`; a missing, truncated or foreign file is a clear error."""
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise FileNotFoundError(f"no tokenizer at {str(path)!r}") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as err:
            raise ValueError(f"{str(path)!r} is not a saved tokenizer: {err}") from None
        return cls.from_dict(data)


def ids_as_list(ids: Sequence[int] | torch.Tensor, vocab_size: int) -> list[int]:
    """``ids`` (a list of ints or a 1-D integer tensor) as a list, each checked to lie in [0, vocab_size)."""
    if isinstance(ids, torch.Tensor):
        if ids.ndim != 1 or ids.dtype.is_floating_point or ids.dtype.is_complex or ids.dtype == torch.bool:
            raise ValueError(f"ids must be a 1-D integer tensor, got {ids.dtype} of shape {tuple(ids.shape)}")
        ids = ids.tolist()
    if isinstance(ids, (str, bytes)) or not isinstance(ids, Sequence):
        raise TypeError(f"ids must be a 1-D integer tensor or a sequence of ints, got {type(ids).__name__}")
    if any(not isinstance(i, int) or isinstance(i, bool) for i in ids):
        raise TypeError("ids must be a 1-D integer tensor or a sequence of ints")
    bad = [i for i in ids if not 0 <= i < vocab_size]
    if bad:
        raise ValueError(f"ids must lie in [0, {vocab_size}), got {bad[:5]}")
    return list(ids)
