"""Scaled dot-product attention written out: softmax(Q Kᵀ / √d) V, with an optional causal mask.

PyTorch's ``scaled_dot_product_attention`` (which ``lib.models.gpt`` uses) fuses these steps and
never shows the weights; this version returns them, so lessons can draw who attends to whom.
"""

from __future__ import annotations

import math

import torch


def causal_mask(size: int, device: torch.device | str = "cpu") -> torch.Tensor:
    """A (size, size) bool matrix, True where query i may look at key j, i.e. j <= i."""
    if not isinstance(size, int) or isinstance(size, bool) or size < 1:
        raise ValueError(f"size must be a positive int, got {size!r}")
    return torch.ones(size, size, dtype=torch.bool, device=device).tril()


def attention_weights(
    q: torch.Tensor, k: torch.Tensor, causal: bool = False, mask: torch.Tensor | None = None
) -> torch.Tensor:
    """softmax(Q Kᵀ / √d) over the keys: (..., T_q, d) and (..., T_k, d) -> (..., T_q, T_k).

    ``mask`` (bool, broadcastable to the result) keeps the scores where it is True; ``causal``
    also hides the keys after each query. Every query must keep at least one key.
    """
    if not isinstance(q, torch.Tensor) or not isinstance(k, torch.Tensor):
        raise TypeError("q and k must be tensors")
    if q.ndim < 2 or k.ndim < 2 or q.shape[-1] != k.shape[-1]:
        raise ValueError(f"q and k must be (..., T, d) with the same d, got {tuple(q.shape)} and {tuple(k.shape)}")
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    keep = torch.ones_like(scores, dtype=torch.bool)
    if causal:
        t_q, t_k = scores.shape[-2:]
        # aligned top-left, as PyTorch's is_causal: query i sees keys 0..i
        keep = keep & torch.ones(t_q, t_k, dtype=torch.bool, device=q.device).tril()
    if mask is not None:
        if not isinstance(mask, torch.Tensor) or mask.dtype != torch.bool:
            raise TypeError(f"mask must be a bool tensor or None, got {type(mask).__name__}")
        try:
            keep = keep & mask
        except RuntimeError:
            raise ValueError(
                f"mask of shape {tuple(mask.shape)} does not broadcast to scores {tuple(scores.shape)}"
            ) from None
    if not keep.any(dim=-1).all():
        raise ValueError("mask hides every key from some query; each query needs at least one key")
    return scores.masked_fill(~keep, float("-inf")).softmax(dim=-1)


def scaled_dot_product_attention(
    q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, causal: bool = False, mask: torch.Tensor | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """Attention output (..., T_q, d_v) and its weights (..., T_q, T_k): each output is a weighted mean of V."""
    if not isinstance(v, torch.Tensor) or v.ndim < 2 or v.shape[-2] != k.shape[-2]:
        raise ValueError(f"v must be (..., T_k, d_v) with T_k = {k.shape[-2]}, got {tuple(getattr(v, 'shape', ()))}")
    weights = attention_weights(q, k, causal=causal, mask=mask)
    return weights @ v, weights
