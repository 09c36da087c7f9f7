"""Tests of lib.data.vowels: the resonator against its recurrence, the pulse train, the noise level, the clips."""

import math

import pytest
import torch

from lib.data.vowels import (
    PETERSON_BARNEY,
    SPEAKERS,
    VOWELS,
    WORDS,
    add_noise,
    formant_filter,
    glottal_pulses,
    resonate,
    resonator_coefficients,
    resonator_response,
    vowel_clips,
)


def test_table_is_complete_and_ordered():
    assert len(VOWELS) == len(WORDS) == len(PETERSON_BARNEY) == 10
    for vowel in VOWELS:
        for speaker in SPEAKERS:
            f0, f1, f2, f3 = PETERSON_BARNEY[vowel][speaker]
            assert 100 < f0 < 300 and f1 < f2 < f3 < 4000
    # two values read off Table II by hand: /i/ of men and /ɑ/ of children
    assert PETERSON_BARNEY["i"]["man"] == (136, 270, 2290, 3010)
    assert PETERSON_BARNEY["ɑ"]["child"] == (256, 1030, 1370, 3170)


def test_resonator_peaks_at_its_frequency_with_unit_gain_at_dc():
    freqs = torch.linspace(0, 4000, 4001, dtype=torch.float64)
    response = resonator_response(freqs, torch.tensor(1000.0), 100.0, 8000).abs()
    assert abs(freqs[response.argmax()].item() - 1000.0) <= 5.0
    assert response[0].item() == pytest.approx(1.0, abs=1e-9)
    # the -3 dB width is the bandwidth, to a few per cent for a narrow resonance
    half = freqs[response >= response.max() / math.sqrt(2)]
    assert half.max() - half.min() == pytest.approx(100.0, rel=0.05)


def test_resonate_equals_the_frequency_response():
    """The recurrence's impulse response, transformed, is the closed-form response."""
    impulse = torch.zeros(4096, dtype=torch.float64)
    impulse[0] = 1.0
    h = resonate(impulse, 700.0, 90.0, 8000)
    freqs = torch.fft.rfftfreq(4096, d=1 / 8000).double()
    torch.testing.assert_close(torch.fft.rfft(h), resonator_response(freqs, torch.tensor(700.0), 90.0, 8000))


def test_formant_filter_equals_running_the_recurrences():
    g = torch.Generator().manual_seed(0)
    source = torch.zeros(2, 800, dtype=torch.float64)
    source[:, ::57] = 1.0
    source[1] *= torch.rand(800, generator=g, dtype=torch.float64)
    formants = torch.tensor([[300.0, 900.0, 2500.0], [650.0, 1700.0, 2400.0]], dtype=torch.float64)
    out = formant_filter(source, formants, 8000)
    expected = resonate(source, 0.0, 100.0, 8000)  # glottal low-pass
    expected = expected - torch.nn.functional.pad(expected, (1, 0))[:, :-1]  # radiation: first difference
    for row in range(2):
        y = expected[row]
        for k, bw in enumerate((90.0, 110.0, 170.0)):
            y = resonate(y, formants[row, k].item(), bw, 8000)
        torch.testing.assert_close(out[row], y, atol=1e-9, rtol=1e-6)


def test_glottal_pulses_count_follows_the_pitch():
    f0 = torch.full((2, 8000), 100.0, dtype=torch.float64)
    f0[1] = 250.0
    pulses = glottal_pulses(f0, torch.ones_like(f0), 8000)
    assert pulses.sum(dim=1).tolist() == [100.0, 250.0]  # one second: f0 pulses
    silent = glottal_pulses(f0, torch.zeros_like(f0), 8000)
    assert silent.abs().sum() == 0


@pytest.mark.parametrize("snr", [-5.0, 0.0, 12.0])
def test_add_noise_reaches_the_snr(snr):
    g = torch.Generator().manual_seed(1)
    clean = torch.sin(torch.arange(20000, dtype=torch.float64) * 0.05).repeat(3, 1)
    noisy = add_noise(clean, snr, g)
    measured = 10 * torch.log10(clean.pow(2).mean(dim=1) / (noisy - clean).pow(2).mean(dim=1))
    torch.testing.assert_close(measured, torch.full((3,), snr, dtype=torch.float64), atol=0.1, rtol=0)
    assert torch.equal(add_noise(clean, math.inf, g), clean)


def test_vowel_clips_are_balanced_deterministic_and_at_their_level():
    clips = vowel_clips(60, seed=3)
    again = vowel_clips(60, seed=3)
    assert torch.equal(clips.waveforms, again.waveforms) and torch.equal(clips.labels, again.labels)
    assert not torch.equal(clips.waveforms, vowel_clips(60, seed=4).waveforms)
    assert clips.waveforms.shape == (60, 3200) and len(clips) == 60
    assert torch.bincount(clips.labels, minlength=10).tolist() == [6] * 10
    voiced_rms = clips.waveforms.pow(2).sum(dim=1) / (clips.durations * clips.sample_rate)
    # the fades make the voiced part a little shorter than the duration: RMS slightly under the level
    assert voiced_rms.sqrt().min() > 0.08 and voiced_rms.sqrt().max() < 0.101
    assert bool(torch.isinf(clips.snr_db).all())
    f = clips.formants
    assert bool((f[:, 0] < f[:, 1]).all() and (f[:, 1] < f[:, 2]).all() and (f[:, 2] < 4000).all())


def test_with_noise_adds_noise_at_the_clips_level():
    clips = vowel_clips(20, seed=0)
    noisy = clips.with_noise(0.0, seed=1)
    noise_power = (noisy.waveforms - clips.waveforms).double().pow(2).mean()
    assert noise_power.item() == pytest.approx(clips.level**2, rel=0.05)  # 0 dB: noise as loud as the voice
    assert torch.equal(noisy.labels, clips.labels) and bool((noisy.snr_db == 0).all())
    with pytest.raises(ValueError, match="clean clips"):
        noisy.with_noise(5.0)


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="n must be"):
        vowel_clips(0)
    with pytest.raises(ValueError, match="duration_range"):
        vowel_clips(10, duration_range=(0.3, 0.1))
    with pytest.raises(ValueError, match="snr_db"):
        vowel_clips(10, snr_db=(10.0, 0.0))
    with pytest.raises(ValueError, match="frequency must be below"):
        resonator_coefficients(4000.0, 100.0, 8000)
    with pytest.raises(ValueError, match="bandwidth"):
        resonator_coefficients(500.0, 0.0, 8000)
    with pytest.raises(ValueError, match="formants must be"):
        formant_filter(torch.zeros(2, 100), torch.zeros(2, 2), 8000)
    with pytest.raises(TypeError, match="waveforms"):
        add_noise([0.0], 3.0, torch.Generator())


def test_add_noise_scales_a_given_noise():
    clean = torch.sin(torch.arange(500, dtype=torch.float64) * 0.2).unsqueeze(0)
    noise = torch.linspace(-1, 1, 500, dtype=torch.float64).unsqueeze(0)
    noisy = add_noise(clean, 6.0, noise=noise)
    added = noisy - clean
    assert 10 * math.log10(clean.pow(2).mean() / added.pow(2).mean()) == pytest.approx(6.0)
    torch.testing.assert_close(added / added.abs().max(), noise)  # the same shape of noise, rescaled
    with pytest.raises(TypeError, match="generator"):
        add_noise(clean, 6.0)
    with pytest.raises(ValueError, match="noise must have the shape"):
        add_noise(clean, 6.0, noise=noise[:, :10])
