"""A character-level tokenizer: the vocabulary is every distinct character of a text.

Characters are the simplest tokens (词元): nothing is ever split or merged. Language-modelling
lessons use it before byte-pair encoding; both share the :class:`lib.data.tokenizer.Tokenizer` base.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from lib.data.tokenizer import Tokenizer, ids_as_list


def _describe(char: str) -> str:
    return f"{char!r} (U+{ord(char):04X})"


class CharTokenizer(Tokenizer):
    """Maps each character of a fixed vocabulary to an id 0..V-1 (in sorted order) and back."""

    kind = "char"

    def __init__(self, chars: str | Sequence[str]) -> None:
        if isinstance(chars, str):
            chars = list(chars)
        if not isinstance(chars, Sequence) or not chars:
            raise ValueError("chars must be a non-empty string or sequence of single characters")
        bad = [c for c in chars if not isinstance(c, str) or len(c) != 1]
        if bad:
            raise ValueError(f"chars must hold single characters, got {bad[:3]!r}")
        self.chars: tuple[str, ...] = tuple(sorted(set(chars)))
        self._ids = {c: i for i, c in enumerate(self.chars)}

    @classmethod
    def from_text(cls, text: str) -> CharTokenizer:
        """The tokenizer whose vocabulary is every distinct character of ``text``."""
        if not isinstance(text, str) or not text:
            raise ValueError(f"text must be a non-empty str, got {type(text).__name__} of length {len(text or '')}")
        return cls(text)

    @property
    def vocab_size(self) -> int:
        """Number of distinct characters, V."""
        return len(self.chars)

    def __repr__(self) -> str:
        return f"CharTokenizer(vocab_size={self.vocab_size})"

    def encode(self, text: str) -> list[int]:
        """The ids of ``text``'s characters; unknown characters are a ValueError naming them."""
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}")
        try:
            return [self._ids[c] for c in text]
        except KeyError:
            unknown = sorted({c for c in text if c not in self._ids})
            first = next(i for i, c in enumerate(text) if c not in self._ids)
            shown = ", ".join(_describe(c) for c in unknown[:5])
            raise ValueError(
                f"text holds {len(unknown)} character(s) not in the vocabulary: {shown}"
                f" (first at index {first}); build the tokenizer from text that contains them"
            ) from None

    def decode(self, ids: Sequence[int] | torch.Tensor) -> str:
        """The text of a 1-D sequence of ids (a tensor or a list of ints)."""
        return "".join(self.chars[i] for i in ids_as_list(ids, self.vocab_size))

    def _fields(self) -> dict[str, Any]:
        """The vocabulary, as one string of characters in id order."""
        return {"chars": "".join(self.chars)}

    @classmethod
    def _from_fields(cls, data: dict[str, Any]) -> CharTokenizer:
        """The tokenizer with the vocabulary ``_fields`` stored."""
        if not isinstance(data.get("chars"), str) or not data["chars"]:
            raise ValueError("a char tokenizer's data needs 'chars', a non-empty string of its characters")
        return cls(data["chars"])
