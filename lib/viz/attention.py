"""Draw one attention head's weights as a heatmap: queries down, keys across, tokens as tick labels."""

from __future__ import annotations

from collections.abc import Sequence

import torch

from lib.core.validate import positive_int
from lib.viz.plots import figure


def attention_heatmap(
    maps: torch.Tensor, tokens: Sequence[str], layer: int, head: int, ax=None, title: str | None = None
):
    """Heatmap of ``maps[layer, 0, head]`` from :func:`lib.models.attention_maps.gpt_attention_maps` (batch item 0)."""
    if not isinstance(maps, torch.Tensor) or maps.ndim != 5:
        raise ValueError(f"maps must be (n_layer, batch, n_head, T, T), got {getattr(maps, 'shape', maps)!r}")
    n_layer, _, n_head, time, _ = maps.shape
    if not isinstance(layer, int) or not 0 <= layer < n_layer:
        raise ValueError(f"layer must be an int in [0, {n_layer}), got {layer!r}")
    if not isinstance(head, int) or not 0 <= head < n_head:
        raise ValueError(f"head must be an int in [0, {n_head}), got {head!r}")
    if len(tokens) != positive_int("T", time):
        raise ValueError(f"tokens must label all {time} positions, got {len(tokens)}")
    if ax is None:
        _, ax = figure(width=6, height=5.5)
    ax.imshow(maps[layer, 0, head].float().cpu().numpy(), cmap="viridis", vmin=0, vmax=1)
    labels = [repr(t)[1:-1] for t in tokens]  # show spaces and newlines visibly
    ax.set_xticks(range(time), labels, fontsize=7, rotation=90)
    ax.set_yticks(range(time), labels, fontsize=7)
    ax.set_xlabel("key (attended to)")
    ax.set_ylabel("query (attending)")
    ax.grid(False)
    ax.set_title(title or f"layer {layer}, head {head}")
    return ax
