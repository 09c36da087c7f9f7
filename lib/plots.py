"""Plotting helpers with one consistent look across the course.

Nothing here changes matplotlib's state at import. A lesson calls ``use_course_style()`` once,
at its top, and every figure after that shares one look. (A style set by ``rc_context`` around
figure creation is not used: with the inline backend it can stop the next cell's figure showing.)
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt

# A colour-blind-safe palette (Okabe & Ito, 2008), used in this order everywhere.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")

STYLE = {
    "figure.figsize": (6.4, 3.8),
    "figure.dpi": 100,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "legend.frameon": False,
    "axes.prop_cycle": mpl.cycler(color=PALETTE),
    "font.family": ["DejaVu Sans", "sans-serif"],
}


def use_course_style() -> None:
    """Apply the course's matplotlib style for the rest of this session (call it once per lesson)."""
    plt.rcParams.update(STYLE)


def figure(ncols: int = 1, nrows: int = 1, width: float | None = None, height: float | None = None):
    """A new figure and its axes, sized for a notebook; returns ``(fig, ax)`` or ``(fig, axes)``."""
    for name, value in (("ncols", ncols), ("nrows", nrows)):
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    base_w, base_h = STYLE["figure.figsize"]
    size = (width or base_w * min(ncols, 2) ** 0.8, height or base_h * nrows**0.9)
    return plt.subplots(nrows, ncols, figsize=size, layout="constrained")


def plot_history(history, names: Sequence[str] | None = None, ax=None, title: str | None = None):
    """Plot metrics of a :class:`lib.train.History` (or a dict of lists) against the epoch."""
    metrics = getattr(history, "metrics", history)
    if not isinstance(metrics, dict) or not metrics:
        raise ValueError("history must be a non-empty History or dict of metric lists")
    names = list(names) if names is not None else sorted(metrics)
    missing = [n for n in names if n not in metrics]
    if missing:
        raise KeyError(f"history has no metric(s) {missing}; have {sorted(metrics)}")
    if ax is None:
        _, ax = figure()
    for name in names:
        values = metrics[name]
        ax.plot(range(1, len(values) + 1), values, marker="o" if len(values) < 30 else None, label=name)
    ax.set_xlabel("epoch")
    ax.legend()
    if title:
        ax.set_title(title)
    return ax


def log_scatter(
    xs: Sequence[float],
    ys: Sequence[float],
    labels: Sequence[str],
    ax=None,
    xlabel: str = "",
    ylabel: str = "",
    title: str | None = None,
):
    """Scatter points on a logarithmic y axis and name each one: for quantities that span decades."""
    if not len(xs) == len(ys) == len(labels):
        raise ValueError(f"xs, ys and labels must have equal lengths, got {len(xs)}, {len(ys)}, {len(labels)}")
    if any(y <= 0 for y in ys):
        raise ValueError("ys must all be positive on a log scale")
    if ax is None:
        _, ax = figure(width=8, height=4.5)
    ax.scatter(xs, ys, color=PALETTE[0], zorder=3)
    for i, (x, y, label) in enumerate(zip(xs, ys, labels, strict=True)):
        # alternate labels above and below their points so that neighbours do not overlap
        ax.annotate(label, (x, y), textcoords="offset points", xytext=(4, 4 if i % 2 == 0 else -11), fontsize=8)
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    return ax
