"""Synthetic spoken vowels (元音), made by a formant synthesizer from a seed: audio data that needs no download.

No speech data set ships with an installable package offline, so lesson 4.3 makes its own with the
source-filter model of speech: a glottal pulse train (the vocal folds) at a pitch F0, shaped by
resonators (the vocal tract) at the vowel's formants (共振峰) F1, F2 and F3. The formant and F0 averages
are Table II of Peterson & Barney (1952), for men, women and children; each clip varies them (speaker
size, pitch, glide, duration, onset) so that a classifier must learn the vowel, not one recording.
Filtering is exact two-pole resonance (Klatt 1980) applied in the frequency domain.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import torch

from lib.core.seeding import local_generator
from lib.core.validate import non_negative_number, positive_int, positive_number, tensor
from lib.core.validate import tensor as check_tensor

# Peterson & Barney (1952), Table II: average F0, F1, F2, F3 in Hz of ten American English vowels said
# in /hVd/ words, for men, women and children. Keyed by the IPA symbol; WORDS gives the word.
VOWELS: tuple[str, ...] = ("i", "ɪ", "ɛ", "æ", "ɑ", "ɔ", "ʊ", "u", "ʌ", "ɝ")
WORDS: tuple[str, ...] = ("heed", "hid", "head", "had", "hod", "hawed", "hood", "who'd", "hud", "heard")
SPEAKERS: tuple[str, ...] = ("man", "woman", "child")
PETERSON_BARNEY: dict[str, dict[str, tuple[int, int, int, int]]] = {
    "i": {"man": (136, 270, 2290, 3010), "woman": (235, 310, 2790, 3310), "child": (272, 370, 3200, 3730)},
    "ɪ": {"man": (135, 390, 1990, 2550), "woman": (232, 430, 2480, 3070), "child": (269, 530, 2730, 3600)},
    "ɛ": {"man": (130, 530, 1840, 2480), "woman": (223, 610, 2330, 2990), "child": (260, 690, 2610, 3570)},
    "æ": {"man": (127, 660, 1720, 2410), "woman": (210, 860, 2050, 2850), "child": (251, 1010, 2320, 3320)},
    "ɑ": {"man": (124, 730, 1090, 2440), "woman": (212, 850, 1220, 2810), "child": (256, 1030, 1370, 3170)},
    "ɔ": {"man": (129, 570, 840, 2410), "woman": (216, 590, 920, 2710), "child": (263, 680, 1060, 3180)},
    "ʊ": {"man": (137, 440, 1020, 2240), "woman": (232, 470, 1160, 2680), "child": (276, 560, 1410, 3310)},
    "u": {"man": (141, 300, 870, 2240), "woman": (231, 370, 950, 2670), "child": (274, 430, 1170, 3260)},
    "ʌ": {"man": (130, 640, 1190, 2390), "woman": (221, 760, 1400, 2780), "child": (261, 850, 1590, 3360)},
    "ɝ": {"man": (133, 490, 1350, 1690), "woman": (218, 500, 1640, 1960), "child": (261, 560, 1820, 2160)},
}
BANDWIDTHS: tuple[float, float, float] = (90.0, 110.0, 170.0)  # Hz, of F1, F2, F3: our choice, a few % of each
GLOTTAL_BANDWIDTH = 100.0  # Hz: the source's low-pass, a resonator at 0 Hz (Klatt 1980's glottal filter)


def resonator_coefficients(frequency: float, bandwidth: float, sample_rate: int) -> tuple[float, float, float]:
    """Klatt's two-pole resonator y[n] = A x[n] + B y[n-1] + C y[n-2]: (A, B, C), with gain 1 at 0 Hz."""
    non_negative_number("frequency", frequency)
    positive_number("bandwidth", bandwidth)
    positive_int("sample_rate", sample_rate)
    if frequency >= sample_rate / 2:
        raise ValueError(f"frequency must be below the Nyquist frequency {sample_rate / 2} Hz, got {frequency}")
    c = -math.exp(-2 * math.pi * bandwidth / sample_rate)
    b = 2 * math.exp(-math.pi * bandwidth / sample_rate) * math.cos(2 * math.pi * frequency / sample_rate)
    return 1 - b - c, b, c


def resonate(x: torch.Tensor, frequency: float, bandwidth: float, sample_rate: int) -> torch.Tensor:
    """Run the resonator's recurrence sample by sample over the last axis: slow and plain, the reference."""
    tensor("x", x, floating=True)
    a, b, c = resonator_coefficients(frequency, bandwidth, sample_rate)
    y = torch.zeros_like(x)
    y1 = y2 = torch.zeros_like(x[..., 0])
    for n in range(x.shape[-1]):
        y[..., n] = a * x[..., n] + b * y1 + c * y2
        y1, y2 = y[..., n], y1
    return y


def resonator_response(
    frequencies: torch.Tensor, centre: torch.Tensor, bandwidth: float | torch.Tensor, sample_rate: int
) -> torch.Tensor:
    """The resonator's complex frequency response A / (1 - B e^{-jw} - C e^{-2jw}) at ``frequencies`` (Hz).

    ``centre`` (and ``bandwidth``) may be tensors of shape (n, 1): one resonator per clip, broadcast over
    the frequencies.
    """
    check_tensor("frequencies", frequencies)
    positive_int("sample_rate", sample_rate)
    real = frequencies.dtype if frequencies.dtype in (torch.float32, torch.float64) else torch.float64
    centre = torch.as_tensor(centre, dtype=real, device=frequencies.device)
    bandwidth = torch.as_tensor(bandwidth, dtype=real, device=frequencies.device)
    if bool((bandwidth <= 0).any()):
        raise ValueError("bandwidth must be positive")
    c = -torch.exp(-2 * math.pi * bandwidth / sample_rate)
    b = 2 * torch.exp(-math.pi * bandwidth / sample_rate) * torch.cos(2 * math.pi * centre / sample_rate)
    a = 1 - b - c
    z1 = torch.exp(-2j * math.pi * frequencies.to(real) / sample_rate)
    return a / (1 - b * z1 - c * z1 * z1)


def glottal_pulses(f0: torch.Tensor, active: torch.Tensor, sample_rate: int) -> torch.Tensor:
    """A pulse train (n, L): a 1 each time the phase of the pitch ``f0`` (n, L) in Hz passes a whole number.

    ``active`` (n, L), 0 to 1, is the loudness envelope: pulses outside it are silent, inside it scaled.
    """
    tensor("f0", f0, ndim=2, floating=True)
    if active.shape != f0.shape:
        raise ValueError(f"active must have the shape of f0 {tuple(f0.shape)}, got {tuple(active.shape)}")
    phase = torch.cumsum(f0.to(torch.float64) / positive_int("sample_rate", sample_rate), dim=1)
    crossings = torch.diff(torch.floor(phase), dim=1, prepend=torch.zeros_like(phase[:, :1])) > 0
    return crossings.to(f0.dtype) * active


def formant_filter(
    source: torch.Tensor,
    formants: torch.Tensor,
    sample_rate: int,
    bandwidths: tuple[float, ...] = BANDWIDTHS,
    tail_seconds: float = 0.06,
) -> torch.Tensor:
    """Pass each row of ``source`` (n, L) through its cascade of resonators at ``formants`` (n, k) Hz.

    The product of the resonators' responses multiplies the source's spectrum (an FFT padded by
    ``tail_seconds`` so the ringing does not wrap around); the glottal low-pass and the lips' radiation
    (a first difference) tilt the spectrum as in a voice. Equals running the recurrences (to ~1e-6).
    """
    tensor("source", source, ndim=2, floating=True)
    tensor("formants", formants, ndim=2)
    if formants.shape[0] != source.shape[0] or formants.shape[1] != len(bandwidths):
        raise ValueError(
            f"formants must be (n={source.shape[0]}, {len(bandwidths)}), one per bandwidth, got {tuple(formants.shape)}"
        )
    n_fft = 1 << math.ceil(math.log2(source.shape[1] + int(tail_seconds * sample_rate)))
    real = torch.float64 if source.dtype == torch.float64 else torch.float32
    freqs = torch.fft.rfftfreq(n_fft, d=1 / sample_rate, device=source.device).to(real)
    spectrum = torch.fft.rfft(source.to(real), n=n_fft)
    response = resonator_response(freqs, torch.zeros((), dtype=real), GLOTTAL_BANDWIDTH, sample_rate)
    response = response * (1 - torch.exp(-2j * math.pi * freqs / sample_rate))  # radiation at the lips
    for k, bandwidth in enumerate(bandwidths):
        response = response * resonator_response(freqs, formants[:, k : k + 1].to(real), bandwidth, sample_rate)
    out = torch.fft.irfft(spectrum * response, n=n_fft)[:, : source.shape[1]]
    return out.to(source.dtype)


def add_noise(
    waveforms: torch.Tensor,
    snr_db: float | torch.Tensor,
    generator: torch.Generator | None = None,
    signal_power: torch.Tensor | None = None,
    noise: torch.Tensor | None = None,
) -> torch.Tensor:
    """Add noise at a signal-to-noise ratio (信噪比) of ``snr_db`` decibels, per row of ``waveforms`` (n, L).

    SNR = 10 log10(P_signal / P_noise), powers as mean squares; ``signal_power`` (n,) defaults to each
    row's mean square. Without ``noise``, white Gaussian noise is drawn from ``generator`` with that
    expected power; a given ``noise`` (n, L) is scaled so that its own mean square gives the SNR.
    ``snr_db`` may be a number or one value per row; ``inf`` adds nothing.
    """
    tensor("waveforms", waveforms, ndim=2, floating=True)
    snr = torch.as_tensor(snr_db, dtype=waveforms.dtype, device=waveforms.device).expand(waveforms.shape[0])
    if bool(torch.isnan(snr).any()):
        raise ValueError("snr_db must not be NaN")
    power = waveforms.pow(2).mean(dim=1) if signal_power is None else signal_power.to(waveforms.dtype)
    wanted = power / 10 ** (snr / 10)  # the noise power the SNR asks for
    if noise is None:
        if not isinstance(generator, torch.Generator):
            raise TypeError("generator must be a torch.Generator when no noise is given")
        noise = torch.randn(waveforms.shape, generator=generator, dtype=waveforms.dtype, device=waveforms.device)
        noise_power = torch.ones_like(wanted)
    else:
        if tensor("noise", noise).shape != waveforms.shape:
            raise ValueError(
                f"noise must have the shape of waveforms {tuple(waveforms.shape)}, got {tuple(noise.shape)}"
            )
        noise = noise.to(waveforms.dtype)
        noise_power = noise.pow(2).mean(dim=1)
    return waveforms + torch.sqrt(wanted / noise_power).unsqueeze(1) * noise


@dataclass(frozen=True)
class VowelClips:
    """Synthetic vowel clips: waveforms (n, L) and, per clip, its label and how it was made."""

    waveforms: torch.Tensor
    labels: torch.Tensor
    speakers: torch.Tensor
    f0: torch.Tensor
    formants: torch.Tensor
    durations: torch.Tensor
    snr_db: torch.Tensor
    sample_rate: int
    level: float

    def __len__(self) -> int:
        return self.waveforms.shape[0]

    def with_noise(self, snr_db: float | torch.Tensor, seed: int = 0) -> VowelClips:
        """The same clips with white noise added at ``snr_db`` (relative to the voiced level), from ``seed``."""
        if not bool(torch.isinf(self.snr_db).all()):
            raise ValueError("with_noise needs clean clips (made with snr_db=inf); these already hold noise")
        power = torch.full((len(self),), self.level**2, dtype=torch.float64)
        noisy = add_noise(self.waveforms.double(), snr_db, local_generator(seed), signal_power=power)
        snr = torch.as_tensor(snr_db, dtype=torch.float32).expand(len(self)).clone()
        return dataclasses.replace(self, waveforms=noisy.float(), snr_db=snr)


def vowel_clips(
    n: int,
    seed: int = 0,
    sample_rate: int = 8000,
    clip_seconds: float = 0.4,
    snr_db: float | tuple[float, float] = math.inf,
    duration_range: tuple[float, float] = (0.12, 0.32),
    level: float = 0.1,
) -> VowelClips:
    """``n`` clips of the ten vowels (balanced, shuffled), each a random speaker, pitch, size, duration and onset.

    Per clip: a speaker type (man, woman, child) and a vowel; its Peterson & Barney formants times a
    speaker size factor (0.92-1.08) and a 4% jitter per formant; its F0 times a factor (0.8-1.25)
    gliding by -10% to +15%; a duration in ``duration_range`` seconds, at a random onset; a loudness
    of ``level`` (RMS while voiced). Then white noise at ``snr_db`` (a number, or a (low, high) range
    drawn uniformly per clip; inf for none). Same seed, same clips.
    """
    positive_int("n", n)
    positive_int("sample_rate", sample_rate)
    positive_number("clip_seconds", clip_seconds)
    positive_number("level", level)
    low, high = duration_range
    if not 0 < low <= high <= clip_seconds - 0.04:
        raise ValueError(f"duration_range must satisfy 0 < low <= high <= clip_seconds - 0.04, got {duration_range}")
    if isinstance(snr_db, tuple) and (len(snr_db) != 2 or not snr_db[0] <= snr_db[1]):
        raise ValueError(f"snr_db must be a number or a (low, high) pair with low <= high, got {snr_db!r}")
    g = local_generator(seed)
    length = round(clip_seconds * sample_rate)
    labels = torch.arange(n) % len(VOWELS)
    labels = labels[torch.randperm(n, generator=g)]
    speakers = torch.randint(len(SPEAKERS), (n,), generator=g)
    table = torch.tensor([[PETERSON_BARNEY[v][s] for s in SPEAKERS] for v in VOWELS], dtype=torch.float64)
    base = table[labels, speakers]  # (n, 4): F0, F1, F2, F3
    size = 0.92 + 0.16 * torch.rand(n, 1, generator=g, dtype=torch.float64)
    formants = base[:, 1:] * size * (1 + 0.04 * torch.randn(n, 3, generator=g, dtype=torch.float64))
    formants = formants.clamp(min=150.0, max=0.47 * sample_rate)
    for k in (1, 2):  # keep F1 < F2 < F3, at least 100 Hz apart
        formants[:, k] = torch.maximum(formants[:, k], formants[:, k - 1] + 100.0)
    f0 = base[:, 0] * torch.exp(
        torch.empty(n, dtype=torch.float64).uniform_(math.log(0.8), math.log(1.25), generator=g)
    )
    glide = -0.10 + 0.25 * torch.rand(n, dtype=torch.float64, generator=g)
    durations = low + (high - low) * torch.rand(n, dtype=torch.float64, generator=g)
    onsets = 0.02 + (clip_seconds - 0.04 - durations) * torch.rand(n, dtype=torch.float64, generator=g)
    t = torch.arange(length, dtype=torch.float64) / sample_rate
    into = (t.unsqueeze(0) - onsets.unsqueeze(1)) / durations.unsqueeze(1)  # 0 to 1 while voiced
    voiced = (into >= 0) & (into < 1)
    ramp = 0.03 / durations.unsqueeze(1)  # 30 ms raised-cosine fade in and out
    envelope = torch.clamp(torch.minimum(into, 1 - into) / ramp, 0, 1)
    envelope = torch.where(voiced, 0.5 - 0.5 * torch.cos(math.pi * envelope), torch.zeros_like(envelope))
    pitch = f0.unsqueeze(1) * (1 + glide.unsqueeze(1) * into.clamp(0, 1))
    source = glottal_pulses(pitch, envelope, sample_rate)
    clean = formant_filter(source.float(), formants, sample_rate).double()
    power = (clean.pow(2) * voiced).sum(dim=1) / voiced.sum(dim=1)
    clean = clean * (level / power.sqrt()).unsqueeze(1)
    if isinstance(snr_db, tuple):
        snr = snr_db[0] + (snr_db[1] - snr_db[0]) * torch.rand(n, dtype=torch.float64, generator=g)
    else:
        snr = torch.full((n,), float(snr_db), dtype=torch.float64)
    waveforms = add_noise(clean, snr, g, signal_power=torch.full((n,), level**2, dtype=torch.float64))
    return VowelClips(
        waveforms=waveforms.float(),
        labels=labels,
        speakers=speakers,
        f0=f0.float(),
        formants=formants.float(),
        durations=durations.float(),
        snr_db=snr.float(),
        sample_rate=sample_rate,
        level=float(level),
    )
