"""One glossary entry (a term in English and Chinese, its definition and its lesson) and lesson numbering."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

_LESSON = re.compile(r"(\d\d)_[a-z0-9_]+/(\d\d)_[a-z0-9_]+\.ipynb")
_NAME_SEPARATORS = re.compile(r"\s*[()（），,、]\s*")


@dataclass(frozen=True)
class Term:
    """One glossary entry; ``lesson`` is the notebook that teaches it, relative to chapters/."""

    english: str
    chinese: str
    definition: str
    lesson: str

    def __post_init__(self) -> None:
        for name in ("english", "chinese", "definition", "lesson"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"{name} must be a non-empty string, got {value!r}")
        if _LESSON.fullmatch(self.lesson) is None:
            raise ValueError(f"lesson must look like '02_math/05_optimizers.ipynb', got {self.lesson!r}")

    @property
    def names(self) -> tuple[str, ...]:
        """Every name of the term, in both languages: 'deep learning (DL)' gives 'deep learning' and 'DL'."""
        parts = _NAME_SEPARATORS.split(f"{self.english}, {self.chinese}")
        return tuple(p for p in parts if p)

    @property
    def lesson_number(self) -> str:
        """The lesson's number as titles write it: '02_math/05_optimizers.ipynb' is '2.5'."""
        return lesson_number(self.lesson)

    def link(self, from_chapter: str = "01_concepts") -> str:
        """A Markdown link to the lesson, relative to a notebook in ``chapters/<from_chapter>/``."""
        return f"[{self.lesson_number}]({posixpath.relpath(self.lesson, from_chapter)})"


def lesson_number(lesson: str) -> str:
    """'01_concepts/03_architectures.ipynb' -> '1.3'."""
    if not isinstance(lesson, str):
        raise TypeError(f"lesson must be a str, got {type(lesson).__name__}")
    match = _LESSON.fullmatch(lesson)
    if match is None:
        raise ValueError(f"lesson must look like '02_math/05_optimizers.ipynb', got {lesson!r}")
    return f"{int(match.group(1))}.{int(match.group(2))}"
