"""Draw a confusion matrix: true classes down, predicted classes across, each row as fractions."""

from __future__ import annotations

from collections.abc import Sequence

import torch

from lib.viz.plots import figure


def plot_confusion(confusion: torch.Tensor, classes: Sequence[str], ax=None, title: str | None = None):
    """Heatmap of ``confusion`` (counts, rows = truth) shaded by row fraction, with the counts written in."""
    if not isinstance(confusion, torch.Tensor) or confusion.ndim != 2 or confusion.shape[0] != confusion.shape[1]:
        raise ValueError(f"confusion must be a square tensor, got {getattr(confusion, 'shape', confusion)!r}")
    if len(classes) != confusion.shape[0]:
        raise ValueError(f"classes must name all {confusion.shape[0]} classes, got {len(classes)}")
    if ax is None:
        _, ax = figure(width=5.5, height=4.8)
    rows = confusion.double() / confusion.sum(dim=1, keepdim=True).clamp(min=1)
    ax.imshow(rows.numpy(), cmap="Blues", vmin=0, vmax=1)
    n = len(classes)
    for i in range(n):
        for j in range(n):
            count = int(confusion[i, j])
            if count:
                ax.text(
                    j,
                    i,
                    str(count),
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="white" if rows[i, j] > 0.6 else "black",
                )
    ax.set_xticks(range(n), classes, rotation=45, ha="right")
    ax.set_yticks(range(n), classes)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.grid(False)
    if title:
        ax.set_title(title)
    return ax
