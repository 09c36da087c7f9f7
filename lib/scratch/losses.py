"""Loss functions (损失函数) written from scratch, each with its analytic gradient.

Lesson 2.2 derives every gradient and checks it against autograd and PyTorch's own losses.
Each ``*_grad`` returns the gradient of the *reduced* loss ("mean" or "sum") with respect to
the loss's first argument (predictions, probabilities, logits or scores).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import torch

from lib.scratch.activations import log_softmax, sigmoid, softmax

_REDUCTIONS = ("mean", "sum", "none")


def _tensor(x: object, name: str) -> torch.Tensor:
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(x).__name__}")
    if not x.is_floating_point():
        raise TypeError(f"{name} must be a floating-point tensor, got dtype {x.dtype}")
    return x


def _same_shape(a: torch.Tensor, b: torch.Tensor, names: str) -> None:
    if a.shape != b.shape:
        raise ValueError(f"{names} must have the same shape, got {tuple(a.shape)} and {tuple(b.shape)}")


def _reduce(per_item: torch.Tensor, reduction: str) -> torch.Tensor:
    if reduction == "mean":
        return per_item.mean()
    if reduction == "sum":
        return per_item.sum()
    return per_item


def _check_reduction(reduction: str, allow_none: bool = True) -> None:
    allowed = _REDUCTIONS if allow_none else _REDUCTIONS[:2]
    if reduction not in allowed:
        raise ValueError(f"reduction must be one of {allowed}, got {reduction!r}")


def _scale(n: int, reduction: str) -> float:
    _check_reduction(reduction, allow_none=False)
    return 1.0 / n if reduction == "mean" else 1.0


def _class_targets(logits: torch.Tensor, target: object, name: str = "target") -> torch.Tensor:
    if logits.ndim != 2:
        raise ValueError(f"the first argument must be 2-d (batch, classes), got shape {tuple(logits.shape)}")
    if not isinstance(target, torch.Tensor) or target.dtype not in (torch.int64, torch.int32):
        raise TypeError(f"{name} must be an integer tensor of class indices")
    if target.shape != logits.shape[:1]:
        raise ValueError(f"{name} must have shape ({logits.shape[0]},), got {tuple(target.shape)}")
    if target.numel() and (target.min() < 0 or target.max() >= logits.shape[1]):
        raise ValueError(f"{name} must hold class indices in [0, {logits.shape[1]}), got {target.tolist()}")
    return target.long()


# --- regression: mean squared error ------------------------------------------------------------


def mse(prediction: torch.Tensor, target: torch.Tensor, reduction: str = "mean") -> torch.Tensor:
    """Mean squared error (均方误差): mean of (prediction - target)^2."""
    _same_shape(_tensor(prediction, "prediction"), _tensor(target, "target"), "prediction and target")
    _check_reduction(reduction)
    return _reduce((prediction - target) ** 2, reduction)


def mse_grad(prediction: torch.Tensor, target: torch.Tensor, reduction: str = "mean") -> torch.Tensor:
    """d MSE / d prediction = 2 (prediction - target) / n."""
    _same_shape(_tensor(prediction, "prediction"), _tensor(target, "target"), "prediction and target")
    return 2.0 * (prediction - target) * _scale(prediction.numel(), reduction)


# --- binary classification: from probabilities and from logits ---------------------------------


def binary_cross_entropy(
    probability: torch.Tensor, target: torch.Tensor, reduction: str = "mean", log_floor: float | None = -100.0
) -> torch.Tensor:
    """-[y log p + (1 - y) log(1 - p)] from probabilities p in [0, 1].

    Like PyTorch, each log is clamped at ``log_floor`` (-100) so p = 0 or 1 gives a large finite
    loss; ``log_floor=None`` is the bare formula, which gives inf there.
    """
    _same_shape(_tensor(probability, "probability"), _tensor(target, "target"), "probability and target")
    _check_reduction(reduction)
    if probability.numel() and (probability.min() < 0 or probability.max() > 1):
        raise ValueError("probability must lie in [0, 1]; for raw scores use binary_cross_entropy_with_logits")
    log_p, log_q = torch.log(probability), torch.log1p(-probability)
    if log_floor is not None:
        log_p, log_q = log_p.clamp(min=log_floor), log_q.clamp(min=log_floor)
    return _reduce(-(target * log_p + (1 - target) * log_q), reduction)


def binary_cross_entropy_grad(probability: torch.Tensor, target: torch.Tensor, reduction: str = "mean") -> torch.Tensor:
    """d BCE / d p = (p - y) / (p (1 - p)) / n: it blows up as p reaches 0 or 1."""
    _same_shape(_tensor(probability, "probability"), _tensor(target, "target"), "probability and target")
    return (probability - target) / (probability * (1 - probability)) * _scale(probability.numel(), reduction)


def binary_cross_entropy_with_logits(
    logit: torch.Tensor, target: torch.Tensor, reduction: str = "mean"
) -> torch.Tensor:
    """BCE of sigmoid(z) computed from the logit z: max(z, 0) - z y + log(1 + e^-|z|), exact for any z."""
    _same_shape(_tensor(logit, "logit"), _tensor(target, "target"), "logit and target")
    _check_reduction(reduction)
    # the same branch test on both terms keeps autograd right at z = 0 (gradient 1/2 - y)
    positive = logit >= 0
    minus_abs = torch.where(positive, -logit, logit)  # -|z| <= 0, so exp never overflows
    per_item = (
        torch.where(positive, logit, torch.zeros_like(logit)) - logit * target + torch.log1p(torch.exp(minus_abs))
    )
    return _reduce(per_item, reduction)


def binary_cross_entropy_with_logits_grad(
    logit: torch.Tensor, target: torch.Tensor, reduction: str = "mean"
) -> torch.Tensor:
    """d BCE / d z = (sigmoid(z) - y) / n: bounded, and never zero while the prediction is wrong."""
    _same_shape(_tensor(logit, "logit"), _tensor(target, "target"), "logit and target")
    return (sigmoid(logit) - target) * _scale(logit.numel(), reduction)


# --- multi-class classification: from probabilities and from logits ----------------------------


def nll_from_probabilities(probability: torch.Tensor, target: torch.Tensor, reduction: str = "mean") -> torch.Tensor:
    """Cross-entropy (交叉熵) -log p[y] from a (batch, classes) matrix of probabilities."""
    _tensor(probability, "probability")
    target = _class_targets(probability, target)
    _check_reduction(reduction)
    return _reduce(-torch.log(probability.gather(1, target[:, None]).squeeze(1)), reduction)


def nll_from_probabilities_grad(
    probability: torch.Tensor, target: torch.Tensor, reduction: str = "mean"
) -> torch.Tensor:
    """d/dp_k of -log p_y: -1/p_y at k = y and 0 elsewhere, divided by n."""
    _tensor(probability, "probability")
    target = _class_targets(probability, target)
    grad = torch.zeros_like(probability)
    grad.scatter_(1, target[:, None], -1.0 / probability.gather(1, target[:, None]))
    return grad * _scale(probability.shape[0], reduction)


def cross_entropy(logits: torch.Tensor, target: torch.Tensor, reduction: str = "mean") -> torch.Tensor:
    """Softmax cross-entropy from logits: -log_softmax(z)[y] = logsumexp(z) - z_y."""
    _tensor(logits, "logits")
    target = _class_targets(logits, target)
    _check_reduction(reduction)
    return _reduce(-log_softmax(logits, dim=1).gather(1, target[:, None]).squeeze(1), reduction)


def cross_entropy_grad(logits: torch.Tensor, target: torch.Tensor, reduction: str = "mean") -> torch.Tensor:
    """d CE / d z = (softmax(z) - onehot(y)) / n."""
    _tensor(logits, "logits")
    target = _class_targets(logits, target)
    onehot = torch.nn.functional.one_hot(target, logits.shape[1]).to(logits.dtype)
    return (softmax(logits, dim=1) - onehot) * _scale(logits.shape[0], reduction)


# --- margin losses: hinge ------------------------------------------------------------------------


def _signs(target: object, score: torch.Tensor) -> torch.Tensor:
    target = _tensor(target, "target")
    _same_shape(score, target, "score and target")
    if not bool(((target == 1) | (target == -1)).all()):
        raise ValueError("target must hold labels -1 and +1 (not 0 and 1) for the hinge loss")
    return target


def hinge(score: torch.Tensor, target: torch.Tensor, reduction: str = "mean") -> torch.Tensor:
    """Hinge loss (Hinge 损失) max(0, 1 - y s) of a score s with label y in {-1, +1}, as in an SVM."""
    target = _signs(target, _tensor(score, "score"))
    _check_reduction(reduction)
    return _reduce((1 - target * score).clamp(min=0), reduction)


def hinge_grad(score: torch.Tensor, target: torch.Tensor, reduction: str = "mean") -> torch.Tensor:
    """A subgradient: -y where the margin y s <= 1, else 0. At the kink y s = 1 any value between -y and 0 is a
    subgradient; -y is this course's convention (torch's autograd has chosen differently across versions)."""
    target = _signs(target, _tensor(score, "score"))
    return torch.where(target * score <= 1, -target, torch.zeros_like(score)) * _scale(score.numel(), reduction)


def multi_margin(
    scores: torch.Tensor, target: torch.Tensor, margin: float = 1.0, reduction: str = "mean"
) -> torch.Tensor:
    """Multi-class hinge, PyTorch's definition: sum over k != y of max(0, margin - s_y + s_k), divided by C."""
    _tensor(scores, "scores")
    target = _class_targets(scores, target)
    _check_reduction(reduction)
    gaps = (margin - scores.gather(1, target[:, None]) + scores).clamp(min=0)
    gaps = gaps.scatter(1, target[:, None], 0.0)  # the k = y term is not part of the sum
    return _reduce(gaps.sum(dim=1) / scores.shape[1], reduction)


def multi_margin_grad(
    scores: torch.Tensor, target: torch.Tensor, margin: float = 1.0, reduction: str = "mean"
) -> torch.Tensor:
    """+1/C at every class k != y inside the margin, minus their count / C at the true class y."""
    _tensor(scores, "scores")
    target = _class_targets(scores, target)
    active = ((margin - scores.gather(1, target[:, None]) + scores) > 0).to(scores.dtype)
    active = active.scatter(1, target[:, None], 0.0)
    grad = active.scatter(1, target[:, None], -active.sum(dim=1, keepdim=True))
    return grad / scores.shape[1] * _scale(scores.shape[0], reduction)


# --- the source article's mistaken cross-entropy, kept to show why it is wrong -------------------


def article_cross_entropy(prediction: torch.Tensor) -> torch.Tensor:
    """WRONG, on purpose: the source article's 4.2.3 formula -(1/m) sum y log y, the prediction used twice.

    It takes no labels because the formula has none: it is the mean of -p log p, minimised by
    any confident prediction (p = 0 or 1), right or wrong.
    """
    _tensor(prediction, "prediction")
    if prediction.numel() and (prediction.min() < 0 or prediction.max() > 1):
        raise ValueError("prediction must lie in [0, 1]")
    return -torch.xlogy(prediction, prediction).mean()


# --- the widget's curves -------------------------------------------------------------------------

LOSS_KINDS = ("cross-entropy", "mse", "hinge", "article")


class LossCurve(NamedTuple):
    """One loss sampled over predicted probabilities p, and its gradient with respect to the logit z."""

    probability: torch.Tensor
    loss: torch.Tensor
    grad_logit: torch.Tensor


def loss_vs_probability(kind: str, target: int, n: int = 199) -> LossCurve:
    """A binary loss as a function of the predicted probability p of class 1, for a true label 0 or 1.

    p runs over (0, 1) and z = log(p / (1 - p)) is the logit behind it. "cross-entropy" is BCE,
    "mse" is (p - y)^2, "hinge" is max(0, 1 - (2y - 1) z), "article" is the article's -p log p.
    """
    if kind not in LOSS_KINDS:
        raise ValueError(f"kind must be one of {LOSS_KINDS}, got {kind!r}")
    if target not in (0, 1) or isinstance(target, bool):
        raise ValueError(f"target must be 0 or 1, got {target!r}")
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        raise ValueError(f"n must be an int of at least 2, got {n!r}")
    p = torch.linspace(0.0, 1.0, n + 2, dtype=torch.float64)[1:-1]
    z = (torch.log(p) - torch.log1p(-p)).requires_grad_(True)
    y = torch.full_like(p, float(target))
    q = sigmoid(z)
    if kind == "cross-entropy":
        per_item = binary_cross_entropy_with_logits(z, y, reduction="none")
    elif kind == "mse":
        per_item = (q - y) ** 2
    elif kind == "hinge":
        per_item = hinge(z, 2 * y - 1, reduction="none")
    else:
        per_item = -q * torch.log(q)
    (grad,) = torch.autograd.grad(per_item.sum(), z)
    return LossCurve(p, per_item.detach(), grad)


def margin_losses(margin: torch.Tensor) -> dict[str, torch.Tensor]:
    """Binary losses as functions of the margin m = y z (y in {-1, +1}, z the score): for one plot.

    zero-one: 1 if m <= 0; logistic (BCE with logits, in bits so it is 1 at m = 0): log2(1 + e^-m);
    hinge: max(0, 1 - m);
    squared: (1 - m)^2, MSE on +-1 targets; sigmoid MSE: (1 - sigmoid(m))^2, MSE on probabilities.
    """
    margin = _tensor(margin, "margin")
    ones = torch.ones_like(margin)
    return {
        "zero-one": (margin <= 0).to(margin.dtype),
        "logistic (BCE)": binary_cross_entropy_with_logits(margin, ones, reduction="none") / math.log(2.0),
        "hinge": hinge(margin, ones, reduction="none"),
        "squared": (1 - margin) ** 2,
        "MSE on sigmoid": (1 - sigmoid(margin)) ** 2,
    }
