"""The exercises of lesson 5.1 (scaling laws): expected values computed from lib, not the learner's code."""

from __future__ import annotations

import math
from typing import Any

from lib.course.exercises.base import Exercise


# 5.1 Scaling laws, measured
def _compute_ratio_along_chinchilla(factor: float = 10.0) -> float:
    """How many times more compute a model ``factor`` times larger needs along D = 20 N (C = 6ND)."""
    from lib.scale.compute import compute_optimal, training_flops

    n_small, _ = compute_optimal(1e21)
    n_big = factor * n_small
    return training_flops(n_big, 20 * n_big) / training_flops(n_small, 20 * n_small)


def _chinchilla_n(budget: float = 1e22) -> float:
    from lib.scale.laws import chinchilla_optimal

    return chinchilla_optimal(budget)[0]


def _closed_form_n(budget: float = 1e22) -> float:
    """The reference solution: N* = G (C/6)^(β/(α+β)) with G = (αA/(βB))^(1/(α+β)), Hoffmann's constants."""
    a, b, alpha, beta = 406.4, 410.7, 0.34, 0.28  # E does not move the optimum
    g = (alpha * a / (beta * b)) ** (1 / (alpha + beta))
    return g * (budget / 6) ** (beta / (alpha + beta))


def _family_example() -> dict[str, Any]:
    n = [3120.0, 12384.0, 55536.0, 147904.0, 332448.0, 787584.0]
    return {"parameters": n, "losses": [2.96, 2.62, 2.37, 2.24, 2.06, 2.01]}


def _pure_exponent(parameters: list[float], losses: list[float]) -> float:
    from lib.scale.compute import power_law_fit

    return power_law_fit(parameters, losses)[1]


def _least_squares_exponent(parameters: list[float], losses: list[float], sign: float = -1.0) -> float:
    """Slope of log ℒ against log N by least squares; α is minus the slope (sign=+1 is the sign slip)."""
    lx = [math.log(n) for n in parameters]
    ly = [math.log(v) for v in losses]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    slope = sum((x - mx) * (y - my) for x, y in zip(lx, ly, strict=True)) / sum((x - mx) ** 2 for x in lx)
    return sign * slope


EXERCISES: tuple[Exercise, ...] = (
    Exercise(
        "5.1.compute-ten-times-larger",
        "compute for a 10x larger model along D = 20 N",
        "close",
        rel=1e-9,
        expected=_compute_ratio_along_chinchilla,
        reference=lambda: 100.0,
        wrong=lambda: 10.0,
        hint="along the compute-optimal line the data grows with the model; write C = 6 N D with D tied to N",
    ),
    Exercise(
        "5.1.chinchilla-n-opt",
        "compute-optimal N for C = 1e22 FLOPs by Hoffmann et al.'s fit",
        "close",
        rel=1e-6,
        expected=_chinchilla_n,
        reference=_closed_form_n,
        wrong=lambda: math.sqrt(1e22 / 120),  # the 20:1 rule, not the fit
        hint="substitute D = C / (6N) into E + A/N^α + B/D^β, set the derivative in N to zero, solve for N",
    ),
    Exercise(
        "5.1.pure-power-exponent",
        "exponent α of a pure power law ℒ = a·N^(−α) fitted to the family",
        "close",
        rel=1e-6,
        inputs=("parameters", "losses"),
        example_inputs=_family_example,
        expected=_pure_exponent,
        reference=_least_squares_exponent,
        wrong=lambda parameters, losses: _least_squares_exponent(parameters, losses, sign=1.0),
        hint="take logarithms of both sides: a power law is a straight line; mind the sign of the convention",
    ),
)
