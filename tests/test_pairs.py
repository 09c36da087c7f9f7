"""Every lesson is a .py source plus an .ipynb that matches it, was executed top to bottom, from these inputs."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lib.course.authoring import (
    STAMP_KEY,
    all_pair_problems,
    execute,
    pair_problems,
    run_measured,
    source_hash,
)
from lib.course.catalogue import CHAPTERS, ROOT, lesson_sources

EXEMPLAR = CHAPTERS / "01_concepts" / "01_what_is_a_large_model.py"
TINY_LESSON = """# %% [markdown]
# # 9.1 A tiny lesson

# %%
import math

answer_1 = 12

# %%
print(math.sqrt(answer_1 + 4))

# %%
# BEGIN SOLUTION
answer_2 = 5
# END SOLUTION
print(answer_2)
"""


def test_every_notebook_pair_is_in_sync_and_executed():
    assert lesson_sources(), "no lessons found under chapters/"
    problems = all_pair_problems()
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="module")
def executed_tiny_lesson(tmp_path_factory) -> Path:
    """A tiny lesson run once by the real `execute`, in a folder holding the course jupytext config."""
    root = tmp_path_factory.mktemp("course")
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")  # jupytext finds its pairing config here
    folder = root / "chapters" / "09_tiny"
    folder.mkdir(parents=True)
    source = folder / "01_tiny.py"
    source.write_text(TINY_LESSON, encoding="utf-8")
    execute(source, timeout=120)
    return source


@pytest.fixture
def pair(executed_tiny_lesson, tmp_path) -> Path:
    shutil.copy(executed_tiny_lesson.parents[2] / "pyproject.toml", tmp_path / "pyproject.toml")
    folder = tmp_path / "chapters" / "09_tiny"
    folder.mkdir(parents=True)
    for suffix in (".py", ".ipynb"):
        shutil.copy(executed_tiny_lesson.with_suffix(suffix), folder / executed_tiny_lesson.with_suffix(suffix).name)
    return folder / executed_tiny_lesson.name


def _notebook(pair: Path) -> dict:
    return json.loads(pair.with_suffix(".ipynb").read_text(encoding="utf-8"))


def test_execute_runs_the_lesson_and_stamps_the_hash_of_its_inputs(pair):
    import lib

    data = _notebook(pair)
    code = [c for c in data["cells"] if c["cell_type"] == "code"]
    assert [c["execution_count"] for c in code] == [1, 2, 3]
    assert "".join(code[1]["outputs"][0]["text"]).strip() == "4.0"
    inputs = [(c["cell_type"], "".join(c["source"]).strip()) for c in data["cells"]]
    assert data["metadata"][STAMP_KEY] == {"source_sha256": source_hash(inputs), "lib_version": lib.__version__}
    assert STAMP_KEY not in pair.read_text(encoding="utf-8"), "the stamp must stay out of the .py source"
    assert pair_problems(pair) == []


def test_source_hash_changes_with_any_cell():
    cells = [("markdown", "# Title"), ("code", "x = 1")]
    assert source_hash(cells) == source_hash(list(cells))
    assert (
        len(
            {
                source_hash(cells),
                source_hash([cells[0], ("code", "x = 2")]),
                source_hash([("code", "# Title"), cells[1]]),
                source_hash(cells[:1]),
            }
        )
        == 4
    )


def test_syncing_an_edited_source_without_executing_fails(pair):
    """The mutation the execution counts cannot see: edit the .py, `jupytext --sync`, keep the old outputs."""
    pair.write_text(pair.read_text(encoding="utf-8").replace("answer_1 + 4", "answer_1 + 13"), encoding="utf-8")
    subprocess.run([sys.executable, "-m", "jupytext", "--quiet", "--sync", str(pair)], check=True, cwd=pair.parent)
    data = _notebook(pair)
    assert "answer_1 + 13" in json.dumps(data["cells"]), "jupytext --sync should have copied the edit"
    assert STAMP_KEY in data["metadata"], "jupytext --sync must keep the stamp (it holds the old hash)"
    counts = [c["execution_count"] for c in data["cells"] if c["cell_type"] == "code"]
    assert counts == [1, 2, 3], "counts still look executed: only the hash can tell"
    problems = pair_problems(pair)
    assert len(problems) == 1 and "do not belong to its current inputs" in problems[0], problems


def test_a_notebook_without_a_stamp_fails(pair):
    data = _notebook(pair)
    del data["metadata"][STAMP_KEY]
    pair.with_suffix(".ipynb").write_text(json.dumps(data), encoding="utf-8")
    assert any("do not belong to its current inputs" in p for p in pair_problems(pair))


def test_editing_the_notebook_alone_fails(pair):
    notebook = pair.with_suffix(".ipynb")
    data = _notebook(pair)
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
    data = _notebook(pair)
    code = [c for c in data["cells"] if c["cell_type"] == "code"]
    code[0]["execution_count"], code[1]["execution_count"] = code[1]["execution_count"], code[0]["execution_count"]
    notebook.write_text(json.dumps(data), encoding="utf-8")
    assert any("not executed top to bottom" in p for p in pair_problems(pair))


def test_error_outputs_fail(pair):
    notebook = pair.with_suffix(".ipynb")
    data = _notebook(pair)
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


def test_execute_rejects_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="source must be an existing lesson .py file"):
        execute(tmp_path / "missing.py")
    lesson = tmp_path / "01_x.py"
    lesson.write_text(TINY_LESSON, encoding="utf-8")
    with pytest.raises(ValueError, match="timeout must be a positive int"):
        execute(lesson, timeout=0)


def test_execute_reports_a_failing_lesson(tmp_path):
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    lesson = tmp_path / "01_broken.py"
    lesson.write_text("# %%\nraise SystemExit('broken on purpose')\n", encoding="utf-8")
    with pytest.raises(RuntimeError, match="failed to execute"):
        execute(lesson, timeout=60)
    assert STAMP_KEY not in json.loads(lesson.with_suffix(".ipynb").read_text(encoding="utf-8"))["metadata"]


def test_run_measured_sees_a_child_allocate_memory():
    small = run_measured([sys.executable, "-c", "pass"])
    big = run_measured([sys.executable, "-c", "import time; b = bytearray(300 * 2**20); time.sleep(0.5)"])
    assert small.code == 0 and big.code == 0
    assert big.peak - small.peak >= 250 * 2**20, (small, big)
    assert big.largest_process_peak - small.largest_process_peak >= 250 * 2**20, (small, big)
    assert big.largest_process_peak <= big.peak
    if sys.platform == "linux":  # PSS is sampled every fourth look, the child lives 0.5 s: seen at least once
        assert big.tree_pss_peak is not None and big.tree_pss_peak >= 250 * 2**20, big
    assert 0 < small.seconds < 30
    assert run_measured([sys.executable, "-c", "raise SystemExit(3)"])[0] == 3


def test_run_measured_rejects_bad_arguments():
    with pytest.raises(ValueError, match="command must be"):
        run_measured([])
    with pytest.raises(ValueError, match="interval must be"):
        run_measured([sys.executable, "-c", "pass"], interval=0)
