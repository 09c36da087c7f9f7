"""Time series (时间序列) for forecasting: lagged windows, walk-forward splits, and scaling fitted on the past.

A forecast is honest only if it is made with what was known at the time. Three tools keep it so:

- :func:`lagged_windows` turns a series into rows of its last ``p`` values, each row paired with
  the value that followed: the input of an autoregression (自回归) or a small network;
- :func:`walk_forward_splits` (前向验证, walk-forward validation) trains on everything before a
  point in time and tests on the next block, then moves the point forward: no fold ever trains on
  an index later than one it tests on;
- :class:`Standardizer` learns a mean and a spread from training rows only, and applies them to
  the rows after.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from lib.core.validate import positive_int, tensor


def lagged_windows(series: torch.Tensor, p: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Rows of ``p`` consecutive values and the value after each: ``X[i] = series[i:i+p]``, ``y[i] = series[i+p]``.

    The oldest lag comes first and the most recent last, so ``X[:, -1]`` is the last value seen.
    """
    series = tensor("series", series, ndim=1, floating=True)
    positive_int("p", p)
    if len(series) <= p:
        raise ValueError(f"series must be longer than p={p}, got {len(series)} values")
    inputs = series.unfold(0, p, 1)[:-1].clone()  # (len - p, p)
    return inputs, series[p:].clone()


@dataclass(frozen=True)
class Fold:
    """One walk-forward fold: train on the indices in ``train``, then forecast those in ``test``."""

    train: range
    test: range


def walk_forward_splits(n: int, initial: int, step: int, window: int | None = None) -> list[Fold]:
    """Expanding-window (or, with ``window``, rolling-window) folds over ``n`` time-ordered samples.

    The first fold trains on samples ``[0, initial)`` and tests on ``[initial, initial + step)``;
    each next fold moves both ends ``step`` samples later, until the tests cover ``[initial, n)``
    exactly once. With ``window`` a fold trains on the last ``window`` samples only. Every training
    index is earlier than every test index of its fold.
    """
    positive_int("n", n)
    positive_int("initial", initial)
    positive_int("step", step)
    if window is not None:
        positive_int("window", window)
    if initial >= n:
        raise ValueError(f"initial must be smaller than n={n} to leave something to test, got {initial}")
    folds = []
    for start in range(initial, n, step):
        first = 0 if window is None else max(0, start - window)
        folds.append(Fold(train=range(first, start), test=range(start, min(start + step, n))))
    return folds


@dataclass(frozen=True)
class Standardizer:
    """A mean and standard deviation learned from some rows, to scale others: ``(x - mean) / std``."""

    mean: torch.Tensor
    std: torch.Tensor

    @classmethod
    def fit(cls, x: torch.Tensor) -> Standardizer:
        """Learn per-column statistics of ``x`` (1-D, or 2-D samples x features); a constant column keeps std 1."""
        x = tensor("x", x, floating=True)
        if x.ndim not in (1, 2) or len(x) < 2:
            raise ValueError(f"x must be 1-D or 2-D with at least 2 rows, got shape {tuple(x.shape)}")
        std = x.std(dim=0, correction=0)  # population standard deviation, as scikit-learn's StandardScaler
        return cls(x.mean(dim=0), torch.where(std > 0, std, torch.ones_like(std)))

    def transform(self, x: torch.Tensor) -> torch.Tensor:
        """Scale ``x`` with the learned statistics."""
        return (tensor("x", x, floating=True) - self.mean) / self.std

    def inverse(self, z: torch.Tensor) -> torch.Tensor:
        """Undo :meth:`transform`."""
        return tensor("z", z, floating=True) * self.std + self.mean
