"""The exercises of lesson 5.3 (data quality): expected values computed from lib, not the learner's code."""

from __future__ import annotations

import math
from typing import Any

from lib.course.exercises.base import Exercise
from lib.data.dedup import jaccard, shingles
from lib.data.minhash import band_probability, standard_error

# 5.3 Data quality: deduplication, leakage and label noise

SENTENCE_A = "the model reads the text and predicts the next word"
SENTENCE_B = "the model reads the text and predicts the last word"


def _fewest_hashes(target: float, similarity: float = 0.5) -> int:
    """The smallest k whose MinHash standard error at ``similarity`` is at most ``target``, found by search."""
    k = 1
    while standard_error(similarity, k) > target:
        k += 1
    return k


def _half_noise_inputs() -> dict[str, Any]:
    return {"accuracies": [0.93, 0.90, 0.92]}


EXERCISES: tuple[Exercise, ...] = (
    Exercise(
        "5.3.shingle-jaccard",
        "Jaccard similarity of the two sentences' word 3-gram shingles",
        "close",
        expected=lambda: jaccard(shingles(SENTENCE_A, 3), shingles(SENTENCE_B, 3)),
        reference=lambda: 6 / 10,
        wrong=lambda: 9 / 10,
        hint="one changed word spoils every 3-gram that contains it; count the shared shingles, then the union",
    ),
    Exercise(
        "5.3.lsh-candidate",
        "probability that a pair of Jaccard 0.6 becomes a candidate with 20 bands of 5 rows",
        "close",
        expected=lambda: band_probability(0.6, 20, 5),
        reference=lambda: 1 - (1 - 0.6**5) ** 20,
        wrong=lambda: 0.6**5,
        hint="first the chance that one band agrees on all its rows; then the chance that not one of the bands does",
    ),
    Exercise(
        "5.3.hashes-needed",
        "fewest hash functions for a standard error of at most 0.02 at Jaccard 0.5",
        "equal",
        expected=lambda: _fewest_hashes(0.02),
        reference=lambda: math.ceil(0.5 * 0.5 / 0.02**2),
        wrong=lambda: math.ceil(1 / 0.02**2),
        hint="each hash function is a coin that lands 'agree' with probability J; the error of a mean of k coins "
        "shrinks as one over the square root of k",
    ),
    Exercise(
        "5.3.half-noise",
        "does the MLP trained with half its labels flipped stay above 80% on clean test labels?",
        "equal",
        inputs=("accuracies",),
        example_inputs=_half_noise_inputs,
        expected=lambda accuracies: min(accuracies) > 0.8,
        reference=lambda accuracies: True,
        wrong=lambda accuracies: False,
        hint="with ten classes and half the labels flipped uniformly, how often does the true class appear among an "
        "image's look-alikes, compared with any single wrong class?",
    ),
)
