import math

import pytest
import torch
from torch.utils.flop_counter import FlopCounterMode

from lib.models.gpt import GPT, GPTConfig
from lib.scale import compute as scaling
from lib.scale import serving as economics


def test_inference_flops_per_token_matches_a_counted_forward_pass():
    layer = torch.nn.Linear(64, 32, bias=False)
    x = torch.randn(5, 64)
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        layer(x)
    assert counter.get_total_flops() == 5 * economics.inference_flops_per_token(64 * 32)


def test_gpt_decode_flops_approach_two_n():
    # one token through a wide GPT: the matrix products cost 2 FLOPs per weight; only embeddings differ
    model = GPT(GPTConfig(vocab_size=16, context_length=4, n_layer=1, n_head=2, d_model=256)).eval()
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        model(torch.zeros((1, 1), dtype=torch.long))
    ratio = counter.get_total_flops() / economics.inference_flops_per_token(model.num_parameters())
    assert 0.99 < ratio < 1.0


def test_breakeven_tokens_is_where_inference_equals_training():
    n, d = 7e9, 2e12
    t = economics.breakeven_tokens(d)
    assert math.isclose(economics.inference_flops_per_token(n) * t, scaling.training_flops(n, d))


def test_serving_memory_and_gpus_needed():
    assert economics.serving_memory_bytes(7e9, "bf16") == 14e9
    assert economics.serving_memory_bytes(7e9, "int8", kv_cache_bytes=1e9) == 8e9
    assert economics.gpus_needed(160e9, 80e9) == 2
    assert economics.gpus_needed(160.1e9, 80e9) == 3
    assert economics.gpus_needed(70e9, 80e9, usable_fraction=0.8) == 2


def test_decode_bound_is_memory_bound_at_batch_one_and_compute_bound_at_large_batch():
    h100 = economics.DATASHEETS["H100 SXM"]
    one = economics.decode_tokens_per_second_bound(70e9, h100.bandwidth_bytes_per_s, h100.peak_flops)
    assert math.isclose(one, 3.35e12 / 140e9)
    huge = economics.decode_tokens_per_second_bound(70e9, h100.bandwidth_bytes_per_s, h100.peak_flops, batch_size=4096)
    assert math.isclose(huge, h100.peak_flops / 140e9)
    with_kv = economics.decode_tokens_per_second_bound(
        70e9, 3.35e12, 1e15, batch_size=8, kv_cache_bytes_per_sequence=1e9
    )
    assert math.isclose(with_kv, 8 * 3.35e12 / (140e9 + 8e9))


def test_gpu_hours_per_million_tokens():
    assert math.isclose(economics.gpu_hours_per_million_tokens(1e6 / 3600, n_gpus=4), 4.0)


def test_datasheets_are_sourced_and_sane():
    for name, acc in economics.DATASHEETS.items():
        assert acc.name == name and "datasheet" in acc.source
        assert 10 < acc.peak_flops / acc.bandwidth_bytes_per_s < 1000  # FLOPs per byte: decode at batch 1 is far below


def test_serving_report_reads_like_the_numbers():
    report = economics.serving_report(7e9, 131072.0, economics.DATASHEETS["A100 80GB SXM"], "bf16", 1, 4096)
    assert "14.0 GB" in report and "1 accelerator(s)" in report
    assert f"{2.039e12 / (14e9 + 131072 * 4096):,.0f} tokens/s" in report


def test_bad_inputs_are_clear_errors():
    with pytest.raises(ValueError, match="n_parameters must be a positive finite number"):
        economics.inference_flops_per_token(-1)
    with pytest.raises(ValueError, match="n_training_tokens must be a positive finite number"):
        economics.breakeven_tokens(0)
    with pytest.raises(ValueError, match="dtype must be one of"):
        economics.serving_memory_bytes(1e9, "fp64")
    with pytest.raises(ValueError, match="usable_fraction must be in"):
        economics.gpus_needed(1e9, 80e9, usable_fraction=1.5)
    with pytest.raises(ValueError, match="batch_size must be a positive int"):
        economics.decode_tokens_per_second_bound(1e9, 1e12, 1e15, batch_size=0)
    with pytest.raises(ValueError, match="tokens_per_second must be a positive finite number"):
        economics.gpu_hours_per_million_tokens(0.0)
    with pytest.raises(TypeError, match="accelerator must be an Accelerator"):
        economics.serving_report(1e9, 0.0, "H100")
    with pytest.raises(ValueError, match="kv_bytes_per_token must be a non-negative finite number"):
        economics.serving_report(1e9, -1.0, economics.DATASHEETS["H100 SXM"])
