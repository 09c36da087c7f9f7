"""Gradient checking: compare an analytic gradient with central finite differences, in float64.

A backward pass written by hand (or a custom autograd Function) is easy to get subtly wrong; the
finite-difference slope (f(x + h) - f(x - h)) / 2h is slow but hard to get wrong, so it is the referee.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch

from lib.core.validate import tensor as check_tensor

LossFn = Callable[..., torch.Tensor]


@dataclass(frozen=True)
class GradcheckReport:
    """The outcome of :func:`gradcheck`: pass or fail, and the single worst entry, to look at first."""

    passed: bool
    relative_error: float  # max over inputs of ||analytic - numerical|| / (||analytic|| + ||numerical||)
    input_index: int  # where the largest absolute difference is
    entry: tuple[int, ...]
    analytic: float
    numerical: float
    step: float
    tolerance: float
    dtype: torch.dtype

    def __str__(self) -> str:
        verdict = "passed" if self.passed else "FAILED"
        return (
            f"gradcheck {verdict} ({str(self.dtype).removeprefix('torch.')}, h={self.step:g}): relative error "
            f"{self.relative_error:.2e} (tolerance {self.tolerance:.0e}); worst entry: input {self.input_index} "
            f"{list(self.entry)}, analytic {self.analytic:.10g} vs finite difference {self.numerical:.10g}"
        )


def _validate(fn: LossFn, inputs: Sequence[torch.Tensor], step: float) -> None:
    if not callable(fn):
        raise TypeError(f"fn must be callable, got {type(fn).__name__}")
    if isinstance(inputs, torch.Tensor) or not isinstance(inputs, (list, tuple)) or not inputs:
        raise TypeError("inputs must be a non-empty list or tuple of tensors")
    for i, x in enumerate(inputs):
        if not isinstance(x, torch.Tensor) or not x.is_floating_point():
            raise TypeError(f"inputs[{i}] must be a floating-point tensor, got {type(x).__name__}")
    if isinstance(step, bool) or not isinstance(step, (int, float)) or not step > 0:
        raise ValueError(f"step must be a positive number, got {step!r}")


def _scalar(value: torch.Tensor) -> torch.Tensor:
    if not isinstance(value, torch.Tensor) or value.numel() != 1:
        shape = tuple(value.shape) if isinstance(value, torch.Tensor) else type(value).__name__
        raise ValueError(
            f"fn must return a single-number tensor (a loss), got {shape}; check (fn(x) * v).sum() instead"
        )
    return value.reshape(())


def numerical_gradient(
    fn: LossFn, inputs: Sequence[torch.Tensor], step: float = 1e-6, dtype: torch.dtype = torch.float64
) -> list[torch.Tensor]:
    """d fn / d input for every input entry by central differences (f(x+h) - f(x-h)) / 2h, computed in ``dtype``."""
    _validate(fn, inputs, step)
    xs = [x.detach().to(dtype).clone() for x in inputs]
    grads = []
    with torch.no_grad():
        for x in xs:
            g = torch.zeros_like(x)
            flat, gflat = x.view(-1), g.view(-1)
            for k in range(flat.numel()):
                original = flat[k].item()
                flat[k] = original + step
                up = _scalar(fn(*xs)).item()
                flat[k] = original - step
                down = _scalar(fn(*xs)).item()
                flat[k] = original
                gflat[k] = (up - down) / (2 * step)
            grads.append(g)
    return grads


def autograd_gradient(
    fn: LossFn, inputs: Sequence[torch.Tensor], dtype: torch.dtype = torch.float64
) -> list[torch.Tensor]:
    """d fn / d input by ``torch.autograd``, on copies of ``inputs`` converted to ``dtype``."""
    _validate(fn, inputs, 1.0)
    xs = [x.detach().to(dtype).clone().requires_grad_(True) for x in inputs]
    grads = torch.autograd.grad(_scalar(fn(*xs)), xs, allow_unused=True)
    return [torch.zeros_like(x) if g is None else g for x, g in zip(xs, grads, strict=True)]


def relative_error(analytic: torch.Tensor, numerical: torch.Tensor) -> float:
    """||a - n|| / (||a|| + ||n||): 0 when equal, 1 when opposite or one is zero; scale-free."""
    check_tensor("analytic", analytic)
    check_tensor("numerical", numerical)
    if analytic.shape != numerical.shape:
        raise ValueError(
            f"analytic and numerical must have the same shape, got {tuple(analytic.shape)} and {tuple(numerical.shape)}"
        )
    a, n = analytic.double(), numerical.double()
    denominator = (a.norm() + n.norm()).item()
    return 0.0 if denominator == 0.0 else (a - n).norm().item() / denominator


def gradcheck(
    fn: LossFn,
    inputs: Sequence[torch.Tensor],
    grad_fn: Callable[..., Sequence[torch.Tensor]] | None = None,
    step: float = 1e-6,
    tolerance: float = 1e-7,
    dtype: torch.dtype = torch.float64,
) -> GradcheckReport:
    """Check the gradient of the scalar ``fn(*inputs)`` against central differences; return a report.

    The analytic gradient comes from ``grad_fn(*inputs)`` (a hand-written backward) or, by default, from
    autograd. Both sides run in ``dtype`` (float64 by default: in float32 round-off swamps the test).
    """
    _validate(fn, inputs, step)
    if not isinstance(tolerance, float) or not tolerance > 0:
        raise ValueError(f"tolerance must be a positive float, got {tolerance!r}")
    if dtype not in (torch.float16, torch.bfloat16, torch.float32, torch.float64):
        raise ValueError(f"dtype must be a floating-point torch dtype, got {dtype!r}")
    numerical = numerical_gradient(fn, inputs, step, dtype)
    if grad_fn is None:
        analytic = autograd_gradient(fn, inputs, dtype)
    else:
        analytic = [torch.as_tensor(g).detach().to(dtype) for g in grad_fn(*[x.detach().to(dtype) for x in inputs])]
        if len(analytic) != len(inputs) or any(a.shape != x.shape for a, x in zip(analytic, inputs, strict=True)):
            raise ValueError("grad_fn must return one gradient per input, each of that input's shape")
    error = max(relative_error(a, n) for a, n in zip(analytic, numerical, strict=True))
    diffs = [(a - n).abs().max().item() if a.numel() else 0.0 for a, n in zip(analytic, numerical, strict=True)]
    worst = max(range(len(diffs)), key=diffs.__getitem__)
    flat = int((analytic[worst] - numerical[worst]).abs().argmax()) if analytic[worst].numel() else 0
    entry = (
        tuple(int(i) for i in torch.unravel_index(torch.tensor(flat), analytic[worst].shape))
        if analytic[worst].ndim
        else ()
    )
    return GradcheckReport(
        passed=error <= tolerance,
        relative_error=error,
        input_index=worst,
        entry=entry,
        analytic=analytic[worst].reshape(-1)[flat].item() if analytic[worst].numel() else 0.0,
        numerical=numerical[worst].reshape(-1)[flat].item() if numerical[worst].numel() else 0.0,
        step=float(step),
        tolerance=tolerance,
        dtype=dtype,
    )


def step_size_errors(
    fn: Callable[[torch.Tensor], torch.Tensor], x: float, steps: Sequence[float], dtype: torch.dtype
) -> torch.Tensor:
    """Relative error of the central difference of a 1-D ``fn`` at ``x``, for each step h, computed in ``dtype``.

    The exact derivative comes from autograd in float64. Small h: round-off (~eps/h) dominates; large h:
    truncation (~h^2) dominates; the error is smallest in between.
    """
    if not callable(fn):
        raise TypeError(f"fn must be callable, got {type(fn).__name__}")
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise TypeError(f"x must be a real number, got {type(x).__name__}")
    if len(steps) == 0 or any(isinstance(h, bool) or not isinstance(h, (int, float)) or not h > 0 for h in steps):
        raise ValueError("steps must be a non-empty sequence of positive numbers")
    x64 = torch.tensor(float(x), dtype=torch.float64, requires_grad=True)
    (exact,) = torch.autograd.grad(fn(x64), x64)
    if exact.item() == 0.0:
        raise ValueError(f"fn has derivative 0 at x={x!r}: a relative error is undefined there; pick another x")
    errors = []
    with torch.no_grad():
        for h in steps:
            xd, hd = torch.tensor(float(x), dtype=dtype), torch.tensor(float(h), dtype=dtype)
            slope = (fn(xd + hd) - fn(xd - hd)) / (2 * hd)
            errors.append(abs(slope.double().item() - exact.item()) / abs(exact.item()))
    return torch.tensor(errors, dtype=torch.float64)
