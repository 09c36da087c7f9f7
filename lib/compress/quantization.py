"""int8 weight quantization (量化): each weight row as 8-bit integers and one scale, a quarter of fp32's bytes."""

from __future__ import annotations

import torch

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
