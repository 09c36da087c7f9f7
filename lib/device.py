"""Pick the device, seed every random generator, and enable mixed precision where it helps.

One place decides where tensors live so that every lesson runs unchanged on a laptop CPU,
an Apple GPU (mps) or an NVIDIA GPU (cuda); ``COURSE_DEVICE`` forces a choice.
"""

from __future__ import annotations

import contextlib
import os
import random
from collections.abc import Iterator

import numpy as np
import torch

DEVICE_ENV = "COURSE_DEVICE"
_KNOWN = ("cpu", "cuda", "mps")


def _available(kind: str) -> bool:
    if kind == "cpu":
        return True
    if kind == "cuda":
        return torch.cuda.is_available()
    return bool(getattr(torch.backends, "mps", None) and torch.backends.mps.is_available())


def pick_device(prefer: str | None = None) -> torch.device:
    """Return the best device: ``prefer``, else $COURSE_DEVICE, else cuda, then mps, then cpu.

    Asking for a device that is not there is an error, not a silent fallback, so a learner
    who forces ``cuda`` knows at once that their GPU is not visible.
    """
    choice = prefer if prefer is not None else os.environ.get(DEVICE_ENV, "").strip() or None
    if choice is not None:
        if not isinstance(choice, str) or choice.split(":")[0] not in _KNOWN:
            source = "prefer" if prefer is not None else f"${DEVICE_ENV}"
            raise ValueError(f"{source} must be one of {_KNOWN} (optionally 'cuda:N'), got {choice!r}")
        if not _available(choice.split(":")[0]):
            raise RuntimeError(f"device {choice!r} was asked for but is not available on this machine")
        return torch.device(choice)
    for kind in ("cuda", "mps"):
        if _available(kind):
            return torch.device(kind)
    return torch.device("cpu")


def seed_everything(seed: int) -> torch.Generator:
    """Seed Python's, NumPy's and PyTorch's generators (CPU and all GPUs); return a torch Generator.

    The returned generator, seeded the same way, is handy for DataLoader shuffling.
    """
    if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed < 2**32:
        raise ValueError(f"seed must be an int in [0, 2**32), got {seed!r}")
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds every CUDA device
    return torch.Generator().manual_seed(seed)


def autocast(device: torch.device | str) -> contextlib.AbstractContextManager:
    """Mixed precision for the forward pass: bf16 autocast on CUDA, a no-op everywhere else.

    bf16 keeps fp32's exponent range, so unlike fp16 it needs no loss scaling.
    """
    device = torch.device(device)
    if device.type == "cuda":
        return torch.autocast(device_type="cuda", dtype=torch.bfloat16)
    return contextlib.nullcontext()


def describe(device: torch.device | str) -> str:
    """One line naming the device, for the top of a notebook's output."""
    device = torch.device(device)
    if device.type == "cuda":
        return f"cuda: {torch.cuda.get_device_name(device)} (bf16 autocast on)"
    if device.type == "mps":
        return "mps: Apple GPU"
    return f"cpu: {torch.get_num_threads()} threads"


@contextlib.contextmanager
def quiet_tqdm() -> Iterator[None]:
    """Context in which ``lib`` progress bars stay hidden (used by tests)."""
    old = os.environ.get("COURSE_QUIET")
    os.environ["COURSE_QUIET"] = "1"
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("COURSE_QUIET", None)
        else:
            os.environ["COURSE_QUIET"] = old


def is_quiet() -> bool:
    """True when progress bars should be hidden: under the test suite or COURSE_QUIET=1."""
    return os.environ.get("COURSE_QUIET", "") not in ("", "0")


def limit_cpu_threads(device: torch.device | str, threads: int = 1) -> None:
    """On CPU, compute with ``threads`` threads: for tiny models one thread is as fast as several,
    and it does not crawl when the cores are shared (Binder, CI runners, a busy laptop).
    """
    if not isinstance(threads, int) or isinstance(threads, bool) or threads < 1:
        raise ValueError(f"threads must be a positive int, got {threads!r}")
    if torch.device(device).type == "cpu":
        torch.set_num_threads(threads)
