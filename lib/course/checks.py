"""Exercise checks: tell a learner whether an answer is right, and say why when it is not.

A check prints one line with a tick when the answer is right and raises :class:`ExerciseError`
(an AssertionError) with a hint when it is wrong, so a wrong answer stops "Run all".
"""

from __future__ import annotations

import math
from typing import Any

import torch


class ExerciseError(AssertionError):
    """A learner's answer to an exercise is wrong; the message says how."""


def _number(value: Any, name: str) -> float:
    if isinstance(value, torch.Tensor):
        if value.numel() != 1:
            raise ExerciseError(f"{name}: expected a single number, got a tensor of shape {tuple(value.shape)}")
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ExerciseError(f"{name}: expected a number, got {type(value).__name__} {value!r}")
    return float(value)


def check_close(name: str, answer: Any, expected: float, rel: float = 1e-6, hint: str = "") -> None:
    """Pass when ``answer`` is within relative tolerance ``rel`` of ``expected``."""
    got = _number(answer, name)
    if not math.isclose(got, expected, rel_tol=rel, abs_tol=rel * 1e-3):
        message = f"{name}: your answer {got:g} is not {expected:g} (relative tolerance {rel:g})"
        raise ExerciseError(message + (f". Hint: {hint}" if hint else ""))
    print(f"✓ {name}: correct")


def check_equal(name: str, answer: Any, expected: Any, hint: str = "") -> None:
    """Pass when ``answer == expected`` exactly (ints, strings, tuples...)."""
    if answer != expected:
        message = f"{name}: your answer {answer!r} is not right"
        raise ExerciseError(message + (f". Hint: {hint}" if hint else ""))
    print(f"✓ {name}: correct")


def check_tensor(
    name: str, answer: Any, expected: torch.Tensor, atol: float = 1e-6, rtol: float = 1e-5, hint: str = ""
) -> None:
    """Pass when ``answer`` is a tensor of ``expected``'s shape and values (within tolerance)."""
    if not isinstance(answer, torch.Tensor):
        raise ExerciseError(f"{name}: expected a torch.Tensor, got {type(answer).__name__}")
    if answer.shape != expected.shape:
        raise ExerciseError(f"{name}: expected shape {tuple(expected.shape)}, got {tuple(answer.shape)}")
    if not torch.allclose(answer.detach().to(expected.dtype), expected, atol=atol, rtol=rtol):
        worst = (answer.detach().to(expected.dtype) - expected).abs().max().item()
        message = f"{name}: values differ (largest difference {worst:.3g})"
        raise ExerciseError(message + (f". Hint: {hint}" if hint else ""))
    print(f"✓ {name}: correct")


def expect_wrong(check, *args: Any, **kwargs: Any) -> str:
    """Run ``check`` on an answer that must be rejected; return the message it gave.

    Notebooks use this to prove a check is not one that always passes.
    """
    try:
        check(*args, **kwargs)
    except ExerciseError as err:
        return str(err)
    raise AssertionError("the check accepted an answer that is wrong")
