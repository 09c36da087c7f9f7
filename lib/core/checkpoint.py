"""Save and load model weights safely: atomic writes, and loads that cannot run code.

A checkpoint is written to a temporary file in the same folder and renamed into place, so a
crash mid-write never leaves half a file. Loading uses ``weights_only=True``: a pickle can
execute arbitrary code, a weights-only load cannot.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import torch

CACHE_ENV = "COURSE_CACHE"


def cache_dir() -> Path:
    """The folder where lessons keep models they trained: $COURSE_CACHE, else ~/.cache/large-models-course."""
    root = os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "large-models-course"
    path = Path(root)
    path.mkdir(parents=True, exist_ok=True)
    return path


def save_checkpoint(path: str | os.PathLike, state: dict[str, Any]) -> Path:
    """Write ``state`` (tensors, numbers, strings, lists and dicts of them) to ``path`` atomically."""
    if not isinstance(state, dict):
        raise TypeError(f"state must be a dict such as model.state_dict(), got {type(state).__name__}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            torch.save(state, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def load_checkpoint(path: str | os.PathLike, map_location: str | torch.device = "cpu") -> dict[str, Any]:
    """Load a checkpoint written by :func:`save_checkpoint`, refusing anything but plain data."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no checkpoint at {str(path)!r}")
    try:
        state = torch.load(path, map_location=map_location, weights_only=True)
    except Exception as err:  # pickled code, a truncated file, or not a torch file at all
        raise ValueError(f"{str(path)!r} is not a weights-only checkpoint: {err}") from err
    if not isinstance(state, dict):
        raise ValueError(f"{str(path)!r} holds a {type(state).__name__}, expected a dict")
    return state
