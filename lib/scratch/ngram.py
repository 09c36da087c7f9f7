"""A byte-level n-gram language model with Witten-Bell interpolation: a language model that trains in a second.

The model predicts each byte from the ``order - 1`` bytes before it by counting, and mixes in the
prediction of the next shorter context, down to a uniform distribution over the 256 byte values
(Witten and Bell 1991; Chen and Goodman 1999, section 2.4):

    P(c | h) = (C(h c) + T(h) P(c | h')) / (C(h) + T(h)),

where C counts occurrences in the training text, T(h) is the number of distinct bytes seen after
h, and h' is h without its first byte. When h was never seen, P(c | h) = P(c | h'). Every
distribution sums to 1, so its cross-entropy in bits per byte is a true loss, comparable to a
neural model's. Lesson 5.3 uses it to measure how much duplicated text flatters a validation loss.
"""

from __future__ import annotations

import math
from collections import Counter

from lib.core.validate import positive_int

VOCAB = 256  # byte values


def _bytes_text(name: str, text: object) -> str:
    if not isinstance(text, str):
        raise TypeError(f"{name} must be a str, got {type(text).__name__}")
    return text.encode("utf-8").decode("latin-1")  # one character per byte, so every byte value is a "character"


class NGramModel:
    """A byte n-gram model of ``order`` (bytes of context + 1), trained by counting with :meth:`fit`."""

    def __init__(self, order: int = 5) -> None:
        self.order = positive_int("order", order)
        self.counts: list[Counter[str]] = [Counter() for _ in range(self.order + 1)]  # counts[n]: n-grams
        self.context_total: list[Counter[str]] = [Counter() for _ in range(self.order)]  # C(h) for |h| = n
        self.followers: list[Counter[str]] = [Counter() for _ in range(self.order)]  # T(h) for |h| = n

    def fit(self, text: str) -> NGramModel:
        """Count every n-gram of ``text`` (n = 1 .. order), replacing what the model counted before."""
        data = _bytes_text("text", text)
        for n in range(1, self.order + 1):
            starts = range(len(data) - n + 1)
            self.counts[n] = Counter(data[i : i + n] for i in starts)
            self.followers[n - 1] = Counter(gram[:-1] for gram in self.counts[n])
            self.context_total[n - 1] = Counter(data[i : i + n - 1] for i in starts)
        return self

    def probability(self, byte: str, context: str) -> float:
        """P(byte | context) for one byte (a one-character latin-1 str) after ``context`` (the same alphabet)."""
        p = 1.0 / VOCAB
        context = context[-(self.order - 1) :] if self.order > 1 else ""
        for n in range(0, len(context) + 1):  # from the empty context up to the longest
            h = context[len(context) - n :] if n else ""
            total = self.context_total[n].get(h, 0)
            if total:
                distinct = self.followers[n][h]
                p = (self.counts[n + 1].get(h + byte, 0) + distinct * p) / (total + distinct)
        return p

    def bits(self, text: str, context: str = "") -> float:
        """The total surprise -log2 P(text | context) in bits, each byte predicted from those before it."""
        data, history = _bytes_text("text", text), _bytes_text("context", context)
        keep = self.order - 1
        total = 0.0
        for byte in data:
            total -= math.log2(self.probability(byte, history[-keep:] if keep else ""))
            history = (history + byte)[-keep:] if keep else ""
        return total

    def bits_per_byte(self, text: str, context: str = "") -> float:
        """Cross-entropy of ``text`` in bits per byte (its UTF-8 bytes); text must not be empty."""
        n_bytes = len(_bytes_text("text", text))
        if n_bytes == 0:
            raise ValueError("text must not be empty")
        return self.bits(text, context) / n_bytes
