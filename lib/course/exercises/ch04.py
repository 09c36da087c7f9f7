"""The exercises of chapter 04 (applications), one module per lesson so that lessons written side by side merge cleanly.

Expected values are computed from lib, PyTorch and scikit-learn, not from the learner's code.
"""

from __future__ import annotations

from lib.course.exercises import ch04_deploy, ch04_finance, ch04_healthcare, ch04_language, ch04_speech, ch04_vision
from lib.course.exercises.base import Exercise

EXERCISES: tuple[Exercise, ...] = (
    ch04_vision.EXERCISES
    + ch04_language.EXERCISES
    + ch04_speech.EXERCISES
    + ch04_healthcare.EXERCISES
    + ch04_finance.EXERCISES
    + ch04_deploy.EXERCISES
)
