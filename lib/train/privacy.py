"""Differentially private SGD (DP-SGD, 差分隐私随机梯度下降; Abadi et al. 2016, arXiv:1607.00133) on the engine.

DP-SGD bounds what any one training example can do to the model: it computes every example's own
gradient (逐样本梯度, here with ``torch.func``: ``vmap`` over ``grad``), clips each to norm at most C,
sums them, adds Gaussian noise of standard deviation σ·C, and divides by the expected batch size.
Batches are drawn by Poisson sampling (each example joins with probability q), which is what the
privacy analysis assumes. :func:`zcdp_epsilon` turns σ and the number of steps into an (ε, δ)
guarantee with a simple, loose bound that ignores the amplification sampling gives.
"""

from __future__ import annotations

import contextlib
import math
import warnings
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import torch
from torch import nn
from torch.func import functional_call, grad_and_value, vmap

from lib.core.validate import fraction, non_negative_number, positive_int, positive_number, seed_value

if TYPE_CHECKING:
    from lib.train.loop import Loop

# loss_of(call, inputs, targets): the mean loss of a batch, where call(*args) runs the model
LossOf = Callable[[Callable[..., Any], torch.Tensor, torch.Tensor], torch.Tensor]


@contextlib.contextmanager
def _math_attention() -> Iterator[None]:
    """Attention through its plain-math kernel, which vmap can batch (the fused CPU kernel has no rule)."""
    from torch.nn.attention import SDPBackend, sdpa_kernel

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*batching rule.*")
        with sdpa_kernel(SDPBackend.MATH):
            yield


def per_sample_gradients(
    model: nn.Module, loss_of: LossOf, inputs: torch.Tensor, targets: torch.Tensor
) -> tuple[dict[str, torch.Tensor], torch.Tensor]:
    """Every example's gradient of ``loss_of`` with respect to each trainable parameter, and every example's loss.

    Returns ({name: (batch, *param.shape)}, losses (batch,)): ``vmap`` runs ``grad`` of the loss of a
    batch of one over the batch dimension, in one pass instead of a Python loop.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if inputs.shape[0] != targets.shape[0]:
        raise ValueError(f"inputs and targets must have the same length, got {inputs.shape[0]} and {targets.shape[0]}")
    params = {k: v.detach() for k, v in model.named_parameters() if v.requires_grad}
    frozen = {k: v.detach() for k, v in model.named_parameters() if not v.requires_grad}
    buffers = {k: v.detach() for k, v in model.named_buffers()}

    def one(p: dict[str, torch.Tensor], x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        def call(*args: Any) -> Any:
            return functional_call(model, {**p, **frozen, **buffers}, args)

        return loss_of(call, x.unsqueeze(0), y.unsqueeze(0))

    if inputs.shape[0] == 0:
        empty = {k: v.new_zeros((0, *v.shape)) for k, v in params.items()}
        return empty, inputs.new_zeros(0, dtype=torch.float32)
    with _math_attention():
        grads, losses = vmap(grad_and_value(one), in_dims=(None, 0, 0), randomness="different")(params, inputs, targets)
    return grads, losses


def per_sample_gradients_loop(
    model: nn.Module, loss_of: LossOf, inputs: torch.Tensor, targets: torch.Tensor
) -> dict[str, torch.Tensor]:
    """The same per-example gradients, one backward pass per example: slow, and the reference to check against."""
    names = [k for k, v in model.named_parameters() if v.requires_grad]
    params = [v for v in model.parameters() if v.requires_grad]
    rows: list[tuple[torch.Tensor, ...]] = []
    for i in range(inputs.shape[0]):
        loss = loss_of(model, inputs[i : i + 1], targets[i : i + 1])
        rows.append(torch.autograd.grad(loss, params))
    return {name: torch.stack([row[j] for row in rows]) for j, name in enumerate(names)}


def _gradients(name: str, grads: object) -> dict[str, torch.Tensor]:
    """``grads`` if it maps parameter names to tensors, else an error naming the argument."""
    if not isinstance(grads, Mapping) or not all(isinstance(g, torch.Tensor) for g in grads.values()):
        raise TypeError(f"{name} must map parameter names to tensors, got {type(grads).__name__}")
    if not grads:
        raise ValueError(f"{name} must hold at least one parameter's gradients")
    return dict(grads)


def per_sample_norms(grads: dict[str, torch.Tensor]) -> torch.Tensor:
    """The L2 norm of each example's whole gradient (all parameters together): (batch,)."""
    grads = _gradients("grads", grads)
    return torch.sqrt(sum(g.flatten(1).pow(2).sum(dim=1) for g in grads.values()))


def clip_per_sample(grads: dict[str, torch.Tensor], max_norm: float) -> dict[str, torch.Tensor]:
    """Scale each example's gradient to norm at most ``max_norm`` (C): g · min(1, C / ‖g‖)."""
    grads = _gradients("grads", grads)
    max_norm = positive_number("max_norm", max_norm)
    norms = per_sample_norms(grads)
    factor = (max_norm / (norms + 1e-12)).clamp(max=1.0)
    return {k: g * factor.view(-1, *([1] * (g.ndim - 1))) for k, g in grads.items()}


def privatize(
    grads: dict[str, torch.Tensor],
    max_norm: float,
    noise_multiplier: float,
    expected_batch_size: float,
    generator: torch.Generator | None = None,
) -> dict[str, torch.Tensor]:
    """DP-SGD's gradient: (Σ clip(gᵢ, C) + N(0, σ²C²·I)) / (q·N), from per-example gradients (batch, ...)."""
    grads = _gradients("grads", grads)
    clipped = clip_per_sample(grads, max_norm) if next(iter(grads.values())).shape[0] else grads
    return add_noise(
        {k: g.sum(dim=0) for k, g in clipped.items()}, max_norm, noise_multiplier, expected_batch_size, generator
    )


def add_noise(
    summed: dict[str, torch.Tensor],
    max_norm: float,
    noise_multiplier: float,
    expected_batch_size: float,
    generator: torch.Generator | None = None,
) -> dict[str, torch.Tensor]:
    """The second half of :func:`privatize`: add N(0, σ²C²) to sums of clipped gradients, divide by q·N."""
    summed = _gradients("summed", summed)
    max_norm = positive_number("max_norm", max_norm)
    sigma = non_negative_number("noise_multiplier", noise_multiplier)
    positive_number("expected_batch_size", expected_batch_size)
    out = {}
    for name, total in summed.items():
        if sigma > 0:
            where = generator.device if generator is not None else total.device
            noise = torch.randn(total.shape, generator=generator, dtype=total.dtype, device=where)
            total = total + sigma * max_norm * noise.to(total.device)
        out[name] = total / expected_batch_size
    return out


class DPSGDStep:
    """A step for :func:`lib.train.loop.train`: per-sample gradients, clipping, noise, then the optimizer's update.

    ``loss_of(call, inputs, targets)`` is the mean loss of a batch (``call`` runs the model). The noise
    comes from the step's own seeded generator, saved in checkpoints with the run. Per-sample gradients
    are computed ``chunk_size`` examples at a time and clipped at once, so memory does not grow with the batch.
    """

    def __init__(
        self,
        loss_of: LossOf,
        max_norm: float,
        noise_multiplier: float,
        expected_batch_size: float,
        seed: int = 0,
        chunk_size: int = 16,
    ) -> None:
        if not callable(loss_of):
            raise TypeError(f"loss_of must be callable, got {type(loss_of).__name__}")
        self.loss_of = loss_of
        self.max_norm = positive_number("max_norm", max_norm)
        self.noise_multiplier = non_negative_number("noise_multiplier", noise_multiplier)
        self.expected_batch_size = positive_number("expected_batch_size", expected_batch_size)
        self.generator = torch.Generator().manual_seed(seed_value("seed", seed))
        self.chunk_size = positive_int("chunk_size", chunk_size)

    def __call__(self, loop: Loop, batch: Any) -> dict[str, torch.Tensor]:
        inputs, targets = loop.to_device(batch[0]), loop.to_device(batch[1])
        model = loop.module
        summed = {k: torch.zeros_like(v) for k, v in model.named_parameters() if v.requires_grad}
        losses = []
        for start in range(0, inputs.shape[0], self.chunk_size):  # chunks bound the memory of per-sample grads
            grads, chunk_losses = per_sample_gradients(
                model, self.loss_of, inputs[start : start + self.chunk_size], targets[start : start + self.chunk_size]
            )
            for name, g in clip_per_sample(grads, self.max_norm).items():
                summed[name] += g.sum(dim=0)
            losses.append(chunk_losses.detach())
        noisy = add_noise(summed, self.max_norm, self.noise_multiplier, self.expected_batch_size, self.generator)
        loop.optimizer.zero_grad(set_to_none=True)
        for name, p in model.named_parameters():
            if name in noisy:
                p.grad = noisy[name].to(p.dtype)
        loop.update()
        mean = torch.cat(losses).mean() if losses else torch.zeros((), device=inputs.device)
        return {"train_loss": mean}

    def state_dict(self) -> dict[str, Any]:
        """The noise generator's state, so a resumed run draws the same noise."""
        return {"generator": self.generator.get_state()}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Continue from :meth:`state_dict`."""
        self.generator.set_state(state["generator"])


class PoissonBatches:
    """Batches drawn by Poisson sampling: each example joins each batch independently with probability ``rate``.

    One pass (an epoch, for the engine) is ``round(1 / rate)`` batches, so each example is expected once.
    """

    def __init__(self, inputs: torch.Tensor, targets: torch.Tensor, rate: float, seed: int = 0) -> None:
        if inputs.shape[0] != targets.shape[0]:
            raise ValueError(
                f"inputs and targets must have the same length, got {inputs.shape[0]} and {targets.shape[0]}"
            )
        self.inputs, self.targets = inputs, targets
        self.rate = fraction("rate", rate, low_inclusive=False, high_inclusive=True)
        self.generator = torch.Generator().manual_seed(seed_value("seed", seed))

    def __len__(self) -> int:
        return max(1, round(1 / self.rate))

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        for _ in range(len(self)):
            keep = torch.rand(self.inputs.shape[0], generator=self.generator) < self.rate
            yield self.inputs[keep], self.targets[keep]


def zcdp_epsilon(noise_multiplier: float, steps: int, delta: float) -> float:
    """ε of (ε, δ)-DP after ``steps`` Gaussian steps of noise multiplier σ, ignoring subsampling: a loose bound.

    One step adds N(0, σ²C²) to a sum whose sensitivity to adding or removing one example is C: the
    Gaussian mechanism, ρ = 1/(2σ²)-zCDP (Bun & Steinke 2016, arXiv:1605.02065). Poisson sampling can
    only help (Rényi divergence is jointly quasi-convex), so T steps are at most Tρ-zCDP, which gives
    ε = ρT + 2·sqrt(ρT·ln(1/δ)). The real ε of DP-SGD, with sampling's amplification counted by a
    Rényi accountant, is much smaller; this bound is only an upper limit that is easy to trust.
    """
    sigma = positive_number("noise_multiplier", noise_multiplier)
    positive_int("steps", steps)
    delta = fraction("delta", delta, low_inclusive=False)
    rho = steps / (2 * sigma**2)
    return rho + 2 * math.sqrt(rho * math.log(1 / delta))


def rdp_gaussian_epsilon(
    noise_multiplier: float, steps: int, delta: float, orders: tuple[float, ...] | None = None
) -> float:
    """The same bound by Rényi DP: min over orders α of T·α/(2σ²) + ln(1/δ)/(α − 1) (Mironov 2017, arXiv:1702.07476).

    A numerical check of :func:`zcdp_epsilon`: over a fine grid of α it reaches the closed form from above.
    """
    sigma = positive_number("noise_multiplier", noise_multiplier)
    positive_int("steps", steps)
    delta = fraction("delta", delta, low_inclusive=False)
    grid = orders if orders is not None else tuple(1 + k / 1000 for k in range(1, 200001))
    return min(steps * a / (2 * sigma**2) + math.log(1 / delta) / (a - 1) for a in grid)
