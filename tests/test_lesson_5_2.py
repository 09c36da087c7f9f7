import os

import pytest

from lib.core.hardware import PEAK_FLOPS_ENV, peak_flops
from lib.lessons.lesson_5_2_cost import matmul_flops_per_second, measure_training_mfu, stated_peak
from lib.models.gpt import GPTConfig

TINY = GPTConfig(vocab_size=64, context_length=16, n_layer=1, n_head=2, d_model=32)


def test_matmul_rate_is_positive_and_sizes_are_checked():
    assert matmul_flops_per_second((64,), repeats=1) > 1e6  # any CPU multiplies faster than a MFLOP/s
    with pytest.raises(ValueError, match="sizes"):
        matmul_flops_per_second(())
    with pytest.raises(ValueError, match="size"):
        matmul_flops_per_second((0,))


def test_stated_peak_is_seen_by_hardware_and_restored(monkeypatch):
    monkeypatch.delenv(PEAK_FLOPS_ENV, raising=False)
    assert peak_flops("cpu") is None
    with stated_peak(2.5e12):
        assert peak_flops("cpu") == 2.5e12
    assert PEAK_FLOPS_ENV not in os.environ
    monkeypatch.setenv(PEAK_FLOPS_ENV, "7e11")
    with stated_peak(1e12):
        assert peak_flops("cpu") == 1e12
    assert os.environ[PEAK_FLOPS_ENV] == "7e11"
    with pytest.raises(ValueError, match="peak_flops"), stated_peak(0):
        pass


def test_measured_mfu_is_model_flops_over_peak():
    m = measure_training_mfu(TINY, peak_flops=1e12, batch_size=2, steps=4)
    from lib.models.gpt import GPT

    assert m.flops_per_token == GPT(TINY).flops_per_token(16)
    assert m.mfu == pytest.approx(m.tokens_per_second * m.flops_per_token / 1e12)
    assert 0 < m.mfu < 1
    with pytest.raises(TypeError, match="config"):
        measure_training_mfu("tiny", 1e12)
    with pytest.raises(ValueError, match="steps"):
        measure_training_mfu(TINY, 1e12, steps=2)
