"""Tests of lib.course.glossary: the data (complete, unique, linked to lessons that exist) and the lookup."""

import re
from pathlib import Path

import pytest

from lib.course.catalogue import CHAPTERS
from lib.course.glossary import (
    ARTICLE_TERMS,
    GLOSSARY,
    Term,
    lesson_number,
    lookup,
    markdown_table,
    missing_lessons,
    terms_by_lesson,
)

# The source article's section 1.4, typed out again here so that the test does not trust the lib's copy.
SECTION_1_4_CHINESE = ("大模型", "深度学习", "预训练", "转移学习", "迁移学习", "生成对抗网络", "模型参数", "正向传播",
                       "反向传播", "激活函数", "批量归一化")  # fmt: skip
SECTION_1_4_ABBREVIATIONS = ("GAN", "GPU", "CPU", "DL", "ML")


def test_every_term_of_the_articles_section_1_4_is_present():
    chinese = " ".join(t.chinese for t in GLOSSARY)
    for term in SECTION_1_4_CHINESE:
        assert term in chinese, term
    for abbreviation in SECTION_1_4_ABBREVIATIONS:
        assert any(abbreviation in t.names for t in GLOSSARY), abbreviation
    assert set(ARTICLE_TERMS) <= set(SECTION_1_4_CHINESE) | set(SECTION_1_4_ABBREVIATIONS)
    for term in ARTICLE_TERMS:
        assert lookup(term), term


def test_no_duplicate_terms():
    for column in ("english", "chinese"):
        values = [getattr(t, column).casefold() for t in GLOSSARY]
        assert len(values) == len(set(values)), column
    names = [n for t in GLOSSARY for n in {n.casefold() for n in t.names}]  # a name may recur within one term
    duplicates = {n for n in names if names.count(n) > 1}
    assert not duplicates


def test_both_languages_and_the_definition_are_filled_in():
    cjk = re.compile(r"[\u4e00-\u9fff]")
    for t in GLOSSARY:
        assert t.english.strip() and t.chinese.strip() and t.definition.strip(), t
        assert cjk.search(t.chinese) or t.chinese == t.english, f"{t.english}: no Chinese in {t.chinese!r}"
        assert not cjk.search(t.english), t.english
        assert t.definition.endswith(".") and len(t.definition) < 260, t.english


def test_every_link_target_exists():
    # Lessons are written in parallel: this names every one that is still missing.
    missing = missing_lessons()
    assert not missing, f"the glossary links to lessons that do not exist yet: {missing}"
    for t in GLOSSARY:
        assert (CHAPTERS / t.lesson).with_suffix(".py").is_file(), t.lesson


def test_the_article_corrections_are_in_the_definitions():
    by_english = {t.english: t for t in GLOSSARY}
    assert "self-supervised" in by_english["pre-training"].definition
    assert "no parameters" in by_english["ReLU (rectified linear unit)"].definition
    assert "optimizer" in by_english["backpropagation"].definition


def test_missing_lessons_finds_a_lesson_not_in_the_course():
    terms = (Term("a", "甲", "A.", "01_concepts/02_here.ipynb"), Term("b", "乙", "B.", "02_math/09_gone.ipynb"))
    assert missing_lessons(terms, ["01_concepts/02_here.ipynb"]) == ("02_math/09_gone.ipynb",)
    assert missing_lessons(terms, ["01_concepts/02_here.ipynb", "02_math/09_gone.ipynb"]) == ()
    assert missing_lessons(terms) == ("01_concepts/02_here.ipynb", "02_math/09_gone.ipynb")  # the syllabus lacks both
    with pytest.raises(ValueError, match="lessons must be notebook paths"):
        missing_lessons(terms, "01_concepts/02_here.ipynb")


def test_missing_lessons_reads_no_files(monkeypatch):
    """Lesson 1.9 runs on Colab, where chapters/ does not exist: the check must not touch the disk."""
    import builtins

    def no_files(*args, **kwargs):
        raise AssertionError(f"missing_lessons opened a file: {args}")

    monkeypatch.setattr(builtins, "open", no_files)
    monkeypatch.setattr(Path, "is_file", no_files)
    monkeypatch.setattr(Path, "exists", no_files)
    assert missing_lessons() == ()


def test_lesson_number_and_links():
    assert lesson_number("01_concepts/03_architectures.ipynb") == "1.3"
    assert lesson_number("02_math/05_optimizers.ipynb") == "2.5"
    t = Term("optimizer", "优化器", "X.", "02_math/05_optimizers.ipynb")
    assert t.link() == "[2.5](../02_math/05_optimizers.ipynb)"
    assert t.link("02_math") == "[2.5](05_optimizers.ipynb)"
    assert Term("x", "乙", "X.", "01_concepts/03_architectures.ipynb").link() == "[1.3](03_architectures.ipynb)"


def test_lesson_number_rejects_bad_input():
    with pytest.raises(TypeError, match="lesson must be a str"):
        lesson_number(3)
    with pytest.raises(ValueError, match="lesson must look like"):
        lesson_number("chapters/01_concepts/03_architectures.ipynb")


def test_term_rejects_empty_fields_and_bad_lessons():
    with pytest.raises(ValueError, match="chinese must be a non-empty string"):
        Term("a", " ", "A.", "01_concepts/02_x.ipynb")
    with pytest.raises(ValueError, match="lesson must look like"):
        Term("a", "甲", "A.", "01_concepts/02_x.py")


def test_names_split_both_languages():
    by_english = {t.english: t for t in GLOSSARY}
    assert by_english["deep learning (DL)"].names == ("deep learning", "DL", "深度学习")
    assert "迁移学习" in by_english["transfer learning"].names
    assert "转移学习" in by_english["transfer learning"].names


def test_lookup_in_english_and_chinese():
    assert lookup("DL")[0].english == "deep learning (DL)"
    assert lookup("fine-tuning")[0].chinese == "微调"
    assert lookup("Fine-Tuning") == lookup("fine-tuning")
    assert lookup("微调")[0].english == "fine-tuning"
    assert lookup("转移学习")[0].english == "transfer learning"
    hits = [t.english for t in lookup("梯度")]
    assert hits[0] == "gradient" and "gradient descent" in hits and "gradient check" in hits
    assert lookup("no such term") == ()


def test_lookup_ranks_exact_then_prefix_then_substring_then_definitions():
    ml = [t.english for t in lookup("ML")]
    assert ml[0] == "machine learning (ML)" and "multilayer perceptron (MLP), deep neural network (DNN)" in ml
    names_only = lookup("chain rule")
    with_definitions = lookup("chain rule", in_definitions=True)
    assert names_only == with_definitions[: len(names_only)]
    assert {t.english for t in with_definitions} >= {"chain rule", "backpropagation"}


def test_lookup_rejects_bad_queries():
    with pytest.raises(TypeError, match="query must be a str"):
        lookup(None)
    with pytest.raises(ValueError, match="query must contain"):
        lookup("   ")


def test_markdown_table_has_one_linked_row_per_term():
    table = markdown_table()
    lines = table.splitlines()
    assert lines[0] == "| English | 中文 | Definition | Lesson |"
    assert len(lines) == 2 + len(GLOSSARY)
    assert all(line.count(" | ") == 3 for line in lines[2:])
    assert "| adam | adam（自适应矩估计）" in table.casefold()
    assert "[2.5](../02_math/05_optimizers.ipynb)" in table
    english = [line.split(" | ")[0][2:] for line in lines[2:]]
    assert english == sorted(english, key=str.casefold)
    escaped = markdown_table((Term("a|b", "甲", "x | y.", "01_concepts/02_x.ipynb"),))
    assert "a\\|b" in escaped and "x \\| y." in escaped


def test_markdown_table_rejects_bad_input():
    with pytest.raises(ValueError, match="at least one Term"):
        markdown_table(())
    with pytest.raises(TypeError, match="lib.course.glossary.Term"):
        markdown_table(("not a term",))


def test_terms_by_lesson_covers_every_term_in_course_order():
    grouped = terms_by_lesson()
    assert list(grouped) == sorted(grouped)
    assert sum(len(v) for v in grouped.values()) == len(GLOSSARY)
    assert all(t.lesson == lesson for lesson, terms in grouped.items() for t in terms)
