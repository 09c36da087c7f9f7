"""lib.core.hardware: peak FLOP/s from the table, the override, and clear errors."""

import pytest
import torch

from lib.core.hardware import PEAK_FLOPS_ENV, peak_flops


def test_cpu_has_no_published_peak(monkeypatch):
    monkeypatch.delenv(PEAK_FLOPS_ENV, raising=False)
    assert peak_flops("cpu") is None


def test_override_wins(monkeypatch):
    monkeypatch.setenv(PEAK_FLOPS_ENV, "2.5e12")
    assert peak_flops("cpu") == 2.5e12


@pytest.mark.parametrize("bad", ["fast", "0", "-1"])
def test_bad_override_is_a_clear_error(monkeypatch, bad):
    monkeypatch.setenv(PEAK_FLOPS_ENV, bad)
    with pytest.raises(ValueError, match=PEAK_FLOPS_ENV):
        peak_flops("cpu")


def test_known_gpu_names_are_looked_up(monkeypatch):
    monkeypatch.delenv(PEAK_FLOPS_ENV, raising=False)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda device=None: "NVIDIA H200")
    assert peak_flops(torch.device("cuda")) == 989e12
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda device=None: "Some Future GPU")
    assert peak_flops(torch.device("cuda")) is None
