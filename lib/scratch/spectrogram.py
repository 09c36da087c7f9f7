"""From waveform to spectrogram (频谱图) to log-mel features: the front end of speech recognition, written out.

A short-time Fourier transform (STFT, 短时傅里叶变换) cuts the waveform into overlapping windowed frames
and takes each frame's discrete Fourier transform (DFT); the squared magnitudes over time are the
spectrogram. A mel filterbank (梅尔滤波器组) sums them into bands spaced evenly on the mel scale (梅尔刻度),
m = 2595 log10(1 + f / 700) (the HTK form of O'Shaughnessy's formula), which is roughly linear below
1 kHz and logarithmic above, like pitch perception. The filterbank matches torchaudio's
``melscale_fbanks(..., norm=None, mel_scale="htk")`` without needing torchaudio.
"""

from __future__ import annotations

import math

import torch

from lib.core.validate import non_negative_number, positive_int, tensor


def hz_to_mel(frequency: float | torch.Tensor) -> float | torch.Tensor:
    """Mel of a frequency in Hz: 2595 log10(1 + f / 700); 1000 Hz is about 1000 mel."""
    if isinstance(frequency, torch.Tensor):
        return 2595.0 * torch.log10(1.0 + frequency / 700.0)
    return 2595.0 * math.log10(1.0 + non_negative_number("frequency", frequency) / 700.0)


def mel_to_hz(mel: float | torch.Tensor) -> float | torch.Tensor:
    """The inverse of :func:`hz_to_mel`: 700 (10^(m / 2595) - 1) Hz."""
    if isinstance(mel, torch.Tensor):
        return 700.0 * (10.0 ** (mel / 2595.0) - 1.0)
    return 700.0 * (10.0 ** (non_negative_number("mel", mel) / 2595.0) - 1.0)


def mel_filterbank(n_freqs: int, f_min: float, f_max: float, n_mels: int, sample_rate: int) -> torch.Tensor:
    """Triangular filters (n_freqs, n_mels): filter j rises from centre j-1 to 1 at centre j and falls to centre j+1.

    The n_mels + 2 edges and centres are evenly spaced in mel between ``f_min`` and ``f_max``; the STFT's
    bins sit at linspace(0, sample_rate // 2, n_freqs). ``power @ filterbank`` sums a spectrum into bands.
    """
    positive_int("n_freqs", n_freqs, minimum=2)
    positive_int("n_mels", n_mels)
    positive_int("sample_rate", sample_rate)
    non_negative_number("f_min", f_min)
    if not isinstance(f_max, (int, float)) or not f_min < f_max <= sample_rate / 2:
        raise ValueError(
            f"f_max must be above f_min={f_min} and at most sample_rate / 2={sample_rate / 2}, got {f_max}"
        )
    bins = torch.linspace(0, sample_rate // 2, n_freqs)
    points = mel_to_hz(torch.linspace(hz_to_mel(float(f_min)), hz_to_mel(float(f_max)), n_mels + 2))
    widths = points[1:] - points[:-1]
    distance = points.unsqueeze(0) - bins.unsqueeze(1)  # (n_freqs, n_mels + 2): centre minus bin
    rising = -distance[:, :-2] / widths[:-1]
    falling = distance[:, 2:] / widths[1:]
    return torch.clamp(torch.minimum(rising, falling), min=0.0)


def stft_power(waveforms: torch.Tensor, n_fft: int = 256, hop_length: int = 80) -> torch.Tensor:
    """Power spectrogram |STFT|^2 (..., n_fft // 2 + 1, frames) with a periodic Hann window, frames centred.

    Frame m covers samples m * hop_length - n_fft / 2 ... + n_fft - 1 (the ends reflected), so a clip of
    L samples gives 1 + L // hop_length frames.
    """
    tensor("waveforms", waveforms, floating=True)
    positive_int("n_fft", n_fft, minimum=2)
    positive_int("hop_length", hop_length)
    if waveforms.shape[-1] <= n_fft // 2:
        raise ValueError(f"waveforms must be longer than n_fft // 2 = {n_fft // 2} samples, got {waveforms.shape[-1]}")
    shape = waveforms.shape[:-1]
    flat = waveforms.reshape(-1, waveforms.shape[-1])
    window = torch.hann_window(n_fft, periodic=True, dtype=waveforms.dtype, device=waveforms.device)
    spec = torch.stft(flat, n_fft, hop_length=hop_length, window=window, center=True, return_complex=True)
    return spec.abs().pow(2).reshape(*shape, *spec.shape[-2:])


def dft(frame: torch.Tensor) -> torch.Tensor:
    """The DFT X[k] = sum_n x[n] e^(-2 pi i k n / N) of a frame, for k = 0 .. N // 2, as a matrix product."""
    tensor("frame", frame, ndim=1)
    n = frame.shape[0]
    k = torch.arange(n // 2 + 1, dtype=torch.float64, device=frame.device).unsqueeze(1)
    t = torch.arange(n, dtype=torch.float64, device=frame.device).unsqueeze(0)
    basis = torch.exp(-2j * math.pi * k * t / n)
    return basis @ frame.to(torch.complex128)


def log_mel_spectrogram(
    waveforms: torch.Tensor,
    sample_rate: int,
    n_fft: int = 256,
    hop_length: int = 80,
    n_mels: int = 32,
    f_min: float = 0.0,
    f_max: float | None = None,
    floor: float = 1e-6,
) -> torch.Tensor:
    """log(mel-band power + floor) (..., n_mels, frames): the features speech models take in."""
    power = stft_power(waveforms, n_fft, hop_length)
    bank = mel_filterbank(n_fft // 2 + 1, f_min, f_max or sample_rate / 2, n_mels, sample_rate)
    mel = torch.einsum("...ft,fm->...mt", power, bank.to(power.device, power.dtype))
    return torch.log(mel + non_negative_number("floor", floor))
