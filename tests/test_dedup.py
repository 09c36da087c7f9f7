"""Tests of lib.data.dedup and lib.data.minhash: exact duplicates, exact Jaccard, MinHash estimates and LSH banding."""

import itertools
import math
import random

import pytest
import torch

from lib.data.dedup import (
    content_hash,
    exact_dedup,
    exact_duplicate_groups,
    jaccard,
    normalize,
    shingles,
    similar_pairs,
)
from lib.data.minhash import (
    EMPTY,
    MinHasher,
    band_probability,
    band_threshold,
    candidate_pairs,
    estimate_jaccard,
    near_duplicate_pairs,
    pairs_with_jaccard,
    shingle_ids,
    simulated_band_probability,
    standard_error,
)


def test_normalize_and_exact_duplicates():
    assert normalize("  The  Cat\n\tsat ") == "the cat sat"
    assert content_hash("The cat") == content_hash("the   CAT\n") != content_hash("the dog")
    texts = ["a b", "c", "A  B", "d", "c", "a b"]
    assert exact_duplicate_groups(texts) == [[0, 2, 5], [1, 4]]
    assert exact_dedup(texts) == [0, 1, 3]
    with pytest.raises(TypeError, match="texts"):
        exact_dedup("not a list")
    with pytest.raises(TypeError, match=r"texts\[1\]"):
        exact_dedup(["a", 3])


def test_shingles_and_jaccard_by_hand():
    assert shingles("a b c d", k=2) == {"a b", "b c", "c d"}
    assert shingles("Short text", k=5) == {"short text"}
    assert shingles("   ", k=3) == frozenset()
    assert jaccard({1, 2, 3}, {2, 3, 4}) == pytest.approx(2 / 4)
    assert jaccard(set(), set()) == 1.0 and jaccard({1}, set()) == 0.0
    with pytest.raises(ValueError, match="k must be"):
        shingles("a b", k=0)


def test_similar_pairs_equals_brute_force():
    rng = random.Random(0)
    sets = [frozenset(rng.sample(range(30), rng.randint(0, 12))) for _ in range(40)]
    sets[5] = sets[6] = frozenset()
    for threshold in (0.2, 0.5, 1.0):
        brute = {(i, j): jaccard(sets[i], sets[j]) for i, j in itertools.combinations(range(40), 2)}
        brute = {pair: v for pair, v in brute.items() if v >= threshold}
        found = similar_pairs(sets, threshold)
        assert found.keys() == brute.keys()
        for pair, value in found.items():
            assert value == pytest.approx(brute[pair])
    with pytest.raises(ValueError, match="threshold"):
        similar_pairs(sets, 0.0)


def test_minhash_signature_is_the_minimum_of_each_hash():
    hasher = MinHasher(num_perm=8, seed=3)
    items = frozenset({"x y", "y z", "z w"})
    ids = shingle_ids(items)
    by_hand = torch.stack([((hasher.a[i] * ids + hasher.b[i]) % (2**31 - 1)).min() for i in range(8)])
    assert torch.equal(hasher.signatures([items])[0], by_hand)
    assert torch.equal(hasher.signatures([frozenset()])[0], torch.full((8,), EMPTY))
    assert torch.equal(MinHasher(8, seed=3).signatures([items]), hasher.signatures([items]))  # deterministic
    with pytest.raises(ValueError, match="num_perm"):
        MinHasher(num_perm=0)


def test_minhash_estimate_within_its_standard_error():
    """Over many pairs of known Jaccard J, the estimate's spread matches sqrt(J(1-J)/k) and its mean is J."""
    k = 128
    for similarity in (0.2, 0.5, 0.8):
        first, second = pairs_with_jaccard(100, similarity, 300, seed=1)
        for a, b in zip(first[:3], second[:3], strict=True):
            assert jaccard(set(a.tolist()), set(b.tolist())) == pytest.approx(similarity)
        hasher = MinHasher(k, seed=2)
        rows_a, rows_b = hasher.signatures_of_rows(first), hasher.signatures_of_rows(second)
        assert torch.equal(rows_a, hasher.signatures_from_ids(list(first)))  # the fast path equals the general one
        estimates = torch.tensor([estimate_jaccard(x, y) for x, y in zip(rows_a, rows_b, strict=True)])
        se = standard_error(similarity, k)
        assert abs(estimates.mean().item() - similarity) < 4 * se / math.sqrt(300)
        assert estimates.std().item() == pytest.approx(se, rel=0.2)
        assert ((estimates - similarity).abs() <= 2 * se).double().mean() > 0.9


def test_band_probability_formula_and_simulation():
    assert band_probability(0.0, 16, 8) == 0.0 and band_probability(1.0, 16, 8) == 1.0
    assert band_probability(0.5, 2, 1) == pytest.approx(0.75)  # 1 - (1 - 0.5)^2
    s = torch.tensor([0.3, 0.7])
    torch.testing.assert_close(band_probability(s, 4, 2), 1 - (1 - s**2) ** 4)
    assert band_threshold(16, 8) == pytest.approx(16 ** (-1 / 8))
    for similarity in (0.5, 0.7, 0.8):
        p = band_probability(similarity, 8, 4)
        observed = simulated_band_probability(similarity, 8, 4, n_pairs=400, seed=5)
        assert abs(observed - p) < 4 * math.sqrt(p * (1 - p) / 400) + 1e-9
    with pytest.raises(ValueError, match="bands"):
        band_probability(0.5, 0, 4)


def test_candidate_pairs_bucket_identical_bands():
    signatures = torch.tensor([[1, 2, 3, 4], [1, 2, 9, 9], [7, 7, 3, 4], [5, 5, 5, 5]])
    assert candidate_pairs(signatures, bands=2, rows=2) == {(0, 1), (0, 2)}
    assert candidate_pairs(signatures, bands=1, rows=4) == set()
    with pytest.raises(ValueError, match="bands \\* rows"):
        candidate_pairs(signatures, bands=3, rows=2)


def test_near_duplicate_pairs_find_edited_copies():
    rng = random.Random(4)
    words = [f"w{i}" for i in range(500)]
    texts = [" ".join(rng.choices(words, k=60)) for _ in range(30)]
    edited = texts[0].split()
    edited[30] = "changed"  # one word in 60: 5 of 56 shingles differ
    texts.append(" ".join(edited))
    sets = [shingles(t) for t in texts]
    found = near_duplicate_pairs(sets, threshold=0.8)
    assert set(found) == set(similar_pairs(sets, 0.8)) == {(0, 30)}
    assert found[0, 30] == pytest.approx(jaccard(sets[0], sets[30]))
    with pytest.raises(ValueError, match="num_perm"):
        near_duplicate_pairs(sets, num_perm=100, bands=16)
