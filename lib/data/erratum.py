"""One error of the source article: where it is, what it says, the correction, a source, and the lesson that teaches it.

``lib.data.errata`` holds the list; ``demo`` names a function of ``lib.lessons.lesson_5_8_errata`` that
shows the error by running code, where code can show it (the data layer only names it, it cannot import it).
"""

from __future__ import annotations

from dataclasses import dataclass

KINDS = ("reference", "tool", "formula", "code", "fact", "term")


@dataclass(frozen=True)
class Erratum:
    """One error of the article: where it is, what it says, the correction, a source, and the teaching lesson."""

    kind: str  # one of KINDS
    section: str  # the article's section(s)
    article_says: str
    correction: str
    source: str  # a URL that supports the correction
    lesson: str  # notebook that teaches it, relative to chapters/
    demo: str = ""  # a function of lib.lessons.lesson_5_8_errata that shows it by running code, or ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {self.kind!r}")
        for name in ("section", "article_says", "correction", "lesson"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"{name} must be a non-empty string, got {value!r}")
        if not self.source.startswith("https://"):
            raise ValueError(f"source must be an https:// URL, got {self.source!r}")
        if not isinstance(self.demo, str) or (self.demo and not self.demo.isidentifier()):
            raise ValueError(f"demo must be '' or a function name, got {self.demo!r}")
        if not self.lesson.endswith(".ipynb"):
            raise ValueError(
                f"lesson must be a notebook path such as '01_concepts/09_glossary.ipynb', got {self.lesson!r}"
            )
