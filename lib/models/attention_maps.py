"""Read a trained GPT's attention weights, layer by layer, for heatmaps and probes."""

from __future__ import annotations

import torch

from lib.models.gpt import GPT
from lib.scratch.attention import attention_weights


@torch.no_grad()
def gpt_attention_maps(model: GPT, idx: torch.Tensor) -> torch.Tensor:
    """Every attention weight of a :class:`lib.models.gpt.GPT` on ``idx``: (n_layer, batch, n_head, T, T).

    Runs the model's own layers and recomputes each layer's causal weights from its query and
    key projections (dropout off), since the fused kernel the model uses does not return them.
    """
    if not isinstance(model, GPT):
        raise TypeError(f"model must be a lib.models.gpt.GPT, got {type(model).__name__}")
    if not isinstance(idx, torch.Tensor) or idx.ndim != 2 or idx.dtype not in (torch.int64, torch.int32):
        raise ValueError(f"idx must be a 2-D tensor of token ids (batch, time), got {getattr(idx, 'shape', idx)!r}")
    if idx.shape[1] > model.config.context_length:
        raise ValueError(f"sequence length {idx.shape[1]} exceeds context_length {model.config.context_length}")
    was_training = model.training
    model.eval()
    x = model.embed(idx)
    maps = []
    for block in model.blocks:
        q, k, _ = block.attn.project(block.ln1(x))
        maps.append(attention_weights(q.float(), block.attn.expand_kv(k).float(), causal=True))
        x = block(x)
    model.train(was_training)
    return torch.stack(maps)
