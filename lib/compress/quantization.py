"""int8 weight quantization (量化): each weight row as 8-bit integers and one scale, a quarter of fp32's bytes."""

from __future__ import annotations

import copy

import torch
from torch import nn

from lib.core.validate import tensor as check_tensor


def quantize_int8(weight: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Symmetric per-row int8 quantization: returns (int8 values, fp32 scale per row).

    scale = max|row| / 127 and q = round(w / scale), so w ≈ q · scale and zero stays exactly zero.
    """
    if not isinstance(weight, torch.Tensor) or weight.ndim != 2 or not weight.is_floating_point():
        raise ValueError(f"weight must be a 2-D floating-point tensor, got {getattr(weight, 'shape', weight)!r}")
    scale = weight.detach().abs().amax(dim=1).float() / 127
    scale = torch.where(scale > 0, scale, torch.ones_like(scale))  # an all-zero row: any scale works
    q = torch.clamp(torch.round(weight.detach().float() / scale[:, None]), -127, 127).to(torch.int8)
    return q, scale


def dequantize_int8(q: torch.Tensor, scale: torch.Tensor) -> torch.Tensor:
    """The fp32 weights that int8 values ``q`` with per-row ``scale`` stand for."""
    check_tensor("q", q)
    check_tensor("scale", scale, floating=True)
    if q.dtype != torch.int8 or q.ndim != 2:
        raise ValueError(f"q must be a 2-D int8 tensor, got {q.dtype} {tuple(q.shape)}")
    if scale.shape != (q.shape[0],):
        raise ValueError(f"scale must have one value per row ({q.shape[0]}), got shape {tuple(scale.shape)}")
    return q.float() * scale[:, None]


class Int8Linear(nn.Module):
    """A Linear layer stored as int8 weights with one fp32 scale per output row (weight-only quantization).

    The weights take a quarter of fp32's bytes; activations stay in floating point. The forward pass
    computes (x · qᵀ) · scale + b, which equals x · dequantize(q, scale)ᵀ + b, so on a CPU it does
    the same floating-point work as before (and converts q each call): it saves memory, not arithmetic.
    """

    def __init__(self, q: torch.Tensor, scale: torch.Tensor, bias: torch.Tensor | None) -> None:
        super().__init__()
        dequantize_int8(q, scale)  # validates the shapes and dtype
        self.register_buffer("q", q)
        self.register_buffer("scale", scale.float())
        self.register_buffer("bias", None if bias is None else bias.detach().float().clone())
        self.in_features, self.out_features = q.shape[1], q.shape[0]

    @classmethod
    def from_linear(cls, layer: nn.Linear) -> Int8Linear:
        """Quantize an ``nn.Linear``'s weight with :func:`quantize_int8`."""
        if not isinstance(layer, nn.Linear):
            raise TypeError(f"layer must be an nn.Linear, got {type(layer).__name__}")
        q, scale = quantize_int8(layer.weight)
        return cls(q, scale, layer.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = (x @ self.q.to(x.dtype).T) * self.scale.to(x.dtype)
        return out if self.bias is None else out + self.bias.to(x.dtype)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, weight=int8 per-row"


def quantize_linears_int8(model: nn.Module) -> nn.Module:
    """A copy of ``model`` with every ``nn.Linear`` replaced by an :class:`Int8Linear` (weight-only int8)."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be an nn.Module, got {type(model).__name__}")
    quantized = copy.deepcopy(model)
    if isinstance(quantized, nn.Linear):
        return Int8Linear.from_linear(quantized)
    found = False
    for child in list(quantized.modules()):
        for attr, sub in list(child.named_children()):
            if isinstance(sub, nn.Linear):
                setattr(child, attr, Int8Linear.from_linear(sub))
                found = True
    if not found:
        raise ValueError("model must contain at least one nn.Linear layer")
    return quantized
