"""One exercise of a lesson: how to compute its expected value, how close an answer must be, and a hint.

The expected value is computed here, independently of the learner's code, from lib, PyTorch or published
constants, so a student copy of a lesson shows only ``check("1.1.gpt2-medium-params", answer_1)``: neither
the value nor a formula for it. Each exercise also carries its reference solution and a known wrong answer,
which the tests run through the check (the first must pass, the second must fail).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lib.core.validate import non_negative_number, one_of
from lib.course.checks import check_close, check_equal, check_tensor

KINDS = ("close", "equal", "tensor")
ID_PATTERN = re.compile(r"^(\d+)\.(\d+)\.[a-z0-9]+(?:-[a-z0-9]+)*$")


def _no_inputs() -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Exercise:
    """An exercise: ``expected(**inputs)`` is the right answer; ``reference`` and ``wrong`` are for the tests.

    ``inputs`` names what the lesson passes to the check (objects it built, such as a trained model's
    predictions); ``example_inputs()`` builds stand-ins for them so that tests can run the exercise alone.
    """

    id: str
    title: str
    kind: str
    expected: Callable[..., Any]
    reference: Callable[..., Any]
    wrong: Callable[..., Any]
    hint: str
    rel: float = 1e-6
    atol: float = 1e-6
    rtol: float = 1e-5
    inputs: tuple[str, ...] = ()
    example_inputs: Callable[[], dict[str, Any]] = field(default=_no_inputs)

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not ID_PATTERN.match(self.id):
            raise ValueError(f"id must look like '1.1.short-name', got {self.id!r}")
        one_of("kind", self.kind, KINDS)
        for name in ("rel", "atol", "rtol"):
            non_negative_number(name, getattr(self, name))
        if not isinstance(self.title, str) or not self.title:
            raise ValueError(f"title must be a non-empty str, got {self.title!r}")
        if not isinstance(self.hint, str) or not self.hint:
            raise ValueError(f"hint must be a non-empty str, got {self.hint!r}")

    @property
    def lesson(self) -> str:
        """The lesson's number as titles write it: '1.1' for '1.1.gpt2-medium-params'."""
        return ".".join(self.id.split(".")[:2])

    def _inputs(self, inputs: Mapping[str, Any]) -> dict[str, Any]:
        missing, extra = set(self.inputs) - set(inputs), set(inputs) - set(self.inputs)
        if missing or extra:
            wanted = ", ".join(f"{n}=..." for n in self.inputs) or "no inputs"
            problem = f"missing {sorted(missing)}" if missing else f"unexpected {sorted(extra)}"
            raise ValueError(f"inputs of exercise {self.id!r}: {problem}; call it with {wanted}")
        return dict(inputs)

    def grade(self, answer: Any, **inputs: Any) -> None:
        """Check ``answer``: print a tick when right, raise ExerciseError with the hint when wrong."""
        self.grade_against(answer, self.expected(**self._inputs(inputs)))

    def grade_against(self, answer: Any, expected: Any) -> None:
        """Check ``answer`` against a given ``expected`` value with this exercise's kind, tolerance and hint.

        nbgrader's hidden tests call this with the value written out, so the grade of a submission does
        not depend on the registry installed where it is graded.
        """
        if self.kind == "close":
            check_close(self.title, answer, expected, rel=self.rel, hint=self.hint)
        elif self.kind == "equal":
            check_equal(self.title, answer, expected, hint=self.hint)
        else:
            check_tensor(self.title, answer, expected, atol=self.atol, rtol=self.rtol, hint=self.hint)
