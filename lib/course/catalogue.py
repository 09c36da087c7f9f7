"""The course's catalogue: where it lives, its lessons, and the links that open them.

The repository URL is kept here and nowhere else by hand: the README's links and each
notebook's Colab setup cell are generated from it, and tests check they agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

REPOSITORY = "https://github.com/large-models-course/large-models-course"
BRANCH = "main"
ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = ROOT / "chapters"

HEADER_FIELDS = ("Time", "Prerequisites", "You will learn")


def _owner_repo() -> str:
    match = re.fullmatch(r"https://github\.com/([\w.-]+/[\w.-]+)", REPOSITORY)
    if match is None:
        raise ValueError(f"REPOSITORY must be https://github.com/OWNER/NAME, got {REPOSITORY!r}")
    return match.group(1)


def _relative_notebook(path: str | Path) -> str:
    rel = Path(path)
    if rel.is_absolute():
        rel = rel.relative_to(ROOT)
    if rel.suffix != ".ipynb" or rel.parts[0] != "chapters":
        raise ValueError(f"path must be a chapters/.../*.ipynb notebook, got {str(path)!r}")
    return rel.as_posix()


def colab_url(notebook: str | Path) -> str:
    """Link that opens ``notebook`` (a path under chapters/) in Google Colab."""
    return f"https://colab.research.google.com/github/{_owner_repo()}/blob/{BRANCH}/{_relative_notebook(notebook)}"


def binder_url(notebook: str | Path) -> str:
    """Link that opens ``notebook`` in JupyterLab on mybinder.org."""
    return f"https://mybinder.org/v2/gh/{_owner_repo()}/{BRANCH}?urlpath=lab/tree/{_relative_notebook(notebook)}"


def release_tag(version: str) -> str:
    """The git tag of a lib release, e.g. 'v0.2.0': the commit whose notebooks were executed with that version."""
    if not isinstance(version, str) or re.fullmatch(r"\d+\.\d+\.\d+", version) is None:
        raise ValueError(f"version must look like '0.2.0', got {version!r}")
    return f"v{version}"


def colab_setup_cell(version: str | None = None) -> str:
    """The first code cell of every notebook: pins ``lib`` to the version the notebook was executed with.

    On Colab it installs that release (the tag ``v<version>``) with ``--no-deps``, which keeps Colab's own
    torch, ipywidgets and matplotlib exactly as they are; everywhere it stops with a clear message when the
    installed ``lib`` is another version. ``version`` defaults to ``lib.__version__``.
    """
    import lib

    version = lib.__version__ if version is None else version
    tag = release_tag(version)
    return (
        "# Setup: on Colab, install the course's `lib` at the version this notebook was executed with, without\n"
        "# touching Colab's own torch or ipywidgets. Elsewhere `pip install -r requirements.txt` has installed it.\n"
        "import sys\n"
        "\n"
        'if "google.colab" in sys.modules:\n'
        "    import subprocess\n"
        "\n"
        f'    url = "git+{REPOSITORY}@{tag}"\n'
        '    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", url], check=True)\n'
        "\n"
        "import lib\n"
        "\n"
        f'if lib.__version__ != "{version}":\n'
        "    raise RuntimeError(\n"
        f'        f"this notebook was executed with lib {version}, but lib {{lib.__version__}} is installed: "\n'
        f'        "open the notebook of the same release, or install {tag} "\n'
        '        "(on Colab: restart the session, then run this cell again)"\n'
        "    )"
    )


@dataclass(frozen=True)
class Lesson:
    """A lesson as the README lists it, read from its notebook's header cell."""

    source: Path  # the .py percent file
    title: str
    time: str
    prerequisites: str
    learn: str

    @property
    def notebook(self) -> Path:
        """The .ipynb pair of the source."""
        return self.source.with_suffix(".ipynb")

    @property
    def chapter(self) -> str:
        """The chapter folder name, e.g. '01_concepts'."""
        return self.source.parent.name


def lesson_sources(chapters: Path = CHAPTERS) -> list[Path]:
    """Every lesson source (chapters/NN_chapter/NN_lesson.py), in course order."""
    return sorted(p for p in chapters.glob("[0-9][0-9]_*/[0-9][0-9]_*.py"))


def read_lesson(source: Path) -> Lesson:
    """Parse the header of a lesson: its first markdown cell's title and **Field:** lines."""
    text = Path(source).read_text(encoding="utf-8")
    header: list[str] = []
    in_markdown = False
    for line in text.splitlines():
        if line.startswith("# %%"):
            if in_markdown:
                break
            in_markdown = "[markdown]" in line
            continue
        if in_markdown:
            header.append(line[2:] if line.startswith("# ") else line.lstrip("#"))
    title = next((h[2:].strip() for h in header if h.startswith("# ")), None)
    fields = {}
    for name in HEADER_FIELDS:
        match = re.search(rf"\*\*{re.escape(name)}:\*\*\s*(.+?)(?:\s+·\s+\*\*|$)", "\n".join(header), re.M)
        fields[name] = match.group(1).strip() if match else None
    missing = [n for n, v in fields.items() if not v] + ([] if title else ["title"])
    if missing:
        raise ValueError(f"{source}: header cell lacks {missing}; see CONTRIBUTING.md for the header format")
    return Lesson(Path(source), title, fields["Time"], fields["Prerequisites"], fields["You will learn"])


def lessons(chapters: Path = CHAPTERS) -> list[Lesson]:
    """All lessons in course order."""
    return [read_lesson(p) for p in lesson_sources(chapters)]


def readme_table(all_lessons: list[Lesson] | None = None) -> str:
    """The README's chapter table in Markdown, one row per lesson, with Colab and Binder links."""
    rows = ["| Lesson | Time (laptop CPU) | You will learn | Open |", "| --- | --- | --- | --- |"]
    for lesson in all_lessons if all_lessons is not None else lessons():
        rel = lesson.notebook.relative_to(ROOT).as_posix()
        links = f"[Colab]({colab_url(rel)}) · [Binder]({binder_url(rel)})"
        rows.append(f"| [{lesson.title}]({rel}) | {lesson.time} | {lesson.learn} | {links} |")
    return "\n".join(rows)
