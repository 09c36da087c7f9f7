"""Benchmark: validation bits per character of a pre-training preset after 30, 60 and 120 s of training.

``python -m lib.train.bench_pretrain`` trains the lesson's CPU preset and, each time the training
clock (evaluation not counted) passes a mark, scores the *whole* validation split in bits per
character. It prints one line per mark and the throughput. Timings depend on the machine and on
what else runs on it: run it on an idle machine to compare numbers.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from collections.abc import Sequence
from typing import NamedTuple

import torch

from lib.core.device import pick_device
from lib.core.validate import positive_int, positive_number
from lib.train.bits import bits_per_character
from lib.train.presets import PRESETS, PretrainPreset, get_preset
from lib.train.pretrain import load_corpus, run_pretraining


class Mark(NamedTuple):
    """The state of a run when its training clock passed ``seconds``."""

    seconds: float
    step: int
    tokens_per_s: float
    bpc: float


class _Done(Exception):
    """Raised from the step hook once the last mark is scored: the benchmark needs no more training."""


def benchmark(
    preset: str | PretrainPreset = "cpu-tiny",
    marks: Sequence[float] = (30.0, 60.0, 120.0),
    device: torch.device | str | None = None,
    steps: int | None = None,
    threads: int | None = None,
    progress: bool | None = False,
) -> list[Mark]:
    """Train ``preset`` and score the whole validation split as the training clock passes each of ``marks``.

    ``steps`` overrides the preset's (the cosine schedule ends there); ``threads`` its CPU threads.
    A run that ends (all steps done) before a mark scores the finished model at that mark.
    """
    preset = get_preset(preset)
    marks = sorted(positive_number("marks", m) for m in marks)
    if not marks:
        raise ValueError("marks must hold at least one number of seconds")
    total = preset.steps if steps is None else positive_int("steps", steps)
    changes = {"eval_every": total}  # no evaluation during the run but the benchmark's own
    if threads is not None:
        changes["threads"] = positive_int("threads", threads)
    preset = dataclasses.replace(preset, **changes)
    device = pick_device() if device is None else torch.device(device)
    corpus = load_corpus(preset)
    results: list[Mark] = []
    pending = list(marks)
    clock: dict = {"start": 0.0, "aside": 0.0, "step": 0, "model": None}

    def elapsed() -> float:
        return time.perf_counter() - clock["start"] - clock["aside"]

    def score(model: torch.nn.Module, step: int, seconds: float) -> None:
        began = time.perf_counter()
        bpc = bits_per_character(model, corpus.validation, corpus.validation_characters, preset.context_length, device)
        rate = step * preset.tokens_per_step() / max(seconds, 1e-9)
        results.append(Mark(pending.pop(0), step, rate, bpc))
        clock["aside"] += time.perf_counter() - began

    def on_step(step: int, model: torch.nn.Module) -> None:
        clock["step"], clock["model"] = step, model
        seconds = elapsed()
        while pending and seconds >= pending[0]:
            score(model, step, seconds)
        if not pending:
            raise _Done

    clock["start"] = time.perf_counter()
    try:
        run_pretraining(
            preset, device, corpus=corpus, steps=total, time_limit=marks[-1] + 1.0, on_step=on_step, progress=progress
        )
    except _Done:
        pass
    seconds = elapsed()
    while pending:  # the run finished its steps before the last marks
        score(clock["model"], clock["step"], seconds)
    return results


def main(argv: Sequence[str] | None = None) -> int:
    """Print bits per character at each mark, and tokens per second."""
    parser = argparse.ArgumentParser(prog="python -m lib.train.bench_pretrain", description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="cpu-tiny", choices=sorted(PRESETS))
    parser.add_argument("--marks", type=float, nargs="+", default=[30.0, 60.0, 120.0], help="seconds of training")
    parser.add_argument("--steps", type=int, default=None, help="optimizer steps of the schedule (default: preset's)")
    parser.add_argument("--threads", type=int, default=None, help="CPU threads (default: the preset's)")
    parser.add_argument("--device", default=None)
    args = parser.parse_args(argv)
    try:
        marks = benchmark(args.preset, args.marks, args.device, args.steps, args.threads, progress=None)
    except ValueError as err:
        parser.error(str(err))
    print(f"preset {args.preset}: validation bits per character (whole split) after training for")
    for mark in marks:
        rate = f"{mark.tokens_per_s:,.0f} tokens/s"
        print(f"  {mark.seconds:6.0f} s: {mark.bpc:.4f} bits/char at step {mark.step} ({rate})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
