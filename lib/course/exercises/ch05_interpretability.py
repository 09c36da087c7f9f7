"""The exercises of lesson 5.6 (interpretability): expected values from lib's attention and probe tools."""

from __future__ import annotations

import torch

from lib.core.seeding import local_generator
from lib.course.exercises.base import Exercise
from lib.models.attention_maps import previous_token_scores


def _maps_inputs() -> dict:
    scores = torch.randn(2, 3, 2, 6, 6, generator=local_generator(0))
    scores = scores.masked_fill(torch.ones(6, 6).triu(1).bool(), float("-inf"))
    return {"maps": scores.softmax(dim=-1)}


def _two_back(maps: torch.Tensor) -> torch.Tensor:
    """Mean weight on the token two steps back: lib's previous-token score of the maps shifted by one query."""
    return previous_token_scores(maps[..., 1:, :-1])


def _tables_inputs() -> dict:
    g = local_generator(1)
    return {"task": 0.5 + 0.4 * torch.rand(5, 3, generator=g), "control": 0.5 + 0.3 * torch.rand(5, 3, generator=g)}


EXERCISES: tuple[Exercise, ...] = (
    Exercise(
        "5.6.two-back-score",
        "each head's mean attention weight on the token two steps back",
        "tensor",
        atol=1e-6,
        rtol=1e-5,
        inputs=("maps",),
        example_inputs=_maps_inputs,
        expected=_two_back,
        reference=lambda maps: torch.stack([maps[:, :, :, t, t - 2] for t in range(2, maps.shape[-1])]).mean(
            dim=(0, 2)
        ),
        wrong=lambda maps: previous_token_scores(maps),
        hint="the weight a query at t puts on t-2 sits on a diagonal of each (T, T) map; average it over the "
        "windows and over every query that has a token two steps back, and keep layers and heads apart",
    ),
    Exercise(
        "5.6.control-peak-layer",
        "the layer whose linear probe scores highest on the control task",
        "equal",
        inputs=("control",),
        example_inputs=lambda: {"control": torch.tensor([[0.78, 0.77], [0.64, 0.65], [0.66, 0.65], [0.67, 0.66]])},
        expected=lambda control: int(control.mean(dim=1).argmax()),
        reference=lambda control: 0,
        wrong=lambda control: control.shape[0] - 1,
        hint="a control label depends only on which token it is; ask which layer keeps token identity in the "
        "cleanest form, before any context is mixed in",
    ),
    Exercise(
        "5.6.selectivity",
        "mean selectivity (task − control accuracy) of the last layer's probe",
        "close",
        rel=1e-6,
        inputs=("task", "control"),
        example_inputs=_tables_inputs,
        expected=lambda task, control: float((task[-1] - control[-1]).mean()),
        reference=lambda task, control: float(task[-1].mean() - control[-1].mean()),
        wrong=lambda task, control: float(task[-1].mean() - 0.5),
        hint="selectivity compares the probe with itself on random labels per token type, not with chance",
    ),
)
