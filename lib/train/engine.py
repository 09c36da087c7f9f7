"""One training loop for the whole course: ``fit`` with a progress bar, a history, and evaluation.

The loop is the one of the source article's flow chart (section 2.5): forward pass, loss,
backward pass, parameter update, evaluation, repeat. Each step is one commented line below.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import torch
from torch import nn
from tqdm.auto import tqdm

from lib.core.device import autocast
from lib.core.progress import is_quiet

Batch = tuple[torch.Tensor, torch.Tensor]
LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


@dataclass
class History:
    """Metrics by epoch: ``history["train_loss"]`` is a list with one value per epoch."""

    metrics: dict[str, list[float]] = field(default_factory=dict)

    def log(self, **values: float) -> None:
        """Append one value to each named metric."""
        for name, value in values.items():
            self.metrics.setdefault(name, []).append(float(value))

    def __getitem__(self, name: str) -> list[float]:
        if name not in self.metrics:
            raise KeyError(f"no metric {name!r}; have {sorted(self.metrics)}")
        return self.metrics[name]

    def last(self, name: str) -> float:
        """The latest value of a metric."""
        return self[name][-1]


def accuracy(logits: torch.Tensor, targets: torch.Tensor) -> float:
    """Fraction of rows whose highest logit is the target class (or, for one logit, sign matches)."""
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
    ``val_loss`` and ``val_metric``. The bar is hidden when ``progress=False`` or COURSE_QUIET=1.
    """
    if not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs must be a positive int, got {epochs!r}")
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(f"optimizer must be a torch.optim.Optimizer, got {type(optimizer).__name__}")
    if grad_clip is not None and not grad_clip > 0:
        raise ValueError(f"grad_clip must be positive or None, got {grad_clip!r}")
    show = (not is_quiet()) if progress is None else progress
    history = History()
    model.to(device)
    bar = tqdm(range(epochs), desc="epochs", disable=not show)
    for _epoch in bar:
        model.train()
        losses = []
        for inputs, targets in train_batches:
            inputs, targets = inputs.to(device), targets.to(device)
            with autocast(device):
                outputs = model(inputs)  # forward pass (前向传播)
            loss = loss_fn(outputs.float(), targets)  # loss (损失函数)
            if not math.isfinite(loss.item()):
                raise FloatingPointError(f"loss became {loss.item()} in epoch {_epoch}; lower the learning rate")
            optimizer.zero_grad(set_to_none=True)
            loss.backward()  # backward pass (反向传播)
            if grad_clip is not None:
                nn.utils.clip_grad_norm_(model.parameters(), grad_clip)
            optimizer.step()  # parameter update (更新参数)
            losses.append(loss.item())
        if not losses:
            raise ValueError("train_batches was empty: nothing to train on")
        history.log(train_loss=sum(losses) / len(losses))
        if val_batches is not None:  # evaluation (评估模型)
            scores = evaluate(model, val_batches, loss_fn, device, metric)
            history.log(val_loss=scores["loss"])
            if "metric" in scores:
                history.log(val_metric=scores["metric"])
        bar.set_postfix({k: f"{v[-1]:.4f}" for k, v in history.metrics.items()})
    return history


def make_batches(
    inputs: torch.Tensor,
    targets: torch.Tensor,
    batch_size: int,
    shuffle: bool = True,
    seed: int = 0,
) -> torch.utils.data.DataLoader:
    """A DataLoader over in-memory tensors with a seeded shuffle, so every run sees the same order."""
    if inputs.shape[0] != targets.shape[0]:
        raise ValueError(f"inputs and targets must have the same length, got {inputs.shape[0]} and {targets.shape[0]}")
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive int, got {batch_size!r}")
    dataset = torch.utils.data.TensorDataset(inputs, targets)
    generator = torch.Generator().manual_seed(seed)
    return torch.utils.data.DataLoader(dataset, batch_size=batch_size, shuffle=shuffle, generator=generator)


def adamw(
    model: nn.Module,
    lr: float = 3e-4,
    weight_decay: float = 0.1,
    betas: tuple[float, float] = (0.9, 0.95),
    device: torch.device | str = "cpu",
) -> torch.optim.AdamW:
    """AdamW as large models are trained: decay only matrices (not biases, norms); fused kernel on CUDA.

    Weight decay pulls weights toward zero; applied to a LayerNorm's scale or a bias it only hurts.
    """
    if not lr > 0:
        raise ValueError(f"lr must be positive, got {lr!r}")
    if not weight_decay >= 0:
        raise ValueError(f"weight_decay must be non-negative, got {weight_decay!r}")
    params = [p for p in model.parameters() if p.requires_grad]
    if not params:
        raise ValueError("model has no trainable parameters")
    groups = [
        {"params": [p for p in params if p.ndim >= 2], "weight_decay": weight_decay},
        {"params": [p for p in params if p.ndim < 2], "weight_decay": 0.0},
    ]
    fused = torch.device(device).type == "cuda"
    return torch.optim.AdamW(groups, lr=lr, betas=betas, fused=fused)
