import random

import numpy as np
import pytest
import torch

from lib.device import DEVICE_ENV, autocast, describe, is_quiet, pick_device, quiet_tqdm, seed_everything


def test_pick_device_defaults_to_an_available_device(monkeypatch):
    monkeypatch.delenv(DEVICE_ENV, raising=False)
    device = pick_device()
    expected = "cuda" if torch.cuda.is_available() else ("mps" if torch.backends.mps.is_available() else "cpu")
    assert device.type == expected


def test_environment_variable_forces_cpu(monkeypatch):
    monkeypatch.setenv(DEVICE_ENV, "cpu")
    assert pick_device() == torch.device("cpu")


def test_prefer_overrides_environment(monkeypatch):
    monkeypatch.setenv(DEVICE_ENV, "nonsense")
    assert pick_device("cpu") == torch.device("cpu")


@pytest.mark.parametrize("bad", ["gpu", "tpu", "", "cuda0"])
def test_unknown_device_is_a_clear_error(monkeypatch, bad):
    monkeypatch.delenv(DEVICE_ENV, raising=False)
    with pytest.raises(ValueError, match="prefer must be one of"):
        pick_device(bad)


def test_unknown_device_in_environment_names_the_variable(monkeypatch):
    monkeypatch.setenv(DEVICE_ENV, "gpu")
    with pytest.raises(ValueError, match=r"\$COURSE_DEVICE"):
        pick_device()


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_missing_cuda_is_an_error_not_a_fallback():
    with pytest.raises(RuntimeError, match="not available"):
        pick_device("cuda")


def test_seed_everything_makes_every_generator_repeat():
    def draw():
        return random.random(), np.random.rand(), torch.rand(1).item()

    seed_everything(123)
    first = draw()
    seed_everything(123)
    assert draw() == first
    generator = seed_everything(7)
    assert torch.equal(torch.rand(3, generator=generator), torch.rand(3, generator=torch.Generator().manual_seed(7)))


@pytest.mark.parametrize("bad", [-1, 2**32, 1.5, "0", True])
def test_seed_must_be_a_valid_int(bad):
    with pytest.raises(ValueError, match="seed must be an int"):
        seed_everything(bad)


def test_autocast_is_a_no_op_on_cpu():
    x = torch.randn(4, 4)
    with autocast("cpu"):
        y = x @ x
    assert y.dtype == torch.float32
    torch.testing.assert_close(y, x @ x)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_autocast_uses_bf16_on_cuda():
    x = torch.randn(4, 4, device="cuda")
    with autocast("cuda"):
        assert (x @ x).dtype == torch.bfloat16


def test_describe_names_cpu():
    assert describe("cpu").startswith("cpu:")


def test_quiet_context_restores_environment(monkeypatch):
    monkeypatch.delenv("COURSE_QUIET", raising=False)
    assert not is_quiet()
    with quiet_tqdm():
        assert is_quiet()
    assert not is_quiet()


def test_limit_cpu_threads_sets_and_validates():
    from lib.device import limit_cpu_threads

    before = torch.get_num_threads()
    try:
        limit_cpu_threads("cpu", 1)
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)
    with pytest.raises(ValueError, match="threads must be a positive int"):
        limit_cpu_threads("cpu", 0)
