"""The exercises of lesson 5.8 (FAQ and errata): expected values from PyTorch and lib, not the learner's code."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from lib.course.exercises.base import Exercise
from lib.lessons.lesson_5_8_errata import adam_demo
from lib.scale.compute import training_flops

GRADIENTS = (torch.tensor([0.5, -2.0, 40.0], dtype=torch.float64), torch.tensor([0.1, -1.0, 10.0], dtype=torch.float64))
LOGITS = torch.tensor([[2.0, 0.5, -1.0], [0.1, 0.2, 3.0], [1.0, 1.0, 1.0], [-2.0, 4.0, 0.0]], dtype=torch.float64)
LABELS = torch.tensor([0, 1, 2, 1])


def _torch_adam_after_two_steps() -> torch.Tensor:
    theta = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.Adam([theta], lr=0.1)
    for g in GRADIENTS:
        theta.grad = g.clone()
        optimizer.step()
    return theta.detach()


def _adam_by_hand(article: bool = False) -> torch.Tensor:
    b1, b2, eps, lr = 0.9, 0.999, 1e-8, 0.1
    theta, m, v = (
        torch.zeros(3, dtype=torch.float64),
        torch.zeros(3, dtype=torch.float64),
        torch.zeros(3, dtype=torch.float64),
    )
    for t, g in enumerate(GRADIENTS, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g**2
        if article:
            theta = theta - lr * m / ((1 - b1**t) * (1 - b2**t))
        else:
            theta = theta - lr * (m / (1 - b1**t)) / ((v / (1 - b2**t)).sqrt() + eps)
    return theta


def _article_adam_recovers() -> bool:
    run = adam_demo(steps=300, lr=0.01)
    return run.article_losses[-1] < run.article_losses[0]


def _entropy_of_predictions() -> float:
    p = LOGITS.softmax(dim=1)
    return -(p * p.log()).sum(dim=1).mean().item()


EXERCISES: tuple[Exercise, ...] = (
    Exercise(
        "5.8.adam-converges",
        "does the article's Adam end lower than it started (300 steps, lr 0.01, the lesson's quadratic)?",
        "equal",
        expected=_article_adam_recovers,
        reference=lambda: False,
        wrong=lambda: True,
        hint="look at the size of its first step when the gradient is 100, and at what that does to the loss",
    ),
    Exercise(
        "5.8.adam-two-steps",
        "θ after two Adam steps from 0 with the two given gradients, lr 0.1",
        "tensor",
        atol=1e-9,
        rtol=1e-7,
        expected=_torch_adam_after_two_steps,
        reference=_adam_by_hand,
        wrong=lambda: _adam_by_hand(article=True),
        hint="keep both moving averages, correct each for its bias, and divide by the square root of the second",
    ),
    Exercise(
        "5.8.cross-entropy",
        "mean cross-entropy of LOGITS against LABELS",
        "close",
        rel=1e-9,
        expected=lambda: F.cross_entropy(LOGITS, LABELS).item(),
        reference=lambda: -LOGITS.log_softmax(dim=1)[torch.arange(4), LABELS].mean().item(),
        wrong=_entropy_of_predictions,
        hint="only the probability the model gives to each sample's true class enters the loss",
    ),
    Exercise(
        "5.8.compute-ratio",
        "compute of a 70B model over a 7B model, both trained on D = 20N tokens",
        "close",
        rel=1e-9,
        expected=lambda: training_flops(70e9, 20 * 70e9) / training_flops(7e9, 20 * 7e9),
        reference=lambda: (70 / 7) ** 2,
        wrong=lambda: 70 / 7,
        hint="both the parameters and the tokens grow by the same factor",
    ),
)
