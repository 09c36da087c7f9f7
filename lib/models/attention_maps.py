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


def _check_maps(maps: torch.Tensor) -> torch.Tensor:
    if not isinstance(maps, torch.Tensor) or maps.ndim != 5 or maps.shape[-1] != maps.shape[-2]:
        raise ValueError(f"maps must be (n_layer, batch, n_head, T, T), got {getattr(maps, 'shape', maps)!r}")
    return maps


def previous_token_scores(maps: torch.Tensor) -> torch.Tensor:
    """(n_layer, n_head): each head's mean attention weight on the token just before the query (queries 1..T-1).

    1.0 is a head that always looks one step back; a head spreading evenly over the causal past
    scores the mean of 1/(t+1) over the queries.
    """
    maps = _check_maps(maps)
    if maps.shape[-1] < 2:
        raise ValueError("maps must cover at least two positions to have a previous token")
    return maps.diagonal(offset=-1, dim1=-2, dim2=-1).mean(dim=(1, 3))


def pair_scores(maps: torch.Tensor, pairs: torch.Tensor) -> torch.Tensor:
    """(n_layer, n_head): mean attention weight from query to key over ``pairs``, rows of (batch, query, key)."""
    maps = _check_maps(maps)
    if not isinstance(pairs, torch.Tensor) or pairs.ndim != 2 or pairs.shape[1] != 3 or len(pairs) == 0:
        raise ValueError(
            f"pairs must be a non-empty (n, 3) tensor of (batch, query, key), got {getattr(pairs, 'shape', pairs)!r}"
        )
    b, q, k = pairs.long().unbind(dim=1)
    if bool((k > q).any()) or bool((q >= maps.shape[-1]).any()) or bool((b >= maps.shape[1]).any()):
        raise ValueError("pairs must have key <= query < T and batch < maps.shape[1]")
    return maps.permute(1, 3, 4, 0, 2)[b, q, k].mean(dim=0)  # (pairs, n_layer, n_head) -> mean over pairs


def uniform_pair_score(pairs: torch.Tensor) -> float:
    """What a head attending evenly over the causal past would give ``pairs``: the mean of 1/(query+1)."""
    if not isinstance(pairs, torch.Tensor) or pairs.ndim != 2 or pairs.shape[1] != 3 or len(pairs) == 0:
        raise ValueError("pairs must be a non-empty (n, 3) tensor of (batch, query, key)")
    return float((1.0 / (pairs[:, 1].double() + 1)).mean())
