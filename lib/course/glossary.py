"""The course's bilingual glossary (术语表): each term in English and Chinese, a one-line definition, and its lesson.

The glossary is data, so lesson 1.9 renders it as a table, a test checks that every lesson it
links to exists, and ``lookup`` finds a term from either language.
"""

from __future__ import annotations

from collections.abc import Iterable

from lib.course.glossary_advanced import ADVANCED_TERMS
from lib.course.glossary_foundations import FOUNDATION_TERMS
from lib.course.syllabus import SYLLABUS
from lib.course.term import Term, lesson_number

# The terms of the source article's glossary, section 1.4 (1.4.1 core terms, 1.4.2 related concepts,
# 1.4.3 abbreviations), as the article writes them. The article's 转移学习 is usually called 迁移学习.
ARTICLE_TERMS = (
    "大模型",
    "深度学习",
    "预训练",
    "转移学习",
    "生成对抗网络",
    "模型参数",
    "正向传播",
    "反向传播",
    "激活函数",
    "批量归一化",
    "GAN",
    "GPU",
    "CPU",
    "DL",
    "ML",
)


GLOSSARY: tuple[Term, ...] = FOUNDATION_TERMS + ADVANCED_TERMS


def lookup(query: str, terms: tuple[Term, ...] = GLOSSARY, in_definitions: bool = False) -> tuple[Term, ...]:
    """Terms whose English or Chinese name contains ``query`` (any case), exact names first.

    With ``in_definitions=True`` the definitions are searched too, after the names.
    """
    if not isinstance(query, str):
        raise TypeError(f"query must be a str, got {type(query).__name__}")
    wanted = query.strip().casefold()
    if not wanted:
        raise ValueError("query must contain at least one non-space character")

    def rank(term: Term) -> int | None:
        names = [n.casefold() for n in term.names]
        if wanted in names:
            return 0
        if any(n.startswith(wanted) for n in names):
            return 1
        if any(wanted in n for n in names):
            return 2
        if in_definitions and wanted in term.definition.casefold():
            return 3
        return None

    ranked = [(r, i, t) for i, t in enumerate(terms) if (r := rank(t)) is not None]
    return tuple(t for _, _, t in sorted(ranked, key=lambda x: (x[0], x[1])))


def markdown_table(terms: tuple[Term, ...] = GLOSSARY, from_chapter: str = "01_concepts") -> str:
    """The terms as a Markdown table sorted by English name, each linked to its lesson from ``from_chapter``."""
    if not terms:
        raise ValueError("terms must hold at least one Term")
    if not all(isinstance(t, Term) for t in terms):
        raise TypeError("terms must all be lib.course.glossary.Term")
    rows = ["| English | 中文 | Definition | Lesson |", "| --- | --- | --- | --- |"]
    for t in sorted(terms, key=lambda t: t.english.casefold()):
        cells = (t.english, t.chinese, t.definition)
        rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + f" | {t.link(from_chapter)} |")
    return "\n".join(rows)


def terms_by_lesson(terms: tuple[Term, ...] = GLOSSARY) -> dict[str, tuple[Term, ...]]:
    """The terms grouped by the lesson that teaches them, lessons in course order."""
    grouped: dict[str, list[Term]] = {}
    for t in terms:
        grouped.setdefault(t.lesson, []).append(t)
    return {lesson: tuple(grouped[lesson]) for lesson in sorted(grouped)}


def missing_lessons(terms: tuple[Term, ...] = GLOSSARY, lessons: Iterable[str] | None = None) -> tuple[str, ...]:
    """Lessons that terms link to but ``lessons`` (default: lib's syllabus) lacks; reads no files, so works on Colab."""
    known = {notebook for notebook, _ in SYLLABUS} if lessons is None else lessons
    if isinstance(known, str) or not all(isinstance(n, str) for n in known):
        raise ValueError(f"lessons must be notebook paths such as '02_math/05_optimizers.ipynb', got {lessons!r}")
    known = set(known)
    return tuple(sorted({t.lesson for t in terms if t.lesson not in known}))


__all__ = [
    "ARTICLE_TERMS",
    "GLOSSARY",
    "Term",
    "lesson_number",
    "lookup",
    "markdown_table",
    "missing_lessons",
    "terms_by_lesson",
]
