# %% [markdown]
# # 4.5 Finance: forecasting without fooling yourself (金融预测)
#
# **Time:** about 1 min on a laptop CPU · **Prerequisites:** lessons 1.6 (training, validation and test data) and 3.1 (baselines; judging on held-out data); least squares ("fit a line") · **You will learn:** how to forecast a real economic time series honestly: a target that means something, a naive forecast and a linear autoregression to beat, a small network trained with the course's engine, walk-forward validation, and three leaks that make a model look better than it is.
#
# In this lesson you will:
#
# - load 50 years of real US macroeconomic data that statsmodels ships, and turn GDP into a
#   **time series** (时间序列) worth forecasting: next quarter's growth rate, not its level;
# - build the forecasts a model must beat: the **naive forecast** (朴素预测, "same as last
#   quarter") and the historical mean, then a linear **autoregression** (自回归, AR) fitted by least
#   squares and checked against statsmodels;
# - train a small neural network on windows of past values with the course's engine;
# - judge them all by **walk-forward validation** (前向验证): train on the past only, forecast the
#   next quarters, move forward, repeat;
# - measure three forms of **data leakage** (数据泄漏), each making a model look better than it is:
#   a shuffled split, a scaler fitted on the whole series, and a feature that peeks at the future.

# %%
# Setup: on Colab, install the course's `lib` at the version this notebook was executed with, without
# touching Colab's own torch or ipywidgets. Elsewhere `pip install -r requirements.txt` has installed it.
import sys

if "google.colab" in sys.modules:
    import subprocess

    url = "git+https://github.com/large-models-course/large-models-course@v0.2.0"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", url], check=True)

import lib

if lib.__version__ != "0.2.0":
    raise RuntimeError(
        f"this notebook was executed with lib 0.2.0, but lib {lib.__version__} is installed: "
        "open the notebook of the same release, or install v0.2.0 "
        "(on Colab: restart the session, then run this cell again)"
    )

# %%

# %%
import torch

from lib.course.checks import expect_wrong
from lib.course.exercises import check
from lib.course.lesson import lesson_setup
from lib.data.macro import growth_rate, load_macrodata
from lib.data.time_series import Standardizer, lagged_windows, walk_forward_splits
from lib.lessons.lesson_4_5_finance import (
    ForecasterConfig,
    centered_moving_average,
    mlp_forecaster,
    shuffled_kfold_predict,
    with_feature,
)
from lib.scratch.forecasting import fit_autoregression, mae, naive_forecast, rmse, walk_forward_predict
from lib.viz.plots import PALETTE, figure

device, generator = lesson_setup(seed=0)  # seed, device, one CPU thread for tiny models, the course's plot style

# %% [markdown]
# ## Real data: US GDP and prices, 1959-2009
#
# `statsmodels.datasets.macrodata` ships 203 quarters (1959Q1 to 2009Q3) of public-domain US data,
# compiled in 2009 from the Federal Reserve Bank of St. Louis (FRED) and the Bureau of Labor
# Statistics (its `SOURCE` note says so): real GDP, the
# consumer price index (CPI), unemployment, the Treasury-bill rate and more. It is installed with
# statsmodels, so nothing is downloaded.
#
# **The target must mean something.** Real GDP roughly quadrupled over these 50 years. Forecasting
# its *level* is easy and useless: "next quarter equals this quarter" is within about 1% almost
# every time, and any model that learns to copy its input looks brilliant. What an economist wants
# is the **growth rate** (增长率): the annualized log change
#
# $$g_t = 400 \, \ln \frac{\mathrm{GDP}_t}{\mathrm{GDP}_{t-1}} \quad (\text{percent per year}),$$
#
# which is noisy, sometimes negative (recessions), and hard to forecast. statsmodels' own `infl`
# column is the same formula applied to the CPI (rounded to 0.01), which lets us check ours.

# %%
data = load_macrodata()
gdp = data["realgdp"]
growth = growth_rate(gdp)  # 202 values: 1959Q2 ... 2009Q3
by_hand = 400 * torch.log(gdp[1:] / gdp[:-1])
torch.testing.assert_close(growth, by_hand)
inflation = growth_rate(data["cpi"])
assert (inflation - data["infl"][1:]).abs().max() <= 0.005 + 1e-9  # statsmodels' infl, up to its rounding
quarters = data.quarters[1:]  # the quarter each growth rate belongs to
print(f"{len(data)} quarters, {data.quarters[0]} to {data.quarters[-1]}; {len(growth)} growth rates")
print(
    f"real GDP grew {gdp[-1] / gdp[0]:.1f}x; quarter-to-quarter level change within 1%: "
    f"{((gdp[1:] / gdp[:-1] - 1).abs() < 0.01).float().mean():.0%} of quarters"
)
print(
    f"GDP growth: mean {growth.mean():.2f}%/yr, std {growth.std():.2f}, lowest {growth.min():.1f} "
    f"({quarters[growth.argmin()]})"
)

# %%
years = torch.tensor([int(q[:4]) + (int(q[-1]) - 1) / 4 for q in data.quarters], dtype=torch.float64)
fig, axes = figure(ncols=2, width=11)
axes[0].plot(years, gdp / 1000, color=PALETTE[0])
axes[0].set_title("real GDP: the level (trillions of 2005 $)")
axes[0].set_xlabel("year")
axes[1].plot(years[1:], growth, color=PALETTE[0], lw=1, label="real GDP growth")
axes[1].plot(years[1:], inflation, color=PALETTE[3], lw=1, alpha=0.7, label="CPI inflation")
axes[1].axhline(0, color="gray", lw=0.8)
axes[1].set_title("growth rates (% per year, annualized)")
axes[1].set_xlabel("year")
legend = axes[1].legend(fontsize=8, loc="lower left")

# %% [markdown]
# ## The forecasting problem
#
# Each quarter $t$ we forecast $g_{t+1}$ from the last $p = 4$ growth rates (one year). A
# **lagged window** (滞后窗口) holds them, oldest first; `lagged_windows` lays the series out so row
# $i$ holds $g_i, \dots, g_{i+3}$ and its target is $g_{i+4}$.
#
# **Walk-forward validation** (前向验证, also called evaluation on a rolling forecasting origin):
# train on the first 20 years, forecast the next 3 years (12 quarters), then add those quarters to
# the training data, refit, forecast the next 3, and so on to 2009. Every forecast is made by a
# model that saw only the past, exactly as a forecaster in 1980 or 1995 would have been placed. The
# split function is in `lib.data.time_series`; its unit test checks, on hundreds of random
# configurations, that no training fold ever holds an index at or after its test indices.

# %%
P = 4
inputs, targets = lagged_windows(growth, P)
target_quarters = quarters[P:]  # the quarter each target belongs to
first = target_quarters.index("1980Q1")  # first forecast: 1980Q1, after 20 years of data
folds = walk_forward_splits(len(targets), initial=first, step=12)
assert torch.equal(inputs[1:, -1], targets[:-1])  # each row's last lag is the previous row's target
for fold in folds:
    assert max(fold.train) < min(fold.test)  # never train on the future
test = slice(first, None)
truth = targets[test]
print(f"{len(folds)} folds, {len(truth)} quarters forecast ({target_quarters[first]} to {target_quarters[-1]})")
for fold in (folds[0], folds[1], folds[-1]):
    print(
        f"  train {target_quarters[fold.train.start]}-{target_quarters[fold.train.stop - 1]}"
        f" ({len(fold.train)} quarters) -> forecast {target_quarters[fold.test.start]}-{target_quarters[fold.test.stop - 1]}"
    )

# %% [markdown]
# ## Forecasts to beat: naive and historical mean
#
# The **naive forecast** (朴素预测) says next quarter's growth equals this quarter's:
# $\hat g_{t+1} = g_t$. The **historical mean** forecasts the average of every growth rate seen so
# far. Neither learns anything; a model that does not beat them is not worth having. We score with
# two errors, each in the target's own unit (percentage points of annual growth):
#
# $$\mathrm{MAE} = \frac{1}{n}\sum_t |\hat g_t - g_t|, \qquad \mathrm{RMSE} = \sqrt{\frac{1}{n}\sum_t (\hat g_t - g_t)^2}.$$
#
# RMSE weighs a big miss (a recession nobody saw coming) more than MAE does.

# %%
naive = naive_forecast(inputs)
historical_mean = walk_forward_predict(inputs, targets, folds, lambda x, y, x_new: y.mean().expand(len(x_new)))
errors = naive[test] - truth
torch.testing.assert_close(torch.tensor(mae(naive[test], truth), dtype=torch.float64), errors.abs().mean())
torch.testing.assert_close(torch.tensor(rmse(naive[test], truth), dtype=torch.float64), errors.pow(2).mean().sqrt())
print(f"naive:           MAE {mae(naive[test], truth):.2f}  RMSE {rmse(naive[test], truth):.2f}")
print(f"historical mean: MAE {mae(historical_mean[test], truth):.2f}  RMSE {rmse(historical_mean[test], truth):.2f}")

# %% [markdown]
# Already a lesson: for GDP growth the naive forecast is *worse* than the plain average. Quarterly
# growth is noisy; copying the last value copies its noise. (For a smooth, persistent series such
# as inflation the naive forecast is much harder to beat; exercise 2 measures it.)
#
# ## A linear autoregression, fitted by least squares
#
# An **autoregression** of order $p$, AR($p$) (自回归模型), forecasts a weighted sum of the last
# $p$ values plus a constant:
#
# $$\hat g_{t+1} = c + \phi_1 g_t + \phi_2 g_{t-1} + \dots + \phi_p g_{t-p+1}.$$
#
# **Least squares** (最小二乘) picks $\beta = (c, \phi_1, \dots, \phi_p)$ minimising
# $\lVert A\beta - y\rVert^2$, where row $i$ of $A$ is $(1, \text{window}_i)$; the minimiser
# solves the normal equations $A^\top A \beta = A^\top y$. We solve them by hand, compare with
# `lib.scratch.forecasting.fit_autoregression` (which uses `torch.linalg.lstsq`), and with
# statsmodels' own `AutoReg` and `OLS` on the first fold's training data (Box and Jenkins made such
# models the standard tool of forecasting in 1970).

# %%
from statsmodels.regression.linear_model import OLS
from statsmodels.tsa.ar_model import AutoReg

fold0 = slice(0, first)
A = torch.cat([torch.ones(first, 1, dtype=torch.float64), inputs[fold0]], dim=1)
beta = torch.linalg.solve(A.T @ A, A.T @ targets[fold0])  # the normal equations
ar = fit_autoregression(inputs[fold0], targets[fold0])
torch.testing.assert_close(torch.cat([torch.tensor([ar.intercept], dtype=torch.float64), ar.weights]), beta)
ols = OLS(targets[fold0].numpy(), A.numpy()).fit().params
torch.testing.assert_close(torch.tensor(ols), beta)
# AutoReg on the raw series up to the first forecast origin; its lags come newest first
auto = AutoReg(growth[: first + P].numpy(), lags=P, trend="c").fit().params
torch.testing.assert_close(torch.tensor(auto[1:]).flip(0), ar.weights)
assert abs(auto[0] - ar.intercept) < 1e-8
print(
    f"AR({P}) on 1959-1979: c = {ar.intercept:.2f}, phi (newest lag first) = "
    + ", ".join(f"{w:.3f}" for w in ar.weights.flip(0).tolist())
)
assert ar.weights.abs().max() < 0.3  # weak persistence: every lag's weight is small

# %% [markdown]
# The weights are small: growth in one quarter says a little about the next two ($\phi_1$ and
# $\phi_2$ near 0.2) and almost nothing beyond. That is what an honest model of GDP growth looks like. Now walk it
# forward, refitting on each fold:

# %%
autoregression = walk_forward_predict(
    inputs, targets, folds, lambda x, y, x_new: fit_autoregression(x, y).predict(x_new)
)
print(f"AR({P}):           MAE {mae(autoregression[test], truth):.2f}  RMSE {rmse(autoregression[test], truth):.2f}")

# %% [markdown]
# ## A small neural network on lagged windows
#
# The network sees the same four lags: an MLP (4 → 8 tanh units → 1) from `lib.models.mlp`, with
# inputs and target **standardized** (标准化) using the *training* quarters' mean and spread only,
# trained full-batch with AdamW through the course's engine (`lib.train.loop.train`),
# refitted on every walk-forward fold. Its configuration (`ForecasterConfig`) is small on purpose:
# with 79 to 187 training rows, a larger network only memorizes noise. We train it with three seeds
# (a seed sets the initial weights), because one run of a network proves little.

# %%
config = ForecasterConfig()
print(config)
SEEDS = (0, 1, 2)
network = {seed: walk_forward_predict(inputs, targets, folds, mlp_forecaster(seed, config)) for seed in SEEDS}
for seed in SEEDS:
    print(
        f"MLP, seed {seed}:    MAE {mae(network[seed][test], truth):.2f}  RMSE {rmse(network[seed][test], truth):.2f}"
    )

# %% [markdown]
# ## The verdict
#
# All forecasts, same quarters (1980Q1-2009Q3), each made with the past only:

# %%
results = {
    "naive": naive[test],
    "historical mean": historical_mean[test],
    f"AR({P})": autoregression[test],
    **{f"MLP seed {seed}": network[seed][test] for seed in SEEDS},
}
scores = {name: (mae(f, truth), rmse(f, truth)) for name, f in results.items()}
print(f"{'model':16s}   MAE   RMSE")
for name, (m, r) in scores.items():
    print(f"{name:16s}  {m:.2f}  {r:.2f}")
mlp_rmse = [scores[f"MLP seed {seed}"][1] for seed in SEEDS]
ar_rmse, naive_rmse, mean_rmse = scores[f"AR({P})"][1], scores["naive"][1], scores["historical mean"][1]

# %% [markdown]
# The honest verdict, asserted on these runs (the floors sit near what they reach on Python 3.11
# with torch 2.11; other versions move the network's numbers by a few hundredths):
#
# - the **linear AR(4) wins**: its RMSE (about 2.87) is the lowest of all;
# - the network beats the naive forecast on every seed, but not the AR: averaged over seeds its
#   RMSE is higher (about 2.97), and no seed beats the AR by more than 0.03;
# - the naive forecast is the worst, worse even than the historical mean.
#
# This is the usual result on short, noisy economic series. Four lags of one series carry a weak
# linear signal; a network can represent that line but, from under 200 noisy rows, it also fits some
# noise. The large M4 forecasting competition (100,000 series) found the same at scale: the pure
# machine-learning entries were less accurate than a combination of simple statistical methods,
# and only one beat a seasonally adjusted naive forecast (Makridakis et al. 2018). Networks won
# there later only in hybrids with statistical models, and win today where there are many related
# series to learn from, not one short one.

# %%
assert ar_rmse == min(r for _, r in scores.values()) and ar_rmse < 2.95  # AR(4) best; run: 2.87
assert sum(mlp_rmse) / len(mlp_rmse) > ar_rmse + 0.03  # the network's mean RMSE is higher (run: 2.97 vs 2.87)
assert min(mlp_rmse) > ar_rmse - 0.03  # and no seed beats the AR by more than 0.03 (run: best seed 2.89)
assert all(r < naive_rmse - 0.15 for r in mlp_rmse)  # the network beats naive on every seed (run: by 0.2-0.4)
assert naive_rmse > mean_rmse > ar_rmse  # naive worst of the three simple forecasts (3.33, 3.19, 2.87)

# %%
window = slice(len(truth) - 48, None)  # the last 12 years, to see the quarters
t_axis = years[P + 1 :][test][window]
fig, axes = figure(ncols=2, width=11)
axes[0].plot(t_axis, truth[window], color="black", lw=1.5, label="actual")
axes[0].plot(t_axis, naive[test][window], color=PALETTE[1], lw=1, label="naive")
axes[0].plot(t_axis, autoregression[test][window], color=PALETTE[0], lw=1.5, label=f"AR({P})")
axes[0].plot(t_axis, network[0][test][window], color=PALETTE[2], lw=1, ls="--", label="MLP (seed 0)")
axes[0].axhline(0, color="gray", lw=0.8)
axes[0].set_title(f"GDP growth forecasts, {target_quarters[first:][window][0]}-{target_quarters[-1]} (% per year)")
axes[0].set_xlabel("year")
axes[0].legend(fontsize=8, loc="lower left")
names = list(scores)
positions = torch.arange(len(names), dtype=torch.float64)
axes[1].barh(positions - 0.2, [scores[n][1] for n in names], height=0.4, color=PALETTE[0], label="RMSE")
axes[1].barh(positions + 0.2, [scores[n][0] for n in names], height=0.4, color=PALETTE[5], label="MAE")
axes[1].set_yticks(positions.tolist(), names)
axes[1].invert_yaxis()
axes[1].set_xlabel("error, percentage points (lower is better)")
axes[1].set_title("walk-forward errors, 1980-2009")
axes[1].set_xlim(0, 4.3)
legend = axes[1].legend(fontsize=8, loc="lower right")

# %% [markdown]
# The forecasts hug the middle: none of them saw the 2008 collapse coming. The naive forecast
# follows it one quarter late; the AR and the network barely move, forecasting near-average growth
# through most of it. That, too, is honest: a quarter's GDP growth is mostly news that had not
# happened yet.
#
# ## Three ways to fool yourself (数据泄漏)
#
# **Data leakage** (数据泄漏) is information in training or in the features that would not have
# been available when the forecast was made (Kaufman et al. 2012). It never shows up as an error:
# it shows up as a model that looks better than it is. We measure three leaks on the same model
# and the same quarters, with the honest number beside each.
#
# ### Leak 1: a shuffled train/test split
#
# The habit from lesson 1.6 (shuffle the rows, then split) is wrong for a time series. Here:
# 5-fold cross-validation over shuffled rows, so each test quarter is forecast by a model trained
# on quarters from *both sides* of it, its future included. Same network, same seeds, same quarters.

# %%
shuffled = {
    seed: shuffled_kfold_predict(inputs, targets, mlp_forecaster(seed, config), k=5, seed=seed) for seed in SEEDS
}
shuffled_ar = shuffled_kfold_predict(inputs, targets, lambda x, y, x_new: fit_autoregression(x, y).predict(x_new))
shuffled_rmse = [rmse(shuffled[seed][test], truth) for seed in SEEDS]
print(f"{'':10s} walk-forward  shuffled 5-fold")
for seed, honest, leaky in zip(SEEDS, mlp_rmse, shuffled_rmse, strict=True):
    print(f"MLP seed {seed}     {honest:.2f}          {leaky:.2f}")
print(f"AR({P})           {ar_rmse:.2f}          {rmse(shuffled_ar[test], truth):.2f}")

# %% [markdown]
# The shuffled split flatters the network on every seed, by about 0.1 points of RMSE (0.09-0.13),
# enough to make two of the three seeds look *better than the AR* (2.80 against the AR's honest
# 2.87). A researcher who shuffled would report that the network beats the linear model;
# walk-forward says it does not. The rigid AR (5 numbers) gains nothing here (its shuffled score is
# even a little worse, 2.96): a leak flatters a model that can exploit it, and the more flexible the
# model, the more it can.

# %%
assert all(leaky < honest - 0.05 for honest, leaky in zip(mlp_rmse, shuffled_rmse, strict=True))  # run: 0.09-0.13
assert min(shuffled_rmse) < ar_rmse - 0.03  # with the leak, seeds look clearly better than the AR (run: 2.80)
assert rmse(shuffled_ar[test], truth) > ar_rmse  # the rigid AR is not flattered here (run: 2.96 vs 2.87)

# %% [markdown]
# ### Leak 2: a scaler fitted on the whole series
#
# Standardizing with the mean and spread of the *whole* series, 2009 included, tells every fold
# the future's average. GDP growth averaged about 4% a year in the 1960s and under 3% after 1980,
# so a model that starts from "average growth" starts from the right answer for the test years.
#
# A linear model with an intercept is immune: scaling is $x \mapsto (x - m)/s$, and the intercept
# and weights absorb any $m$ and $s$ (exercise 1 asks you to predict this before measuring it). A
# network trained with weight decay is not: decay pulls its output towards 0 in scaled units,
# which is the scaler's mean.

# %%
whole = (Standardizer.fit(inputs), Standardizer.fit(targets))  # the leak: statistics of all 198 rows
whole_scaled = {
    seed: walk_forward_predict(inputs, targets, folds, mlp_forecaster(seed, config, scalers=whole)) for seed in SEEDS
}
scaled_rmse = [rmse(whole_scaled[seed][test], truth) for seed in SEEDS]
print(f"{'':10s} train-only scaler  whole-series scaler")
for seed, honest, leaky in zip(SEEDS, mlp_rmse, scaled_rmse, strict=True):
    print(f"MLP seed {seed}     {honest:.3f}              {leaky:.3f}")
honest_mean, leaky_mean = sum(mlp_rmse) / len(SEEDS), sum(scaled_rmse) / len(SEEDS)
print(f"mean          {honest_mean:.3f}              {leaky_mean:.3f}")
mean_leak = rmse(growth.mean().expand(len(truth)), truth)
print(f"historical mean forecast: {mean_rmse:.3f} from the past only, {mean_leak:.3f} with the whole series' mean")

# %% [markdown]
# For the network this leak is small: 0.03 of RMSE on average, with one seed of three going the
# other way, less than the spread between seeds. That is why it survives in published work:
# nothing looks wrong. It is plainest in the simplest model, the historical mean, which *is* the
# scaler's mean: knowing the 1959-2009 average cuts its RMSE from 3.19 to 3.10, with no seed to
# blame. A small leak is still a leak: a whole-series scaler is also how the next, bigger one
# usually gets in.

# %%
assert abs(leaky_mean - honest_mean) < 0.1  # small for the network (run: 2.97 -> 2.94, one seed of three worse)
assert mean_leak < mean_rmse - 0.05  # clear for the mean forecast (run: 3.19 -> 3.10)

# %% [markdown]
# ### Leak 3: a feature that peeks at the future
#
# Economists often smooth a series before modelling it. A **centered moving average** of 5 quarters
# averages $g_{t-2}, \dots, g_{t+2}$: at quarter $t$ it has read two quarters ahead, including the
# very $g_{t+1}$ we forecast. Add it as a fifth input of the AR and watch:

# %%
smooth = centered_moving_average(growth, 5)
peeking = with_feature(inputs, smooth, P)
peek_ar = walk_forward_predict(peeking, targets, folds, lambda x, y, x_new: fit_autoregression(x, y).predict(x_new))
trailing = torch.stack([growth[max(0, t - 4) : t + 1].mean() for t in range(len(growth))])  # past-only average
honest_feature = with_feature(inputs, trailing, P)
trailing_ar = walk_forward_predict(
    honest_feature, targets, folds, lambda x, y, x_new: fit_autoregression(x, y).predict(x_new)
)
peek_rmse, trailing_rmse = rmse(peek_ar[test], truth), rmse(trailing_ar[test], truth)
print(f"AR({P}) + trailing 5-quarter average (past only): RMSE {trailing_rmse:.2f}")
print(f"AR({P}) + centered 5-quarter average (peeks):     RMSE {peek_rmse:.2f}")

# %%
assert peek_rmse < 0.7 * ar_rmse  # a "40% better" model, out of thin air (run: 1.69 vs 2.87)
assert abs(trailing_rmse - ar_rmse) < 0.05  # the same idea without the peek adds nothing (run: 2.87 vs 2.87)

# %%
leaks = [
    ("shuffled split\n(MLP, mean of seeds)", honest_mean, sum(shuffled_rmse) / len(SEEDS)),
    ("whole-series scaler\n(MLP, mean of seeds)", honest_mean, leaky_mean),
    ("whole-series mean\n(mean forecast)", mean_rmse, mean_leak),
    ("centered average\n(AR(4) + feature)", trailing_rmse, peek_rmse),
]
fig, ax = figure(width=8)
positions = torch.arange(len(leaks), dtype=torch.float64)
ax.barh(
    positions - 0.2, [h for _, h, _ in leaks], height=0.4, color=PALETTE[0], label="honest (walk-forward, past only)"
)
ax.barh(positions + 0.2, [lk for _, _, lk in leaks], height=0.4, color=PALETTE[3], label="with the leak")
ax.set_yticks(positions.tolist(), [name for name, _, _ in leaks])
ax.invert_yaxis()
ax.set_xlabel("RMSE of GDP-growth forecasts, 1980-2009 (lower looks better)")
ax.set_title("each leak makes a forecast look better than it is")
legend = ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.22), ncols=2)

# %% [markdown]
# ## What the source article says about finance, corrected
#
# The article's section 6.5 says that large models, pre-trained on financial data, "learn rich
# financial knowledge and market regularities (市场规律)" and "predict market trends (预测市场趋势)"
# to give investment advice. Three corrections:
#
# - **Prices are close to unpredictable from their own past.** In a liquid market, a pattern that
#   predicted returns would be traded on until it vanished (the efficient-market argument, Fama
#   1970). What predictability exists is weak, changes over time, and is easily faked by the leaks
#   above. A claim that a model "predicts the market" needs walk-forward evidence against a naive
#   forecast, after trading costs; without it, it is a claim, not a result.
# - **Even macro series, which are far more forecastable than prices, reward simple models.** This
#   lesson's network lost to a five-number linear model, and M4's pure ML methods lost to simple
#   statistical ones. Bigger is not automatically better when the data are one short, noisy series.
# - **Where large models do help in finance is language**: reading filings, news and reports,
#   extracting entities, classifying sentiment, answering questions, serving customers.
#   BloombergGPT (Wu et al. 2023), a 50-billion-parameter model trained on financial and general
#   text, was evaluated on such language tasks, not on forecasting prices. Risk management, credit
#   scoring and fraud detection mostly run on tabular models (logistic regression, gradient-boosted
#   trees) that regulators can audit, with the calibration and subgroup checks of lesson 4.4.
#
# ## Summary
#
# - Forecast something that means something: **growth rates**, not levels a copy of the input
#   already gets right.
# - Always compare with the **naive forecast** and the historical mean. Here naive RMSE 3.33,
#   mean 3.19, **AR(4) 2.87 (the winner)**, a small MLP 2.89-3.09 over three seeds.
# - **Walk-forward validation** (前向验证): train on the past only, forecast the next block, move
#   forward. `lib.data.time_series.walk_forward_splits` does it, and its test proves no fold trains
#   on its future.
# - **Data leakage** (数据泄漏) flatters silently: a shuffled split made the network look better than
#   the AR on two seeds of three (2.80 instead of 2.89-2.93), a whole-series scaler flattered the
#   mean forecast (3.19 to 3.10) and the network a little, and a centered smoother as a feature made
#   the AR look 40% better (1.69 instead of 2.87). Split by time, fit every preprocessing step
#   on the training part, and ask of every feature: *when would I have known this?*
#
# ## Exercises
#
# **1. Predict, then run.** The AR's inputs and target are standardized with the statistics of the
# first 20 years, then again with those of the whole series (the leak of leak 2). Do the AR's
# forecasts, brought back to percent, change? Write `True` (they change) or `False` in `answer_1`,
# then run the cell, which measures it.

# %%
# BEGIN SOLUTION
answer_1 = False
# END SOLUTION
scalers = {"train only": Standardizer.fit(growth[: first + P]), "whole series": Standardizer.fit(growth)}
ar_scaled = {}
for name, scaler in scalers.items():
    model = fit_autoregression(scaler.transform(inputs[fold0]), scaler.transform(targets[fold0]))
    ar_scaled[name] = scaler.inverse(model.predict(scaler.transform(inputs[test])))
print(
    "largest difference between the two AR forecasts:",
    f"{(ar_scaled['train only'] - ar_scaled['whole series']).abs().max():.1e} percentage points",
)
check("4.5.ar-scaling-leak", answer_1)

# %% [markdown]
# **2. Code.** How hard is inflation to forecast naively? For the CPI inflation series `inflation`
# (one value per quarter), compute the RMSE of the naive forecast ("same as last quarter") over
# the quarters from index `first_inflation` to the end, without using `lib`. Compare it with GDP
# growth's naive RMSE above: which series is more persistent?

# %%
first_inflation = quarters.index("1980Q1")
# BEGIN SOLUTION
misses = inflation[first_inflation:] - inflation[first_inflation - 1 : -1]
answer_2 = misses.pow(2).mean().sqrt().item()
# END SOLUTION
print(f"naive RMSE: inflation {answer_2:.2f}, GDP growth {naive_rmse:.2f} (percentage points)")
check("4.5.naive-rmse", answer_2, series=inflation, first=first_inflation)

# %% [markdown]
# A check that accepted anything would teach nothing: the mean *absolute* error is a different
# number, and it is rejected.

# %%
print(expect_wrong(check, "4.5.naive-rmse", misses.abs().mean().item(), series=inflation, first=first_inflation))

# %% [markdown]
# **3. Code.** Leak 3 used a centered average of 5 quarters, which reads 2 quarters ahead. How many
# quarters ahead does a centered average of **9** quarters read? Answer with an int in `answer_3`
# (you can probe `centered_moving_average` with a series of zeros and a single 1).

# %%
# BEGIN SOLUTION
impulse_at = 20
answer_3 = 0
for ahead in range(1, 10):
    probe = torch.zeros(40, dtype=torch.float64)
    probe[impulse_at + ahead] = 1.0
    if centered_moving_average(probe, 9)[impulse_at] != 0:
        answer_3 = ahead
# END SOLUTION
check("4.5.smoother-peeks", answer_3)

# %% [markdown]
# **4. Explain.** Leak 1's shuffled split flattered the network by about 0.1 points of RMSE but not
# the AR. Why does a more flexible model gain more from training rows on both sides of a
# test quarter? And why would a walk-forward evaluation that *chooses* the network's size by its
# 1980-2009 errors be a leak too? (Hint: what would you then need to report an honest number?)
#
# ## References
#
# - Box, Jenkins, Reinsel, Ljung, *Time Series Analysis: Forecasting and Control*, 5th ed., Wiley, 2015 (first edition Box and Jenkins, 1970) — autoregressive models and how to fit and check them.
# - Hyndman, Athanasopoulos, *Forecasting: Principles and Practice*, 3rd ed., OTexts, 2021, https://otexts.com/fpp3/ — simple benchmark forecasts (naive, mean) and time series cross-validation (evaluation on a rolling forecasting origin).
# - Makridakis, Spiliotis, Assimakopoulos, *The M4 Competition: Results, findings, conclusion and way forward*, International Journal of Forecasting 34(4):802-808, 2018; and *The M4 Competition: 100,000 time series and 61 forecasting methods*, International Journal of Forecasting 36(1):54-74, 2020.
# - Kaufman, Rosset, Perlich, Stitelman, *Leakage in Data Mining: Formulation, Detection, and Avoidance*, ACM Transactions on Knowledge Discovery from Data 6(4), article 15, 2012, doi:10.1145/2382577.2382579 (KDD 2011 version by the first three authors).
# - Fama, *Efficient Capital Markets: A Review of Theory and Empirical Work*, Journal of Finance 25(2):383-417, 1970.
# - Wu et al., *BloombergGPT: A Large Language Model for Finance*, 2023, arXiv:2303.17564.
# - statsmodels' macrodata set: https://www.statsmodels.org/stable/datasets/generated/macrodata.html
