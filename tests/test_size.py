import pytest
import torch

from lib.models.gpt import GPT, GPTConfig
from lib.scale.parameters import (
    gpt_parameter_breakdown,
    gpt_parameter_count,
    human_bytes,
    human_count,
    parameter_count,
    size_report,
    weight_memory_bytes,
)


@pytest.mark.parametrize(
    ("layers", "d", "vocab", "ctx", "bias"), [(1, 8, 11, 5, True), (3, 32, 100, 16, True), (2, 16, 7, 9, False)]
)
def test_formula_matches_a_real_model(layers, d, vocab, ctx, bias):
    model = GPT(GPTConfig(vocab_size=vocab, context_length=ctx, n_layer=layers, n_head=4, d_model=d, bias=bias))
    assert gpt_parameter_count(layers, d, vocab, ctx, bias) == parameter_count(model)


def test_breakdown_sums_to_total():
    assert sum(gpt_parameter_breakdown(12, 768).values()) == gpt_parameter_count(12, 768)


def test_weight_memory_matches_allocated_bytes():
    model = torch.nn.Linear(10, 10).to(torch.bfloat16)
    allocated = sum(p.numel() * p.element_size() for p in model.parameters())
    assert weight_memory_bytes(parameter_count(model), "bf16") == allocated


def test_human_formats():
    assert human_bytes(999) == "999 B"
    assert human_bytes(1.5e9) == "1.5 GB"
    assert human_count(124_439_808) == "124.4M"
    assert human_count(12) == "12"


def test_size_report_mentions_parameters_and_training():
    report = size_report(12, 768, context_length=1024)
    assert "124,439,808" in report and "training" in report


def test_bad_inputs_are_clear_errors():
    with pytest.raises(ValueError, match="n_layer must be a positive int"):
        gpt_parameter_count(0, 8)
    with pytest.raises(ValueError, match="dtype must be one of"):
        weight_memory_bytes(10, "fp8")
    with pytest.raises(ValueError, match="n_parameters must be a positive int"):
        weight_memory_bytes(-1)
    with pytest.raises(TypeError, match="model must be a torch.nn.Module"):
        parameter_count([1, 2])
    with pytest.raises(ValueError, match="n_bytes must be non-negative"):
        human_bytes(-1)
