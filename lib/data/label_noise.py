"""Label noise (标签噪声): flip a chosen fraction of class labels, to measure how much wrong labels cost a model.

Symmetric (uniform) noise at rate ρ replaces each label, with probability ρ, by one of the *other*
classes chosen uniformly, so a flipped label is never the true one. With K classes the true class
then keeps probability 1 - ρ and each other class gets ρ / (K - 1): the true class stays the most
frequent label as long as ρ < (K - 1) / K, which is why a classifier can still learn from 50% noise
on ten classes (Rolnick et al. 2017; Northcutt et al. 2021 measure how common such errors are in
real test sets).
"""

from __future__ import annotations

import torch

from lib.core.seeding import local_generator
from lib.core.validate import fraction, positive_int, seed_value


def flip_labels(labels: torch.Tensor, rate: float, n_classes: int, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """``labels`` with each flipped with probability ``rate`` to another class drawn uniformly; and the flip mask.

    Returns (noisy labels, boolean mask of the flipped positions). Deterministic in ``seed``.
    """
    if not isinstance(labels, torch.Tensor) or labels.ndim != 1 or labels.dtype != torch.int64:
        raise ValueError(f"labels must be a 1-D int64 tensor, got {getattr(labels, 'shape', type(labels).__name__)}")
    rate = fraction("rate", rate, high_inclusive=True)
    positive_int("n_classes", n_classes, minimum=2)
    if labels.numel() and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(f"labels must lie in [0, {n_classes}), got values from {labels.min()} to {labels.max()}")
    generator = local_generator(seed_value("seed", seed))
    flipped = torch.rand(labels.shape, generator=generator) < rate
    offset = torch.randint(1, n_classes, labels.shape, generator=generator)  # 1 .. K-1: never the same class
    noisy = torch.where(flipped, (labels + offset) % n_classes, labels)
    return noisy, flipped


def label_distribution(rate: float, n_classes: int) -> tuple[float, float]:
    """Under symmetric noise at ``rate``: (probability a label is the true class, probability it is one given other)."""
    rate = fraction("rate", rate, high_inclusive=True)
    positive_int("n_classes", n_classes, minimum=2)
    return 1.0 - rate, rate / (n_classes - 1)
