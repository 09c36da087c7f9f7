"""The exercises of chapter 04 (applications): expected values computed from lib and PyTorch, not the learner's code.

Each lesson appends its own block, marked ``# 4.N ...``.
"""

from __future__ import annotations

from lib.course.exercises.base import Exercise

EXERCISES: tuple[Exercise, ...] = ()
