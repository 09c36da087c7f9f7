"""Lesson 4.3's experiment: a CNN on log-mel features of synthetic vowels, and its accuracy against noise.

The lesson's front end (``FEATURES``), a training run on the course's engine (``train_vowel_cnn``), and
accuracy measured on the same test clips at several signal-to-noise ratios (``accuracy_by_snr``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from lib.core.seeding import seeded
from lib.core.validate import positive_int, positive_number
from lib.data.vowels import VOWELS, VowelClips
from lib.models.spectrogram_cnn import SpectrogramCNN
from lib.scratch.spectrogram import log_mel_spectrogram
from lib.train.engine import accuracy, fit, make_batches

FEATURES = {"n_fft": 256, "hop_length": 160, "n_mels": 32}  # 32 ms windows every 20 ms, 32 mel bands


def features(clips: VowelClips) -> torch.Tensor:
    """Log-mel features (n, n_mels, frames) of the clips with the lesson's settings."""
    return log_mel_spectrogram(clips.waveforms, clips.sample_rate, **FEATURES)


@dataclass(frozen=True)
class Normalizer:
    """Standardize features with one mean and standard deviation taken from the training features."""

    mean: float
    std: float

    @classmethod
    def fit(cls, train_features: torch.Tensor) -> Normalizer:
        return cls(train_features.mean().item(), train_features.std().item())

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        return (x - self.mean) / self.std


def train_vowel_cnn(
    x: torch.Tensor,
    labels: torch.Tensor,
    seed: int = 0,
    epochs: int = 8,
    batch_size: int = 64,
    lr: float = 3e-3,
    channels: Sequence[int] = (16, 32),
    device: torch.device | str = "cpu",
) -> SpectrogramCNN:
    """Train a :class:`SpectrogramCNN` on normalized features ``x`` (AdamW, cross-entropy); return it in eval mode."""
    positive_int("epochs", epochs)
    positive_number("lr", lr)
    if x.ndim != 3 or x.shape[0] != labels.shape[0]:
        raise ValueError(
            f"x must be (n, n_mels, frames) with one label each, got {tuple(x.shape)} and {tuple(labels.shape)}"
        )
    with seeded(seed):  # the weights and the dropout masks: the same run whatever the caller's random state
        model = SpectrogramCNN(x.shape[1], len(VOWELS), channels=channels).to(device)
        optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
        batches = make_batches(x, labels, batch_size, seed=seed)
        fit(model, batches, F.cross_entropy, optimizer, epochs, device=device, progress=False)
    return model.eval()


@torch.no_grad()
def predict(model: SpectrogramCNN, x: torch.Tensor, device: torch.device | str = "cpu") -> torch.Tensor:
    """Predicted vowel indices for normalized features ``x``, computed on ``device``, returned on the CPU."""
    return model(x.to(device)).argmax(dim=1).cpu()


def accuracy_by_snr(
    model: SpectrogramCNN,
    test: VowelClips,
    normalize: Normalizer,
    snrs_db: Sequence[float],
    seed: int = 0,
    device: torch.device | str = "cpu",
) -> list[float]:
    """Test accuracy of ``model`` on the clean ``test`` clips with noise added at each SNR (inf: clean)."""
    out = []
    for snr in snrs_db:
        noisy = test if math.isinf(snr) else test.with_noise(float(snr), seed=seed)
        x = normalize(features(noisy))
        with torch.no_grad():
            out.append(accuracy(model(x.to(device)).cpu(), test.labels))
    return out
