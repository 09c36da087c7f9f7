"""Measuring a model: accuracy of its predictions and its mean loss over a set of batches."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import torch
from torch import nn

from lib.core.device import autocast
from lib.core.validate import tensor as check_tensor

Batch = tuple[torch.Tensor, torch.Tensor]
LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def accuracy(logits: torch.Tensor, targets: torch.Tensor) -> float:
    """Fraction of rows whose highest logit is the target class (or, for one logit, sign matches)."""
    check_tensor("logits", logits)
    check_tensor("targets", targets)
    if logits.numel() == 0:
        raise ValueError("logits must hold at least one row, got an empty tensor")
    if logits.ndim == 1 or logits.shape[-1] == 1:
        predictions = (logits.reshape(-1) > 0).long()
    else:
        predictions = logits.argmax(dim=-1)
    return (predictions == targets.reshape(-1).long()).float().mean().item()


@torch.no_grad()
def evaluate(
    model: nn.Module,
    batches: Iterable[Batch],
    loss_fn: LossFn,
    device: torch.device | str = "cpu",
    metric: Callable[[torch.Tensor, torch.Tensor], float] | None = accuracy,
) -> dict[str, float]:
    """Mean loss (and metric) over every sample of ``batches``, weighted by batch size."""
    was_training = model.training
    model.eval()
    total_loss, total_metric, count = 0.0, 0.0, 0
    for inputs, targets in batches:
        inputs, targets = inputs.to(device), targets.to(device)
        with autocast(device):
            outputs = model(inputs)
        if isinstance(outputs, tuple):  # a model that returns (outputs, loss) when given no targets
            outputs = outputs[0]
        outputs = outputs.float()
        n = targets.shape[0]
        total_loss += loss_fn(outputs, targets).item() * n
        if metric is not None:
            total_metric += metric(outputs, targets) * n
        count += n
    model.train(was_training)
    if count == 0:
        raise ValueError("batches was empty: nothing to evaluate")
    result = {"loss": total_loss / count}
    if metric is not None:
        result["metric"] = total_metric / count
    return result
