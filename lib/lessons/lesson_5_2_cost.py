"""Lesson 5.2's measurements: this machine's matrix-product peak, and the MFU a real training step reaches.

Model FLOPs utilization (MFU) is achieved model FLOPs per second over the chip's peak. A CPU has no
published peak, so we measure one (the best of a few large matrix products) and pass it to the
course's engine through ``$COURSE_PEAK_FLOPS``, which then logs the MFU of each training window.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import torch

from lib.core.hardware import PEAK_FLOPS_ENV
from lib.core.seeding import local_generator, seeded
from lib.core.validate import positive_int, positive_number
from lib.data.blocks import RandomBlocks
from lib.models.gpt import GPT, GPTConfig
from lib.train.loop import train
from lib.train.optimizers import make_adamw
from lib.train.steps import LossStep


def _synchronize(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def matmul_flops_per_second(
    sizes: Sequence[int] = (256, 512, 1024),
    device: torch.device | str = "cpu",
    repeats: int = 3,
    dtype: torch.dtype = torch.float32,
) -> float:
    """The best FLOP/s of square matrix products (2·n³ FLOPs each) over ``sizes``, best of ``repeats``.

    A measured stand-in for a peak where none is published (a CPU): what this machine's matrix
    kernel reaches when nothing else limits it.
    """
    if not sizes:
        raise ValueError("sizes must name at least one matrix size, e.g. (512, 1024)")
    device = torch.device(device)
    repeats = positive_int("repeats", repeats)
    generator = local_generator(0)
    best = 0.0
    for size in sizes:
        n = positive_int("size", size)
        a = torch.randn(n, n, generator=generator).to(device, dtype)
        b = torch.randn(n, n, generator=generator).to(device, dtype)
        a @ b  # warm up: the first call may pay for allocation and kernel selection
        for _ in range(repeats):
            _synchronize(device)
            start = time.perf_counter()
            a @ b
            _synchronize(device)
            best = max(best, 2 * n**3 / max(time.perf_counter() - start, 1e-9))
    return best


@contextlib.contextmanager
def stated_peak(peak_flops: float) -> Iterator[None]:
    """Within the block, ``lib.core.hardware.peak_flops`` returns ``peak_flops`` (through $COURSE_PEAK_FLOPS)."""
    value = positive_number("peak_flops", peak_flops)
    old = os.environ.get(PEAK_FLOPS_ENV)
    os.environ[PEAK_FLOPS_ENV] = repr(value)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(PEAK_FLOPS_ENV, None)
        else:
            os.environ[PEAK_FLOPS_ENV] = old


@dataclass(frozen=True)
class MeasuredMFU:
    """A short training run measured: tokens per second, model FLOPs per token, and MFU against ``peak``."""

    tokens_per_second: float
    flops_per_token: float
    peak_flops: float
    mfu: float


def measure_training_mfu(
    config: GPTConfig,
    peak_flops: float,
    batch_size: int = 16,
    steps: int = 12,
    device: torch.device | str = "cpu",
    seed: int = 0,
) -> MeasuredMFU:
    """Train a fresh GPT of ``config`` for ``steps`` steps on random tokens with the course's engine; its MFU.

    The engine logs tokens/s and MFU per window (``flops_per_token`` is the model's 6N + 12·L·d·T);
    the first window, which pays for warming up, is left out of the median.
    """
    if not isinstance(config, GPTConfig):
        raise TypeError(f"config must be a lib.models.gpt.GPTConfig, got {type(config).__name__}")
    peak = positive_number("peak_flops", peak_flops)
    steps = positive_int("steps", steps, minimum=3)
    device = torch.device(device)
    with seeded(seed):
        model = GPT(config).to(device)
    tokens = torch.randint(config.vocab_size, (20_000,), generator=local_generator(seed))
    batches = RandomBlocks(tokens, config.context_length, positive_int("batch_size", batch_size), steps, seed=seed)
    per_token = model.flops_per_token(config.context_length)
    with stated_peak(peak):
        history = train(
            model,
            batches,
            LossStep(lambda m, batch: m(*batch)[1]),
            optimizer=make_adamw(model, lr=1e-3, device=device),
            steps=steps,
            device=device,
            log_every=1,
            tokens_per_batch=batch_size * config.context_length,
            flops_per_token=per_token,
            progress=False,
        )
    rates = sorted(history["tokens_per_s"][1:])
    rate = rates[len(rates) // 2]
    return MeasuredMFU(rate, per_token, peak, rate * per_token / peak)
