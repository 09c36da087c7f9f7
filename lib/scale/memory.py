"""Memory to train a model: weights, gradients, optimizer state and activations, by formula and measured.

The formulas follow ZeRO (Rajbhandari et al. 2020, arXiv:1910.02054) for the model state and
Korthikanti et al. 2022 (arXiv:2205.05198) for a Transformer layer's activations. The measuring
functions count the bytes that real tensors hold, so a lesson can check each formula against PyTorch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import torch

from lib.core.validate import one_of, positive_int

PRECISIONS = ("fp32", "mixed")
OPTIMIZERS = ("sgd", "momentum", "adam")
ZERO_STAGES = (0, 1, 2, 3)
# fp32 state each optimizer keeps per parameter: momentum one buffer, Adam two moments.
OPTIMIZER_STATE_BYTES = {"sgd": 0, "momentum": 4, "adam": 8}


@dataclass(frozen=True)
class ModelStateBytes:
    """Bytes of training state on one device, by kind."""

    weights: float
    gradients: float
    master_weights: float
    optimizer: float

    @property
    def total(self) -> float:
        """All four kinds together."""
        return self.weights + self.gradients + self.master_weights + self.optimizer


def model_state_bytes(
    n_parameters: int,
    precision: str = "mixed",
    optimizer: str = "adam",
    zero_stage: int = 0,
    data_parallel: int = 1,
) -> ModelStateBytes:
    """Per-device bytes of weights, gradients, fp32 master weights and optimizer state.

    ``mixed``: 16-bit weights and gradients (2 + 2 bytes), an fp32 master copy (4) and the optimizer's
    fp32 state (Adam 8): 16 bytes per parameter. ``fp32``: 4 + 4 and no master copy. ZeRO stage 1
    splits the optimizer state and master weights across ``data_parallel`` devices, stage 2 also the
    gradients, stage 3 also the weights.
    """
    n = positive_int("n_parameters", n_parameters)
    one_of("precision", precision, PRECISIONS)
    one_of("optimizer", optimizer, OPTIMIZERS)
    one_of("zero_stage", zero_stage, ZERO_STAGES)
    dp = positive_int("data_parallel", data_parallel)
    low = 2 if precision == "mixed" else 4
    master = 4 if precision == "mixed" else 0
    optim = OPTIMIZER_STATE_BYTES[optimizer]
    shard = {kind: (dp if zero_stage >= stage else 1) for kind, stage in (("opt", 1), ("grad", 2), ("weight", 3))}
    return ModelStateBytes(
        weights=n * low / shard["weight"],
        gradients=n * low / shard["grad"],
        master_weights=n * master / shard["opt"],
        optimizer=n * optim / shard["opt"],
    )


def transformer_activation_bytes(
    seq_len: int,
    batch: int,
    d_model: int,
    n_head: int,
    n_layer: int,
    recompute: str = "none",
) -> float:
    """Activation bytes one training step stores for backward in ``n_layer`` Transformer layers (16-bit values).

    Korthikanti et al. (2022), eq. 1, with dropout: s·b·h·(34 + 5·a·s/h) per layer. With full
    activation checkpointing (``recompute="full"``) only each layer's 16-bit input is kept: 2·s·b·h.
    """
    s, b = positive_int("seq_len", seq_len), positive_int("batch", batch)
    h, a = positive_int("d_model", d_model), positive_int("n_head", n_head)
    layers = positive_int("n_layer", n_layer)
    one_of("recompute", recompute, ("none", "full"))
    per_layer = s * b * h * (34 + 5 * a * s / h) if recompute == "none" else 2 * s * b * h
    return layers * per_layer


def _storage_key(tensor: torch.Tensor) -> tuple[Any, ...]:
    storage = tensor.untyped_storage()
    return (tensor.device.type, storage.data_ptr(), storage.nbytes())


def tensor_bytes(tensors: list[torch.Tensor]) -> int:
    """Bytes of the distinct storages behind ``tensors`` (a view or a repeat is counted once)."""
    if isinstance(tensors, torch.Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError(f"tensors must be a list of torch.Tensor, got {type(tensors).__name__}")
    seen: dict[tuple[Any, ...], int] = {}
    for t in tensors:
        if not isinstance(t, torch.Tensor):
            raise TypeError(f"tensors must hold only torch.Tensor, got {type(t).__name__}")
        seen[_storage_key(t)] = t.untyped_storage().nbytes()
    return sum(seen.values())


def measured_model_state_bytes(model: torch.nn.Module, optimizer: torch.optim.Optimizer | None = None) -> dict:
    """Bytes that ``model``'s parameters, their gradients and ``optimizer``'s state tensors really hold."""
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    params = list(model.parameters())
    grads = [p.grad for p in params if p.grad is not None]
    state: list[torch.Tensor] = []
    if optimizer is not None:
        for per_param in optimizer.state.values():
            state += [v for v in per_param.values() if isinstance(v, torch.Tensor) and v.ndim > 0]
    return {"weights": tensor_bytes(params), "gradients": tensor_bytes(grads), "optimizer": tensor_bytes(state)}


def saved_activation_bytes(fn: Callable[[], Any], exclude: Iterable[torch.Tensor] = ()) -> int:
    """Bytes of the distinct tensors autograd saves for backward while ``fn()`` runs.

    Pass ``exclude=model.parameters()`` to leave out the weights, which backward also needs but which
    are model state, not activations.
    """
    if not callable(fn):
        raise TypeError(f"fn must be a callable taking no arguments, got {type(fn).__name__}")
    skip = {_storage_key(t) for t in exclude}
    saved: list[torch.Tensor] = []

    def pack(tensor: torch.Tensor) -> torch.Tensor:
        if _storage_key(tensor) not in skip:
            saved.append(tensor)
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        fn()
    return tensor_bytes(saved)


def model_state_report(
    n_parameters: int,
    zero_stage: int = 0,
    data_parallel: int = 8,
    precision: str = "mixed",
    optimizer: str = "adam",
) -> str:
    """A short table of the training state one device holds, in GiB by kind, for a widget or a print.

    The numbers are :func:`model_state_bytes`'s; the last line says whether it fits an 80 GiB GPU.
    """
    state = model_state_bytes(n_parameters, precision, optimizer, zero_stage, data_parallel)
    gib = 2**30
    rows = [
        f"{n_parameters / 1e9:.3g}B parameters, ZeRO stage {zero_stage}, {data_parallel} devices, "
        f"{precision}, {optimizer}",
        f"  weights         {state.weights / gib:10.2f} GiB",
        f"  gradients       {state.gradients / gib:10.2f} GiB",
        f"  master weights  {state.master_weights / gib:10.2f} GiB",
        f"  optimizer state {state.optimizer / gib:10.2f} GiB",
        f"  total           {state.total / gib:10.2f} GiB per device",
        "  fits an 80 GiB GPU (before activations)" if state.total < 80 * gib else "  does NOT fit an 80 GiB GPU",
    ]
    return "\n".join(rows)
