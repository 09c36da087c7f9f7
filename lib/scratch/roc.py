"""The ROC curve (受试者工作特征曲线) and its area (AUC, 曲线下面积), and the rates at one decision threshold.

A binary classifier gives each case a score; a threshold turns scores into decisions. The ROC
curve traces, for every threshold, the true-positive rate (sensitivity, 灵敏度) against the
false-positive rate (1 − specificity, 特异度). Its area is the probability that a random positive
case outscores a random negative one (ties count one half).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from lib.core.validate import tensor as check_tensor


def binary_inputs(scores: object, labels: object) -> tuple[torch.Tensor, torch.Tensor]:
    """``scores`` as float64 and ``labels`` as bool, both 1-D of one length, with both classes present."""
    if not isinstance(scores, torch.Tensor) or scores.ndim != 1 or not scores.is_floating_point():
        raise ValueError(f"scores must be a 1-D floating-point tensor, got {getattr(scores, 'shape', scores)!r}")
    if not isinstance(labels, torch.Tensor) or labels.ndim != 1:
        raise ValueError(f"labels must be a 1-D tensor of 0s and 1s, got {getattr(labels, 'shape', labels)!r}")
    if len(scores) != len(labels):
        raise ValueError(f"scores and labels must have the same length, got {len(scores)} and {len(labels)}")
    if not torch.isfinite(scores).all():
        raise ValueError("scores must be finite")
    if not ((labels == 0) | (labels == 1)).all():
        raise ValueError("labels must hold only 0 and 1 (or False and True)")
    positive = labels.bool()
    if positive.all() or not positive.any():
        raise ValueError("labels must hold both classes: a ROC curve needs positive and negative cases")
    return scores.detach().double().cpu(), positive.cpu()


@dataclass(frozen=True)
class RocCurve:
    """Points of a ROC curve: ``fpr[i]``, ``tpr[i]`` when cases with score >= ``thresholds[i]`` are called positive."""

    fpr: torch.Tensor
    tpr: torch.Tensor
    thresholds: torch.Tensor


def roc_curve(scores: torch.Tensor, labels: torch.Tensor) -> RocCurve:
    """The ROC curve at every distinct score, from (0, 0) (threshold +inf) to (1, 1) (the lowest score)."""
    s, y = binary_inputs(scores, labels)
    order = torch.argsort(s, descending=True, stable=True)
    s, y = s[order], y[order]
    # the last index of each run of equal scores: a threshold there calls all of them positive together
    last = torch.cat([(s[1:] != s[:-1]).nonzero().flatten(), torch.tensor([len(s) - 1])])
    tp = torch.cumsum(y.double(), 0)[last]
    fp = (last + 1).double() - tp
    zero = torch.zeros(1, dtype=torch.float64)
    tpr = torch.cat([zero, tp / y.sum()])
    fpr = torch.cat([zero, fp / (~y).sum()])
    thresholds = torch.cat([torch.tensor([float("inf")], dtype=torch.float64), s[last]])
    return RocCurve(fpr=fpr, tpr=tpr, thresholds=thresholds)


def trapezoid_area(x: torch.Tensor, y: torch.Tensor) -> float:
    """Area under the polyline through (x[i], y[i]) by the trapezoid rule; x must not decrease."""
    check_tensor("x", x)
    check_tensor("y", y)
    if x.ndim != 1 or x.shape != y.shape or len(x) < 2:
        raise ValueError(f"x and y must be 1-D of one length of at least 2, got {tuple(x.shape)} and {tuple(y.shape)}")
    if (x[1:] < x[:-1]).any():
        raise ValueError("x must be non-decreasing")
    return torch.trapezoid(y.double(), x.double()).item()


def roc_auc(scores: torch.Tensor, labels: torch.Tensor) -> float:
    """AUC as a probability: P(score of a random positive > score of a random negative) + ½ P(tie).

    Computed from ranks (the Mann-Whitney U statistic), O(n log n); it equals the area under
    :func:`roc_curve` by the trapezoid rule.
    """
    s, y = binary_inputs(scores, labels)
    order = torch.argsort(s, stable=True)
    ranks = torch.empty_like(s)
    ranks[order] = torch.arange(1, len(s) + 1, dtype=torch.float64)
    # tied scores share the mean of their ranks
    unique, inverse = torch.unique(s, return_inverse=True)
    rank_sum = torch.zeros(len(unique), dtype=torch.float64).index_add_(0, inverse, ranks)
    count = torch.bincount(inverse, minlength=len(unique)).double()
    ranks = (rank_sum / count)[inverse]
    n_pos, n_neg = y.sum().item(), (~y).sum().item()
    u = ranks[y].sum().item() - n_pos * (n_pos + 1) / 2
    return u / (n_pos * n_neg)


@dataclass(frozen=True)
class ThresholdRates:
    """Counts and rates when cases with score >= ``threshold`` are called positive."""

    threshold: float
    tp: int
    fp: int
    tn: int
    fn: int

    @property
    def sensitivity(self) -> float:
        """TP / (TP + FN): the share of positive cases found (true-positive rate, recall)."""
        return self.tp / (self.tp + self.fn)

    @property
    def specificity(self) -> float:
        """TN / (TN + FP): the share of negative cases cleared (1 − false-positive rate)."""
        return self.tn / (self.tn + self.fp)

    @property
    def ppv(self) -> float:
        """TP / (TP + FP): of the cases called positive, the share that are (precision); NaN if none is called."""
        called = self.tp + self.fp
        return self.tp / called if called else float("nan")

    @property
    def npv(self) -> float:
        """TN / (TN + FN): of the cases called negative, the share that are; NaN if none is called."""
        called = self.tn + self.fn
        return self.tn / called if called else float("nan")


def threshold_rates(scores: torch.Tensor, labels: torch.Tensor, threshold: float) -> ThresholdRates:
    """The confusion counts and rates of the decision ``score >= threshold``."""
    s, y = binary_inputs(scores, labels)
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)):
        raise ValueError(f"threshold must be a number, got {threshold!r}")
    called = s >= threshold
    return ThresholdRates(
        threshold=float(threshold),
        tp=int((called & y).sum()),
        fp=int((called & ~y).sum()),
        tn=int((~called & ~y).sum()),
        fn=int((~called & y).sum()),
    )
