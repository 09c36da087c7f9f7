"""The gradient checker passes correct gradients, fails wrong ones, and agrees with torch.autograd.gradcheck."""

import math

import pytest
import torch

from lib.scratch.gradcheck import autograd_gradient, gradcheck, numerical_gradient, relative_error, step_size_errors


def loss_fn(w, x):
    return (torch.tanh(x @ w) ** 2).mean()


class LeakySquare(torch.autograd.Function):
    """x**2 with a backward that forgets the factor 2: the kind of bug gradcheck must catch."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x**2

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * x


def buggy_fn(x):
    return LeakySquare.apply(x).sum()


@pytest.fixture
def inputs():
    g = torch.Generator().manual_seed(0)
    return [torch.randn(4, 3, generator=g), torch.randn(5, 4, generator=g)]


def test_numerical_gradient_matches_autograd(inputs):
    numerical = numerical_gradient(loss_fn, inputs)
    analytic = autograd_gradient(loss_fn, inputs)
    for n, a in zip(numerical, analytic, strict=True):
        assert n.dtype == torch.float64
        torch.testing.assert_close(n, a, rtol=1e-7, atol=1e-9)


def test_correct_gradient_passes_like_torch_gradcheck(inputs):
    report = gradcheck(loss_fn, inputs)
    assert report.passed and report.relative_error < 1e-8
    assert "passed" in str(report) and "worst entry" in str(report)
    doubles = [x.double().requires_grad_() for x in inputs]
    assert torch.autograd.gradcheck(loss_fn, doubles)


def test_wrong_gradient_fails_like_torch_gradcheck():
    x = torch.tensor([[1.0, -2.0], [3.0, 0.5]])
    report = gradcheck(buggy_fn, [x])
    assert not report.passed and "FAILED" in str(report)
    assert report.entry == (1, 0)  # the largest entry has the largest error: 2x vs x
    assert math.isclose(report.analytic, 3.0) and math.isclose(report.numerical, 6.0, rel_tol=1e-8)
    assert math.isclose(report.relative_error, 1 / 3, rel_tol=1e-6)  # ||x - 2x|| / (||x|| + ||2x||)
    assert not torch.autograd.gradcheck(buggy_fn, (x.double().requires_grad_(),), raise_exception=False)


def test_hand_written_gradient_via_grad_fn():
    def f(w):
        return (w**3).sum()

    w = torch.tensor([0.5, -1.5, 2.0])
    assert gradcheck(f, [w], grad_fn=lambda w: [3 * w**2]).passed
    assert not gradcheck(f, [w], grad_fn=lambda w: [2 * w**2]).passed


def test_float32_fails_where_float64_passes(inputs):
    assert gradcheck(loss_fn, inputs).passed
    report = gradcheck(loss_fn, inputs, dtype=torch.float32, step=1e-3)
    assert not report.passed and report.dtype == torch.float32


def test_relative_error_is_scale_free():
    a = torch.tensor([1.0, 2.0], dtype=torch.float64)
    assert relative_error(a, a) == 0.0
    assert math.isclose(relative_error(1e-9 * a, 1e-9 * 1.01 * a), relative_error(a, 1.01 * a), rel_tol=1e-9)
    assert relative_error(torch.zeros(2), torch.zeros(2)) == 0.0


def test_step_size_errors_fall_then_rise():
    steps = [10.0**-k for k in range(1, 13)]
    e64 = step_size_errors(torch.sin, 0.7, steps, torch.float64)
    e32 = step_size_errors(torch.sin, 0.7, steps, torch.float32)
    assert e64[0] > 1e-4 and e64.min() < 1e-9 and e64[-1] > 100 * e64.min()  # V-shaped
    assert e32.min() > 1e-7 and e32.argmin() < e64.argmin()  # float32: worse, at a larger step


def test_bad_inputs_raise_clear_errors(inputs):
    with pytest.raises(TypeError, match="fn must be callable"):
        gradcheck(1.0, inputs)
    with pytest.raises(TypeError, match="inputs must be a non-empty list"):
        gradcheck(loss_fn, inputs[0])
    with pytest.raises(TypeError, match=r"inputs\[0\] must be a floating-point tensor"):
        numerical_gradient(loss_fn, [torch.ones(2, dtype=torch.long)])
    with pytest.raises(ValueError, match="step must be a positive number"):
        numerical_gradient(loss_fn, inputs, step=0.0)
    with pytest.raises(ValueError, match="single-number tensor"):
        gradcheck(lambda w, x: x @ w, inputs)
    with pytest.raises(ValueError, match="tolerance must be a positive float"):
        gradcheck(loss_fn, inputs, tolerance=0)
    with pytest.raises(ValueError, match="dtype must be a floating-point"):
        gradcheck(loss_fn, inputs, dtype=torch.int64)
    with pytest.raises(ValueError, match="one gradient per input"):
        gradcheck(loss_fn, inputs, grad_fn=lambda w, x: [w])
    with pytest.raises(ValueError, match="same shape"):
        relative_error(torch.zeros(2), torch.zeros(3))
    with pytest.raises(TypeError, match="fn must be callable"):
        autograd_gradient("f", inputs)
    with pytest.raises(ValueError, match="steps must be a non-empty"):
        step_size_errors(torch.sin, 0.7, [], torch.float64)
    with pytest.raises(ValueError, match="derivative 0"):
        step_size_errors(torch.cos, 0.0, [1e-3], torch.float64)
    with pytest.raises(TypeError, match="x must be a real number"):
        step_size_errors(torch.sin, "0.7", [1e-3], torch.float64)
