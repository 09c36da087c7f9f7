"""Lesson 4.6's experiments: a digits teacher, its pruned, quantized and distilled variants, and one table of them.

Every variant is measured the same way: bytes of its saved weights, median latency at batch 1 and
batch 64, and accuracy on the same held-out digits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from lib.compress.distillation import distillation_loss
from lib.compress.measure import median_latency_ms, serialized_bytes
from lib.core.seeding import seeded
from lib.core.validate import fraction, positive_int, positive_number
from lib.data.digits import load_digits_split
from lib.models.mlp import MLP
from lib.train.engine import accuracy, fit, make_batches

TEACHER_SIZES = (64, 512, 512, 10)
STUDENT_SIZES = (64, 32, 10)
Loss = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


@dataclass(frozen=True)
class DigitsData:
    """Flattened digits (64 pixels in [0, 1]) and labels, training and test splits."""

    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor


def digits_data(device: torch.device | str = "cpu") -> DigitsData:
    """scikit-learn's digits as flat rows, with lib's fixed stratified split (75% train, 25% test)."""
    train, test = load_digits_split()
    return DigitsData(train.flat.to(device), train.labels.to(device), test.flat.to(device), test.labels.to(device))


def few_labels(data: DigitsData, per_class: int, seed: int = 0) -> DigitsData:
    """The same data with only ``per_class`` training examples of each digit (chosen at random), test set unchanged."""
    positive_int("per_class", per_class)
    generator = torch.Generator().manual_seed(seed)
    chosen = []
    for digit in range(10):
        index = (data.y_train == digit).nonzero().flatten().cpu()
        if len(index) < per_class:
            raise ValueError(f"per_class must be at most {len(index)} (examples of digit {digit}), got {per_class}")
        chosen.append(index[torch.randperm(len(index), generator=generator)[:per_class]])
    rows = torch.cat(chosen).sort().values.to(data.x_train.device)
    return DigitsData(data.x_train[rows], data.y_train[rows], data.x_test, data.y_test)


def train_classifier(
    model: nn.Module,
    data: DigitsData,
    epochs: int,
    seed: int = 0,
    lr: float = 1e-3,
    loss_fn: Loss = F.cross_entropy,
    targets: torch.Tensor | None = None,
) -> nn.Module:
    """Train ``model`` on the training digits with lib's engine (AdamW, batches of 64); return it in eval mode.

    ``targets`` replaces the labels (e.g. labels packed with a teacher's logits for distillation).
    """
    positive_int("epochs", epochs)
    positive_number("lr", lr)
    y = data.y_train if targets is None else targets
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    metric = accuracy if targets is None else None
    fit(model, make_batches(data.x_train, y, 64, seed=seed), loss_fn, optimizer, epochs, metric=metric, progress=False)
    return model.eval()


def train_teacher(data: DigitsData, epochs: int = 12, seed: int = 0, sizes: Sequence[int] = TEACHER_SIZES) -> MLP:
    """The large model to compress: an MLP with two hidden layers of 512 and dropout 0.2."""
    with seeded(seed):
        model = MLP(tuple(sizes), dropout=0.2)
    return train_classifier(model, data, epochs, seed=seed)


def pack_targets(labels: torch.Tensor, teacher_logits: torch.Tensor) -> torch.Tensor:
    """Labels and the teacher's logits in one tensor (column 0 the label), so one batch source carries both."""
    if labels.shape[0] != teacher_logits.shape[0]:
        raise ValueError(
            f"labels and teacher_logits must have the same length, got {labels.shape[0]} and {teacher_logits.shape[0]}"
        )
    return torch.cat([labels[:, None].float(), teacher_logits.detach().float()], dim=1)


def distillation_objective(alpha: float = 0.5, temperature: float = 4.0) -> Loss:
    """Loss on packed targets: alpha · cross-entropy with the labels + (1 - alpha) · τ²·KL to the teacher at τ."""
    alpha = fraction("alpha", alpha, high_inclusive=True)
    positive_number("temperature", temperature)

    def loss(logits: torch.Tensor, packed: torch.Tensor) -> torch.Tensor:
        labels, teacher = packed[:, 0].long(), packed[:, 1:]
        return alpha * F.cross_entropy(logits, labels) + (1 - alpha) * distillation_loss(logits, teacher, temperature)

    return loss


def train_student(
    data: DigitsData,
    teacher: nn.Module | None,
    seed: int = 0,
    epochs: int = 30,
    sizes: Sequence[int] = STUDENT_SIZES,
    alpha: float = 0.5,
    temperature: float = 4.0,
) -> MLP:
    """A small MLP trained on the labels alone (``teacher=None``) or distilled from ``teacher``'s logits."""
    with seeded(seed):
        student = MLP(tuple(sizes))
    if teacher is None:
        return train_classifier(student, data, epochs, seed=seed, lr=3e-3)
    with torch.no_grad():
        teacher_logits = teacher.eval()(data.x_train)
    packed = pack_targets(data.y_train, teacher_logits)
    objective = distillation_objective(alpha, temperature)
    return train_classifier(student, data, epochs, seed=seed, lr=3e-3, loss_fn=objective, targets=packed)


def test_accuracy(model: nn.Module | Callable[[torch.Tensor], torch.Tensor], data: DigitsData) -> float:
    """Accuracy on the held-out digits."""
    with torch.no_grad():
        return accuracy(model(data.x_test), data.y_test)


@dataclass(frozen=True)
class Variant:
    """One row of the table: a model's name, parameters, saved bytes, median latencies (ms) and accuracy."""

    name: str
    parameters: int
    size_bytes: int
    latency_1_ms: float
    latency_64_ms: float
    accuracy: float


def measure_variant(name: str, model: nn.Module, data: DigitsData, repeats: int = 60) -> Variant:
    """Measure a model on the digits: bytes saved, median latency at batch 1 and 64, test accuracy."""
    parameters = sum(p.numel() for p in model.parameters()) + sum(
        b.numel() for n, b in model.named_buffers() if n.endswith(("q", "scale", "bias"))
    )
    return Variant(
        name,
        parameters,
        serialized_bytes(model),
        median_latency_ms(model, data.x_test[:1], repeats),
        median_latency_ms(model, data.x_test[:64], repeats),
        test_accuracy(model, data),
    )


def variants_table(variants: Sequence[Variant], reference: str | None = None) -> str:
    """The variants as a text table; sizes and latencies also relative to the ``reference`` row (default: first)."""
    if not variants:
        raise ValueError("variants must hold at least one Variant")
    base = next((v for v in variants if v.name == reference), variants[0])
    lines = [
        f"{'variant':34s} {'size':>10s} {'x':>5s} {'batch 1':>9s} {'batch 64':>9s} {'x':>5s} {'accuracy':>8s}",
        f"{'':34s} {'(KB)':>10s} {'':>5s} {'(ms)':>9s} {'(ms)':>9s} {'':>5s} {'':>8s}",
    ]
    for v in variants:
        lines.append(
            f"{v.name:34s} {v.size_bytes / 1e3:10.1f} {v.size_bytes / base.size_bytes:5.2f} "
            f"{v.latency_1_ms:9.3f} {v.latency_64_ms:9.3f} {v.latency_64_ms / base.latency_64_ms:5.2f} "
            f"{v.accuracy:8.3f}"
        )
    return "\n".join(lines)
