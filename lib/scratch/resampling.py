"""Resampling written out: stratified k-fold splits (交叉验证) and bootstrap confidence intervals (置信区间).

With a few hundred cases, one train/test split gives a noisy number. Stratified k-fold
cross-validation tests every case once, each fold keeping the classes' proportions; the
bootstrap (Efron 1979) resamples the cases with replacement to show how much a statistic moves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch

from lib.core.seeding import local_generator
from lib.core.validate import fraction, positive_int, seed_value


def stratified_kfold(labels: torch.Tensor, n_folds: int, seed: int = 0) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """``n_folds`` (train indices, test indices) pairs: every case is tested once, each class spread evenly.

    Each class's cases are shuffled (seeded) and dealt round the folds in turn, so fold sizes of
    one class differ by at most one.
    """
    if (
        not isinstance(labels, torch.Tensor)
        or labels.ndim != 1
        or labels.is_floating_point()
        and not (labels == labels.round()).all()
    ):
        raise ValueError(f"labels must be a 1-D tensor of class ids, got {getattr(labels, 'shape', labels)!r}")
    k = positive_int("n_folds", n_folds, minimum=2)
    seed_value("seed", seed)
    labels = labels.long().cpu()
    counts = torch.bincount(labels - labels.min())
    smallest = counts[counts > 0].min().item()
    if smallest < k:
        raise ValueError(f"n_folds must not exceed the smallest class's size {smallest}, got {k}")
    generator = local_generator(seed)
    fold_of = torch.empty(len(labels), dtype=torch.long)
    offset = 0
    for value in torch.unique(labels).tolist():
        members = (labels == value).nonzero().flatten()
        members = members[torch.randperm(len(members), generator=generator)]
        fold_of[members] = (torch.arange(len(members)) + offset) % k
        offset += len(members)  # the next class starts where this one stopped, so fold sizes stay even
    everything = torch.arange(len(labels))
    return [(everything[fold_of != f], everything[fold_of == f]) for f in range(k)]


@dataclass(frozen=True)
class BootstrapInterval:
    """A statistic on the full sample, and the percentile interval of its bootstrap replicates."""

    estimate: float
    low: float
    high: float
    level: float
    replicates: torch.Tensor


def bootstrap_ci(
    statistic: Callable[..., float],
    *tensors: torch.Tensor,
    n_resamples: int = 1000,
    level: float = 0.95,
    seed: int = 0,
    stratify: torch.Tensor | None = None,
) -> BootstrapInterval:
    """Percentile bootstrap interval of ``statistic(*tensors)``, resampling rows with replacement.

    With ``stratify`` (class ids), each class is resampled within itself, so every replicate keeps
    the class counts (needed for a statistic such as AUC, which needs both classes).
    """
    if not callable(statistic):
        raise TypeError(f"statistic must be a function of the tensors, got {type(statistic).__name__}")
    if not tensors or any(not isinstance(t, torch.Tensor) for t in tensors):
        raise ValueError("tensors must be one or more tensors with one row per case")
    n = len(tensors[0])
    if n < 2 or any(len(t) != n for t in tensors):
        raise ValueError(f"tensors must all have the same number of rows (at least 2), got {[len(t) for t in tensors]}")
    positive_int("n_resamples", n_resamples)
    fraction("level", level, low_inclusive=False)
    seed_value("seed", seed)
    if stratify is not None and (not isinstance(stratify, torch.Tensor) or stratify.shape != (n,)):
        shape = getattr(stratify, "shape", stratify)
        raise ValueError(f"stratify must be a 1-D tensor of {n} class ids, got {shape!r}")
    generator = local_generator(seed)
    groups = (
        [torch.arange(n)] if stratify is None else [(stratify == v).nonzero().flatten() for v in torch.unique(stratify)]
    )
    replicates = torch.empty(n_resamples, dtype=torch.float64)
    for r in range(n_resamples):
        rows = torch.cat([g[torch.randint(len(g), (len(g),), generator=generator)] for g in groups])
        replicates[r] = float(statistic(*(t[rows] for t in tensors)))
    tail = (1 - level) / 2
    low, high = torch.quantile(replicates, torch.tensor([tail, 1 - tail], dtype=torch.float64)).tolist()
    return BootstrapInterval(float(statistic(*tensors)), low, high, level, replicates)
