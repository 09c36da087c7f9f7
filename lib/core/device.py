"""Pick the device and enable mixed precision where it helps.

One place decides where tensors live so that every lesson runs unchanged on a laptop CPU,
an Apple GPU (mps) or an NVIDIA GPU (cuda); ``COURSE_DEVICE`` forces a choice.
"""

from __future__ import annotations

import contextlib
import os

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
