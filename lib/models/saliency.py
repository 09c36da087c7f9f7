"""Gradient saliency (显著性) for a GPT's next-token prediction: gradient × input, occlusion, and a randomized model.

For the log-probability f of one target token at one position, gradient × input gives each input
token i the score a_i = ∇_{e_i} f · e_i, where e_i is the token's input embedding: the first-order
estimate of how much f drops when e_i is set to zero. Occlusion measures that drop directly, one
forward pass per token. ``randomized_copy`` re-initializes blocks of the model for Adebayo et al.'s
(2018) sanity check: a saliency map that does not change when the weights are random explains the
input and the architecture, not what the model learned.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import NamedTuple

import torch

from lib.core.seeding import seeded
from lib.core.validate import seed_value
from lib.models.gpt import GPT


def _check(gpt: GPT, ids: torch.Tensor, position: int) -> torch.Tensor:
    if not isinstance(gpt, GPT):
        raise TypeError(f"gpt must be a lib.models.gpt.GPT, got {type(gpt).__name__}")
    ids = torch.as_tensor(ids, dtype=torch.long)
    if ids.ndim == 1:
        ids = ids.unsqueeze(0)
    if ids.ndim != 2 or ids.shape[0] != 1 or ids.shape[1] == 0:
        raise ValueError(f"ids must be one sequence of token ids, (T,) or (1, T), got {tuple(ids.shape)}")
    if ids.shape[1] > gpt.config.context_length:
        raise ValueError(f"ids has {ids.shape[1]} tokens, more than context_length {gpt.config.context_length}")
    if isinstance(position, bool) or not isinstance(position, int) or not 0 <= position < ids.shape[1]:
        raise ValueError(f"position must be an int in [0, {ids.shape[1]}), got {position!r}")
    return ids


def log_prob_from_embeddings(
    gpt: GPT, embeddings: torch.Tensor, position: int, target: int | torch.Tensor
) -> torch.Tensor:
    """log p(target | tokens up to ``position``) computed from input embeddings (batch, T, d) instead of ids.

    Runs the blocks, the final norm and the output layer exactly as ``GPT.forward`` does after its
    embedding look-up; returns one value per batch row, differentiable in ``embeddings``.
    """
    x = embeddings
    for block in gpt.blocks:
        x = block(x)
    logits = gpt.lm_head(gpt.ln_f(x[:, position]))
    return torch.log_softmax(logits.float() if logits.dtype != torch.float64 else logits, dim=-1)[:, target]


class Saliency(NamedTuple):
    """Scores per input token (T,), the target explained, and its log-probability."""

    scores: torch.Tensor
    target: int
    log_prob: float


def _target(gpt: GPT, ids: torch.Tensor, position: int, target: int | None) -> int:
    if target is None:
        with torch.no_grad():
            return int(gpt(ids)[0][0, position].argmax())
    if isinstance(target, bool) or not isinstance(target, int) or not 0 <= target < gpt.config.vocab_size:
        raise ValueError(f"target must be a token id in [0, {gpt.config.vocab_size}) or None, got {target!r}")
    return target


def _embedding_gradient(
    gpt: GPT, ids: torch.Tensor, position: int, target: int | None
) -> tuple[torch.Tensor, torch.Tensor, int, float]:
    """(∇_e log p(target), the embeddings e, target, log p(target)) at ``position``, in eval mode."""
    ids = _check(gpt, ids, position)
    target = _target(gpt, ids, position, target)
    was_training = gpt.training
    gpt.eval()
    try:
        embeddings = gpt.embed(ids).detach().requires_grad_(True)
        value = log_prob_from_embeddings(gpt, embeddings, position, target)[0]
        (grad,) = torch.autograd.grad(value, embeddings)
    finally:
        gpt.train(was_training)
    return grad, embeddings.detach(), target, float(value.detach())


def gradient_x_input(gpt: GPT, ids: torch.Tensor, position: int, target: int | None = None) -> Saliency:
    """a_i = ∇_{e_i} log p(target) · e_i for every input token i (tokens after ``position`` get 0).

    ``target`` defaults to the model's own top prediction at ``position``.
    """
    grad, embeddings, target, value = _embedding_gradient(gpt, ids, position, target)
    return Saliency((grad * embeddings).sum(dim=-1)[0].float().cpu(), target, value)


def gradient_norm(gpt: GPT, ids: torch.Tensor, position: int, target: int | None = None) -> Saliency:
    """|∇_{e_i} log p(target)| for every input token i: the plain gradient's size, without the input factor."""
    grad, _, target, value = _embedding_gradient(gpt, ids, position, target)
    return Saliency(grad[0].norm(dim=-1).float().cpu(), target, value)


@torch.no_grad()
def occlusion(gpt: GPT, ids: torch.Tensor, position: int, target: int | None = None) -> Saliency:
    """f(e) - f(e with e_i set to zero) for every input token i up to ``position``: the drop when i is removed.

    One batched forward pass: row i of the batch has token i's embedding zeroed (positions are
    unaffected in a rotary GPT, whose positions act inside attention).
    """
    ids = _check(gpt, ids, position)
    target = _target(gpt, ids, position, target)
    was_training = gpt.training
    gpt.eval()
    try:
        embeddings = gpt.embed(ids)
        n = position + 1
        occluded = embeddings.repeat(n, 1, 1)
        occluded[torch.arange(n), torch.arange(n)] = 0.0
        full = log_prob_from_embeddings(gpt, embeddings, position, target)[0]
        dropped = log_prob_from_embeddings(gpt, occluded, position, target)
    finally:
        gpt.train(was_training)
    scores = torch.zeros(ids.shape[1])
    scores[:n] = (full - dropped).float().cpu()
    return Saliency(scores, target, float(full))


def randomized_copy(gpt: GPT, blocks: Sequence[int] | None = None, seed: int = 0) -> GPT:
    """A copy of ``gpt`` whose ``blocks`` (default: all) are re-initialized as a fresh GPT would be; embeddings kept.

    The input embeddings (and so the tied output layer) and the final norm stay trained, so the
    input a saliency method multiplies by is the same; only what the blocks learned is destroyed.
    """
    if not isinstance(gpt, GPT):
        raise TypeError(f"gpt must be a lib.models.gpt.GPT, got {type(gpt).__name__}")
    n = gpt.config.n_layer
    chosen = list(range(n)) if blocks is None else list(blocks)
    if any(isinstance(b, bool) or not isinstance(b, int) or not 0 <= b < n for b in chosen):
        raise ValueError(f"blocks must be ints in [0, {n}), got {chosen!r}")
    with seeded(seed_value("seed", seed)):
        fresh = GPT(gpt.config)
    result = copy.deepcopy(gpt)
    for b in chosen:
        result.blocks[b].load_state_dict(fresh.blocks[b].state_dict())
    return result.to(next(gpt.parameters()).device).train(gpt.training)


def rank_correlation(a: torch.Tensor, b: torch.Tensor) -> float:
    """Spearman's rank correlation of two 1-D tensors (ties broken by order), in [-1, 1]."""
    if not isinstance(a, torch.Tensor) or not isinstance(b, torch.Tensor) or a.shape != b.shape or a.ndim != 1:
        raise ValueError("a and b must be 1-D tensors of the same length")
    if len(a) < 2:
        raise ValueError("a and b need at least two values")
    ra = a.double().argsort().argsort().double()
    rb = b.double().argsort().argsort().double()
    ra, rb = ra - ra.mean(), rb - rb.mean()
    return float((ra * rb).sum() / (ra.norm() * rb.norm()))
