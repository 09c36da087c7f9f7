import math

import pytest
import torch
import torch.nn.functional as F

from lib.scratch import losses as L

G = torch.Generator().manual_seed(0)
N, C = 8, 5
PRED = torch.randn(N, 3, dtype=torch.float64, generator=G)
REAL = torch.randn(N, 3, dtype=torch.float64, generator=G)
LOGIT = torch.randn(N, dtype=torch.float64, generator=G) * 3
PROB = torch.sigmoid(LOGIT)
BIN = (torch.rand(N, generator=G) > 0.5).double()
SOFT = torch.rand(N, dtype=torch.float64, generator=G)  # soft labels in (0, 1)
LOGITS = torch.randn(N, C, dtype=torch.float64, generator=G) * 2
CLASSES = torch.randint(C, (N,), generator=G)
SIGNS = 2 * BIN - 1


def autograd(loss_fn, x, *args, **kwargs):
    x = x.clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(loss_fn(x, *args, **kwargs), x)
    return grad


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_mse(reduction):
    torch.testing.assert_close(L.mse(PRED, REAL, reduction), F.mse_loss(PRED, REAL, reduction=reduction))
    torch.testing.assert_close(L.mse_grad(PRED, REAL, reduction), autograd(F.mse_loss, PRED, REAL, reduction=reduction))


@pytest.mark.parametrize("target", [BIN, SOFT])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_binary_cross_entropy_both_ways(target, reduction):
    expected = F.binary_cross_entropy(PROB, target, reduction=reduction)
    torch.testing.assert_close(L.binary_cross_entropy(PROB, target, reduction), expected)
    torch.testing.assert_close(L.binary_cross_entropy_with_logits(LOGIT, target, reduction), expected)
    torch.testing.assert_close(
        L.binary_cross_entropy_with_logits(LOGIT, target, reduction),
        F.binary_cross_entropy_with_logits(LOGIT, target, reduction=reduction),
    )
    torch.testing.assert_close(
        L.binary_cross_entropy_grad(PROB, target, reduction),
        autograd(F.binary_cross_entropy, PROB, target, reduction=reduction),
    )
    torch.testing.assert_close(
        L.binary_cross_entropy_with_logits_grad(LOGIT, target, reduction),
        autograd(F.binary_cross_entropy_with_logits, LOGIT, target, reduction=reduction),
    )


def test_bce_saturation_probabilities_vs_logits():
    z, y = torch.tensor([30.0]), torch.tensor([0.0])
    assert torch.sigmoid(z).item() == 1.0  # float32 rounds sigmoid(30) to exactly 1
    assert L.binary_cross_entropy(torch.sigmoid(z), y).item() == 100.0 == F.binary_cross_entropy(torch.sigmoid(z), y)
    assert L.binary_cross_entropy(torch.sigmoid(z), y, log_floor=None).item() == math.inf
    torch.testing.assert_close(L.binary_cross_entropy_with_logits(z, y), torch.tensor(30.0))
    torch.testing.assert_close(F.binary_cross_entropy_with_logits(z, y), torch.tensor(30.0))


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_cross_entropy_from_logits_and_from_probabilities(reduction):
    expected = F.cross_entropy(LOGITS, CLASSES, reduction=reduction)
    torch.testing.assert_close(L.cross_entropy(LOGITS, CLASSES, reduction), expected)
    probs = torch.softmax(LOGITS, dim=1)
    torch.testing.assert_close(L.nll_from_probabilities(probs, CLASSES, reduction), expected)
    torch.testing.assert_close(
        L.nll_from_probabilities(probs, CLASSES, reduction), F.nll_loss(probs.log(), CLASSES, reduction=reduction)
    )
    torch.testing.assert_close(
        L.cross_entropy_grad(LOGITS, CLASSES, reduction),
        autograd(F.cross_entropy, LOGITS, CLASSES, reduction=reduction),
    )
    torch.testing.assert_close(
        L.nll_from_probabilities_grad(probs, CLASSES, reduction),
        autograd(lambda p, y: F.nll_loss(p.log(), y, reduction=reduction), probs, CLASSES),
    )


def test_cross_entropy_survives_huge_logits():
    logits = torch.tensor([[0.0, 200.0]])
    target = torch.tensor([0])
    assert L.cross_entropy(logits, target).item() == 200.0 == F.cross_entropy(logits, target).item()
    assert L.nll_from_probabilities(torch.softmax(logits, 1), target).item() == math.inf


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_hinge_equals_torch_formula_and_multi_margin(reduction):
    scores, signs, labels = torch.cat([LOGIT, -LOGIT]), torch.cat([SIGNS, SIGNS]), torch.cat([BIN, BIN]).long()
    # Away from the kink y s = 1 the gradient is unique; there autograd's choice is a convention that torch changed.
    assert (signs * scores - 1).abs().min() > 1e-3
    assert ((signs * scores) < 1).any() and ((signs * scores) > 1).any(), "test both sides of the kink"
    expected = torch.clamp(1 - signs * scores, min=0)
    expected = expected.mean() if reduction == "mean" else expected.sum()
    torch.testing.assert_close(L.hinge(scores, signs, reduction), expected)
    # binary hinge = 2 x multi_margin_loss on the two scores (0, s) with labels in {0, 1}
    two = torch.stack([torch.zeros_like(scores), scores], dim=1)
    torch.testing.assert_close(
        L.hinge(scores, signs, reduction), 2 * F.multi_margin_loss(two, labels, reduction=reduction)
    )
    torch.testing.assert_close(
        L.hinge_grad(scores, signs, reduction),
        autograd(
            lambda s, y: torch.clamp(1 - y * s, min=0).sum() / (len(s) if reduction == "mean" else 1), scores, signs
        ),
    )


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_hinge_subgradient_at_the_kink_is_minus_y(reduction):
    """lib's stated convention: at y s = 1 the subgradient is -y (the slope from the side where the loss is active).

    Any value between -y and 0 is a valid subgradient there; this pins lib's own choice and checks it is the
    one-sided slope, without asking torch (whose choice at the kink changed between versions).
    """
    signs = torch.tensor([1.0, -1.0, 1.0, -1.0], dtype=torch.float64)
    kink = 1.0 / signs  # y s = 1 exactly
    scale = 1 / len(signs) if reduction == "mean" else 1.0
    torch.testing.assert_close(L.hinge_grad(kink, signs, reduction), -signs * scale)
    h = 1e-6  # the slope from the active side, s moved towards y s < 1
    active_side = (L.hinge(kink, signs, "none") - L.hinge(kink - h * signs, signs, "none")) / h * signs
    torch.testing.assert_close(active_side * scale, -signs * scale)
    inactive_side = (L.hinge(kink + h * signs, signs, "none") - L.hinge(kink, signs, "none")) / h * signs
    torch.testing.assert_close(inactive_side, torch.zeros_like(signs))  # the other end of the subdifferential


@pytest.mark.parametrize("margin", [1.0, 0.5])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_multi_margin(margin, reduction):
    expected = F.multi_margin_loss(LOGITS, CLASSES, margin=margin, reduction=reduction)
    torch.testing.assert_close(L.multi_margin(LOGITS, CLASSES, margin, reduction), expected)
    torch.testing.assert_close(
        L.multi_margin_grad(LOGITS, CLASSES, margin, reduction),
        autograd(F.multi_margin_loss, LOGITS, CLASSES, margin=margin, reduction=reduction),
    )


def test_reduction_none_keeps_one_value_per_item():
    assert L.mse(PRED, REAL, "none").shape == PRED.shape
    assert L.cross_entropy(LOGITS, CLASSES, "none").shape == (N,)
    torch.testing.assert_close(L.hinge(LOGIT, SIGNS, "none").mean(), L.hinge(LOGIT, SIGNS))


def test_article_cross_entropy_ignores_labels_and_rewards_confidence():
    p = torch.tensor([0.2, 0.9, 0.5])
    torch.testing.assert_close(L.article_cross_entropy(p), -(p * p.log()).mean())
    assert L.article_cross_entropy(torch.tensor([0.0, 1.0, 1.0])).item() == 0.0  # any confident guess is optimal


@pytest.mark.parametrize("kind", L.LOSS_KINDS)
@pytest.mark.parametrize("target", [0, 1])
def test_loss_vs_probability(kind, target):
    curve = L.loss_vs_probability(kind, target, n=99)
    assert curve.probability.shape == curve.loss.shape == curve.grad_logit.shape == (99,)
    assert curve.probability[49].item() == pytest.approx(0.5)
    if kind == "cross-entropy":
        torch.testing.assert_close(
            curve.loss, -torch.log(torch.where(torch.tensor(target == 1), curve.probability, 1 - curve.probability))
        )
        torch.testing.assert_close(curve.grad_logit, curve.probability - target)
    if kind == "article":
        torch.testing.assert_close(curve.loss, L.loss_vs_probability("article", 1 - target, n=99).loss)


def test_margin_losses():
    m = torch.tensor([-1.0, 0.0, 1.0, 2.0])
    curves = L.margin_losses(m)
    assert curves["zero-one"].tolist() == [1.0, 1.0, 0.0, 0.0]
    assert curves["hinge"].tolist() == [2.0, 1.0, 0.0, 0.0]
    torch.testing.assert_close(curves["logistic (BCE)"][1], torch.tensor(1.0))


def test_bad_inputs_raise():
    with pytest.raises(ValueError, match="prediction and target must have the same shape"):
        L.mse(PRED, REAL[:2])
    with pytest.raises(ValueError, match="reduction must be one of"):
        L.mse(PRED, REAL, "avg")
    with pytest.raises(ValueError, match="reduction must be one of"):
        L.mse_grad(PRED, REAL, "none")
    with pytest.raises(TypeError, match="prediction must be a torch.Tensor"):
        L.mse([1.0], REAL)
    with pytest.raises(ValueError, match=r"probability must lie in \[0, 1\]"):
        L.binary_cross_entropy(LOGIT, BIN)
    with pytest.raises(TypeError, match="target must be a floating-point tensor"):
        L.binary_cross_entropy(PROB, BIN.long())
    with pytest.raises(ValueError, match="probability and target"):
        L.binary_cross_entropy_grad(PROB, BIN[:3])
    with pytest.raises(ValueError, match="logit and target"):
        L.binary_cross_entropy_with_logits(LOGIT, BIN[:3])
    with pytest.raises(TypeError, match="logit must be a torch.Tensor"):
        L.binary_cross_entropy_with_logits_grad(1.0, BIN)
    with pytest.raises(TypeError, match="integer tensor of class indices"):
        L.cross_entropy(LOGITS, CLASSES.double())
    with pytest.raises(ValueError, match="class indices in"):
        L.cross_entropy_grad(LOGITS, torch.full((N,), C))
    with pytest.raises(ValueError, match="must be 2-d"):
        L.nll_from_probabilities(PROB, CLASSES)
    with pytest.raises(ValueError, match="target must have shape"):
        L.nll_from_probabilities_grad(torch.softmax(LOGITS, 1), CLASSES[:2])
    with pytest.raises(ValueError, match="labels -1 and \\+1"):
        L.hinge(LOGIT, BIN)
    with pytest.raises(ValueError, match="labels -1 and \\+1"):
        L.hinge_grad(LOGIT, BIN)
    with pytest.raises(TypeError, match="integer tensor"):
        L.multi_margin(LOGITS, CLASSES.float())
    with pytest.raises(ValueError, match="must be 2-d"):
        L.multi_margin_grad(LOGIT, CLASSES)
    with pytest.raises(ValueError, match=r"prediction must lie in \[0, 1\]"):
        L.article_cross_entropy(LOGIT)
    with pytest.raises(ValueError, match="kind must be one of"):
        L.loss_vs_probability("focal", 1)
    with pytest.raises(ValueError, match="target must be 0 or 1"):
        L.loss_vs_probability("mse", -1)
    with pytest.raises(ValueError, match="n must be an int"):
        L.loss_vs_probability("mse", 1, n=1)
    with pytest.raises(TypeError, match="margin must be a torch.Tensor"):
        L.margin_losses([0.0])


def test_autograd_through_lib_losses_is_right_at_zero_and_at_huge_logits():
    z = torch.tensor([-1000.0, -20.0, 0.0, 20.0, 1000.0], dtype=torch.float64)
    y = torch.tensor([1.0, 0.0, 1.0, 0.0, 1.0], dtype=torch.float64)
    expected = L.binary_cross_entropy_with_logits_grad(z, y)
    torch.testing.assert_close(autograd(L.binary_cross_entropy_with_logits, z, y), expected)
    torch.testing.assert_close(autograd(F.binary_cross_entropy_with_logits, z, y), expected)
    logits = torch.tensor([[0.0, 1000.0, -1000.0]], dtype=torch.float64)
    torch.testing.assert_close(
        autograd(L.cross_entropy, logits, torch.tensor([0])), torch.tensor([[-1.0, 1.0, 0.0]]).double()
    )
