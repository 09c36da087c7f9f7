"""Pieces of lesson 1.6 (the training loop): preprocessing with training statistics, and a tiny loop to play with.

``standardize`` is the preprocessing step (预处理) of the flow chart; ``loss_curve`` runs mini-batch
SGD on the course's engine with or without ``optimizer.zero_grad()``, so a learner can see what
forgetting it does.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from lib.core.seeding import seeded
from lib.core.validate import positive_int, positive_number
from lib.models.mlp import MLP
from lib.train.batches import make_batches
from lib.train.loop import train
from lib.train.steps import SupervisedStep


def standardize(train: torch.Tensor, *others: torch.Tensor) -> tuple[torch.Tensor, ...]:
    """Scale every feature to mean 0 and standard deviation 1 using the *training* split's statistics only.

    The validation and test splits are transformed with the same mean and standard deviation, never
    their own: they stand for data the model has not seen. A constant feature is left unscaled.
    """
    tensors = (train, *others)
    if any(not isinstance(t, torch.Tensor) or t.ndim != 2 or not t.is_floating_point() for t in tensors):
        raise ValueError("train and others must be 2-D floating-point tensors (samples x features)")
    if len(train) < 2:
        raise ValueError(f"train must hold at least 2 samples to estimate a spread, got {len(train)}")
    if any(t.shape[1] != train.shape[1] for t in others):
        raise ValueError(f"every split must have {train.shape[1]} features, got {[t.shape[1] for t in others]}")
    mean = train.mean(dim=0)
    std = train.std(dim=0, correction=0)  # population standard deviation, as scikit-learn's StandardScaler
    std = torch.where(std > 0, std, torch.ones_like(std))
    return tuple((t - mean) / std for t in tensors)  # preprocess (预处理)


def loss_curve(
    inputs: torch.Tensor,
    targets: torch.Tensor,
    learning_rate: float,
    epochs: int = 30,
    zero_grad: bool = True,
    batch_size: int = 32,
    hidden: int = 32,
    seed: int = 0,
) -> list[float]:
    """Mini-batch SGD on a small MLP classifier; the mean cross-entropy of each epoch's batches.

    With ``zero_grad=False`` the gradients of all earlier steps pile up in ``.grad``, as in a loop
    that forgets ``optimizer.zero_grad()``. The list stops early if the loss stops being finite.
    """
    if not isinstance(inputs, torch.Tensor) or inputs.ndim != 2:
        raise ValueError("inputs must be a 2-D tensor (samples x features)")
    if not isinstance(targets, torch.Tensor) or targets.shape != (len(inputs),) or targets.dtype != torch.long:
        raise ValueError(f"targets must be a long tensor of shape ({len(inputs)},) holding class indices")
    positive_number("learning_rate", learning_rate)
    for name, value in (("epochs", epochs), ("batch_size", batch_size), ("hidden", hidden)):
        positive_int(name, value)
    with seeded(seed):
        model = MLP((inputs.shape[1], hidden, max(int(targets.max()) + 1, 2)))
    optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)
    history = train(
        model,
        make_batches(inputs, targets, batch_size, seed=seed),
        SupervisedStep(nn.CrossEntropyLoss(), zero_grad=zero_grad),
        optimizer=optimizer,
        epochs=epochs,
        device="cpu",
        on_nonfinite="stop",
        progress=False,
    )
    return list(history.metrics.get("train_loss", []))


def describe_curve(losses: list[float], every: int = 5, low: float = 1e-4, high: float = 1e4, width: int = 48) -> str:
    """A loss curve as text: every ``every``-th epoch's loss with a bar on a log scale from ``low`` to ``high``.

    A fixed scale lets two runs be compared by eye; losses outside it are clipped to its ends.
    """
    if not losses:
        raise ValueError("losses must hold at least one value")
    if not isinstance(every, int) or isinstance(every, bool) or every < 1:
        raise ValueError(f"every must be a positive int, got {every!r}")
    if not 0 < low < high:
        raise ValueError(f"low and high must satisfy 0 < low < high, got {low!r} and {high!r}")
    span = math.log10(high) - math.log10(low)
    lines = [f"epoch  {'loss':>9}  log scale from {low:g} to {high:g}"]
    epochs = sorted({*range(every, len(losses) + 1, every), 1, len(losses)})
    for epoch in epochs:
        loss = losses[epoch - 1]
        fraction = min(max((math.log10(max(loss, low)) - math.log10(low)) / span, 0.0), 1.0)
        lines.append(f"{epoch:>5}  {loss:>9.3g}  {'█' * round(fraction * width)}")
    return "\n".join(lines)
