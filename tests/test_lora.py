"""LoRA: starts equal to the frozen layer, computes W + (alpha/r) B A, trains only A and B, merges exactly."""

import pytest
import torch
from torch import nn
from torch.nn import functional as F

from lib.models.lora import LoRALinear, apply_lora, lora_parameter_count, merge_lora, trainable_parameter_count


def _random_lora(rank: int = 2, alpha: float = 8.0) -> LoRALinear:
    torch.manual_seed(0)
    layer = LoRALinear(nn.Linear(5, 3), rank=rank, alpha=alpha)
    with torch.no_grad():
        layer.lora_B.normal_()  # a trained-looking adapter, so the update is not zero
    return layer


def test_starts_equal_to_the_frozen_layer():
    torch.manual_seed(0)
    base = nn.Linear(6, 4)
    x = torch.randn(7, 6)
    expected = base(x)
    layer = LoRALinear(base, rank=2, alpha=16)
    assert torch.equal(layer.lora_B, torch.zeros(4, 2))
    assert torch.count_nonzero(layer.lora_A) > 0
    torch.testing.assert_close(layer(x), expected, rtol=0, atol=0)


def test_forward_is_w_plus_scaled_ba():
    layer = _random_lora(rank=2, alpha=8.0)
    x = torch.randn(4, 5)
    weight = layer.base.weight + (8.0 / 2) * layer.lora_B @ layer.lora_A
    torch.testing.assert_close(layer(x), F.linear(x, weight, layer.base.bias))
    torch.testing.assert_close(layer.merged_weight(), weight)
    assert layer.scaling == 4.0


def test_alpha_defaults_to_rank_so_scaling_is_one():
    layer = LoRALinear(nn.Linear(5, 3), rank=3)
    assert layer.alpha == 3.0 and layer.scaling == 1.0


def test_only_a_and_b_get_gradients_and_grad_a_is_zero_at_start():
    torch.manual_seed(0)
    layer = LoRALinear(nn.Linear(5, 3), rank=2, alpha=4.0)
    x = torch.randn(8, 5)
    layer(x).pow(2).sum().backward()
    assert layer.base.weight.grad is None and layer.base.bias.grad is None
    assert torch.equal(layer.lora_A.grad, torch.zeros_like(layer.lora_A))  # B = 0 blocks A's gradient
    # dL/dB = scaling * G^T (x A^T), with G = dL/dy = 2 y
    g = 2 * layer(x).detach()
    torch.testing.assert_close(layer.lora_B.grad, 2.0 * g.T @ (x @ layer.lora_A.detach().T))


def test_apply_lora_wraps_linears_freezes_the_rest_and_counts():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(10, 8), nn.LayerNorm(8), nn.ReLU(), nn.Linear(8, 6), nn.Linear(6, 3))
    x = torch.randn(5, 10)
    before = model(x)
    names = apply_lora(model, rank=2, alpha=4.0, exclude=("4",))
    assert names == ["0", "3"]
    assert isinstance(model[0], LoRALinear) and isinstance(model[3], LoRALinear)
    assert isinstance(model[4], nn.Linear) and not isinstance(model[4], LoRALinear)
    torch.testing.assert_close(model(x), before, rtol=0, atol=0)
    head = 6 * 3 + 3
    expected = lora_parameter_count(10, 8, 2) + lora_parameter_count(8, 6, 2) + head
    assert trainable_parameter_count(model) == expected == 2 * (10 + 8) + 2 * (8 + 6) + head
    assert not any(p.requires_grad for p in model[1].parameters())  # the LayerNorm is frozen too


def test_merge_gives_plain_linears_with_the_same_outputs():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(5, 4), nn.Tanh(), nn.Linear(4, 2))
    apply_lora(model, rank=2, alpha=3.0)
    with torch.no_grad():
        for layer in (model[0], model[2]):
            layer.lora_B.normal_()
    x = torch.randn(6, 5)
    adapted = model(x)
    state = torch.random.get_rng_state()
    assert merge_lora(model) == 2
    assert torch.equal(torch.random.get_rng_state(), state)  # merging draws no random numbers
    assert type(model[0]) is nn.Linear and type(model[2]) is nn.Linear
    torch.testing.assert_close(model(x), adapted)


def test_training_changes_only_the_adapter():
    torch.manual_seed(0)
    layer = LoRALinear(nn.Linear(4, 4), rank=1, alpha=1.0)
    frozen = layer.base.weight.detach().clone()
    optimizer = torch.optim.SGD([p for p in layer.parameters() if p.requires_grad], lr=0.1)
    x, y = torch.randn(16, 4), torch.randn(16, 4)
    for _ in range(5):
        optimizer.zero_grad()
        F.mse_loss(layer(x), y).backward()
        optimizer.step()
    assert torch.equal(layer.base.weight, frozen)
    assert torch.count_nonzero(layer.lora_B) > 0
    assert torch.linalg.matrix_rank(layer.delta_weight().detach()) == 1


def test_bad_inputs_raise_clear_errors():
    with pytest.raises(TypeError, match="base must be an nn.Linear"):
        LoRALinear(nn.Conv1d(1, 1, 1), rank=1)
    with pytest.raises(ValueError, match="rank must be a positive int"):
        LoRALinear(nn.Linear(3, 3), rank=0)
    with pytest.raises(ValueError, match="rank must be at most"):
        LoRALinear(nn.Linear(3, 2), rank=3)
    with pytest.raises(ValueError, match="alpha must be a positive number"):
        LoRALinear(nn.Linear(3, 3), rank=1, alpha=-1.0)
    with pytest.raises(ValueError, match="last dimension must be 3"):
        LoRALinear(nn.Linear(3, 3), rank=1)(torch.zeros(2, 4))
    with pytest.raises(TypeError, match="model must be an nn.Module"):
        apply_lora("not a model", rank=1)
    with pytest.raises(ValueError, match="no nn.Linear layer"):
        apply_lora(nn.Sequential(nn.ReLU()), rank=1)
    with pytest.raises(TypeError, match="exclude must be a tuple"):
        apply_lora(nn.Linear(2, 2), rank=1, exclude="head")
    with pytest.raises(TypeError, match="wrap it directly"):
        apply_lora(nn.Linear(2, 2), rank=1)
    with pytest.raises(TypeError, match="model must be an nn.Module"):
        merge_lora(None)
    with pytest.raises(TypeError, match="model must be an nn.Module"):
        trainable_parameter_count([1, 2])
    with pytest.raises(ValueError, match="rank must be a positive int"):
        lora_parameter_count(4, 4, 0)
