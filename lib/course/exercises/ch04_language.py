"""The exercises of lesson 4.2 (language): expected values computed from lib, PyTorch and scikit-learn."""

from __future__ import annotations

import math

import torch

from lib.course.exercises.base import Exercise
from lib.models.sampling import filter_logits
from lib.train.retrieval import mean_reciprocal_rank

_NUCLEUS_PROBS = torch.tensor([[0.5, 0.3, 0.15, 0.05]])
_TOY_DOCS = ("the with statement", "the for statement", "the while loop", "with blocks and the context manager")


def _ranks_inputs() -> dict:
    return {"ranks": torch.tensor([1, 3, 1, 2, 10, 1, 4])}


def _kept_by_top_p(top_p: float) -> int:
    return int(torch.isfinite(filter_logits(_NUCLEUS_PROBS.log(), top_p=top_p)).sum())


def _sklearn_idf(term: str) -> float:
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer().fit(_TOY_DOCS)
    return float(vectorizer.idf_[vectorizer.vocabulary_[term]])


EXERCISES: tuple[Exercise, ...] = (
    Exercise(
        "4.2.nucleus-size",
        "tokens kept by top-p 0.9 from probabilities 0.5, 0.3, 0.15, 0.05",
        "equal",
        expected=lambda: _kept_by_top_p(0.9),
        reference=lambda: 3,
        wrong=lambda: 2,
        hint="add the probabilities from the likeliest down; stop at the first token that brings the sum to top_p",
    ),
    Exercise(
        "4.2.mrr",
        "mean reciprocal rank of the ranks",
        "close",
        rel=1e-9,
        inputs=("ranks",),
        example_inputs=_ranks_inputs,
        expected=lambda ranks: mean_reciprocal_rank(ranks),
        reference=lambda ranks: sum(1 / r for r in ranks.tolist()) / len(ranks),
        wrong=lambda ranks: 1 / (sum(ranks.tolist()) / len(ranks)),
        hint="take the reciprocal of each query's rank first, then average; the order of the two steps matters",
    ),
    Exercise(
        "4.2.smooth-idf",
        "scikit-learn's idf of 'with' in the four toy documents",
        "close",
        rel=1e-9,
        expected=lambda: _sklearn_idf("with"),
        reference=lambda: math.log((1 + 4) / (1 + 2)) + 1,
        wrong=lambda: math.log(4 / 2),
        hint="scikit-learn smooths: it adds one document that contains every term, and adds 1 to the logarithm",
    ),
)
