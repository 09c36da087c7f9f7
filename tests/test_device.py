import random

import numpy as np
import pytest
import torch

from lib.core.device import DEVICE_ENV, autocast, describe, pick_device
from lib.core.progress import is_quiet, quiet
from lib.core.seeding import local_generator, seed_everything, seeded
from lib.core.threads import cpu_threads


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
    with quiet():
        assert is_quiet()
    assert not is_quiet()


def test_cpu_threads_sets_inside_and_restores_after():
    # Start from a count the autouse fixture does not set, so the test sees the context's own effect.
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        with cpu_threads(1):
            assert torch.get_num_threads() == 1
        assert torch.get_num_threads() == 2
        with cpu_threads(1, device="meta"):  # not a CPU: nothing changes
            assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "2"])
def test_cpu_threads_rejects_bad_counts(bad):
    with pytest.raises(ValueError, match="threads must be a positive int"):
        with cpu_threads(bad):
            pass


def test_local_generator_leaves_the_global_stream_alone():
    torch.manual_seed(5)
    expected = torch.rand(3)
    torch.manual_seed(5)
    first = torch.rand(3, generator=local_generator(1))
    again = torch.rand(3, generator=local_generator(1))
    torch.testing.assert_close(first, again)
    torch.testing.assert_close(torch.rand(3), expected)  # the global stream did not move


def test_seeded_builds_the_same_weights_and_restores_the_caller_state():
    torch.manual_seed(11)
    expected = torch.rand(2)
    torch.manual_seed(11)
    with seeded(0):
        a = torch.nn.Linear(4, 3).weight.detach().clone()
    with seeded(0):
        b = torch.nn.Linear(4, 3).weight.detach().clone()
    torch.testing.assert_close(a, b)
    torch.testing.assert_close(torch.rand(2), expected)
    with pytest.raises(ValueError, match="seed must be an int"):
        with seeded(-1):
            pass


def test_progress_hides_when_quiet_or_asked_and_accepts_disable(monkeypatch):
    from lib.core.progress import progress

    monkeypatch.setenv("COURSE_QUIET", "1")
    assert progress(range(3), disable=False).disable  # quiet wins, and passing disable is no error
    monkeypatch.setenv("COURSE_QUIET", "0")
    assert progress(range(3), disable=True).disable
    assert not progress(range(3)).disable
