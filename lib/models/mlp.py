"""The multilayer perceptron (MLP, 多层感知机), also called a deep neural network (DNN) or fully connected network.

Linear layers with a nonlinearity between them and none after the last, so the output is raw
scores (logits): the loss applies sigmoid or softmax, as it should (see 2.2 on why).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from lib.scratch.activations import ACTIVATION_MODULES
from lib.scratch.normalization import BatchNorm, LayerNorm


class MLP(nn.Module):
    """``sizes=(10, 64, 64, 1)``: 10 inputs, two hidden layers of 64, one output logit."""

    def __init__(self, sizes: Sequence[int], activation: str = "relu", dropout: float = 0.0) -> None:
        super().__init__()
        sizes = list(sizes)
        if len(sizes) < 2 or any(not isinstance(s, int) or isinstance(s, bool) or s < 1 for s in sizes):
            raise ValueError(f"sizes must list at least two positive ints (inputs, ..., outputs), got {sizes!r}")
        if activation not in ACTIVATION_MODULES:
            raise ValueError(f"activation must be one of {sorted(ACTIVATION_MODULES)}, got {activation!r}")
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {dropout!r}")
        self.sizes = tuple(sizes)
        layers: list[nn.Module] = []
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
            layers.append(nn.Linear(n_in, n_out))
            if i < len(sizes) - 2:  # hidden layers only: the output stays a logit
                layers.append(ACTIVATION_MODULES[activation]())
                if dropout:
                    layers.append(nn.Dropout(dropout))
        self.layers = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.ndim < 1 or x.shape[-1] != self.sizes[0]:
            raise ValueError(f"input's last dimension must be {self.sizes[0]}, got shape {tuple(x.shape)}")
        return self.layers(x)


def mlp_parameter_count(sizes: Sequence[int]) -> int:
    """Weights and biases of an MLP with these layer sizes: sum of (n_in + 1) * n_out."""
    sizes = list(sizes)
    if len(sizes) < 2 or any(not isinstance(s, int) or s < 1 for s in sizes):
        raise ValueError(f"sizes must list at least two positive ints, got {sizes!r}")
    return sum((n_in + 1) * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True))


def normalized_mlp(sizes: Sequence[int], norm: str | None = None, activation: str = "relu") -> nn.Sequential:
    """An MLP of Linear -> [norm] -> activation hidden layers, then a Linear to logits.

    ``norm`` is None (plain), "batch" (:class:`BatchNorm`) or "layer" (:class:`LayerNorm`).
    """
    sizes = list(sizes)
    if len(sizes) < 2 or any(isinstance(s, bool) or not isinstance(s, int) or s < 1 for s in sizes):
        raise ValueError(f"sizes must list at least two positive ints (inputs, ..., outputs), got {sizes!r}")
    if norm not in (None, "batch", "layer"):
        raise ValueError(f"norm must be None, 'batch' or 'layer', got {norm!r}")
    if activation not in ACTIVATION_MODULES:
        raise ValueError(f"activation must be one of {sorted(ACTIVATION_MODULES)}, got {activation!r}")
    layers: list[nn.Module] = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        layers.append(nn.Linear(n_in, n_out))
        if i < len(sizes) - 2:
            if norm == "batch":
                layers.append(BatchNorm(n_out))
            elif norm == "layer":
                layers.append(LayerNorm(n_out))
            layers.append(ACTIVATION_MODULES[activation]())
    return nn.Sequential(*layers)
