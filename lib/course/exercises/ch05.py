"""The exercises of chapter 05 (frontiers), one module per lesson (``ch05_<topic>.py``) so lessons merge cleanly.

Expected values are computed from lib, PyTorch and the standard library, not from the learner's code.
"""

from __future__ import annotations

from lib.course.exercises import ch05_errata, ch05_privacy
from lib.course.exercises.base import Exercise

EXERCISES: tuple[Exercise, ...] = ch05_errata.EXERCISES + ch05_privacy.EXERCISES
