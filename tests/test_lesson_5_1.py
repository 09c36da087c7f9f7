import math

import pytest
import torch

from lib.core.checkpoint import CACHE_ENV
from lib.lessons import lesson_5_1_scaling as scaling
from lib.models.gpt import GPT, GPTConfig

TINY = scaling.FamilyConfig(shapes=((8, 1, 2), (16, 1, 2)), context_length=16, batch_size=4, steps=12,
                            warmup_steps=2, n_evals=3, val_tokens=256)  # fmt: skip


def test_non_embedding_parameters_is_twelve_l_d_squared_plus_norms():
    for layers, d in ((1, 16), (3, 32)):
        model = GPT(GPTConfig(vocab_size=50, context_length=16, n_layer=layers, n_head=4, d_model=d, bias=False))
        norms = sum(p.numel() for name, p in model.named_parameters() if "ln" in name or "norm" in name)
        assert scaling.non_embedding_parameters(model) == 12 * layers * d * d + norms
        tables = 50 * d + 16 * d  # token table (tied with the output layer) and position table
        assert model.num_parameters() - scaling.non_embedding_parameters(model) == tables
    with pytest.raises(TypeError, match="model must be"):
        scaling.non_embedding_parameters(torch.nn.Linear(2, 2))


def test_eval_steps_are_log_spaced_and_end_at_the_last_step():
    assert scaling.CPU_FAMILY.eval_steps()[-1] == scaling.CPU_FAMILY.steps
    steps = scaling.CPU_FAMILY.eval_steps()
    ratios = [b / a for a, b in zip(steps, steps[1:], strict=False)]
    assert len(steps) == scaling.CPU_FAMILY.n_evals and max(ratios) / min(ratios) < 1.3


def test_family_config_rejects_bad_shapes():
    with pytest.raises(ValueError, match="n_head dividing d_model"):
        scaling.FamilyConfig(shapes=((10, 1, 4),))
    with pytest.raises(ValueError, match="steps must be a positive int"):
        scaling.FamilyConfig(steps=0)


def test_family_trains_once_then_replays_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    runs, how = scaling.scaling_family(TINY, "cpu")
    assert how == "trained" and len(runs) == 2
    for run in runs:
        assert run.steps == TINY.eval_steps() and run.tokens == [s * 64 for s in run.steps]
        assert all(math.isfinite(v) for v in run.losses)
        assert run.final_loss < scaling.uniform_loss(105)  # it learned something in 12 steps
        assert run.compute()[-1] == run.flops_per_token * 12 * 64
    again, how = scaling.scaling_family(TINY, "cpu")
    assert how == "cache" and [r.to_dict() for r in again] == [r.to_dict() for r in runs]
    retrained, how = scaling.scaling_family(TINY, "cpu", retrain=True)  # deterministic: the same numbers
    assert how == "trained" and [r.losses for r in retrained] == [r.losses for r in runs]
    points = scaling.frontier_points(runs)
    assert len(points) == 2 * len(TINY.eval_steps())
