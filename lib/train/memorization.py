"""Measuring memorization (记忆化) of a planted secret, a canary (金丝雀; Carlini et al. 2019, arXiv:1802.08232).

Plant "the PIN of alice is 4817."-style sentences in training text, then ask two questions of the
trained model. Extraction: does greedy completion of the prefix reproduce the secret? Exposure: rank
the true secret among every possible secret (every code of the same form) by the model's log-probability;
exposure = log₂(number of candidates) − log₂(rank), from 0 (the secret is the least likely) to
log₂(number of candidates) (it is the most likely).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import nn

from lib.core.validate import positive_int, tensor
from lib.models.gpt import GPT
from lib.models.kv_cache import KVCache
from lib.models.sampling import generate


@torch.no_grad()
def candidate_log_probs(
    model: nn.Module, prefix_ids: Sequence[int], alphabet_ids: Sequence[int], length: int, batch_size: int = 256
) -> torch.Tensor:
    """log p(candidate | prefix) for every sequence of ``length`` tokens over ``alphabet_ids``, in lexicographic order.

    ``model(ids)`` returns logits (batch, time, vocab), or a tuple whose first item they are. Only
    ``len(alphabet)**(length-1)`` sequences are run: the logits of the last position score every last token.
    """
    positive_int("length", length)
    if len(prefix_ids) == 0:
        raise ValueError("prefix_ids must hold at least one token")
    if len(alphabet_ids) == 0:
        raise ValueError("alphabet_ids must hold at least one token")
    device = next(model.parameters()).device
    alphabet = torch.tensor(list(alphabet_ids), device=device)
    a = len(alphabet)
    if length > 1:
        heads = torch.cartesian_prod(*[torch.arange(a, device=device)] * (length - 1)).reshape(-1, length - 1)
    else:
        heads = torch.zeros(1, 0, dtype=torch.long, device=device)
    prefix = torch.tensor([list(prefix_ids)], device=device)
    was_training = model.training
    model.eval()
    parts = []
    try:
        prefix_cache, last = _prefix_pass(model, prefix, length)
        for start in range(0, len(heads), batch_size):
            rows = alphabet[heads[start : start + batch_size]]
            if prefix_cache is not None:  # a GPT: run only the candidate tokens, attending over the cached prefix
                cache = _expanded(prefix_cache, len(rows))
                logits = model(rows, kv_cache=cache)[0] if rows.shape[1] else rows.new_zeros(len(rows), 0, 1)
                logits = torch.cat([last.expand(len(rows), -1, -1), logits.float()], dim=1)
            else:
                out = model(torch.cat([prefix.expand(len(rows), -1), rows], dim=1))
                logits = (out[0] if isinstance(out, tuple) else out).float()[:, prefix.shape[1] - 1 :]
            logp = logits.log_softmax(dim=-1)  # (rows, length, vocab): position j predicts candidate token j
            known = logp[:, : length - 1].gather(2, rows.unsqueeze(2)).squeeze(2).sum(dim=1)
            parts.append(known.unsqueeze(1) + logp[:, length - 1, alphabet])
    finally:
        model.train(was_training)
    return torch.cat(parts).reshape(-1)


def _prefix_pass(model: nn.Module, prefix: torch.Tensor, length: int) -> tuple[KVCache | None, torch.Tensor | None]:
    """For a GPT: the prefix's keys and values and its last logits (1, 1, vocab); (None, None) for other models."""
    if not isinstance(model, GPT):
        return None, None
    cache = KVCache(model.config.n_layer, prefix.shape[1] + length)
    return cache, model(prefix, kv_cache=cache)[0][:, -1:].float()


def _expanded(cache: KVCache, rows: int) -> KVCache:
    """A copy of a batch-of-one cache repeated for ``rows`` sequences, to continue them all from the prefix."""
    out = KVCache(len(cache.layers), cache.max_length)
    for new, old in zip(out.layers, cache.layers, strict=True):
        new.keys = old.keys.expand(rows, -1, -1, -1).clone()
        new.values = old.values.expand(rows, -1, -1, -1).clone()
        new.length = old.length
    return out


def rank_of(scores: torch.Tensor, index: int) -> int:
    """1 + how many candidates score strictly higher than candidate ``index`` (1 is the most likely)."""
    scores = tensor("scores", scores)
    if scores.ndim != 1 or not 0 <= index < len(scores):
        raise ValueError(f"index must point into a 1-D scores tensor of length {len(scores)}, got {index}")
    return 1 + int((scores > scores[index]).sum())


def exposure(rank: int, n_candidates: int) -> float:
    """Carlini et al.'s exposure in bits: log₂(n_candidates) − log₂(rank)."""
    positive_int("n_candidates", n_candidates)
    positive_int("rank", rank)
    if rank > n_candidates:
        raise ValueError(f"rank must be at most n_candidates {n_candidates}, got {rank}")
    return math.log2(n_candidates) - math.log2(rank)


def greedy_continuation(model: nn.Module, prefix_ids: Sequence[int], n_tokens: int) -> list[int]:
    """The ``n_tokens`` a model appends to the prefix by greedy decoding (always the likeliest token)."""
    positive_int("n_tokens", n_tokens)
    device = next(model.parameters()).device
    ids = torch.tensor([list(prefix_ids)], device=device)
    return generate(model, ids, n_tokens, top_k=1)[0, len(prefix_ids) :].tolist()
