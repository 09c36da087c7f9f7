"""The course's training loop for lessons: ``fit`` runs the engine epoch by epoch, with evaluation after each.

``fit`` is a thin convenience on :func:`lib.train.loop.train` (the engine, which also runs by steps,
accumulates gradients, follows schedules, checkpoints and runs under ``torchrun``). This module
also gathers the names lessons import: ``History``, ``accuracy``, ``evaluate``, ``make_batches``,
``make_adamw`` and ``train``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import torch
from torch import nn

from lib.core.validate import positive_int
from lib.train.batches import make_batches
from lib.train.history import History
from lib.train.loop import train
from lib.train.metrics import Batch, LossFn, accuracy, evaluate
from lib.train.optimizers import make_adamw

__all__ = ["History", "accuracy", "evaluate", "fit", "make_adamw", "make_batches", "train"]


def fit(
    model: nn.Module,
    train_batches: Iterable[Batch],
    loss_fn: LossFn,
    optimizer: torch.optim.Optimizer,
    epochs: int,
    val_batches: Iterable[Batch] | None = None,
    device: torch.device | str = "cpu",
    metric: Callable[[torch.Tensor, torch.Tensor], float] | None = accuracy,
    grad_clip: float | None = None,
    progress: bool | None = None,
) -> History:
    """Train ``model`` for ``epochs`` passes over ``train_batches``; return the per-epoch history.

    ``train_batches`` and ``val_batches`` are re-iterable (a DataLoader or a list of (x, y)).
    History holds ``train_loss`` (mean over the epoch's batches) and, with validation data,
    ``val_loss`` and ``val_metric``, one value per epoch. The bar is hidden when ``progress=False``
    or COURSE_QUIET=1. A loss that stops being finite raises FloatingPointError.
    """
    positive_int("epochs", epochs)
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(f"optimizer must be a torch.optim.Optimizer, got {type(optimizer).__name__}")

    def validate(trained: nn.Module) -> dict[str, float]:
        return evaluate(trained, val_batches, loss_fn, device, metric)

    return train(
        model,
        train_batches,
        optimizer=optimizer,
        loss_fn=loss_fn,
        epochs=epochs,
        grad_clip=grad_clip,
        device=device,
        evaluate=validate if val_batches is not None else None,
        progress=progress,
        desc="epochs",
        source_name="train_batches",
    )
