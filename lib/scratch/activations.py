"""Activation functions (激活函数) written from scratch, each with its derivative, plus stable softmax.

Lesson 2.1 builds these in the open and checks them against PyTorch; later lessons import them.
Every function is elementwise (softmax along ``dim``), works on any device and float dtype, and
is written so that large |x| neither overflows nor returns nan.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import NamedTuple

import torch
from torch import nn

_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_GELU_TANH_COEF = 0.044715  # the cubic term of Hendrycks & Gimpel's tanh approximation


def _check_float(x: object, name: str = "x") -> torch.Tensor:
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(x).__name__}")
    if not x.is_floating_point():
        raise TypeError(f"{name} must be a floating-point tensor, got dtype {x.dtype}")
    return x


def _check_dim(x: torch.Tensor, dim: int) -> None:
    if isinstance(dim, bool) or not isinstance(dim, int) or not -max(x.ndim, 1) <= dim < max(x.ndim, 1):
        raise ValueError(
            f"dim must be an int in [{-max(x.ndim, 1)}, {max(x.ndim, 1)}) for a {x.ndim}-d tensor, got {dim!r}"
        )


# --- sigmoid, tanh, ReLU -------------------------------------------------------------------------


def _abs(x: torch.Tensor) -> torch.Tensor:
    # |x| whose autograd derivative at 0 is 1, not 0 (torch.abs's), matching the branch x >= 0 below
    return torch.where(x >= 0, x, -x)


def sigmoid(x: torch.Tensor) -> torch.Tensor:
    """1 / (1 + e^-x), computed as e^x / (1 + e^x) for x < 0 so that e^-x never overflows."""
    x = _check_float(x)
    e = torch.exp(-_abs(x))  # in (0, 1]: never overflows
    return torch.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_derivative(x: torch.Tensor) -> torch.Tensor:
    """sigmoid'(x) = s (1 - s): at most 1/4 (at x = 0), and it vanishes for large |x|."""
    s = sigmoid(x)
    return s * (1.0 - s)


def tanh(x: torch.Tensor) -> torch.Tensor:
    """(e^x - e^-x) / (e^x + e^-x), rewritten with e^(-2|x|) so it never computes inf / inf."""
    x = _check_float(x)
    a = _abs(x)
    t = -torch.expm1(-2.0 * a) / (1.0 + torch.exp(-2.0 * a))  # tanh(|x|), from e^(-2|x|) in (0, 1]
    return torch.where(x >= 0, t, -t)


def tanh_derivative(x: torch.Tensor) -> torch.Tensor:
    """tanh'(x) = 1 - tanh(x)^2: 1 at x = 0, vanishing for large |x|."""
    t = tanh(x)
    return 1.0 - t * t


def relu(x: torch.Tensor) -> torch.Tensor:
    """max(0, x): no parameters, one comparison per element."""
    x = _check_float(x)
    return torch.where(x > 0, x, torch.zeros_like(x))


def relu_derivative(x: torch.Tensor) -> torch.Tensor:
    """1 for x > 0, else 0 (PyTorch also uses 0 at x = 0, where ReLU has no derivative)."""
    x = _check_float(x)
    return (x > 0).to(x.dtype)


# --- GELU and SiLU (the activations of today's large models) ----------------------------------


def standard_normal_cdf(x: torch.Tensor) -> torch.Tensor:
    """Phi(x) = (1 + erf(x / sqrt 2)) / 2, the probability that a standard normal is below x."""
    x = _check_float(x)
    return 0.5 * (1.0 + torch.erf(x / math.sqrt(2.0)))


def standard_normal_pdf(x: torch.Tensor) -> torch.Tensor:
    """phi(x) = exp(-x^2 / 2) / sqrt(2 pi), the derivative of Phi."""
    x = _check_float(x)
    return torch.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)


def gelu(x: torch.Tensor) -> torch.Tensor:
    """GELU(x) = x Phi(x), the exact (erf) form: BERT's and GPT-2's activation."""
    return x * standard_normal_cdf(x)


def gelu_derivative(x: torch.Tensor) -> torch.Tensor:
    """GELU'(x) = Phi(x) + x phi(x): slightly negative for x < 0 near -0.75, tends to 0 and 1."""
    return standard_normal_cdf(x) + x * standard_normal_pdf(x)


def _gelu_tanh_inner(x: torch.Tensor) -> torch.Tensor:
    # clamp |x| before cubing: beyond 1e4, tanh of the inner term is exactly +-1 anyway
    xc = x.clamp(-1e4, 1e4)
    return _SQRT_2_OVER_PI * (xc + _GELU_TANH_COEF * xc**3)


def gelu_tanh(x: torch.Tensor) -> torch.Tensor:
    """The tanh approximation x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), GPT-2's original code."""
    x = _check_float(x)
    return 0.5 * x * (1.0 + tanh(_gelu_tanh_inner(x)))


def gelu_tanh_derivative(x: torch.Tensor) -> torch.Tensor:
    """d/dx of gelu_tanh: (1 + t)/2 + x/2 (1 - t^2) sqrt(2/pi) (1 + 3 * 0.044715 x^2), t = tanh(inner)."""
    x = _check_float(x)
    t = tanh(_gelu_tanh_inner(x))
    xc = x.clamp(-1e4, 1e4)
    return 0.5 * (1.0 + t) + 0.5 * xc * (1.0 - t * t) * _SQRT_2_OVER_PI * (1.0 + 3.0 * _GELU_TANH_COEF * xc * xc)


def silu(x: torch.Tensor) -> torch.Tensor:
    """SiLU(x) = x sigmoid(x) (also called swish): the activation inside Llama's SwiGLU MLP."""
    return x * sigmoid(x)


def silu_derivative(x: torch.Tensor) -> torch.Tensor:
    """SiLU'(x) = s (1 + x (1 - s)) with s = sigmoid(x)."""
    s = sigmoid(x)
    return s * (1.0 + x * (1.0 - s))


# --- softmax and log-softmax ---------------------------------------------------------------------


def logsumexp(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """log sum_j e^(x_j) = m + log sum_j e^(x_j - m) with m = max_j x_j: no overflow, no log(0)."""
    x = _check_float(x)
    _check_dim(x, dim)
    m = x.amax(dim=dim, keepdim=True)
    m = torch.where(torch.isfinite(m), m, torch.zeros_like(m))  # a row of -inf stays -inf, not nan
    return (m + torch.log(torch.exp(x - m).sum(dim=dim, keepdim=True))).squeeze(dim)


def softmax(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """e^(x_i) / sum_j e^(x_j), computed after subtracting the max (same value, no overflow)."""
    x = _check_float(x)
    _check_dim(x, dim)
    e = torch.exp(x - x.amax(dim=dim, keepdim=True))  # the largest term is e^0 = 1, so the sum >= 1
    return e / e.sum(dim=dim, keepdim=True)


def log_softmax(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """(x_i - m) - log sum_j e^(x_j - m) = x_i - logsumexp(x): the log of softmax, never log(0)."""
    x = _check_float(x)
    _check_dim(x, dim)
    shifted = x - x.amax(dim=dim, keepdim=True)  # subtract first: x - m is exact, x - (m + ...) rounds at |m|
    return shifted - torch.log(torch.exp(shifted).sum(dim=dim, keepdim=True))


def softmax_jacobian(x: torch.Tensor) -> torch.Tensor:
    """Jacobian of softmax over the last dim: diag(s) - s s^T, shape (..., n, n) for x of shape (..., n)."""
    x = _check_float(x)
    if x.ndim < 1 or x.shape[-1] < 1:
        raise ValueError(f"x must have at least one dimension of size >= 1, got shape {tuple(x.shape)}")
    s = softmax(x, dim=-1)
    return torch.diag_embed(s) - s.unsqueeze(-1) * s.unsqueeze(-2)


# --- a registry, the widget's curves, and the deep-stack gradient experiment ----------------------

ACTIVATIONS: dict[str, tuple[Callable[[torch.Tensor], torch.Tensor], Callable[[torch.Tensor], torch.Tensor]]] = {
    "sigmoid": (sigmoid, sigmoid_derivative),
    "tanh": (tanh, tanh_derivative),
    "relu": (relu, relu_derivative),
    "gelu": (gelu, gelu_derivative),
    "gelu_tanh": (gelu_tanh, gelu_tanh_derivative),
    "silu": (silu, silu_derivative),
}


class Curves(NamedTuple):
    """Sampled curves: the inputs ``x`` and, per activation name, its values and derivatives."""

    x: torch.Tensor
    values: dict[str, torch.Tensor]
    derivatives: dict[str, torch.Tensor]


def activation_curves(names: Sequence[str], x_min: float = -5.0, x_max: float = 5.0, n: int = 401) -> Curves:
    """Values and derivatives of the named activations on ``n`` points of [x_min, x_max] (for plots)."""
    if isinstance(names, str) or not isinstance(names, Sequence) or not names:
        raise ValueError(f"names must be a non-empty list of activation names, got {names!r}")
    unknown = [name for name in names if name not in ACTIVATIONS]
    if unknown:
        raise ValueError(f"names must be among {sorted(ACTIVATIONS)}, got unknown {unknown}")
    if not float(x_min) < float(x_max):
        raise ValueError(f"x_min must be less than x_max, got {x_min!r} and {x_max!r}")
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        raise ValueError(f"n must be an int of at least 2, got {n!r}")
    x = torch.linspace(float(x_min), float(x_max), n, dtype=torch.float64)
    values = {name: ACTIVATIONS[name][0](x) for name in names}
    derivatives = {name: ACTIVATIONS[name][1](x) for name in names}
    return Curves(x, values, derivatives)


# The one table of activation layers by name that every model builder in lib uses.
ACTIVATION_MODULES: dict[str, type[nn.Module]] = {
    "sigmoid": nn.Sigmoid,
    "tanh": nn.Tanh,
    "relu": nn.ReLU,
    "gelu": nn.GELU,
    "silu": nn.SiLU,
    "linear": nn.Identity,
}


def layer_gradient_norms(
    activation: str,
    depth: int = 20,
    width: int = 128,
    init: str = "kaiming",
    n_samples: int = 256,
    seed: int = 0,
    device: torch.device | str = "cpu",
) -> torch.Tensor:
    """Norm of the loss gradient at each layer's weights (first layer first) of a deep, untrained MLP.

    ``depth`` Linear layers of ``width`` with ``activation`` after each, on synthetic Gaussian
    inputs; loss = mean of the squared outputs (any loss would do: we only follow the gradient
    back). ``init`` is "kaiming" (std sqrt(2/fan_in)) or "xavier" (std sqrt(1/fan_in) for square
    layers); biases start at 0.
    """
    if activation not in ACTIVATION_MODULES:
        raise ValueError(f"activation must be one of {sorted(ACTIVATION_MODULES)}, got {activation!r}")
    for name, value, low in (("depth", depth, 1), ("width", width, 1), ("n_samples", n_samples, 1)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    if init not in ("kaiming", "xavier"):
        raise ValueError(f"init must be 'kaiming' or 'xavier', got {init!r}")
    generator = torch.Generator().manual_seed(seed)
    layers = []
    for _ in range(depth):
        linear = nn.Linear(width, width)
        gain = 2.0 if init == "kaiming" else 1.0
        with torch.no_grad():
            linear.weight.copy_(torch.randn(width, width, generator=generator) * math.sqrt(gain / width))
            linear.bias.zero_()
        layers += [linear, ACTIVATION_MODULES[activation]()]
    model = nn.Sequential(*layers).to(device=device, dtype=torch.float64)
    x = torch.randn(n_samples, width, generator=generator, dtype=torch.float64).to(device)
    loss = model(x).pow(2).mean()
    loss.backward()
    linears = [m for m in model if isinstance(m, nn.Linear)]
    return torch.stack([m.weight.grad.norm() for m in linears]).cpu()
