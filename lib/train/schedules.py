"""Learning-rate schedules: linear warm-up then cosine decay, or constant.

Each is a small callable object (its fields are plain numbers), so ``LambdaLR.state_dict()`` saves
it into a weights-only checkpoint and a resumed run continues the schedule where it stopped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch.optim.lr_scheduler import LambdaLR

from lib.core.validate import fraction, positive_int


@dataclass
class WarmupCosine:
    """The multiplier of the base learning rate at optimizer step ``s`` (0-based).

    Warm-up, ``s < warmup_steps``: ``(s + 1) / warmup_steps``, rising linearly to 1. Then cosine decay
    from 1 to ``min_ratio`` over the remaining steps up to ``total_steps``, and ``min_ratio`` after.
    """

    warmup_steps: int
    total_steps: int
    min_ratio: float = 0.1

    def __call__(self, step: int) -> float:
        if step < self.warmup_steps:
            return (step + 1) / self.warmup_steps
        decay_steps = max(1, self.total_steps - self.warmup_steps)
        progress = min(1.0, (step - self.warmup_steps) / decay_steps)
        return self.min_ratio + (1 - self.min_ratio) * 0.5 * (1 + math.cos(math.pi * progress))


@dataclass
class Constant:
    """A multiplier of 1 at every step: the base learning rate throughout."""

    def __call__(self, step: int) -> float:
        return 1.0


def warmup_cosine(
    optimizer: torch.optim.Optimizer, warmup_steps: int, total_steps: int, min_ratio: float = 0.1
) -> LambdaLR:
    """A scheduler: linear warm-up over ``warmup_steps``, then cosine decay to ``min_ratio`` by ``total_steps``.

    The usual recipe for transformers: warm-up keeps Adam's first, noisy steps small; the decay
    lets the last steps settle. Step it once per optimizer step (the engine does).
    """
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(f"optimizer must be a torch.optim.Optimizer, got {type(optimizer).__name__}")
    positive_int("warmup_steps", warmup_steps, minimum=0)
    positive_int("total_steps", total_steps)
    if warmup_steps > total_steps:
        raise ValueError(f"warmup_steps must be at most total_steps ({total_steps}), got {warmup_steps}")
    fraction("min_ratio", min_ratio, high_inclusive=True)
    return LambdaLR(optimizer, WarmupCosine(warmup_steps, total_steps, float(min_ratio)))


def constant(optimizer: torch.optim.Optimizer) -> LambdaLR:
    """A scheduler that keeps the base learning rate: for code that always expects a scheduler."""
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(f"optimizer must be a torch.optim.Optimizer, got {type(optimizer).__name__}")
    return LambdaLR(optimizer, Constant())
