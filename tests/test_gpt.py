import pytest
import torch

from lib.models.gpt import GPT, GPT2_SMALL, GPT3_175B, GPTConfig, gpt_on_meta

TINY = GPTConfig(vocab_size=17, context_length=8, n_layer=2, n_head=2, d_model=16)


def test_forward_shape_and_weight_tying():
    torch.manual_seed(0)
    model = GPT(TINY)
    logits = model(torch.randint(17, (3, 8)))
    assert logits.shape == (3, 8, 17)
    assert model.lm_head.weight is model.token_embedding.weight


def test_attention_is_causal():
    torch.manual_seed(0)
    model = GPT(TINY).eval()
    idx = torch.randint(17, (1, 8))
    changed = idx.clone()
    changed[0, -1] = (idx[0, -1] + 1) % 17
    # changing the last token must not change any earlier position's output
    torch.testing.assert_close(model(idx)[0, :-1], model(changed)[0, :-1])


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
    with pytest.raises(ValueError, match="2-D tensor of token ids"):
        model(torch.zeros(1, 4))
    with pytest.raises(TypeError, match="config must be a GPTConfig"):
        GPT({"n_layer": 2})


def test_generate_appends_tokens_and_is_reproducible():
    from lib.models.gpt import generate

    torch.manual_seed(0)
    model = GPT(TINY)
    prompt = torch.randint(17, (2, 3))
    out = generate(model, prompt, 12, context_length=8, generator=torch.Generator().manual_seed(1))
    assert out.shape == (2, 15) and torch.equal(out[:, :3], prompt)
    again = generate(model, prompt, 12, context_length=8, generator=torch.Generator().manual_seed(1))
    assert torch.equal(out, again)
    assert model.training  # restored


def test_generate_top_1_is_greedy():
    from lib.models.gpt import generate

    torch.manual_seed(0)
    model = GPT(TINY).eval()
    prompt = torch.randint(17, (1, 4))
    out = generate(model, prompt, 1, context_length=8, top_k=1)
    assert out[0, -1] == model(prompt)[0, -1].argmax()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_new_tokens": -1}, "max_new_tokens"),
        ({"context_length": 0}, "context_length"),
        ({"temperature": 0.0}, "temperature must be positive"),
        ({"top_k": 0}, "top_k must be"),
    ],
)
def test_generate_rejects_bad_arguments(kwargs, message):
    from lib.models.gpt import generate

    args = {"max_new_tokens": 2, "context_length": 8} | kwargs
    with pytest.raises(ValueError, match=message):
        generate(GPT(TINY), torch.zeros(1, 2, dtype=torch.long), **args)
    with pytest.raises(ValueError, match="int64 token ids"):
        generate(GPT(TINY), torch.zeros(2), 2, 8)
