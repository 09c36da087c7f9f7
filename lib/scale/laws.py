"""Scaling laws (规模定律): fit ℒ = E + A·x^(−α) with an irreducible term, and published fits to compare with.

Convention: the exponent α (or β) is a *decay rate* and positive; the log-log slope of the reducible
part ℒ − E is −α. :func:`fit_saturating_power_law` fits measured losses with scipy's ``curve_fit``
(scipy comes with scikit-learn) and reports the standard errors from the fit's covariance and R².
:data:`KAPLAN_2020` and :data:`HOFFMANN_2022` hold the published constants, :func:`chinchilla_optimal`
the compute-optimal split (计算最优) that a fit of ℒ(N, D) = E + A/N^α + B/D^β implies.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from lib.core.validate import positive_number
from lib.scale.compute import (
    CHINCHILLA_TOKENS_PER_PARAMETER,
    TRAINING_FLOPS_PER_PARAMETER_PER_TOKEN,
    compute_optimal,
)
from lib.scale.parameters import human_count


def saturating_power_law(x: float, e: float, a: float, alpha: float) -> float:
    """ℒ(x) = E + A·x^(−α): a power law (幂律) that levels off at the irreducible loss (不可约损失) E."""
    if isinstance(x, str | bytes | list | tuple) or x is None:
        raise TypeError(f"x must be a positive number or an array of them, got {type(x).__name__}")
    if isinstance(x, int | float):
        x = positive_number("x", x)
    return e + a * x ** (-alpha)


@dataclass(frozen=True)
class SaturatingFit:
    """A fit of ℒ = E + A·x^(−α): the constants, their standard errors, R² and the points fitted.

    ``*_err`` are one standard error from the covariance ``curve_fit`` returns (scaled by the
    residual variance, so a poor fit has wide errors); ``r_squared`` is 1 − SS_res/SS_tot on the
    fitted points, in the loss's own units.
    """

    e: float
    a: float
    alpha: float
    e_err: float
    a_err: float
    alpha_err: float
    r_squared: float
    xs: tuple[float, ...]
    ys: tuple[float, ...]

    def predict(self, x: float) -> float:
        """The fitted loss at ``x``."""
        return saturating_power_law(positive_number("x", x), self.e, self.a, self.alpha)

    def label(self, symbol: str = "α") -> str:
        """A legend entry: 'α = 0.41 ± 0.05, E = 1.23, R² = 0.998'."""
        return f"{symbol} = {self.alpha:.2f} ± {self.alpha_err:.2f}, E = {self.e:.2f}, R² = {self.r_squared:.3f}"


def _checked_points(xs: Sequence[float], ys: Sequence[float], minimum: int) -> tuple[list[float], list[float]]:
    if len(xs) != len(ys) or len(xs) < minimum:
        raise ValueError(f"xs and ys must have equal lengths of at least {minimum}, got {len(xs)} and {len(ys)}")
    xs_f = [float(x) for x in xs]
    ys_f = [float(y) for y in ys]
    if any(not (x > 0 and math.isfinite(x)) for x in xs_f):
        raise ValueError("xs must all be positive finite numbers")
    if any(not math.isfinite(y) for y in ys_f):
        raise ValueError("ys must all be finite numbers")
    if len(set(xs_f)) < minimum:
        raise ValueError(f"xs must hold at least {minimum} distinct values")
    return xs_f, ys_f


def fit_saturating_power_law(xs: Sequence[float], ys: Sequence[float]) -> SaturatingFit:
    """Least-squares fit of ys = E + A·xs^(−α) (at least 4 points; E ≥ 0, A > 0, α > 0).

    The fit runs on x / median(x), so that A stays near the size of the losses whatever the unit
    of x (parameters, FLOPs), and A is converted back at the end. Starting values: E a little
    below the smallest loss, α from a straight line through log(ℒ − E) against log x.
    """
    from scipy.optimize import curve_fit  # scipy ships with scikit-learn; imported here to keep `import lib` cheap

    xs_f, ys_f = _checked_points(xs, ys, 4)
    scale = sorted(xs_f)[len(xs_f) // 2]
    u = [x / scale for x in xs_f]
    e0 = max(0.0, min(ys_f) - 0.5 * (max(ys_f) - min(ys_f)))
    lu = [math.log(v) for v in u]
    lr = [math.log(max(y - e0, 1e-9)) for y in ys_f]
    mu, mr = sum(lu) / len(lu), sum(lr) / len(lr)
    slope = sum((a - mu) * (b - mr) for a, b in zip(lu, lr, strict=True)) / sum((a - mu) ** 2 for a in lu)
    alpha0 = min(max(-slope, 0.05), 3.0)
    a0 = math.exp(mr - slope * mu)

    def model(v, e, a, alpha):
        return e + a * v ** (-alpha)

    import numpy as np

    params, cov = curve_fit(
        model,
        np.asarray(u),
        np.asarray(ys_f),
        p0=[e0, a0, alpha0],
        bounds=([0.0, 1e-12, 1e-6], [np.inf, np.inf, 10.0]),
        maxfev=20000,
    )
    e, a_scaled, alpha = (float(p) for p in params)
    errs = [float(math.sqrt(c)) if c >= 0 and math.isfinite(c) else math.inf for c in np.diag(cov)]
    fitted = [model(v, e, a_scaled, alpha) for v in u]
    mean = sum(ys_f) / len(ys_f)
    total = sum((y - mean) ** 2 for y in ys_f)
    if total == 0:
        raise ValueError("ys must not all be equal: R² is undefined for a flat line")
    residual = sum((y - f) ** 2 for y, f in zip(ys_f, fitted, strict=True))
    a = a_scaled * scale**alpha  # A·(x/s)^(−α) = (A·s^α)·x^(−α)
    a_err = errs[1] * scale**alpha
    return SaturatingFit(e, a, alpha, errs[0], a_err, errs[2], 1 - residual / total, tuple(xs_f), tuple(ys_f))


def straight_line_fit(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float, float]:
    """Least-squares line y = slope·x + intercept; returns (slope, intercept, R²)."""
    xs_f, ys_f = _checked_points_any(xs, ys)
    mx, my = sum(xs_f) / len(xs_f), sum(ys_f) / len(ys_f)
    sxx = sum((x - mx) ** 2 for x in xs_f)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs_f, ys_f, strict=True)) / sxx
    intercept = my - slope * mx
    total = sum((y - my) ** 2 for y in ys_f)
    if total == 0:
        raise ValueError("ys must not all be equal: R² is undefined for a flat line")
    residual = sum((y - slope * x - intercept) ** 2 for x, y in zip(xs_f, ys_f, strict=True))
    return slope, intercept, 1 - residual / total


def _checked_points_any(xs: Sequence[float], ys: Sequence[float]) -> tuple[list[float], list[float]]:
    if len(xs) != len(ys) or len(xs) < 3:
        raise ValueError(f"xs and ys must have equal lengths of at least 3, got {len(xs)} and {len(ys)}")
    xs_f, ys_f = [float(x) for x in xs], [float(y) for y in ys]
    if any(not math.isfinite(v) for v in xs_f + ys_f):
        raise ValueError("xs and ys must all be finite numbers")
    if len(set(xs_f)) < 2:
        raise ValueError("xs must not all be equal")
    return xs_f, ys_f


def pareto_frontier(points: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    """The (cost, loss) points no other point beats: every point with a lower loss than all cheaper ones.

    Kaplan et al. (2020) fit ℒ(C) to this lower envelope of many training curves, the compute-efficient
    frontier: the best loss any model in the family reached with at most that much compute.
    """
    if len(points) == 0:
        raise ValueError("points must hold at least one (cost, loss) pair")
    frontier: list[tuple[float, float]] = []
    best = math.inf
    for cost, loss in sorted((float(c), float(v)) for c, v in points):
        if not (math.isfinite(cost) and math.isfinite(loss)):
            raise ValueError(f"points must be finite, got ({cost}, {loss})")
        if loss < best:
            frontier.append((cost, loss))
            best = loss
    return frontier


# ---- published fits --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParametricLoss:
    """ℒ(N, D) = E + A/N^α + B/D^β, in nats per token of the paper's own data and tokenizer."""

    name: str
    e: float
    a: float
    b: float
    alpha: float
    beta: float
    source: str

    def loss(self, n_parameters: float, n_tokens: float) -> float:
        """The predicted loss of N parameters trained on D tokens."""
        n = positive_number("n_parameters", n_parameters)
        d = positive_number("n_tokens", n_tokens)
        return self.e + self.a / n**self.alpha + self.b / d**self.beta


# Hoffmann et al. 2022 (arXiv:2203.15556), approach 3, equation (10): 400+ runs, 70M to 16B parameters.
HOFFMANN_2022 = ParametricLoss("Hoffmann et al. 2022", 1.69, 406.4, 410.7, 0.34, 0.28, "arXiv:2203.15556")
# Besiroglu et al. 2024 (arXiv:2404.10102) refit approach 3 on data read off Hoffmann's plots.
BESIROGLU_2024 = ParametricLoss("Besiroglu et al. 2024", 1.82, 482.01, 2085.43, 0.3478, 0.3658, "arXiv:2404.10102")


@dataclass(frozen=True)
class KaplanLaw:
    """Kaplan et al. 2020 (arXiv:2001.08361): ℒ(N) = (N_c/N)^α_N, ℒ(C_min) = (C_c/C_min)^α_C, no E."""

    alpha_n: float = 0.076  # non-embedding parameters, trained to convergence (their eq. 1.1)
    n_c: float = 8.8e13
    alpha_c: float = 0.050  # compute-efficient frontier, in petaflop/s-days (their eq. 1.3)
    c_c_pf_days: float = 3.1e8


KAPLAN_2020 = KaplanLaw()


def chinchilla_optimal(compute_flops: float, fit: ParametricLoss = HOFFMANN_2022) -> tuple[float, float]:
    """The (N, D) that minimise ``fit.loss`` on the budget C = 6·N·D.

    Setting the derivative along the budget to zero gives N* = G·(C/6)^(β/(α+β)) and D* = (C/6)/N*,
    with G = (α·A / (β·B))^(1/(α+β)); E does not move the optimum.
    """
    c = positive_number("compute_flops", compute_flops)
    if not isinstance(fit, ParametricLoss):
        raise TypeError(f"fit must be a ParametricLoss, got {type(fit).__name__}")
    per = c / TRAINING_FLOPS_PER_PARAMETER_PER_TOKEN
    g = (fit.alpha * fit.a / (fit.beta * fit.b)) ** (1 / (fit.alpha + fit.beta))
    n = g * per ** (fit.beta / (fit.alpha + fit.beta))
    return n, per / n


def compute_optimal_report(compute_flops: float) -> str:
    """The compute-optimal calculator: N and D for a FLOP budget by Chinchilla's fit, its refit and the 20:1 rule."""
    c = positive_number("compute_flops", compute_flops)
    lines = [f"budget C = {c:.2e} FLOPs (C = 6ND)"]
    rows = [(fit.name + " fit", *chinchilla_optimal(c, fit)) for fit in (HOFFMANN_2022, BESIROGLU_2024)]
    rows.append(("D = 20 N rule", *compute_optimal(c, CHINCHILLA_TOKENS_PER_PARAMETER)))
    for name, n, d in rows:
        lines.append(
            f"  {name:<26} N = {human_count(n):>6}  D = {human_count(d):>6}  D/N = {d / n:7.1f}"
            f"  Hoffmann's ℒ(N, D) = {HOFFMANN_2022.loss(n, d):.4f}"
        )
    return "\n".join(lines)
