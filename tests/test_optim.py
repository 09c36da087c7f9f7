"""lib.scratch.optimizers: every teaching optimizer matches torch.optim step for step on a real model."""

import copy

import pytest
import torch
from torch import nn

from lib.data.digits import load_digits_split
from lib.models.mlp import MLP
from lib.scratch import optimizers as teach

CONFIGS = {
    "sgd": (lambda p: teach.SGD(p, lr=0.1), lambda p: torch.optim.SGD(p, lr=0.1)),
    "sgd_wd": (
        lambda p: teach.SGD(p, lr=0.1, weight_decay=0.01),
        lambda p: torch.optim.SGD(p, lr=0.1, weight_decay=0.01),
    ),
    "momentum": (
        lambda p: teach.SGD(p, lr=0.05, momentum=0.9, weight_decay=1e-3),
        lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, weight_decay=1e-3),
    ),
    "rmsprop": (
        lambda p: teach.RMSprop(p, lr=1e-3, alpha=0.95, eps=1e-6, weight_decay=1e-3),
        lambda p: torch.optim.RMSprop(p, lr=1e-3, alpha=0.95, eps=1e-6, weight_decay=1e-3),
    ),
    "adam": (
        lambda p: teach.Adam(p, lr=1e-2, betas=(0.8, 0.99)),
        lambda p: torch.optim.Adam(p, lr=1e-2, betas=(0.8, 0.99)),
    ),
    "adam_l2": (
        lambda p: teach.Adam(p, lr=1e-2, weight_decay=0.01),
        lambda p: torch.optim.Adam(p, lr=1e-2, weight_decay=0.01),
    ),
    "adamw": (
        lambda p: teach.AdamW(p, lr=1e-2, weight_decay=0.1),
        lambda p: torch.optim.AdamW(p, lr=1e-2, weight_decay=0.1),
    ),
}


@pytest.fixture(scope="module")
def digits():
    train, _ = load_digits_split()
    return train.flat[:512].double(), train.labels[:512]


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_matches_torch_every_step_for_100_steps(digits, name):
    X, y = digits
    make_ours, make_torch = CONFIGS[name]
    torch.manual_seed(0)
    ours = MLP((64, 32, 32, 10)).double()
    theirs = copy.deepcopy(ours)
    opt_ours, opt_theirs = make_ours(ours.parameters()), make_torch(theirs.parameters())
    draw = torch.Generator().manual_seed(0)
    start = [p.detach().clone() for p in ours.parameters()]
    for _ in range(100):
        idx = torch.randint(len(X), (32,), generator=draw)
        for model, opt in ((ours, opt_ours), (theirs, opt_theirs)):
            opt.zero_grad()
            nn.functional.cross_entropy(model(X[idx]), y[idx]).backward()
            opt.step()
        for a, b in zip(ours.parameters(), theirs.parameters(), strict=True):
            torch.testing.assert_close(a, b, rtol=0, atol=1e-6)
    moved = max((p - s).abs().max().item() for p, s in zip(ours.parameters(), start, strict=True))
    assert moved > 1e-2  # the comparison is not vacuous: the parameters really changed


def test_param_groups_and_closure_like_torch():
    torch.manual_seed(0)
    a, b = nn.Linear(3, 2).double(), nn.Linear(3, 2).double()
    b.load_state_dict(a.state_dict())
    x = torch.randn(8, 3, dtype=torch.float64)
    groups = lambda m: [{"params": [m.weight], "lr": 0.1}, {"params": [m.bias], "lr": 0.01}]  # noqa: E731
    opt_a, opt_b = teach.Adam(groups(a)), torch.optim.Adam(groups(b))
    for _ in range(5):
        for model, opt in ((a, opt_a), (b, opt_b)):

            def closure(model=model, opt=opt):
                opt.zero_grad()
                loss = model(x).pow(2).mean()
                loss.backward()
                return loss

            expected = model(x).pow(2).mean().detach()  # the loss before this step
            returned = opt.step(closure)
            torch.testing.assert_close(returned.detach(), expected)  # step returns the closure's loss
    torch.testing.assert_close(a.weight, b.weight)
    torch.testing.assert_close(a.bias, b.bias)


def test_parameters_without_gradient_are_left_alone():
    w, frozen = torch.ones(2, requires_grad=True), torch.ones(2, requires_grad=True)
    opt = teach.Adam([w, frozen], lr=0.1)
    w.grad = torch.tensor([1.0, -1.0])
    opt.step()
    assert torch.equal(frozen.detach(), torch.ones(2)) and frozen not in opt.state
    torch.testing.assert_close(w.detach(), torch.tensor([0.9, 1.1]))


def test_adam_first_step_is_lr_per_coordinate_whatever_the_gradient_scale():
    for scale in (1e-4, 1.0, 1e4):
        w = torch.zeros(3, dtype=torch.float64, requires_grad=True)
        w.grad = scale * torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64)
        teach.Adam([w], lr=0.01).step()
        torch.testing.assert_close(w.detach().abs(), torch.full((3,), 0.01, dtype=torch.float64), rtol=1e-3, atol=0)


def test_adamw_without_decay_is_adam_and_with_decay_shrinks_weights():
    torch.manual_seed(0)
    g = torch.randn(4, dtype=torch.float64)
    results = {}
    for name, make in (
        ("adam", lambda p: teach.Adam(p, lr=0.1)),
        ("adamw0", lambda p: teach.AdamW(p, lr=0.1, weight_decay=0.0)),
        ("adamw", lambda p: teach.AdamW(p, lr=0.1, weight_decay=0.5)),
    ):
        w = torch.ones(4, dtype=torch.float64, requires_grad=True)
        w.grad = g.clone()
        make([w]).step()
        results[name] = w.detach()
    torch.testing.assert_close(results["adam"], results["adamw0"])
    torch.testing.assert_close(results["adamw"], results["adam"] - 0.1 * 0.5 * torch.ones(4, dtype=torch.float64))


def test_article_adam_follows_its_formula_and_is_not_adam():
    w = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    opt = teach.ArticleAdam([w], lr=1e-3)
    grads = [torch.tensor([0.5, -2.0], dtype=torch.float64), torch.tensor([1.0, 1.0], dtype=torch.float64)]
    expected, m = torch.zeros(2, dtype=torch.float64), torch.zeros(2, dtype=torch.float64)
    for t, g in enumerate(grads, start=1):
        w.grad = g
        opt.step()
        m = 0.9 * m + 0.1 * g
        expected = expected - 1e-3 * m / ((1 - 0.9**t) * (1 - 0.999**t))
        torch.testing.assert_close(w.detach(), expected)
    # its first step is lr * g / (1 - beta2) = 1000 * lr * g, not about lr
    v = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    v.grad = torch.tensor([2.0], dtype=torch.float64)
    teach.ArticleAdam([v], lr=1e-3).step()
    assert abs(v.item() + 2.0) < 1e-9


def test_make_optimizer_builds_each_name():
    expected = {
        "sgd": teach.SGD,
        "momentum": teach.SGD,
        "rmsprop": teach.RMSprop,
        "adam": teach.Adam,
        "adamw": teach.AdamW,
        "article_adam": teach.ArticleAdam,
    }
    assert set(expected) == set(teach.OPTIMIZER_NAMES)
    for name in teach.OPTIMIZER_NAMES:
        w = torch.zeros(2, requires_grad=True)
        opt = teach.make_optimizer(name, [w], lr=0.1)
        assert type(opt) is expected[name], name
        assert opt.defaults["lr"] == 0.1
    assert teach.make_optimizer("momentum", [torch.zeros(1, requires_grad=True)], lr=0.1).defaults["momentum"] == 0.9


def test_update_must_be_defined_by_subclasses():
    opt = teach.TeachingOptimizer([torch.zeros(1, requires_grad=True)], {"lr": 0.1})
    opt.param_groups[0]["params"][0].grad = torch.ones(1)
    with pytest.raises(NotImplementedError, match="update"):
        opt.step()


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda p: teach.SGD(p, lr=0.0), "lr"),
        (lambda p: teach.SGD(p, lr=0.1, momentum=1.0), "momentum"),
        (lambda p: teach.SGD(p, lr=0.1, weight_decay=-1), "weight_decay"),
        (lambda p: teach.SGD(p, lr="0.1"), "lr"),
        (lambda p: teach.RMSprop(p, alpha=1.5), "alpha"),
        (lambda p: teach.RMSprop(p, eps=-1e-8), "eps"),
        (lambda p: teach.RMSprop(p, lr=-1), "lr"),
        (lambda p: teach.Adam(p, betas=(0.9,)), "betas"),
        (lambda p: teach.Adam(p, betas=(0.9, 1.0)), r"betas\[1\]"),
        (lambda p: teach.Adam(p, lr=float("nan")), "lr"),
        (lambda p: teach.Adam(p, weight_decay=True), "weight_decay"),
        (lambda p: teach.AdamW(p, weight_decay=-0.1), "weight_decay"),
        (lambda p: teach.AdamW(p, betas=(-0.1, 0.9)), r"betas\[0\]"),
        (lambda p: teach.ArticleAdam(p, lr=0), "lr"),
        (lambda p: teach.ArticleAdam(p, betas="0.9"), "betas"),
        (lambda p: teach.make_optimizer("lion", p, lr=0.1), "name"),
    ],
)
def test_bad_hyperparameters_are_named(make, match):
    with pytest.raises(ValueError, match=match):
        make([torch.zeros(2, requires_grad=True)])
