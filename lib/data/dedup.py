"""Deduplication (去重): exact duplicates by hashing normalized text, and exact Jaccard similarity of shingle sets.

Two texts are *exact* duplicates when they are equal after normalization (Unicode NFKC, lower case,
runs of white space collapsed): one SHA-256 per text finds them all in one pass. *Near* duplicates
(近似重复) differ by a few words; they are judged by the Jaccard similarity of their sets of word
k-grams ("shingles", Broder 1997). This module computes that similarity exactly, for a pair and for
all pairs of a collection through an inverted index; ``lib.data.minhash`` estimates it cheaply.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence

from lib.core.validate import fraction, positive_int

_SPACE = re.compile(r"\s+")


def _text(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {type(value).__name__}")
    return value


def _texts(name: str, values: object) -> list[str]:
    if isinstance(values, str) or not isinstance(values, Sequence):
        raise TypeError(f"{name} must be a sequence of str, got {type(values).__name__}")
    return [_text(f"{name}[{i}]", v) for i, v in enumerate(values)]


def normalize(text: str) -> str:
    """``text`` in Unicode NFKC form, lower case, with every run of white space turned into one space, stripped."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", _text("text", text)).lower()).strip()


def content_hash(text: str) -> str:
    """The SHA-256 (hex) of the normalized text: equal for texts that differ only in case and spacing."""
    return hashlib.sha256(normalize(text).encode("utf-8")).hexdigest()


def exact_duplicate_groups(texts: Sequence[str]) -> list[list[int]]:
    """Groups of indices of texts with the same normalized content, each of two or more, in order of first index."""
    groups: dict[str, list[int]] = defaultdict(list)
    for i, text in enumerate(_texts("texts", texts)):
        groups[content_hash(text)].append(i)
    return [group for group in groups.values() if len(group) > 1]


def exact_dedup(texts: Sequence[str]) -> list[int]:
    """Indices of the texts to keep: the first of each group of exact duplicates, and every unique text."""
    seen: set[str] = set()
    keep = []
    for i, text in enumerate(_texts("texts", texts)):
        key = content_hash(text)
        if key not in seen:
            seen.add(key)
            keep.append(i)
    return keep


def shingles(text: str, k: int = 5) -> frozenset[str]:
    """The set of word ``k``-grams ("shingles") of the normalized text.

    A text of fewer than ``k`` words gives one shingle, all its words; an empty text gives the empty set.
    """
    positive_int("k", k)
    words = normalize(text).split(" ") if normalize(text) else []
    if not words:
        return frozenset()
    if len(words) < k:
        return frozenset({" ".join(words)})
    return frozenset(" ".join(words[i : i + k]) for i in range(len(words) - k + 1))


def jaccard(a: Iterable[object], b: Iterable[object]) -> float:
    """Jaccard similarity |a ∩ b| / |a ∪ b| of two sets; two empty sets count as identical (1.0)."""
    a, b = set(a), set(b)
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def similar_pairs(sets: Sequence[frozenset[str]], threshold: float) -> dict[tuple[int, int], float]:
    """Every pair (i, j), i < j, whose exact Jaccard similarity is at least ``threshold`` (> 0), with its value.

    Exact and exhaustive: an inverted index (shingle -> sets holding it) counts the intersection of every
    pair that shares a shingle, so pairs sharing nothing (Jaccard 0) are never visited.
    """
    threshold = fraction("threshold", threshold, low_inclusive=False, high_inclusive=True)
    if isinstance(sets, (str, bytes)) or not isinstance(sets, Sequence):
        raise TypeError(f"sets must be a sequence of sets, got {type(sets).__name__}")
    index: dict[str, list[int]] = defaultdict(list)
    for i, items in enumerate(sets):
        for item in items:
            index[item].append(i)
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for holders in index.values():
        for x in range(len(holders)):
            for y in range(x + 1, len(holders)):
                shared[holders[x], holders[y]] += 1
    result = {}
    for (i, j), overlap in shared.items():
        value = overlap / (len(sets[i]) + len(sets[j]) - overlap)
        if value >= threshold:
            result[i, j] = value
    for i in range(len(sets)):  # empty sets share no shingle, yet two of them are identical
        if not sets[i]:
            for j in range(i + 1, len(sets)):
                if not sets[j]:
                    result[i, j] = 1.0
    return dict(sorted(result.items()))
