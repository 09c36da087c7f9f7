"""A text classifier that works: embed each token, average over the real (non-padding) tokens, classify.

The source article's classifier (its section 5.2) had no pooling: it classified every position
separately and could not return one prediction per text. Mean pooling over a padding mask is the
smallest fix, and a strong baseline for topic classification.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from lib.core.validate import fraction, positive_int
from lib.core.validate import tensor as check_tensor
from lib.data.word_tokenizer import WordTokenizer


def masked_mean(x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Average ``x`` (batch, seq, d) over the positions where ``mask`` (batch, seq) is True."""
    check_tensor("x", x, floating=True)
    check_tensor("mask", mask)
    if x.ndim != 3 or mask.shape != x.shape[:2]:
        raise ValueError(
            f"x must be (batch, seq, d) and mask (batch, seq), got {tuple(x.shape)} and {tuple(mask.shape)}"
        )
    weights = mask.to(x.dtype).unsqueeze(-1)
    return (x * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1.0)


class EmbeddingPoolClassifier(nn.Module):
    """Token ids (batch, seq) -> embeddings -> mean over non-padding tokens -> MLP -> class logits."""

    def __init__(
        self,
        vocab_size: int,
        n_classes: int,
        d_embed: int = 64,
        hidden: int = 64,
        dropout: float = 0.1,
        pad_id: int = 0,
    ) -> None:
        super().__init__()
        positive_int("n_classes", n_classes, minimum=2)
        fraction("dropout", dropout)
        self.pad_id = pad_id
        self.embedding = nn.Embedding(positive_int("vocab_size", vocab_size), positive_int("d_embed", d_embed))
        self.head = nn.Sequential(
            nn.Dropout(dropout),
            nn.Linear(d_embed, positive_int("hidden", hidden)),
            nn.GELU(),
            nn.Linear(hidden, n_classes),
        )

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        if not isinstance(ids, torch.Tensor) or ids.ndim != 2 or ids.dtype != torch.long:
            raise ValueError(f"ids must be a 2-D int64 tensor (batch, seq), got {getattr(ids, 'shape', ids)!r}")
        pooled = masked_mean(self.embedding(ids), ids != self.pad_id)
        return self.head(pooled)


@torch.no_grad()
def classify_texts(
    model: nn.Module, tokenizer: WordTokenizer, texts: Sequence[str], max_len: int = 128
) -> torch.Tensor:
    """Class probabilities (len(texts), n_classes) of raw ``texts``: tokenize, pad, run ``model`` in eval mode."""
    if not isinstance(tokenizer, WordTokenizer):
        raise TypeError(f"tokenizer must be a lib.data.word_tokenizer.WordTokenizer, got {type(tokenizer).__name__}")
    was_training = model.training
    model.eval()
    device = next(model.parameters()).device
    probabilities = model(tokenizer.encode_batch(texts, max_len).to(device)).float().softmax(dim=-1).cpu()
    model.train(was_training)
    return probabilities
