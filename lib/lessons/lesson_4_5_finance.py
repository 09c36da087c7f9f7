"""Lesson 4.5's experiments: a small network forecasting a macro series, and the leaks that flatter it.

The forecaster is an MLP on lagged windows, trained full-batch through the course's engine
(:func:`lib.train.loop.train`) on inputs and targets standardized with the training rows' statistics.
The leaks are the mistakes the lesson measures: a shuffled K-fold split, a scaler fitted on the whole
series, and a feature (a centered moving average) that reads values after the forecast origin.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from lib.core.seeding import local_generator, seeded
from lib.core.validate import positive_int, positive_number, seed_value, tensor
from lib.data.time_series import Standardizer
from lib.models.mlp import MLP
from lib.scratch.forecasting import FitPredict
from lib.train.loop import train


@dataclass(frozen=True)
class ForecasterConfig:
    """An MLP (p lags -> ``hidden`` tanh units -> 1) trained full-batch with AdamW for ``steps`` steps."""

    hidden: int = 8
    steps: int = 100
    lr: float = 1e-2
    weight_decay: float = 0.1

    def __post_init__(self) -> None:
        positive_int("hidden", self.hidden)
        positive_int("steps", self.steps)
        positive_number("lr", self.lr)
        positive_number("weight_decay", self.weight_decay)


def mlp_forecaster(
    seed: int,
    config: ForecasterConfig = ForecasterConfig(),
    scalers: tuple[Standardizer, Standardizer] | None = None,
    device: torch.device | str = "cpu",
) -> FitPredict:
    """A ``fit_predict(train_inputs, train_targets, test_inputs)`` that trains a fresh MLP per call.

    Inputs and targets are standardized with statistics of the training rows it is given, unless
    ``scalers`` = (input scaler, target scaler) is passed: the lesson passes scalers fitted on the whole
    series to measure that leak. Initial weights come from ``seed``; the caller's generator is untouched.
    """
    seed_value("seed", seed)

    def fit_predict(train_inputs: torch.Tensor, train_targets: torch.Tensor, test_inputs: torch.Tensor) -> torch.Tensor:
        x_scale, y_scale = scalers or (Standardizer.fit(train_inputs), Standardizer.fit(train_targets))
        x = x_scale.transform(train_inputs).float().to(device)
        y = y_scale.transform(train_targets).float().unsqueeze(1).to(device)
        with seeded(seed):
            model = MLP((train_inputs.shape[1], config.hidden, 1), activation="tanh")
        optimizer = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
        train(
            model,
            [(x, y)],
            optimizer=optimizer,
            loss_fn=F.mse_loss,
            steps=config.steps,
            device=device,
            log_every=config.steps,
            progress=False,
        )
        with torch.no_grad():
            scaled = model.eval()(x_scale.transform(test_inputs).float().to(device)).squeeze(1)
        return y_scale.inverse(scaled.double().cpu())

    return fit_predict


def shuffled_kfold_predict(
    inputs: torch.Tensor, targets: torch.Tensor, fit_predict: FitPredict, k: int = 5, seed: int = 0
) -> torch.Tensor:
    """The leak: K-fold cross-validation over *shuffled* rows, so each test row is surrounded by training rows.

    Every row is forecast once, by a model trained on the other folds, which hold rows from its future.
    """
    inputs, targets = tensor("inputs", inputs), tensor("targets", targets, ndim=1)
    positive_int("k", k, minimum=2)
    order = torch.randperm(len(targets), generator=local_generator(seed))
    forecasts = torch.full((len(targets),), float("nan"), dtype=torch.float64)
    for fold in range(k):
        test = order[fold::k].sort().values
        keep = torch.ones(len(targets), dtype=torch.bool)
        keep[test] = False
        forecasts[test] = fit_predict(inputs[keep], targets[keep], inputs[test]).double()
    return forecasts


def centered_moving_average(series: torch.Tensor, width: int = 5) -> torch.Tensor:
    """The mean of ``width`` values centred on each point (odd ``width``; ends average what exists).

    A smoother economists often apply to a whole series before building features. At time t it reads
    values up to t + (width - 1) / 2: used as a feature for forecasting t + 1, it has seen the answer.
    """
    series = tensor("series", series, ndim=1, floating=True)
    positive_int("width", width)
    if width % 2 == 0:
        raise ValueError(f"width must be odd so the window is centred, got {width}")
    half = width // 2
    out = torch.empty_like(series)
    for t in range(len(series)):
        out[t] = series[max(0, t - half) : t + half + 1].mean()
    return out


def with_feature(inputs: torch.Tensor, feature: torch.Tensor, p: int) -> torch.Tensor:
    """Append ``feature`` at each window's last time step (row i ends at time i + p - 1) as a new column."""
    inputs = tensor("inputs", inputs, ndim=2)
    feature = tensor("feature", feature, ndim=1)
    positive_int("p", p)
    if len(feature) < len(inputs) + p - 1:
        raise ValueError(f"feature must cover the {len(inputs) + p - 1} time steps of the windows, got {len(feature)}")
    return torch.cat([inputs, feature[p - 1 : p - 1 + len(inputs)].unsqueeze(1).to(inputs.dtype)], dim=1)
