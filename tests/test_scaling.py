import math

import pytest
import torch
from torch.nn.attention import SDPBackend, sdpa_kernel
from torch.utils.flop_counter import FlopCounterMode

from lib.models.gpt import GPT, GPTConfig, gpt_on_meta
from lib.scale import compute as scaling
from lib.scale.parameters import gpt_parameter_count


def test_training_flops_is_six_n_d():
    assert scaling.training_flops(175e9, 300e9) == 6 * 175e9 * 300e9


@pytest.mark.parametrize(("layers", "d", "vocab", "seq_len", "batch"), [(1, 16, 11, 8, 3), (2, 32, 50, 16, 2)])
def test_gpt_matmul_flops_matches_pytorch_count(layers, d, vocab, seq_len, batch):
    model = GPT(GPTConfig(vocab_size=vocab, context_length=seq_len, n_layer=layers, n_head=4, d_model=d))
    idx = torch.randint(0, vocab, (batch, seq_len))
    with sdpa_kernel(SDPBackend.MATH), FlopCounterMode(display=False) as counter:
        logits, _ = model(idx)
    forward = counter.get_total_flops()
    with sdpa_kernel(SDPBackend.MATH), FlopCounterMode(display=False) as counter:
        logits.sum().backward()
    assert forward == scaling.gpt_matmul_flops(layers, d, vocab, seq_len, batch * seq_len, backward=False)
    assert forward + counter.get_total_flops() == scaling.gpt_matmul_flops(layers, d, vocab, seq_len, batch * seq_len)


def test_gpt_matmul_flops_approaches_six_n_d_when_wide():
    layers, d, vocab, seq_len = 2, 4096, 100, 64
    n = gpt_parameter_count(layers, d, vocab, seq_len)
    ratio = scaling.gpt_matmul_flops(layers, d, vocab, seq_len, seq_len) / scaling.training_flops(n, seq_len)
    assert abs(ratio - 1) < seq_len / (6 * d)


def test_compute_optimal_spends_the_budget_at_twenty_tokens_per_parameter():
    n, d = scaling.compute_optimal(5.76e23)
    assert math.isclose(d / n, 20)
    assert math.isclose(scaling.training_flops(n, d), 5.76e23)
    # Hoffmann et al. 2022: Gopher's budget is compute-optimal near 70B parameters on 1.4T tokens
    assert 60e9 < n < 80e9


def test_kv_cache_matches_real_key_and_value_tensors():
    config = GPTConfig(vocab_size=20, context_length=16, n_layer=3, n_head=2, d_model=8)
    model = GPT(config)
    caught = []
    hooks = [
        b.attn.qkv.register_forward_hook(lambda m, i, out: caught.extend(out.split(8, dim=2)[1:])) for b in model.blocks
    ]
    with torch.no_grad():
        model(torch.zeros((5, 16), dtype=torch.long))
    for h in hooks:
        h.remove()
    actual = sum(t.numel() * t.element_size() for t in caught)
    assert actual == scaling.kv_cache_bytes(3, 8, n_tokens=16, batch_size=5, dtype="fp32")


def test_kv_cache_grouped_query_attention_keeps_fewer_heads():
    full = scaling.kv_cache_bytes(126, 16384)
    gqa = scaling.kv_cache_bytes(126, 16384, n_head=128, n_kv_head=8)
    assert full == 2 * 126 * 16384 * 2
    assert full / gqa == 16


def _llama_like_on_meta(n_layer, d, ffn, vocab, n_head, n_kv_head):
    """A module with a Llama decoder's parameter shapes (no forward needed to count them)."""
    from torch import nn

    kv = n_kv_head * (d // n_head)

    class Layer(nn.Module):
        def __init__(self):
            super().__init__()
            self.q, self.k, self.v, self.o = (nn.Linear(d, w, bias=False) for w in (d, kv, kv, d))
            self.gate, self.up = nn.Linear(d, ffn, bias=False), nn.Linear(d, ffn, bias=False)
            self.down = nn.Linear(ffn, d, bias=False)
            self.norm1, self.norm2 = nn.RMSNorm(d), nn.RMSNorm(d)

    with torch.device("meta"):
        return nn.ModuleDict(
            {
                "embed": nn.Embedding(vocab, d),
                "layers": nn.ModuleList(Layer() for _ in range(n_layer)),
                "norm": nn.RMSNorm(d),
                "out": nn.Linear(d, vocab, bias=False),
            }
        )


def test_llama_parameter_count_matches_built_shapes_and_published_sizes():
    model = _llama_like_on_meta(2, 64, 160, 100, 8, 2)
    assert sum(p.numel() for p in model.parameters()) == scaling.llama_parameter_count(2, 64, 160, 100, 8, 2)
    assert abs(scaling.llama_parameter_count(32, 4096, 14336, 128256, 32, 8) / 8.03e9 - 1) < 0.001
    assert abs(scaling.llama_parameter_count(126, 16384, 53248, 128_000, 128, 8) / 405e9 - 1) < 0.005


def test_power_law_fit_recovers_exponent():
    xs = [1e3, 1e4, 1e5, 1e6]
    a, alpha = scaling.power_law_fit(xs, [5.0 * x**-0.3 for x in xs])
    assert math.isclose(a, 5.0, rel_tol=1e-9) and math.isclose(alpha, 0.3, rel_tol=1e-9)


def test_training_budget_report_names_the_verdict():
    assert "under-trained" in scaling.training_budget_report(175e9, 300e9)
    assert "over-trained" in scaling.training_budget_report(6.7e9, 1e12)
    assert "about compute-optimal" in scaling.training_budget_report(70e9, 1.4e12)
    assert "3,64" in scaling.training_budget_report(175e9, 300e9)  # petaflop/s-days, as the GPT-3 paper reports


def test_meta_model_parameters_agree_with_size_module():
    assert gpt_on_meta(GPTConfig(n_layer=2, d_model=64, n_head=2)).num_parameters() == gpt_parameter_count(2, 64)


def test_bad_inputs_are_clear_errors():
    with pytest.raises(ValueError, match="n_parameters must be a positive finite number"):
        scaling.training_flops(0, 10)
    with pytest.raises(ValueError, match="n_tokens must be a whole number of sequences"):
        scaling.gpt_matmul_flops(1, 8, 10, 4, 6)
    with pytest.raises(ValueError, match="d_model must be a positive int"):
        scaling.gpt_matmul_flops(1, 0, 10, 4, 4)
    with pytest.raises(ValueError, match="compute_flops must be a positive finite number"):
        scaling.compute_optimal(-1.0)
    with pytest.raises(ValueError, match="give both n_head and n_kv_head"):
        scaling.kv_cache_bytes(2, 64, n_head=8)
    with pytest.raises(ValueError, match="dtype must be one of"):
        scaling.kv_cache_bytes(2, 64, dtype="fp12")
    with pytest.raises(ValueError, match="n_kv_head .* must divide n_head"):
        scaling.llama_parameter_count(2, 64, 128, 10, 8, 3)
    with pytest.raises(ValueError, match="must all be positive"):
        scaling.power_law_fit([1, 2], [1, 0])
    with pytest.raises(ValueError, match="n_tokens must be a positive finite number"):
        scaling.training_budget_report(1e9, float("nan"))


def test_log_log_r_squared_is_one_on_a_power_law_and_lower_off_it():
    xs = [1.0, 10.0, 100.0, 1000.0]
    assert abs(scaling.log_log_r_squared(xs, [3.0 * x**-0.5 for x in xs]) - 1) < 1e-12
    bent = [2.0, 1.0, 0.9, 0.89]  # flattens: not one line on log axes
    assert 0 < scaling.log_log_r_squared(xs, bent) < 0.95
    with pytest.raises(ValueError, match="all be equal"):
        scaling.log_log_r_squared(xs, [1.0] * 4)
