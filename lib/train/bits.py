"""Bits per character (比特每字符): a language model's loss in a unit that does not depend on its tokenizer.

A model's mean cross-entropy is in nats per *token*; a BPE token covers several characters, a
character-level token one, so their losses do not compare. Summing the nats over every predicted
token of a text and dividing by ln 2 and by the number of characters those tokens spell gives bits
per character for any tokenizer: the cost, in bits, of sending the text with the model as the code.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from lib.core.device import autocast
from lib.core.validate import positive_int
from lib.data.tokenizer import Tokenizer


def predicted_characters(tokenizer: Tokenizer, text: str, tokens: torch.Tensor) -> int:
    """How many characters of ``text`` the predicted tokens spell: all but the first token's (never predicted)."""
    if not isinstance(tokenizer, Tokenizer):
        raise TypeError(f"tokenizer must be a lib.data.tokenizer.Tokenizer, got {type(tokenizer).__name__}")
    if not isinstance(tokens, torch.Tensor) or tokens.ndim != 1 or len(tokens) < 2:
        raise ValueError("tokens must be a 1-D tensor of at least 2 ids (the encoded text)")
    return len(text) - len(tokenizer.decode(tokens[:1]))


@torch.no_grad()
def total_nats(
    model: nn.Module,
    tokens: torch.Tensor,
    context_length: int,
    device: torch.device | str = "cpu",
    batch_blocks: int = 64,
) -> float:
    """Sum of -ln p(next token) over every token of ``tokens`` after the first, in blocks of ``context_length``.

    The blocks do not overlap (the first token of each block is predicted from the previous
    block's last token only, with no longer context); the last block is as short as needed, so
    every token counts once. ``model(ids)`` must return logits or a (logits, loss) pair.
    """
    if not isinstance(tokens, torch.Tensor) or tokens.ndim != 1 or len(tokens) < 2:
        raise ValueError("tokens must be a 1-D tensor of at least 2 ids")
    positive_int("context_length", context_length)
    positive_int("batch_blocks", batch_blocks)
    device = torch.device(device)
    was_training = model.training
    model.eval()
    n = len(tokens) - 1  # predictions to score
    full = n // context_length
    inputs = tokens[: full * context_length].view(full, context_length)
    targets = tokens[1 : full * context_length + 1].view(full, context_length)
    pieces = [(inputs[i : i + batch_blocks], targets[i : i + batch_blocks]) for i in range(0, full, batch_blocks)]
    if n > full * context_length:
        pieces.append((tokens[full * context_length : n][None], tokens[full * context_length + 1 : n + 1][None]))
    total = torch.zeros((), dtype=torch.float64, device=device)
    try:
        for x, y in pieces:
            x, y = x.to(device), y.to(device)
            with autocast(device):
                out = model(x)
            logits = out[0] if isinstance(out, tuple) else out
            total += F.cross_entropy(logits.flatten(0, 1).float(), y.flatten(), reduction="sum").double()
    finally:
        model.train(was_training)
    return float(total)


def bits_per_character(
    model: nn.Module,
    tokens: torch.Tensor,
    n_characters: int,
    context_length: int,
    device: torch.device | str = "cpu",
    batch_blocks: int = 64,
) -> float:
    """Total nats over ``tokens`` / ln 2 / ``n_characters`` (see :func:`predicted_characters` for the count)."""
    positive_int("n_characters", n_characters)
    return total_nats(model, tokens, context_length, device, batch_blocks) / math.log(2) / n_characters
