"""Seeding: a lesson seeds the global generators once; library code never touches them.

A library function that needs randomness takes a ``seed`` (or a ``torch.Generator``) and draws
from its own generator, so calling it leaves the caller's random stream exactly where it was.
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Iterator

import numpy as np
import torch

from lib.core.validate import seed_value


def seed_everything(seed: int) -> torch.Generator:
    """Seed Python's, NumPy's and PyTorch's global generators (CPU and all GPUs); return a torch Generator.

    For the top of a lesson or a script, which owns its process. The returned generator, seeded
    the same way, is handy for shuffling.
    """
    seed = seed_value("seed", seed)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds every CUDA device
    return torch.Generator().manual_seed(seed)


def local_generator(seed: int, device: torch.device | str = "cpu") -> torch.Generator:
    """A fresh generator on ``device`` seeded with ``seed``: randomness that touches no global state."""
    return torch.Generator(device=torch.device(device)).manual_seed(seed_value("seed", seed))


@contextlib.contextmanager
def seeded(seed: int) -> Iterator[None]:
    """Run a block with torch's global generators seeded, then put the caller's generator state back.

    ``nn.Module`` constructors draw their initial weights from the global generator; building a
    model inside ``seeded(0)`` makes its weights reproducible without disturbing the caller.
    """
    seed = seed_value("seed", seed)
    devices = list(range(torch.cuda.device_count())) if torch.cuda.is_available() else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        yield
