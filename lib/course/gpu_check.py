"""The GPU check: on a CUDA machine, run lib's tests, every notebook and the GPT benchmark there, into one report.

``python -m lib.course.gpu_check`` runs, each in its own process with ``COURSE_DEVICE=cuda``:

1. lib's unit tests (``python -m pytest tests``);
2. every notebook in course order (``python -m lib.course.budget --no-write``: fresh kernels, an
   empty model cache, the lessons' GPU presets, which they pick when the device is CUDA);
3. the GPT training benchmark (``python -m lib.train.bench_gpt``) at the course's small
   configuration and GPT-2 small, with bf16 and ``torch.compile``;

and writes what each printed (its tail), its exit status and time, with the date and the machine,
to ``docs/gpu_check.md``. The course's goal on an H100/H200-class GPU is at least 45% model FLOPs
utilization for GPT-2-small training in bf16; the report states the MFU reached. Where CUDA is
absent it refuses at once with a message, since every result would describe the CPU instead.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from lib.core.device import DEVICE_ENV
from lib.core.files import atomic_write_text
from lib.course.catalogue import CHAPTERS

ROOT = CHAPTERS.parent
REPORT = ROOT / "docs" / "gpu_check.md"
MFU_GOAL = 0.45
TAIL_LINES = 60
STEPS = (
    ("unit tests", [sys.executable, "-m", "pytest", "tests", "-q", "-p", "no:cacheprovider"]),
    ("every notebook", [sys.executable, "-m", "lib.course.budget", "--no-write"]),
    ("GPT benchmark", [sys.executable, "-m", "lib.train.bench_gpt", "--configs", "tiny", "gpt2-small"]),
)


class StepResult(NamedTuple):
    """One step of the check: its name, command, exit status, wall time and the last lines it printed."""

    name: str
    command: str
    returncode: int
    seconds: float
    tail: str


def run_step(name: str, command: Sequence[str], env: dict[str, str], timeout: float = 7200.0) -> StepResult:
    """Run ``command`` from the repository root with ``env``; keep the last lines of its output."""
    if not command or not all(isinstance(part, str) for part in command):
        raise ValueError(f"command must be a non-empty list of str, got {command!r}")
    start = time.perf_counter()
    try:
        done = subprocess.run(
            list(command), cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
        code, output = done.returncode, done.stdout + done.stderr
    except subprocess.TimeoutExpired as err:
        code, output = 124, f"{err.stdout or ''}{err.stderr or ''}\n(timed out after {timeout:.0f} s)"
    seconds = time.perf_counter() - start
    shown = " ".join(command[1:] if command[0] == sys.executable else command)  # "-m pytest tests", not a path
    return StepResult(name, shown, code, seconds, "\n".join(output.rstrip().splitlines()[-TAIL_LINES:]))


def best_mfu(benchmark_output: str, config: str = "gpt2-small") -> tuple[str, float] | None:
    """The fastest variant of ``config`` in bench_gpt's printed table and its MFU (a fraction), or None."""
    if not isinstance(benchmark_output, str):
        raise TypeError(f"benchmark_output must be a str, got {type(benchmark_output).__name__}")
    section = re.search(rf"^config {re.escape(config)}:.*?(?=^config |\Z)", benchmark_output, re.M | re.S)
    if section is None:
        return None
    rows = re.findall(r"^  (\S.*?) +[\d.]+ +[\d,]+ +([\d.]+)%$", section.group(0), re.M)
    if not rows:
        return None
    variant, percent = max(rows, key=lambda row: float(row[1]))
    return variant, float(percent) / 100


def machine_description() -> str:
    """GPU name and memory, CUDA and torch versions, CPU cores and OS: what the report was measured on."""
    import torch

    gpu = "no CUDA device"
    if torch.cuda.is_available():
        props = torch.cuda.get_device_properties(0)
        memory = props.total_memory / 2**30
        gpu = f"{torch.cuda.device_count()} x {props.name}, {memory:.0f} GiB, CUDA {torch.version.cuda}"
    return (
        f"{gpu}; {os.cpu_count()} logical CPU cores; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}, torch {torch.__version__}"
    )


def report_text(results: Sequence[StepResult], machine: str, date: str) -> str:
    """The Markdown report: a summary table, the MFU against the goal, then each step's output tail."""
    lines = [
        "# GPU check",
        "",
        f"Run on {date} with `python -m lib.course.gpu_check` on: {machine}.",
        "",
        "| step | command | exit status | time |",
        "| --- | --- | --- | --- |",
    ]
    for r in results:
        verdict = "passed (0)" if r.returncode == 0 else f"**failed ({r.returncode})**"
        lines.append(f"| {r.name} | `{r.command}` | {verdict} | {r.seconds:.0f} s |")
    bench = next((r for r in results if r.name == "GPT benchmark"), None)
    if bench is not None:
        found = best_mfu(bench.tail)
        if found is None:
            lines += ["", "GPT-2 small: no MFU in the benchmark's output."]
        else:
            variant, mfu = found
            verdict = "meets" if mfu >= MFU_GOAL else "is below"
            lines += ["", f"GPT-2 small: best MFU {mfu:.1%} ({variant}), which {verdict} the goal of {MFU_GOAL:.0%}."]
    for r in results:
        lines += ["", f"## {r.name}", "", f"`{r.command}`: exit status {r.returncode}, {r.seconds:.0f} s", ""]
        lines += ["```text", r.tail, "```"]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Run every step on CUDA and write the report; exit 2 without CUDA, 1 when a step failed."""
    parser = argparse.ArgumentParser(prog="python -m lib.course.gpu_check", description=__doc__.splitlines()[0])
    parser.add_argument("--report", type=Path, default=REPORT, help="where to write the report")
    parser.add_argument("--steps", nargs="+", choices=[name for name, _ in STEPS], default=None)
    args = parser.parse_args(argv)
    import torch

    if not torch.cuda.is_available():
        print(
            "gpu_check needs a CUDA GPU and torch cannot see one (torch.cuda.is_available() is False): "
            "run it on a machine with an NVIDIA GPU and a CUDA build of torch. Nothing was run or written.",
            file=sys.stderr,
        )
        return 2
    env = {**os.environ, DEVICE_ENV: "cuda", "COURSE_QUIET": "1"}
    results = []
    for name, command in STEPS:
        if args.steps is None or name in args.steps:
            print(f"gpu_check: {name} ...", flush=True)
            results.append(run_step(name, command, env))
            print(f"gpu_check: {name}: exit status {results[-1].returncode}, {results[-1].seconds:.0f} s", flush=True)
    text = report_text(results, machine_description(), datetime.datetime.now().isoformat(timespec="minutes"))
    atomic_write_text(args.report, text)
    print(text)
    return 0 if all(r.returncode == 0 for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
