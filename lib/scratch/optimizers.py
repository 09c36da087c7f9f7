"""Teaching optimizers (优化器): SGD, momentum, RMSProp, Adam and AdamW in plain, readable tensor code.

Each class is a ``torch.optim.Optimizer`` whose ``update`` method is the textbook rule, written
out line by line. Lesson 2.5 and the tests check that every one matches ``torch.optim`` step
for step, so the course can train with them and learners can read exactly what a step does.
``ArticleAdam`` is the source article's wrong Adam formula, kept only to show what goes wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import torch

Params = Iterable[torch.Tensor] | Iterable[dict[str, Any]]
OPTIMIZER_NAMES = ("sgd", "momentum", "rmsprop", "adam", "adamw", "article_adam")


def _check_number(name: str, value: Any, low: float, high: float | None = None, low_open: bool = False) -> None:
    """Raise ValueError naming ``name`` unless ``value`` is a real number in the stated range."""
    is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
    too_low = is_number and (value <= low if low_open else value < low)
    too_high = is_number and high is not None and value >= high
    if not is_number or too_low or too_high or value != value:
        bracket = "(" if low_open else "["
        upper = f"{high})" if high is not None else "inf)"
        raise ValueError(f"{name} must be a number in {bracket}{low}, {upper}, got {value!r}")


def _check_betas(betas: Any) -> tuple[float, float]:
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}")
    _check_number("betas[0]", betas[0], 0.0, 1.0)
    _check_number("betas[1]", betas[1], 0.0, 1.0)
    return float(betas[0]), float(betas[1])


class TeachingOptimizer(torch.optim.Optimizer):
    """Base class: ``step`` visits every parameter that has a gradient and applies ``update``.

    Subclasses only write ``update(param, grad, state, group)``, the rule for one tensor.
    ``state["step"]`` is the step count t (1 on the first step), as in the formulas.
    """

    @torch.no_grad()
    def step(self, closure: Callable[[], torch.Tensor] | None = None) -> torch.Tensor | None:
        """Update every parameter once; ``closure`` (optional) recomputes and returns the loss."""
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for param in group["params"]:
                if param.grad is None:
                    continue
                state = self.state[param]
                state["step"] = state.get("step", 0) + 1
                self.update(param, param.grad, state, group)
        return loss

    def update(self, param: torch.Tensor, grad: torch.Tensor, state: dict[str, Any], group: dict[str, Any]) -> None:
        """Change ``param`` in place, given its gradient, its state and its group's hyperparameters."""
        raise NotImplementedError("a TeachingOptimizer subclass must define update()")


class SGD(TeachingOptimizer):
    """Gradient descent θ ← θ − α·g; with ``momentum`` μ > 0, heavy ball: v ← μ·v + g, θ ← θ − α·v.

    Whether it is batch, stochastic or mini-batch gradient descent depends only on which
    samples the loss (and so g) averaged over; the update rule is the same.
    """

    def __init__(self, params: Params, lr: float, momentum: float = 0.0, weight_decay: float = 0.0) -> None:
        _check_number("lr", lr, 0.0, low_open=True)
        _check_number("momentum", momentum, 0.0, 1.0)
        _check_number("weight_decay", weight_decay, 0.0)
        super().__init__(params, dict(lr=lr, momentum=momentum, weight_decay=weight_decay))

    def update(self, param, grad, state, group):
        lr, mu, wd = group["lr"], group["momentum"], group["weight_decay"]
        if wd:
            grad = grad + wd * param  # L2 penalty (wd/2)·θ² added to the loss
        if mu:
            velocity = state["velocity"] if "velocity" in state else torch.zeros_like(param)
            velocity = mu * velocity + grad  # a running sum of past gradients, decaying by μ
            state["velocity"] = velocity
            grad = velocity
        param.sub_(lr * grad)


class RMSprop(TeachingOptimizer):
    """RMSProp: v ← α·v + (1−α)·g², θ ← θ − lr·g / (√v + ε): each coordinate scaled by its recent |g|."""

    def __init__(
        self, params: Params, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8, weight_decay: float = 0.0
    ) -> None:
        _check_number("lr", lr, 0.0, low_open=True)
        _check_number("alpha", alpha, 0.0, 1.0)
        _check_number("eps", eps, 0.0)
        _check_number("weight_decay", weight_decay, 0.0)
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay))

    def update(self, param, grad, state, group):
        lr, alpha, eps, wd = group["lr"], group["alpha"], group["eps"], group["weight_decay"]
        if wd:
            grad = grad + wd * param
        v = state["v"] if "v" in state else torch.zeros_like(param)
        v = alpha * v + (1 - alpha) * grad**2  # running mean of the squared gradient
        state["v"] = v
        param.sub_(lr * grad / (v.sqrt() + eps))


class Adam(TeachingOptimizer):
    """Adam = momentum (m, first moment) + RMSProp (v, second moment), both bias-corrected.

    m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ), θ ← θ − α·m̂/(√v̂ + ε).
    ``weight_decay`` here is an L2 penalty added to g (as in torch.optim.Adam); see AdamW.
    """

    def __init__(
        self,
        params: Params,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        _check_number("lr", lr, 0.0, low_open=True)
        betas = _check_betas(betas)
        _check_number("eps", eps, 0.0)
        _check_number("weight_decay", weight_decay, 0.0)
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay))

    def decay(self, param: torch.Tensor, grad: torch.Tensor, group: dict[str, Any]) -> torch.Tensor:
        """Adam's weight decay: add wd·θ to the gradient (so it is rescaled by √v̂ like the rest)."""
        return grad + group["weight_decay"] * param if group["weight_decay"] else grad

    def update(self, param, grad, state, group):
        lr, (beta1, beta2), eps, t = group["lr"], group["betas"], group["eps"], state["step"]
        grad = self.decay(param, grad, group)
        m = state["m"] if "m" in state else torch.zeros_like(param)
        v = state["v"] if "v" in state else torch.zeros_like(param)
        m = beta1 * m + (1 - beta1) * grad  # first moment: momentum
        v = beta2 * v + (1 - beta2) * grad**2  # second moment: RMSProp
        state["m"], state["v"] = m, v
        m_hat = m / (1 - beta1**t)  # bias correction: m and v start at 0
        v_hat = v / (1 - beta2**t)
        param.sub_(lr * m_hat / (v_hat.sqrt() + eps))


class AdamW(Adam):
    """AdamW: Adam plus *decoupled* weight decay θ ← θ − α·λ·θ, applied to θ directly, not through g."""

    def __init__(
        self,
        params: Params,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
    ) -> None:
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)

    def decay(self, param, grad, group):
        """Shrink θ by the factor (1 − α·λ) before the Adam step; the gradient is left alone."""
        param.mul_(1 - group["lr"] * group["weight_decay"])
        return grad


class ArticleAdam(TeachingOptimizer):
    """The source article's formula θ ← θ − α·m/((1−β₁ᵗ)(1−β₂ᵗ)): WRONG, kept to show its effect.

    It drops v and ε (so the step grows with the gradient's scale) and divides m by a product
    that is tiny early on (1e-4 at t = 1 with the usual betas), so the first steps are huge.
    """

    def __init__(self, params: Params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999)) -> None:
        _check_number("lr", lr, 0.0, low_open=True)
        betas = _check_betas(betas)
        super().__init__(params, dict(lr=lr, betas=betas))

    def update(self, param, grad, state, group):
        lr, (beta1, beta2), t = group["lr"], group["betas"], state["step"]
        m = state["m"] if "m" in state else torch.zeros_like(param)
        m = beta1 * m + (1 - beta1) * grad
        state["m"] = m
        param.sub_(lr * m / ((1 - beta1**t) * (1 - beta2**t)))


def make_optimizer(name: str, params: Params, lr: float, **hyper: Any) -> torch.optim.Optimizer:
    """Build a teaching optimizer by name: sgd, momentum, rmsprop, adam, adamw or article_adam.

    ``momentum`` is SGD with momentum (default μ = 0.9); extra keywords go to the class.
    """
    builders: dict[str, Callable[..., torch.optim.Optimizer]] = {
        "sgd": SGD,
        "momentum": lambda p, lr, **kw: SGD(p, lr, **{"momentum": 0.9, **kw}),
        "rmsprop": RMSprop,
        "adam": Adam,
        "adamw": AdamW,
        "article_adam": ArticleAdam,
    }
    if name not in builders:  # the same names as OPTIMIZER_NAMES
        raise ValueError(f"name must be one of {sorted(builders)}, got {name!r}")
    return builders[name](params, lr=lr, **hyper)
