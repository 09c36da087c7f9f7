"""The exercises of lesson 4.3 (speech): expected values computed from lib and PyTorch, not the learner's code."""

from __future__ import annotations

import math
from typing import Any

import torch

from lib.course.exercises.base import Exercise


# 4.3 Speech: from waveform to spectrogram to classifier
def _stft_frames() -> int:
    """Frames torch.stft (through lib) gives for 1 s at 8 kHz, 256-sample windows every 80 samples."""
    from lib.scratch.spectrogram import stft_power

    return int(stft_power(torch.zeros(8000), n_fft=256, hop_length=80).shape[-1])


def _noise_inputs() -> dict[str, Any]:
    g = torch.Generator().manual_seed(0)
    clean = torch.sin(torch.arange(800, dtype=torch.float64) * 0.3)
    return {"clean": clean, "noise": 0.7 * torch.randn(800, generator=g, dtype=torch.float64)}


def _noise_at_snr(clean: torch.Tensor, noise: torch.Tensor, amplitude_db: bool = False) -> torch.Tensor:
    """clean + noise scaled so that 10 log10(P_clean / P_noise) = 5 dB (or the amplitude slip, 20 log10)."""
    ratio = 10 ** (5.0 / (20 if amplitude_db else 10))
    return clean + noise * torch.sqrt(clean.pow(2).mean() / (noise.pow(2).mean() * ratio))


def _noise_with_lib(clean: torch.Tensor, noise: torch.Tensor) -> torch.Tensor:
    """The same through lib.data.vowels.add_noise, given the noise to scale."""
    from lib.data.vowels import add_noise

    return add_noise(clean.unsqueeze(0), 5.0, noise=noise.unsqueeze(0)).squeeze(0)


def _filter_spacings(linear: bool = False) -> float:
    """How many neighbouring-filter spacings (32 mel filters, 0-4000 Hz) lie between F2 = 2290 and 3200 Hz."""
    from lib.scratch.spectrogram import hz_to_mel

    if linear:
        return (3200 - 2290) / (4000 / 33)
    return (hz_to_mel(3200.0) - hz_to_mel(2290.0)) / (hz_to_mel(4000.0) / 33)


EXERCISES: tuple[Exercise, ...] = (
    Exercise(
        "4.3.stft-frames",
        "frames of a 1 s clip at 8 kHz (n_fft 256, hop 80, centred)",
        "equal",
        expected=_stft_frames,
        reference=lambda: 1 + 8000 // 80,
        wrong=lambda: 1 + (8000 - 256) // 80,
        hint="with centred frames, frame m is centred on sample m * hop; count the centres from 0 to the last sample",
    ),
    Exercise(
        "4.3.noise-at-snr",
        "clean signal plus noise scaled to an SNR of 5 dB",
        "tensor",
        inputs=("clean", "noise"),
        example_inputs=_noise_inputs,
        expected=_noise_with_lib,
        reference=_noise_at_snr,
        wrong=lambda clean, noise: _noise_at_snr(clean, noise, amplitude_db=True),
        hint="decibels of a power ratio use 10 log10; the noise's amplitude scales with the square root of its power",
        atol=1e-9,
        rtol=1e-6,
    ),
    Exercise(
        "4.3.mel-shift",
        "mel-filter spacings between a man's and a child's F2 of /i/",
        "close",
        rel=1e-3,
        expected=_filter_spacings,
        reference=lambda: (
            (2595 * math.log10(1 + 3200 / 700) - 2595 * math.log10(1 + 2290 / 700))
            / (2595 * math.log10(1 + 4000 / 700) / 33)
        ),
        wrong=lambda: _filter_spacings(linear=True),
        hint="convert both frequencies to mel first; 32 filters need 34 evenly spaced points from 0 to 4000 Hz in mel",
    ),
)
