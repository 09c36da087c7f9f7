"""Autoregressive generation (自回归生成) from any model that maps token ids to next-token logits.

``generate`` appends one sampled token at a time. For a :class:`lib.models.gpt.GPT` it keeps a KV
cache, so each step runs the model on the one new token; for other models (an RNN) it re-runs the
last ``context_length`` tokens. Sampling draws from a generator on the logits' device, seeded by
``seed``, so it works on a GPU and never touches the caller's global random stream.
"""

from __future__ import annotations

import torch
from torch import nn

from lib.core.seeding import local_generator
from lib.core.validate import fraction, positive_int, positive_number, seed_value
from lib.core.validate import tensor as check_tensor
from lib.data.tokenizer import Tokenizer
from lib.models.gpt import GPT, KVCache


def filter_logits(logits: torch.Tensor, top_k: int | None = None, top_p: float | None = None) -> torch.Tensor:
    """Set to -inf every logit outside the ``top_k`` likeliest and outside the nucleus of mass ``top_p``.

    Nucleus (top-p) sampling (Holtzman et al. 2020) keeps the fewest tokens whose probabilities
    add up to at least ``top_p``; the likeliest token is always kept. ``logits`` is (batch, vocab).
    """
    check_tensor("logits", logits, floating=True)
    if top_k is not None:
        top_k = positive_int("top_k", top_k)
        kth = torch.topk(logits, min(top_k, logits.shape[-1])).values[:, -1:]
        logits = logits.masked_fill(logits < kth, float("-inf"))
    if top_p is not None and fraction("top_p", top_p, low_inclusive=False, high_inclusive=True) < 1.0:
        sorted_logits, order = torch.sort(logits, dim=-1, descending=True)
        probs = sorted_logits.softmax(dim=-1)
        outside = probs.cumsum(dim=-1) - probs >= top_p  # the mass before this token already reaches top_p
        logits = logits.masked_fill(outside.scatter(-1, order, outside), float("-inf"))
    return logits


def sampling_generator(seed: int | None, device: torch.device) -> tuple[torch.Generator | None, torch.device]:
    """The generator to sample with and the device to sample on, for logits that live on ``device``.

    CPU and CUDA have seedable generators, so sampling stays on the logits' device. Elsewhere
    (a device without generators, or "meta") the probabilities go to the CPU and the token comes
    back. Without a seed: the global generator of the logits' device (reproducible under the
    lesson's seed_everything, but it advances the caller's stream).
    """
    device = torch.device(device)
    on = device if device.type in ("cpu", "cuda") else torch.device("cpu")
    if seed is None:
        return None, on
    return local_generator(seed_value("seed", seed), on), on


def _logits(model: nn.Module, idx: torch.Tensor, cache: KVCache | None = None) -> torch.Tensor:
    """The last position's logits (batch, vocab) as float32, from a GPT (which returns a pair) or a plain model."""
    out = model(idx, kv_cache=cache) if cache is not None else model(idx)
    if isinstance(out, tuple):
        out = out[0]
    return out[:, -1, :].float()


@torch.no_grad()
def generate(
    model: nn.Module,
    idx: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
    seed: int | None = None,
    use_cache: bool = True,
    context_length: int | None = None,
) -> torch.Tensor:
    """Append ``max_new_tokens`` sampled tokens to ``idx`` (batch, time); return the ids on the model's device.

    Each step divides the last logits by ``temperature`` (below 1: more conservative), keeps the
    ``top_k`` likeliest and the ``top_p`` nucleus when asked, and samples. Greedy decoding is
    ``top_k=1``. The model sees at most ``context_length`` tokens (default: a GPT's own): a longer
    text is cropped to its last ``context_length`` tokens. With ``use_cache`` a GPT runs on one new
    token per step, reusing the keys and values of earlier ones; once the cache holds
    ``context_length`` positions, the window must slide, and since a GPT's learned positions
    move with it, the stored keys no longer apply: from then on each step re-runs the cropped
    window, exactly as the uncached path does. Both paths give the same tokens.
    """
    if not isinstance(idx, torch.Tensor) or idx.ndim != 2 or idx.dtype not in (torch.int64, torch.int32):
        described = f"{idx.dtype} {tuple(idx.shape)}" if isinstance(idx, torch.Tensor) else type(idx).__name__
        raise ValueError(f"idx must be a 2-D tensor of token ids (batch, time), got {described}")
    if idx.shape[1] < 1:
        raise ValueError("idx must hold at least one token per row (a prompt)")
    if not isinstance(max_new_tokens, int) or isinstance(max_new_tokens, bool) or max_new_tokens < 0:
        raise ValueError(f"max_new_tokens must be a non-negative int, got {max_new_tokens!r}")
    if context_length is None:
        if not isinstance(model, GPT):
            raise ValueError("context_length must be given for a model that is not a lib.models.gpt.GPT")
        context_length = model.config.context_length
    context_length = positive_int("context_length", context_length)
    temperature = positive_number("temperature", temperature)
    if top_k is not None:
        positive_int("top_k", top_k)
    if top_p is not None:
        fraction("top_p", top_p, low_inclusive=False, high_inclusive=True)
    if isinstance(model, GPT) and context_length > model.config.context_length:
        raise ValueError(f"context_length {context_length} exceeds the model's {model.config.context_length}")
    parameter = next(model.parameters(), None)
    idx = idx.long().to(parameter.device if parameter is not None else idx.device)
    if max_new_tokens == 0:
        return idx
    generator, sample_device = sampling_generator(seed, idx.device)
    cache = KVCache(model.config.n_layer, context_length) if use_cache and isinstance(model, GPT) else None
    was_training = model.training
    model.eval()
    try:
        logits = _logits(model, idx[:, -context_length:], cache)  # the prompt, all at once (the "prefill")
        for step in range(max_new_tokens):
            logits = filter_logits(logits / temperature, top_k, top_p)
            probs = logits.softmax(dim=-1).to(sample_device)
            next_id = torch.multinomial(probs, 1, generator=generator).to(idx.device)
            idx = torch.cat([idx, next_id], dim=1)
            if step == max_new_tokens - 1:
                break
            if cache is not None and cache.length < context_length:
                logits = _logits(model, next_id, cache)  # one token, attending over the cached ones
            else:
                cache = None  # full: slide the window and re-run it
                logits = _logits(model, idx[:, -context_length:])
    finally:
        model.train(was_training)
    return idx


def complete(
    model: nn.Module,
    tokenizer: Tokenizer,
    prompt: str,
    max_new_tokens: int = 200,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
    seed: int | None = 0,
    context_length: int | None = None,
) -> str:
    """The prompt's continuation as text: encode, :func:`generate` (KV cache on), decode the new tokens only.

    The logic behind the sampling widget of lesson 3.4: same seed, same text; ``top_k=1`` is greedy.
    """
    if not isinstance(tokenizer, Tokenizer):
        raise TypeError(f"tokenizer must be a lib.data.tokenizer.Tokenizer, got {type(tokenizer).__name__}")
    if not isinstance(prompt, str) or not prompt:
        raise ValueError("prompt must be a non-empty str (the model continues it)")
    ids = torch.tensor([tokenizer.encode(prompt)], dtype=torch.long)
    out = generate(model, ids, max_new_tokens, temperature, top_k, top_p, seed, True, context_length)
    return tokenizer.decode(out[0, ids.shape[1] :].cpu())
