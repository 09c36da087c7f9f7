"""The preamble every lesson repeats, in one call: seed, pick the device, set threads and plot style."""

from __future__ import annotations

from typing import NamedTuple

import torch

from lib.core.device import pick_device
from lib.core.seeding import seed_everything
from lib.core.validate import positive_int
from lib.viz.plots import use_course_style


class LessonSetup(NamedTuple):
    """What a lesson needs from its preamble: where to compute, and a seeded generator for shuffling."""

    device: torch.device
    generator: torch.Generator


def lesson_setup(seed: int = 0, threads: int | None = 1, device: str | None = None) -> LessonSetup:
    """Seed everything, pick the device, use the course's plot style and, on a CPU, ``threads`` threads.

    A lesson's kernel is its own process, so it may set these globals for good. The course's models
    are tiny: on a CPU one thread is as fast as several and does not crawl when cores are shared;
    ``threads=None`` keeps PyTorch's default (a lesson with larger matrices may want all cores).
    """
    generator = seed_everything(seed)
    chosen = pick_device(device)
    if threads is not None and chosen.type == "cpu":
        torch.set_num_threads(positive_int("threads", threads))
    use_course_style()
    return LessonSetup(chosen, generator)
