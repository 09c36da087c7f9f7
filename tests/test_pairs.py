"""Every lesson is a .py source plus an .ipynb that matches it and was executed top to bottom."""

import json
import shutil
from pathlib import Path

import pytest

from lib.course.authoring import all_pair_problems, pair_problems
from lib.course.catalogue import CHAPTERS, lesson_sources

EXEMPLAR = CHAPTERS / "01_concepts" / "01_what_is_a_large_model.py"


def test_every_notebook_pair_is_in_sync_and_executed():
    assert lesson_sources(), "no lessons found under chapters/"
    problems = all_pair_problems()
    assert not problems, "\n".join(problems)


@pytest.fixture
def pair(tmp_path) -> Path:
    folder = tmp_path / "chapters" / "01_concepts"
    folder.mkdir(parents=True)
    for suffix in (".py", ".ipynb"):
        shutil.copy(EXEMPLAR.with_suffix(suffix), folder / EXEMPLAR.with_suffix(suffix).name)
    return folder / EXEMPLAR.name


def test_an_intact_copy_passes(pair):
    assert pair_problems(pair) == []


def test_editing_the_notebook_alone_fails(pair):
    notebook = pair.with_suffix(".ipynb")
    data = json.loads(notebook.read_text(encoding="utf-8"))
    code = next(c for c in data["cells"] if c["cell_type"] == "code" and "import math" in "".join(c["source"]))
    code["source"] = ["import math  # edited in the notebook only\n"] + code["source"][1:]
    notebook.write_text(json.dumps(data), encoding="utf-8")
    assert any("inputs differ" in p for p in pair_problems(pair))


def test_editing_the_source_alone_fails(pair):
    pair.write_text(
        pair.read_text(encoding="utf-8").replace("import math\n", "import math as m\n", 1), encoding="utf-8"
    )
    assert any("inputs differ" in p for p in pair_problems(pair))


def test_unexecuted_or_out_of_order_notebooks_fail(pair):
    notebook = pair.with_suffix(".ipynb")
    data = json.loads(notebook.read_text(encoding="utf-8"))
    code = [c for c in data["cells"] if c["cell_type"] == "code"]
    code[1]["execution_count"], code[2]["execution_count"] = code[2]["execution_count"], code[1]["execution_count"]
    notebook.write_text(json.dumps(data), encoding="utf-8")
    assert any("not executed top to bottom" in p for p in pair_problems(pair))


def test_error_outputs_fail(pair):
    notebook = pair.with_suffix(".ipynb")
    data = json.loads(notebook.read_text(encoding="utf-8"))
    code = [c for c in data["cells"] if c["cell_type"] == "code"]
    code[-1]["outputs"].append({"output_type": "error", "ename": "E", "evalue": "", "traceback": []})
    notebook.write_text(json.dumps(data), encoding="utf-8")
    assert any("error output" in p for p in pair_problems(pair))


def test_missing_pairs_are_reported(pair):
    pair.with_suffix(".ipynb").unlink()
    assert any("no .ipynb pair" in p for p in pair_problems(pair))
    orphan = pair.parent / "02_orphan.ipynb"
    orphan.write_text("{}", encoding="utf-8")
    assert any("no .py source" in p for p in all_pair_problems(pair.parent.parent))
