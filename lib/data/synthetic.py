"""Synthetic 2-D data sets, generated in code from a seed: small enough to plot, hard enough to need a network."""

from __future__ import annotations

import math

import torch


def _check(n: int, noise: float) -> None:
    if not isinstance(n, int) or isinstance(n, bool) or n < 2:
        raise ValueError(f"n must be an int of at least 2, got {n!r}")
    if not isinstance(noise, (int, float)) or noise < 0:
        raise ValueError(f"noise must be a non-negative number, got {noise!r}")


def two_moons(n: int = 400, noise: float = 0.1, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Two interleaved half circles: points (n, 2) and labels (n,) in {0, 1}, half of each."""
    _check(n, noise)
    g = torch.Generator().manual_seed(seed)
    n0 = n // 2
    t = torch.rand(n, generator=g) * math.pi
    x = torch.stack([torch.cos(t), torch.sin(t)], dim=1)
    x[n0:] = torch.stack([1 - torch.cos(t[n0:]), 0.5 - torch.sin(t[n0:])], dim=1)
    x += noise * torch.randn(n, 2, generator=g)
    y = torch.zeros(n, dtype=torch.long)
    y[n0:] = 1
    return x, y


def spirals(n: int = 400, turns: float = 1.5, noise: float = 0.05, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Two interleaved spirals: a classic that a linear model cannot separate at all."""
    _check(n, noise)
    if not turns > 0:
        raise ValueError(f"turns must be positive, got {turns!r}")
    g = torch.Generator().manual_seed(seed)
    n0 = n // 2
    r = torch.rand(n, generator=g) * 0.9 + 0.1
    angle = r * turns * 2 * math.pi
    angle[n0:] += math.pi
    x = torch.stack([r * torch.cos(angle), r * torch.sin(angle)], dim=1) + noise * torch.randn(n, 2, generator=g)
    y = torch.zeros(n, dtype=torch.long)
    y[n0:] = 1
    return x, y


def gaussian_ring(n: int = 1000, modes: int = 8, radius: float = 2.0, std: float = 0.05, seed: int = 0) -> torch.Tensor:
    """Points (n, 2) from ``modes`` small Gaussians on a circle: the standard toy target for a GAN."""
    _check(n, std)
    if not isinstance(modes, int) or modes < 1:
        raise ValueError(f"modes must be a positive int, got {modes!r}")
    g = torch.Generator().manual_seed(seed)
    which = torch.randint(modes, (n,), generator=g)
    angle = which.float() * 2 * math.pi / modes
    centers = radius * torch.stack([torch.cos(angle), torch.sin(angle)], dim=1)
    return centers + std * torch.randn(n, 2, generator=g)
