"""The catalogue: lesson headers, the Colab setup cell, the README's table and links, the CI hook."""

import re
import shlex
from pathlib import Path

import jupytext
import pytest

import lib
from lib.course.authoring import TABLE_END, TABLE_START, set_setup_cell
from lib.course.catalogue import (
    BRANCH,
    CHAPTERS,
    REPOSITORY,
    ROOT,
    binder_url,
    colab_setup_cell,
    colab_url,
    lesson_sources,
    lessons,
    read_lesson,
    readme_table,
    release_tag,
)
from lib.course.syllabus import SYLLABUS, lesson_title

README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("source", lesson_sources(), ids=lambda p: p.stem)
def test_lesson_starts_with_header_and_colab_cell(source):
    lesson = read_lesson(source)
    assert re.match(r"\d\.\d+ ", lesson.title), f"title should be numbered like '1.1 ...': {lesson.title}"
    assert re.search(r"\d+ (s|min)\b", lesson.time), f"Time should read like 'about 2 min': {lesson.time}"
    cells = jupytext.read(source).cells
    first_code = next(c for c in cells if c.cell_type == "code")
    assert first_code.source.strip() == colab_setup_cell(), f"{source}: first code cell must be the Colab setup cell"


def test_header_parser_names_what_is_missing(tmp_path):
    bad = tmp_path / "01_x.py"
    bad.write_text("# %% [markdown]\n# # 1.9 Title\n#\n# **Time:** 1 min\n", encoding="utf-8")
    with pytest.raises(ValueError, match="Prerequisites"):
        read_lesson(bad)


def test_readme_table_is_generated_and_current():
    assert readme_table() in README, "README's lesson table is stale: run `python -m lib.course.authoring readme`"
    table = README.split(TABLE_START, 1)[1].split(TABLE_END, 1)[0]
    assert len(lessons()) == table.count("](chapters/")


def test_every_readme_link_to_the_course_points_to_an_existing_notebook():
    links = re.findall(r"\]\((https://[^)]+|chapters/[^)]+)\)", README)
    course_links = [link for link in links if "chapters/" in link]
    assert course_links
    for link in course_links:
        path = re.search(r"(chapters/[\w./-]+\.(?:ipynb|md))", link).group(1)
        assert (ROOT / path).is_file(), f"README links to a missing notebook or chapter index: {link}"
        if link.startswith("https://"):
            assert link in (colab_url(path), binder_url(path)), f"link not generated from lib.course.catalogue: {link}"


def test_links_come_from_the_one_repository_url():
    path = "chapters/01_concepts/01_what_is_a_large_model.ipynb"
    owner_repo = REPOSITORY.removeprefix("https://github.com/")
    assert colab_url(path) == f"https://colab.research.google.com/github/{owner_repo}/blob/{BRANCH}/{path}"
    assert binder_url(path) == f"https://mybinder.org/v2/gh/{owner_repo}/{BRANCH}?urlpath=lab/tree/{path}"
    assert f'"git+{REPOSITORY}@v{lib.__version__}"' in colab_setup_cell()
    with pytest.raises(ValueError, match="chapters/"):
        colab_url("README.md")


def test_colab_cell_does_not_touch_colab_packages():
    cell = colab_setup_cell()
    assert "--no-deps" in cell and "google.colab" in cell
    assert "torch" not in cell.split("url =")[1].replace("torch or ipywidgets", "")


def test_setup_cell_pins_the_lib_version_and_checks_it():
    cell = colab_setup_cell("1.2.3")
    assert '@v1.2.3"' in cell and "@main" not in cell
    exec(compile(colab_setup_cell(), "setup", "exec"), {})  # the installed lib is the version it names: silent
    with pytest.raises(RuntimeError, match=rf"executed with lib 1\.2\.3, but lib {re.escape(lib.__version__)}"):
        exec(compile(cell, "setup", "exec"), {})


def test_release_tag_is_the_version_and_rejects_others():
    assert release_tag("0.2.0") == "v0.2.0"
    assert release_tag(lib.__version__) == f"v{lib.__version__}"
    for bad in ("main", "v0.2.0", "0.2", 2):
        with pytest.raises(ValueError, match="version must look like"):
            release_tag(bad)


def test_set_setup_cell_rewrites_only_the_first_code_cell(tmp_path):
    lesson = tmp_path / "01_x.py"
    body = "# %%\nprint('body')\n"
    lesson.write_text(f"# %% [markdown]\n# # 9.1 X\n\n# %%\nold_setup = 1\n\n{body}", encoding="utf-8")
    assert set_setup_cell(lesson) is True
    cells = jupytext.read(lesson).cells
    assert [c.cell_type for c in cells] == ["markdown", "code", "code"]
    assert cells[1].source == colab_setup_cell() and cells[2].source == "print('body')"
    assert set_setup_cell(lesson) is False, "a current setup cell is left alone"
    (tmp_path / "02_y.py").write_text("# %% [markdown]\n# # only prose\n", encoding="utf-8")
    with pytest.raises(ValueError, match="source must hold a code cell"):
        set_setup_cell(tmp_path / "02_y.py")


def test_syllabus_is_the_lessons_under_chapters():
    found = tuple((lesson.notebook.relative_to(CHAPTERS).as_posix(), lesson.title) for lesson in lessons())
    rows = "\n".join(f"    ({n!r}, {t!r})," for n, t in found)
    assert SYLLABUS == found, f"lib/course/syllabus.py is stale; SYLLABUS should hold:\n{rows}"
    assert lesson_title("02_math/05_optimizers.ipynb").startswith("2.5 ")
    with pytest.raises(ValueError, match="notebook must be a lesson"):
        lesson_title("02_math/99_nothing.ipynb")


@pytest.mark.parametrize("source", lesson_sources(), ids=lambda p: p.stem)
def test_lessons_read_no_repository_files(source):
    """On Colab only lib is installed: a lesson that reads chapters/ or the repository breaks there."""
    code = "\n".join(c.source for c in jupytext.read(source).cells if c.cell_type == "code")
    for forbidden in ("CHAPTERS", "ROOT", "__file__", "read_text(", "open(", ".glob("):
        assert forbidden not in code, f"{source.name} uses {forbidden}: ship what it needs in lib instead"


def _readme_command(marker: str) -> str:
    match = re.search(rf"<!-- {marker} -->\s*```bash\n(.+?)\n```", README, re.S)
    assert match, f"README lacks the {marker} block"
    return match.group(1).strip()


def test_ci_runs_the_readme_test_command():
    command = _readme_command("test-command")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert command in ci, ".ci/run must run the README's test command verbatim"
    assert "pytest" in command and "requirements.txt" in command


def test_quick_start_is_two_commands():
    for marker in ("open-command", "test-command"):
        command = _readme_command(marker)
        assert "\n" not in command and shlex.split(command)


def test_requirements_admit_colab_versions_and_install_the_course():
    from packaging.requirements import Requirement

    lines = [line.split("#")[0].strip() for line in (ROOT / "requirements.txt").read_text().splitlines()]
    lines = [line for line in lines if line]
    assert "-e ." in lines, "requirements.txt must install the course package"
    requirements = {Requirement(line).name.lower(): Requirement(line) for line in lines if not line.startswith("-")}
    assert not any("==" in str(r.specifier) for r in requirements.values()), "use ranges, not exact pins"
    colab = {"torch": "2.11.0", "ipywidgets": "7.7.1"}
    for name, version in colab.items():
        assert requirements[name].specifier.contains(version), f"{name} {version} (Colab) must be admitted"
    for name in ("jupyterlab", "torch", "matplotlib", "ipywidgets", "nbval", "jupytext", "pytest"):
        assert name in requirements, f"requirements.txt lacks {name}"


def test_top_level_layout():
    for name in (
        "README.md",
        "requirements.txt",
        "chapters",
        "lib",
        "tests",
        "binder",
        "pyproject.toml",
        "LICENSE",
        ".ci/run",
        "CONTRIBUTING.md",
    ):
        assert (ROOT / name).exists(), name
    assert Path(ROOT / ".ci" / "run").read_text().startswith("#!")
