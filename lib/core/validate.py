"""Argument checks that fail early with a message naming the argument and what was expected.

Every public function in lib validates its inputs with these, so a learner sees
``ValueError: n_layer must be a positive int, got 0`` instead of a traceback from deep in PyTorch.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from typing import TypeVar

import torch

T = TypeVar("T")


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_real(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def positive_int(name: str, value: object, minimum: int = 1) -> int:
    """``value`` as an int of at least ``minimum`` (1 unless said), else a ValueError naming ``name``."""
    if not _is_int(value) or value < minimum:
        expected = "a positive int" if minimum == 1 else f"an int of at least {minimum}"
        raise ValueError(f"{name} must be {expected}, got {value!r}")
    return value


def positive_number(name: str, value: object) -> float:
    """``value`` as a finite float above 0."""
    if not _is_real(value) or not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return float(value)


def non_negative_number(name: str, value: object) -> float:
    """``value`` as a finite float of at least 0."""
    if not _is_real(value) or not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a non-negative finite number, got {value!r}")
    return float(value)


def fraction(name: str, value: object, low_inclusive: bool = True, high_inclusive: bool = False) -> float:
    """``value`` as a float in the interval from 0 to 1 (ends open or closed as asked)."""
    ok = _is_real(value) and math.isfinite(value)
    ok = ok and (value >= 0 if low_inclusive else value > 0) and (value <= 1 if high_inclusive else value < 1)
    if not ok:
        interval = ("[" if low_inclusive else "(") + "0, 1" + ("]" if high_inclusive else ")")
        raise ValueError(f"{name} must be a number in {interval}, got {value!r}")
    return float(value)


def seed_value(name: str, value: object) -> int:
    """``value`` as a seed: an int in [0, 2**32)."""
    if not _is_int(value) or not 0 <= value < 2**32:
        raise ValueError(f"{name} must be an int in [0, 2**32), got {value!r}")
    return value


def one_of(name: str, value: T, choices: Collection[T]) -> T:
    """``value`` if it is one of ``choices``, else a ValueError listing them."""
    if value not in choices:
        raise ValueError(f"{name} must be one of {sorted(map(str, choices))}, got {value!r}")
    return value


def tensor(name: str, value: object, ndim: int | None = None, floating: bool = False) -> torch.Tensor:
    """``value`` if it is a tensor (of ``ndim`` dimensions, of a floating dtype, as asked)."""
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(value).__name__}")
    if ndim is not None and value.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimension(s), got shape {tuple(value.shape)}")
    if floating and not value.is_floating_point():
        raise ValueError(f"{name} must have a floating-point dtype, got {value.dtype}")
    return value
