"""Positions (sinusoidal, rotary), feed-forward layers (GELU, SwiGLU) and RMSNorm against independent references."""

import math

import pytest
import torch
import torch.nn.functional as F

from lib.models.feedforward import GeluMLP, SwiGLU, swiglu_hidden_size
from lib.models.positional import RotaryEmbedding, apply_rotary, rotary_angles, sinusoidal_table
from lib.scratch.normalization import rms_norm


def test_sinusoidal_table_matches_the_papers_formula_entry_by_entry():
    table = sinusoidal_table(7, 6)
    for p in range(7):
        for i in range(3):
            angle = p / 10000 ** (2 * i / 6)
            assert table[p, 2 * i].item() == pytest.approx(math.sin(angle), abs=1e-6)
            assert table[p, 2 * i + 1].item() == pytest.approx(math.cos(angle), abs=1e-6)


def _rotate_as_complex(x: torch.Tensor, positions: torch.Tensor, base: float = 10000.0) -> torch.Tensor:
    """An independent RoPE: pairs as complex numbers multiplied by exp(i·p·θ)."""
    h = x.shape[-1]
    theta = base ** (-torch.arange(0, h, 2, dtype=torch.float64) / h)
    z = torch.view_as_complex(x.double().unflatten(-1, (-1, 2)).contiguous())
    rotation = torch.polar(torch.ones_like(theta), positions.double().unsqueeze(-1) * theta)
    return torch.view_as_real(z * rotation).flatten(-2).float()


def test_rotary_equals_complex_multiplication():
    x = torch.randn(2, 3, 5, 8)
    cos, sin = rotary_angles(5, 8)
    torch.testing.assert_close(apply_rotary(x, cos, sin), _rotate_as_complex(x, torch.arange(5)), atol=1e-5, rtol=1e-5)


def test_rotary_scores_depend_only_on_distance_and_norms_are_kept():
    q, k = torch.randn(8), torch.randn(8)
    rope = RotaryEmbedding(8, 64)

    def score(m, n):
        qm = rope(q.view(1, 1, 1, 8).expand(1, 1, 1, 8), start=m)
        kn = rope(k.view(1, 1, 1, 8), start=n)
        return (qm * kn).sum().item()

    assert score(3, 1) == pytest.approx(score(40, 38), abs=1e-4)
    assert score(3, 1) != pytest.approx(score(3, 2), abs=1e-3)
    x = torch.randn(1, 2, 10, 8)
    torch.testing.assert_close(rope(x).norm(dim=-1), x.norm(dim=-1))


def test_rotary_with_offset_equals_the_slice_of_the_full_sequence():
    rope = RotaryEmbedding(4, 16)
    x = torch.randn(1, 1, 6, 4)
    torch.testing.assert_close(rope(x)[:, :, 4:], rope(x[:, :, 4:], start=4))
    with pytest.raises(ValueError, match="exceed the 16"):
        rope(x, start=12)


def test_swiglu_hidden_size_matches_llama_2_7b_and_counts():
    assert swiglu_hidden_size(4096) == 11008  # Llama 2 7B's published intermediate size
    d, h = 16, swiglu_hidden_size(16, multiple_of=8)
    assert sum(p.numel() for p in SwiGLU(d, h).parameters()) == 3 * d * h
    assert sum(p.numel() for p in GeluMLP(d, 4 * d).parameters()) == 8 * d * d + 5 * d


def test_swiglu_computes_its_formula():
    torch.manual_seed(0)
    layer = SwiGLU(6, 10)
    x = torch.randn(3, 6)
    expected = layer.down.weight @ (F.silu(layer.gate.weight @ x.T) * (layer.up.weight @ x.T))
    torch.testing.assert_close(layer(x), expected.T)


def test_rms_norm_matches_pytorch():
    x, weight = torch.randn(4, 7, dtype=torch.float64), torch.randn(7, dtype=torch.float64)
    torch.testing.assert_close(rms_norm(x, weight, eps=1e-6), F.rms_norm(x, (7,), weight, eps=1e-6))
    torch.testing.assert_close(rms_norm(x), F.rms_norm(x, (7,), eps=1e-6))


def test_bad_inputs_are_clear_errors():
    with pytest.raises(ValueError, match="d_model must be even"):
        sinusoidal_table(4, 5)
    with pytest.raises(ValueError, match="head_size must be even"):
        rotary_angles(4, 3)
    with pytest.raises(ValueError, match="does not match cos/sin"):
        apply_rotary(torch.randn(2, 5, 8), *rotary_angles(4, 8))
    with pytest.raises(ValueError, match="dropout must be a number in"):
        SwiGLU(4, 8, dropout=1.5)
    with pytest.raises(ValueError, match="weight must have shape"):
        rms_norm(torch.randn(2, 3), torch.ones(4))


def test_attention_heatmap_draws_the_chosen_head_and_checks_arguments():
    import matplotlib.pyplot as plt

    from lib.viz.attention import attention_heatmap

    maps = torch.rand(2, 1, 3, 4, 4)
    ax = attention_heatmap(maps, list("abcd"), layer=1, head=2)
    torch.testing.assert_close(torch.as_tensor(ax.images[0].get_array()).float(), maps[1, 0, 2])
    assert [t.get_text() for t in ax.get_xticklabels()] == list("abcd")
    plt.close("all")
    with pytest.raises(ValueError, match=r"layer must be an int in \[0, 2\)"):
        attention_heatmap(maps, list("abcd"), layer=2, head=0)
    with pytest.raises(ValueError, match="tokens must label all 4 positions"):
        attention_heatmap(maps, list("abc"), layer=0, head=0)
