"""Forecasting from scratch: the naive forecast, a linear autoregression fitted by least squares, and errors.

An autoregression of order p, AR(p) (自回归模型), predicts the next value of a series as a weighted
sum of its last p values plus a constant:

    ŷ_{t+1} = c + φ_1 y_t + φ_2 y_{t-1} + ... + φ_p y_{t-p+1}

and least squares (最小二乘) picks c and φ to minimise the squared errors on the training rows. The
**naive** forecast (朴素预测) ŷ_{t+1} = y_t needs no fitting at all, and is the bar any model must
clear. :func:`walk_forward_predict` runs any such method over walk-forward folds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch

from lib.core.validate import tensor
from lib.data.time_series import Fold

FitPredict = Callable[[torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor]


def naive_forecast(windows: torch.Tensor) -> torch.Tensor:
    """The last value of each lagged window (as :func:`lib.data.time_series.lagged_windows` lays them out)."""
    return tensor("windows", windows, ndim=2)[:, -1].clone()


@dataclass(frozen=True)
class Autoregression:
    """A fitted AR(p): ``intercept`` c and ``weights`` φ, oldest lag first (the order of the window's columns)."""

    intercept: float
    weights: torch.Tensor

    def predict(self, windows: torch.Tensor) -> torch.Tensor:
        """c + windows @ φ for rows of the last p values, oldest first."""
        windows = tensor("windows", windows, ndim=2, floating=True)
        if windows.shape[1] != len(self.weights):
            raise ValueError(f"windows must have p={len(self.weights)} columns, got {windows.shape[1]}")
        return self.intercept + windows @ self.weights.to(windows.dtype)


def fit_autoregression(windows: torch.Tensor, targets: torch.Tensor) -> Autoregression:
    """Least-squares AR(p): solve min ||[1, X] β - y||² for β = (c, φ) with ``torch.linalg.lstsq`` in float64."""
    windows = tensor("windows", windows, ndim=2, floating=True)
    targets = tensor("targets", targets, ndim=1, floating=True)
    if len(windows) != len(targets):
        raise ValueError(f"windows and targets must have the same length, got {len(windows)} and {len(targets)}")
    if len(windows) <= windows.shape[1]:
        raise ValueError(f"an AR({windows.shape[1]}) needs more than {windows.shape[1] + 1} rows, got {len(windows)}")
    design = torch.cat([torch.ones(len(windows), 1, dtype=torch.float64), windows.double()], dim=1)
    beta = torch.linalg.lstsq(design, targets.double().unsqueeze(1), driver="gelsd").solution.squeeze(1)
    return Autoregression(intercept=beta[0].item(), weights=beta[1:].clone())


def mae(predicted: torch.Tensor, target: torch.Tensor) -> float:
    """Mean absolute error (平均绝对误差): the mean of |ŷ - y|."""
    predicted, target = _pair(predicted, target)
    return (predicted - target).abs().mean().item()


def rmse(predicted: torch.Tensor, target: torch.Tensor) -> float:
    """Root mean squared error (均方根误差): sqrt(mean((ŷ - y)²)); large misses weigh more than in MAE."""
    predicted, target = _pair(predicted, target)
    return (predicted - target).pow(2).mean().sqrt().item()


def _pair(predicted: torch.Tensor, target: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    predicted, target = tensor("predicted", predicted, floating=True), tensor("target", target, floating=True)
    if predicted.shape != target.shape or predicted.numel() == 0:
        raise ValueError(
            f"predicted and target must have the same non-empty shape, got {tuple(predicted.shape)}"
            f" and {tuple(target.shape)}"
        )
    return predicted.double(), target.double()


def walk_forward_predict(
    inputs: torch.Tensor, targets: torch.Tensor, folds: Sequence[Fold], fit_predict: FitPredict
) -> torch.Tensor:
    """Forecast every test index of ``folds``: ``fit_predict(train_inputs, train_targets, test_inputs)`` per fold.

    Returns a float64 tensor as long as ``targets``, NaN where no fold tested. ``fit_predict`` sees the
    training rows of a fold only, and must return one forecast per test row.
    """
    inputs = tensor("inputs", inputs)
    targets = tensor("targets", targets, ndim=1)
    if len(inputs) != len(targets):
        raise ValueError(f"inputs and targets must have the same length, got {len(inputs)} and {len(targets)}")
    forecasts = torch.full((len(targets),), float("nan"), dtype=torch.float64)
    for fold in folds:
        if fold.train and fold.test and max(fold.train) >= min(fold.test):
            raise ValueError(
                f"a fold trains on index {max(fold.train)}, not before its first test index {min(fold.test)}"
            )
        if fold.test.stop > len(targets):
            raise ValueError(f"a fold tests index {fold.test.stop - 1}, beyond the {len(targets)} targets")
        train = slice(fold.train.start, fold.train.stop)
        test = slice(fold.test.start, fold.test.stop)
        predicted = fit_predict(inputs[train], targets[train], inputs[test])
        if predicted.shape != (len(fold.test),):
            raise ValueError(f"fit_predict must return {len(fold.test)} forecasts, got shape {tuple(predicted.shape)}")
        forecasts[test] = predicted.detach().double().cpu()
    return forecasts
