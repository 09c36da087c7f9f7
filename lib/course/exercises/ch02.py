"""The exercises of chapter 02 (the mathematics): expected values computed with PyTorch's autograd and modules."""

from __future__ import annotations

import math
from typing import Any

import torch
from torch import nn
from torch.nn import functional as F

from lib.core.seeding import local_generator, seeded
from lib.course.exercises.base import Exercise
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


EXERCISES: tuple[Exercise, ...] = (
    # 2.1 Activations
    Exercise(
        "2.1.sigmoid-slope",
        "sigmoid'(2)",
        "close",
        expected=lambda: _autograd_grad(torch.sigmoid, torch.tensor(2.0, dtype=F64)).item(),
        reference=lambda: (1 / (1 + math.exp(-2))) * (1 - 1 / (1 + math.exp(-2))),
        wrong=lambda: 1 / (1 + math.exp(-2)),
        hint="compute sigmoid(2) first, then put it into the derivative",
    ),
    Exercise(
        "2.1.log-softmax",
        "log-softmax of (1000, 0, -1000)",
        "tensor",
        expected=lambda: torch.log_softmax(_scores(), dim=-1),
        reference=lambda: _log_softmax_by_hand(_scores()),
        wrong=lambda: torch.log(torch.exp(_scores()) / torch.exp(_scores()).sum()),
        hint="exp(1000) overflows: shift the scores so that the largest is 0, which changes nothing in the result",
    ),
    Exercise(
        "2.1.leaky-relu-slope",
        "leaky ReLU derivative",
        "tensor",
        expected=lambda: _autograd_grad(lambda v: F.leaky_relu(v, 0.01), _xs()),
        reference=lambda: torch.where(_xs() > 0, torch.ones_like(_xs()), torch.full_like(_xs(), 0.01)),
        wrong=lambda: (_xs() > 0).float(),
        hint="the function is a straight line on each side of 0: read each slope off the definition",
    ),
    Exercise(
        "2.1.temperature",
        "largest probability at tau = 0.5 vs tau = 1",
        "equal",
        expected=_temperature_direction,
        reference=lambda: "higher",
        wrong=lambda: "lower",
        hint="dividing by tau < 1 stretches the gaps between logits; does softmax reward or flatten a bigger gap?",
    ),
    # 2.2 Losses
    Exercise(
        "2.2.bce-grad",
        "d BCE / dz at z = 2, y = 0",
        "close",
        expected=lambda: _autograd_grad(
            F.binary_cross_entropy_with_logits, torch.tensor(2.0, dtype=F64), torch.tensor(0.0, dtype=F64)
        ).item(),
        reference=lambda: 1 / (1 + math.exp(-2)) - 0,
        wrong=lambda: 1 / (1 + math.exp(-2)) - 1,
        hint="write the loss as a function of z for this label and differentiate; the result is strikingly simple",
    ),
    Exercise(
        "2.2.cross-entropy",
        "cross-entropy of (2, 1, 0), class 0",
        "close",
        expected=lambda: F.cross_entropy(torch.tensor([[2.0, 1.0, 0.0]], dtype=F64), torch.tensor([0])).item(),
        reference=lambda: -2 + math.log(math.exp(2) + math.exp(1) + math.exp(0)),
        wrong=lambda: -sum(p * math.log(p) for p in F.softmax(torch.tensor([2.0, 1.0, 0.0], dtype=F64), 0).tolist()),
        hint="z_y is the logit of the true class; the sum runs over all three classes",
    ),
    Exercise(
        "2.2.ce-grad-batch",
        "gradient of the mean cross-entropy",
        "tensor",
        expected=lambda: _autograd_grad(F.cross_entropy, *_batch()),
        reference=lambda: _ce_grad_by_hand(divide=True),
        wrong=lambda: _ce_grad_by_hand(divide=False),
        hint="one row per sample, and mind the mean over the batch",
    ),
    Exercise(
        "2.2.confident-wrong",
        "which loss pushes harder on a confidently wrong logit",
        "equal",
        expected=_larger_gradient_when_confidently_wrong,
        reference=lambda: "cross-entropy",
        wrong=lambda: "mse",
        hint="MSE on p passes through sigmoid'(z) = p(1 - p); what is that factor when p is near 0?",
    ),
    # 2.3 Backpropagation
    Exercise(
        "2.3.tanh-grad",
        "dℒ/dw with tanh",
        "close",
        rel=1e-9,
        expected=lambda: _autograd_grad(
            lambda w: (torch.tanh(w * 1.5 - 0.3) - 1.0) ** 2, torch.tensor(0.8, dtype=F64)
        ).item(),
        reference=lambda: _tanh_grad(2.0),
        wrong=lambda: _tanh_grad(1.0),
        hint="multiply the local derivatives of the square, of tanh and of wx + b, from the loss back to w",
    ),
    Exercise(
        "2.3.regression-grad",
        "dℒ/dW for linear regression",
        "tensor",
        atol=1e-10,
        expected=_regression_autograd,
        reference=lambda: _regression_by_hand(2.0),
        wrong=lambda: _regression_by_hand(1.0),
        hint="the gradient has W's shape (5, 3); keep the constant the square brings down, and the mean",
    ),
    Exercise(
        "2.3.backward-flops",
        "backward FLOPs of a 100 -> 50 layer, batch 32",
        "equal",
        expected=_backward_flops,
        reference=lambda: 2 * (2 * 32 * 100 * 50),
        wrong=lambda: 2 * 32 * 100 * 50,
        hint="backward computes a gradient for the input and one for the weight; count each matrix product",
    ),
    Exercise(
        "2.3.grad-accumulates",
        "x.grad after two backward calls, relative to one",
        "close",
        rel=1e-9,
        expected=_accumulation_factor,
        reference=lambda: 2,
        wrong=lambda: 1,
        hint="look at what Value's _backward functions do with .grad: assign, or add?",
    ),
    # 2.4 Initialization and normalization
    Exercise(
        "2.4.he-std",
        "He std for a 768 -> 3072 layer",
        "close",
        rel=1e-9,
        expected=_he_std,
        reference=lambda: math.sqrt(2 / 768),
        wrong=lambda: math.sqrt(2 / 3072),
        hint="He initialization scales with the number of inputs each neuron sums over",
    ),
    Exercise(
        "2.4.batchnorm-eval",
        "batch norm in eval mode",
        "tensor",
        expected=_batch_norm_module,
        reference=lambda: _batch_norm_by_hand(running=True),
        wrong=lambda: _batch_norm_by_hand(running=False),
        hint="eval mode uses the running statistics, not the batch's",
    ),
    Exercise(
        "2.4.layernorm-params",
        "LayerNorm parameters in GPT-2 small",
        "equal",
        expected=_layer_norm_parameters,
        reference=lambda: (2 * 12 + 1) * 2 * 768,
        wrong=lambda: 2 * 12 * 2 * 768,
        hint="count the LayerNorms in one block, and look for one more after the last block",
    ),
    Exercise(
        "2.4.wider-tanh",
        "gradient growth per layer of a 4x wider saturated tanh network",
        "equal",
        expected=_wider_tanh_direction,
        reference=lambda: "larger",
        wrong=lambda: "the same",
        hint="the growth is the weights' share times the rms of tanh'; which of the two changes more with width?",
    ),
    # 2.5 Optimizers
    Exercise(
        "2.5.adam-first-step",
        "Adam's first step",
        "close",
        rel=1e-9,
        expected=_adam_first_step,
        reference=lambda: 0.01 * 0.003 / (abs(0.003) + 1e-8),
        wrong=lambda: 0.01 * (1 - 0.9) * 0.003 / ((1 - 0.9) * (1 - 0.999)),
        hint="at the first step, what do the bias-corrected moments equal?",
    ),
    Exercise(
        "2.5.max-lr",
        "largest stable learning rate",
        "close",
        expected=_max_stable_lr,
        reference=lambda: 2 / 100,
        wrong=lambda: 1 / 100,
        hint="write what one step does to y; it diverges when that factor's size exceeds 1",
    ),
    Exercise(
        "2.5.adamw-step",
        "AdamW step",
        "tensor",
        atol=1e-12,
        expected=_adamw_torch,
        reference=lambda: _adamw_by_hand(decoupled=True),
        wrong=lambda: _adamw_by_hand(decoupled=False),
        hint="AdamW decays the parameters directly, apart from the Adam step; the gradient stays as it is",
    ),
    Exercise(
        "2.5.gradient-scale",
        "Adam's first step with gradients x1000, relative to x1",
        "close",
        rel=1e-4,
        expected=_adam_step_scale_factor,
        reference=lambda: 1.0,
        wrong=lambda: 1000.0,
        hint="in Adam's step, the gradient appears in the numerator (through m) and in the denominator (through v)",
    ),
    # 2.6 A worked example
    Exercise(
        "2.6.bce-logit-grad",
        "dℒ/dz",
        "close",
        rel=1e-9,
        expected=lambda: _autograd_grad(
            F.binary_cross_entropy_with_logits, torch.tensor([0.3], dtype=F64), torch.ones(1, dtype=F64)
        ).item(),
        reference=lambda: 1 / (1 + math.exp(-0.3)) - 1,
        wrong=lambda: 1 / (1 + math.exp(-0.3)),
        hint="this lesson derived the gradient at the logit in one short expression",
    ),
    Exercise(
        "2.6.bce-mean",
        "binary cross-entropy",
        "close",
        rel=1e-9,
        expected=lambda: F.binary_cross_entropy(*_predictions()).item(),
        reference=lambda: _bce_by_hand(*_predictions()),
        wrong=lambda: -(_predictions()[0] * torch.log(_predictions()[0])).mean(),
        hint="a label of 0 scores the probability of the other class",
    ),
    Exercise(
        "2.6.output-bias-grad",
        "dℒ/db3",
        "close",
        inputs=("params", "X", "y"),
        example_inputs=_network_inputs,
        expected=_output_bias_autograd,
        reference=lambda params, X, y: _output_bias_by_hand(params, X, y, m=len(X)),
        wrong=lambda params, X, y: _output_bias_by_hand(params, X, y, m=1),
        hint="the bias adds to every sample's logit, so its gradient gathers the output error of every sample",
    ),
    Exercise(
        "2.6.larger-lr",
        "100% training accuracy with a 10x learning rate: sooner or later?",
        "equal",
        inputs=("params", "X", "y"),
        example_inputs=_network_inputs,
        expected=_larger_lr_direction,
        reference=lambda params, X, y: _larger_lr_direction(params, X, y),
        wrong=lambda params, X, y: {"sooner": "later", "later": "sooner"}.get(
            _larger_lr_direction(params, X, y), "sooner"
        ),
        hint="Adam moves each parameter by about the learning rate per step; how far must the weights travel?",
    ),
    Exercise(
        "2.6.params-10-32-32-1",
        "parameters of 10-32-32-1",
        "equal",
        expected=lambda: _count_on_meta((10, 32, 32, 1)),
        reference=lambda: (10 + 1) * 32 + (32 + 1) * 32 + (32 + 1) * 1,
        wrong=lambda: 10 * 32 + 32 * 32 + 32 * 1,
        hint="count the weights and the biases of each layer",
    ),
)
