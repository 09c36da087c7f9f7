"""Student copies of the lessons, without solutions, and an answer key for the instructor.

Run as ``python -m lib.course.student PATH [PATH ...] --out DIR``. A PATH is a lesson (.py or its .ipynb),
a chapter folder (``chapters/01_concepts``) or the whole course (``chapters``). For each lesson it writes
``DIR/<chapter>/<lesson>.ipynb``: the lesson read from its .py source, every ``# BEGIN SOLUTION`` ...
``# END SOLUTION`` block replaced by ``raise NotImplementedError``, and no outputs (learners run it). It
also writes ``DIR/answer_key.md``: each exercise's solution and expected value. The checks the copies
keep, ``check("1.1.gpt2-medium-params", answer_1)``, hold no expected value: that lives in
``lib.course.exercises``. A lesson whose markers are unbalanced or nested is refused (exit status 2)
and nothing is written.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lib.course.catalogue import lesson_sources, read_lesson

MARKER = re.compile(r"^([ \t]*)#\s*(BEGIN|END)\s+SOLUTION\b(.*)$")
CHECK_ID = re.compile(r"""\bcheck\(\s*["']([^"']+)["']""")
PLACEHOLDER = 'raise NotImplementedError("write your answer here")'


class SolutionMarkerError(ValueError):
    """A lesson's solution markers are unbalanced, nested or malformed; the message says where."""


@dataclass(frozen=True)
class Solution:
    """One removed solution block: where it was, its code, and the exercises the cell then checks."""

    lesson: str
    code: str
    exercise_ids: tuple[str, ...]


def strip_solutions(text: str, where: str = "cell") -> tuple[str, list[str]]:
    """``text`` with each solution block replaced by a NotImplementedError, and the blocks' code.

    Raises SolutionMarkerError naming ``where`` and the line for an END without BEGIN, a BEGIN inside
    a block, a block left open, or a marker with anything after it.
    """
    if not isinstance(text, str):
        raise ValueError(f"text must be a str, got {type(text).__name__}")
    kept: list[str] = []
    blocks: list[str] = []
    block: list[str] | None = None
    opened_at = 0
    for number, line in enumerate(text.splitlines(), start=1):
        marker = MARKER.match(line)
        if marker is None:
            (kept if block is None else block).append(line)
            continue
        indent, kind, rest = marker.groups()
        if rest.strip():
            raise SolutionMarkerError(f"{where}, line {number}: malformed marker {line.strip()!r}")
        if kind == "BEGIN":
            if block is not None:
                message = f"BEGIN SOLUTION nested in the block opened at line {opened_at}"
                raise SolutionMarkerError(f"{where}, line {number}: {message}")
            block, opened_at = [], number
            kept += [f"{indent}# YOUR CODE HERE", f"{indent}{PLACEHOLDER}"]
        else:
            if block is None:
                raise SolutionMarkerError(f"{where}, line {number}: END SOLUTION without a BEGIN SOLUTION")
            blocks.append("\n".join(block))
            block = None
    if block is not None:
        raise SolutionMarkerError(f"{where}, line {opened_at}: BEGIN SOLUTION is never closed in this cell")
    return "\n".join(kept), blocks


def student_notebook(source: Path) -> tuple[Any, list[Solution]]:
    """The student copy of one lesson (an nbformat notebook without outputs) and the solutions removed."""
    import jupytext

    source = Path(source)
    if source.suffix not in (".py", ".ipynb") or not source.with_suffix(".py").is_file():
        raise ValueError(f"source must be a lesson .py (or an .ipynb beside one), got {str(source)!r}")
    source = source.with_suffix(".py")
    notebook = jupytext.read(source)
    solutions: list[Solution] = []
    for index, cell in enumerate(notebook.cells, start=1):
        if cell.cell_type != "code":
            continue
        new, blocks = strip_solutions(cell.source, where=f"{source}, code cell {index}")
        if blocks:
            ids = tuple(CHECK_ID.findall(new))
            solutions += [Solution(source.stem, code, ids) for code in blocks]
            cell.source = new
        cell.outputs, cell.execution_count = [], None
    notebook.metadata.pop("jupytext", None)
    notebook.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    return notebook, solutions


def lessons_in(paths: Iterable[Path]) -> list[Path]:
    """The lesson sources that ``paths`` name: lessons, chapter folders or the chapters folder, in order."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_file():
            found.append(path.with_suffix(".py"))
        elif path.is_dir() and list(path.glob("[0-9][0-9]_*.py")):
            found += sorted(path.glob("[0-9][0-9]_*.py"))
        elif path.is_dir() and lesson_sources(path):
            found += lesson_sources(path)
        else:
            raise ValueError(f"paths: {str(path)!r} is neither a lesson nor a folder of lessons")
    unique = list(dict.fromkeys(p.resolve() for p in found))
    if not unique:
        raise ValueError("paths: no lesson found")
    return unique


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _expected_text(exercise_id: str) -> str:
    from lib.course.exercises import registry

    exercise = registry().get(exercise_id)
    if exercise is None:
        return "not registered"
    hint = f" (hint shown to learners: {exercise.hint})"
    if exercise.inputs:
        return f"computed from the lesson's {', '.join(exercise.inputs)}{hint}"
    value = exercise.expected()
    return f"`{value!r}`{hint}" if exercise.kind != "tensor" else f"{hint}\n\n```\n{value!r}\n```"


def answer_key(solutions_by_lesson: dict[Path, list[Solution]]) -> str:
    """The answer key as Markdown: per lesson, each exercise's id, solution code and expected value."""
    lines = ["# Answer key", "", "Generated by `python -m lib.course.student`; do not give this file to learners.", ""]
    for source, solutions in solutions_by_lesson.items():
        lines += [f"## {read_lesson(source).title}", ""]
        for solution in solutions:
            for exercise_id in solution.exercise_ids or ("(no check call)",):
                lines += [f"- `{exercise_id}`: expected {_expected_text(exercise_id)}"]
            lines += ["", "```python", solution.code.rstrip(), "```", ""]
    return "\n".join(lines)


def build(paths: Iterable[Path], out: Path) -> dict[Path, list[Solution]]:
    """Write student copies of the lessons in ``paths`` and ``answer_key.md`` under ``out``.

    Every lesson is read and checked before anything is written, so a bad marker leaves ``out`` untouched.
    """
    import nbformat

    sources = lessons_in(paths)
    built = {source: student_notebook(source) for source in sources}
    out = Path(out)
    for source, (notebook, _) in built.items():
        _write_atomically(out / source.parent.name / f"{source.stem}.ipynb", nbformat.writes(notebook) + "\n")
    solutions = {source: found for source, (_, found) in built.items()}
    _write_atomically(out / "answer_key.md", answer_key(solutions))
    return solutions


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; see the module docstring."""
    parser = argparse.ArgumentParser(prog="python -m lib.course.student", description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path, help="lessons, chapter folders, or chapters/")
    parser.add_argument("--out", type=Path, required=True, help="folder for the copies and answer_key.md")
    args = parser.parse_args(argv)
    try:
        solutions = build(args.paths, args.out)
    except (SolutionMarkerError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    count = sum(len(found) for found in solutions.values())
    print(f"{args.out}: {len(solutions)} student notebook(s), {count} solution block(s) removed, answer_key.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
