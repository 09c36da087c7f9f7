"""Contrastive learning (对比学习): CLIP's symmetric InfoNCE loss, and the lowest loss a batch allows.

Two encoders map images and texts into one embedding space (嵌入空间). For a batch of B matching
(image, text) pairs, the B x B matrix of cosine similarities divided by a temperature τ holds one
right answer per row (image i's own text) and one per column (text i's own image). InfoNCE is the
cross-entropy of picking it among the B; CLIP averages the image-to-text and text-to-image directions.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from lib.core.validate import positive_number


def _features(name: str, x: object) -> torch.Tensor:
    if not isinstance(x, torch.Tensor) or x.ndim != 2 or not x.dtype.is_floating_point or len(x) == 0:
        raise ValueError(f"{name} must be a non-empty 2-D float tensor (batch, d), got {getattr(x, 'shape', x)!r}")
    return x


def similarity_logits(
    image_features: torch.Tensor, text_features: torch.Tensor, temperature: float | torch.Tensor
) -> torch.Tensor:
    """The (B, B) logits cos(image_i, text_j) / τ; row i is image i against every text of the batch."""
    image_features = _features("image_features", image_features)
    text_features = _features("text_features", text_features)
    if image_features.shape != text_features.shape:
        raise ValueError(
            "image_features and text_features must have the same shape (one text per image), "
            f"got {tuple(image_features.shape)} and {tuple(text_features.shape)}"
        )
    if isinstance(temperature, torch.Tensor):
        if temperature.numel() != 1 or not bool(temperature.detach() > 0):
            raise ValueError(f"temperature must be one positive number, got {temperature!r}")
    else:
        positive_number("temperature", temperature)
    image = F.normalize(image_features, dim=1)
    text = F.normalize(text_features, dim=1)
    return image @ text.T / temperature


def symmetric_info_nce(logits: torch.Tensor) -> torch.Tensor:
    """CLIP's loss from (B, B) logits whose diagonal holds the matching pairs: the mean of both directions' CE."""
    if not isinstance(logits, torch.Tensor) or logits.ndim != 2 or logits.shape[0] != logits.shape[1]:
        raise ValueError(f"logits must be a square (B, B) tensor, got {getattr(logits, 'shape', logits)!r}")
    targets = torch.arange(len(logits), device=logits.device)
    return (F.cross_entropy(logits, targets) + F.cross_entropy(logits.T, targets)) / 2


def clip_loss(
    image_features: torch.Tensor, text_features: torch.Tensor, temperature: float | torch.Tensor
) -> torch.Tensor:
    """Symmetric InfoNCE of a batch of matching (image, text) feature pairs at temperature τ."""
    return symmetric_info_nce(similarity_logits(image_features, text_features, temperature))


def duplicate_floor(labels: torch.Tensor) -> float:
    """The lowest symmetric InfoNCE a batch allows when pairs of one class are interchangeable.

    If image i's class appears m_i times in the batch and nothing but the class tells its captions
    apart, the best a model can do is share row i's probability equally among those m_i texts, so
    the loss is at least the mean of log m_i (in both directions). Zero when every class is unique.
    """
    if not isinstance(labels, torch.Tensor) or labels.ndim != 1 or len(labels) == 0 or labels.is_floating_point():
        raise ValueError(f"labels must be a non-empty 1-D integer tensor, got {getattr(labels, 'shape', labels)!r}")
    _, inverse, counts = labels.unique(return_inverse=True, return_counts=True)
    return counts[inverse].double().log().mean().item()


def uniform_loss(batch_size: int) -> float:
    """The loss when every logit of a row is equal (an untrained or collapsed model): log B."""
    if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive int, got {batch_size!r}")
    return math.log(batch_size)
