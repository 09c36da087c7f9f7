"""The digits encoder of lesson 1.5: 8x8 digit images to features, a classifier on top, and a pixel predictor.

Pre-trained by masked-pixel prediction (``lib.lessons.lesson_1_5_pretraining``), then fine-tuned
as a classifier with few labels.
"""

from __future__ import annotations

import torch
from torch import nn

from lib.core.validate import positive_int

N_PIXELS = 64
N_CLASSES = 10


def flatten_digits(images: torch.Tensor, name: str = "images") -> torch.Tensor:
    """8x8 digits, (n, 64) or (n, 1, 8, 8), as rows of 64 pixels (n, 64); a clear error for anything else."""
    if not isinstance(images, torch.Tensor) or images.ndim < 2 or images[0].numel() != N_PIXELS:
        shape = tuple(images.shape) if isinstance(images, torch.Tensor) else type(images).__name__
        raise ValueError(f"{name} must be a tensor of 8x8 digits, (n, 64) or (n, 1, 8, 8), got {shape}")
    return images.reshape(len(images), N_PIXELS)


class DigitEncoder(nn.Module):
    """64 pixels -> ``hidden`` features (two ReLU layers, then LayerNorm).

    A hidden pixel is replaced by a learned value per position, ``mask_token``: BERT's [MASK] token
    for images. Without a mask (fine-tuning, evaluation) the encoder sees the plain pixels.
    """

    def __init__(self, hidden: int = 256) -> None:
        super().__init__()
        positive_int("hidden", hidden)
        self.hidden = hidden
        self.mask_token = nn.Parameter(torch.zeros(N_PIXELS))
        self.layers = nn.Sequential(
            nn.Linear(N_PIXELS, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(), nn.LayerNorm(hidden)
        )

    def forward(self, images: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        pixels = flatten_digits(images)
        if mask is not None:
            if mask.shape != pixels.shape or mask.dtype != torch.bool:
                raise ValueError(
                    f"mask must be a bool tensor of shape {tuple(pixels.shape)}, got {mask.dtype} {tuple(mask.shape)}"
                )
            pixels = torch.where(mask, self.mask_token.to(pixels.dtype), pixels)
        return self.layers(pixels)


class DigitClassifier(nn.Module):
    """An encoder and a linear head (线性分类头) from its features to 10 digit scores (logits)."""

    def __init__(self, encoder: DigitEncoder, n_classes: int = N_CLASSES) -> None:
        super().__init__()
        if not isinstance(encoder, DigitEncoder):
            raise TypeError(f"encoder must be a DigitEncoder, got {type(encoder).__name__}")
        positive_int("n_classes", n_classes)
        self.encoder = encoder
        self.head = nn.Linear(encoder.hidden, n_classes)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.head(self.encoder(images))


class MaskedPixelModel(nn.Module):
    """An encoder and a linear decoder back to 64 pixels: predicts every pixel from a partly hidden image."""

    def __init__(self, encoder: DigitEncoder, decoder: nn.Linear) -> None:
        super().__init__()
        if not isinstance(encoder, DigitEncoder):
            raise TypeError(f"encoder must be a DigitEncoder, got {type(encoder).__name__}")
        if not isinstance(decoder, nn.Linear) or (decoder.in_features, decoder.out_features) != (
            encoder.hidden,
            N_PIXELS,
        ):
            raise ValueError(f"decoder must be an nn.Linear({encoder.hidden}, {N_PIXELS})")
        self.encoder = encoder
        self.decoder = decoder

    def forward(self, images: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        return self.decoder(self.encoder(images, mask))
