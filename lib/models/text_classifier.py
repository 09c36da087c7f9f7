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


class ArticleTextClassifier(nn.Module):
    """WRONG, kept to show its failures: the source article's classifier (its section 5.2), as printed.

    ``fc1`` maps ``embedding_dim`` to ``hidden_dim`` but is applied ``num_layers`` times to its own
    output, so with ``num_layers`` > 1 and ``hidden_dim`` != ``embedding_dim`` the second call fails; and
    nothing pools over the tokens, so with ``num_layers`` = 1 it returns one score vector per *token*,
    (batch, tokens, classes), where a text needs one. Lesson 3.1 runs it; lesson 5.8 imports it from here.
    """

    def __init__(self, vocab_size, embedding_dim, hidden_dim, output_dim, num_layers, drop_prob=0.5):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim)
        self.fc1 = nn.Linear(embedding_dim, hidden_dim)
        self.dropout = nn.Dropout(drop_prob)
        self.fc2 = nn.Linear(hidden_dim, output_dim)
        self.num_layers = num_layers

    def forward(self, text, hidden=None):
        embedded = self.embedding(text)
        embedded = embedded.unsqueeze(0)
        if hidden is not None:
            embedded = torch.cat([embedded, hidden], dim=2)
        for i in range(self.num_layers):
            embedded = torch.tanh(self.fc1(embedded))
            if i < self.num_layers - 1:
                embedded = self.dropout(embedded)
        embedded = embedded.squeeze(0)
        output = self.fc2(embedded)
        return output


def article_accuracy_percent(n_correct: int, n_texts: int, batch_size: int) -> float:
    """WRONG, on purpose: the article's accuracy, 100 · correct / len(loader), which counts batches, not texts."""
    positive_int("n_texts", n_texts)
    positive_int("batch_size", batch_size)
    if not isinstance(n_correct, int) or not 0 <= n_correct <= n_texts:
        raise ValueError(f"n_correct must be an int in [0, n_texts], got {n_correct!r}")
    n_batches = -(-n_texts // batch_size)  # what len(DataLoader) returns without drop_last
    return 100 * n_correct / n_batches
