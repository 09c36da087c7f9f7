"""nbgrader assignments: every exercise becomes an autograded test, and a real nbgrader course grades
two chapters end to end (release without solutions, full marks for the reference answers, one wrong
answer costs exactly its exercise's points)."""

import functools
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lib.course.assignments import GradedExercise, _literal, build_course, exercise_cells, grade_id, source_notebook
from lib.course.catalogue import CHAPTERS, lesson_sources
from lib.course.exercises import check_value, exercise, registry
from lib.course.student import PLACEHOLDER, SolutionMarkerError, strip_solutions

ROUND_TRIP = ("01_concepts", "02_math")  # the two chapters graded by a real nbgrader
STUDENTS = ("alice", "bob")  # alice answers everything right; bob gets one exercise of 02_math wrong


def _lessons(chapter: str) -> list[Path]:
    return sorted((CHAPTERS / chapter).glob("[0-9][0-9]_*.py"))


@functools.cache
def _all_graded() -> tuple[GradedExercise, ...]:
    return tuple(graded for lesson in lesson_sources() for graded in source_notebook(lesson)[1])


def test_every_registered_exercise_is_graded_once_with_a_valid_grade_id():
    graded = _all_graded()
    assert sorted(g.exercise_id for g in graded) == sorted(registry())
    ids = [g.grade_id for g in graded]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", grade) for grade in ids), "nbgrader's allowed grade_id characters"
    assert all(g.points == 1 for g in graded)


def test_hidden_answers_are_the_registered_values_and_grade_like_the_check():
    graded = _all_graded()
    hidden = [g for g in graded if g.hidden_expected]
    assert len(hidden) > len(graded) / 2, "most exercises have a plain literal answer"
    for g in hidden:
        registered = exercise(g.exercise_id)
        value = eval(_literal(registered.expected()))  # noqa: S307 (our own repr of a literal)
        check_value(g.exercise_id, registered.reference(), value)
        with pytest.raises(AssertionError):
            check_value(g.exercise_id, registered.wrong(), value)


def test_exercise_cell_is_split_into_answer_and_tests():
    solution = "# BEGIN SOLUTION\nanswer_1 = 7e9 * 2 / 1e9\n# END SOLUTION"
    cell = f'x = 2\n{solution}\ncheck("1.1.bf16-weights-gb", answer_1)\nprint(x)'
    answer, tests = exercise_cells(cell, "lesson, code cell 3")
    assert answer == "x = 2\n# BEGIN SOLUTION\nanswer_1 = 7e9 * 2 / 1e9\n# END SOLUTION\nprint(x)"
    ((text, meta, graded),) = tests
    assert text.startswith('check("1.1.bf16-weights-gb", answer_1)\n### BEGIN HIDDEN TESTS\n')
    assert "check_value('1.1.bf16-weights-gb', answer_1, 14.0)" in text and text.endswith("### END HIDDEN TESTS")
    assert meta == {
        "grade": True, "grade_id": "test-1_1-bf16-weights-gb", "locked": True, "points": 1,
        "schema_version": 3, "solution": False, "task": False,
    }  # fmt: skip
    assert graded.grade_id == grade_id("test", "1.1.bf16-weights-gb")
    with pytest.raises(ValueError, match="exercise_id must look like '1.1.short-name', got 'bf16'"):
        grade_id("test", "bf16")


@pytest.mark.parametrize(
    "cell, problem",
    [
        ("# BEGIN SOLUTION\nanswer = 1\n# END SOLUTION\nprint(answer)", "no top-level check"),
        ('# BEGIN SOLUTION\ncheck("1.1.bf16-weights-gb", 14.0)\n# END SOLUTION', "inside a solution region"),
        ('# BEGIN SOLUTION\nanswer = 1\ncheck("1.1.bf16-weights-gb", answer)', "never closed"),
        ('answer = 1\ncheck("1.1.bf16-weights-gb", answer)', "no solution region"),
    ],
)
def test_malformed_exercise_cells_are_refused_with_the_place(cell, problem):
    with pytest.raises(SolutionMarkerError, match=f"lesson.py, code cell 7.*{problem}"):
        exercise_cells(cell, "lesson.py, code cell 7")


# --- the round trip through a real nbgrader ---------------------------------------------------------


def _nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    """Run nbgrader in ``course``; its database migrations call `alembic`, so the venv's bin goes on PATH."""
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    command = [sys.executable, "-m", "nbgrader", *args, "--log-level=WARN"]
    done = subprocess.run(command, cwd=course, env=env, capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done


def _solution_blocks() -> dict[str, list[list[str]]]:
    """Per solution cell (by grade_id): the lesson's solution blocks, the code a student types in."""
    blocks = {}
    for chapter in ROUND_TRIP:
        for lesson in _lessons(chapter):
            notebook, _ = source_notebook(lesson)
            for cell in notebook.cells:
                meta = cell.metadata.get("nbgrader", {})
                if meta.get("solution"):
                    blocks[meta["grade_id"]] = strip_solutions(cell.source)[1]
    return blocks


def _answer(notebook: dict, blocks: dict[str, list[str]], extra: dict[str, str]) -> dict:
    """``notebook`` as a student hands it in: each stub replaced by its answer, plus ``extra`` lines."""
    stub = ["# YOUR CODE HERE", PLACEHOLDER]
    for cell in notebook["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if not meta.get("solution"):
            continue
        lines, typed, answers = "".join(cell["source"]).split("\n"), [], iter(blocks[meta["grade_id"]])
        index = 0
        while index < len(lines):
            if lines[index].strip() == stub[0] and index + 1 < len(lines) and lines[index + 1].strip() == stub[1]:
                indent = lines[index][: len(lines[index]) - len(lines[index].lstrip())]
                typed += [indent + line if line else line for line in next(answers).split("\n")]
                typed += [indent + extra[meta["grade_id"]]] if meta["grade_id"] in extra else []
                index += 2
            else:
                typed.append(lines[index])
                index += 1
        assert next(answers, None) is None, f"{meta['grade_id']}: fewer stubs than solution blocks"
        cell["source"] = "\n".join(typed)
    return notebook


def _wrong_answer() -> tuple[str, str, str]:
    """An exercise of 02_math to get wrong: (answer cell's grade_id, the line that spoils it, exercise id)."""
    for lesson in _lessons("02_math"):
        notebook, graded = source_notebook(lesson)
        cells = [cell for cell in notebook.cells if "nbgrader" in cell.metadata]
        tests = {cell.metadata["nbgrader"]["grade_id"]: cell.source for cell in cells}
        for g in graded:
            wrong = _literal(exercise(g.exercise_id).wrong())
            variable = re.match(r'check\("[^"]+", (\w+)\)', tests[g.grade_id])
            if g.hidden_expected and wrong is not None and variable and grade_id("answer", g.exercise_id) in tests:
                return grade_id("answer", g.exercise_id), f"{variable.group(1)} = {wrong}", g.exercise_id
    raise AssertionError("02_math has no exercise with a literal wrong answer")


@pytest.fixture(scope="module")
def graded_course(tmp_path_factory):
    pytest.importorskip(
        "nbgrader",
        reason="nbgrader is not installed: `pip install -r requirements-instructors.txt` runs the round trip "
        "(.ci/run does)",
    )
    course = tmp_path_factory.mktemp("nbgrader-course")
    build_course([CHAPTERS / chapter for chapter in ROUND_TRIP], course)
    for chapter in ROUND_TRIP:
        _nbgrader(course, "generate_assignment", chapter, "--force")
    blocks = _solution_blocks()
    wrong_cell, wrong_line, wrong_id = _wrong_answer()
    for student in STUDENTS:
        for chapter in ROUND_TRIP if student == "alice" else ("02_math",):
            released = course / "release" / chapter
            submitted = course / "submitted" / student / chapter
            submitted.mkdir(parents=True)
            for path in sorted(released.glob("*.ipynb")):
                notebook = json.loads(path.read_text(encoding="utf-8"))
                extra = {wrong_cell: wrong_line} if student == "bob" else {}
                (submitted / path.name).write_text(json.dumps(_answer(notebook, blocks, extra)), encoding="utf-8")
    for chapter in ROUND_TRIP:
        _nbgrader(course, "autograde", chapter, "--create")
    return course, wrong_id


def _grades(course: Path, chapter: str, student: str) -> dict[str, tuple[float, float]]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission(chapter, student)
        return {grade.name: (grade.score, grade.max_score) for nb in submission.notebooks for grade in nb.grades}


def test_released_notebooks_hold_no_solution_and_no_hidden_answer(graded_course):
    course, _ = graded_course
    for chapter in ROUND_TRIP:
        released = {p.name: p.read_text(encoding="utf-8") for p in (course / "release" / chapter).glob("*.ipynb")}
        assert sorted(released) == sorted(f"{p.stem}.ipynb" for p in _lessons(chapter))
        text = "\n".join(released.values())
        assert "SOLUTION" not in text and "HIDDEN TESTS" not in text and "check_value" not in text
        for blocks in _solution_blocks().values():
            for block in blocks:
                for line in block.split("\n"):
                    code = line.strip()
                    if len(code) > 12 and not code.startswith("#") and "=" in code:
                        assert json.dumps(code)[1:-1] not in text, f"a solution line reached the release: {code}"


def test_reference_answers_get_full_marks_in_both_chapters(graded_course):
    course, _ = graded_course
    for chapter in ROUND_TRIP:
        grades = _grades(course, chapter, "alice")
        expected = sum(1 for g in _all_graded() if g.lesson.startswith(f"{chapter}/"))
        assert len(grades) == expected > 0
        lost = {name: score for name, score in grades.items() if score[0] != score[1]}
        assert not lost, f"alice lost points in {chapter}: {lost}"


def test_one_wrong_answer_loses_exactly_that_exercises_points(graded_course):
    course, wrong_id = graded_course
    alice, bob = _grades(course, "02_math", "alice"), _grades(course, "02_math", "bob")
    lost = {name for name in bob if bob[name][0] != alice[name][0]}
    assert lost == {grade_id("test", wrong_id)}
    assert bob[grade_id("test", wrong_id)] == (0.0, 1.0)
    assert sum(s for s, _ in bob.values()) == sum(s for s, _ in alice.values()) - 1


def test_the_assignments_command_writes_a_course_folder(tmp_path):
    from lib.course.assignments import main

    assert main([str(CHAPTERS / "02_math" / "06_worked_example.py"), "--course", str(tmp_path)]) == 0
    assert (tmp_path / "source" / "02_math" / "06_worked_example.ipynb").is_file()
    config = (tmp_path / "nbgrader_config.py").read_text(encoding="utf-8")
    assert "c.Execute.timeout = 600" in config and 'os.environ["COURSE_STATIC_WIDGETS"] = "1"' in config
    assert main([str(tmp_path / "nothing-here"), "--course", str(tmp_path)]) == 2
    shutil.rmtree(tmp_path)


def test_readme_states_how_many_answers_are_hidden():
    graded = _all_graded()
    hidden = sum(g.hidden_expected for g in graded)
    readme = (CHAPTERS.parent / "README.md").read_text(encoding="utf-8")
    assert f"{hidden} of the {len(graded)} exercises" in readme
