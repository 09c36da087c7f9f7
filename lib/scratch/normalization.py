"""Batch normalization, layer normalization and inverted dropout, written from tensor operations.

They match ``torch.nn.BatchNorm1d/2d``, ``torch.nn.LayerNorm`` and ``torch.nn.functional.dropout`` (lesson 2.4
checks outputs and gradients), but every step is visible: mean, variance, normalize, scale and shift.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from lib.core.validate import fraction, positive_number


def _tensor(x: object, name: str) -> torch.Tensor:
    if not isinstance(x, torch.Tensor) or not x.is_floating_point():
        raise TypeError(f"{name} must be a floating-point tensor, got {type(x).__name__}")
    return x


def batch_norm(
    x: torch.Tensor,
    running_mean: torch.Tensor | None,
    running_var: torch.Tensor | None,
    weight: torch.Tensor | None = None,
    bias: torch.Tensor | None = None,
    training: bool = True,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> torch.Tensor:
    """Normalize each channel (dim 1) over the batch and any spatial dims, then scale by ``weight``, shift by ``bias``.

    Training: use this batch's mean and (biased) variance, and move the running statistics toward them,
    ``running = (1 - momentum) * running + momentum * batch`` (the variance unbiased, as PyTorch does).
    Eval: use the running statistics, so each sample's output no longer depends on its batch.
    """
    _tensor(x, "x")
    if x.ndim < 2:
        raise ValueError(f"x must have shape (batch, channels, ...), got {tuple(x.shape)}")
    fraction("momentum", momentum, high_inclusive=True)
    positive_number("eps", eps)
    channels = x.shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != (channels,):
            raise ValueError(f"{name} must have shape ({channels},) to match x's channels, got {tuple(t.shape)}")
    dims = (0, *range(2, x.ndim))  # every dim except the channels
    shape = (1, channels) + (1,) * (x.ndim - 2)
    if training:
        count = x.numel() // channels
        if count < 2:
            raise ValueError(
                f"batch norm in training mode needs more than 1 value per channel, got x of shape {tuple(x.shape)}"
            )
        mean = x.mean(dim=dims)
        var = x.var(dim=dims, correction=0)  # the biased variance normalizes
        if running_mean is not None and running_var is not None:
            with torch.no_grad():
                running_mean.mul_(1 - momentum).add_(momentum * mean.detach())
                running_var.mul_(1 - momentum).add_(momentum * var.detach() * count / (count - 1))
    else:
        if running_mean is None or running_var is None:
            raise ValueError("running_mean and running_var are needed in eval mode (training=False)")
        mean, var = running_mean, running_var
    out = (x - mean.reshape(shape)) / torch.sqrt(var.reshape(shape) + eps)
    if weight is not None:
        out = out * weight.reshape(shape)
    if bias is not None:
        out = out + bias.reshape(shape)
    return out


def layer_norm(
    x: torch.Tensor,
    normalized_shape: int | Sequence[int],
    weight: torch.Tensor | None = None,
    bias: torch.Tensor | None = None,
    eps: float = 1e-5,
) -> torch.Tensor:
    """Normalize each sample over its last dims (``normalized_shape``), then scale and shift: no batch statistics."""
    _tensor(x, "x")
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if not shape or any(isinstance(s, bool) or not isinstance(s, int) or s < 1 for s in shape):
        raise ValueError(f"normalized_shape must be a positive int or a tuple of them, got {normalized_shape!r}")
    if tuple(x.shape[-len(shape) :]) != shape or x.ndim < len(shape):
        raise ValueError(f"x's last dims must be {shape}, got x of shape {tuple(x.shape)}")
    positive_number("eps", eps)
    dims = tuple(range(-len(shape), 0))
    mean = x.mean(dim=dims, keepdim=True)
    var = x.var(dim=dims, keepdim=True, correction=0)
    out = (x - mean) / torch.sqrt(var + eps)
    if weight is not None:
        out = out * weight
    if bias is not None:
        out = out + bias
    return out


def dropout(
    x: torch.Tensor, p: float = 0.5, training: bool = True, generator: torch.Generator | None = None
) -> torch.Tensor:
    """Inverted dropout: in training zero each entry with probability ``p`` and scale the rest by 1/(1 - p).

    The scaling keeps every entry's expectation unchanged, so evaluation needs no correction: it is the identity.
    """
    _tensor(x, "x")
    p = fraction("p", p, high_inclusive=True)
    if not training or p == 0.0:
        return x
    if p == 1.0:
        return x * 0.0
    where = generator.device if generator is not None else x.device
    keep = torch.rand(x.shape, generator=generator, device=where).to(x.device) >= p
    return x * keep / (1.0 - p)


class BatchNorm(nn.Module):
    """Batch normalization (批量归一化) over dim 1 of (N, C) or (N, C, H, W) inputs: BatchNorm1d and 2d in one."""

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1) -> None:
        super().__init__()
        if isinstance(num_features, bool) or not isinstance(num_features, int) or num_features < 1:
            raise ValueError(f"num_features must be a positive int, got {num_features!r}")
        self.eps = positive_number("eps", eps)
        self.momentum = fraction("momentum", momentum, high_inclusive=True)
        self.weight = nn.Parameter(torch.ones(num_features))  # gamma: the learned scale
        self.bias = nn.Parameter(torch.zeros(num_features))  # beta: the learned shift
        self.register_buffer("running_mean", torch.zeros(num_features))
        self.register_buffer("running_var", torch.ones(num_features))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return batch_norm(
            x, self.running_mean, self.running_var, self.weight, self.bias, self.training, self.momentum, self.eps
        )


class LayerNorm(nn.Module):
    """Layer normalization over the last dims: the same computation in training and eval, for any batch size."""

    def __init__(self, normalized_shape: int | Sequence[int], eps: float = 1e-5) -> None:
        super().__init__()
        shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
        if not shape or any(isinstance(s, bool) or not isinstance(s, int) or s < 1 for s in shape):
            raise ValueError(f"normalized_shape must be a positive int or a tuple of them, got {normalized_shape!r}")
        self.normalized_shape = shape
        self.eps = positive_number("eps", eps)
        self.weight = nn.Parameter(torch.ones(shape))
        self.bias = nn.Parameter(torch.zeros(shape))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)


class Dropout(nn.Module):
    """Inverted dropout as a module: active in ``train()`` mode, the identity in ``eval()`` mode."""

    def __init__(self, p: float = 0.5) -> None:
        super().__init__()
        self.p = fraction("p", p, high_inclusive=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return dropout(x, self.p, self.training)


def rms_norm(x: torch.Tensor, weight: torch.Tensor | None = None, eps: float = 1e-6) -> torch.Tensor:
    """RMSNorm (Zhang & Sennrich 2019): x / sqrt(mean(x²) + eps) · weight over the last dimension.

    LayerNorm without the mean subtraction and without a bias: cheaper, and as good in practice,
    which is why Llama uses it.
    """
    x = _tensor(x, "x")
    eps = positive_number("eps", eps)
    if weight is not None and weight.shape != x.shape[-1:]:
        raise ValueError(f"weight must have shape {tuple(x.shape[-1:])}, got {tuple(weight.shape)}")
    y = x * torch.rsqrt(x.pow(2).mean(dim=-1, keepdim=True) + eps)
    return y if weight is None else y * weight
