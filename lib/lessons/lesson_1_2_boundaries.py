"""Learn a 2-D decision boundary (决策边界) with a small MLP and draw it: the logic of lesson 1.2's widget.

A binary classifier on points in the plane outputs one logit per point; sigmoid turns it into the
probability of class 1, and the line where that probability is 0.5 is the decision boundary.
Evaluating the model on a grid of points shows the boundary as a picture.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn
from torch.nn import functional as F

from lib.core.device import autocast
from lib.core.seeding import seeded
from lib.core.threads import cpu_threads
from lib.core.validate import positive_int
from lib.models.mlp import MLP
from lib.train.engine import accuracy, fit


def _check_points(x: torch.Tensor, name: str = "x") -> None:
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(x).__name__}")
    if x.ndim != 2 or x.shape[1] != 2 or x.shape[0] < 1:
        raise ValueError(f"{name} must have shape (n, 2) with n >= 1, got {tuple(x.shape)}")


def _check_labels(x: torch.Tensor, y: torch.Tensor, names: tuple[str, str] = ("x", "y")) -> None:
    _check_points(x, names[0])
    if not isinstance(y, torch.Tensor):
        raise TypeError(f"{names[1]} must be a torch.Tensor, got {type(y).__name__}")
    if y.shape != (x.shape[0],):
        raise ValueError(f"{names[1]} must have shape ({x.shape[0]},) to match {names[0]}, got {tuple(y.shape)}")
    if not bool(((y == 0) | (y == 1)).all()):
        raise ValueError(f"{names[1]} must hold only the labels 0 and 1")


def binary_logit_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Binary cross-entropy of one logit per sample (shape (n,) or (n, 1)) against 0/1 targets (n,).

    Works on logits rather than probabilities: PyTorch's fused version is numerically stable.
    """
    if logits.ndim == 2 and logits.shape[1] == 1:
        logits = logits.squeeze(1)
    if logits.shape != targets.shape:
        raise ValueError(
            f"logits must have shape (n,) or (n, 1) matching targets {tuple(targets.shape)}, got {tuple(logits.shape)}"
        )
    return F.binary_cross_entropy_with_logits(logits, targets.float())


def boundary_model(width: int, depth: int, seed: int = 0) -> MLP:
    """An MLP from 2 inputs to 1 logit with ``depth`` hidden layers of ``width`` ReLUs, initialised from ``seed``.

    ``depth=0`` has no hidden layer: it is a linear model (logistic regression), and ``width`` is unused.
    """
    positive_int("width", width)
    positive_int("depth", depth, minimum=0)
    with seeded(seed):  # a fixed initialisation that leaves the global generator alone
        return MLP((2,) + (width,) * depth + (1,))


def train_boundary_model(
    x: torch.Tensor,
    y: torch.Tensor,
    width: int,
    depth: int,
    epochs: int = 300,
    lr: float = 0.03,
    seed: int = 0,
    device: torch.device | str = "cpu",
) -> MLP:
    """Train :func:`boundary_model` on points ``x`` (n, 2) and labels ``y`` (n,) with full-batch Adam.

    Full-batch (one step per epoch) keeps the widget fast and the result deterministic for a seed.
    """
    _check_labels(x, y)
    positive_int("epochs", epochs)
    if not isinstance(lr, (int, float)) or isinstance(lr, bool) or not lr > 0:
        raise ValueError(f"lr must be a positive number, got {lr!r}")
    model = boundary_model(width, depth, seed).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    with cpu_threads(1, device):  # tiny model: threads would wait for each other
        fit(model, [(x, y)], binary_logit_loss, optimizer, epochs=epochs, device=device, progress=False)
    return model.eval()


@dataclass(frozen=True)
class ProbabilityGrid:
    """A model's probability of class 1 on a regular grid: ``probability[i, j]`` is at ``(xs[j], ys[i])``."""

    xs: torch.Tensor
    ys: torch.Tensor
    probability: torch.Tensor


def probability_grid(
    model: nn.Module,
    x: torch.Tensor,
    resolution: int = 100,
    margin: float = 0.25,
    device: torch.device | str = "cpu",
) -> ProbabilityGrid:
    """Evaluate sigmoid(model(point)) on a ``resolution`` x ``resolution`` grid around the points ``x``."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    _check_points(x)
    positive_int("resolution", resolution, minimum=2)
    if not isinstance(margin, (int, float)) or isinstance(margin, bool) or margin < 0:
        raise ValueError(f"margin must be a non-negative number, got {margin!r}")
    low, high = x.min(dim=0).values - margin, x.max(dim=0).values + margin
    xs = torch.linspace(low[0].item(), high[0].item(), resolution)
    ys = torch.linspace(low[1].item(), high[1].item(), resolution)
    grid_y, grid_x = torch.meshgrid(ys, xs, indexing="ij")
    points = torch.stack([grid_x.reshape(-1), grid_y.reshape(-1)], dim=1).to(device)
    was_training = model.training
    model.eval()
    with torch.no_grad(), autocast(device):
        logits = model(points)
    model.train(was_training)
    probability = torch.sigmoid(logits.float().reshape(resolution, resolution)).cpu()
    return ProbabilityGrid(xs, ys, probability)


@dataclass(frozen=True)
class Boundary:
    """What the widget draws: the probability grid, the accuracies and the trained model."""

    grid: ProbabilityGrid
    train_accuracy: float
    test_accuracy: float | None
    parameters: int
    model: MLP


def decision_boundary(
    x: torch.Tensor,
    y: torch.Tensor,
    width: int = 16,
    depth: int = 2,
    x_test: torch.Tensor | None = None,
    y_test: torch.Tensor | None = None,
    epochs: int = 300,
    lr: float = 0.03,
    seed: int = 0,
    resolution: int = 100,
    device: torch.device | str = "cpu",
) -> Boundary:
    """Train an MLP of the given ``width`` and ``depth`` on (x, y) and return its boundary and accuracies.

    Deterministic for a given seed on one machine; with ``x_test, y_test`` it also scores held-out points.
    """
    if (x_test is None) != (y_test is None):
        raise ValueError("give both x_test and y_test, or neither")
    if x_test is not None:
        _check_labels(x_test, y_test, ("x_test", "y_test"))
    with cpu_threads(1, device):  # tiny model: threads would wait for each other
        model = train_boundary_model(x, y, width, depth, epochs=epochs, lr=lr, seed=seed, device=device)
        with torch.no_grad():
            train_acc = accuracy(model(x.to(device)).float(), y.to(device))
            test_acc = None if x_test is None else accuracy(model(x_test.to(device)).float(), y_test.to(device))
        grid = probability_grid(model, x, resolution, device=device)
    parameters = sum(p.numel() for p in model.parameters())
    return Boundary(grid, train_acc, test_acc, parameters, model)


def plot_decision_boundary(
    grid: ProbabilityGrid,
    x: torch.Tensor | None = None,
    y: torch.Tensor | None = None,
    ax=None,
    title: str | None = None,
):
    """Filled contours of the probability of class 1, the 0.5 boundary as a black line, and the points on top."""
    if not isinstance(grid, ProbabilityGrid):
        raise TypeError(f"grid must be a ProbabilityGrid, got {type(grid).__name__}")
    if (x is None) != (y is None):
        raise ValueError("give both x and y (points and labels), or neither")
    if x is not None:
        _check_labels(x, y)
    from lib.viz.plots import PALETTE, figure

    if ax is None:
        _, ax = figure(width=4.6, height=4.2)
    levels = torch.linspace(0, 1, 11).tolist()
    filled = ax.contourf(grid.xs, grid.ys, grid.probability, levels=levels, cmap="RdBu_r", alpha=0.75)
    if grid.probability.min() < 0.5 < grid.probability.max():
        ax.contour(grid.xs, grid.ys, grid.probability, levels=[0.5], colors="black", linewidths=1.5)
    for label, marker in ((0, "o"), (1, "^")) if x is not None else ():
        points = x[y == label].cpu()
        ax.scatter(
            points[:, 0],
            points[:, 1],
            s=14,
            marker=marker,
            color=PALETTE[0] if label == 0 else PALETTE[3],
            edgecolor="white",
            linewidth=0.5,
            label=f"class {label}",
        )
    ax.set_xlim(grid.xs[0].item(), grid.xs[-1].item())
    ax.set_ylim(grid.ys[0].item(), grid.ys[-1].item())
    ax.set_aspect("equal")
    ax.grid(False)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if title:
        ax.set_title(title)
    ax.figure.colorbar(filled, ax=ax, shrink=0.8, label="P(class 1)")
    return ax
