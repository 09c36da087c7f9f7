"""The interface every tokenizer (分词器) of the course shares: text -> ids -> text, and a JSON file.

A tokenizer maps a string to a list of integer ids in ``[0, vocab_size)`` and back. Subclasses
(characters today, byte-level BPE later) say how, and what must be stored to rebuild them
(``to_dict`` / ``from_dict``); the base class writes and reads that as JSON, atomically, tagged
with the class name so a file is never loaded as the wrong kind of tokenizer.
"""

from __future__ import annotations

import abc
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch

FORMAT_VERSION = 1


class Tokenizer(abc.ABC):
    """Abstract base: ``encode(str) -> list[int]``, ``decode(list[int]) -> str``, ``vocab_size``, save and load."""

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
    def to_dict(self) -> dict[str, Any]:
        """What ``from_dict`` needs to rebuild this tokenizer, as JSON-ready values."""

    @classmethod
    @abc.abstractmethod
    def from_dict(cls, data: dict[str, Any]) -> Tokenizer:
        """The tokenizer that ``to_dict`` described."""

    def encode_tensor(self, text: str) -> torch.Tensor:
        """``encode(text)`` as a 1-D int64 tensor, ready for a model."""
        return torch.tensor(self.encode(text), dtype=torch.long)

    def __len__(self) -> int:
        return self.vocab_size

    def save(self, path: str | os.PathLike) -> Path:
        """Write the tokenizer to ``path`` as JSON, atomically (a temporary file renamed into place)."""
        path = Path(path)
        document = {"tokenizer": type(self).__name__, "format_version": FORMAT_VERSION, **self.to_dict()}
        text = json.dumps(document, ensure_ascii=False, indent=1)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return path

    @classmethod
    def load(cls, path: str | os.PathLike) -> Tokenizer:
        """Read a tokenizer that ``save`` wrote; the file must hold this class's kind of tokenizer."""
        path = Path(path)
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise ValueError(f"{path} is not a tokenizer file (invalid JSON: {error})") from None
        if not isinstance(document, dict) or "tokenizer" not in document:
            raise ValueError(f"{path} is not a tokenizer file (no 'tokenizer' field)")
        if document["tokenizer"] != cls.__name__:
            raise ValueError(f"{path} holds a {document['tokenizer']}, not a {cls.__name__}")
        if document.get("format_version") != FORMAT_VERSION:
            raise ValueError(f"{path} has format_version {document.get('format_version')!r}, expected {FORMAT_VERSION}")
        return cls.from_dict({k: v for k, v in document.items() if k not in ("tokenizer", "format_version")})


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
