"""One GPT class builds GPT-2-style and Llama-style models: published sizes, cache equality, each option's effect."""

import pytest
import torch
import torch.nn.functional as F

from lib.models.attention_maps import gpt_attention_maps
from lib.models.gpt import GPT, GPT2_SMALL, LLAMA2_7B, LLAMA3_8B, GPTConfig, gpt_on_meta
from lib.models.sampling import generate
from lib.scale.compute import llama_parameter_count

SMALL_LLAMA = dict(
    vocab_size=50, context_length=24, n_layer=2, n_head=4, d_model=32,
    position="rotary", norm="rms", mlp="swiglu", bias=False, tie_embeddings=False,
)  # fmt: skip


def test_published_parameter_counts():
    assert gpt_on_meta(GPT2_SMALL).num_parameters() == 124_439_808  # GPT-2 small, tied embeddings
    assert gpt_on_meta(LLAMA2_7B).num_parameters() == 6_738_415_616  # Llama 2 7B
    assert gpt_on_meta(LLAMA3_8B).num_parameters() == 8_030_261_248  # Llama 3 8B
    assert gpt_on_meta(LLAMA3_8B).num_parameters() == llama_parameter_count(32, 4096, 14336, 128256, 32, 8)


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"position": "sinusoidal"},
        {"position": "rotary"},
        {"norm": "rms"},
        {"mlp": "swiglu"},
        {"n_kv_head": 2},
        {"n_kv_head": 1},
        SMALL_LLAMA | {"n_kv_head": 2},
    ],
    ids=["gpt2", "sinusoidal", "rotary", "rms", "swiglu", "gqa", "mqa", "llama-gqa"],
)
def test_kv_cache_equals_the_full_forward_for_every_variant(options):
    config = GPTConfig(**({"vocab_size": 50, "context_length": 24, "n_layer": 2, "n_head": 4, "d_model": 32} | options))
    torch.manual_seed(0)
    model = GPT(config).eval()
    idx = torch.randint(0, 50, (2, 12))
    full, _ = model(idx)
    cache = model.new_kv_cache()
    first, _ = model(idx[:, :5], kv_cache=cache)
    steps = [model(idx[:, t : t + 1], kv_cache=cache)[0] for t in range(5, 12)]
    torch.testing.assert_close(torch.cat([first, *steps], dim=1), full, atol=1e-5, rtol=1e-5)
    assert cache.layers[0].keys.shape[1] == config.kv_heads  # the cache stores only the key/value heads
    greedy = generate(model, idx[:, :4], 10, top_k=1, use_cache=True)
    torch.testing.assert_close(greedy, generate(model, idx[:, :4], 10, top_k=1, use_cache=False))


def test_gqa_shrinks_the_cache_and_the_projections():
    base = GPTConfig(vocab_size=50, context_length=16, n_layer=1, n_head=8, d_model=64)
    gqa = GPTConfig(**{**base.__dict__, "n_kv_head": 2})
    assert GPT(base).blocks[0].attn.qkv.out_features == 3 * 64
    assert GPT(gqa).blocks[0].attn.qkv.out_features == 64 + 2 * 2 * 8
    cache_full, cache_gqa = GPT(base).new_kv_cache(), GPT(gqa).new_kv_cache()
    GPT(base)(torch.zeros(1, 4, dtype=torch.long), kv_cache=cache_full)
    GPT(gqa)(torch.zeros(1, 4, dtype=torch.long), kv_cache=cache_gqa)
    assert cache_full.layers[0].keys.numel() == 4 * cache_gqa.layers[0].keys.numel()


def test_rotary_model_has_no_position_table_and_is_shift_aware():
    torch.manual_seed(0)
    model = GPT(GPTConfig(**SMALL_LLAMA)).eval()
    assert model.position_embedding is None
    assert "lm_head.weight" in dict(model.named_parameters())  # untied: a matrix of its own
    idx = torch.randint(0, 50, (1, 6))
    # attention depends on order: reversing the prompt changes the last position's logits
    assert not torch.allclose(model(idx)[0][:, -1], model(idx.flip(1))[0][:, -1])


def test_attention_maps_reproduce_a_gqa_rotary_layer():
    torch.manual_seed(0)
    model = GPT(GPTConfig(**SMALL_LLAMA | {"n_kv_head": 2})).eval()
    idx = torch.randint(0, 50, (1, 7))
    maps = gpt_attention_maps(model, idx)
    assert maps.shape == (2, 1, 4, 7, 7)
    block = model.blocks[0]
    q, k, v = block.attn.project(block.ln1(model.embed(idx)))
    y = maps[0] @ block.attn.expand_kv(v)
    torch.testing.assert_close(
        y,
        F.scaled_dot_product_attention(q, block.attn.expand_kv(k), block.attn.expand_kv(v), is_causal=True),
        atol=1e-5,
        rtol=1e-5,
    )


def test_flops_per_token_leaves_out_an_untied_input_table():
    model = gpt_on_meta(LLAMA2_7B)
    n = model.num_parameters() - model.token_embedding.weight.numel()
    assert model.flops_per_token(4096) == 6 * n + 12 * 32 * 4096 * 4096


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("position", "alibi", "position must be one of"),
        ("norm", "batch", "norm must be one of"),
        ("mlp", "relu", "mlp must be one of"),
        ("n_kv_head", 5, "must be divisible by n_kv_head"),
        ("n_kv_head", 0, "n_kv_head must be a positive int"),
        ("mlp_hidden", 0, "mlp_hidden must be a positive int"),
    ],
)
def test_bad_options_are_clear_errors(field, value, message):
    with pytest.raises(ValueError, match=message):
        GPTConfig(**{field: value})
    with pytest.raises(ValueError, match="rotary positions need an even head size"):
        GPTConfig(n_head=4, d_model=12, position="rotary")


def test_apply_rotary_keeps_float64():
    """A float64 model (for finite-difference checks) must not be rounded to float32 inside the rotation."""
    from lib.models.positional import apply_rotary, rotary_angles

    cos, sin = rotary_angles(5, 8)
    x = torch.randn(2, 5, 8, dtype=torch.float64)
    out = apply_rotary(x, cos.double(), sin.double())
    assert out.dtype == torch.float64
    c, s = cos.double(), sin.double()
    even, odd = x[..., 0::2], x[..., 1::2]
    expected = torch.stack((even * c - odd * s, even * s + odd * c), dim=-1).flatten(-2)
    torch.testing.assert_close(out, expected, rtol=1e-15, atol=1e-15)  # computed in float64 throughout
