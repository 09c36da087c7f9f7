"""Every token's hidden state at chosen layers of a GPT, for a text longer than its context, read in windows.

A probe (探针) needs one vector per token. A text longer than the context is cut into overlapping
windows; each token's state is taken from a window in which it has at least ``warmup`` tokens of
context before it (except at the very start of the text), so no token is read "cold" at a
window's edge. Layer numbering follows :func:`lib.models.text_embedding.layer_states`: 0 is the
input embeddings, ``n_layer`` the final norm's output.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from lib.core.validate import positive_int
from lib.models.gpt import GPT
from lib.models.text_embedding import layer_states


def window_plan(n_tokens: int, window: int, warmup: int) -> list[tuple[int, int, int]]:
    """(start, keep_from, stop) for each window: it reads ids[start:start+window] and keeps positions keep_from..stop-1.

    Every position 0..n_tokens-1 is kept exactly once, and each kept position past the first window
    has at least ``warmup`` tokens before it inside its window.
    """
    n_tokens, window = positive_int("n_tokens", n_tokens), positive_int("window", window)
    if isinstance(warmup, bool) or not isinstance(warmup, int) or not 0 <= warmup < window:
        raise ValueError(f"warmup must be an int in [0, window={window}), got {warmup!r}")
    if n_tokens <= window:
        return [(0, 0, n_tokens)]
    stride = window - warmup
    starts = list(range(0, n_tokens - window + 1, stride))
    if starts[-1] + window < n_tokens:
        starts.append(n_tokens - window)
    plan, covered = [], 0
    for start in starts:
        stop = start + window
        plan.append((start, covered, stop))
        covered = stop
    return plan


@torch.no_grad()
def token_states(
    gpt: GPT, ids: Sequence[int] | torch.Tensor, layers: Sequence[int], warmup: int = 32, batch_size: int = 32
) -> dict[int, torch.Tensor]:
    """For each of ``layers``, an (n_tokens, d_model) float32 CPU tensor: each token's state, read with context."""
    ids = torch.as_tensor(ids, dtype=torch.long).flatten()
    if ids.numel() == 0:
        raise ValueError("ids must hold at least one token")
    positive_int("batch_size", batch_size)
    if not isinstance(gpt, GPT):
        raise TypeError(f"gpt must be a lib.models.gpt.GPT, got {type(gpt).__name__}")
    window = min(gpt.config.context_length, len(ids))
    plan = window_plan(len(ids), window, min(warmup, window - 1))
    device = next(gpt.parameters()).device
    layers = list(layers)
    parts: dict[int, list[torch.Tensor]] = {layer: [] for layer in layers}
    was_training = gpt.training
    gpt.eval()
    try:
        for first in range(0, len(plan), batch_size):
            chunk = plan[first : first + batch_size]
            batch = torch.stack([ids[start : start + window] for start, _, _ in chunk]).to(device)
            states = layer_states(gpt, batch, layers)
            for layer, state in zip(layers, states, strict=True):
                for row, (start, keep, stop) in enumerate(chunk):
                    parts[layer].append(state[row, keep - start : stop - start].float().cpu())
    finally:
        gpt.train(was_training)
    return {layer: torch.cat(parts[layer]) for layer in layers}
