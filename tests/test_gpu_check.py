"""Tests of lib.course.gpu_check that a CPU can run: the refusal without CUDA, the steps and the report writer."""

import sys

import pytest
import torch

from lib.course import gpu_check
from lib.course.gpu_check import StepResult, best_mfu, report_text, run_step

BENCH = """device cuda, 1 CPU threads; peak 989,000.0 GFLOP/s (published)
config tiny: n_layer=4 n_head=4 d_model=128 context=64 batch=12 vocab=128
  variant                  ms/step    tokens/s     MFU
  lib bf16                    3.00     256,000   80.0%
config gpt2-small: n_layer=12 n_head=12 d_model=768 context=1024 batch=16 vocab=50304
  variant                  ms/step    tokens/s     MFU
  lib bf16                  120.00     136,533   12.5%
  lib bf16 compiled          60.00     273,067   47.5%
  plain GPT bf16            130.00     126,030   11.6%
  ratio bf16 over fp32: 2.00x
"""


def test_refuses_without_cuda_and_writes_nothing(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    report = tmp_path / "gpu.md"
    assert gpu_check.main(["--report", str(report)]) == 2
    assert "needs a CUDA GPU" in capsys.readouterr().err
    assert not report.exists()


def test_best_mfu_reads_the_config_section():
    assert best_mfu(BENCH) == ("lib bf16 compiled", pytest.approx(0.475))
    assert best_mfu(BENCH, "tiny") == ("lib bf16", pytest.approx(0.80))
    assert best_mfu(BENCH, "small") is None
    with pytest.raises(TypeError, match="benchmark_output"):
        best_mfu(None)


def test_run_step_keeps_status_and_tail():
    result = run_step(
        "echo", [sys.executable, "-c", "import sys; print('\\n'.join(map(str, range(100)))); sys.exit(3)"], {}
    )
    assert result.returncode == 3 and result.tail.splitlines() == [str(i) for i in range(40, 100)]
    assert result.command.startswith("-c ")
    with pytest.raises(ValueError, match="command"):
        run_step("bad", [], {})


def test_report_has_date_machine_table_mfu_verdict_and_outputs():
    results = [
        StepResult("unit tests", "-m pytest tests", 0, 95.2, "900 passed"),
        StepResult("GPT benchmark", "-m lib.train.bench_gpt", 0, 300.0, BENCH),
    ]
    text = report_text(results, "1 x NVIDIA H200, 140 GiB", "2026-12-01T06:30")
    assert text.startswith("# GPU check\n\nRun on 2026-12-01T06:30 with")
    assert "1 x NVIDIA H200, 140 GiB" in text
    assert "| unit tests | `-m pytest tests` | passed (0) | 95 s |" in text
    assert "best MFU 47.5% (lib bf16 compiled), which meets the goal of 45%" in text
    assert "```text\n900 passed\n```" in text
    failed = report_text([StepResult("unit tests", "x", 1, 1.0, "boom")], "m", "d")
    assert "**failed (1)**" in failed
