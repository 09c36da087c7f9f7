"""Numeric precision of training: fp32, bf16 autocast, or fp16 autocast with a gradient scaler.

bf16 keeps fp32's exponent range, so gradients need no scaling; fp16 (GPUs older than Ampere lack
bf16) underflows small gradients to zero unless the loss is scaled up first, which
``torch.amp.GradScaler`` does and undoes before the optimizer step.
"""

from __future__ import annotations

import contextlib

import torch

from lib.core.validate import one_of

PRECISIONS = ("auto", "fp32", "bf16", "fp16")


def resolve_precision(precision: str, device: torch.device | str) -> str:
    """The precision to use: ``"auto"`` picks bf16 on a CUDA GPU that has it, fp16 on one that does not, else fp32."""
    one_of("precision", precision, PRECISIONS)
    device = torch.device(device)
    if precision == "auto":
        if device.type != "cuda":
            return "fp32"
        return "bf16" if torch.cuda.is_bf16_supported() else "fp16"
    if precision == "fp16" and device.type != "cuda":
        raise ValueError(f"precision 'fp16' needs a CUDA device, got {device.type!r}; use 'fp32' or 'bf16'")
    return precision


def autocast_for(precision: str, device: torch.device | str) -> contextlib.AbstractContextManager:
    """The autocast context of a resolved precision: a no-op for fp32."""
    one_of("precision", precision, PRECISIONS[1:])
    device = torch.device(device)
    if precision == "fp32":
        return contextlib.nullcontext()
    dtype = torch.bfloat16 if precision == "bf16" else torch.float16
    return torch.autocast(device_type=device.type, dtype=dtype)


def grad_scaler_for(precision: str, device: torch.device | str) -> torch.amp.GradScaler | None:
    """A gradient scaler for fp16 training on CUDA; None for the precisions that need none."""
    one_of("precision", precision, PRECISIONS[1:])
    if precision != "fp16":
        return None
    return torch.amp.GradScaler(torch.device(device).type)
