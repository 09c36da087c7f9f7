"""The exercises of lesson 4.5 (finance): expected values computed from lib and statsmodels' data."""

from __future__ import annotations

import math
from typing import Any

import torch

from lib.course.exercises.base import Exercise

# 4.5 Finance: forecasting without fooling yourself


def _ar_forecasts_move_with_whole_series_scaling() -> bool:
    """Fit an AR(4) on inputs scaled with training statistics, and again with whole-series statistics: differ?"""
    from lib.data.macro import growth_rate, load_macrodata
    from lib.data.time_series import Standardizer, lagged_windows
    from lib.scratch.forecasting import fit_autoregression

    series = growth_rate(load_macrodata()["realgdp"])
    inputs, targets = lagged_windows(series, 4)
    train, test = slice(0, 80), slice(80, None)
    forecasts = []
    for scaler in (Standardizer.fit(series[:84]), Standardizer.fit(series)):
        model = fit_autoregression(scaler.transform(inputs[train]), scaler.transform(targets[train]))
        forecasts.append(scaler.inverse(model.predict(scaler.transform(inputs[test]))))
    return not torch.allclose(forecasts[0], forecasts[1], rtol=0, atol=1e-9)


def _series_inputs() -> dict[str, Any]:
    return {"series": torch.tensor([2.0, 3.5, 1.0, 4.0, 2.5, 3.0, 0.5, 2.0], dtype=torch.float64), "first": 3}


def _naive_rmse(series: torch.Tensor, first: int) -> float:
    from lib.scratch.forecasting import naive_forecast, rmse

    inputs, targets = series[:-1].unsqueeze(1), series[1:]  # windows of one lag: the last value seen
    return rmse(naive_forecast(inputs)[first - 1 :], targets[first - 1 :])


def _naive_rmse_by_hand(series: torch.Tensor, first: int) -> float:
    errors = [series[t].item() - series[t - 1].item() for t in range(first, len(series))]
    return math.sqrt(sum(e * e for e in errors) / len(errors))


def _naive_mae_by_hand(series: torch.Tensor, first: int) -> float:
    return sum(abs(series[t].item() - series[t - 1].item()) for t in range(first, len(series))) / (len(series) - first)


def _quarters_seen_ahead(width: int) -> int:
    """Probe the smoother with one impulse: the furthest future point whose change moves today's smoothed value."""
    from lib.lessons.lesson_4_5_finance import centered_moving_average

    today, n = 2 * width, 4 * width
    ahead = 0
    for offset in range(1, width + 1):
        impulse = torch.zeros(n, dtype=torch.float64)
        impulse[today + offset] = 1.0
        if centered_moving_average(impulse, width)[today] != 0:
            ahead = offset
    return ahead


EXERCISES: tuple[Exercise, ...] = (
    Exercise(
        "4.5.ar-scaling-leak",
        "do whole-series statistics change an AR's forecasts?",
        "equal",
        expected=_ar_forecasts_move_with_whole_series_scaling,
        reference=lambda: False,
        wrong=lambda: True,
        hint="standardizing is x -> (x - m) / s; what can an intercept and a weight per lag do to undo any m and s?",
    ),
    Exercise(
        "4.5.naive-rmse",
        "RMSE of the naive forecast",
        "close",
        rel=1e-9,
        inputs=("series", "first"),
        example_inputs=_series_inputs,
        expected=_naive_rmse,
        reference=_naive_rmse_by_hand,
        wrong=_naive_mae_by_hand,
        hint="forecast each value from `first` on by the value just before it; square the misses, average, then root",
    ),
    Exercise(
        "4.5.smoother-peeks",
        "quarters a centered 9-quarter average sees ahead",
        "equal",
        expected=lambda: _quarters_seen_ahead(9),
        reference=lambda: (9 - 1) // 2,
        wrong=lambda: 9 - 1,
        hint="a centered window puts as many points after today as before it; how many is that for 9 points?",
    ),
)
