"""Lesson 5.8's demonstrations: each runs one of the source article's mistakes next to the right version.

Every function here is named by an erratum of :mod:`lib.data.errata` (its ``demo`` field), takes a
seed where it draws numbers, and returns the measured numbers in a small dataclass, so that the lesson
prints them and asserts on them and the tests check them against PyTorch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from lib.core.seeding import local_generator
from lib.core.validate import positive_int, positive_number
from lib.models.text_classifier import ArticleTextClassifier, EmbeddingPoolClassifier, article_accuracy_percent
from lib.scale.compute import log_log_r_squared, power_law_fit, training_flops
from lib.scratch.losses import article_cross_entropy
from lib.scratch.optimizers import Adam, ArticleAdam

# --- Adam (article 4.1.3 and 4.2.5) -----------------------------------------------------------------


def quadratic_loss(theta: torch.Tensor, curvatures: torch.Tensor) -> torch.Tensor:
    """The test problem: ℒ(θ) = ½ Σ λ_i θ_i², minimum 0 at θ = 0; λ are the ``curvatures``."""
    return 0.5 * (curvatures * theta**2).sum()


@dataclass(frozen=True)
class AdamComparison:
    """Losses of torch.optim.Adam, lib's Adam and the article's formula on the same quadratic."""

    steps: int
    lr: float
    torch_losses: list[float]
    lib_losses: list[float]
    article_losses: list[float]
    first_step_torch: float  # |Δθ| of the first step, largest coordinate
    first_step_article: float


def adam_demo(steps: int = 300, lr: float = 0.01, curvatures: tuple[float, ...] = (1.0, 100.0)) -> AdamComparison:
    """Run torch's Adam, lib's Adam and the article's Adam from θ = 1 on ½ Σ λ θ² with the same ``lr``."""
    positive_int("steps", steps)
    positive_number("lr", lr)
    lam = torch.tensor(curvatures, dtype=torch.float64)
    runs: dict[str, list[float]] = {}
    first: dict[str, float] = {}
    for name in ("torch", "lib", "article"):
        theta = torch.ones_like(lam, requires_grad=True)
        if name == "torch":
            opt: torch.optim.Optimizer = torch.optim.Adam([theta], lr=lr)
        elif name == "lib":
            opt = Adam([theta], lr=lr)
        else:
            opt = ArticleAdam([theta], lr=lr)
        losses = []
        for t in range(steps):
            opt.zero_grad()
            loss = quadratic_loss(theta, lam)
            losses.append(loss.item())
            loss.backward()
            before = theta.detach().clone()
            opt.step()
            if t == 0:
                first[name] = (theta.detach() - before).abs().max().item()
        losses.append(quadratic_loss(theta.detach(), lam).item())
        runs[name] = losses
    return AdamComparison(steps, lr, runs["torch"], runs["lib"], runs["article"], first["torch"], first["article"])


# --- cross-entropy (article 4.2.3) ------------------------------------------------------------------


@dataclass(frozen=True)
class CrossEntropyComparison:
    """The right cross-entropy against F.cross_entropy, and the article's formula under changed labels."""

    by_formula: float  # -mean log softmax(z)[y*]
    by_torch: float  # F.cross_entropy(z, y*)
    article_true_labels: float  # the article's formula: no labels in it
    article_shuffled_labels: float
    right_shuffled_labels: float
    confident_wrong_article: float  # a confident, wrong prediction
    confident_wrong_right: float


def cross_entropy_demo(seed: int = 0, n: int = 64, n_classes: int = 3) -> CrossEntropyComparison:
    """Cross-entropy −(1/m) Σ log p(y*) by formula and by PyTorch, and the article's −(1/m) Σ p log p."""
    positive_int("n", n)
    positive_int("n_classes", n_classes, minimum=2)
    g = local_generator(seed)
    logits = torch.randn(n, n_classes, generator=g, dtype=torch.float64)
    labels = torch.randint(0, n_classes, (n,), generator=g)
    shuffled = (labels + 1) % n_classes  # every label changed
    p = logits.softmax(dim=1)
    by_formula = -p.log()[torch.arange(n), labels].mean().item()
    # the article's formula per sample, summed over classes: -sum_k p_k log p_k, averaged over samples
    article = n_classes * article_cross_entropy(p).item()
    confident = torch.full((1, n_classes), -20.0, dtype=torch.float64)
    confident[0, 0] = 20.0  # certain of class 0
    truth = torch.tensor([1])  # ... but the label is class 1
    return CrossEntropyComparison(
        by_formula=by_formula,
        by_torch=F.cross_entropy(logits, labels).item(),
        article_true_labels=article,
        article_shuffled_labels=n_classes * article_cross_entropy(p).item(),  # the labels cannot enter
        right_shuffled_labels=F.cross_entropy(logits, shuffled).item(),
        confident_wrong_article=n_classes * article_cross_entropy(confident.softmax(dim=1)).item(),
        confident_wrong_right=F.cross_entropy(confident, truth).item(),
    )


# --- the text classifier (article 5.2) --------------------------------------------------------------


@dataclass(frozen=True)
class ClassifierFailure:
    """What the article's classifier does with one batch, and what lib's pooled classifier does."""

    deep_error: str  # the error of num_layers=3
    shallow_shape: tuple[int, ...]  # output of num_layers=1: one score pair per token
    pooled_shape: tuple[int, ...]  # lib's EmbeddingPoolClassifier: one per text
    n_parameters: int  # the article's model with its own settings
    embedding_share: float
    article_accuracy: float  # its accuracy formula for 100 of 200 right in batches of 64
    right_accuracy: float


def article_classifier_demo(seed: int = 0, batch: int = 64, tokens: int = 20) -> ClassifierFailure:
    """Feed one batch of token ids to the article's classifier (as printed) and to lib's working one."""
    positive_int("batch", batch)
    positive_int("tokens", tokens)
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        deep = ArticleTextClassifier(10000, 100, 256, 2, num_layers=3)
        shallow = ArticleTextClassifier(10000, 100, 256, 2, num_layers=1)
        pooled = EmbeddingPoolClassifier(10000, 2, d_embed=100, hidden=256)
    ids = torch.randint(1, 10000, (batch, tokens), generator=local_generator(seed))
    try:
        deep(ids)
        deep_error = ""
    except RuntimeError as err:
        deep_error = str(err).splitlines()[0]
    n_params = sum(p.numel() for p in deep.parameters())
    return ClassifierFailure(
        deep_error=deep_error,
        shallow_shape=tuple(shallow(ids).shape),
        pooled_shape=tuple(pooled(ids).shape),
        n_parameters=n_params,
        embedding_share=deep.embedding.weight.numel() / n_params,
        article_accuracy=article_accuracy_percent(100, 200, 64),
        right_accuracy=100 * 100 / 200,
    )


# --- compute against model size (article 8.2 and its FAQ) -------------------------------------------


@dataclass(frozen=True)
class ComputeGrowth:
    """Training compute C = 6ND at growing N: power-law slopes, and why it is not exponential."""

    sizes: list[float]
    fixed_data_flops: list[float]
    optimal_flops: list[float]  # D = 20 N
    slope_fixed: float  # log-log slope
    slope_optimal: float
    r2_optimal: float  # log C against log N
    step_ratios: list[float]  # C(N + ΔN) / C(N) for equal additive steps ΔN, on D = 20N


def compute_growth_demo(tokens: float = 1e12, tokens_per_parameter: float = 20.0) -> ComputeGrowth:
    """C = 6ND with D fixed at ``tokens`` and with D = ``tokens_per_parameter`` · N, for N from 1e8 to 1e12."""
    positive_number("tokens", tokens)
    positive_number("tokens_per_parameter", tokens_per_parameter)
    sizes = [10.0**k for k in range(8, 13)]
    fixed = [training_flops(n, tokens) for n in sizes]
    optimal = [training_flops(n, tokens_per_parameter * n) for n in sizes]
    _, minus_fixed = power_law_fit(sizes, fixed)  # fits y = a x^(-alpha): the slope is -alpha
    _, minus_optimal = power_law_fit(sizes, optimal)
    steps = [1e10 * k for k in range(1, 6)]  # equal additive steps of 10 billion parameters
    step_flops = [training_flops(n, tokens_per_parameter * n) for n in steps]
    ratios = [b / a for a, b in zip(step_flops, step_flops[1:], strict=False)]
    return ComputeGrowth(sizes, fixed, optimal, -minus_fixed, -minus_optimal, log_log_r_squared(sizes, optimal), ratios)


# --- WaveNet generates audio (article 6.3) -----------------------------------------------------------


def mu_law_encode(x: torch.Tensor, levels: int = 256) -> torch.Tensor:
    """WaveNet's μ-law companding: audio in [-1, 1] to integers 0..levels-1 (van den Oord et al., 2016)."""
    positive_int("levels", levels, minimum=2)
    if not isinstance(x, torch.Tensor) or x.numel() == 0 or x.abs().max() > 1:
        raise ValueError("x must be a non-empty tensor of audio samples in [-1, 1]")
    mu = levels - 1
    y = torch.sign(x) * torch.log1p(mu * x.abs()) / math.log1p(mu)
    return ((y + 1) / 2 * mu + 0.5).floor().long().clamp(0, mu)


def mu_law_decode(q: torch.Tensor, levels: int = 256) -> torch.Tensor:
    """The inverse of :func:`mu_law_encode`: integers 0..levels-1 back to audio in [-1, 1]."""
    positive_int("levels", levels, minimum=2)
    mu = levels - 1
    y = 2 * q.double() / mu - 1
    return torch.sign(y) * ((1 + mu) ** y.abs() - 1) / mu


class CausalDilatedStack(nn.Module):
    """A WaveNet-shaped toy: causal convolutions of kernel 2 and dilation 1, 2, 4, ..., then 256 logits per sample."""

    def __init__(self, n_layers: int = 6, channels: int = 16, levels: int = 256) -> None:
        super().__init__()
        self.levels = positive_int("levels", levels, minimum=2)
        self.embed = nn.Embedding(levels, positive_int("channels", channels))
        self.convs = nn.ModuleList(
            nn.Conv1d(channels, channels, kernel_size=2, dilation=2**i)
            for i in range(positive_int("n_layers", n_layers))
        )
        self.out = nn.Conv1d(channels, levels, kernel_size=1)

    @property
    def receptive_field(self) -> int:
        """How many past samples one output sees: 1 + Σ dilations = 2^n_layers."""
        return 1 + sum(c.dilation[0] for c in self.convs)

    def forward(self, q: torch.Tensor) -> torch.Tensor:
        """μ-law sample ids (batch, time) -> logits over the *next* sample's level, (batch, levels, time)."""
        h = self.embed(q).transpose(1, 2)
        for conv in self.convs:
            h = h + torch.tanh(conv(F.pad(h, (conv.dilation[0], 0))))  # left padding only: causal
        return self.out(h)


@dataclass(frozen=True)
class WaveNetShape:
    """What a WaveNet-style model maps to what: audio samples in, a distribution over the next sample out."""

    sample_rate: int
    input_shape: tuple[int, ...]
    output_shape: tuple[int, ...]
    receptive_field: int
    future_gradient: float  # |∂ output(t) / ∂ input(>t)|: 0 for a causal model
    past_gradient: float
    round_trip_error: float  # μ-law encode then decode, largest error on the test tone


def wavenet_demo(seed: int = 0, sample_rate: int = 16_000, seconds: float = 0.05) -> WaveNetShape:
    """Encode a synthetic tone with μ-law, run a causal dilated stack on it, and measure what depends on what."""
    positive_int("sample_rate", sample_rate)
    positive_number("seconds", seconds)
    t = torch.arange(int(sample_rate * seconds), dtype=torch.float64) / sample_rate
    tone = 0.6 * torch.sin(2 * math.pi * 440 * t)  # synthetic: a 440 Hz tone
    q = mu_law_encode(tone)
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        model = CausalDilatedStack().double()
    embedded = model.embed(q[None]).detach().requires_grad_(True)  # differentiate with respect to the inputs
    h = embedded.transpose(1, 2)
    for conv in model.convs:
        h = h + torch.tanh(conv(F.pad(h, (conv.dilation[0], 0))))
    logits = model.out(h)
    mid = q.numel() // 2
    logits[0, :, mid].sum().backward()
    grad = embedded.grad[0].abs().sum(dim=1)
    return WaveNetShape(
        sample_rate=sample_rate,
        input_shape=tuple(q[None].shape),
        output_shape=tuple(model(q[None]).shape),
        receptive_field=model.receptive_field,
        future_gradient=grad[mid + 1 :].sum().item(),
        past_gradient=grad[: mid + 1].sum().item(),
        round_trip_error=(mu_law_decode(q) - tone).abs().max().item(),
    )


# --- small ones: gradients, backpropagation, zero_grad, ReLU ----------------------------------------


@dataclass(frozen=True)
class SmallChecks:
    """Several short facts, each measured: what the article's sections 1.4, 3.1, 3.2, 4.1 and 4.2.4 get wrong."""

    full_vs_one: float  # |∇ over all samples − ∇ over one sample|
    full_vs_batch: float  # |∇ over all − ∇ over a mini-batch of 8|
    mean_of_per_sample: float  # |mean of per-sample gradients − full gradient|: 0
    params_changed_by_backward: bool
    params_changed_by_step: bool
    accumulated_error: float  # |grad after two backward passes without zero_grad − (g1 + g2)|
    relu_parameters: int
    relu_output_zero_gradient: float  # fraction of samples whose ReLU output has zero gradient at init
    relu_output_above_one: float  # fraction of outputs above 1: not probabilities
    logit_gradient_error: float  # |autograd ∂ℒ/∂z − (σ(z) − y*)/m|


def small_checks_demo(seed: int = 0, n: int = 100, features: int = 10) -> SmallChecks:
    """Measure the short errata on a synthetic regression and the article's 100-sample, 10-feature example."""
    positive_int("n", n, minimum=8)
    positive_int("features", features)
    g = local_generator(seed)
    x = torch.randn(n, features, generator=g, dtype=torch.float64)
    y = x @ torch.randn(features, generator=g, dtype=torch.float64) + 0.1 * torch.randn(
        n, generator=g, dtype=torch.float64
    )
    w = torch.zeros(features, dtype=torch.float64, requires_grad=True)

    def grad_on(rows: torch.Tensor) -> torch.Tensor:
        (gw,) = torch.autograd.grad(((x[rows] @ w - y[rows]) ** 2).mean(), w)
        return gw

    everything = torch.arange(n)
    full = grad_on(everything)
    per_sample = torch.stack([grad_on(everything[i : i + 1]) for i in range(n)])
    # backpropagation computes, the optimizer updates
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        layer = nn.Linear(features, 1).double()
        net = nn.Sequential(nn.Linear(features, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 1)).double()
    before = [p.detach().clone() for p in layer.parameters()]
    loss = ((layer(x).squeeze(1) - y) ** 2).mean()
    loss.backward()
    after_backward = [p.detach().clone() for p in layer.parameters()]
    torch.optim.SGD(layer.parameters(), lr=0.1).step()
    changed_by_backward = any(not torch.equal(a, b) for a, b in zip(before, after_backward, strict=True))
    changed_by_step = any(
        not torch.equal(a, p.detach()) for a, p in zip(after_backward, layer.parameters(), strict=True)
    )
    # no zero_grad: the second backward adds to the first
    layer.zero_grad()
    g1 = torch.autograd.grad(((layer(x[:50]).squeeze(1) - y[:50]) ** 2).mean(), layer.weight)[0]
    g2 = torch.autograd.grad(((layer(x[50:]).squeeze(1) - y[50:]) ** 2).mean(), layer.weight)[0]
    ((layer(x[:50]).squeeze(1) - y[:50]) ** 2).mean().backward()
    ((layer(x[50:]).squeeze(1) - y[50:]) ** 2).mean().backward()
    accumulated = (layer.weight.grad - (g1 + g2)).abs().max().item()
    # the article's ReLU output layer, on its 100-sample, 10-feature binary task
    labels = (y > 0).double()
    z = net(x).squeeze(1)
    relu_out = torch.relu(z)
    zero_grad_fraction = (z <= 0).double().mean().item()
    logits = z.detach().requires_grad_(True)
    bce = F.binary_cross_entropy_with_logits(logits, labels)
    (dz,) = torch.autograd.grad(bce, logits)
    return SmallChecks(
        full_vs_one=(full - per_sample[0]).norm().item(),
        full_vs_batch=(full - grad_on(everything[:8])).norm().item(),
        mean_of_per_sample=(per_sample.mean(dim=0) - full).abs().max().item(),
        params_changed_by_backward=changed_by_backward,
        params_changed_by_step=changed_by_step,
        accumulated_error=accumulated,
        relu_parameters=sum(p.numel() for p in nn.ReLU().parameters()),
        relu_output_zero_gradient=zero_grad_fraction,
        relu_output_above_one=(relu_out > 1).double().mean().item(),
        logit_gradient_error=(dz - (torch.sigmoid(logits.detach()) - labels) / n).abs().max().item(),
    )


DEMOS = (
    "adam_demo",
    "cross_entropy_demo",
    "article_classifier_demo",
    "compute_growth_demo",
    "wavenet_demo",
    "small_checks_demo",
)
