"""Computations behind chapter 02's exercises: expected values from lib and PyTorch, computed independently."""

from __future__ import annotations

import math
from typing import Any

import torch
from torch import nn
from torch.nn import functional as F

from lib.core.seeding import local_generator, seeded
from lib.lessons.lesson_2_5_surfaces import quadratic
from lib.models.gpt import GPT2_SMALL, gpt_on_meta
from lib.models.mlp import MLP
from lib.scale.parameters import parameter_count
from lib.scratch.initialization import layer_statistics

F64 = torch.float64


def _autograd_grad(function: Any, x: torch.Tensor, *args: Any) -> torch.Tensor:
    x = x.detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(function(x, *args).sum(), x)
    return grad


def _log_softmax_by_hand(z: torch.Tensor) -> torch.Tensor:
    return z - z.max() - torch.log(torch.exp(z - z.max()).sum())


def _xs() -> torch.Tensor:
    return torch.linspace(-3, 3, 61)


def _top_probability_at(tau: float) -> float:
    return F.softmax(torch.tensor([2.0, 1.0, 0.1], dtype=F64) / tau, dim=0).max().item()


def _temperature_direction() -> str:
    low, high = _top_probability_at(0.5), _top_probability_at(1.0)
    return "the same" if math.isclose(low, high) else ("higher" if low > high else "lower")


def _scores() -> torch.Tensor:
    return torch.tensor([1000.0, 0.0, -1000.0])


def _batch() -> tuple[torch.Tensor, torch.Tensor]:
    return torch.tensor([[1.0, -1.0, 0.5], [0.0, 2.0, -2.0]], dtype=F64), torch.tensor([2, 1])


def _ce_grad_by_hand(divide: bool) -> torch.Tensor:
    logits, classes = _batch()
    return (torch.softmax(logits, dim=1) - F.one_hot(classes, 3).double()) / (2 if divide else 1)


def _larger_gradient_when_confidently_wrong() -> str:
    z = torch.logit(torch.tensor([0.001], dtype=F64))
    one = torch.ones(1, dtype=F64)
    mse = _autograd_grad(lambda v: F.mse_loss(torch.sigmoid(v), one), z).abs().item()
    ce = _autograd_grad(lambda v: F.binary_cross_entropy_with_logits(v, one), z).abs().item()
    return "mse" if mse > ce else "cross-entropy"


def _tanh_grad(factor: float) -> float:
    a = math.tanh(0.8 * 1.5 - 0.3)
    return factor * (a - 1.0) * (1 - a**2) * 1.5


def _regression() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    generator = local_generator(2)
    return tuple(torch.randn(*shape, generator=generator, dtype=F64) for shape in ((20, 5), (5, 3), (20, 3)))


def _regression_by_hand(factor: float) -> torch.Tensor:
    X, W, Y = _regression()
    return factor * X.T @ (X @ W - Y) / X.shape[0]


def _regression_autograd() -> torch.Tensor:
    X, W, Y = _regression()
    return _autograd_grad(lambda w: ((X @ w - Y) ** 2).sum() / 20, W)


def _accumulation_factor() -> float:
    x = torch.tensor(1.5, dtype=F64, requires_grad=True)
    y = torch.sigmoid(x * x)
    y.backward(retain_graph=True)
    first = x.grad.item()
    y.backward()
    return x.grad.item() / first


def _backward_flops() -> int:
    from torch.utils.flop_counter import FlopCounterMode

    with seeded(0):
        layer = nn.Linear(100, 50, bias=False)
    x = torch.randn(32, 100, generator=local_generator(0), requires_grad=True)
    out = layer(x)
    with FlopCounterMode(display=False) as counter:
        out.sum().backward()
    return counter.get_total_flops()


def _he_std() -> float:
    weight = torch.empty(3072, 768)
    fan_in = nn.init._calculate_correct_fan(weight, "fan_in")
    return nn.init.calculate_gain("relu") / math.sqrt(fan_in)


def _tanh_gradient_growth(width: int) -> float:
    stats = layer_statistics("large", "tanh", depth=20, width=width)
    return (stats.backward_std[0] / stats.backward_std[-1]).item() ** (1 / 19)


def _wider_tanh_direction() -> str:
    narrow, wide = _tanh_gradient_growth(128), _tanh_gradient_growth(512)
    return "the same" if math.isclose(narrow, wide, rel_tol=0.02) else ("larger" if wide > narrow else "smaller")


def _batch_norm_case() -> tuple[torch.Tensor, ...]:
    x = torch.randn(6, 3, generator=local_generator(7)) * 2 + 1
    mean, var = torch.tensor([0.5, -1.0, 2.0]), torch.tensor([4.0, 0.25, 1.5])
    return x, mean, var, torch.tensor([1.2, 0.8, 2.0]), torch.tensor([0.1, -0.3, 0.0])


def _batch_norm_module() -> torch.Tensor:
    x, mean, var, gamma, beta = _batch_norm_case()
    layer = nn.BatchNorm1d(3).eval()
    with torch.no_grad():
        layer.running_mean.copy_(mean)
        layer.running_var.copy_(var)
        layer.weight.copy_(gamma)
        layer.bias.copy_(beta)
        return layer(x)


def _batch_norm_by_hand(running: bool) -> torch.Tensor:
    x, mean, var, gamma, beta = _batch_norm_case()
    if not running:
        mean, var = x.mean(0), x.var(0, correction=0)
    return gamma * (x - mean) / torch.sqrt(var + 1e-5) + beta


def _layer_norm_parameters() -> int:
    model = gpt_on_meta(GPT2_SMALL)
    return sum(p.numel() for m in model.modules() if isinstance(m, nn.LayerNorm) for p in m.parameters())


def _adam_first_step() -> float:
    w = torch.zeros(1, dtype=F64, requires_grad=True)
    w.grad = torch.tensor([0.003], dtype=F64)
    torch.optim.Adam([w], lr=0.01).step()
    return abs(w.item())


def _adam_step_scale_factor() -> float:
    steps = []
    for scale in (1.0, 1000.0):
        w = torch.zeros(2, dtype=F64, requires_grad=True)
        w.grad = scale * torch.tensor([0.003, -0.5], dtype=F64)
        torch.optim.Adam([w], lr=0.01).step()
        steps.append(w.detach().abs())
    return (steps[1] / steps[0]).mean().item()


def _max_stable_lr() -> float:
    hessian = torch.autograd.functional.hessian(lambda p: quadratic(p, condition=100.0), torch.zeros(2, dtype=F64))
    return 2 / torch.linalg.eigvalsh(hessian).max().item()


def _adamw_torch() -> torch.Tensor:
    p = torch.tensor([1.0, -2.0], dtype=F64, requires_grad=True)
    p.grad = torch.tensor([0.5, 0.1], dtype=F64)
    torch.optim.AdamW([p], lr=0.1, weight_decay=0.5).step()
    return p.detach()


def _adamw_by_hand(decoupled: bool) -> torch.Tensor:
    theta, g = torch.tensor([1.0, -2.0], dtype=F64), torch.tensor([0.5, 0.1], dtype=F64)
    if decoupled:
        theta = theta - 0.1 * 0.5 * theta
    else:
        g = g + 0.5 * theta  # L2 in the gradient: Adam, not AdamW
    m, v = (1 - 0.9) * g, (1 - 0.999) * g**2
    return theta - 0.1 * (m / (1 - 0.9)) / ((v / (1 - 0.999)).sqrt() + 1e-8)


def _predictions() -> tuple[torch.Tensor, torch.Tensor]:
    return torch.tensor([0.9, 0.2, 0.6], dtype=F64), torch.tensor([1.0, 0.0, 0.0], dtype=F64)


def _bce_by_hand(y: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    return -(labels * torch.log(y) + (1 - labels) * torch.log(1 - y)).mean()


def _network_inputs() -> dict[str, Any]:
    generator = local_generator(0)
    shapes = ((16, 10), (16,), (16, 16), (16,), (1, 16), (1,))
    params = [torch.randn(*shape, generator=generator, dtype=F64) * 0.5 for shape in shapes]
    X = torch.randn(80, 10, generator=generator, dtype=F64)
    return {"params": params, "X": X, "y": (torch.rand(80, generator=generator, dtype=F64) < 0.5).to(F64)}


def _output_bias_autograd(params: list[torch.Tensor], X: torch.Tensor, y: torch.Tensor) -> float:
    W1, b1, W2, b2, W3, b3 = (p.detach() for p in params)
    b3 = b3.clone().requires_grad_(True)
    hidden = F.relu(F.linear(F.relu(F.linear(X, W1, b1)), W2, b2))
    loss = F.binary_cross_entropy_with_logits(F.linear(hidden, W3, b3).squeeze(1), y)
    return torch.autograd.grad(loss, b3)[0].item()


def _output_bias_by_hand(params: list[torch.Tensor], X: torch.Tensor, y: torch.Tensor, m: int) -> float:
    W1, b1, W2, b2, W3, b3 = params
    hidden = (((X @ W1.T + b1).clamp(min=0)) @ W2.T + b2).clamp(min=0)
    prediction = torch.sigmoid((hidden @ W3.T + b3).squeeze(1))
    return ((prediction - y) / m).sum().item()


def _first_perfect_step(params: list[torch.Tensor], X: torch.Tensor, y: torch.Tensor, lr: float) -> int:
    """Full-batch torch.optim.Adam from ``params`` (W1, b1, W2, b2, W3, b3): first step with 100% training accuracy."""
    weights = [p.detach().clone().requires_grad_(True) for p in params]
    optimizer = torch.optim.Adam(weights, lr=lr)
    for step in range(300):
        W1, b1, W2, b2, W3, b3 = weights
        logits = F.linear(F.relu(F.linear(F.relu(F.linear(X, W1, b1)), W2, b2)), W3, b3).squeeze(1)
        if ((logits > 0).to(y.dtype) == y).all():
            return step
        optimizer.zero_grad()
        F.binary_cross_entropy_with_logits(logits, y).backward()
        optimizer.step()
    return 300


def _larger_lr_direction(params: list[torch.Tensor], X: torch.Tensor, y: torch.Tensor) -> str:
    base, fast = _first_perfect_step(params, X, y, 0.005), _first_perfect_step(params, X, y, 0.05)
    return "the same" if base == fast else ("sooner" if fast < base else "later")


def _count_on_meta(sizes: tuple[int, ...]) -> int:
    with torch.device("meta"):
        return parameter_count(MLP(sizes))
