"""Generative adversarial networks (生成对抗网络, GAN): a generator and a discriminator trained against each other.

Goodfellow et al. (2014), arXiv:1406.2661. The discriminator D outputs a logit (sigmoid gives the
probability that its input is real), so every loss here is binary cross-entropy on logits, which
stays finite where log(sigmoid(.)) computed from probabilities would underflow to log(0).
This module holds the players and the objective; the training step and loop are in ``lib.train.gan``.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from lib.core.validate import positive_int
from lib.models.mlp import MLP

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
