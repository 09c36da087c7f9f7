"""Real labelled text that ships with Python: standard-library docstrings, labelled by their package.

Every CPython install holds the standard library's source. Its docstrings are English prose written
by many people, and the package a docstring comes from (asyncio, email, logging, ...) is a real label,
not one we invented: a text classifier must tell "Return the event loop's time" (asyncio) from "Return
the message's Content-Type" (email). The source is parsed with ``ast``, never imported, so reading it
runs no code and has no side effects. The exact docstrings differ a little between Python versions;
the split is by a hash of each text, so it is the same on every machine with the same Python.
"""

from __future__ import annotations

import ast
import hashlib
import sysconfig
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lib.core.validate import fraction, positive_int

# Packages with the most docstrings of at least MIN_CHARS characters (about 100 to 300 each).
PACKAGES = ("asyncio", "email", "http", "importlib", "logging", "multiprocessing", "unittest", "xml")
MIN_CHARS = 40
SPLITS = ("train", "test", "all")
_DOCUMENTED = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


@dataclass(frozen=True)
class LabelledTexts:
    """Texts with integer labels; ``classes[label]`` names each label."""

    texts: tuple[str, ...]
    labels: tuple[int, ...]
    classes: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.texts)


def stdlib_root() -> Path:
    """The folder of this Python's standard library source."""
    return Path(sysconfig.get_paths()["stdlib"])


def _docstrings_of(path: Path) -> list[str]:
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (SyntaxError, UnicodeDecodeError, OSError):
        return []
    found = []
    for node in ast.walk(tree):
        if isinstance(node, _DOCUMENTED):
            text = ast.get_docstring(node, clean=True)
            if text:
                found.append(text)
    return found


@lru_cache(maxsize=4)
def _collect(packages: tuple[str, ...], min_chars: int) -> tuple[tuple[str, int], ...]:
    root = stdlib_root()
    seen: set[str] = set()
    rows: list[tuple[str, int]] = []
    for label, package in enumerate(packages):
        folder = root / package
        if not folder.is_dir():
            raise FileNotFoundError(f"package {package!r} has no source folder under {str(root)!r}")
        for path in sorted(folder.rglob("*.py")):
            if "test" in path.relative_to(root).parts[1:-1] or "tests" in path.parts:
                continue
            for text in _docstrings_of(path):
                if len(text) >= min_chars and text not in seen:  # a text seen twice is kept once, first label
                    seen.add(text)
                    rows.append((text, label))
    return tuple(rows)


def _bucket(text: str) -> float:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def load_docstrings(
    split: str = "train",
    test_fraction: float = 0.2,
    packages: tuple[str, ...] = PACKAGES,
    min_chars: int = MIN_CHARS,
) -> LabelledTexts:
    """Docstrings of ``packages`` labelled by package, the ``split`` of them chosen by a hash of the text.

    A docstring goes to ``test`` when its hash falls below ``test_fraction``; duplicates are dropped
    first, so no text is in both splits.
    """
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    test_fraction = fraction("test_fraction", test_fraction, low_inclusive=False)
    min_chars = positive_int("min_chars", min_chars)
    if not isinstance(packages, tuple) or len(packages) < 2 or not all(isinstance(p, str) for p in packages):
        raise ValueError(f"packages must be a tuple of at least two package names, got {packages!r}")
    rows = _collect(packages, min_chars)
    if split != "all":
        want_test = split == "test"
        rows = tuple(r for r in rows if (_bucket(r[0]) < test_fraction) == want_test)
    return LabelledTexts(tuple(t for t, _ in rows), tuple(y for _, y in rows), packages)
