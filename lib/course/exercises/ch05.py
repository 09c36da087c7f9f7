"""The exercises of chapter 05 (frontiers), one module per lesson (``ch05_<topic>.py``) so lessons merge cleanly.

Expected values are computed from lib, PyTorch and the standard library, not from the learner's code.
"""

from __future__ import annotations

from lib.course.exercises import (
    ch05_cost,
    ch05_data,
    ch05_errata,
    ch05_interpretability,
    ch05_multimodal,
    ch05_scaling,
    ch05_scheduling,
)
from lib.course.exercises.base import Exercise

EXERCISES: tuple[Exercise, ...] = (
    ch05_scaling.EXERCISES
    + ch05_cost.EXERCISES
    + ch05_data.EXERCISES
    + ch05_multimodal.EXERCISES
    + ch05_interpretability.EXERCISES
    + ch05_scheduling.EXERCISES
    + ch05_errata.EXERCISES
)
