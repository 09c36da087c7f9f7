"""A word-level tokenizer (分词): lower-cased words, the most frequent ones in the vocabulary, the rest <unk>.

The simplest tokenizer a text classifier needs. Words outside the vocabulary all map to one
"unknown" id, so it cannot reproduce text it has not seen; byte-level BPE (lib.data.bpe) can.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import torch

from lib.core.validate import positive_int
from lib.data.tokenizer import Tokenizer, ids_as_list

WORD_PATTERN = r"[^\W\d_]+|\d+|[^\w\s]"
PAD, UNK = "<pad>", "<unk>"


def words(text: str) -> list[str]:
    """The lower-cased words, numbers and single punctuation marks of ``text``."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    return re.findall(WORD_PATTERN, text.lower())


class WordTokenizer(Tokenizer):
    """Ids 0 and 1 are <pad> and <unk>; then the vocabulary's words, most frequent first."""

    kind = "word"

    pad_id = 0
    unk_id = 1

    def __init__(self, vocabulary: Sequence[str]) -> None:
        vocabulary = list(vocabulary)
        if any(not isinstance(w, str) or not w for w in vocabulary) or len(set(vocabulary)) != len(vocabulary):
            raise ValueError("vocabulary must be distinct non-empty strings")
        if PAD in vocabulary or UNK in vocabulary:
            raise ValueError(f"vocabulary must not contain the reserved tokens {PAD} and {UNK}")
        self.itos: list[str] = [PAD, UNK, *vocabulary]
        self.stoi: dict[str, int] = {w: i for i, w in enumerate(self.itos)}

    @classmethod
    def train(cls, texts: Iterable[str], max_words: int = 5000, min_count: int = 2) -> WordTokenizer:
        """Keep the ``max_words`` most frequent words seen at least ``min_count`` times (ties alphabetical)."""
        positive_int("max_words", max_words)
        positive_int("min_count", min_count)
        counts = Counter(w for text in texts for w in words(text))
        ranked = sorted((w for w, c in counts.items() if c >= min_count), key=lambda w: (-counts[w], w))
        return cls(ranked[:max_words])

    @property
    def vocab_size(self) -> int:
        """Number of ids, the two reserved ones included."""
        return len(self.itos)

    def encode(self, text: str) -> list[int]:
        """The ids of ``text``'s words; unknown words become ``unk_id``."""
        return [self.stoi.get(w, self.unk_id) for w in words(text)]

    def decode(self, ids: Sequence[int] | torch.Tensor) -> str:
        """The words of ``ids`` joined by spaces (case, spacing and unknown words are not recovered)."""
        if isinstance(ids, torch.Tensor):
            ids = ids_as_list(ids, self.vocab_size)
        out = []
        for i in ids:
            if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < self.vocab_size:
                raise ValueError(f"ids must be ints in [0, {self.vocab_size}), got {i!r}")
            out.append(self.itos[i])
        return " ".join(out)

    def _fields(self) -> dict[str, Any]:
        """The vocabulary's words in id order, the reserved <pad> and <unk> left out."""
        return {"vocabulary": self.itos[2:]}

    @classmethod
    def _from_fields(cls, data: dict[str, Any]) -> WordTokenizer:
        """The tokenizer with the vocabulary ``_fields`` stored."""
        if not isinstance(data.get("vocabulary"), list):
            raise ValueError("a word tokenizer's data needs 'vocabulary', a list of words")
        return cls(data["vocabulary"])

    def encode_batch(self, texts: Sequence[str], max_len: int = 64) -> torch.Tensor:
        """A (len(texts), max_len) int64 tensor of ids, cut to ``max_len`` and padded with ``pad_id``."""
        positive_int("max_len", max_len)
        if isinstance(texts, str) or not isinstance(texts, Sequence):
            raise TypeError("texts must be a sequence of str (a list of documents, not one str)")
        batch = torch.full((len(texts), max_len), self.pad_id, dtype=torch.long)
        for row, text in enumerate(texts):
            ids = self.encode(text)[:max_len]
            batch[row, : len(ids)] = torch.tensor(ids, dtype=torch.long)
        return batch


def bag_of_words(ids: torch.Tensor, vocab_size: int, pad_id: int = 0) -> torch.Tensor:
    """Word counts per row: (batch, seq) ids -> (batch, vocab_size) float counts, padding not counted."""
    if not isinstance(ids, torch.Tensor) or ids.ndim != 2 or ids.dtype != torch.long:
        raise ValueError(f"ids must be a 2-D int64 tensor (batch, seq), got {getattr(ids, 'shape', ids)!r}")
    positive_int("vocab_size", vocab_size)
    counts = torch.zeros(ids.shape[0], vocab_size, dtype=torch.float32, device=ids.device)
    counts.scatter_add_(1, ids, torch.ones_like(ids, dtype=torch.float32))
    counts[:, pad_id] = 0
    return counts
