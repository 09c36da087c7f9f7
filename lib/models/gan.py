"""Generative adversarial networks (生成对抗网络, GAN): a generator and a discriminator trained against each other.

Goodfellow et al. (2014), arXiv:1406.2661. The discriminator D outputs a logit (sigmoid gives the
probability that its input is real), so every loss here is binary cross-entropy on logits, which
stays finite where log(sigmoid(.)) computed from probabilities would underflow to log(0).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn
from tqdm.auto import tqdm

from lib.core.device import autocast
from lib.core.progress import is_quiet
from lib.core.validate import positive_int
from lib.models.mlp import MLP
from lib.train.engine import History

GENERATOR_LOSSES = ("non_saturating", "saturating")


def make_generator(
    noise_dim: int, data_dim: int, hidden: int = 128, depth: int = 2, output: str = "linear"
) -> nn.Module:
    """An MLP generator G: noise (n, noise_dim) -> samples (n, data_dim).

    ``output="sigmoid"`` squashes samples into (0, 1), e.g. for pixel intensities.
    """
    for name, value in (("noise_dim", noise_dim), ("data_dim", data_dim), ("hidden", hidden), ("depth", depth)):
        positive_int(name, value)
    if output not in ("linear", "sigmoid"):
        raise ValueError(f"output must be 'linear' or 'sigmoid', got {output!r}")
    mlp = MLP([noise_dim] + [hidden] * depth + [data_dim])
    return nn.Sequential(mlp, nn.Sigmoid()) if output == "sigmoid" else mlp


def make_discriminator(data_dim: int, hidden: int = 128, depth: int = 2, dropout: float = 0.0) -> nn.Module:
    """An MLP discriminator D: samples (n, data_dim) -> one logit per sample (n, 1); sigmoid(logit) = P(real).

    ``dropout`` (as in Goodfellow et al.'s discriminator) keeps D from memorizing a small training set.
    """
    for name, value in (("data_dim", data_dim), ("hidden", hidden), ("depth", depth)):
        positive_int(name, value)
    return MLP([data_dim] + [hidden] * depth + [1], dropout=dropout)


def sample_noise(
    n: int, noise_dim: int, device: torch.device | str = "cpu", generator: torch.Generator | None = None
) -> torch.Tensor:
    """Standard normal noise z (n, noise_dim), drawn on the CPU so a seed gives the same z on every device."""
    positive_int("n", n)
    positive_int("noise_dim", noise_dim)
    return torch.randn(n, noise_dim, generator=generator).to(device)


def _check_logits(name: str, logits: torch.Tensor) -> None:
    if not isinstance(logits, torch.Tensor) or not logits.is_floating_point():
        raise TypeError(f"{name} must be a floating-point tensor of logits, got {type(logits).__name__}")
    if logits.numel() == 0:
        raise ValueError(f"{name} must not be empty")


def discriminator_loss(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """-V(D, G) = -E[log D(x)] - E[log(1 - D(G(z)))]: BCE with real labelled 1 and fake labelled 0.

    Minimizing it maximizes the value V, which is what the discriminator does.
    """
    _check_logits("real_logits", real_logits)
    _check_logits("fake_logits", fake_logits)
    real = F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
    fake = F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
    return real + fake


def generator_loss(fake_logits: torch.Tensor, kind: str = "non_saturating") -> torch.Tensor:
    """The generator's loss on D's logits for its samples.

    ``"saturating"``: E[log(1 - D(G(z)))], the minimax game's own term (its gradient vanishes when D
    rejects fakes confidently). ``"non_saturating"``: -E[log D(G(z))], what is used in practice.
    """
    _check_logits("fake_logits", fake_logits)
    if kind == "non_saturating":
        return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
    if kind == "saturating":
        return -F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
    raise ValueError(f"kind must be one of {GENERATOR_LOSSES}, got {kind!r}")


def optimal_discriminator(p_data: torch.Tensor, p_g: torch.Tensor) -> torch.Tensor:
    """D*(x) = p_data(x) / (p_data(x) + p_g(x)): the best discriminator against a fixed generator."""
    if not isinstance(p_data, torch.Tensor) or not isinstance(p_g, torch.Tensor):
        raise TypeError("p_data and p_g must be tensors of density values")
    if p_data.shape != p_g.shape:
        raise ValueError(f"p_data and p_g must have the same shape, got {tuple(p_data.shape)} and {tuple(p_g.shape)}")
    if (p_data < 0).any() or (p_g < 0).any():
        raise ValueError("p_data and p_g must be non-negative densities")
    if ((p_data + p_g) == 0).any():
        raise ValueError("p_data + p_g must be positive at every point (D* is undefined where both are 0)")
    return p_data / (p_data + p_g)


def gan_step(
    generator: nn.Module,
    discriminator: nn.Module,
    real: torch.Tensor,
    opt_g: torch.optim.Optimizer,
    opt_d: torch.optim.Optimizer,
    noise_dim: int,
    kind: str = "non_saturating",
    rng: torch.Generator | None = None,
) -> tuple[float, float]:
    """One round of the game: a discriminator update on real and fake, then a generator update.

    Returns (discriminator loss, generator loss) as floats. The fakes are detached for D's update,
    so that D's step does not move G; G's step then sees the updated D.
    """
    if kind not in GENERATOR_LOSSES:
        raise ValueError(f"kind must be one of {GENERATOR_LOSSES}, got {kind!r}")
    if not isinstance(real, torch.Tensor) or real.ndim != 2:
        raise ValueError(f"real must be a (batch, features) tensor, got {getattr(real, 'shape', type(real))}")
    device = real.device
    n = real.shape[0]
    # 1. discriminator: maximize V, i.e. minimize BCE (real -> 1, fake -> 0)
    with torch.no_grad(), autocast(device):
        fake = generator(sample_noise(n, noise_dim, device, rng))
    with autocast(device):
        d_loss = discriminator_loss(discriminator(real).float(), discriminator(fake.float()).float())
    opt_d.zero_grad(set_to_none=True)
    d_loss.backward()
    opt_d.step()
    # 2. generator: fool the updated discriminator
    with autocast(device):
        fake_logits = discriminator(generator(sample_noise(n, noise_dim, device, rng))).float()
    g_loss = generator_loss(fake_logits, kind)
    opt_g.zero_grad(set_to_none=True)
    g_loss.backward()
    opt_g.step()
    d_value, g_value = d_loss.item(), g_loss.item()
    if not (math.isfinite(d_value) and math.isfinite(g_value)):
        raise FloatingPointError(f"a GAN loss became non-finite (D {d_value}, G {g_value}); lower the learning rate")
    return d_value, g_value


@dataclass
class GANRun:
    """What ``train_gan`` returns: the trained pair, the loss history, and samples kept during training.

    ``snapshots[step]`` holds G's samples for the same fixed noise ``noise`` after ``step`` updates,
    so the snapshots show how one fixed set of points moved.
    """

    generator: nn.Module
    discriminator: nn.Module
    history: History
    noise: torch.Tensor
    snapshots: dict[int, torch.Tensor] = field(default_factory=dict)

    def samples_at(self, step: int) -> tuple[int, torch.Tensor]:
        """The latest snapshot taken at or before ``step``: (its step, its samples)."""
        if not isinstance(step, int) or isinstance(step, bool) or step < 0:
            raise ValueError(f"step must be a non-negative int, got {step!r}")
        earlier = [s for s in self.snapshots if s <= step]
        if not earlier:
            raise ValueError(f"no snapshot at or before step {step}; have steps {sorted(self.snapshots)}")
        best = max(earlier)
        return best, self.snapshots[best]


def train_gan(
    data: torch.Tensor,
    generator: nn.Module,
    discriminator: nn.Module,
    noise_dim: int,
    steps: int,
    batch_size: int = 256,
    lr: float = 1e-3,
    betas: tuple[float, float] = (0.5, 0.999),
    kind: str = "non_saturating",
    snapshot_every: int = 100,
    n_snapshot: int = 1000,
    device: torch.device | str = "cpu",
    seed: int = 0,
) -> GANRun:
    """Train ``generator`` against ``discriminator`` on rows of ``data`` with Adam for ``steps`` rounds.

    Batches are drawn with replacement from ``data`` by a seeded generator. Every ``snapshot_every``
    steps (and at step 0, before any update) G's samples for one fixed noise batch are kept on the CPU.
    The history logs both losses every step; a progress bar shows unless COURSE_QUIET=1.
    """
    if not isinstance(data, torch.Tensor) or data.ndim != 2 or len(data) < 2:
        raise ValueError(f"data must be a (n, features) tensor with n >= 2, got {getattr(data, 'shape', type(data))}")
    for name, value in (
        ("noise_dim", noise_dim),
        ("steps", steps),
        ("batch_size", batch_size),
        ("snapshot_every", snapshot_every),
        ("n_snapshot", n_snapshot),
    ):
        positive_int(name, value)
    if not lr > 0:
        raise ValueError(f"lr must be positive, got {lr!r}")
    if kind not in GENERATOR_LOSSES:
        raise ValueError(f"kind must be one of {GENERATOR_LOSSES}, got {kind!r}")
    rng = torch.Generator().manual_seed(seed)
    generator.to(device).train()
    discriminator.to(device).train()
    data = data.to(device)
    opt_g = torch.optim.Adam(generator.parameters(), lr=lr, betas=betas)
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=lr, betas=betas)
    run = GANRun(generator, discriminator, History(), sample_noise(n_snapshot, noise_dim, "cpu", rng))

    def snapshot(step: int) -> None:
        with torch.no_grad(), autocast(device):
            run.snapshots[step] = generator(run.noise.to(device)).float().cpu()

    snapshot(0)
    bar = tqdm(range(1, steps + 1), desc="GAN steps", disable=is_quiet())
    for step in bar:
        real = data[torch.randint(len(data), (batch_size,), generator=rng).to(device)]
        d_loss, g_loss = gan_step(generator, discriminator, real, opt_g, opt_d, noise_dim, kind, rng)
        run.history.log(d_loss=d_loss, g_loss=g_loss)
        if step % snapshot_every == 0 or step == steps:
            snapshot(step)
            bar.set_postfix(d_loss=f"{d_loss:.3f}", g_loss=f"{g_loss:.3f}")
    return run


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
