"""Plot per-layer statistics on a log axis: signals and gradients that vanish or explode with depth."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import torch


def plot_layer_statistics(
    curves: Mapping[str, Sequence[float] | torch.Tensor],
    ax=None,
    ylabel: str = "std of activations",
    title: str | None = None,
):
    """One line per curve, layer on x and a logarithmic y: for quantities that vanish or explode with depth."""
    if not curves:
        raise ValueError("curves must hold at least one named curve")
    if ax is None:
        from lib.viz.plots import figure

        _, ax = figure()
    for name, values in curves.items():
        values = torch.as_tensor(values, dtype=torch.float64)
        if values.ndim != 1 or not bool((values > 0).all()):
            raise ValueError(f"curve {name!r} must be a 1-D sequence of positive numbers for a log scale")
        ax.plot(range(1, len(values) + 1), values.tolist(), label=name)
    ax.set_yscale("log")
    ax.set_xlabel("layer")
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title)
    return ax
