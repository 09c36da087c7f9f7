"""Lesson 1.7's measurements of a GAN on a ring of Gaussians: where the modes are and how many it covers."""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from lib.core.validate import positive_int


def ring_centers(modes: int, radius: float = 2.0) -> torch.Tensor:
    """The (modes, 2) centres of ``lib.data.synthetic.gaussian_ring``: evenly spaced on a circle."""
    positive_int("modes", modes)
    if not radius > 0:
        raise ValueError(f"radius must be positive, got {radius!r}")
    angle = torch.arange(modes).float() * 2 * math.pi / modes
    return radius * torch.stack([torch.cos(angle), torch.sin(angle)], dim=1)


@dataclass(frozen=True)
class ModeCoverage:
    """How generated samples spread over known modes: ``counts[k]`` samples lie within the threshold of mode k."""

    counts: torch.Tensor
    n_samples: int

    def covered(self, min_fraction: float = 0.01) -> int:
        """Modes that received at least ``min_fraction`` of all samples (close to them)."""
        if not 0 <= min_fraction <= 1:
            raise ValueError(f"min_fraction must be in [0, 1], got {min_fraction!r}")
        return int((self.counts >= min_fraction * self.n_samples).sum().item())

    @property
    def near_fraction(self) -> float:
        """Fraction of samples within the threshold of some mode (a crude quality score)."""
        return self.counts.sum().item() / self.n_samples


def mode_coverage(samples: torch.Tensor, centers: torch.Tensor, threshold: float) -> ModeCoverage:
    """Count, for each mode centre, the samples whose nearest centre it is and that lie within ``threshold`` of it."""
    if not isinstance(samples, torch.Tensor) or samples.ndim != 2 or len(samples) == 0:
        raise ValueError(f"samples must be a non-empty (n, d) tensor, got {getattr(samples, 'shape', type(samples))}")
    if not isinstance(centers, torch.Tensor) or centers.ndim != 2 or centers.shape[1] != samples.shape[1]:
        raise ValueError(f"centers must be a (modes, {samples.shape[1]}) tensor, got {getattr(centers, 'shape', None)}")
    if not threshold > 0:
        raise ValueError(f"threshold must be positive, got {threshold!r}")
    distances = torch.cdist(samples.float().cpu(), centers.float().cpu())
    nearest_distance, nearest = distances.min(dim=1)
    counts = torch.bincount(nearest[nearest_distance <= threshold], minlength=len(centers))
    return ModeCoverage(counts=counts, n_samples=len(samples))
