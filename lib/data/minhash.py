"""MinHash signatures and locality-sensitive hashing (LSH) for finding near duplicates (近似重复) at scale.

MinHash (Broder 1997): apply a random hash function h to every shingle of a set and keep the
smallest value. For two sets A and B, the smallest value over A ∪ B is equally likely to come
from any of its elements, so P[min h(A) = min h(B)] = |A ∩ B| / |A ∪ B|, the Jaccard similarity J.
With k independent hash functions, the fraction of the k minima that agree estimates J with
standard error sqrt(J (1 - J) / k) <= 1 / (2 sqrt(k)).

LSH banding cuts the k minima into b bands of r rows and calls a pair a *candidate* when all r rows
of at least one band agree: probability 1 - (1 - J^r)^b, an S-curve that is near 0 below about
(1/b)^(1/r) and near 1 above it. Only candidates are then compared exactly, so a collection of n
texts costs far fewer than n (n - 1) / 2 comparisons.

The hash functions are the universal family h(x) = (a x + b) mod p with p = 2^31 - 1, so every
product fits in 64-bit integers and a whole collection is hashed in a few tensor operations.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Sequence

import torch

from lib.core.seeding import local_generator
from lib.core.validate import fraction, positive_int, seed_value
from lib.data.dedup import jaccard

PRIME = 2**31 - 1  # a Mersenne prime: (a x + b) with a, x, b < p stays below 2^63
EMPTY = PRIME  # the signature entry of an empty set: larger than every hash value


def shingle_ids(items: frozenset[str] | set[str]) -> torch.Tensor:
    """Each string of ``items`` as a 31-bit integer (from BLAKE2b, the same on every machine), sorted, int64."""
    if not isinstance(items, (set, frozenset)):
        raise TypeError(f"items must be a set of str, got {type(items).__name__}")
    values = []
    for item in items:
        if not isinstance(item, str):
            raise TypeError(f"items must hold str, got {type(item).__name__}")
        digest = hashlib.blake2b(item.encode("utf-8"), digest_size=8).digest()
        values.append(int.from_bytes(digest, "big") % PRIME)
    return torch.tensor(sorted(values), dtype=torch.int64)


class MinHasher:
    """``num_perm`` hash functions h_i(x) = (a_i x + b_i) mod p drawn from ``seed``; signatures of shingle sets."""

    def __init__(self, num_perm: int = 128, seed: int = 0) -> None:
        self.num_perm = positive_int("num_perm", num_perm)
        generator = local_generator(seed_value("seed", seed))
        self.a = torch.randint(1, PRIME, (self.num_perm,), generator=generator, dtype=torch.int64)
        self.b = torch.randint(0, PRIME, (self.num_perm,), generator=generator, dtype=torch.int64)

    def signatures_from_ids(self, ids: Sequence[torch.Tensor], chunk: int = 200_000) -> torch.Tensor:
        """Signatures (n, num_perm) int64 of n sets given as tensors of shingle ids in [0, p); empty -> EMPTY."""
        positive_int("chunk", chunk)
        if isinstance(ids, torch.Tensor) or not isinstance(ids, Sequence):
            raise TypeError(f"ids must be a sequence of 1-D int64 tensors, got {type(ids).__name__}")
        for i, t in enumerate(ids):
            if not isinstance(t, torch.Tensor) or t.ndim != 1 or t.dtype != torch.int64:
                raise ValueError(f"ids[{i}] must be a 1-D int64 tensor, got {getattr(t, 'shape', type(t).__name__)}")
            if t.numel() and (t.min() < 0 or t.max() >= PRIME):
                raise ValueError(f"ids[{i}] must lie in [0, 2^31 - 1)")
        n = len(ids)
        result = torch.full((n, self.num_perm), EMPTY, dtype=torch.int64)
        if n == 0:
            return result
        flat = torch.cat(list(ids)) if n else torch.zeros(0, dtype=torch.int64)
        owner = torch.repeat_interleave(torch.arange(n), torch.tensor([t.numel() for t in ids]))
        for start in range(0, flat.numel(), chunk):  # bounded memory: chunk x num_perm values at a time
            x, who = flat[start : start + chunk], owner[start : start + chunk]
            hashed = (x[:, None] * self.a[None, :] + self.b[None, :]) % PRIME  # (chunk, num_perm)
            index = who[:, None].expand_as(hashed)
            result.scatter_reduce_(0, index, hashed, reduce="amin", include_self=True)
        return result

    def signatures_of_rows(self, ids: torch.Tensor) -> torch.Tensor:
        """Signatures (n, num_perm) of n sets of equal size given as the rows of an int64 tensor (n, m), m >= 1."""
        if not isinstance(ids, torch.Tensor) or ids.ndim != 2 or ids.dtype != torch.int64 or ids.shape[1] == 0:
            raise ValueError(f"ids must be a 2-D int64 tensor (n, m) with m >= 1, got {getattr(ids, 'shape', None)}")
        if ids.numel() and (ids.min() < 0 or ids.max() >= PRIME):
            raise ValueError("ids must lie in [0, 2^31 - 1)")
        hashed = (ids[:, :, None] * self.a + self.b) % PRIME  # (n, m, num_perm)
        return hashed.amin(dim=1)

    def signatures(self, sets: Sequence[frozenset[str]]) -> torch.Tensor:
        """Signatures (n, num_perm) of n shingle sets (each a set of str)."""
        if isinstance(sets, (str, bytes)) or not isinstance(sets, Sequence):
            raise TypeError(f"sets must be a sequence of sets of str, got {type(sets).__name__}")
        return self.signatures_from_ids([shingle_ids(s) for s in sets])


def estimate_jaccard(signature_a: torch.Tensor, signature_b: torch.Tensor) -> float:
    """The MinHash estimate of Jaccard similarity: the fraction of positions where two signatures agree."""
    if not isinstance(signature_a, torch.Tensor) or not isinstance(signature_b, torch.Tensor):
        raise TypeError("signature_a and signature_b must be tensors")
    if signature_a.shape != signature_b.shape or signature_a.ndim != 1:
        raise ValueError(
            f"signatures must be 1-D of one shape, got {tuple(signature_a.shape)} and {tuple(signature_b.shape)}"
        )
    return (signature_a == signature_b).double().mean().item()


def standard_error(similarity: float, num_perm: int) -> float:
    """Standard error sqrt(J (1 - J) / k) of the MinHash estimate of Jaccard similarity J with k hash functions."""
    similarity = fraction("similarity", similarity, high_inclusive=True)
    return math.sqrt(similarity * (1.0 - similarity) / positive_int("num_perm", num_perm))


def band_probability(similarity: float | torch.Tensor, bands: int, rows: int) -> float | torch.Tensor:
    """P(a pair of Jaccard similarity s becomes an LSH candidate) = 1 - (1 - s^rows)^bands."""
    positive_int("bands", bands)
    positive_int("rows", rows)
    if isinstance(similarity, torch.Tensor):
        if ((similarity < 0) | (similarity > 1)).any():
            raise ValueError("similarity must lie in [0, 1]")
        return 1.0 - (1.0 - similarity**rows) ** bands
    similarity = fraction("similarity", similarity, high_inclusive=True)
    return 1.0 - (1.0 - similarity**rows) ** bands


def band_threshold(bands: int, rows: int) -> float:
    """The similarity (1 / bands)^(1 / rows) near which the S-curve rises fastest (its usual 'threshold')."""
    return (1.0 / positive_int("bands", bands)) ** (1.0 / positive_int("rows", rows))


def _bands_rows(signatures: torch.Tensor, bands: int, rows: int) -> torch.Tensor:
    positive_int("bands", bands)
    positive_int("rows", rows)
    if not isinstance(signatures, torch.Tensor) or signatures.ndim != 2:
        raise ValueError(f"signatures must be a 2-D tensor (n, k), got {getattr(signatures, 'shape', None)}")
    if bands * rows != signatures.shape[1]:
        raise ValueError(f"bands * rows must equal the signature length {signatures.shape[1]}, got {bands} * {rows}")
    return signatures.view(signatures.shape[0], bands, rows)


def candidate_pairs(signatures: torch.Tensor, bands: int, rows: int) -> set[tuple[int, int]]:
    """Pairs (i, j), i < j, whose signatures agree on every row of at least one of ``bands`` bands of ``rows``."""
    banded = _bands_rows(signatures, bands, rows)
    pairs: set[tuple[int, int]] = set()
    for band in range(bands):
        buckets: dict[tuple[int, ...], list[int]] = defaultdict(list)
        for i, key in enumerate(map(tuple, banded[:, band, :].tolist())):
            buckets[key].append(i)
        for members in buckets.values():
            for x in range(len(members)):
                for y in range(x + 1, len(members)):
                    pairs.add((members[x], members[y]))
    return pairs


def pairs_with_jaccard(size: int, similarity: float, n_pairs: int, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """``n_pairs`` synthetic pairs of sets of shingle ids, each pair of exactly the Jaccard ``similarity``.

    Returns two int64 tensors of shape (n_pairs, set size): row i of each is one set of pair i. Each
    pair's union has ``size`` distinct random ids, of which round(similarity * size) are shared and the
    rest split evenly between the two sets (so size - shared must be even).
    """
    positive_int("size", size)
    positive_int("n_pairs", n_pairs)
    similarity = fraction("similarity", similarity, high_inclusive=True)
    shared = round(similarity * size)
    if (size - shared) % 2 or abs(shared / size - similarity) > 1e-9:
        raise ValueError(
            f"similarity * size must be a whole number of the same parity as size, got {similarity} * {size}"
        )
    generator = local_generator(seed_value("seed", seed))
    ids = torch.randint(0, PRIME, (n_pairs, size), generator=generator, dtype=torch.int64)
    for row in range(n_pairs):  # ids within a pair must be distinct; among 2^31 values a repeat is rare
        while ids[row].unique().numel() < size:
            ids[row] = torch.randint(0, PRIME, (size,), generator=generator, dtype=torch.int64)
    only = (size - shared) // 2
    first = ids[:, : shared + only]
    second = torch.cat([ids[:, :shared], ids[:, shared + only :]], dim=1)
    return first, second


def simulated_band_probability(
    similarity: float, bands: int, rows: int, n_pairs: int = 500, size: int = 100, seed: int = 0
) -> float:
    """The share of ``n_pairs`` synthetic pairs of Jaccard ``similarity`` that real MinHash + LSH makes candidates."""
    first, second = pairs_with_jaccard(size, similarity, n_pairs, seed)
    hasher = MinHasher(bands * rows, seed=seed + 1)
    sig_a = _bands_rows(hasher.signatures_of_rows(first), bands, rows)
    sig_b = _bands_rows(hasher.signatures_of_rows(second), bands, rows)
    band_match = (sig_a == sig_b).all(dim=2)  # (n_pairs, bands): all rows of a band agree
    return band_match.any(dim=1).double().mean().item()


def near_duplicate_pairs(
    sets: Sequence[frozenset[str]], threshold: float = 0.8, num_perm: int = 128, bands: int = 16, seed: int = 0
) -> dict[tuple[int, int], float]:
    """Pairs (i, j), i < j, found by MinHash + LSH and kept when their *exact* Jaccard is at least ``threshold``.

    Candidates come from ``bands`` bands of ``num_perm // bands`` rows; each is then checked exactly, so
    there are no false positives, and a true pair is missed with probability 1 - band_probability(J).
    """
    threshold = fraction("threshold", threshold, low_inclusive=False, high_inclusive=True)
    positive_int("bands", bands)
    if positive_int("num_perm", num_perm) % bands:
        raise ValueError(f"num_perm must be a multiple of bands ({bands}), got {num_perm}")
    signatures = MinHasher(num_perm, seed).signatures(sets)
    found = {}
    for i, j in sorted(candidate_pairs(signatures, bands, num_perm // bands)):
        value = jaccard(sets[i], sets[j])
        if value >= threshold:
            found[i, j] = value
    return found
