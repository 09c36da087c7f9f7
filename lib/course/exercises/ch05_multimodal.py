"""The exercises of lesson 5.4 (multimodal learning): expected values from lib and PyTorch, not the learner's code."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from lib.course.exercises.base import Exercise
from lib.scratch.contrastive import clip_loss
from lib.train.retrieval import first_relevant_ranks, recall_at_k

TAU = 0.5


def _pairs() -> dict:
    g = torch.Generator().manual_seed(5)
    return {
        "image_features": torch.randn(4, 3, generator=g, dtype=torch.float64),
        "text_features": torch.randn(4, 3, generator=g, dtype=torch.float64),
    }


def _by_hand(image_features: torch.Tensor, text_features: torch.Tensor, both: bool = True) -> float:
    logits = F.normalize(image_features, dim=1) @ F.normalize(text_features, dim=1).T / TAU
    rows = (logits.logsumexp(dim=1) - logits.diagonal()).mean()
    cols = (logits.logsumexp(dim=0) - logits.diagonal()).mean()
    return ((rows + cols) / 2 if both else rows).item()


def _collapsed_loss(batch_size: int = 128) -> float:
    same = torch.ones(batch_size, 16, dtype=torch.float64)  # every image and every caption: one vector
    return clip_loss(same, same, 0.07).item()


def _retrieval() -> dict:
    g = torch.Generator().manual_seed(7)
    return {
        "scores": torch.randn(12, 20, generator=g),
        "query_labels": torch.randint(0, 3, (12,), generator=g),
        "image_labels": torch.arange(20) % 3,
    }


def _recall_at_1(scores: torch.Tensor, query_labels: torch.Tensor, image_labels: torch.Tensor) -> float:
    relevant = query_labels.unsqueeze(1) == image_labels.unsqueeze(0)
    return recall_at_k(first_relevant_ranks(scores, relevant), 1)


EXERCISES: tuple[Exercise, ...] = (
    Exercise(
        "5.4.info-nce",
        "symmetric InfoNCE of the four pairs at τ = 0.5",
        "close",
        rel=1e-9,
        inputs=("image_features", "text_features"),
        example_inputs=_pairs,
        expected=lambda image_features, text_features: clip_loss(image_features, text_features, TAU).item(),
        reference=lambda image_features, text_features: _by_hand(image_features, text_features),
        wrong=lambda image_features, text_features: _by_hand(image_features, text_features, both=False),
        hint="normalize both sides first; CLIP's loss reads the similarity matrix along its rows and along its "
        "columns, and averages the two",
    ),
    Exercise(
        "5.4.collapsed-loss",
        "the loss of a collapsed model (one vector for everything) on a batch of 128 pairs",
        "close",
        rel=1e-9,
        expected=_collapsed_loss,
        reference=lambda: math.log(128),
        wrong=lambda: math.log(10),
        hint="if every logit in a row is the same, what probability does the softmax give the right text? The "
        "number of digit classes plays no part",
    ),
    Exercise(
        "5.4.recall-at-1",
        "text-to-image Recall@1 when any image of the query's digit is right",
        "close",
        rel=1e-9,
        inputs=("scores", "query_labels", "image_labels"),
        example_inputs=_retrieval,
        expected=_recall_at_1,
        reference=lambda scores, query_labels, image_labels: (
            (image_labels[scores.argmax(dim=1)] == query_labels).double().mean().item()
        ),
        wrong=lambda scores, query_labels, image_labels: (
            (scores.argmax(dim=1) == torch.arange(len(scores))).double().mean().item()
        ),
        hint="for each query, look up the digit shown by its highest-scoring image; an image is right when its "
        "digit is the query's, whatever its position",
    ),
)
