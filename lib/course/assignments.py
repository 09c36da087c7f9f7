"""nbgrader assignments made from the lessons: solution regions, autograded tests and hidden answers.

Run as ``python -m lib.course.assignments PATH [PATH ...] --course DIR``. A PATH is a lesson, a chapter
folder or ``chapters``. Each chapter becomes one nbgrader assignment named after its folder
(``01_concepts``): the command writes ``DIR/source/<chapter>/<lesson>.ipynb`` and ``DIR/nbgrader_config.py``.
Then, in DIR, ``nbgrader generate_assignment 01_concepts`` releases it and ``nbgrader autograde`` grades it.

Every exercise cell of a lesson is split in two:

- the **answer cell** (nbgrader's "autograded answer"): the cell without its check, whose
  ``# BEGIN SOLUTION`` ... ``# END SOLUTION`` region nbgrader replaces with a ``NotImplementedError``;
- one **test cell** per exercise (an "autograder test", worth ``POINTS_PER_EXERCISE``): the lesson's
  ``check("1.1.gpt2-medium-params", answer_1)``, which tells learners right or wrong without showing the
  value, then, between ``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS``, the expected value
  written out (when it is a plain literal), which the released copy leaves out and grading restores.

Nothing here is kept by hand: the lesson's .py source and lib.course.exercises are the only inputs.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lib.core.files import atomic_write_text
from lib.course.exercises.base import ID_PATTERN
from lib.course.student import MARKER, PLACEHOLDER, SolutionMarkerError, lessons_in, strip_solutions

POINTS_PER_EXERCISE = 1
SCHEMA_VERSION = 3
CONFIG = """\
# nbgrader's settings for this course folder, written by `python -m lib.course.assignments`.
import os

c = get_config()  # noqa: F821 (nbgrader defines it)
# Lessons' widgets run their function once instead of drawing: an interactive widget executed outside a
# browser can stall its cell until the timeout (jupyter/nbclient#312), and a grader moves no slider.
os.environ["COURSE_STATIC_WIDGETS"] = "1"
c.CourseDirectory.course_id = "large-models-course"
# Lessons train small models: nbgrader's default of 30 s per cell is too short on a laptop CPU.
c.Execute.timeout = 600
# The same stub as the course's own student copies (python -m lib.course.student).
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\\n%s"}
"""


@dataclass(frozen=True)
class GradedExercise:
    """One autograded exercise: its id, lesson ('02_math/01_activations'), points and test cell's grade_id."""

    exercise_id: str
    lesson: str
    points: int
    grade_id: str
    hidden_expected: bool


def grade_id(prefix: str, exercise_id: str) -> str:
    """An nbgrader grade_id (letters, digits, '-' and '_' only) for ``exercise_id``: 'test-1_1-gpt2-params'."""
    if not isinstance(exercise_id, str) or not ID_PATTERN.match(exercise_id):
        raise ValueError(f"exercise_id must look like '1.1.short-name', got {exercise_id!r}")
    major, minor, name = exercise_id.split(".", 2)
    return f"{prefix}-{major}_{minor}-{name}"


def _literal(value: Any) -> str | None:
    """``value`` as Python source that evaluates back to an equal value, or None if it has no such form."""
    if isinstance(value, bool) or value is None or isinstance(value, (int, float, str)):
        text = repr(value)
    elif isinstance(value, tuple) and all(_literal(item) is not None for item in value):
        text = repr(value)
    else:
        return None
    try:
        return text if ast.literal_eval(text) == value else None
    except (ValueError, SyntaxError):
        return None


def _check_calls(tree: ast.Module) -> list[ast.stmt]:
    """The cell's top-level statements that are ``check("id", answer, ...)`` calls, in order."""
    found = []
    for statement in tree.body:
        call = statement.value if isinstance(statement, ast.Expr) else None
        if (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Name)
            and call.func.id == "check"
            and call.args
            and isinstance(call.args[0], ast.Constant)
            and isinstance(call.args[0].value, str)
        ):
            found.append(statement)
    return found


def _metadata(cell_grade_id: str, *, solution: bool, grade: bool, points: int = 0) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "grade": grade,
        "grade_id": cell_grade_id,
        "locked": grade,  # a test cell is read-only; answers and the lesson's other cells stay editable
        "schema_version": SCHEMA_VERSION,
        "solution": solution,
        "task": False,
    }
    if grade:
        meta["points"] = points
    return meta


def _test_source(statement_source: str, call: ast.Call) -> tuple[str, bool]:
    """The test cell's source for one check call, and whether it holds a hidden expected value."""
    from lib.course.exercises import exercise

    exercise_id = call.args[0].value  # type: ignore[attr-defined]
    registered = exercise(exercise_id)
    if registered.inputs or len(call.args) != 2 or call.keywords:
        return statement_source, False
    expected = _literal(registered.expected())
    if expected is None:
        return statement_source, False
    answer = ast.unparse(call.args[1])
    lines = [
        statement_source,
        "### BEGIN HIDDEN TESTS",
        "from lib.course.exercises import check_value",
        "",
        f"check_value({exercise_id!r}, {answer}, {expected})",
        "### END HIDDEN TESTS",
    ]
    return "\n".join(lines), True


def exercise_cells(
    source: str, where: str, lesson: str = ""
) -> tuple[str, list[tuple[str, dict[str, Any], GradedExercise]]]:
    """Split one exercise cell of ``lesson``: the answer cell's source, then (source, metadata, exercise) per test.

    Raises SolutionMarkerError naming ``where`` when the cell has no check call or a check sits inside
    its solution region.
    """
    if not strip_solutions(source, where)[1]:  # the same marker rules as the student copies
        raise SolutionMarkerError(f"{where}: the cell has no solution region to split")
    lines = source.splitlines()
    calls = _check_calls(ast.parse(source))
    if not calls:
        raise SolutionMarkerError(f"{where}: a cell with a solution region has no top-level check(...) call")
    inside, opened = set(), False
    for number, line in enumerate(lines):
        marker = MARKER.match(line)
        opened = (marker.group(2) == "BEGIN") if marker else opened
        if opened or marker:
            inside.add(number)
    removed: set[int] = set()
    tests = []
    for statement in calls:
        span = range(statement.lineno - 1, statement.end_lineno or statement.lineno)
        if any(i in inside for i in span):
            raise SolutionMarkerError(f"{where}: a check(...) call inside a solution region")
        removed.update(span)
        text, hidden = _test_source("\n".join(lines[i] for i in span), statement.value)  # type: ignore[attr-defined]
        exercise_id = statement.value.args[0].value  # type: ignore[attr-defined]
        graded = GradedExercise(exercise_id, lesson, POINTS_PER_EXERCISE, grade_id("test", exercise_id), hidden)
        tests.append((text, _metadata(graded.grade_id, solution=False, grade=True, points=graded.points), graded))
    kept = [line for number, line in enumerate(lines) if number not in removed]
    while kept and not kept[-1].strip():
        kept.pop()
    return "\n".join(kept), tests


def source_notebook(lesson: Path) -> tuple[Any, list[GradedExercise]]:
    """nbgrader's source version of one lesson (an nbformat notebook, no outputs) and its graded exercises."""
    import jupytext
    import nbformat

    lesson = Path(lesson).with_suffix(".py")
    notebook = jupytext.read(lesson)
    cells, graded = [], []
    for index, cell in enumerate(notebook.cells, start=1):
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        where = f"{lesson}, code cell {index}"
        if cell.cell_type != "code" or not strip_solutions(cell.source, where)[1]:
            cells.append(cell)
            continue
        answer, tests = exercise_cells(cell.source, where, f"{lesson.parent.name}/{lesson.stem}")
        first = tests[0][2].exercise_id
        cell.source = answer
        cell.metadata["nbgrader"] = _metadata(grade_id("answer", first), solution=True, grade=False)
        cells.append(cell)
        for text, meta, exercise in tests:
            cells.append(nbformat.v4.new_code_cell(text, metadata={"nbgrader": meta}))
            graded.append(exercise)
    notebook.cells = cells
    notebook.metadata.pop("jupytext", None)
    notebook.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    return notebook, graded


def build_course(paths: Iterable[Path], course: Path) -> dict[str, list[GradedExercise]]:
    """Write nbgrader's source folder (one assignment per chapter) and config under ``course``.

    Every lesson is read first, so a malformed one leaves ``course`` untouched. Returns each assignment's
    graded exercises in order.
    """
    import nbformat

    lessons = lessons_in(paths)
    built = {lesson: source_notebook(lesson) for lesson in lessons}
    course = Path(course)
    assignments: dict[str, list[GradedExercise]] = {}
    for lesson, (notebook, graded) in built.items():
        assignment = lesson.parent.name
        atomic_write_text(course / "source" / assignment / f"{lesson.stem}.ipynb", nbformat.writes(notebook) + "\n")
        assignments.setdefault(assignment, []).extend(graded)
    atomic_write_text(course / "nbgrader_config.py", CONFIG % PLACEHOLDER.replace('"', '\\"'))
    return assignments


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; see the module docstring."""
    parser = argparse.ArgumentParser(prog="python -m lib.course.assignments", description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path, help="lessons, chapter folders, or chapters/")
    parser.add_argument("--course", type=Path, required=True, help="the nbgrader course folder to write")
    args = parser.parse_args(argv)
    try:
        assignments = build_course(args.paths, args.course)
    except (SolutionMarkerError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for name, graded in assignments.items():
        hidden = sum(exercise.hidden_expected for exercise in graded)
        points = sum(exercise.points for exercise in graded)
        print(f"{args.course}/source/{name}: {len(graded)} exercises, {points} points, {hidden} with hidden answers")
    releases = " && ".join(f"nbgrader generate_assignment {name}" for name in assignments)
    print(f"next: cd {args.course} && {releases}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
