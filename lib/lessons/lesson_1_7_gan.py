"""Lesson 1.7's measurements of a GAN on a ring of Gaussians: where the modes are, how many it covers, and
several GANs from several seeds trained side by side in one batched model."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import nn

from lib.core.seeding import seeded
from lib.core.validate import positive_int
from lib.models.mlp import MLP


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


class SideBySideMLPs(nn.Module):
    """``k`` independent MLPs of one shape, evaluated together: input (n, k*d_in) -> output (n, k*d_out).

    Member ``j`` reads columns ``j*d_in:(j+1)*d_in`` and writes columns ``j*d_out:(j+1)*d_out``; no
    weight is shared, so training the stack on the sum (or mean) of the members' losses trains ``k``
    separate networks at once (Adam's update is per weight, so the 1/k of a mean does not matter
    beyond its epsilon). Member ``j`` starts with the weights of ``MLP(sizes)`` built under
    ``seeded(seeds[j])``, which :meth:`member` gives back as an ordinary MLP. One batched matrix
    product per layer replaces ``k`` small ones: on a CPU the overhead of a tiny layer, not its
    arithmetic, is what costs.
    """

    def __init__(self, sizes: Sequence[int], seeds: Sequence[int]) -> None:
        super().__init__()
        if len(sizes) < 2 or any(not isinstance(s, int) or s < 1 for s in sizes):
            raise ValueError(f"sizes must list at least two positive ints, got {sizes!r}")
        if not seeds or len(set(seeds)) != len(seeds):
            raise ValueError(f"seeds must list at least one seed, without repeats, got {seeds!r}")
        self.sizes, self.seeds = tuple(sizes), tuple(seeds)
        members = []
        for seed in self.seeds:
            with seeded(seed):
                members.append(MLP(self.sizes))
        linears = [[m for m in member.layers if isinstance(m, nn.Linear)] for member in members]
        # weights stored (k, in, out) for torch.baddbmm; biases (k, 1, out)
        self.weights = nn.ParameterList(
            nn.Parameter(torch.stack([layers[i].weight.detach().T for layers in linears]).contiguous())
            for i in range(len(self.sizes) - 1)
        )
        self.biases = nn.ParameterList(
            nn.Parameter(torch.stack([layers[i].bias.detach().unsqueeze(0) for layers in linears]))
            for i in range(len(self.sizes) - 1)
        )

    @property
    def k(self) -> int:
        """How many networks sit side by side."""
        return len(self.seeds)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        d_in = self.sizes[0]
        if x.ndim != 2 or x.shape[1] != self.k * d_in:
            raise ValueError(f"x must have shape (n, {self.k * d_in}), got {tuple(x.shape)}")
        h = x.reshape(len(x), self.k, d_in).transpose(0, 1)  # (k, n, d_in)
        last = len(self.weights) - 1
        for i, (w, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            h = torch.baddbmm(b, h, w)
            if i < last:
                h = torch.relu(h)
        return h.transpose(0, 1).reshape(len(x), self.k * self.sizes[-1])

    def member(self, j: int) -> MLP:
        """Member ``j`` (0-based) as a stand-alone ``MLP(sizes)`` holding its current weights."""
        if not isinstance(j, int) or not 0 <= j < self.k:
            raise ValueError(f"j must be an int in [0, {self.k}), got {j!r}")
        mlp = MLP(self.sizes)
        linears = [m for m in mlp.layers if isinstance(m, nn.Linear)]
        with torch.no_grad():
            for layer, w, b in zip(linears, self.weights, self.biases, strict=True):
                layer.weight.copy_(w[j].T)
                layer.bias.copy_(b[j, 0])
        return mlp


def split_members(samples: torch.Tensor, k: int) -> torch.Tensor:
    """Columns of ``k`` side-by-side members, (n, k*d), as one (n, d) block per member: (k, n, d)."""
    positive_int("k", k)
    if samples.ndim != 2 or samples.shape[1] % k:
        raise ValueError(f"samples must have shape (n, k*d) with k = {k}, got {tuple(samples.shape)}")
    return samples.reshape(len(samples), k, samples.shape[1] // k).transpose(0, 1)
