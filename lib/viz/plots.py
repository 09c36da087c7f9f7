"""Plotting helpers with one consistent look across the course.

Nothing here changes matplotlib's state at import. A lesson calls ``use_course_style()`` once,
at its top, and every figure after that shares one look. (A style set by ``rc_context`` around
figure creation is not used: with the inline backend it can stop the next cell's figure showing.)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

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
    """Plot metrics of a :class:`lib.train.engine.History` (or a dict of lists) against the epoch."""
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
    offsets: Mapping[str, tuple[float, float]] | None = None,
):
    """Scatter points on a logarithmic y axis and name each one: for quantities that span decades.

    Labels alternate above and below their points; ``offsets`` maps a label to its own (dx, dy) in
    points, for neighbours that would still collide (check with :func:`overlapping_texts`).
    """
    if not len(xs) == len(ys) == len(labels):
        raise ValueError(f"xs, ys and labels must have equal lengths, got {len(xs)}, {len(ys)}, {len(labels)}")
    if any(y <= 0 for y in ys):
        raise ValueError("ys must all be positive on a log scale")
    offsets = dict(offsets or {})
    unknown = sorted(set(offsets) - set(labels))
    if unknown:
        raise ValueError(f"offsets names labels that are not plotted: {unknown}")
    if ax is None:
        _, ax = figure(width=8, height=4.5)
    ax.scatter(xs, ys, color=PALETTE[0], zorder=3)
    for i, (x, y, label) in enumerate(zip(xs, ys, labels, strict=True)):
        # alternate labels above and below their points so that neighbours do not overlap
        default = (4, 4 if i % 2 == 0 else -11)
        ax.annotate(label, (x, y), textcoords="offset points", xytext=offsets.get(label, default), fontsize=8)
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    return ax


def overlapping_texts(ax, pad: float = 1.0) -> list[tuple[str, str]]:
    """Pairs of texts and annotations on ``ax`` whose drawn boxes overlap (grown by ``pad`` pixels).

    The figure is drawn first, so the boxes are the ones a reader sees. An empty list means every
    label reads on its own; a lesson can assert it after placing labels by hand.
    """
    if pad < 0:
        raise ValueError(f"pad must be >= 0 pixels, got {pad!r}")
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = ax.figure
    # a figure the inline backend has already shown keeps a bare canvas that cannot draw: give it Agg's
    canvas = fig.canvas if hasattr(fig.canvas, "get_renderer") else FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    texts = [t for t in ax.texts if t.get_visible() and t.get_text()]
    boxes = [t.get_window_extent(renderer).expanded(1, 1).padded(pad) for t in texts]
    pairs = []
    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            if boxes[i].overlaps(boxes[j]):
                pairs.append((texts[i].get_text(), texts[j].get_text()))
    return pairs


def contour_paths(x, y, z, paths, ax=None, minimum=None, title: str | None = None, levels: int = 20):
    """Contours of a 2-D loss ``z`` on the grid ``x, y`` (log-spaced levels) with one line per path.

    ``paths`` maps a label to an (n, 2) array of visited points; rows of NaN (divergence) are skipped.
    """
    import numpy as np

    x, y, z = (np.asarray(v, dtype=float) for v in (x, y, z))
    if not x.shape == y.shape == z.shape or x.ndim != 2:
        raise ValueError(f"x, y and z must be 2-D arrays of one shape, got {x.shape}, {y.shape}, {z.shape}")
    if not isinstance(paths, dict):
        raise TypeError(f"paths must be a dict of label -> (n, 2) points, got {type(paths).__name__}")
    if ax is None:
        _, ax = figure()
    low = max(float(np.nanmin(z)), float(np.nanmax(z)) * 1e-6, 1e-12)
    levels_at = np.geomspace(low, float(np.nanmax(z)), levels)
    ax.contour(x, y, np.maximum(z, low), levels=levels_at, colors="0.75", linewidths=0.7)
    for i, (label, points) in enumerate(paths.items()):
        points = np.asarray(points, dtype=float)
        if points.ndim != 2 or points.shape[1] != 2:
            raise ValueError(f"paths[{label!r}] must have shape (n, 2), got {points.shape}")
        points = points[np.isfinite(points).all(axis=1)]
        color = PALETTE[i % len(PALETTE)]
        ax.plot(points[:, 0], points[:, 1], color=color, marker=".", markersize=3, linewidth=1.2, label=label)
        ax.plot(points[-1, 0], points[-1, 1], color=color, marker="o", markersize=6)
    if minimum is not None:
        ax.plot(*minimum, marker="*", color="black", markersize=12, linestyle="none", label="minimum")
    ax.set_xlim(x.min(), x.max())
    ax.set_ylim(y.min(), y.max())
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend(loc="best", fontsize=8)
    if title:
        ax.set_title(title)
    return ax


def scatter_real_fake(real, fake, ax=None, title: str | None = None, limit: float | None = None, size: float = 3):
    """Generated 2-D points (orange) drawn over real ones (grey): how a GAN's samples compare with its data."""
    for name, points in (("real", real), ("fake", fake)):
        shape = tuple(getattr(points, "shape", ()))
        if len(shape) != 2 or shape[1] != 2:
            raise ValueError(f"{name} must be an (n, 2) array of points, got shape {shape}")
    if ax is None:
        _, ax = figure(width=4, height=4)
    ax.scatter(real[:, 0], real[:, 1], s=size, color="0.6", label="real")
    ax.scatter(fake[:, 0], fake[:, 1], s=size, color=PALETTE[1], alpha=0.6, label="generated")
    if limit is not None:
        ax.set_xlim(-limit, limit)
        ax.set_ylim(-limit, limit)
    ax.set_aspect("equal")
    if title:
        ax.set_title(title)
    return ax


def plot_accuracy_vs_labels(labels_per_class, accuracy, ax=None, highlight=None, title: str | None = None):
    """Mean test accuracy against labels per class (log axis), one line per method, a band from lowest to highest seed.

    ``accuracy`` maps a method's name to a (len(labels_per_class), n_seeds) tensor or nested list.
    """
    import torch

    labels_per_class = list(labels_per_class)
    if not labels_per_class or any(not isinstance(k, int) or k < 1 for k in labels_per_class):
        raise ValueError(f"labels_per_class must list positive ints, got {labels_per_class!r}")
    if not isinstance(accuracy, dict) or not accuracy:
        raise ValueError("accuracy must be a non-empty dict of method name -> (n_labels, n_seeds) values")
    if ax is None:
        _, ax = figure()
    for i, (name, values) in enumerate(accuracy.items()):
        values = torch.as_tensor(values, dtype=torch.float64)
        if values.ndim != 2 or values.shape[0] != len(labels_per_class):
            expected = f"({len(labels_per_class)}, n_seeds)"
            raise ValueError(f"accuracy[{name!r}] must have shape {expected}, got {tuple(values.shape)}")
        colour = PALETTE[i % len(PALETTE)]
        lowest, highest = values.min(dim=1).values.tolist(), values.max(dim=1).values.tolist()
        ax.plot(labels_per_class, values.mean(dim=1).tolist(), marker="o", color=colour, label=name)
        ax.fill_between(labels_per_class, lowest, highest, color=colour, alpha=0.15)
    if highlight is not None:
        ax.axvline(highlight, color="grey", linestyle=":", linewidth=1)
    ax.set_xscale("log")
    ax.set_xticks(labels_per_class, [str(k) for k in labels_per_class])
    ax.minorticks_off()
    ax.yaxis.set_major_formatter(mpl.ticker.PercentFormatter(1.0))
    ax.set_xlabel("labelled images per class (log scale)")
    ax.set_ylabel("test accuracy")
    ax.legend()
    if title:
        ax.set_title(title)
    return ax


def image_rows(rows, width: float | None = None, cmap: str = "gray_r"):
    """Small images in labelled rows: ``rows`` maps a row label to a (n, h, w) tensor; every row has n images."""
    import torch

    if not isinstance(rows, dict) or not rows:
        raise ValueError("rows must be a non-empty dict of row label -> (n, h, w) images")
    tensors = {label: torch.as_tensor(images).detach().cpu() for label, images in rows.items()}
    counts = {t.shape[0] if t.ndim == 3 else -1 for t in tensors.values()}
    if len(counts) != 1 or -1 in counts:
        shapes = [tuple(t.shape) for t in tensors.values()]
        raise ValueError(f"every row must be (n, h, w) with the same n, got shapes {shapes}")
    n = counts.pop()
    fig, axes = plt.subplots(len(tensors), n, figsize=(width or 1.1 * n, 1.2 * len(tensors)), squeeze=False)
    for r, (label, images) in enumerate(tensors.items()):
        for c in range(n):
            ax = axes[r][c]
            ax.imshow(images[c].float().numpy(), cmap=cmap, vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
            ax.grid(False)
            for spine in ax.spines.values():
                spine.set_visible(False)
        axes[r][0].set_ylabel(label, rotation=0, ha="right", va="center")
    return fig, axes
