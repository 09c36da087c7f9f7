"""Calibration (校准): do predicted probabilities match how often the event happens?

A model is calibrated when, of all cases given probability 0.7, about 70% are positive. The
reliability diagram (可靠性图) bins the predictions and plots each bin's observed rate against its
mean prediction; the expected calibration error (ECE, 期望校准误差) is the bins' average gap,
weighted by how many cases fall in each (Guo et al. 2017, arXiv:1706.04599). Guo et al. bin a
multi-class model's top-class confidence; for a binary model we bin p(y = 1) itself, the diagram a
clinician reads. The Brier score is the mean squared error of the probabilities (Brier 1950).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from lib.core.validate import positive_int


def _probabilities_and_labels(probabilities: object, labels: object) -> tuple[torch.Tensor, torch.Tensor]:
    if not isinstance(probabilities, torch.Tensor) or probabilities.ndim != 1 or not probabilities.is_floating_point():
        raise ValueError(
            f"probabilities must be a 1-D floating-point tensor, got {getattr(probabilities, 'shape', probabilities)!r}"
        )
    if not isinstance(labels, torch.Tensor) or labels.shape != probabilities.shape:
        raise ValueError(f"labels must be a tensor shaped like probabilities {tuple(probabilities.shape)}")
    if len(labels) == 0:
        raise ValueError("probabilities must not be empty")
    if not ((probabilities >= 0) & (probabilities <= 1)).all():
        raise ValueError("probabilities must lie in [0, 1]")
    if not ((labels == 0) | (labels == 1)).all():
        raise ValueError("labels must hold only 0 and 1")
    return probabilities.detach().double().cpu(), labels.detach().double().cpu()


def brier_score(probabilities: torch.Tensor, labels: torch.Tensor) -> float:
    """Mean of (p − y)²: 0 is perfect, 0.25 is what always saying 0.5 scores."""
    p, y = _probabilities_and_labels(probabilities, labels)
    return ((p - y) ** 2).mean().item()


@dataclass(frozen=True)
class ReliabilityBins:
    """Equal-width bins of the predicted probability: the points of a reliability diagram.

    ``counts[b]`` cases fell in bin b, ``[edges[b], edges[b + 1])`` (the last bin includes 1);
    ``mean_predicted[b]`` and ``observed_rate[b]`` are their mean probability and share of
    positives (NaN for an empty bin).
    """

    edges: torch.Tensor
    counts: torch.Tensor
    mean_predicted: torch.Tensor
    observed_rate: torch.Tensor

    @property
    def nonempty(self) -> torch.Tensor:
        """A mask of the bins that hold at least one case."""
        return self.counts > 0


def reliability_bins(probabilities: torch.Tensor, labels: torch.Tensor, n_bins: int = 10) -> ReliabilityBins:
    """Sort the predictions into ``n_bins`` equal-width bins on [0, 1] and average each bin."""
    p, y = _probabilities_and_labels(probabilities, labels)
    n = positive_int("n_bins", n_bins)
    edges = torch.linspace(0, 1, n + 1, dtype=torch.float64)
    index = torch.clamp((p * n).floor().long(), max=n - 1)  # p = 1 goes in the last bin
    counts = torch.bincount(index, minlength=n)
    sums_p = torch.zeros(n, dtype=torch.float64).index_add_(0, index, p)
    sums_y = torch.zeros(n, dtype=torch.float64).index_add_(0, index, y)
    safe = counts.clamp(min=1).double()
    empty = counts == 0
    nan = torch.full((n,), float("nan"), dtype=torch.float64)
    return ReliabilityBins(
        edges=edges,
        counts=counts,
        mean_predicted=torch.where(empty, nan, sums_p / safe),
        observed_rate=torch.where(empty, nan, sums_y / safe),
    )


def expected_calibration_error(probabilities: torch.Tensor, labels: torch.Tensor, n_bins: int = 10) -> float:
    """ECE = Σ_b (n_b / n) · |observed rate_b − mean predicted_b| over equal-width bins of p(y = 1)."""
    bins = reliability_bins(probabilities, labels, n_bins)
    keep = bins.nonempty
    weights = bins.counts[keep].double() / bins.counts.sum()
    return (weights * (bins.observed_rate[keep] - bins.mean_predicted[keep]).abs()).sum().item()
