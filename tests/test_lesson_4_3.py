"""Tests of lib.lessons.lesson_4_3_speech: features, a short deterministic training run, accuracy by SNR."""

import math

import pytest
import torch

from lib.data.vowels import vowel_clips
from lib.lessons.lesson_4_3_speech import FEATURES, Normalizer, accuracy_by_snr, features, predict, train_vowel_cnn


def test_features_shape_and_normalizer():
    clips = vowel_clips(20, seed=0)
    x = features(clips)
    assert x.shape == (20, FEATURES["n_mels"], 1 + clips.waveforms.shape[1] // FEATURES["hop_length"])
    normalize = Normalizer.fit(x)
    z = normalize(x)
    assert abs(z.mean().item()) < 1e-5 and z.std().item() == pytest.approx(1.0, rel=1e-4)


def test_training_is_deterministic_and_learns():
    clips = vowel_clips(400, seed=1)
    normalize = Normalizer.fit(features(clips))
    x = normalize(features(clips))
    torch.manual_seed(123)  # the caller's random state must not matter
    first = train_vowel_cnn(x, clips.labels, seed=0, epochs=5)
    torch.manual_seed(456)
    second = train_vowel_cnn(x, clips.labels, seed=0, epochs=5)
    for p, q in zip(first.parameters(), second.parameters(), strict=True):
        assert torch.equal(p, q)
    accs = accuracy_by_snr(first, clips, normalize, [-20.0, math.inf])
    assert len(accs) == 2 and accs[1] > 0.45 and accs[0] < accs[1]  # clean: far above chance (0.1); 0.58 here
    assert (predict(first, x) == clips.labels).float().mean().item() == pytest.approx(accs[1])


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="epochs"):
        train_vowel_cnn(torch.zeros(4, 32, 21), torch.zeros(4, dtype=torch.long), epochs=0)
    with pytest.raises(ValueError, match="x must be"):
        train_vowel_cnn(torch.zeros(4, 32), torch.zeros(4, dtype=torch.long))
