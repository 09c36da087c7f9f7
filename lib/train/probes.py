"""Probes (探针): small classifiers on a frozen model's hidden states, and the control task that calibrates them.

A linear probe (线性探针) asks whether a property can be read off a layer's states by one linear
map. High accuracy alone does not say the *model* represents the property: a probe with enough
capacity can learn the task itself. Hewitt & Liang (2019, arXiv:1909.03368) therefore train the same
probe on a control task (对照任务) that assigns each token type a random label: selectivity =
task accuracy − control accuracy is high only when the states make the real labels easy and the
memorized ones hard. Probes train through the course's engine, ``lib.train.loop.train``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

import torch
import torch.nn.functional as F
from torch import nn

from lib.core.seeding import seeded
from lib.core.validate import non_negative_number, positive_int, positive_number, seed_value
from lib.train.batches import make_batches
from lib.train.loop import train


def make_probe(d_in: int, n_classes: int, hidden: int | None = None, seed: int = 0) -> nn.Module:
    """A linear probe (``hidden=None``) or a one-hidden-layer MLP probe, initialized from ``seed``."""
    d_in, n_classes = positive_int("d_in", d_in), positive_int("n_classes", n_classes, minimum=2)
    with seeded(seed_value("seed", seed)):
        if hidden is None:
            return nn.Linear(d_in, n_classes)
        hidden = positive_int("hidden", hidden)
        return nn.Sequential(nn.Linear(d_in, hidden), nn.ReLU(), nn.Linear(hidden, n_classes))


def _check_xy(name: str, x: torch.Tensor, y: torch.Tensor) -> None:
    if not isinstance(x, torch.Tensor) or x.ndim != 2 or not x.is_floating_point():
        raise ValueError(f"{name}_x must be a 2-D float tensor (n, features), got {getattr(x, 'shape', x)!r}")
    if not isinstance(y, torch.Tensor) or y.shape != (x.shape[0],) or y.dtype != torch.long:
        raise ValueError(f"{name}_y must be an int64 tensor of {x.shape[0]} labels, got {getattr(y, 'shape', y)!r}")


def probe_accuracy(
    train_x: torch.Tensor,
    train_y: torch.Tensor,
    test_x: torch.Tensor,
    test_y: torch.Tensor,
    seed: int = 0,
    hidden: int | None = None,
    epochs: int = 10,
    lr: float = 3e-3,
    weight_decay: float = 0.0,
    batch_size: int = 128,
) -> float:
    """Test accuracy of a probe trained on (train_x, train_y) with AdamW, features standardized on the train set."""
    _check_xy("train", train_x, train_y)
    _check_xy("test", test_x, test_y)
    if train_x.shape[1] != test_x.shape[1]:
        raise ValueError(f"train_x and test_x must have the same width, got {train_x.shape[1]} and {test_x.shape[1]}")
    positive_int("epochs", epochs)
    positive_number("lr", lr)
    non_negative_number("weight_decay", weight_decay)
    mean, std = train_x.mean(dim=0), train_x.std(dim=0).clamp(min=1e-6)
    train_x, test_x = (train_x - mean) / std, (test_x - mean) / std
    n_classes = max(int(train_y.max()), int(test_y.max())) + 1
    probe = make_probe(train_x.shape[1], max(n_classes, 2), hidden, seed)
    optimizer = torch.optim.AdamW(probe.parameters(), lr=lr, weight_decay=weight_decay)
    batches = make_batches(train_x, train_y, batch_size, seed=seed)
    train(probe, batches, optimizer=optimizer, loss_fn=F.cross_entropy, epochs=epochs, progress=False)
    with torch.no_grad():
        return (probe(test_x).argmax(dim=1) == test_y).float().mean().item()


class ProbeTable(NamedTuple):
    """Test accuracy (n_layers, n_seeds) of the probe on the task and on its control, and the layers probed."""

    layers: tuple[int, ...]
    task: torch.Tensor
    control: torch.Tensor

    @property
    def selectivity(self) -> torch.Tensor:
        """Task accuracy − control accuracy, (n_layers, n_seeds) (Hewitt & Liang 2019)."""
        return self.task - self.control


def probe_layers(
    states: Mapping[int, torch.Tensor],
    labels: torch.Tensor,
    control: torch.Tensor,
    train_index: torch.Tensor,
    test_index: torch.Tensor,
    seeds: Sequence[int] = (0, 1, 2),
    **probe_options: object,
) -> ProbeTable:
    """Probe every layer of ``states`` ({layer: (n_tokens, d)}) for ``labels`` and for ``control``, on every seed.

    The same train and test tokens serve the task and the control, so the two accuracies differ
    only in the labels. ``probe_options`` go to :func:`probe_accuracy` (hidden, epochs, lr, ...).
    """
    if not isinstance(states, Mapping) or not states or not all(isinstance(v, torch.Tensor) for v in states.values()):
        raise TypeError(f"states must map layer numbers to (n_tokens, d) tensors, got {type(states).__name__}")
    if not states:
        raise ValueError("states must hold at least one layer")
    if labels.shape != control.shape:
        raise ValueError(
            f"labels and control must have the same shape, got {tuple(labels.shape)} and {tuple(control.shape)}"
        )
    seeds = tuple(seed_value("seeds", s) for s in seeds)
    if not seeds:
        raise ValueError("seeds must name at least one seed")
    layers = tuple(sorted(states))
    task = torch.zeros(len(layers), len(seeds))
    ctrl = torch.zeros(len(layers), len(seeds))
    for i, layer in enumerate(layers):
        x = states[layer]
        if x.shape[0] != labels.shape[0]:
            raise ValueError(f"states[{layer}] has {x.shape[0]} rows, labels has {labels.shape[0]}")
        for j, seed in enumerate(seeds):
            for table, y in ((task, labels), (ctrl, control)):
                table[i, j] = probe_accuracy(
                    x[train_index], y[train_index], x[test_index], y[test_index], seed=seed, **probe_options
                )
    return ProbeTable(layers, task, ctrl)
