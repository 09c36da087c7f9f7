"""Lesson 4.1's experiments: a linear model, an MLP and a CNN on the digits, with and without augmentation.

Every model trains by one recipe on the course's engine, so the comparison is about the model and the
data, not the optimizer. The widget's logic is here too: turn a digit drawn as text into an image,
perturb it, and show the image and the class probabilities as text.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from lib.core.seeding import seeded
from lib.core.validate import fraction, non_negative_number, one_of, positive_int, positive_number, seed_value
from lib.data.augment import AugmentedBatches, perturb, random_affine
from lib.models.cnn import DigitCNN
from lib.models.mlp import MLP
from lib.train.loop import train
from lib.train.schedules import warmup_cosine

MODEL_KINDS = ("linear", "mlp", "cnn")
IMAGE_SIZE = 8
INK = {".": 0.0, " ": 0.0, "+": 0.5, "#": 1.0}  # the drawing alphabet; digits 0-9 mean d/9


@dataclass(frozen=True)
class DigitRecipe:
    """How every model of the lesson is trained: AdamW with warm-up and cosine decay, and what augmentation does."""

    epochs: int = 40
    batch_size: int = 128
    lr: float = 1e-2
    weight_decay: float = 1e-4
    channels: tuple[int, int] = (16, 32)
    hidden: int = 64
    max_degrees: float = 15.0
    max_shift: float = 1.0
    p: float = 0.5

    def __post_init__(self) -> None:
        positive_int("epochs", self.epochs)
        positive_int("batch_size", self.batch_size)
        positive_number("lr", self.lr)
        non_negative_number("weight_decay", self.weight_decay)
        positive_int("hidden", self.hidden)
        non_negative_number("max_degrees", self.max_degrees)
        non_negative_number("max_shift", self.max_shift)
        fraction("p", self.p, high_inclusive=True)


def make_digit_model(kind: str, seed: int = 0, recipe: DigitRecipe = DigitRecipe()) -> nn.Module:
    """A fresh model that maps (N, 1, 8, 8) images to 10 logits: ``linear``, chapter 01's ``mlp``, or the ``cnn``."""
    one_of("kind", kind, MODEL_KINDS)
    with seeded(seed_value("seed", seed)):
        if kind == "linear":  # multinomial logistic regression on the 64 pixels
            return nn.Sequential(nn.Flatten(), nn.Linear(IMAGE_SIZE * IMAGE_SIZE, 10))
        if kind == "mlp":
            return nn.Sequential(nn.Flatten(), MLP((IMAGE_SIZE * IMAGE_SIZE, recipe.hidden, 10)))
        return DigitCNN(recipe.channels, image_size=IMAGE_SIZE)


def train_digit_model(
    kind: str,
    images: torch.Tensor,
    labels: torch.Tensor,
    seed: int = 0,
    augment: bool = False,
    recipe: DigitRecipe = DigitRecipe(),
    device: torch.device | str = "cpu",
) -> nn.Module:
    """Train a model of ``kind`` on (images, labels) by ``recipe``; return it in eval mode.

    With ``augment`` each batch is augmented afresh as the recipe says (``lib.data.augment``).
    """
    model = make_digit_model(kind, seed, recipe)
    # without augmentation, the same source with p=0: the same batches in the same order, untransformed
    p = recipe.p if augment else 0.0
    batches = AugmentedBatches(images, labels, recipe.batch_size, seed, recipe.max_degrees, recipe.max_shift, p)
    optimizer = torch.optim.AdamW(model.parameters(), lr=recipe.lr, weight_decay=recipe.weight_decay)
    total = recipe.epochs * len(batches)
    scheduler = warmup_cosine(optimizer, total // 20, total, min_ratio=0.0)
    train(
        model,
        batches,
        optimizer=optimizer,
        loss_fn=F.cross_entropy,
        epochs=recipe.epochs,
        scheduler=scheduler,
        device=device,
        progress=False,
    )
    return model.eval()


def perturbed_test_set(
    images: torch.Tensor, seed: int = 123, max_degrees: float = 15.0, max_shift: float = 1.0
) -> torch.Tensor:
    """The test images each turned and moved once by a random amount: a fixed, harder test set."""
    generator = torch.Generator().manual_seed(seed_value("seed", seed))
    return random_affine(images, max_degrees, max_shift, generator)


@torch.no_grad()
def predict_probabilities(model: nn.Module, images: torch.Tensor) -> torch.Tensor:
    """Class probabilities (N, 10) of ``model`` for images (N, 1, 8, 8): the softmax of its logits."""
    if not isinstance(images, torch.Tensor) or images.ndim != 4:
        raise ValueError(f"images must be (N, 1, H, W), got {getattr(images, 'shape', type(images).__name__)}")
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    probabilities = model(images.to(device)).float().softmax(dim=-1).cpu()
    model.train(was_training)
    return probabilities


def parse_drawing(text: str) -> torch.Tensor:
    """A digit drawn as 8 lines of 8 characters ('.' blank, '+' half ink, '#' full ink, 0-9 for d/9) -> (1, 8, 8)."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    lines = [line.rstrip() for line in text.strip("\n").splitlines()]
    lines = [line.ljust(IMAGE_SIZE, ".") for line in lines]
    if len(lines) != IMAGE_SIZE or any(len(line) != IMAGE_SIZE for line in lines):
        raise ValueError(f"text must be {IMAGE_SIZE} lines of at most {IMAGE_SIZE} characters, got {len(lines)} lines")
    values = []
    for line in lines:
        for char in line:
            if char in INK:
                values.append(INK[char])
            elif char.isdigit():
                values.append(int(char) / 9.0)
            else:
                raise ValueError(f"text may hold only '.', ' ', '+', '#' and digits, got {char!r}")
    return torch.tensor(values, dtype=torch.float32).view(1, IMAGE_SIZE, IMAGE_SIZE)


def ascii_image(image: torch.Tensor) -> str:
    """An image (1, H, W) in [0, 1] as text, one line per row: '.' below 0.25, '+' below 0.75, '#' above."""
    if not isinstance(image, torch.Tensor) or image.ndim != 3 or image.shape[0] != 1:
        raise ValueError(f"image must be (1, H, W), got {getattr(image, 'shape', type(image).__name__)}")
    rows = []
    for row in image[0].tolist():
        rows.append("".join("." if v < 0.25 else "+" if v < 0.75 else "#" for v in row))
    return "\n".join(rows)


def prediction_panel(image: torch.Tensor, probabilities: torch.Tensor, top: int = 3) -> str:
    """The image as text beside the ``top`` most likely classes with their probabilities and bars."""
    if not isinstance(probabilities, torch.Tensor) or probabilities.shape != (10,):
        raise ValueError(f"probabilities must be a tensor of shape (10,), got {getattr(probabilities, 'shape', None)}")
    positive_int("top", top)
    picture = ascii_image(image).splitlines()
    order = probabilities.argsort(descending=True).tolist()[:top]
    notes = [f"predicted {order[0]}", ""] + [
        f"{c}: {probabilities[c].item():5.1%} " + "█" * round(20 * probabilities[c].item()) for c in order
    ]
    notes += [""] * (len(picture) - len(notes))
    return "\n".join(f"{' '.join(row)}    {note}".rstrip() for row, note in zip(picture, notes, strict=False))


def perturbed_prediction(
    model: nn.Module,
    image: torch.Tensor,
    degrees: float = 0.0,
    dy: float = 0.0,
    dx: float = 0.0,
    noise: float = 0.0,
    erase: float = 0.0,
    seed: int = 0,
) -> tuple[torch.Tensor, torch.Tensor]:
    """The widget's logic: perturb one image (1, 8, 8) and return it with the model's class probabilities (10,)."""
    changed = perturb(image, degrees, dy, dx, noise, erase, seed)
    return changed, predict_probabilities(model, changed.unsqueeze(0))[0]
