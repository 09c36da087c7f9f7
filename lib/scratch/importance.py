"""Which inputs drive a model's predictions: permutation importance and input gradients.

Permutation importance (Breiman 2001, for random forests) shuffles one feature's column, which
breaks its link with the label while keeping its distribution, and measures how much a score
drops. It works for any model, but it measures what the *model* uses, and correlated features
share the credit. An input gradient (输入梯度) is ∂output/∂input: how fast a case's logit moves
with each feature there; for a linear model it is the weight vector itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn

from lib.core.seeding import local_generator
from lib.core.validate import positive_int, seed_value


@dataclass(frozen=True)
class PermutationImportance:
    """``drops[f, r]``: the score on intact data minus the score with feature f shuffled, repeat r."""

    baseline: float
    drops: torch.Tensor

    @property
    def mean(self) -> torch.Tensor:
        """The mean drop per feature."""
        return self.drops.mean(dim=1)

    @property
    def std(self) -> torch.Tensor:
        """The spread of the drop over repeats, per feature (population standard deviation)."""
        return self.drops.std(dim=1, correction=0)


def permutation_importance(
    score: Callable[[torch.Tensor, torch.Tensor], float],
    inputs: torch.Tensor,
    targets: torch.Tensor,
    n_repeats: int = 10,
    seed: int = 0,
) -> PermutationImportance:
    """Drop in ``score(inputs, targets)`` (higher = better) when each column of ``inputs`` is shuffled.

    Each repeat draws a fresh permutation of the rows for the column (seeded); the other columns stay.
    """
    if not callable(score):
        raise TypeError(f"score must be a function (inputs, targets) -> float, got {type(score).__name__}")
    if not isinstance(inputs, torch.Tensor) or inputs.ndim != 2:
        raise ValueError(f"inputs must be a 2-D tensor (cases x features), got {getattr(inputs, 'shape', inputs)!r}")
    if not isinstance(targets, torch.Tensor) or len(targets) != len(inputs):
        raise ValueError(f"targets must be a tensor with one row per case ({len(inputs)})")
    repeats = positive_int("n_repeats", n_repeats)
    seed_value("seed", seed)
    generator = local_generator(seed)
    baseline = float(score(inputs, targets))
    drops = torch.empty(inputs.shape[1], repeats, dtype=torch.float64)
    for f in range(inputs.shape[1]):
        for r in range(repeats):
            shuffled = inputs.clone()
            shuffled[:, f] = inputs[torch.randperm(len(inputs), generator=generator), f]
            drops[f, r] = baseline - float(score(shuffled, targets))
    return PermutationImportance(baseline=baseline, drops=drops)


def input_gradients(model: nn.Module, inputs: torch.Tensor) -> torch.Tensor:
    """∂(the model's single output)/∂input for every case: a tensor shaped like ``inputs``.

    The model must map (cases, features) to one logit per case, (cases,) or (cases, 1). It runs in
    eval mode; its parameters' gradients are left untouched.
    """
    if not isinstance(inputs, torch.Tensor) or inputs.ndim != 2 or not inputs.is_floating_point():
        raise ValueError(f"inputs must be a 2-D floating-point tensor, got {getattr(inputs, 'shape', inputs)!r}")
    was_training = model.training
    model.eval()
    try:
        x = inputs.detach().clone().requires_grad_(True)
        with torch.enable_grad():
            out = model(x)
            if out.reshape(len(x), -1).shape[1] != 1:
                raise ValueError(f"model must give one output per case, got shape {tuple(out.shape)}")
            (gradient,) = torch.autograd.grad(out.sum(), x)
    finally:
        model.train(was_training)
    return gradient
