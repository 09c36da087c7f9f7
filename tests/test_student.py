"""Student copies: built for both chapters, they hold no reference answer and no solution line;
bad solution markers are refused before anything is written."""

import json
import math
import re
from decimal import Decimal

import pytest
import torch

from lib.course.catalogue import CHAPTERS, lesson_sources, read_lesson
from lib.course.exercises import registry
from lib.course.student import SolutionMarkerError, build, lessons_in, main, strip_solutions

# the chapters whose exercises are registered
BUILT = tuple(sorted(folder for folder in CHAPTERS.iterdir() if folder.is_dir() and folder.name[:2].isdigit()))
SOURCES = [source for source in lesson_sources() if source.parent in BUILT]


@pytest.fixture(scope="module")
def copies(tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    solutions = build(BUILT, out)
    return out, solutions


def _student_text(out, source) -> str:
    notebook = json.loads((out / source.parent.name / f"{source.stem}.ipynb").read_text(encoding="utf-8"))
    assert all(not c.get("outputs") for c in notebook["cells"] if c["cell_type"] == "code"), "outputs are left out"
    return "\n".join("".join(cell["source"]) for cell in notebook["cells"])


# Values that also occur in a lesson for another reason, checked by hand: the lesson does not give the answer.
COINCIDENCES = {
    ("2.5.max-lr", "0.02"): "lesson 2.5's momentum and RMSProp examples use lr = 0.02 on another surface",
    ("2.1.temperature", '"higher"'): "a multiple-choice prediction: the question names all three answers",
    ("2.2.confident-wrong", '"cross-entropy"'): "a two-way choice: the question names both losses",
    ("2.2.confident-wrong", "'cross-entropy'"): "a two-way choice: the question names both losses",
    ("2.4.wider-tanh", '"larger"'): "a multiple-choice prediction: the question names every answer",
    ("1.2.no-relu-spirals", "False"): "a yes/no prediction: the question names both True and False",
    ("1.5.lora-swapped-init", "True"): "a yes/no prediction: the question names both True and False",
    ("1.5.masked-loss", "0.045"): "lesson 1.5's floor on the pre-training gain at one label per class (reached 0.055)",
    ("4.6.csr-smaller", "False"): "a yes/no prediction: the question names both True and False",
    ("3.1.unmasked-padding", "True"): "a yes/no prediction: the question names both True and False",
    ("3.5.lora-starts-equal", "True"): "a yes/no prediction: the question names both True and False",
    ("3.6.checkpoint-changes-grads", "False"): "a yes/no prediction: the question names both True and False",
    ("1.9.definitions-predict", "False"): "a yes/no prediction: the question names both True and False",
    ("5.8.adam-converges", "False"): "a yes/no prediction: the question names both True and False",
    ("4.5.ar-scaling-leak", "False"): "a yes/no prediction: the question names both True and False",
}


def _forms(value) -> set[str]:
    """The ways a value could be written or printed: repr, :g, with and without thousands separators."""
    if isinstance(value, str):
        return {repr(value), f'"{value}"'}
    if isinstance(value, (bool, torch.Tensor, list, tuple)):
        return {repr(value)}
    forms = {repr(value), f"{value:g}", f"{value:.6g}"}
    if float(value).is_integer() and math.isfinite(value):
        whole = int(Decimal(repr(value)))  # 5.46e23 -> 546000000000000000000000, not int()'s binary digits
        forms |= {str(whole), f"{whole:,}", f"{whole:_}", f"{float(whole):,.0f}"}
    return {form for form in forms if len(form.lstrip("-")) >= 4}  # shorter forms occur everywhere by chance


def test_every_lesson_gets_a_copy_and_the_key_lists_every_exercise(copies):
    out, solutions = copies
    assert set(solutions) == {p.resolve() for p in SOURCES}
    key = (out / "answer_key.md").read_text(encoding="utf-8")
    for item in registry().values():
        assert f"`{item.id}`" in key
    for source in SOURCES:
        text = _student_text(out, source)
        assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text
        assert text.count("NotImplementedError") == len(solutions[source.resolve()]) >= 3


def test_copies_hold_no_reference_value(copies):
    out, _ = copies
    texts = {read_lesson(source).title.split()[0]: _student_text(out, source) for source in SOURCES}
    leaks = []
    for item in registry().values():
        if item.inputs:  # computed from the lesson's own objects at run time: no value to leak
            continue
        for value in [item.expected(), item.reference()] if item.kind != "tensor" else [item.expected()]:
            value = value.item() if isinstance(value, torch.Tensor) and value.numel() == 1 else value
            found = [form for form in _forms(value) if form in texts[item.lesson]]
            leaks += [f"{item.id} as {form!r}" for form in found if (item.id, form) not in COINCIDENCES]
    assert not leaks, leaks


def test_copies_hold_no_solution_line(copies):
    out, solutions = copies
    leaks = []
    for source, found in solutions.items():
        text = _student_text(out, source)
        for solution in found:
            for line in solution.code.splitlines():
                line = line.strip()
                computes = "=" in line and not line.startswith("#")  # control lines (with ..., for ...) are generic
                if computes and len(line) >= 10 and line in text:
                    leaks.append(f"{source.stem}: {line}")
    assert not leaks, leaks


def test_strip_solutions_keeps_indentation_and_returns_the_block():
    text = "x = 1\nif x:\n    # BEGIN SOLUTION\n    y = 2\n    # END SOLUTION\ncheck('1.1.a', y)"
    new, blocks = strip_solutions(text)
    assert blocks == ["    y = 2"]
    assert new.splitlines()[2:4] == ["    # YOUR CODE HERE", '    raise NotImplementedError("write your answer here")']
    assert "y = 2" not in new


@pytest.mark.parametrize(
    "text, problem",
    [
        ("# BEGIN SOLUTION\nx = 1", "line 1: BEGIN SOLUTION is never closed"),
        ("x = 1\n# END SOLUTION", "line 2: END SOLUTION without a BEGIN"),
        ("# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION\n# END SOLUTION", "line 2: BEGIN SOLUTION nested"),
        ("# BEGIN SOLUTION here\nx = 1\n# END SOLUTION", "line 1: malformed marker"),
    ],
)
def test_bad_markers_are_refused_with_the_line(text, problem):
    with pytest.raises(SolutionMarkerError, match=problem):
        strip_solutions(text, where="lesson")


def _lesson(folder, body: str):
    source = folder / "01_lesson.py"
    header = (
        "# %% [markdown]\n# # 9.1 A lesson\n#\n# **Time:** 1 min · **Prerequisites:** none · **You will learn:** x.\n\n"
    )
    source.write_text(header + "# %%\n" + body + "\n", encoding="utf-8")
    return source


def test_command_refuses_unbalanced_markers_and_writes_nothing(tmp_path, capsys):
    chapter = tmp_path / "09_chapter"
    chapter.mkdir()
    _lesson(chapter, "# BEGIN SOLUTION\nanswer_1 = 3\n")
    out = tmp_path / "out"
    assert main([str(chapter), "--out", str(out)]) == 2
    assert "BEGIN SOLUTION is never closed" in capsys.readouterr().err
    assert not out.exists()


def test_command_builds_a_copy_and_a_key(tmp_path, capsys):
    chapter = tmp_path / "09_chapter"
    chapter.mkdir()
    _lesson(chapter, '# BEGIN SOLUTION\nanswer_1 = 12 * 34\n# END SOLUTION\ncheck("9.1.x", answer_1)')
    assert main([str(chapter), "--out", str(tmp_path / "out")]) == 0
    assert "1 student notebook(s), 1 solution block(s) removed" in capsys.readouterr().out
    copy = (tmp_path / "out" / "09_chapter" / "01_lesson.ipynb").read_text(encoding="utf-8")
    assert "12 * 34" not in copy and "NotImplementedError" in copy
    key = (tmp_path / "out" / "answer_key.md").read_text(encoding="utf-8")
    assert "answer_1 = 12 * 34" in key and "`9.1.x`: expected not registered" in key


def test_bad_paths_and_text_are_named(tmp_path):
    with pytest.raises(ValueError, match="paths: .* is neither a lesson nor a folder"):
        lessons_in([tmp_path / "missing"])
    with pytest.raises(ValueError, match="text must be a str"):
        strip_solutions(None)
    assert re.search("no lesson found", str(pytest.raises(ValueError, lessons_in, []).value))


def test_value_forms_cover_how_a_lesson_would_write_them():
    assert {"354823168", "354,823,168", "354_823_168"} <= _forms(354823168)
    assert {"'微调'", '"微调"'} <= _forms("微调")
    assert {"5.46e+23", "546000000000000000000000", "546,000,000,000,000,000,000,000"} <= _forms(5.46e23)
    assert "0.5" not in _forms(0.5)  # too short to mean anything
