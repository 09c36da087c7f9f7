"""The repository stands alone and tests what a learner installs: docs, the lib map, requirements and CI."""

import re
from pathlib import Path

import pytest
import tomllib
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from lib.course.catalogue import ROOT
from lib.course.libmap import LAYERS, LIBMAP_END, LIBMAP_START, libmap, public_names, update_between_markers

CONTRIBUTING = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")
CI = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
DOCS = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]
DOCS += sorted((ROOT / "chapters").glob("*/README.md"))  # the chapter indexes


def _requirements(path: Path) -> dict[str, Requirement]:
    lines = [line.split("#")[0].strip() for line in path.read_text(encoding="utf-8").splitlines()]
    return {Requirement(line).name.lower(): Requirement(line) for line in lines if line and not line.startswith("-")}


def _lower_bound(requirement: Requirement) -> str:
    (bound,) = [s.version for s in requirement.specifier if s.operator == ">="]
    return bound


def test_contributing_lib_map_is_generated_and_current():
    between = CONTRIBUTING.split(LIBMAP_START, 1)[1].split(LIBMAP_END, 1)[0].strip()
    assert between == libmap(), "CONTRIBUTING.md's lib map is stale: run `python -m lib.course.authoring libmap`"
    for package in LAYERS:
        assert f"**`lib.{package}`**" in between


def test_libmap_layers_are_the_enforced_layers():
    from test_layers import LAYERS as ENFORCED  # tests/ is on sys.path under pytest

    assert LAYERS == ENFORCED


def test_libmap_lists_modules_and_rejects_an_unknown_package(tmp_path):
    lib = tmp_path / "lib"
    (lib / "core").mkdir(parents=True)
    (lib / "__init__.py").write_text('"""Top."""\n')
    (lib / "core" / "__init__.py").write_text('"""Foundations."""\n')
    tool = '"""Does a thing.\n\nMore."""\nLIMIT = 3\nT = 1\ndef go(): ...\ndef _hidden(): ...\n'
    (lib / "core" / "tool.py").write_text(tool)
    assert libmap(lib) == "- **`lib.core`**: Foundations.\n  - `lib.core.tool`: Does a thing. (`LIMIT`, `go`)"
    (lib / "extra").mkdir()
    (lib / "extra" / "__init__.py").write_text("")
    with pytest.raises(ValueError, match=r"packages \['extra'\] are not in LAYERS"):
        libmap(lib)
    with pytest.raises(ValueError, match="lib must be the lib package folder"):
        libmap(tmp_path / "nowhere")


def test_public_names_skip_private_and_lowercase_assignments():
    import ast

    tree = ast.parse("A_B = 1\nx = 2\n_C = 3\nT = 0\nclass K: ...\nasync def run(): ...\ndef _p(): ...\nNN: int = 4\n")
    assert public_names(tree) == ["A_B", "K", "run", "NN"]  # a one-letter T is a TypeVar, not a constant


def test_update_between_markers(tmp_path):
    doc = tmp_path / "doc.md"
    doc.write_text(f"head\n{LIBMAP_START}\nold\n{LIBMAP_END}\ntail\n", encoding="utf-8")
    assert update_between_markers(doc, "new") is True
    assert doc.read_text(encoding="utf-8") == f"head\n{LIBMAP_START}\nnew\n{LIBMAP_END}\ntail\n"
    assert update_between_markers(doc, "new") is False
    doc.write_text("no markers", encoding="utf-8")
    with pytest.raises(ValueError, match="lacks the markers"):
        update_between_markers(doc, "new")


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_docs_link_only_inside_the_repository(doc):
    """A contributor's clone has nothing beside the repository (no ../shared/): every relative link resolves."""
    text = doc.read_text(encoding="utf-8")
    assert "../shared" not in text and "COURSE_DESIGN" not in text
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
        if not re.match(r"https?://", target):
            resolved = (doc.parent / target).resolve()
            assert resolved.is_relative_to(ROOT) and resolved.exists(), f"{doc.name} links to {target}"


def test_design_doc_carries_the_errata_budgets_and_data_rules():
    design = (ROOT / "docs" / "design.md").read_text(encoding="utf-8")
    for heading in ("## Where the source article is wrong", "## Budgets", "## Data and models", "## The lib"):
        assert heading in design
    assert "m̂/(√v̂ + ε)" in design and "Turing-NLG" in design  # two of the errata
    assert "docs/design.md" in CONTRIBUTING


def test_readme_lists_every_lib_package():
    listed = set(re.findall(r"^\| `lib\.(\w+)`(?:, `lib\.(\w+)`)? \|", README, re.M))
    listed = {name for pair in listed for name in pair if name}
    packages = {p.name for p in (ROOT / "lib").iterdir() if (p / "__init__.py").is_file()}
    assert listed == packages


def test_readme_install_figures_are_dated_and_name_both_wheels():
    assert re.search(r"measured on \d{4}-\d\d-\d\d", README)
    assert re.search(r"torch 2\.\d+\.\d+\+cu\d+.*\| [\d.]+ GB \| \d+ s \|", README)
    assert re.search(r"torch 2\.\d+\.\d+\+cpu.*\| [\d.]+ GB \| \d+ s \|", README)


def test_lower_bounds_are_the_versions_the_colab_environment_tests():
    requirements = _requirements(ROOT / "requirements.txt")
    colab = _requirements(ROOT / ".ci" / "colab-constraints.txt")
    assert {"torch", "ipywidgets"} <= set(colab)
    assert str(colab["torch"].specifier) == "==2.11.0" and str(colab["ipywidgets"].specifier) == "==7.7.1"
    for name, pin in colab.items():
        (version,) = [s.version for s in pin.specifier]
        lower = Version(_lower_bound(requirements[name]))
        assert lower == Version(version), f"requirements.txt's lower bound of {name} is {lower}; CI tests {version}"


def test_package_and_binder_ranges_match_requirements():
    requirements = _requirements(ROOT / "requirements.txt")
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    for line in pyproject["project"]["dependencies"]:
        dependency = Requirement(line)
        assert dependency.specifier == requirements[dependency.name.lower()].specifier, dependency.name
    binder = _requirements(ROOT / "binder" / "requirements.txt")
    assert set(binder) == set(requirements), "binder/requirements.txt lists every package requirements.txt does"
    for name, requirement in binder.items():
        assert requirement.specifier == requirements[name].specifier, f"binder/requirements.txt: {name}"


def test_pytest_uses_both_cores_and_keeps_each_notebook_on_one_worker():
    addopts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"][
        "addopts"
    ]
    assert addopts[addopts.index("-n") + 1] == "2"
    assert addopts[addopts.index("--dist") + 1] == "loadfile", "plain -n 2 splits a notebook's cells across workers"
    assert "pytest-xdist" in _requirements(ROOT / "requirements.txt")


def test_ci_installs_nothing_before_the_readme_command_and_tests_colab_versions():
    command = re.search(r"<!-- test-command -->\s*```bash\n(.+?)\n```", README, re.S).group(1).strip()
    before = CI.split(command, 1)[0]
    assert "pip install" not in before and "pip download" not in before, "CI must not pre-install anything"
    after = CI.split(command, 1)[1]
    assert "-c .ci/colab-constraints.txt" in after and "-m pytest" in after


def test_binder_folder_follows_repo2docker_conventions():
    """repo2docker reads only binder/ when it exists: a runtime.txt it accepts, pip's requirements.txt with
    the course installed from the copied repository (-e .), and no conda file that would replace pip's."""
    binder = ROOT / "binder"
    assert sorted(p.name for p in binder.iterdir()) == ["requirements.txt", "runtime.txt"]
    runtime = (binder / "runtime.txt").read_text(encoding="utf-8").strip()
    assert re.fullmatch(r"python-3\.\d+", runtime), f"repo2docker wants 'python-X.Y', got {runtime!r}"
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["requires-python"]
    minor = int(runtime.split(".")[1])
    assert Version(f"3.{minor}") in SpecifierSet(requires), f"{runtime} does not satisfy requires-python {requires}"
    lines = (binder / "requirements.txt").read_text(encoding="utf-8").splitlines()
    assert "-e ." in lines and "--extra-index-url https://download.pytorch.org/whl/cpu" in lines
