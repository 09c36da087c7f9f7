"""Tests of lib.course.notation: one meaning per symbol, lessons that exist, and no banned term in any lesson."""

from pathlib import Path

import pytest

from lib.course.catalogue import CHAPTERS
from lib.course.notation import BANNED_VARIANTS, NOTATION, Symbol, lookup_symbol, notation_markdown
from lib.course.syllabus import SYLLABUS

# The lead's notation decision (phase 3), typed out here so the test does not trust lib's copy.
REQUIRED = {"N", "D", "C", "L", "ℒ", "d", "d_k", "h", "d_ff", "V", "B", "T", "τ", "η", "θ", "β₁, β₂", "ε"}


def test_every_required_symbol_once_with_a_lesson_that_exists():
    symbols = [s.symbol for s in NOTATION]
    assert len(symbols) == len(set(symbols))
    assert set(symbols) == REQUIRED
    lessons = {notebook for notebook, _ in SYLLABUS}
    for s in NOTATION:
        assert s.lesson in lessons, s


def test_the_rules_that_issue_8_asked_for():
    assert "never the loss" in lookup_symbol("L").meaning
    assert lookup_symbol(r"\mathcal{L}").symbol == "ℒ"
    assert "only that" in lookup_symbol("T").meaning
    assert "never T" in lookup_symbol("τ").meaning
    assert "per-head" in lookup_symbol("d_k").meaning and "d_model" in lookup_symbol("d").meaning


def test_markdown_table_and_errors():
    table = notation_markdown()
    assert table.count("\n") == len(NOTATION) + 1
    assert "$d_k$" in table and "](04_history_and_scale.ipynb)" in table
    with pytest.raises(KeyError, match="known"):
        lookup_symbol("Q")
    with pytest.raises(ValueError, match="symbol"):
        lookup_symbol(" ")
    with pytest.raises(ValueError, match="lesson"):
        Symbol("x", "x", "a thing", "", "chapter1/lesson.ipynb")
    with pytest.raises(ValueError, match="table"):
        notation_markdown(())


def lesson_sources() -> list[Path]:
    return sorted(CHAPTERS.glob("*/*.py"))


def test_no_lesson_uses_a_banned_variant():
    # Fails on a branch where a lesson still writes 提前停止, 自动求导 or 未归一化的分数 (for logit): use the
    # glossary's term instead. Lessons were being corrected in parallel in phase 3 (issue 8, point 10).
    assert lesson_sources(), "no lessons found"
    found = []
    for path in lesson_sources():
        text = path.read_text(encoding="utf-8")
        for word, instead in BANNED_VARIANTS.items():
            for number, line in enumerate(text.splitlines(), 1):
                if word in line:
                    found.append(f"{path.relative_to(CHAPTERS)}:{number}: {word!r} -> use {instead}")
    assert not found, "\n".join(found)
