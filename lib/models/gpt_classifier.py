"""A classifier on a GPT's hidden states: pool the last block's features over a text, then one linear layer.

Fine-tuning (微调) a pre-trained GPT for classification replaces its next-token head with a small
new one: the GPT reads the text, its final hidden states are pooled into one vector (the mean over
the real tokens, or the last real token, which in a causal model has seen all the others), and a
linear layer maps that vector to class logits (Radford et al. 2018 fine-tune GPT this way).
Padding is marked by ``pad_id`` (default -1, an id no vocabulary has) and placed *after* the text;
because attention is causal, padding after a token never changes that token's hidden state, so
padding changes no prediction.
"""

from __future__ import annotations

import torch
from torch import nn

from lib.core.validate import fraction, one_of, positive_int
from lib.models.gpt import GPT
from lib.models.text_classifier import masked_mean

POOLINGS = ("mean", "last")


def pad_id_sequences(sequences: list[list[int]], max_len: int, pad_id: int = -1) -> torch.Tensor:
    """Token-id lists cut to ``max_len`` and right-padded with ``pad_id`` into one (n, max_len) tensor."""
    positive_int("max_len", max_len)
    if not isinstance(sequences, (list, tuple)) or not sequences:
        raise ValueError("sequences must be a non-empty list of token-id lists")
    out = torch.full((len(sequences), max_len), pad_id, dtype=torch.long)
    for i, ids in enumerate(sequences):
        if len(ids) == 0:
            raise ValueError(f"sequences[{i}] is empty: every text needs at least one token")
        ids = list(ids)[:max_len]
        out[i, : len(ids)] = torch.tensor(ids, dtype=torch.long)
    return out


class GPTClassifier(nn.Module):
    """Token ids (batch, time), right-padded with ``pad_id`` -> GPT hidden states -> pooled -> class logits."""

    def __init__(self, gpt: GPT, n_classes: int, pool: str = "mean", pad_id: int = -1, dropout: float = 0.0) -> None:
        super().__init__()
        if not isinstance(gpt, GPT):
            raise TypeError(f"gpt must be a lib.models.gpt.GPT, got {type(gpt).__name__}")
        positive_int("n_classes", n_classes, minimum=2)
        one_of("pool", pool, POOLINGS)
        if not isinstance(pad_id, int) or isinstance(pad_id, bool):
            raise ValueError(f"pad_id must be an int, got {pad_id!r}")
        fraction("dropout", dropout)
        self.gpt, self.pool, self.pad_id = gpt, pool, pad_id
        self.dropout = nn.Dropout(dropout)
        weight = gpt.token_embedding.weight
        self.head = nn.Linear(gpt.config.d_model, n_classes, device=weight.device, dtype=weight.dtype)

    def features(self, ids: torch.Tensor) -> torch.Tensor:
        """One vector per text (batch, d_model): the pooled hidden states of its real tokens."""
        if not isinstance(ids, torch.Tensor) or ids.ndim != 2 or ids.dtype not in (torch.int64, torch.int32):
            raise ValueError(f"ids must be a 2-D tensor of token ids (batch, time), got {getattr(ids, 'shape', ids)!r}")
        real = ids != self.pad_id
        if not real[:, 0].all():
            raise ValueError("every text must start with a real token (pad on the right, with pad_id)")
        hidden = self.gpt.hidden_states(torch.where(real, ids, torch.zeros_like(ids)))
        if self.pool == "mean":
            return masked_mean(hidden, real)
        last = real.sum(dim=1) - 1  # index of the last real token; right padding keeps the real ones first
        return hidden[torch.arange(len(ids), device=ids.device), last]

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        """Class logits (batch, n_classes)."""
        return self.head(self.dropout(self.features(ids)))
