"""The exercises of lesson 5.5 (federated learning and privacy): expected values from lib, not the learner's code."""

from __future__ import annotations

import math

import torch

from lib.course.exercises.base import Exercise
from lib.train.federated import average_states
from lib.train.memorization import exposure
from lib.train.privacy import privatize, zcdp_epsilon

# four examples' gradients (rows), three parameters: two rows longer than C = 1, two shorter
PER_SAMPLE_GRADS = torch.tensor(
    [[3.0, 0.0, 4.0], [0.2, -0.1, 0.2], [-1.0, 2.0, 2.0], [0.0, 0.5, 0.0]], dtype=torch.float64
)
CLIENT_WEIGHTS = torch.tensor([[1.0, -2.0], [0.5, 0.0], [-1.0, 4.0]], dtype=torch.float64)
CLIENT_SIZES = (10, 30, 60)


def _dp_gradient() -> torch.Tensor:
    return privatize({"w": PER_SAMPLE_GRADS}, max_norm=1.0, noise_multiplier=0.0, expected_batch_size=4.0)["w"]


def _clip_reference() -> torch.Tensor:
    norms = PER_SAMPLE_GRADS.norm(dim=1, keepdim=True)
    return (PER_SAMPLE_GRADS * (1.0 / norms).clamp(max=1.0)).sum(dim=0) / 4


def _clip_the_mean() -> torch.Tensor:
    mean = PER_SAMPLE_GRADS.mean(dim=0)
    return mean * min(1.0, 1.0 / mean.norm().item())


def _sigma_factor_for_double_steps() -> float:
    """The factor on σ that keeps ε when the steps double: found from lib's bound by bisection, not by formula."""
    target = zcdp_epsilon(1.0, 100, 1e-5)
    low, high = 1.0, 4.0
    for _ in range(200):
        mid = (low + high) / 2
        low, high = (mid, high) if zcdp_epsilon(mid, 200, 1e-5) > target else (low, mid)
    return (low + high) / 2


def _fedavg_average() -> torch.Tensor:
    states = [{"w": w} for w in CLIENT_WEIGHTS]
    return average_states(states, CLIENT_SIZES)["w"]


EXERCISES: tuple[Exercise, ...] = (
    Exercise(
        "5.5.sigma-for-double-steps",
        "factor on the noise multiplier that keeps ε when DP-SGD runs twice as many steps",
        "close",
        rel=1e-6,
        expected=_sigma_factor_for_double_steps,
        reference=lambda: math.sqrt(2),
        wrong=lambda: 2.0,
        hint="the bound depends on σ and T only through one combination of them; keep that combination fixed",
    ),
    Exercise(
        "5.5.clip-then-average",
        "DP-SGD gradient of the four per-sample gradients with C = 1 and no noise",
        "tensor",
        atol=1e-9,
        rtol=1e-9,
        expected=_dp_gradient,
        reference=_clip_reference,
        wrong=_clip_the_mean,
        hint="clip every example's gradient by its own norm first, then add them up and divide by the batch size",
    ),
    Exercise(
        "5.5.exposure-rank-3",
        "exposure in bits of a secret ranked 3rd among 1,296 candidates",
        "close",
        rel=1e-9,
        expected=lambda: exposure(3, 1296),
        reference=lambda: math.log2(1296) - math.log2(3),
        wrong=lambda: math.log2(1296 / 2),
        hint="exposure counts how many halvings of the candidate list it takes to reach the secret's rank",
    ),
    Exercise(
        "5.5.fedavg-weights",
        "FedAvg's average of the three clients' weights",
        "tensor",
        atol=1e-9,
        rtol=1e-9,
        expected=_fedavg_average,
        reference=lambda: (CLIENT_WEIGHTS * torch.tensor(CLIENT_SIZES, dtype=torch.float64).unsqueeze(1)).sum(0) / 100,
        wrong=lambda: CLIENT_WEIGHTS.mean(dim=0),
        hint="a client with more examples should pull the average harder: weight each by its share of all examples",
    ),
)
