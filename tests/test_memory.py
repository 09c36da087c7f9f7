"""lib.scale.memory: the byte formulas against bytes that real tensors hold."""

import pytest
import torch
from torch import nn

from lib.scale.memory import (
    measured_model_state_bytes,
    model_state_bytes,
    saved_activation_bytes,
    tensor_bytes,
    transformer_activation_bytes,
)


def _one_adam_step(model: nn.Module, params) -> torch.optim.Adam:
    optimizer = torch.optim.Adam(params, lr=1e-3)
    model(torch.randn(3, model.in_features, dtype=next(model.parameters()).dtype)).sum().backward()
    return optimizer


def test_fp32_adam_formula_equals_measured_bytes():
    model = nn.Linear(64, 32)
    optimizer = _one_adam_step(model, model.parameters())
    optimizer.step()
    n = sum(p.numel() for p in model.parameters())
    measured = measured_model_state_bytes(model, optimizer)
    formula = model_state_bytes(n, precision="fp32", optimizer="adam")
    assert measured == {"weights": formula.weights, "gradients": formula.gradients, "optimizer": formula.optimizer}
    assert formula.total == 16 * n and formula.master_weights == 0


def test_mixed_precision_adam_is_16_bytes_per_parameter_measured():
    """bf16 weights and gradients for the forward/backward, an fp32 master copy that Adam updates."""
    model = nn.Linear(64, 32).to(torch.bfloat16)
    master = [p.detach().float().requires_grad_() for p in model.parameters()]
    optimizer = _one_adam_step(model, master)
    for p, m in zip(model.parameters(), master, strict=True):
        m.grad = p.grad.float()
    optimizer.step()
    for m in master:
        m.grad = None  # the fp32 gradient is transient: the bf16 one is what is kept
    n = sum(p.numel() for p in model.parameters())
    state = measured_model_state_bytes(model, optimizer)
    master_bytes = tensor_bytes(master)
    formula = model_state_bytes(n, precision="mixed", optimizer="adam")
    assert (state["weights"], state["gradients"], master_bytes, state["optimizer"]) == (
        formula.weights,
        formula.gradients,
        formula.master_weights,
        formula.optimizer,
    )
    assert formula.total == 16 * n


@pytest.mark.parametrize(
    "stage, expected",
    [(0, 16.0), (1, 4 + 12 / 8), (2, 2 + 14 / 8), (3, 16 / 8)],
)
def test_zero_stages_split_state_across_devices(stage, expected):
    state = model_state_bytes(1000, "mixed", "adam", zero_stage=stage, data_parallel=8)
    assert state.total == pytest.approx(1000 * expected)


def test_saved_activations_are_counted_once_and_parameters_excluded():
    x = torch.randn(10, 4, requires_grad=True)
    assert saved_activation_bytes(lambda: (x * 2).exp().sum()) == 10 * 4 * 4  # exp keeps its output
    layer = nn.Linear(4, 8)
    with_weights = saved_activation_bytes(lambda: layer(x).sum())
    without = saved_activation_bytes(lambda: layer(x).sum(), exclude=layer.parameters())
    assert without == x.numel() * 4  # the input is what the weight gradient needs
    assert with_weights > without


def test_activation_formula_and_full_recompute():
    per_layer = transformer_activation_bytes(1024, 1, 768, 12, 1)
    assert per_layer == 1024 * 768 * (34 + 5 * 12 * 1024 / 768)
    assert transformer_activation_bytes(1024, 1, 768, 12, 12, recompute="full") == 12 * 2 * 1024 * 768


def test_bad_arguments_are_clear_errors():
    with pytest.raises(ValueError, match="precision must be one of"):
        model_state_bytes(10, precision="fp8")
    with pytest.raises(ValueError, match="zero_stage must be one of"):
        model_state_bytes(10, zero_stage=4)
    with pytest.raises(ValueError, match="data_parallel must be a positive int"):
        model_state_bytes(10, data_parallel=0)
    with pytest.raises(ValueError, match="recompute must be one of"):
        transformer_activation_bytes(8, 1, 8, 2, 1, recompute="some")
    with pytest.raises(TypeError, match="model must be a torch.nn.Module"):
        measured_model_state_bytes("model")
    with pytest.raises(TypeError, match="fn must be a callable"):
        saved_activation_bytes(3)


def test_model_state_report_matches_model_state_bytes():
    from lib.scale.memory import model_state_report

    text = model_state_report(7_000_000_000, zero_stage=0, data_parallel=8)
    assert f"{7e9 * 16 / 2**30:10.2f} GiB per device" in text and "does NOT fit" in text
    sharded = model_state_report(7_000_000_000, zero_stage=3, data_parallel=8)
    assert f"{7e9 * 16 / 8 / 2**30:10.2f} GiB per device" in sharded and "fits an 80 GiB" in sharded
    with pytest.raises(ValueError, match="zero_stage"):
        model_state_report(10, zero_stage=4)
