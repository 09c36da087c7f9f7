"""A small CNN over log-mel spectrograms: convolutions across frequency and time, then pooling over time.

Convolution suits a spectrogram for the reason it suits an image: a formant is a local pattern, and
on the mel scale a bigger or smaller speaker moves it up or down (roughly a shift), which shared filters
follow. Averaging over time makes the prediction independent of where in the clip the sound is.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from lib.core.validate import fraction, positive_int


class SpectrogramCNN(nn.Module):
    """(N, n_mels, frames) -> two blocks of 3x3 convolution, ReLU, 2x2 max-pooling -> mean over time -> logits."""

    def __init__(self, n_mels: int, n_classes: int, channels: Sequence[int] = (16, 32), dropout: float = 0.1) -> None:
        super().__init__()
        channels = tuple(channels)
        if len(channels) != 2 or any(not isinstance(c, int) or isinstance(c, bool) or c < 1 for c in channels):
            raise ValueError(f"channels must be two positive ints, got {channels!r}")
        positive_int("n_mels", n_mels, minimum=4)
        positive_int("n_classes", n_classes, minimum=2)
        fraction("dropout", dropout)
        self.n_mels = n_mels
        c1, c2 = channels
        self.features = nn.Sequential(
            nn.Conv2d(1, c1, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(c1, c2, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(nn.Dropout(dropout), nn.Linear(c2 * (n_mels // 4), n_classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.ndim != 3 or x.shape[1] != self.n_mels or x.shape[2] < 4:
            raise ValueError(f"x must be (N, n_mels={self.n_mels}, frames >= 4) log-mel features, got {tuple(x.shape)}")
        h = self.features(x.unsqueeze(1))  # (N, c2, n_mels // 4, frames // 4)
        return self.classifier(h.mean(dim=3).flatten(1))
