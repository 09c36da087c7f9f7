"""lib.course.budget: the table's arithmetic and verdicts, and a real measured run of a tiny lesson."""

from __future__ import annotations

import json
import shutil

import pytest

from lib.course import budget
from lib.course.authoring import MeasuredRun
from lib.course.budget import LessonRun, format_table, lesson_name, measure_lesson, run_budget, seconds_budget

TINY = {
    "cells": [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": "x = 6 * 7\nx"}],
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    "nbformat": 4,
    "nbformat_minor": 5,
}


def _run(seconds: float, kernel_mib: float, code: int = 0) -> MeasuredRun:
    return MeasuredRun(code, seconds, int(kernel_mib * 1.2 * 2**20), int(kernel_mib * 2**20), int(kernel_mib * 2**20))


def test_budgets_follow_the_design():
    assert seconds_budget("03_training/04_pretraining") == 180
    assert seconds_budget("01_concepts/01_what_is_a_large_model") == 120
    assert lesson_name(budget.CHAPTERS / "03_training" / "04_pretraining.py") == "03_training/04_pretraining"
    for lesson in budget.PRETRAINING_LESSONS:  # every lesson granted the longer budget exists
        assert (budget.CHAPTERS / f"{lesson}.py").is_file(), lesson


def test_verdicts_and_total():
    runs = [
        LessonRun("01_a/01_x", _run(100, 900), 120),
        LessonRun("01_a/02_y", _run(121, 900), 120),  # one second over
        LessonRun("01_a/03_z", _run(10, 1500), 120),  # 1,500 MiB is 1.57 GB: over the 1.5 GB kernel budget
        LessonRun("01_a/04_w", _run(10, 100, code=1), 120),
    ]
    assert [item.within_budget for item in runs] == [True, False, False, False]
    rows = format_table(runs).splitlines()
    assert rows[2].endswith("| ok |") and rows[3].endswith("| over budget |") and rows[5].endswith("| FAILED |")
    assert "**4.0 min**" in rows[-1] and rows[-1].endswith("| ok |")  # 241 s in all, within 15 min
    assert format_table([LessonRun("x/y", _run(901, 10), 120)]).splitlines()[-1].endswith("| over budget |")


def test_a_real_lesson_is_measured_without_touching_it(tmp_path):
    notebook = tmp_path / "chapter" / "01_tiny.ipynb"
    notebook.parent.mkdir()
    notebook.write_text(json.dumps(TINY), encoding="utf-8")
    before = notebook.read_bytes()
    run = measure_lesson(notebook, tmp_path / "out", env=None)
    assert run.code == 0 and 0 < run.seconds < 120
    assert 30 * 2**20 < run.largest_process_peak < 1.5e9  # a Python kernel, measured
    assert notebook.read_bytes() == before  # the original keeps its outputs
    executed = json.loads((tmp_path / "out" / "01_tiny.ipynb").read_text(encoding="utf-8"))
    assert "".join(executed["cells"][0]["outputs"][0]["data"]["text/plain"]) == "42"
    with pytest.raises(ValueError, match="notebook must be"):
        measure_lesson(tmp_path / "missing.ipynb", tmp_path, env=None)


def test_run_budget_writes_the_report(tmp_path):
    source = tmp_path / "09_tiny" / "01_tiny.py"
    source.parent.mkdir()
    (source.with_suffix(".ipynb")).write_text(json.dumps(TINY), encoding="utf-8")
    report = tmp_path / "budget.md"
    runs = run_budget([source], report=report)
    assert len(runs) == 1 and runs[0].within_budget
    text = report.read_text(encoding="utf-8")
    assert "| 09_tiny/01_tiny |" in text and "logical cores" in text and "whole course" in text
    with pytest.raises(ValueError, match="sources must"):
        run_budget([], report=None)
    shutil.rmtree(tmp_path / "09_tiny")
