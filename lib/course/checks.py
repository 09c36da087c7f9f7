"""Exercise checks: tell a learner whether an answer is right, and say why when it is not.

A check prints one line with a tick when the answer is right and raises :class:`ExerciseError`
(an AssertionError) with a hint when it is wrong, so a wrong answer stops "Run all". A failure
message never prints the expected value: it says what kind of mistake the answer shows (wrong
type, shape, dtype, too large or too small) and adds the hint.

Lessons do not call these with an expected value; they call ``lib.course.exercises.check(id, answer)``,
whose registry holds the expected values out of the student's sight and calls these.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from lib.core.validate import non_negative_number


class ExerciseError(AssertionError):
    """A learner's answer to an exercise is wrong; the message says how."""


def _with_hint(message: str, hint: str) -> str:
    return message + (f". Hint: {hint}" if hint else "")


def _is_array(value: Any) -> bool:
    return isinstance(value, (torch.Tensor, np.ndarray))


def _is_number(value: Any) -> bool:
    """True for Python and numpy ints and floats (np.int64, np.float32...), False for bools."""
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def _number(value: Any, name: str) -> float:
    """``value`` as a float: a Python or numpy number, or a tensor or array holding one number."""
    if _is_array(value):
        if (value.size if isinstance(value, np.ndarray) else value.numel()) != 1:
            raise ExerciseError(f"{name}: expected a single number, got an array of shape {tuple(value.shape)}")
        if value.dtype == torch.bool or (isinstance(value, np.ndarray) and value.dtype.kind == "b"):
            raise ExerciseError(f"{name}: expected a number, got a boolean")
        value = value.item()
        if isinstance(value, complex):
            raise ExerciseError(f"{name}: expected a real number, got the complex {value!r}")
    if not _is_number(value):
        raise ExerciseError(f"{name}: expected a number, got {type(value).__name__} {value!r}")
    return float(value)


def _name(name: Any) -> str:
    if not isinstance(name, str) or not name:
        raise ValueError(f"name must be a non-empty str, got {name!r}")
    return name


def check_close(name: str, answer: Any, expected: float, rel: float = 1e-6, hint: str = "") -> None:
    """Pass when ``answer`` is within relative tolerance ``rel`` of ``expected``; never print ``expected``."""
    _name(name)
    rel = non_negative_number("rel", rel)
    if not _is_number(expected):
        raise ValueError(f"expected must be a number, got {type(expected).__name__}")
    got = _number(answer, name)
    if math.isnan(got) or not math.isclose(got, float(expected), rel_tol=rel, abs_tol=rel * 1e-3):
        side = "not a number" if math.isnan(got) else "too large" if got > expected else "too small"
        message = f"{name}: your answer {got:g} is {side} (relative tolerance {rel:g})"
        raise ExerciseError(_with_hint(message, hint))
    print(f"✓ {name}: correct")


def _as_tensor(value: Any) -> torch.Tensor:
    return value if isinstance(value, torch.Tensor) else torch.from_numpy(np.asarray(value))


def check_equal(name: str, answer: Any, expected: Any, hint: str = "") -> None:
    """Pass when ``answer`` equals ``expected`` exactly: numbers (numpy's too), strings, tuples, tensors, arrays."""
    _name(name)
    if _is_array(expected):
        check_tensor(name, _as_tensor(answer) if _is_array(answer) else answer, _as_tensor(expected), 0.0, 0.0, hint)
        return
    if _is_number(expected):
        got = _number(answer, name)
        if isinstance(expected, numbers.Integral) and not got.is_integer():
            raise ExerciseError(_with_hint(f"{name}: expected a whole number, got {got:g}", hint))
        if got != expected:
            side = "too large" if got > expected else "too small"
            shown = f"{int(got):,}" if got.is_integer() and abs(got) < 2**63 else f"{got:g}"
            raise ExerciseError(_with_hint(f"{name}: your answer {shown} is {side}", hint))
    elif type(answer) is not type(expected) and not (_is_number(answer) and _is_number(expected)):
        message = f"{name}: expected a {type(expected).__name__}, got {type(answer).__name__} {answer!r}"
        raise ExerciseError(_with_hint(message, hint))
    elif answer != expected:
        raise ExerciseError(_with_hint(f"{name}: your answer {answer!r} is not right", hint))
    print(f"✓ {name}: correct")


def check_tensor(
    name: str, answer: Any, expected: torch.Tensor, atol: float = 1e-6, rtol: float = 1e-5, hint: str = ""
) -> None:
    """Pass when ``answer`` is a tensor of ``expected``'s shape, dtype and values (within tolerance).

    A float answer never passes against an integer tensor, however it would round: the dtype is part of the answer.
    """
    _name(name)
    atol, rtol = non_negative_number("atol", atol), non_negative_number("rtol", rtol)
    if not isinstance(expected, torch.Tensor):
        raise ValueError(f"expected must be a torch.Tensor, got {type(expected).__name__}")
    if isinstance(answer, np.ndarray):
        raise ExerciseError(_with_hint(f"{name}: expected a torch.Tensor, got a numpy array (torch.from_numpy)", hint))
    if not isinstance(answer, torch.Tensor):
        raise ExerciseError(_with_hint(f"{name}: expected a torch.Tensor, got {type(answer).__name__}", hint))
    if answer.shape != expected.shape:
        message = f"{name}: expected shape {tuple(expected.shape)}, got {tuple(answer.shape)}"
        raise ExerciseError(_with_hint(message, hint))
    if answer.dtype != expected.dtype:
        message = f"{name}: expected dtype {expected.dtype}, got {answer.dtype}"
        raise ExerciseError(_with_hint(message, hint))
    got = answer.detach().cpu()
    if not torch.allclose(got, expected.detach().cpu(), atol=atol, rtol=rtol, equal_nan=True):
        wrong = ~torch.isclose(got, expected.detach().cpu(), atol=atol, rtol=rtol, equal_nan=True)
        message = f"{name}: {int(wrong.sum())} of {wrong.numel()} values differ"
        raise ExerciseError(_with_hint(message, hint))
    print(f"✓ {name}: correct")


def expect_wrong(check: Callable[..., None], *args: Any, **kwargs: Any) -> str:
    """Run ``check`` on an answer that must be rejected; return the message it gave.

    Notebooks use this to prove a check is not one that always passes.
    """
    if not callable(check):
        raise ValueError(f"check must be callable, got {type(check).__name__}")
    try:
        check(*args, **kwargs)
    except ExerciseError as err:
        return str(err)
    raise AssertionError("the check accepted an answer that is wrong")
