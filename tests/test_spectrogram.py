"""Tests of lib.scratch.spectrogram (mel scale, filterbank, STFT, DFT) and lib.models.spectrogram_cnn."""

import importlib.util
import math

import pytest
import torch

from lib.models.spectrogram_cnn import SpectrogramCNN
from lib.scratch.spectrogram import dft, hz_to_mel, log_mel_spectrogram, mel_filterbank, mel_to_hz, stft_power


def test_mel_formula_values_and_inverse():
    assert hz_to_mel(0.0) == 0.0
    assert hz_to_mel(1000.0) == pytest.approx(1000.0, abs=0.1)  # the scale's anchor: 1 kHz is ~1000 mel
    assert hz_to_mel(700.0) == pytest.approx(2595.0 * math.log10(2.0))
    f = torch.tensor([0.0, 100.0, 1000.0, 3999.0], dtype=torch.float64)
    torch.testing.assert_close(mel_to_hz(hz_to_mel(f)), f)
    assert mel_to_hz(hz_to_mel(2500.0)) == pytest.approx(2500.0)


def _filterbank_by_loops(n_freqs, f_min, f_max, n_mels, sample_rate):
    """The triangles built one value at a time, from their definition."""
    lo, hi = hz_to_mel(f_min), hz_to_mel(f_max)
    points = [mel_to_hz(lo + (hi - lo) * i / (n_mels + 1)) for i in range(n_mels + 2)]
    out = torch.zeros(n_freqs, n_mels, dtype=torch.float64)
    for b in range(n_freqs):
        f = (sample_rate // 2) * b / (n_freqs - 1)
        for j in range(n_mels):
            left, centre, right = points[j], points[j + 1], points[j + 2]
            if left < f <= centre:
                out[b, j] = (f - left) / (centre - left)
            elif centre < f < right:
                out[b, j] = (right - f) / (right - centre)
    return out


@pytest.mark.parametrize(
    ("n_freqs", "f_min", "f_max", "n_mels", "sr"), [(129, 0.0, 4000.0, 32, 8000), (201, 60.0, 7600.0, 40, 16000)]
)
def test_filterbank_matches_the_definition(n_freqs, f_min, f_max, n_mels, sr):
    bank = mel_filterbank(n_freqs, f_min, f_max, n_mels, sr)
    assert bank.shape == (n_freqs, n_mels)
    torch.testing.assert_close(
        bank.double(), _filterbank_by_loops(n_freqs, f_min, f_max, n_mels, sr), atol=1e-5, rtol=0
    )


def test_filterbank_triangles_add_up_to_one_between_first_and_last_centre():
    bank = mel_filterbank(1025, 0.0, 4000.0, 20, 8000)
    freqs = torch.linspace(0, 4000, 1025)
    centres = mel_to_hz(torch.linspace(0.0, hz_to_mel(4000.0), 22))[1:-1]
    inside = (freqs >= centres[0]) & (freqs <= centres[-1])
    torch.testing.assert_close(bank[inside].sum(dim=1), torch.ones(int(inside.sum())), atol=1e-4, rtol=0)


@pytest.mark.skipif(importlib.util.find_spec("torchaudio") is None, reason="torchaudio is not installed")
def test_filterbank_matches_torchaudio():
    import torchaudio

    for args in ((129, 0.0, 4000.0, 32, 8000), (201, 60.0, 7600.0, 40, 16000)):
        torch.testing.assert_close(mel_filterbank(*args), torchaudio.functional.melscale_fbanks(*args))


def test_stft_frame_equals_a_direct_dft():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(3000, generator=g, dtype=torch.float64)
    n_fft, hop, m = 256, 80, 10
    power = stft_power(x, n_fft, hop)
    assert power.shape == (n_fft // 2 + 1, 1 + 3000 // hop)
    window = torch.hann_window(n_fft, periodic=True, dtype=torch.float64)
    frame = x[m * hop - n_fft // 2 : m * hop + n_fft // 2] * window
    torch.testing.assert_close(power[:, m], dft(frame).abs().pow(2))
    torch.testing.assert_close(dft(frame), torch.fft.rfft(frame))


def test_log_mel_finds_a_tone_in_the_right_band():
    t = torch.arange(8000) / 8000
    tone = torch.sin(2 * math.pi * 1000.0 * t).unsqueeze(0).repeat(2, 1)
    features = log_mel_spectrogram(tone, 8000, n_mels=32)
    assert features.shape == (2, 32, 1 + 8000 // 80)
    centres = mel_to_hz(torch.linspace(0.0, hz_to_mel(4000.0), 34))[1:-1]
    loudest = features[0, :, 50].argmax().item()
    assert loudest == (centres - 1000.0).abs().argmin().item()


def test_spectrogram_cnn_shapes_and_pooling_over_time():
    torch.manual_seed(0)
    model = SpectrogramCNN(32, 10, channels=(4, 8)).eval()
    x = torch.randn(5, 32, 40)
    assert model(x).shape == (5, 10)
    assert model(torch.randn(5, 32, 17)).shape == (5, 10)  # any number of frames: time is averaged away
    # the same features by hand: conv blocks, then the mean over time, then the linear layer
    h = model.features(x.unsqueeze(1)).mean(dim=3).flatten(1)
    torch.testing.assert_close(model(x), model.classifier(h))
    assert sum(p.numel() for p in model.parameters()) == (1 * 9 + 1) * 4 + (4 * 9 + 1) * 8 + (8 * 8 + 1) * 10


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="f_max"):
        mel_filterbank(129, 0.0, 5000.0, 32, 8000)
    with pytest.raises(ValueError, match="n_mels"):
        mel_filterbank(129, 0.0, 4000.0, 0, 8000)
    with pytest.raises(ValueError, match="frequency"):
        hz_to_mel(-1.0)
    with pytest.raises(ValueError, match="waveforms must be longer"):
        stft_power(torch.zeros(100), 256, 80)
    with pytest.raises(TypeError, match="waveforms"):
        stft_power([0.0] * 1000)
    with pytest.raises(ValueError, match="x must be"):
        SpectrogramCNN(32, 10)(torch.zeros(2, 16, 20))
    with pytest.raises(ValueError, match="channels"):
        SpectrogramCNN(32, 10, channels=(8,))
