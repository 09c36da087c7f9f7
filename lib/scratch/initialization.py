"""Weight initialization (初始化) schemes, and what they do to activations and gradients through many layers.

The variance of a layer's output is fan_in x Var(w) x E[x^2]; Xavier/Glorot and He/Kaiming choose Var(w) so
that this stays constant from layer to layer, which is what lets a deep network start learning at all.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import nn

from lib.core.validate import positive_int
from lib.scratch.activations import ACTIVATION_MODULES

SCHEMES = ("small", "large", "xavier", "he")
SMALL_STD = 0.01  # a "reasonable-looking" constant that shrinks signals layer after layer
LARGE_STD = 1.0  # a standard normal: grows signals (ReLU) or saturates them (tanh)


def init_std(scheme: str, fan_in: int, fan_out: int) -> float:
    """The standard deviation of a normal initialization: Xavier sqrt(2/(fan_in+fan_out)), He sqrt(2/fan_in)."""
    if scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {SCHEMES}, got {scheme!r}")
    fan_in, fan_out = positive_int("fan_in", fan_in), positive_int("fan_out", fan_out)
    if scheme == "small":
        return SMALL_STD
    if scheme == "large":
        return LARGE_STD
    if scheme == "xavier":
        return math.sqrt(2.0 / (fan_in + fan_out))
    return math.sqrt(2.0 / fan_in)


def init_weight_(weight: torch.Tensor, scheme: str, generator: torch.Generator | None = None) -> torch.Tensor:
    """Fill an (out_features, in_features) weight in place from N(0, init_std(scheme)^2); return it."""
    if not isinstance(weight, torch.Tensor) or weight.ndim != 2 or not weight.is_floating_point():
        raise ValueError("weight must be a 2-D floating-point tensor (out_features, in_features)")
    fan_out, fan_in = weight.shape
    std = init_std(scheme, fan_in, fan_out)
    with torch.no_grad():
        return weight.normal_(0.0, std, generator=generator)


def initialize_(module: nn.Module, scheme: str, generator: torch.Generator | None = None) -> nn.Module:
    """Re-initialize every ``nn.Linear`` in ``module``: weights by ``scheme``, biases to zero; return ``module``."""
    if not isinstance(module, nn.Module):
        raise TypeError(f"module must be an nn.Module, got {type(module).__name__}")
    linears = [m for m in module.modules() if isinstance(m, nn.Linear)]
    if not linears:
        raise ValueError("module holds no nn.Linear layer to initialize")
    for m in linears:
        init_weight_(m.weight, scheme, generator)
        if m.bias is not None:
            with torch.no_grad():
                m.bias.zero_()
    return module


def make_weights(
    scheme: str, depth: int, width: int, seed: int = 0, dtype: torch.dtype = torch.float64
) -> list[torch.Tensor]:
    """``depth`` square (width x width) weight matrices drawn by ``scheme`` from a seeded generator."""
    depth, width = positive_int("depth", depth), positive_int("width", width)
    generator = torch.Generator().manual_seed(seed)
    return [init_weight_(torch.empty(width, width, dtype=dtype), scheme, generator) for _ in range(depth)]


@dataclass(frozen=True)
class LayerStats:
    """Per layer (index 0 = first hidden layer): std of the activations, and std of the loss gradient reaching them."""

    forward_std: torch.Tensor
    backward_std: torch.Tensor


def propagate(weights: Sequence[torch.Tensor], activation: str, x: torch.Tensor) -> LayerStats:
    """Push ``x`` through h = act(h W^T) for each weight, then a random gradient back; record both stds per layer."""
    if activation not in ACTIVATION_MODULES:
        raise ValueError(f"activation must be one of {sorted(ACTIVATION_MODULES)}, got {activation!r}")
    if isinstance(weights, torch.Tensor) or not isinstance(weights, (list, tuple)):
        raise ValueError(f"weights must be a list of 2-D tensors, got {type(weights).__name__}")
    if len(weights) == 0:
        raise ValueError("weights must hold at least one matrix")
    if any(not isinstance(w, torch.Tensor) or w.ndim != 2 or not w.is_floating_point() for w in weights):
        raise ValueError("weights must hold only 2-D floating-point tensors (out_features, in_features)")
    if not isinstance(x, torch.Tensor) or x.ndim != 2 or x.shape[1] != weights[0].shape[1]:
        raise ValueError(f"x must be (samples, {weights[0].shape[1]}), got {getattr(x, 'shape', type(x).__name__)}")
    act = ACTIVATION_MODULES[activation]()
    h = x.to(weights[0].dtype)
    outputs = []
    for w in weights:
        h = act(h @ w.detach().T)
        if h.requires_grad:
            h.retain_grad()
        else:  # the first layer: make it the leaf that gradients flow back to
            h.requires_grad_(True)
        outputs.append(h)
    # the gradient of a loss whose derivative at the output is a fixed random direction of unit variance
    upstream = torch.randn(h.shape, generator=torch.Generator().manual_seed(1), dtype=h.dtype)
    (h * upstream).sum().backward()
    forward = torch.stack([o.detach().std() for o in outputs])
    backward = torch.stack([o.grad.std() for o in outputs])
    return LayerStats(forward_std=forward, backward_std=backward)


def layer_statistics(
    scheme: str, activation: str, depth: int = 50, width: int = 128, n_samples: int = 256, seed: int = 0
) -> LayerStats:
    """Activation and gradient stds through ``depth`` layers initialized by ``scheme``, on N(0, 1) inputs (float64)."""
    n_samples = positive_int("n_samples", n_samples)
    weights = make_weights(scheme, depth, width, seed)
    x = torch.randn(n_samples, width, generator=torch.Generator().manual_seed(seed + 10_000), dtype=torch.float64)
    return propagate(weights, activation, x)
