"""Tests of lib.scratch.attention against PyTorch's scaled_dot_product_attention and lib.models.gpt."""

import pytest
import torch
import torch.nn.functional as F

from lib.models.attention_maps import gpt_attention_maps
from lib.models.gpt import GPT, GPTConfig
from lib.scratch.attention import attention_weights, causal_mask, scaled_dot_product_attention


def _qkv(*shape, seed=0):
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(*shape, generator=g, dtype=torch.float64) for _ in range(3))


def test_causal_mask():
    assert causal_mask(3).tolist() == [[True, False, False], [True, True, False], [True, True, True]]
    with pytest.raises(ValueError, match="size must be a positive int"):
        causal_mask(0)


@pytest.mark.parametrize("causal", [False, True])
def test_matches_torch_sdpa(causal):
    q, k, v = _qkv(2, 3, 7, 5)
    out, w = scaled_dot_product_attention(q, k, v, causal=causal)
    torch.testing.assert_close(out, F.scaled_dot_product_attention(q, k, v, is_causal=causal))
    torch.testing.assert_close(w.sum(-1), torch.ones(2, 3, 7, dtype=torch.float64))
    if causal:
        assert (w[..., ~causal_mask(7)] == 0).all()


def test_matches_torch_with_mask_and_different_lengths():
    q, _, _ = _qkv(2, 4, 6, seed=1)
    _, k, v = _qkv(2, 9, 6, seed=2)
    mask = torch.rand(4, 9, generator=torch.Generator().manual_seed(3)) > 0.3
    mask[:, 0] = True
    out, _ = scaled_dot_product_attention(q, k, v, mask=mask)
    torch.testing.assert_close(out, F.scaled_dot_product_attention(q, k, v, attn_mask=mask))
    out, _ = scaled_dot_product_attention(q, k, v, causal=True)
    torch.testing.assert_close(out, F.scaled_dot_product_attention(q, k, v, is_causal=True))


def test_weights_are_softmax_of_scaled_scores():
    q = torch.tensor([[1.0, 0.0], [0.0, 2.0]])
    k = torch.tensor([[1.0, 1.0], [0.0, 1.0]])
    scores = torch.tensor([[1.0, 0.0], [2.0, 2.0]]) / 2**0.5
    torch.testing.assert_close(attention_weights(q, k), scores.softmax(-1))


def test_bad_inputs():
    q, k, v = _qkv(3, 4)
    with pytest.raises(TypeError, match="q and k must be tensors"):
        attention_weights(q.tolist(), k)
    with pytest.raises(ValueError, match="same d"):
        attention_weights(q, k[:, :3])
    with pytest.raises(TypeError, match="mask must be a bool tensor"):
        attention_weights(q, k, mask=torch.ones(3, 3))
    with pytest.raises(ValueError, match="does not broadcast"):
        attention_weights(q, k, mask=torch.ones(2, 2, dtype=torch.bool))
    with pytest.raises(ValueError, match="hides every key"):
        attention_weights(q, k, mask=torch.zeros(3, 3, dtype=torch.bool))
    with pytest.raises(ValueError, match="v must be"):
        scaled_dot_product_attention(q, k, v[:2])


def test_gpt_attention_maps_reproduce_the_model():
    torch.manual_seed(0)
    model = GPT(GPTConfig(vocab_size=11, context_length=8, n_layer=2, n_head=2, d_model=8, dropout=0.1))
    model.train()
    idx = torch.randint(11, (3, 6))
    maps = gpt_attention_maps(model, idx)
    assert maps.shape == (2, 3, 2, 6, 6)
    assert model.training  # the mode is restored
    torch.testing.assert_close(maps.sum(-1), torch.ones(2, 3, 2, 6))
    # the weights times the values, projected, are exactly what each block's attention returns
    model.eval()
    with torch.no_grad():
        x = model.token_embedding(idx) + model.position_embedding(torch.arange(6))
        for layer, block in enumerate(model.blocks):
            h = block.ln1(x)
            _, _, v = block.attn.qkv(h).split(8, dim=2)
            v = v.view(3, 6, 2, 4).transpose(1, 2)
            y = (maps[layer] @ v).transpose(1, 2).reshape(3, 6, 8)
            torch.testing.assert_close(block.attn.proj(y), block.attn(h))
            x = block(x)


def test_gpt_attention_maps_bad_inputs():
    model = GPT(GPTConfig(vocab_size=5, context_length=4, n_layer=1, n_head=1, d_model=4))
    with pytest.raises(TypeError, match="model must be a lib.models.gpt.GPT"):
        gpt_attention_maps(torch.nn.Linear(2, 2), torch.zeros(1, 2, dtype=torch.long))
    with pytest.raises(ValueError, match="idx must be a 2-D tensor"):
        gpt_attention_maps(model, torch.zeros(4, dtype=torch.long))
    with pytest.raises(ValueError, match="exceeds context_length 4"):
        gpt_attention_maps(model, torch.zeros(1, 5, dtype=torch.long))
