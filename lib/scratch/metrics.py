"""Classification metrics written out: the confusion matrix and what it yields."""

from __future__ import annotations

import torch

from lib.core.validate import positive_int
from lib.core.validate import tensor as check_tensor


def confusion_matrix(predicted: torch.Tensor, target: torch.Tensor, n_classes: int) -> torch.Tensor:
    """(n_classes, n_classes) counts: row = true class, column = predicted class."""
    n = positive_int("n_classes", n_classes)
    for name, t in (("predicted", predicted), ("target", target)):
        if not isinstance(t, torch.Tensor) or t.ndim != 1 or t.dtype.is_floating_point:
            raise ValueError(f"{name} must be a 1-D integer tensor of class ids, got {getattr(t, 'shape', t)!r}")
    if predicted.shape != target.shape:
        raise ValueError(f"predicted and target must have the same length, got {len(predicted)} and {len(target)}")
    if len(target) and (min(predicted.min(), target.min()) < 0 or max(predicted.max(), target.max()) >= n):
        raise ValueError(f"class ids must lie in [0, {n})")
    flat = target.long() * n + predicted.long()
    return torch.bincount(flat, minlength=n * n).reshape(n, n)


def per_class_recall(confusion: torch.Tensor) -> torch.Tensor:
    """Fraction of each true class predicted correctly (the diagonal over the row sums); NaN for an empty row."""
    check_tensor("confusion", confusion)
    if confusion.ndim != 2 or confusion.shape[0] != confusion.shape[1]:
        raise ValueError(f"confusion must be a square matrix, got shape {tuple(confusion.shape)}")
    rows = confusion.sum(dim=1).double()
    return confusion.diagonal().double() / rows
