"""Training a GAN on the engine: one round of the game is a step plugged into :func:`lib.train.loop.train`.

The players and the objective are in ``lib.models.gan``. A round updates the discriminator on real
and fake samples, then the generator against the updated discriminator, each with its own Adam.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn

from lib.core.device import autocast as default_autocast
from lib.core.validate import positive_int, positive_number
from lib.models.gan import GENERATOR_LOSSES, discriminator_loss, generator_loss, sample_noise
from lib.train.history import History
from lib.train.loop import Loop, train
from lib.train.precision import resolve_precision


def gan_step(
    generator: nn.Module,
    discriminator: nn.Module,
    real: torch.Tensor,
    opt_g: torch.optim.Optimizer,
    opt_d: torch.optim.Optimizer,
    noise_dim: int,
    kind: str = "non_saturating",
    rng: torch.Generator | None = None,
    autocast: Callable[[], contextlib.AbstractContextManager] | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """One round of the game: a discriminator update on real and fake, then a generator update.

    Returns (discriminator loss, generator loss) as detached scalar tensors, left on the device.
    The fakes are detached for D's update, so that D's step does not move G; G's step then sees the
    updated D. ``autocast`` makes the mixed-precision context (default: bf16 on CUDA).
    """
    if kind not in GENERATOR_LOSSES:
        raise ValueError(f"kind must be one of {GENERATOR_LOSSES}, got {kind!r}")
    if not isinstance(real, torch.Tensor) or real.ndim != 2:
        raise ValueError(f"real must be a (batch, features) tensor, got {getattr(real, 'shape', type(real))}")
    device = real.device
    mixed = autocast if autocast is not None else (lambda: default_autocast(device))
    n = real.shape[0]
    # 1. discriminator: maximize V, i.e. minimize BCE (real -> 1, fake -> 0)
    with torch.no_grad(), mixed():
        fake = generator(sample_noise(n, noise_dim, device, rng))
    with mixed():
        d_loss = discriminator_loss(discriminator(real).float(), discriminator(fake.float()).float())
    opt_d.zero_grad(set_to_none=True)
    d_loss.backward()
    opt_d.step()
    # 2. generator: fool the updated discriminator
    with mixed():
        fake_logits = discriminator(generator(sample_noise(n, noise_dim, device, rng))).float()
    g_loss = generator_loss(fake_logits, kind)
    opt_g.zero_grad(set_to_none=True)
    g_loss.backward()
    opt_g.step()
    return d_loss.detach(), g_loss.detach()


class GANStep:
    """:func:`gan_step` as an engine step: the batch is a batch of real samples; logs ``d_loss`` and ``g_loss``."""

    def __init__(
        self,
        generator: nn.Module,
        discriminator: nn.Module,
        opt_g: torch.optim.Optimizer,
        opt_d: torch.optim.Optimizer,
        noise_dim: int,
        kind: str = "non_saturating",
        rng: torch.Generator | None = None,
    ) -> None:
        positive_int("noise_dim", noise_dim)
        if kind not in GENERATOR_LOSSES:
            raise ValueError(f"kind must be one of {GENERATOR_LOSSES}, got {kind!r}")
        self.generator, self.discriminator, self.opt_g, self.opt_d = generator, discriminator, opt_g, opt_d
        self.noise_dim, self.kind, self.rng = noise_dim, kind, rng

    def __call__(self, loop: Loop, real: torch.Tensor) -> dict[str, torch.Tensor]:
        d_loss, g_loss = gan_step(
            self.generator, self.discriminator, loop.to_device(real), self.opt_g, self.opt_d,
            self.noise_dim, self.kind, self.rng, loop.autocast,
        )  # fmt: skip
        return {"d_loss": d_loss, "g_loss": g_loss}

    def state_dict(self) -> dict[str, Any]:
        """Both optimizers and the noise generator, for a checkpoint (the engine saves the models)."""
        rng = self.rng.get_state() if self.rng is not None else None
        return {"opt_g": self.opt_g.state_dict(), "opt_d": self.opt_d.state_dict(), "rng": rng}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Continue from what :meth:`state_dict` returned."""
        self.opt_g.load_state_dict(state["opt_g"])
        self.opt_d.load_state_dict(state["opt_d"])
        if self.rng is not None and state["rng"] is not None:
            self.rng.set_state(state["rng"])


class RealSamples:
    """An endless source of batches of rows of ``data``, drawn with replacement by ``generator``."""

    def __init__(self, data: torch.Tensor, batch_size: int, generator: torch.Generator) -> None:
        self.data, self.batch_size, self.generator = data, positive_int("batch_size", batch_size), generator

    def __iter__(self):
        while True:
            index = torch.randint(len(self.data), (self.batch_size,), generator=self.generator)
            yield self.data[index.to(self.data.device)]


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
        positive_int("step", step, minimum=0)
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

    Batches are drawn with replacement from ``data`` by a generator seeded with ``seed`` (which also
    draws the noise). Every ``snapshot_every`` steps (and at step 0, before any update) G's samples
    for one fixed noise batch are kept on the CPU. The history holds both losses at every step, read
    from the device once per ``snapshot_every`` steps; a progress bar shows unless COURSE_QUIET=1.
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
    positive_number("lr", lr)
    if kind not in GENERATOR_LOSSES:
        raise ValueError(f"kind must be one of {GENERATOR_LOSSES}, got {kind!r}")
    device = torch.device(device)
    rng = torch.Generator().manual_seed(seed)
    generator.to(device).train()
    discriminator.to(device).train()
    opt_g = torch.optim.Adam(generator.parameters(), lr=lr, betas=betas)
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=lr, betas=betas)
    run = GANRun(generator, discriminator, History(), sample_noise(n_snapshot, noise_dim, "cpu", rng))
    precision = resolve_precision("auto", device)
    precision = "fp32" if precision == "fp16" else precision  # two optimizers, no gradient scaler: no fp16

    def snapshot(step: int) -> None:
        if step % snapshot_every == 0 or step == steps:
            with torch.no_grad(), default_autocast(device):
                run.snapshots[step] = generator(run.noise.to(device)).float().cpu()

    snapshot(0)
    run.history = train(
        nn.ModuleDict({"generator": generator, "discriminator": discriminator}),
        RealSamples(data.to(device), batch_size, rng),
        GANStep(generator, discriminator, opt_g, opt_d, noise_dim, kind, rng),
        steps=steps,
        precision=precision,
        device=device,
        log_every=snapshot_every,
        keep_every_step=True,
        on_step=snapshot,
        desc="GAN steps",
    )
    return run
