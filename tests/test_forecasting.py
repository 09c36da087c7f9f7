"""Time-series tools of lesson 4.5: lagged windows, walk-forward splits, scaling, AR(p), errors, and the leaks."""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.data.macro import growth_rate, load_macrodata
from lib.data.time_series import Fold, Standardizer, lagged_windows, walk_forward_splits
from lib.lessons.lesson_4_5_finance import (
    ForecasterConfig,
    centered_moving_average,
    mlp_forecaster,
    shuffled_kfold_predict,
    with_feature,
)
from lib.scratch.forecasting import fit_autoregression, mae, naive_forecast, rmse, walk_forward_predict


def test_lagged_windows_layout():
    series = torch.arange(7, dtype=torch.float64)
    x, y = lagged_windows(series, 3)
    assert x.shape == (4, 3) and y.tolist() == [3, 4, 5, 6]
    assert x[0].tolist() == [0, 1, 2] and x[-1].tolist() == [3, 4, 5]
    assert torch.equal(naive_forecast(x), torch.tensor([2.0, 3, 4, 5], dtype=torch.float64))
    with pytest.raises(ValueError, match="longer than p"):
        lagged_windows(series, 7)
    with pytest.raises(ValueError, match="p must be"):
        lagged_windows(series, 0)


@settings(max_examples=200, deadline=None)
@given(
    n=st.integers(2, 300),
    initial=st.integers(1, 299),
    step=st.integers(1, 50),
    window=st.one_of(st.none(), st.integers(1, 100)),
)
def test_walk_forward_never_trains_on_the_future(n, initial, step, window):
    if initial >= n:
        with pytest.raises(ValueError, match="initial"):
            walk_forward_splits(n, initial, step, window)
        return
    folds = walk_forward_splits(n, initial, step, window)
    tested = [i for fold in folds for i in fold.test]
    assert tested == list(range(initial, n))  # every later index tested once, in order
    for fold in folds:
        assert len(fold.train) > 0 and len(fold.test) <= step
        assert max(fold.train) < min(fold.test)  # no future index in a training fold
        assert fold.train.stop == fold.test.start  # trains on everything up to the origin ...
        assert fold.train.start == (0 if window is None else max(0, fold.test.start - window))  # ... or the last window


def test_walk_forward_predict_refuses_a_leaking_fold():
    x, y = lagged_windows(torch.arange(20, dtype=torch.float64), 2)
    bad = [Fold(train=range(0, 12), test=range(10, 14))]
    with pytest.raises(ValueError, match="not before its first test index"):
        walk_forward_predict(x, y, bad, lambda a, b, c: naive_forecast(c))


def test_walk_forward_predict_passes_only_the_past():
    x, y = lagged_windows(torch.arange(30, dtype=torch.float64), 3)
    seen = []

    def fit_predict(train_x, train_y, test_x):
        seen.append((train_y.max().item(), test_x[:, -1].min().item() + 1))
        return naive_forecast(test_x)

    folds = walk_forward_splits(len(y), 10, 4)
    out = walk_forward_predict(x, y, folds, fit_predict)
    assert torch.isnan(out[:10]).all() and torch.equal(out[10:], y[10:] - 1)
    assert all(latest_trained < first_tested for latest_trained, first_tested in seen)


def test_standardizer_uses_its_own_rows_only():
    train = torch.tensor([[1.0, 5.0], [3.0, 5.0]], dtype=torch.float64)
    scaler = Standardizer.fit(train)
    torch.testing.assert_close(scaler.mean, torch.tensor([2.0, 5.0], dtype=torch.float64))
    torch.testing.assert_close(scaler.std, torch.tensor([1.0, 1.0], dtype=torch.float64))  # constant column keeps 1
    later = torch.tensor([[10.0, 7.0]], dtype=torch.float64)
    torch.testing.assert_close(scaler.inverse(scaler.transform(later)), later)
    with pytest.raises(ValueError, match="at least 2 rows"):
        Standardizer.fit(torch.ones(1, 2))


def test_growth_rate_is_annualized_log_change():
    level = torch.tensor([100.0, 101.0, 99.0], dtype=torch.float64)
    expected = torch.tensor([400 * math.log(1.01), 400 * math.log(99 / 101)], dtype=torch.float64)
    torch.testing.assert_close(growth_rate(level), expected)
    with pytest.raises(ValueError, match="positive"):
        growth_rate(torch.tensor([1.0, 0.0]))


def test_macrodata_matches_statsmodels_inflation():
    data = load_macrodata()
    assert len(data) == 203 and data.quarters[0] == "1959Q1" and data.quarters[-1] == "2009Q3"
    inflation = growth_rate(data["cpi"])
    assert (inflation - data["infl"][1:]).abs().max() <= 0.005 + 1e-9  # statsmodels rounds to 0.01
    with pytest.raises(KeyError, match="column must be"):
        data["gdp"]


def test_autoregression_recovers_known_coefficients_and_matches_statsmodels():
    gen = torch.Generator().manual_seed(0)
    n, phi, c = 4000, (0.5, -0.3), 1.0  # y_t = c + 0.5 y_{t-1} - 0.3 y_{t-2} + noise
    y = torch.zeros(n, dtype=torch.float64)
    noise = torch.randn(n, generator=gen, dtype=torch.float64)
    for t in range(2, n):
        y[t] = c + phi[0] * y[t - 1] + phi[1] * y[t - 2] + noise[t]
    x, target = lagged_windows(y, 2)
    model = fit_autoregression(x, target)
    torch.testing.assert_close(model.weights, torch.tensor([phi[1], phi[0]], dtype=torch.float64), atol=0.05, rtol=0)
    assert abs(model.intercept - c) < 0.1
    from statsmodels.tsa.ar_model import AutoReg

    params = AutoReg(y.numpy(), lags=2, trend="c").fit().params  # const, lag 1, lag 2
    assert abs(params[0] - model.intercept) < 1e-8
    torch.testing.assert_close(model.weights.flip(0), torch.tensor(params[1:]), atol=1e-8, rtol=0)
    torch.testing.assert_close(model.predict(x[:3]), model.intercept + x[:3] @ model.weights)


def test_errors():
    predicted, target = torch.tensor([1.0, 2.0, 5.0]), torch.tensor([1.0, 4.0, 2.0])
    assert mae(predicted, target) == pytest.approx(5 / 3)
    assert rmse(predicted, target) == pytest.approx(math.sqrt(13 / 3))
    with pytest.raises(ValueError, match="same non-empty shape"):
        rmse(predicted, target[:2])


def test_shuffled_kfold_forecasts_each_row_once_from_other_rows():
    x, y = lagged_windows(torch.arange(40, dtype=torch.float64), 2)
    calls = []

    def fit_predict(train_x, train_y, test_x):
        calls.append((len(train_x), len(test_x)))
        return naive_forecast(test_x)

    out = shuffled_kfold_predict(x, y, fit_predict, k=4, seed=1)
    assert not torch.isnan(out).any() and sum(n_test for _, n_test in calls) == len(y)
    assert all(n_train + n_test == len(y) for n_train, n_test in calls)


def test_centered_moving_average_peeks_half_a_window_ahead():
    series = torch.zeros(11, dtype=torch.float64)
    series[7] = 1.0  # a change at t = 7 is visible in the smoothed value at t = 5 (width 5 reads up to t + 2)
    smooth = centered_moving_average(series, 5)
    assert smooth[5] > 0 and smooth[4] == 0
    assert smooth[6] == pytest.approx(0.2)
    with pytest.raises(ValueError, match="odd"):
        centered_moving_average(series, 4)


def test_with_feature_aligns_with_the_windows_last_step():
    series = torch.arange(10, dtype=torch.float64)
    x, _ = lagged_windows(series, 3)
    out = with_feature(x, series * 10, 3)
    assert torch.equal(out[:, -1], x[:, -1] * 10)


def test_mlp_forecaster_is_deterministic_and_leaves_the_global_generator_alone():
    x, y = lagged_windows(torch.sin(torch.arange(60, dtype=torch.float64) / 3), 4)
    state = torch.get_rng_state()
    config = ForecasterConfig(hidden=4, steps=20)
    first = mlp_forecaster(0, config)(x[:40], y[:40], x[40:])
    second = mlp_forecaster(0, config)(x[:40], y[:40], x[40:])
    assert torch.equal(torch.get_rng_state(), state)
    torch.testing.assert_close(first, second)
    assert first.shape == (len(y) - 40,) and first.dtype == torch.float64
    with pytest.raises(ValueError, match="hidden"):
        ForecasterConfig(hidden=0)
