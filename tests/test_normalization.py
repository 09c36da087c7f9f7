"""From-scratch batch norm, layer norm and dropout agree with PyTorch's, outputs and gradients."""

import pytest
import torch
from torch import nn

from lib.models.mlp import normalized_mlp
from lib.scratch.normalization import BatchNorm, Dropout, LayerNorm, batch_norm, dropout, layer_norm


def _copy_affine(ours: nn.Module, theirs: nn.Module, seed: int = 0) -> None:
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        theirs.weight.copy_(torch.rand(theirs.weight.shape, generator=g) + 0.5)
        theirs.bias.copy_(torch.randn(theirs.bias.shape, generator=g))
        ours.weight.copy_(theirs.weight)
        ours.bias.copy_(theirs.bias)


def _outputs_and_grads(module: nn.Module, x: torch.Tensor, upstream: torch.Tensor):
    x = x.clone().requires_grad_(True)
    out = module(x)
    (out * upstream).sum().backward()
    return out, x.grad, module.weight.grad, module.bias.grad


@pytest.mark.parametrize(
    ("shape", "reference"), [((16, 5), nn.BatchNorm1d), ((16, 5, 7), nn.BatchNorm1d), ((4, 3, 6, 6), nn.BatchNorm2d)]
)
def test_batch_norm_matches_torch_in_training_and_eval(shape, reference):
    ours, theirs = BatchNorm(shape[1]), reference(shape[1])
    _copy_affine(ours, theirs)
    g = torch.Generator().manual_seed(1)
    for _ in range(3):  # several steps, so the running averages are tested too
        x = torch.randn(shape, generator=g) * 3 + 1
        upstream = torch.randn(shape, generator=g)
        ours.zero_grad()
        theirs.zero_grad()
        for a, b in zip(_outputs_and_grads(ours, x, upstream), _outputs_and_grads(theirs, x, upstream), strict=True):
            torch.testing.assert_close(a, b)
    torch.testing.assert_close(ours.running_mean, theirs.running_mean)
    torch.testing.assert_close(ours.running_var, theirs.running_var)
    ours.eval()
    theirs.eval()
    torch.testing.assert_close(ours(x), theirs(x))


def test_batch_norm_output_has_zero_mean_unit_variance_per_channel():
    x = torch.randn(64, 4, dtype=torch.float64) * torch.tensor([1.0, 10.0, 0.1, 5.0], dtype=torch.float64) + 7
    out = batch_norm(x, None, None, eps=1e-12)
    torch.testing.assert_close(out.mean(0), torch.zeros(4, dtype=torch.float64), atol=1e-12, rtol=0)
    torch.testing.assert_close(out.var(0, correction=0), torch.ones(4, dtype=torch.float64), atol=1e-9, rtol=0)


@pytest.mark.parametrize(("shape", "normalized"), [((8, 10), 10), ((2, 5, 6), 6), ((2, 5, 6), (5, 6))])
def test_layer_norm_matches_torch(shape, normalized):
    ours, theirs = LayerNorm(normalized), nn.LayerNorm(normalized)
    _copy_affine(ours, theirs)
    g = torch.Generator().manual_seed(2)
    x, upstream = torch.randn(shape, generator=g) * 4 - 2, torch.randn(shape, generator=g)
    for a, b in zip(_outputs_and_grads(ours, x, upstream), _outputs_and_grads(theirs, x, upstream), strict=True):
        torch.testing.assert_close(a, b)
    torch.testing.assert_close(layer_norm(x, normalized), nn.functional.layer_norm(x, theirs.normalized_shape))


def test_layer_norm_does_not_depend_on_the_batch():
    ln = LayerNorm(6)
    x = torch.randn(5, 6)
    torch.testing.assert_close(ln(x)[:1], ln(x[:1]))


def test_dropout_is_inverted_and_preserves_the_mean():
    x = torch.full((200_000,), 2.0)
    out = dropout(x, 0.3, generator=torch.Generator().manual_seed(0))
    kept = out != 0
    assert abs(kept.float().mean().item() - 0.7) < 0.005
    torch.testing.assert_close(out[kept], torch.full_like(out[kept], 2.0 / 0.7))
    assert abs(out.mean().item() - 2.0) < 0.02
    theirs = nn.functional.dropout(x, 0.3, training=True)
    assert abs((theirs != 0).float().mean().item() - kept.float().mean().item()) < 0.01
    assert torch.equal(theirs[theirs != 0].unique(), out[kept].unique())


def test_dropout_modes_and_edge_probabilities():
    x = torch.randn(10)
    assert dropout(x, 0.5, training=False) is x
    assert dropout(x, 0.0) is x
    assert torch.equal(dropout(x, 1.0), torch.zeros(10))
    module = Dropout(0.5)
    module.eval()
    assert torch.equal(module(x), x)
    module.train()
    assert (module(torch.ones(1000)) == 0).any()


def test_same_generator_seed_gives_same_mask():
    x = torch.ones(100)
    a = dropout(x, 0.5, generator=torch.Generator().manual_seed(3))
    b = dropout(x, 0.5, generator=torch.Generator().manual_seed(3))
    assert torch.equal(a, b)


@pytest.mark.parametrize(("norm", "kind"), [(None, None), ("batch", BatchNorm), ("layer", LayerNorm)])
def test_normalized_mlp_structure(norm, kind):
    model = normalized_mlp([4, 8, 8, 3], norm=norm, activation="tanh")
    norms = [m for m in model if isinstance(m, (BatchNorm, LayerNorm))]
    assert len(norms) == (0 if norm is None else 2) and all(isinstance(m, kind) for m in norms)
    assert model(torch.randn(5, 4)).shape == (5, 3)
    assert isinstance(model[-1], nn.Linear)


def test_bad_inputs_raise_clear_errors():
    with pytest.raises(TypeError, match="x must be a floating-point tensor"):
        batch_norm(torch.ones(2, 2, dtype=torch.long), None, None)
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        batch_norm(torch.randn(1, 3), None, None)
    with pytest.raises(ValueError, match=r"running_mean must have shape \(3,\)"):
        batch_norm(torch.randn(4, 3), torch.zeros(2), torch.ones(3))
    with pytest.raises(ValueError, match="needed in eval mode"):
        batch_norm(torch.randn(4, 3), None, None, training=False)
    with pytest.raises(ValueError, match="momentum must be a number in"):
        batch_norm(torch.randn(4, 3), None, None, momentum=1.5)
    with pytest.raises(ValueError, match="x must have shape"):
        batch_norm(torch.randn(4), None, None)
    with pytest.raises(ValueError, match="x's last dims must be"):
        layer_norm(torch.randn(4, 3), 5)
    with pytest.raises(ValueError, match="normalized_shape must be"):
        layer_norm(torch.randn(4, 3), 0)
    with pytest.raises(ValueError, match="eps must be a positive finite number"):
        layer_norm(torch.randn(4, 3), 3, eps=0)
    with pytest.raises(ValueError, match="p must be a number in"):
        dropout(torch.randn(3), p=1.2)
    with pytest.raises(ValueError, match="num_features must be a positive int"):
        BatchNorm(0)
    with pytest.raises(ValueError, match="normalized_shape must be"):
        LayerNorm(())
    with pytest.raises(ValueError, match="p must be a number in"):
        Dropout(-0.1)
    with pytest.raises(ValueError, match="norm must be None"):
        normalized_mlp([2, 2], norm="group")
    with pytest.raises(ValueError, match="sizes must list"):
        normalized_mlp([2])
    with pytest.raises(ValueError, match="activation must be one of"):
        normalized_mlp([2, 2, 2], activation="swish")
