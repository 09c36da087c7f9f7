"""Tests of lib.models.gpt: shapes, causality, the (logits, loss) contract, the KV cache, FLOPs and MFU."""

import pytest
import torch
import torch.nn.functional as F

from lib.core.hardware import PEAK_FLOPS_ENV
from lib.models.gpt import GPT, GPT2_SMALL, GPT3_175B, GPTConfig, KVCache, LogitsOnly, gpt_on_meta
from lib.scale.compute import gpt_matmul_flops

TINY = GPTConfig(vocab_size=17, context_length=8, n_layer=2, n_head=2, d_model=16)


def test_forward_shape_and_weight_tying():
    torch.manual_seed(0)
    model = GPT(TINY)
    logits, loss = model(torch.randint(17, (3, 8)))
    assert logits.shape == (3, 8, 17) and loss is None
    assert model.lm_head.weight is model.token_embedding.weight


def test_attention_is_causal():
    torch.manual_seed(0)
    model = GPT(TINY).eval()
    idx = torch.randint(17, (1, 8))
    changed = idx.clone()
    changed[0, -1] = (idx[0, -1] + 1) % 17
    # changing the last token must not change any earlier position's output
    torch.testing.assert_close(model(idx)[0][0, :-1], model(changed)[0][0, :-1])


def test_attention_matches_explicit_softmax_attention():
    torch.manual_seed(0)
    attn = GPT(TINY).blocks[0].attn.eval()
    x = torch.randn(2, 5, 16)
    q, k, v = attn.qkv(x).split(16, dim=2)
    q, k, v = (t.view(2, 5, 2, 8).transpose(1, 2) for t in (q, k, v))
    scores = q @ k.transpose(-2, -1) / 8**0.5
    scores = scores.masked_fill(torch.triu(torch.ones(5, 5, dtype=torch.bool), 1), float("-inf"))
    y = (scores.softmax(-1) @ v).transpose(1, 2).reshape(2, 5, 16)
    torch.testing.assert_close(attn(x), attn.proj(y))


def test_published_sizes_on_meta():
    assert gpt_on_meta(GPT2_SMALL).num_parameters() == 124_439_808
    model = gpt_on_meta(GPT3_175B)
    assert model.num_parameters() == 174_604_259_328
    assert next(model.parameters()).device.type == "meta"


def test_residual_projections_use_scaled_init():
    torch.manual_seed(0)
    model = GPT(GPTConfig(vocab_size=50, context_length=8, n_layer=8, n_head=4, d_model=128))
    std = model.blocks[0].mlp.down.weight.std().item()
    assert std == pytest.approx(0.02 / (2 * 8) ** 0.5, rel=0.05)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("n_layer", 0, "n_layer must be a positive int"),
        ("d_model", 30, "divisible by n_head"),
        ("dropout", 1.0, "dropout must be in"),
        ("vocab_size", 2.5, "vocab_size must be a positive int"),
    ],
)
def test_config_rejects_bad_values(field, value, message):
    kwargs = {"vocab_size": 17, "context_length": 8, "n_layer": 2, "n_head": 4, "d_model": 16, field: value}
    with pytest.raises(ValueError, match=message):
        GPTConfig(**kwargs)


def test_forward_rejects_bad_input():
    model = GPT(TINY)
    with pytest.raises(ValueError, match="exceeds context_length"):
        model(torch.zeros(1, 9, dtype=torch.long))
    with pytest.raises(ValueError, match="idx must be a 2-D tensor of token ids"):
        model(torch.zeros(1, 4))
    with pytest.raises(ValueError, match="idx must be a 2-D tensor of token ids"):
        model(torch.zeros(4, dtype=torch.long))
    with pytest.raises(ValueError, match="targets must be a 2-D tensor of token ids"):
        model(torch.zeros(1, 4, dtype=torch.long), torch.zeros(1, 4))
    with pytest.raises(ValueError, match=r"targets must have idx's shape \(1, 4\)"):
        model(torch.zeros(1, 4, dtype=torch.long), torch.zeros(1, 3, dtype=torch.long))
    with pytest.raises(TypeError, match="kv_cache must be a KVCache"):
        model(torch.zeros(1, 4, dtype=torch.long), kv_cache=[])
    with pytest.raises(TypeError, match="config must be a GPTConfig"):
        GPT({"n_layer": 2})


def test_loss_is_mean_cross_entropy_and_skips_ignored_targets():
    torch.manual_seed(0)
    model = GPT(TINY)
    idx, targets = torch.randint(17, (3, 8)), torch.randint(17, (3, 8))
    logits, loss = model(idx, targets)
    torch.testing.assert_close(loss, F.cross_entropy(logits.reshape(-1, 17), targets.reshape(-1)))
    masked = targets.clone()
    masked[:, :5] = -100  # e.g. a prompt whose tokens are not to be learned
    _, masked_loss = model(idx, masked)
    by_hand = F.cross_entropy(logits[:, 5:].reshape(-1, 17), targets[:, 5:].reshape(-1))
    torch.testing.assert_close(masked_loss, by_hand)
    assert not torch.isclose(masked_loss, loss)
    masked_loss.backward()  # the loss is differentiable
    assert model.token_embedding.weight.grad is not None


def test_kv_cache_gives_the_same_logits_token_by_token_and_in_chunks():
    torch.manual_seed(0)
    model = GPT(TINY).eval()
    idx = torch.randint(17, (2, 8))
    with torch.no_grad():
        full, _ = model(idx)
        cache = model.new_kv_cache()
        steps = [model(idx[:, :3], kv_cache=cache)[0]] + [
            model(idx[:, t : t + 1], kv_cache=cache)[0] for t in range(3, 8)
        ]
        torch.testing.assert_close(torch.cat(steps, dim=1), full, rtol=1e-5, atol=1e-6)
        assert cache.length == 8
        chunked = model.new_kv_cache()
        parts = [model(idx[:, :2], kv_cache=chunked)[0], model(idx[:, 2:7], kv_cache=chunked)[0]]
        torch.testing.assert_close(torch.cat(parts, dim=1), full[:, :7], rtol=1e-5, atol=1e-6)
        with pytest.raises(ValueError, match="7 cached \\+ 2 new exceeds context_length 8"):
            model(idx[:, :2], kv_cache=chunked)
        with pytest.raises(ValueError, match="batch size 1 differs"):
            model(idx[:1, :1], kv_cache=chunked)


def test_kv_cache_rejects_a_write_past_its_end_and_bad_sizes():
    cache = KVCache(n_layer=1, max_length=2)
    layer = cache.layers[0]
    layer.append(torch.zeros(1, 1, 2, 4), torch.zeros(1, 1, 2, 4))
    assert cache.length == 2 and "length=2" in repr(cache)
    with pytest.raises(ValueError, match="KV cache full"):
        layer.append(torch.zeros(1, 1, 1, 4), torch.zeros(1, 1, 1, 4))
    with pytest.raises(ValueError, match="max_length must be a positive int"):
        KVCache(1, 0)
    with pytest.raises(ValueError, match="n_layer must be a positive int"):
        KVCache(0, 4)


def test_flops_per_token_against_a_hand_count():
    config = GPTConfig(vocab_size=10, context_length=4, n_layer=1, n_head=1, d_model=2)
    model = GPT(config)
    # weights without the position table (4 x 2): token embedding 10*2, per block 12d^2 + 13d = 74, final LN 2d = 4
    n = 10 * 2 + (12 * 4 + 13 * 2) + 2 * 2
    assert model.num_parameters() - 4 * 2 == n == 98
    assert model.flops_per_token() == 6 * 98 + 12 * 1 * 2 * 4 == 684
    assert model.flops_per_token(seq_len=2) == 6 * 98 + 12 * 1 * 2 * 2
    # GPT-2 small at T = 1024: nanoGPT's count (its N excludes the 1024 x 768 position table)
    assert gpt_on_meta(GPT2_SMALL).flops_per_token() == 6 * (124_439_808 - 1024 * 768) + 12 * 12 * 768 * 1024
    with pytest.raises(ValueError, match="seq_len must be a positive int"):
        model.flops_per_token(seq_len=0)


def test_estimate_mfu(monkeypatch):
    model = GPT(GPTConfig(vocab_size=10, context_length=4, n_layer=1, n_head=1, d_model=2))
    assert model.estimate_mfu(1000.0, peak_flops=684_000.0 * 4) == pytest.approx(0.25)
    monkeypatch.delenv(PEAK_FLOPS_ENV, raising=False)
    with pytest.raises(ValueError, match="peak_flops is not known for cpu"):
        model.estimate_mfu(1000.0)
    monkeypatch.setenv(PEAK_FLOPS_ENV, "6.84e6")
    assert model.estimate_mfu(1000.0) == pytest.approx(0.1)
    with pytest.raises(ValueError, match="tokens_per_second must be a positive"):
        model.estimate_mfu(0.0, peak_flops=1e12)
    with pytest.raises(ValueError, match="peak_flops must be a positive"):
        model.estimate_mfu(10.0, peak_flops=-1.0)


def test_logits_only_wraps_a_gpt_for_plain_loops():
    torch.manual_seed(0)
    model = GPT(TINY)
    idx = torch.randint(17, (2, 5))
    wrapped = LogitsOnly(model)
    assert torch.equal(wrapped(idx), model(idx)[0])
    assert list(wrapped.parameters())[0] is list(model.parameters())[0]  # the same weights, trained together
    with pytest.raises(TypeError, match="gpt must be a lib.models.gpt.GPT"):
        LogitsOnly(torch.nn.Linear(2, 2))


@pytest.mark.parametrize(("n_layer", "d_model", "vocab", "seq_len"), [(2, 64, 96, 64), (3, 32, 50, 16)])
def test_flops_per_token_exceeds_the_exact_matmul_count_only_by_biases_and_norms(n_layer, d_model, vocab, seq_len):
    config = GPTConfig(vocab_size=vocab, context_length=seq_len, n_layer=n_layer, n_head=4, d_model=d_model)
    exact = gpt_matmul_flops(n_layer, d_model, vocab, seq_len, seq_len) // seq_len  # per token, forward + backward
    extra = 6 * (13 * n_layer * d_model + 2 * d_model)  # 6 x (biases and LayerNorm weights): no multiplications
    assert gpt_on_meta(config).flops_per_token() - exact == extra


@pytest.mark.parametrize(
    "extra",
    [{}, {"position": "rotary", "n_kv_head": 1}, {"norm": "rms", "mlp": "swiglu", "bias": False}],
    ids=["gpt2", "rotary-mqa", "llama-parts"],
)
def test_naive_attention_gives_sdpa_numbers(extra):
    """attention="naive" (explicit mask and softmax) is the same function as the fused kernel: loss, grads, cache."""
    fused_config = GPTConfig(vocab_size=17, context_length=8, n_layer=2, n_head=2, d_model=16, **extra)
    naive_config = GPTConfig(**{**fused_config.__dict__, "attention": "naive"})
    torch.manual_seed(0)
    fused = GPT(fused_config)
    naive = GPT(naive_config)
    naive.load_state_dict(fused.state_dict())
    idx, targets = torch.randint(17, (3, 8)), torch.randint(17, (3, 8))
    losses = []
    for model in (fused, naive):
        _, loss = model(idx, targets)
        loss.backward()
        losses.append(loss)
    torch.testing.assert_close(losses[0], losses[1])
    for (name, a), b in zip(fused.named_parameters(), naive.parameters(), strict=True):
        torch.testing.assert_close(a.grad, b.grad, msg=name)
    # with a KV cache: 5 tokens, then 2, then 1 (the three masking cases of the fused path)
    fused.eval(), naive.eval()
    outputs = []
    for model in (fused, naive):
        cache = model.new_kv_cache()
        outputs.append(torch.cat([model(idx[:, a:b], kv_cache=cache)[0] for a, b in ((0, 5), (5, 7), (7, 8))], 1))
    torch.testing.assert_close(outputs[0], outputs[1])
    torch.testing.assert_close(outputs[0], fused(idx)[0])


def test_attention_choice_is_checked():
    with pytest.raises(ValueError, match="attention"):
        GPTConfig(attention="flash")


@pytest.mark.parametrize(
    "config",
    [GPT2_SMALL, GPT3_175B, TINY, GPTConfig(position="rotary", norm="rms", mlp="swiglu", bias=False, n_kv_head=4)],
    ids=["gpt2", "gpt3", "tiny", "llama-like"],
)
def test_parameter_count_from_config_matches_the_built_model(config):
    assert config.parameter_count() == gpt_on_meta(config).num_parameters()


def test_a_terabyte_model_is_refused_before_allocating():
    import time

    from lib.models.gpt import check_fits

    config = GPTConfig(n_layer=24, n_head=64, d_model=65536)  # 1.24e12 parameters: ~5 TB in fp32
    start = time.perf_counter()
    with pytest.raises(ValueError, match=r"config needs 4,961,327,644,672 bytes .*gpt_on_meta"):
        GPT(config)
    assert time.perf_counter() - start < 1.0  # refused at once, nothing allocated
    assert check_fits(TINY) == TINY.parameter_count() * 4
    assert check_fits(config, "meta") == config.parameter_count() * 4  # shapes only: always fits
