"""Two-dimensional loss surfaces (损失曲面) to watch optimizers on: an ill-conditioned quadratic and Rosenbrock.

A real network's loss lives in millions of dimensions; these two functions of (x, y) show the
same troubles (a long narrow valley, a curved one) where every step can be drawn on a map.
Gradients are written by hand and checked against autograd in the tests.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import torch

from lib.core.validate import positive_int, positive_number
from lib.scratch.optimizers import OPTIMIZER_NAMES, make_optimizer


def _check_points(points: Any) -> None:
    if not isinstance(points, torch.Tensor):
        raise TypeError(f"points must be a torch.Tensor of shape (..., 2), got {type(points).__name__}")
    if points.ndim < 1 or points.shape[-1] != 2 or not points.is_floating_point():
        raise ValueError(
            f"points must be a floating tensor of shape (..., 2), got {points.dtype} {tuple(points.shape)}"
        )


def quadratic(points: torch.Tensor, condition: float = 25.0) -> torch.Tensor:
    """f(x, y) = ½(x² + κ·y²): a valley κ times steeper across (y) than along (x); κ is the condition number."""
    _check_points(points)
    positive_number("condition", condition)
    x, y = points[..., 0], points[..., 1]
    return 0.5 * (x**2 + condition * y**2)


def quadratic_gradient(points: torch.Tensor, condition: float = 25.0) -> torch.Tensor:
    """∇f = (x, κ·y) for :func:`quadratic`."""
    _check_points(points)
    positive_number("condition", condition)
    return torch.stack([points[..., 0], condition * points[..., 1]], dim=-1)


def rosenbrock(points: torch.Tensor, a: float = 1.0, b: float = 100.0) -> torch.Tensor:
    """f(x, y) = (a − x)² + b·(y − x²)²: a curved, flat-bottomed valley with its minimum 0 at (a, a²)."""
    _check_points(points)
    positive_number("b", b)
    x, y = points[..., 0], points[..., 1]
    return (a - x) ** 2 + b * (y - x**2) ** 2


def rosenbrock_gradient(points: torch.Tensor, a: float = 1.0, b: float = 100.0) -> torch.Tensor:
    """∇f = (−2(a − x) − 4b·x·(y − x²), 2b·(y − x²)) for :func:`rosenbrock`."""
    _check_points(points)
    positive_number("b", b)
    x, y = points[..., 0], points[..., 1]
    return torch.stack([-2 * (a - x) - 4 * b * x * (y - x**2), 2 * b * (y - x**2)], dim=-1)


@dataclass(frozen=True)
class Surface:
    """A named 2-D loss: its value and gradient, where it is lowest, where to start, and what to draw."""

    name: str
    value: Callable[[torch.Tensor], torch.Tensor]
    gradient: Callable[[torch.Tensor], torch.Tensor]
    minimum: tuple[float, float]
    start: tuple[float, float]
    xlim: tuple[float, float]
    ylim: tuple[float, float]


SURFACES = {
    "quadratic": Surface("quadratic", quadratic, quadratic_gradient, (0.0, 0.0), (-4.0, 1.5), (-4.5, 4.5), (-2, 2)),
    "rosenbrock": Surface("rosenbrock", rosenbrock, rosenbrock_gradient, (1.0, 1.0), (-1.2, 1.0), (-2, 2), (-1, 3)),
}


def get_surface(surface: str | Surface) -> Surface:
    """The :class:`Surface` called ``surface`` ("quadratic" or "rosenbrock"); a Surface is returned as is."""
    if isinstance(surface, Surface):
        return surface
    if surface not in SURFACES:
        raise ValueError(f"surface must be one of {sorted(SURFACES)} or a Surface, got {surface!r}")
    return SURFACES[surface]


def grid(surface: str | Surface, n: int = 200) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Coordinates X, Y and loss Z (each n × n, float64) over the surface's plotting window, for contours."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        raise ValueError(f"n must be an int of at least 2, got {n!r}")
    s = get_surface(surface)
    xs = torch.linspace(*s.xlim, n, dtype=torch.float64)
    ys = torch.linspace(*s.ylim, n, dtype=torch.float64)
    X, Y = torch.meshgrid(xs, ys, indexing="xy")
    return X, Y, s.value(torch.stack([X, Y], dim=-1))


def _walk(
    surface: str | Surface,
    optimizer: str,
    lr: float,
    steps: int,
    start: tuple[float, float] | None,
    betas: tuple[float, float],
    eps: float,
    weight_decay: float,
) -> Iterator[torch.Tensor]:
    """Yield the start and then each point ``optimizer`` reaches, stopping early if it diverges."""
    s = get_surface(surface)
    if optimizer not in OPTIMIZER_NAMES:
        raise ValueError(f"optimizer must be one of {OPTIMIZER_NAMES}, got {optimizer!r}")
    positive_int("steps", steps)
    start = s.start if start is None else start
    if not isinstance(start, (tuple, list)) or len(start) != 2:
        raise ValueError(f"start must be a pair (x, y), got {start!r}")
    if not isinstance(betas, (tuple, list)) or len(betas) != 2 or not all(0 <= b < 1 for b in betas):
        raise ValueError(f"betas must be a pair of numbers in [0, 1), got {betas!r}")
    beta1, beta2 = float(betas[0]), float(betas[1])
    hyper: dict[str, Any] = {
        "sgd": {},
        "momentum": {"momentum": beta1},
        "rmsprop": {"alpha": beta2, "eps": eps},
        "adam": {"betas": (beta1, beta2), "eps": eps},
        "adamw": {"betas": (beta1, beta2), "eps": eps},
        "article_adam": {"betas": (beta1, beta2)},
    }[optimizer]
    if weight_decay and optimizer != "article_adam":
        hyper["weight_decay"] = weight_decay
    point = torch.tensor([float(start[0]), float(start[1])], dtype=torch.float64, requires_grad=True)
    opt = make_optimizer(optimizer, [point], lr=lr, **hyper)
    yield point.detach().clone()
    for _ in range(steps):
        point.grad = s.gradient(point.detach())
        opt.step()
        if not torch.isfinite(point).all():
            return
        yield point.detach().clone()


def trajectory(
    surface: str | Surface,
    optimizer: str,
    lr: float,
    steps: int = 100,
    start: tuple[float, float] | None = None,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: float = 0.0,
) -> torch.Tensor:
    """The points (steps + 1, 2) that ``optimizer`` visits on ``surface``, starting point first (float64).

    The optimizer is one of lib.scratch.optimizers's (see ``OPTIMIZER_NAMES``) and steps on the exact gradient.
    One pair ``betas`` drives them all: β₁ is momentum's μ and Adam's β₁, β₂ is RMSProp's α and
    Adam's β₂. If the point leaves the finite numbers (divergence), the remaining rows are NaN.
    """
    positive_int("steps", steps)
    path = torch.full((steps + 1, 2), math.nan, dtype=torch.float64)
    for i, point in enumerate(_walk(surface, optimizer, lr, steps, start, betas, eps, weight_decay)):
        path[i] = point
    return path


def steps_to_reach(
    surface: str | Surface,
    optimizer: str,
    lr: float,
    tol: float,
    max_steps: int = 1000,
    start: tuple[float, float] | None = None,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
) -> int | None:
    """How many steps ``optimizer`` needs to bring the loss to ``tol`` or below; None if not within max_steps.

    A fair race between optimizers: give each its best learning rate by this count.
    """
    positive_number("tol", tol)
    positive_int("max_steps", max_steps)
    s = get_surface(surface)
    for i, point in enumerate(_walk(s, optimizer, lr, max_steps, start, betas, eps, 0.0)):
        if s.value(point).item() <= tol:
            return i
    return None
