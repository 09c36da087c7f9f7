import math

import pytest
import torch

from lib.scale import laws
from lib.scale.compute import training_flops


def test_fit_recovers_a_known_law_with_its_irreducible_term():
    xs = [3e3, 1e4, 3e4, 1e5, 3e5, 1e6]
    fit = laws.fit_saturating_power_law(xs, [1.3 + 40.0 * x**-0.35 for x in xs])
    assert math.isclose(fit.e, 1.3, rel_tol=1e-5)
    assert math.isclose(fit.a, 40.0, rel_tol=1e-4)
    assert math.isclose(fit.alpha, 0.35, rel_tol=1e-5)
    assert fit.r_squared > 1 - 1e-10
    assert math.isclose(fit.predict(5e4), 1.3 + 40.0 * 5e4**-0.35, rel_tol=1e-6)


def test_fit_errors_grow_with_noise_and_cover_the_truth():
    xs = [10.0 ** (3 + 0.5 * i) for i in range(8)]
    noise = torch.tensor([0.01, -0.012, 0.008, -0.004, 0.011, -0.009, 0.003, -0.006], dtype=torch.float64).tolist()
    exact = laws.fit_saturating_power_law(xs, [2.0 + 10 * x**-0.3 for x in xs])
    noisy = laws.fit_saturating_power_law(xs, [2.0 + 10 * x**-0.3 + n for x, n in zip(xs, noise, strict=True)])
    assert noisy.alpha_err > 100 * exact.alpha_err
    assert abs(noisy.alpha - 0.3) < 3 * noisy.alpha_err
    assert 0.9 < noisy.r_squared < 1


def test_fit_works_in_flop_units():  # the scale of x must not matter
    xs = [1e9 * 4**i for i in range(6)]
    fit = laws.fit_saturating_power_law(xs, [1.8 + 300.0 * x**-0.25 for x in xs])
    assert math.isclose(fit.alpha, 0.25, rel_tol=1e-4) and math.isclose(fit.a, 300.0, rel_tol=1e-3)


def test_fit_rejects_bad_points():
    with pytest.raises(ValueError, match="at least 4"):
        laws.fit_saturating_power_law([1, 2, 3], [3, 2, 1])
    with pytest.raises(ValueError, match="xs must all be positive"):
        laws.fit_saturating_power_law([1, 2, 3, -4], [4, 3, 2, 1])
    with pytest.raises(ValueError, match="ys must all be finite"):
        laws.fit_saturating_power_law([1, 2, 3, 4], [4, 3, float("nan"), 1])


def test_straight_line_fit_against_torch_least_squares():
    xs, ys = [1.0, 2.0, 4.0, 7.0], [2.1, 2.9, 5.2, 7.8]
    slope, intercept, r2 = laws.straight_line_fit(xs, ys)
    design = torch.tensor([[x, 1.0] for x in xs], dtype=torch.float64)
    solution = torch.linalg.lstsq(design, torch.tensor(ys, dtype=torch.float64)[:, None]).solution.flatten()
    assert math.isclose(slope, solution[0].item(), rel_tol=1e-12)
    assert math.isclose(intercept, solution[1].item(), rel_tol=1e-12)
    corr = torch.corrcoef(torch.tensor([xs, ys], dtype=torch.float64))[0, 1].item()
    assert math.isclose(r2, corr**2, rel_tol=1e-9)  # for a line, R² is the squared correlation
    with pytest.raises(ValueError, match="xs must not all be equal"):
        laws.straight_line_fit([1, 1, 1], [1, 2, 3])


def test_pareto_frontier_keeps_only_unbeaten_points():
    points = [(1, 5.0), (2, 4.0), (3, 4.5), (4, 3.0), (4.5, 3.0), (5, 3.5), (6, 2.0)]
    assert laws.pareto_frontier(points) == [(1, 5.0), (2, 4.0), (4, 3.0), (6, 2.0)]
    with pytest.raises(ValueError, match="at least one"):
        laws.pareto_frontier([])


@pytest.mark.parametrize("fit", [laws.HOFFMANN_2022, laws.BESIROGLU_2024])
@pytest.mark.parametrize("budget", [1e20, 5.76e23, 1e26])
def test_chinchilla_optimal_spends_the_budget_and_minimises_the_loss(fit, budget):
    n, d = laws.chinchilla_optimal(budget, fit)
    assert math.isclose(training_flops(n, d), budget, rel_tol=1e-12)  # C = 6ND
    best = fit.loss(n, d)
    for factor in (0.8, 0.95, 1.05, 1.25):  # any other split of the same budget is worse
        assert fit.loss(n * factor, budget / (6 * n * factor)) > best


def test_chinchilla_optimal_against_a_numerical_minimum():
    from scipy.optimize import minimize_scalar

    budget = 5.76e23
    result = minimize_scalar(
        lambda log_n: laws.HOFFMANN_2022.loss(math.exp(log_n), budget / (6 * math.exp(log_n))),
        bounds=(math.log(1e8), math.log(1e13)), method="bounded", options={"xatol": 1e-10},
    )  # fmt: skip
    assert math.isclose(laws.chinchilla_optimal(budget)[0], math.exp(result.x), rel_tol=1e-4)


def test_published_constants_and_report():
    assert laws.HOFFMANN_2022.loss(70e9, 1.4e12) == pytest.approx(1.69 + 406.4 / 70e9**0.34 + 410.7 / 1.4e12**0.28)
    assert laws.KAPLAN_2020.alpha_n == 0.076 and laws.KAPLAN_2020.alpha_c == 0.050
    text = laws.compute_optimal_report(5.76e23)
    assert "D/N =    20.0" in text and "Hoffmann et al. 2022 fit" in text
    with pytest.raises(ValueError, match="compute_flops must be a positive"):
        laws.compute_optimal_report(0)
    with pytest.raises(TypeError, match="fit must be a ParametricLoss"):
        laws.chinchilla_optimal(1e20, fit="chinchilla")
    with pytest.raises(ValueError, match="n_parameters"):
        laws.HOFFMANN_2022.loss(-1, 1e9)
