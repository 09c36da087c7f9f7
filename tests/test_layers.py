"""lib is layered: each package imports only from packages below it (or from itself).

The order, lowest first. A module in `lessons` may use every general tool; nothing general may
use `lessons`; `course` (catalogue, authoring, checks, the lesson preamble) sits on top.
"""

import ast
from pathlib import Path

import pytest

LIB = Path(__file__).resolve().parent.parent / "lib"
LAYERS = ("core", "data", "scratch", "models", "compress", "scale", "train", "viz", "lessons", "course")
RANK = {name: rank for rank, name in enumerate(LAYERS)}
# Packages on the same rank may not import each other either: they are independent tools.
SAME_RANK = {"compress": 4, "scale": 4}
RANK.update(SAME_RANK)
MAX_LINES = 400


def _modules() -> list[Path]:
    return sorted(p for p in LIB.rglob("*.py"))


def _package(path: Path) -> str | None:
    parts = path.relative_to(LIB).parts
    return parts[0] if len(parts) > 1 else None


def _lib_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module
            and (node.module == "lib" or node.module.startswith("lib."))
        ):
            if node.module == "lib":
                found += [f"lib.{alias.name}" for alias in node.names]
            else:
                found.append(node.module)
        elif isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if alias.name.startswith("lib.")]
    return found


def test_every_module_sits_in_a_known_layer():
    stray = [str(p.relative_to(LIB)) for p in _modules() if p.name != "__init__.py" and _package(p) is None]
    assert not stray, f"modules directly under lib/ (put them in a layer): {stray}"
    unknown = sorted({_package(p) for p in _modules()} - set(RANK) - {None})
    assert not unknown, f"packages missing from LAYERS in this test: {unknown}"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(LIB)))
def test_imports_only_from_lower_layers(path):
    own = _package(path)
    if own is None:
        assert _lib_imports(path) == [], "lib/__init__.py must import nothing from lib (no import-time work)"
        return
    for module in _lib_imports(path):
        parts = module.split(".")
        assert len(parts) >= 2, f"{path.name}: import a module, not the lib package ({module})"
        target = parts[1]
        assert target in RANK, f"{path.name} imports {module}, which is in no layer"
        if target == own:
            continue
        assert RANK[target] < RANK[own], (
            f"{path.relative_to(LIB)} ({own}, layer {RANK[own]}) imports {module} ({target}, layer {RANK[target]}): "
            "a layer may import only from layers below it"
        )


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(LIB)))
def test_modules_stay_small(path):
    n = len(path.read_text(encoding="utf-8").splitlines())
    assert n <= MAX_LINES, f"{path.relative_to(LIB)} has {n} lines; split it by concept (limit {MAX_LINES})"


def test_the_layer_check_catches_an_upward_import(tmp_path, monkeypatch):
    """The check above must be able to fail: a core module importing from train is reported."""
    fake = tmp_path / "lib"
    (fake / "core").mkdir(parents=True)
    bad = fake / "core" / "bad.py"
    bad.write_text("from lib.train.engine import fit\n")
    monkeypatch.setattr(__import__(__name__), "LIB", fake, raising=False)
    global LIB
    saved, LIB = LIB, fake
    try:
        with pytest.raises(AssertionError, match="may import only from layers below"):
            test_imports_only_from_lower_layers(bad)
    finally:
        LIB = saved
