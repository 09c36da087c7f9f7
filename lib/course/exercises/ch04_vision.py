"""The exercises of lesson 4.1 (image recognition): expected values from lib and PyTorch, not the learner's code."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from lib.core.seeding import seeded
from lib.course.exercises.base import Exercise
from lib.data.augment import affine
from lib.models.cnn import conv2d_parameter_count

# 4.1 Image recognition


def _most_common(predictions: torch.Tensor) -> int:
    return int(torch.bincount(predictions.flatten().long(), minlength=10).argmax())


def _predictions_inputs() -> dict[str, Any]:
    return {"predictions": torch.tensor([9, 9, 5, 9, 6, 9, 8])}


def _where_pixel_goes(row: int, col: int, degrees: float) -> tuple[int, int]:
    """Turn an 8x8 image holding one lit pixel with lib's affine, and find where the pixel landed."""
    image = torch.zeros(1, 1, 8, 8)
    image[0, 0, row, col] = 1.0
    flat = int(affine(image, degrees)[0, 0].argmax())
    return divmod(flat, 8)


def _conv_parameters() -> int:
    with seeded(0):  # building a layer draws its initial weights: leave the caller's generator alone
        layer_count = sum(p.numel() for p in nn.Conv2d(16, 32, 3).parameters())
    assert layer_count == conv2d_parameter_count(3, 16, 32)
    return layer_count


EXERCISES: tuple[Exercise, ...] = (
    Exercise(
        "4.1.upside-down-six",
        "what the CNN calls an upside-down 6",
        "equal",
        inputs=("predictions",),
        example_inputs=_predictions_inputs,
        expected=_most_common,
        reference=lambda predictions: 9,
        wrong=lambda predictions: 6,
        hint="the network learned turns of at most 15 degrees; which digit looks like a 6 turned by 180?",
    ),
    Exercise(
        "4.1.quarter-turn-pixel",
        "where pixel (1, 4) goes after a quarter turn",
        "equal",
        expected=lambda: _where_pixel_goes(1, 4, 90.0),
        reference=lambda: (3, 1),
        wrong=lambda: (4, 6),
        hint="measure from the centre (3.5, 3.5); a counter-clockwise turn moves a pixel above the centre to its left",
    ),
    Exercise(
        "4.1.conv-parameters",
        "parameters of a 3x3 convolution from 16 to 32 channels",
        "equal",
        expected=_conv_parameters,
        reference=lambda: (3 * 3 * 16 + 1) * 32,
        wrong=lambda: 3 * 3 * 16 * 32,
        hint="each output channel has one weight per input channel and filter position, and one more number",
    ),
)
