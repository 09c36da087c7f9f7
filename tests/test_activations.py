import pytest
import torch
import torch.nn.functional as F

from lib.scratch import activations as act

# a dense grid plus large |x|, where naive formulas overflow or return nan
GRID = torch.cat([torch.linspace(-20, 20, 2001), torch.tensor([-1000.0, -100.0, -50.0, 0.0, 50.0, 100.0, 1000.0])])

REFERENCES = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "gelu": F.gelu,
    "gelu_tanh": lambda x: F.gelu(x, approximate="tanh"),
    "silu": F.silu,
}


def autograd_derivative(fn, x):
    x = x.clone().requires_grad_(True)
    (y,) = torch.autograd.grad(fn(x).sum(), x)
    return y


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("name", sorted(act.ACTIVATIONS))
def test_values_and_derivatives_match_torch(name, dtype):
    x = GRID.to(dtype)
    function, derivative = act.ACTIVATIONS[name]
    reference = REFERENCES[name]
    torch.testing.assert_close(function(x), reference(x))
    torch.testing.assert_close(derivative(x), autograd_derivative(reference, x))
    assert torch.isfinite(function(x)).all() and torch.isfinite(derivative(x)).all()
    # autograd through the from-scratch function agrees too (so lessons can train with it), also at 0
    torch.testing.assert_close(autograd_derivative(function, x), derivative(x))


def test_derivatives_match_finite_differences():
    x = torch.linspace(-4, 4, 81, dtype=torch.float64) + 0.0123  # avoid ReLU's kink at 0
    h = 1e-6
    for name, (function, derivative) in act.ACTIVATIONS.items():
        numeric = (function(x + h) - function(x - h)) / (2 * h)
        torch.testing.assert_close(derivative(x), numeric, atol=1e-7, rtol=1e-6, msg=name)


def test_known_values():
    assert act.sigmoid(torch.tensor(0.0)).item() == 0.5
    assert act.sigmoid_derivative(torch.tensor(0.0)).item() == 0.25
    assert act.tanh_derivative(torch.tensor(0.0)).item() == 1.0
    assert act.relu_derivative(torch.tensor([-1.0, 0.0, 2.0])).tolist() == [0.0, 0.0, 1.0]
    assert act.gelu(torch.tensor(0.0)).item() == 0.0


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_softmax_and_log_softmax_match_torch_even_for_huge_inputs(dim):
    x = torch.randn(5, 7, generator=torch.Generator().manual_seed(0)) * 1000
    torch.testing.assert_close(act.softmax(x, dim=dim), torch.softmax(x, dim=dim))
    torch.testing.assert_close(act.log_softmax(x, dim=dim), torch.log_softmax(x, dim=dim))
    torch.testing.assert_close(act.logsumexp(x, dim=dim), torch.logsumexp(x, dim=dim))
    assert torch.isfinite(act.log_softmax(x, dim=dim)).all()


def test_log_softmax_keeps_float32_precision_near_1000():
    x = torch.tensor([[1000.0, 999.0, 998.0], [0.0, -1000.0, 5.0]])
    torch.testing.assert_close(act.log_softmax(x).double(), torch.log_softmax(x.double(), dim=-1), atol=2e-6, rtol=0)
    xg = x.clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(act.log_softmax(xg)[:, 0].sum(), xg)
    (expected,) = torch.autograd.grad(torch.log_softmax(xg, dim=-1)[:, 0].sum(), xg)
    torch.testing.assert_close(grad, expected)


def test_logsumexp_of_minus_inf_row():
    x = torch.tensor([[-float("inf"), -float("inf")], [0.0, 0.0]])
    torch.testing.assert_close(act.logsumexp(x), torch.logsumexp(x, dim=-1))


def test_softmax_jacobian_matches_autograd():
    x = torch.randn(6, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    expected = torch.autograd.functional.jacobian(lambda v: torch.softmax(v, dim=-1), x)
    torch.testing.assert_close(act.softmax_jacobian(x), expected)
    batch = torch.randn(3, 4, dtype=torch.float64)
    for row, jac in zip(batch, act.softmax_jacobian(batch), strict=True):
        torch.testing.assert_close(jac, torch.autograd.functional.jacobian(lambda v: torch.softmax(v, -1), row))


def test_activation_curves():
    curves = act.activation_curves(["sigmoid", "relu"], -2.0, 2.0, 5)
    assert curves.x.tolist() == [-2.0, -1.0, 0.0, 1.0, 2.0]
    assert curves.values["relu"].tolist() == [0.0, 0.0, 0.0, 1.0, 2.0]
    assert curves.derivatives["sigmoid"][2].item() == 0.25
    assert set(curves.values) == set(curves.derivatives) == {"sigmoid", "relu"}


def test_layer_gradient_norms_sigmoid_vanishes_relu_does_not():
    sig = act.layer_gradient_norms("sigmoid", depth=10, width=32, n_samples=64)
    relu = act.layer_gradient_norms("relu", depth=10, width=32, n_samples=64)
    assert sig.shape == relu.shape == (10,)
    assert sig[0] / sig[-1] < 1e-3  # each sigmoid layer multiplies the gradient by well under 1
    assert 0.01 < relu[0] / relu[-1] < 100


@pytest.mark.parametrize("name", sorted(act.ACTIVATIONS))
def test_bad_inputs_raise(name):
    function, derivative = act.ACTIVATIONS[name]
    with pytest.raises(TypeError, match="x must be a torch.Tensor"):
        function([1.0, 2.0])
    with pytest.raises(TypeError, match="floating-point"):
        derivative(torch.tensor([1, 2]))


def test_other_bad_inputs_raise():
    with pytest.raises(ValueError, match="dim must be"):
        act.softmax(torch.zeros(2, 3), dim=2)
    with pytest.raises(ValueError, match="dim must be"):
        act.log_softmax(torch.zeros(3), dim=1)
    with pytest.raises(ValueError, match="dim must be"):
        act.logsumexp(torch.zeros(3), dim=True)
    with pytest.raises(TypeError, match="floating-point"):
        act.softmax(torch.tensor([1, 2]))
    with pytest.raises(ValueError, match="at least one dimension"):
        act.softmax_jacobian(torch.tensor(1.0))
    with pytest.raises(TypeError, match="floating-point"):
        act.standard_normal_cdf(torch.tensor([1]))
    with pytest.raises(TypeError, match="torch.Tensor"):
        act.standard_normal_pdf(1.0)
    with pytest.raises(ValueError, match="names must be among"):
        act.activation_curves(["swish"])
    with pytest.raises(ValueError, match="non-empty list"):
        act.activation_curves("relu")
    with pytest.raises(ValueError, match="x_min must be less than x_max"):
        act.activation_curves(["relu"], 1.0, 1.0)
    with pytest.raises(ValueError, match="n must be an int"):
        act.activation_curves(["relu"], n=1)
    with pytest.raises(ValueError, match="activation must be one of"):
        act.layer_gradient_norms("gelu_tanh")
    with pytest.raises(ValueError, match="depth must be a positive int"):
        act.layer_gradient_norms("relu", depth=0)
    with pytest.raises(ValueError, match="init must be"):
        act.layer_gradient_norms("relu", init="orthogonal")
