"""The optimizer large models are trained with, set up the way they are trained."""

from __future__ import annotations

import torch
from torch import nn

from lib.core.validate import non_negative_number, positive_number


def make_adamw(
    model: nn.Module,
    lr: float = 3e-4,
    weight_decay: float = 0.1,
    betas: tuple[float, float] = (0.9, 0.95),
    device: torch.device | str = "cpu",
) -> torch.optim.AdamW:
    """AdamW as large models are trained: decay only matrices (not biases, norms); fused kernel on CUDA.

    Weight decay pulls weights toward zero; applied to a LayerNorm's scale or a bias it only hurts.
    (Not to be confused with ``lib.scratch.optimizers.AdamW``, the from-scratch teaching version.)
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    positive_number("lr", lr)
    non_negative_number("weight_decay", weight_decay)
    params = [p for p in model.parameters() if p.requires_grad]
    if not params:
        raise ValueError("model has no trainable parameters")
    groups = [
        {"params": [p for p in params if p.ndim >= 2], "weight_decay": weight_decay},
        {"params": [p for p in params if p.ndim < 2], "weight_decay": 0.0},
    ]
    groups = [g for g in groups if g["params"]]
    fused = torch.device(device).type == "cuda"
    return torch.optim.AdamW(groups, lr=lr, betas=betas, fused=fused)
