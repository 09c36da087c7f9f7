"""A tiny CLIP (Radford et al., 2021): an image encoder and a text encoder trained into one embedding space.

The image encoder is a small CNN (:class:`lib.models.cnn.DigitCNN`, its last layer sized to the
embedding), the text encoder a bag of word embeddings mean-pooled then projected
(:class:`lib.models.text_classifier.EmbeddingPoolClassifier`). Both outputs are L2-normalized, so a dot
product is a cosine similarity. The temperature τ is learned, as CLIP learns it: through
``log_scale`` = log(1/τ), started at τ = 0.07 and clipped so that 1/τ never exceeds 100.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

from lib.core.validate import fraction, positive_int, positive_number
from lib.data.word_tokenizer import WordTokenizer
from lib.models.cnn import DigitCNN
from lib.models.text_classifier import EmbeddingPoolClassifier


class TinyCLIP(nn.Module):
    """Images (N, 1, 8, 8) and token ids (N, seq) to unit vectors of ``embed_dim``; ``forward`` gives the logits."""

    def __init__(
        self,
        vocab_size: int,
        embed_dim: int = 32,
        channels: Sequence[int] = (16, 32),
        d_embed: int = 64,
        hidden: int = 64,
        init_temperature: float = 0.07,
        max_scale: float = 100.0,
    ) -> None:
        super().__init__()
        positive_int("embed_dim", embed_dim, minimum=2)
        fraction("init_temperature", init_temperature, low_inclusive=False, high_inclusive=True)
        positive_number("max_scale", max_scale)
        if 1.0 / init_temperature > max_scale:
            raise ValueError(f"1/init_temperature must not exceed max_scale {max_scale}, got τ = {init_temperature}")
        self.image_encoder = DigitCNN(channels, image_size=8, n_classes=embed_dim)
        self.text_encoder = EmbeddingPoolClassifier(vocab_size, embed_dim, d_embed=d_embed, hidden=hidden, dropout=0.0)
        self.log_scale = nn.Parameter(torch.tensor(math.log(1.0 / init_temperature)))
        self.max_log_scale = math.log(max_scale)

    @property
    def embed_dim(self) -> int:
        """Width of the shared embedding space."""
        return self.image_encoder.classifier.out_features

    def scale(self) -> torch.Tensor:
        """1/τ, clipped at ``max_scale`` (as CLIP does, so the logits cannot grow without bound)."""
        return self.log_scale.clamp(max=self.max_log_scale).exp()

    @property
    def temperature(self) -> float:
        """The current temperature τ = 1 / scale."""
        return 1.0 / self.scale().item()

    def encode_image(self, images: torch.Tensor) -> torch.Tensor:
        """Unit-length image embeddings (N, embed_dim)."""
        return F.normalize(self.image_encoder(images), dim=-1)

    def encode_text(self, ids: torch.Tensor) -> torch.Tensor:
        """Unit-length text embeddings (N, embed_dim) of padded token ids (N, seq)."""
        return F.normalize(self.text_encoder(ids), dim=-1)

    def forward(self, images: torch.Tensor, ids: torch.Tensor) -> torch.Tensor:
        """The (N, N) logits cos(image_i, text_j) / τ of a batch of N pairs."""
        if len(images) != len(ids):
            raise ValueError(f"images and ids must hold one text per image, got {len(images)} and {len(ids)}")
        return self.scale() * self.encode_image(images) @ self.encode_text(ids).T


@torch.no_grad()
def embed_texts(model: TinyCLIP, tokenizer: WordTokenizer, texts: Sequence[str], max_len: int = 12) -> torch.Tensor:
    """Unit text embeddings (len(texts), embed_dim) of raw ``texts``, computed in eval mode on the model's device."""
    if not isinstance(model, TinyCLIP):
        raise TypeError(f"model must be a TinyCLIP, got {type(model).__name__}")
    if isinstance(texts, str) or not texts or not all(isinstance(t, str) for t in texts):
        raise ValueError("texts must be a non-empty sequence of str")
    was_training = model.training
    model.eval()
    device = next(model.parameters()).device
    out = model.encode_text(tokenizer.encode_batch(list(texts), max_len).to(device)).float().cpu()
    model.train(was_training)
    return out


@torch.no_grad()
def embed_images(model: TinyCLIP, images: torch.Tensor, batch_size: int = 512) -> torch.Tensor:
    """Unit image embeddings (N, embed_dim) of ``images`` (N, 1, 8, 8), in eval mode, returned on the CPU."""
    if not isinstance(model, TinyCLIP):
        raise TypeError(f"model must be a TinyCLIP, got {type(model).__name__}")
    positive_int("batch_size", batch_size)
    was_training = model.training
    model.eval()
    device = next(model.parameters()).device
    parts = [
        model.encode_image(images[i : i + batch_size].to(device)).float().cpu()
        for i in range(0, len(images), batch_size)
    ]
    model.train(was_training)
    return torch.cat(parts)


def class_embeddings(
    model: TinyCLIP, tokenizer: WordTokenizer, prompts_per_class: Sequence[Sequence[str]], max_len: int = 12
) -> torch.Tensor:
    """One unit vector per class: the mean of its prompts' embeddings, renormalized (CLIP's prompt ensembling).

    ``prompts_per_class[c]`` holds the texts that describe class c; with one prompt each, no averaging.
    """
    if not prompts_per_class or any(isinstance(p, str) or not p for p in prompts_per_class):
        raise ValueError("prompts_per_class must hold, for each class, a non-empty sequence of prompts")
    rows = [embed_texts(model, tokenizer, list(prompts), max_len).mean(dim=0) for prompts in prompts_per_class]
    return F.normalize(torch.stack(rows), dim=-1)


def zero_shot_predict(image_embeddings: torch.Tensor, class_vectors: torch.Tensor) -> torch.Tensor:
    """The class whose text embedding is nearest (largest cosine) to each image embedding: no classifier trained."""
    for name, x in (("image_embeddings", image_embeddings), ("class_vectors", class_vectors)):
        if not isinstance(x, torch.Tensor) or x.ndim != 2 or not x.dtype.is_floating_point:
            raise ValueError(f"{name} must be a 2-D float tensor, got {getattr(x, 'shape', x)!r}")
    if image_embeddings.shape[1] != class_vectors.shape[1]:
        raise ValueError(
            f"image_embeddings and class_vectors must have the same width, "
            f"got {image_embeddings.shape[1]} and {class_vectors.shape[1]}"
        )
    return (F.normalize(image_embeddings, dim=-1) @ F.normalize(class_vectors, dim=-1).T).argmax(dim=1)
