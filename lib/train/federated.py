"""Federated averaging (FedAvg, 联邦平均; McMahan et al. 2017, arXiv:1602.05629) on the course's engine.

Each round the server sends its model to every client; each client trains a copy on its own data
for a few local epochs of SGD (with :func:`lib.train.loop.train`) and sends back only the weights;
the server averages them, each weighted by the client's number of examples. The data never leave
the clients. With one client and one local step on its whole data set, a round is one step of
plain SGD: the unit tests check it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn

from lib.core.seeding import seeded
from lib.core.validate import positive_int, positive_number, seed_value
from lib.train.loop import train

Client = tuple[torch.Tensor, torch.Tensor]


def average_states(states: Sequence[dict[str, torch.Tensor]], weights: Sequence[float]) -> dict[str, torch.Tensor]:
    """The weighted mean of several state dicts (the weights are normalized to sum to one)."""
    if not isinstance(states, Sequence) or isinstance(states, str) or not all(isinstance(s, dict) for s in states):
        raise TypeError(f"states must be a sequence of state dicts, got {type(states).__name__}")
    if len(states) == 0 or len(states) != len(weights):
        raise ValueError(
            f"states and weights must be non-empty and of equal length, got {len(states)} and {len(weights)}"
        )
    if any(w < 0 for w in weights) or sum(weights) <= 0:
        raise ValueError(f"weights must be non-negative with a positive sum, got {list(weights)}")
    total = float(sum(weights))
    out = {}
    for name, first in states[0].items():
        if not torch.is_floating_point(first):
            out[name] = first.clone()  # integer buffers (counters) are not averaged
            continue
        out[name] = sum(s[name].double() * (w / total) for s, w in zip(states, weights, strict=True)).to(first.dtype)
    return out


class ShuffledBatches:
    """Mini-batches of in-memory tensors, reshuffled every pass by a seeded generator (no DataLoader overhead).

    A client holds a few dozen examples and trains for a few steps per round: DataLoader's per-example
    collation would cost more than the training. Each pass draws a new order.
    """

    def __init__(self, inputs: torch.Tensor, targets: torch.Tensor, batch_size: int, seed: int = 0) -> None:
        if inputs.shape[0] != targets.shape[0] or inputs.shape[0] == 0:
            raise ValueError(
                f"inputs and targets must be non-empty and equally long, got {inputs.shape[0]} and {targets.shape[0]}"
            )
        self.inputs, self.targets = inputs, targets
        self.batch_size = positive_int("batch_size", batch_size)
        self.generator = torch.Generator().manual_seed(seed_value("seed", seed))

    def __len__(self) -> int:
        return -(-self.inputs.shape[0] // self.batch_size)

    def __iter__(self) -> Iterator[Client]:
        order = torch.randperm(self.inputs.shape[0], generator=self.generator)
        for start in range(0, len(order), self.batch_size):
            index = order[start : start + self.batch_size]
            yield self.inputs[index], self.targets[index]


def local_update(
    model: nn.Module,
    inputs: torch.Tensor,
    targets: torch.Tensor,
    epochs: int,
    lr: float,
    batch_size: int,
    seed: int = 0,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] = F.cross_entropy,
    device: torch.device | str = "cpu",
) -> dict[str, torch.Tensor]:
    """A client's part of a round: a copy of ``model`` trained by SGD on its data; return its weights."""
    local = copy.deepcopy(model)
    optimizer = torch.optim.SGD(local.parameters(), lr=positive_number("lr", lr))
    batches = ShuffledBatches(inputs, targets, positive_int("batch_size", batch_size), seed=seed)
    train(
        local,
        batches,
        optimizer=optimizer,
        loss_fn=loss_fn,
        epochs=positive_int("epochs", epochs),
        device=device,
        progress=False,
    )
    return {k: v.detach() for k, v in local.state_dict().items()}


@dataclass
class FedAvgRun:
    """A federated run: the final model and, per round, the metrics ``evaluate`` returned."""

    model: nn.Module
    rounds: list[int] = field(default_factory=list)
    metrics: dict[str, list[float]] = field(default_factory=dict)


def fedavg(
    model: nn.Module,
    clients: Sequence[Client],
    rounds: int,
    local_epochs: int,
    lr: float,
    batch_size: int,
    evaluate: Callable[[nn.Module], dict[str, float]] | None = None,
    seed: int = 0,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] = F.cross_entropy,
    device: torch.device | str = "cpu",
) -> FedAvgRun:
    """Train ``model`` (in place) by FedAvg over ``clients`` [(inputs, targets), ...] for ``rounds`` rounds.

    Every client takes part in every round (McMahan et al.'s C = 1); each trains ``local_epochs``
    epochs of SGD with ``batch_size`` and ``lr``, shuffled by a seed that depends on ``seed``, the
    round and the client. ``evaluate(model)`` runs after each round.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if len(clients) == 0:
        raise ValueError("clients must hold at least one (inputs, targets) pair")
    positive_int("rounds", rounds)
    seed_value("seed", seed)
    run = FedAvgRun(model)
    model.to(device)
    sizes = [len(y) for _, y in clients]
    for r in range(1, rounds + 1):
        states = [
            local_update(
                model, x, y, local_epochs, lr, batch_size, (seed * 7919 + r * 1009 + k) % 2**31, loss_fn, device
            )
            for k, (x, y) in enumerate(clients)
        ]
        model.load_state_dict(average_states(states, sizes))
        if evaluate is not None:
            run.rounds.append(r)
            for name, value in evaluate(model).items():
                run.metrics.setdefault(name, []).append(float(value))
    return run


def seeded_model(make: Callable[[], nn.Module], seed: int) -> nn.Module:
    """``make()`` built inside ``seeded(seed)``: the same initial weights for every method compared."""
    if not callable(make):
        raise TypeError(f"make must be a callable that builds the model, got {type(make).__name__}")
    with seeded(seed_value("seed", seed)):
        return make()
