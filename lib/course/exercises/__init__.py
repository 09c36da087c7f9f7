"""Registered exercises of the course, and the one check a lesson calls: ``check("1.1.gpt2-medium-params", answer)``.

Expected values and their tolerances live here, out of the student copies' sight, as nbgrader's hidden
tests do; ``python -m lib.course.student`` builds the copies and an answer key.
"""

from __future__ import annotations

from typing import Any

from lib.course.exercises import ch01, ch02, ch03, ch04, ch05
from lib.course.exercises.base import Exercise


def registry() -> dict[str, Exercise]:
    """Every registered exercise, by id, in lesson order."""
    found: dict[str, Exercise] = {}
    for exercise in ch01.EXERCISES + ch02.EXERCISES + ch03.EXERCISES + ch04.EXERCISES + ch05.EXERCISES:
        if exercise.id in found:
            raise ValueError(f"exercise id {exercise.id!r} is registered twice")
        found[exercise.id] = exercise
    return found


def exercise(exercise_id: str) -> Exercise:
    """The exercise registered as ``exercise_id``, else a ValueError naming the lesson's known ids."""
    exercises = registry()
    if exercise_id not in exercises:
        lesson = ".".join(str(exercise_id).split(".")[:2])
        known = [key for key in exercises if key.startswith(lesson + ".")] or list(exercises)
        raise ValueError(f"exercise_id {exercise_id!r} is not registered; known: {', '.join(known)}")
    return exercises[exercise_id]


def check(exercise_id: str, answer: Any, **inputs: Any) -> None:
    """Grade ``answer`` to a registered exercise; ``inputs`` are the lesson objects the exercise names."""
    exercise(exercise_id).grade(answer, **inputs)


def check_value(exercise_id: str, answer: Any, expected: Any) -> None:
    """Grade ``answer`` against ``expected`` as written out in an nbgrader hidden test (lib.course.assignments)."""
    exercise(exercise_id).grade_against(answer, expected)


__all__ = ["Exercise", "check", "check_value", "exercise", "registry"]
