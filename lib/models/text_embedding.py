"""Text embeddings (文本嵌入) from a GPT: the hidden states of any layer, mean-pooled over a text's tokens.

A GPT turns each token into a d_model-vector at every layer. Averaging one layer's vectors over the
tokens of a text gives one vector per text, which semantic search compares by cosine similarity.
A text longer than the context is read in windows of ``context_length`` tokens, and the mean runs over
all its tokens. Layer 0 is the token embeddings (plus positions, if the GPT adds them); layer l is the
output of block l; the last layer, ``n_layer``, is taken after the final norm, as ``lm_head`` reads it.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from lib.core.validate import positive_int
from lib.data.tokenizer import Tokenizer
from lib.models.gpt import GPT


def _check_layers(gpt: GPT, layers: Sequence[int]) -> list[int]:
    if not isinstance(gpt, GPT):
        raise TypeError(f"gpt must be a lib.models.gpt.GPT, got {type(gpt).__name__}")
    n = gpt.config.n_layer
    layers = list(layers)
    if not layers or any(not isinstance(i, int) or isinstance(i, bool) or not 0 <= i <= n for i in layers):
        raise ValueError(f"layers must be ints from 0 (embeddings) to {n} (final norm), got {layers!r}")
    return layers


@torch.no_grad()
def layer_states(gpt: GPT, ids: torch.Tensor, layers: Sequence[int]) -> list[torch.Tensor]:
    """The (batch, time, d_model) states of ``ids`` at each of ``layers`` (0 = embeddings, n_layer = final norm).

    Read with forward hooks during one ordinary ``gpt.hidden_states`` call, so it is exactly the
    model's own computation.
    """
    layers = _check_layers(gpt, layers)
    n = gpt.config.n_layer
    found: dict[int, torch.Tensor] = {}
    hooks = []

    def keep(index: int, take_input: bool = False):
        def hook(module, inputs, output):
            found[index] = inputs[0] if take_input else output

        return hook

    if 0 in layers:
        hooks.append(gpt.blocks[0].register_forward_hook(keep(0, take_input=True)))
    for i in range(1, n):
        if i in layers:
            hooks.append(gpt.blocks[i - 1].register_forward_hook(keep(i)))
    try:
        final = gpt.hidden_states(ids)
    finally:
        for handle in hooks:
            handle.remove()
    found[n] = final
    return [found[i] for i in layers]


def _windows(ids: list[int], window: int) -> list[list[int]]:
    return [ids[i : i + window] for i in range(0, len(ids), window)] or [[0]]


@torch.no_grad()
def mean_pooled_embeddings(
    gpt: GPT,
    tokenizer: Tokenizer,
    texts: Sequence[str],
    layers: Sequence[int] | None = None,
    batch_size: int = 64,
) -> dict[int, torch.Tensor]:
    """For each layer, an (n_texts, d_model) float32 tensor on the CPU: the mean of that layer's token states.

    Every text is cut into windows of the GPT's context length; windows of all texts go through the
    model in batches (right-padded, padding left out of the mean), so a corpus costs one pass.
    Default ``layers``: every one, 0 to n_layer.
    """
    layers = _check_layers(gpt, range(gpt.config.n_layer + 1) if layers is None else layers)
    positive_int("batch_size", batch_size)
    if isinstance(texts, str) or not all(isinstance(t, str) for t in texts):
        raise ValueError("texts must be a sequence of str")
    window = gpt.config.context_length
    pieces, owner = [], []
    for i, text in enumerate(texts):
        for piece in _windows(tokenizer.encode(text), window):
            pieces.append(piece)
            owner.append(i)
    order = sorted(range(len(pieces)), key=lambda j: len(pieces[j]))  # similar lengths batch together
    device = next(gpt.parameters()).device
    d = gpt.config.d_model
    sums = {layer: torch.zeros(len(texts), d) for layer in layers}
    counts = torch.zeros(len(texts))
    was_training = gpt.training
    gpt.eval()
    try:
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            longest = max(len(pieces[j]) for j in chunk)
            ids = torch.zeros(len(chunk), longest, dtype=torch.long)
            mask = torch.zeros(len(chunk), longest)
            for row, j in enumerate(chunk):
                ids[row, : len(pieces[j])] = torch.tensor(pieces[j])
                mask[row, : len(pieces[j])] = 1.0
            states = layer_states(gpt, ids.to(device), layers)
            where = torch.tensor([owner[j] for j in chunk])
            for layer, s in zip(layers, states, strict=True):
                summed = (s.float().cpu() * mask.unsqueeze(-1)).sum(dim=1)
                sums[layer].index_add_(0, where, summed)
            counts.index_add_(0, where, mask.sum(dim=1))
    finally:
        gpt.train(was_training)
    return {layer: sums[layer] / counts.unsqueeze(-1) for layer in layers}
