"""CPU thread count, changed for a block and then restored.

Tiny models run faster on one CPU thread than on several that wait for each other, and do not
crawl when the cores are shared (Binder, CI runners, a busy laptop).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch

from lib.core.validate import positive_int


@contextlib.contextmanager
def cpu_threads(threads: int = 1, device: torch.device | str = "cpu") -> Iterator[None]:
    """Compute with ``threads`` CPU threads inside the block (on a non-CPU device, change nothing)."""
    threads = positive_int("threads", threads)
    if torch.device(device).type != "cpu":
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)
