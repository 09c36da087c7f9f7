"""lib.lessons.lesson_2_5_surfaces: values, hand-written gradients checked by autograd, trajectories by torch.optim."""

import math

import matplotlib
import pytest
import torch

from lib.lessons.lesson_2_5_surfaces import (
    SURFACES,
    Surface,
    get_surface,
    grid,
    quadratic,
    quadratic_gradient,
    rosenbrock,
    rosenbrock_gradient,
    steps_to_reach,
    trajectory,
)
from lib.viz.plots import contour_paths

matplotlib.use("Agg")


@pytest.mark.parametrize(
    ("value", "gradient", "kwargs"),
    [
        (quadratic, quadratic_gradient, {}),
        (quadratic, quadratic_gradient, {"condition": 3.5}),
        (rosenbrock, rosenbrock_gradient, {}),
        (rosenbrock, rosenbrock_gradient, {"a": -0.5, "b": 7.0}),
    ],
)
def test_gradients_match_autograd(value, gradient, kwargs):
    points = torch.randn(4, 25, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(0)) * 2
    p = points.clone().requires_grad_(True)
    (expected,) = torch.autograd.grad(value(p, **kwargs).sum(), p)
    torch.testing.assert_close(gradient(points, **kwargs), expected)
    assert value(points, **kwargs).shape == (4, 25)


def test_values_and_minima():
    assert quadratic(torch.tensor([2.0, 1.0]), condition=10.0).item() == 0.5 * (4 + 10)
    assert rosenbrock(torch.tensor([0.0, 0.0])).item() == 1.0
    for surface in SURFACES.values():
        minimum = torch.tensor(surface.minimum, dtype=torch.float64)
        assert surface.value(minimum).item() == 0.0
        assert torch.equal(surface.gradient(minimum), torch.zeros(2, dtype=torch.float64))
        assert surface.value(torch.tensor(surface.start, dtype=torch.float64)).item() > 1.0


def test_gradient_descent_on_the_quadratic_follows_the_closed_form():
    lr, (x0, y0) = 0.07, SURFACES["quadratic"].start
    path = trajectory("quadratic", "sgd", lr, steps=40)
    t = torch.arange(41, dtype=torch.float64)
    torch.testing.assert_close(path, torch.stack([(1 - lr) ** t * x0, (1 - 25 * lr) ** t * y0], dim=1))


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("momentum", lambda p: torch.optim.SGD(p, lr=1e-3, momentum=0.8)),
        ("rmsprop", lambda p: torch.optim.RMSprop(p, lr=1e-2, alpha=0.99)),
        ("adam", lambda p: torch.optim.Adam(p, lr=0.05, betas=(0.8, 0.99))),
        ("adamw", lambda p: torch.optim.AdamW(p, lr=0.05, betas=(0.8, 0.99), weight_decay=0.3)),
    ],
)
def test_trajectory_matches_torch_optim_with_autograd(name, make):
    betas = {"momentum": (0.8, 0.999), "rmsprop": (0.9, 0.99)}.get(name, (0.8, 0.99))
    lr = make([torch.zeros(1, requires_grad=True)]).defaults["lr"]
    path = trajectory("rosenbrock", name, lr, steps=50, betas=betas, weight_decay=0.3 if name == "adamw" else 0.0)
    point = torch.tensor(SURFACES["rosenbrock"].start, dtype=torch.float64, requires_grad=True)
    opt = make([point])
    expected = [point.detach().clone()]
    for _ in range(50):
        opt.zero_grad()
        rosenbrock(point).backward()
        opt.step()
        expected.append(point.detach().clone())
    torch.testing.assert_close(path, torch.stack(expected))


def test_divergence_leaves_nan_rows():
    path = trajectory("quadratic", "sgd", 1.0, steps=300)  # y is multiplied by -24 every step
    assert path.shape == (301, 2)
    assert torch.isfinite(path[:100]).all() and torch.isnan(path[-1]).all()


def test_article_adam_first_step_and_custom_surface():
    scaled = Surface(
        "10x", lambda p: 10 * quadratic(p), lambda p: 10 * quadratic_gradient(p), (0, 0), (1, 1), (-2, 2), (-2, 2)
    )
    path = trajectory(scaled, "article_adam", 1e-4, steps=1)
    torch.testing.assert_close(
        path[1], torch.tensor([1 - 1e-4 * 10 / 1e-3, 1 - 1e-4 * 250 / 1e-3], dtype=torch.float64)
    )
    assert get_surface(scaled) is scaled


def test_steps_to_reach_counts_like_the_closed_form():
    lr, tol, (x0, y0) = 0.05, 1e-3, SURFACES["quadratic"].start
    expected = next(
        t for t in range(1000) if 0.5 * (((1 - lr) ** t * x0) ** 2 + 25 * ((1 - 25 * lr) ** t * y0) ** 2) <= tol
    )
    assert steps_to_reach("quadratic", "sgd", lr, tol=tol) == expected
    assert steps_to_reach("quadratic", "sgd", lr, tol=tol, max_steps=expected - 1) is None
    assert steps_to_reach("quadratic", "sgd", 0.5, tol=tol) is None  # diverges
    assert steps_to_reach("rosenbrock", "adam", 0.1, tol=100.0) == 0  # the start is already below 100


def test_grid_covers_the_window():
    X, Y, Z = grid("rosenbrock", n=30)
    assert X.shape == Y.shape == Z.shape == (30, 30) and X.dtype == torch.float64
    assert X.min().item() == -2 and Y.max().item() == 3
    torch.testing.assert_close(Z[7, 11], rosenbrock(torch.stack([X[7, 11], Y[7, 11]])))


def test_contour_paths_draws_every_path():
    X, Y, Z = grid("quadratic", n=20)
    paths = {"gd": trajectory("quadratic", "sgd", 0.05, 10), "diverged": trajectory("quadratic", "sgd", 1.0, 300)}
    ax = contour_paths(X, Y, Z, paths, minimum=(0, 0), title="t")
    labels = [line.get_label() for line in ax.get_lines()]
    assert "gd" in labels and "diverged" in labels and "minimum" in labels
    matplotlib.pyplot.close("all")


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: quadratic([1.0, 2.0]), TypeError, "points"),
        (lambda: quadratic(torch.zeros(3)), ValueError, "points"),
        (lambda: quadratic(torch.zeros(2, dtype=torch.long)), ValueError, "points"),
        (lambda: quadratic(torch.zeros(2), condition=0), ValueError, "condition"),
        (lambda: quadratic_gradient(torch.zeros(2, 3)), ValueError, "points"),
        (lambda: quadratic_gradient(torch.zeros(2), condition=-1.0), ValueError, "condition"),
        (lambda: rosenbrock(torch.zeros(2), b=0.0), ValueError, "b"),
        (lambda: rosenbrock("xy"), TypeError, "points"),
        (lambda: rosenbrock_gradient(torch.zeros(1)), ValueError, "points"),
        (lambda: rosenbrock_gradient(torch.zeros(2), b=math.inf), ValueError, "b"),
        (lambda: get_surface("himmelblau"), ValueError, "surface"),
        (lambda: grid("quadratic", n=1), ValueError, "n"),
        (lambda: grid("saddle"), ValueError, "surface"),
        (lambda: trajectory("quadratic", "lion", 0.1), ValueError, "optimizer"),
        (lambda: trajectory("quadratic", "sgd", 0.1, steps=0), ValueError, "steps"),
        (lambda: trajectory("quadratic", "sgd", 0.1, start=(1.0,)), ValueError, "start"),
        (lambda: trajectory("quadratic", "adam", 0.1, betas=(0.9, 1.0)), ValueError, "betas"),
        (lambda: trajectory("quadratic", "sgd", -0.1), ValueError, "lr"),
        (lambda: steps_to_reach("quadratic", "sgd", 0.1, tol=0.0), ValueError, "tol"),
        (lambda: steps_to_reach("quadratic", "sgd", 0.1, tol=1e-3, max_steps=0), ValueError, "max_steps"),
        (lambda: contour_paths([1, 2], [1, 2], [1, 2], {}), ValueError, "2-D"),
        (lambda: contour_paths(*grid("quadratic", 5), [torch.zeros(3, 2)]), TypeError, "paths"),
        (lambda: contour_paths(*grid("quadratic", 5), {"bad": torch.zeros(3)}), ValueError, "bad"),
    ],
)
def test_bad_input_is_named(call, error, match):
    with pytest.raises(error, match=match):
        call()
    matplotlib.pyplot.close("all")
