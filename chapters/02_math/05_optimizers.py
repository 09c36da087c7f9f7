# %% [markdown]
# # 2.5 Optimizers (优化器)
#
# **Time:** about 30 s on a laptop CPU · **Prerequisites:** lesson 2.2 (the loss as a mean over samples); lesson 2.3 (what a gradient is and how backward computes it); mean and variance of an average of samples · **You will learn:** that batch, stochastic and mini-batch gradient descent differ only in which samples the gradient averages over, and how momentum, RMSProp, Adam and AdamW turn a gradient into a step, each checked against torch.optim.
#
# In this lesson you will:
#
# - compute the full-batch, one-sample and mini-batch gradients of a real network on real data,
#   and measure that the mini-batch gradient is an unbiased estimate whose noise falls as $1/B$;
# - write momentum, RMSProp, Adam (with bias correction and $\varepsilon$) and AdamW from their
#   formulas, check each against `torch.optim`, then show that the course's `lib.scratch.optimizers` matches
#   `torch.optim` step for step on a real model;
# - watch the optimizers walk down two 2-D loss surfaces, and steer them with a widget;
# - run the source article's Adam formula next to the right one and measure what goes wrong.

# %%
# Setup: on Colab, install the course's `lib` at the version this notebook was executed with, without
# touching Colab's own torch or ipywidgets. Elsewhere `pip install -r requirements.txt` has installed it.
import sys

if "google.colab" in sys.modules:
    import subprocess

    url = "git+https://github.com/large-models-course/large-models-course@v0.2.0"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", url], check=True)

import lib

if lib.__version__ != "0.2.0":
    raise RuntimeError(
        f"this notebook was executed with lib 0.2.0, but lib {lib.__version__} is installed: "
        "open the notebook of the same release, or install v0.2.0 "
        "(on Colab: restart the session, then run this cell again)"
    )

# %%
import copy
import inspect
from functools import partial

import torch
from torch import nn
from torch.func import functional_call, grad, vmap

from lib.course.checks import expect_wrong
from lib.course.exercises import check
from lib.course.lesson import lesson_setup
from lib.data.digits import load_digits_split
from lib.lessons.lesson_2_5_surfaces import (
    SURFACES,
    Surface,
    grid,
    quadratic,
    quadratic_gradient,
    rosenbrock,
    rosenbrock_gradient,
    trajectory,
)
from lib.models.mlp import MLP
from lib.scratch import optimizers as teach
from lib.train.batches import make_batches
from lib.train.loop import train as train_loop  # `train` is the digits' training split here
from lib.train.steps import LossStep
from lib.viz.plots import PALETTE, contour_paths, figure
from lib.viz.widgets import interactive_view

device, generator = lesson_setup(seed=0)  # seed, device, one CPU thread for tiny models, the course's plot style
# Exactness checks run in float64 on the CPU; the training comparisons use `device`.
epochs = 5 if device.type == "cuda" else 3

# %% [markdown]
# ## One update rule, three ways to average the gradient
#
# Training (训练) lowers a loss $\mathcal{L}(\theta)$ by repeating one **gradient descent** (梯度下降) step
#
# $$\theta \leftarrow \theta - \eta \, \nabla_\theta \mathcal{L}_S(\theta), \qquad \mathcal{L}_S(\theta) = \frac{1}{|S|} \sum_{i \in S} \ell_i(\theta),$$
#
# where $\eta$ is the **learning rate** (学习率) and $\ell_i$ the loss on sample $i$. The source
# article (4.1.3) writes gradient descent, SGD and BGD with this same formula and stops there, as if
# they were one method. They differ in one thing only: **which samples $S$ the gradient averages over**.
#
# | name | $S$ | gradient costs | steps per pass over the data |
# | --- | --- | --- | --- |
# | batch gradient descent (批量梯度下降, BGD) | all $N$ samples | $N$ sample-gradients | 1 |
# | stochastic gradient descent (随机梯度下降, SGD) | one random sample | 1 | $N$ |
# | mini-batch gradient descent (小批量梯度下降) | a random batch of $B$ | $B$ | $N/B$ |
#
# (The article describes SGD as picking "a small batch" at random: that is mini-batch gradient
# descent. Libraries blur the names too: `torch.optim.SGD` just applies the rule to whatever gradient
# you computed, so it is BGD, SGD or mini-batch depending on the batch you fed the model.)
#
# We compute all three on a real network: an MLP with one hidden layer of 32 on the 8x8 handwritten
# digits bundled with scikit-learn, at its initial weights. We keep $N = 1344$ training images
# ($1344 = 2^6 \cdot 21$, so batches of 1, 2, 4, ..., 64 split it evenly) and work in float64 so that
# equalities hold to rounding.

# %%
train, test = load_digits_split()
N = 1344
X, y = train.flat[:N].double(), train.labels[:N]
torch.manual_seed(0)
net = MLP((64, 32, 10)).double()
names = [name for name, _ in net.named_parameters()]


def flat_gradient(inputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """The gradient of the mean cross-entropy over these samples, as one long vector."""
    net.zero_grad()
    nn.functional.cross_entropy(net(inputs), targets).backward()
    return torch.cat([p.grad.reshape(-1) for p in net.parameters()])


g_full = flat_gradient(X, y)  # batch gradient descent: all N samples
g_one = flat_gradient(X[:1], y[:1])  # stochastic: one sample
g_batch = flat_gradient(X[:32], y[:32])  # mini-batch of 32
for label, g in (("one sample", g_one), ("mini-batch of 32", g_batch), ("all 1344", g_full)):
    cosine = nn.functional.cosine_similarity(g, g_full, dim=0).item()
    print(f"{label:>17}: |g| = {g.norm():.3f}, cosine with the full gradient {cosine:+.2f}")

# %% [markdown]
# All three point roughly downhill, the mini-batch gradient much more closely than a single sample's.
# Each is the *average of per-sample gradients* over its $S$. `torch.func` computes all $N$ per-sample
# gradients $g_i = \nabla_\theta \ell_i$ in one batched call (`vmap` of `grad`); we check that row 0
# is the one-sample gradient and that averages of rows give the other two.

# %%
params = {name: p.detach() for name, p in net.named_parameters()}


def sample_loss(p: dict[str, torch.Tensor], x: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    return nn.functional.cross_entropy(functional_call(net, p, (x[None],)), target[None])


per_sample = vmap(grad(sample_loss), in_dims=(None, 0, 0))(params, X, y)
G = torch.cat([per_sample[name].reshape(N, -1) for name in names], dim=1)  # (N, number of parameters)
print("per-sample gradients:", tuple(G.shape))
torch.testing.assert_close(G[0], g_one)
torch.testing.assert_close(G[:32].mean(0), g_batch)
torch.testing.assert_close(G.mean(0), g_full)

# %% [markdown]
# ## The mini-batch gradient is an unbiased estimate of the full one
#
# Shuffle the $N$ samples and cut them into $K = N/B$ batches of equal size $B$: one **epoch**
# (轮次). Each batch gradient $g_{B_k}$ is noisy, but their average is exactly the full gradient,
# because every sample appears once:
#
# $$\frac{1}{K}\sum_{k=1}^{K} g_{B_k} = \frac{1}{K}\sum_{k=1}^{K}\frac{1}{B}\sum_{i \in B_k} g_i = \frac{1}{N}\sum_{i=1}^{N} g_i = g .$$
#
# So over a random batch, $\mathbb{E}[g_B] = g$: the mini-batch gradient is **unbiased**. Its noise
# shrinks with $B$. For a batch drawn without replacement, with $\sigma^2 = \frac{1}{N}\sum_i \lVert g_i - g \rVert^2$,
#
# $$\mathbb{E}\,\lVert g_B - g \rVert^2 = \frac{\sigma^2}{B} \cdot \frac{N - B}{N - 1} .$$
#
# We check the first equation exactly for every epoch, and the second by measuring the mean squared
# error over many shuffled epochs.

# %%
sigma2 = ((G - g_full) ** 2).sum(1).mean()
batch_sizes = [1, 2, 4, 8, 16, 32, 64, N]
measured, theory = [], []
shuffle = torch.Generator().manual_seed(0)
n_epochs = 8
for B in batch_sizes:
    errors = []
    for _ in range(n_epochs):
        order = torch.randperm(N, generator=shuffle)
        batch_grads = G[order].reshape(N // B, B, -1).mean(1)  # one row per batch of this epoch
        torch.testing.assert_close(batch_grads.mean(0), g_full, rtol=0, atol=1e-12)  # unbiased: exact
        errors.append(((batch_grads - g_full) ** 2).sum(1))
    measured.append(torch.cat(errors).mean().item())
    theory.append((sigma2 / B * (N - B) / (N - 1)).item())

for B, m, t in zip(batch_sizes, measured, theory, strict=True):
    print(f"B = {B:>4}: measured E|g_B - g|^2 = {m:.4f}, formula {t:.4f}")
assert measured[0] == theory[0] or abs(measured[0] / theory[0] - 1) < 1e-9  # B = 1: every sample once, exact
assert all(abs(m / t - 1) < 0.15 for m, t in zip(measured[:-1], theory[:-1], strict=True))
assert measured[-1] < 1e-20 and theory[-1] == 0.0  # B = N: the full gradient itself

# %%
fig, ax = figure()
ax.loglog(batch_sizes[:-1], measured[:-1], "o", color=PALETTE[0], label="measured (8 shuffled epochs)")
ax.loglog(batch_sizes[:-1], theory[:-1], "-", color=PALETTE[1], label=r"$\frac{\sigma^2}{B}\cdot\frac{N-B}{N-1}$")
ax.set_xlabel("batch size B")
ax.set_ylabel(r"$E\,\|g_B - g\|^2$")
ax.legend()
_ = ax.set_title("Mini-batch gradient noise falls as 1/B")

# %% [markdown]
# Every doubling of the batch halves the squared error (the line has slope $-1$): a batch 4 times
# larger has half the noise in $\lVert g_B - g \rVert$ and costs 4 times as much. That is the trade.
# Per pass over the data, small batches take many cheap, noisy steps; the full batch takes one exact
# step. Here are the three trained with plain gradient descent for a few epochs (each with a learning
# rate that suits it: a noisier gradient needs smaller steps).

# %%
runs = {"BGD, B = 1344 (lr 1.0)": (N, 1.0), "mini-batch, B = 32 (lr 0.2)": (32, 0.2), "SGD, B = 1 (lr 0.03)": (1, 0.03)}
X32, y32 = X.float().to(device), y.to(device)
curves = {}
for label, (B, lr) in runs.items():
    torch.manual_seed(0)
    model = MLP((64, 32, 10)).to(device)
    with torch.no_grad():
        points = [(0.0, nn.functional.cross_entropy(model(X32), y32).item())]

    def record(step: int, B: int = B, model: nn.Module = model, points: list = points) -> None:
        """After each update (the engine's on_step hook): the loss on all N samples, 8 times per epoch."""
        seen = step * B
        if seen % (N // 8) < B or B == N:
            with torch.no_grad():
                points.append((seen / N, nn.functional.cross_entropy(model(X32), y32).item()))

    # the course's engine, one shuffled pass over the N samples per epoch; fp32 on any device
    train_loop(model, make_batches(X32, y32, batch_size=B, seed=0), optimizer=teach.SGD(model.parameters(), lr=lr),
               loss_fn=nn.functional.cross_entropy, epochs=epochs, on_step=record, precision="fp32", desc=label)
    curves[label] = points

fig, ax = figure()
for label, points in curves.items():
    ax.plot(*zip(*points, strict=True), marker="o" if len(points) < 10 else None, label=label)
ax.set_xlabel("epochs (passes over the 1344 images)")
ax.set_ylabel("training loss (all 1344)")
ax.legend()
final = {label: points[-1][1] for label, points in curves.items()}
print({label: round(v, 2) for label, v in final.items()})
assert final["SGD, B = 1 (lr 0.03)"] < final["mini-batch, B = 32 (lr 0.2)"] < final["BGD, B = 1344 (lr 1.0)"]

# %% [markdown]
# Per epoch, SGD wins by far: it made 1344 updates per pass, BGD one. Per *update*, the full batch
# is the best direction. In practice a GPU computes the gradient of 32 or 1024 samples in about the
# time of one, so mini-batches get most of SGD's many updates at a fraction of the noise: that is
# why every large model is trained with mini-batches, and why the optimizers below all take a
# (noisy) mini-batch gradient as input.
#
# ## Momentum (动量)
#
# Gradient descent forgets everything but the current gradient. **Momentum** keeps a running sum
# of past gradients, a velocity $v$ that decays by $\mu$ (typically 0.9) per step:
#
# $$v_t = \mu\, v_{t-1} + g_t, \qquad \theta_t = \theta_{t-1} - \eta\, v_t, \qquad v_0 = 0 .$$
#
# Where gradients agree from step to step (along a long valley), the velocity builds up to
# $g/(1-\mu)$, ten times the gradient; where they flip sign (across a narrow valley), they cancel.
# We write the rule out for a 2-vector on a quadratic bowl and check it against `torch.optim.SGD`.
# (Some texts write $v_t = \mu v_{t-1} + (1-\mu) g_t$; that is the same method with $\eta$ divided
# by $1 - \mu$, also checked below.)

# %%
def bowl_gradient(theta: torch.Tensor) -> torch.Tensor:
    """Gradient of the quadratic used throughout: f = (x^2 + 25 y^2) / 2."""
    return quadratic_gradient(theta, condition=25.0)


def run_torch(make, steps: int = 30) -> torch.Tensor:
    """Steps of a torch.optim optimizer on the bowl from (-4, 1.5); returns the points it visits."""
    theta = torch.tensor([-4.0, 1.5], dtype=torch.float64, requires_grad=True)
    opt = make([theta])
    points = [theta.detach().clone()]
    for _ in range(steps):
        theta.grad = bowl_gradient(theta.detach())
        opt.step()
        points.append(theta.detach().clone())
    return torch.stack(points)


lr, mu = 0.02, 0.9
theta, v = torch.tensor([-4.0, 1.5], dtype=torch.float64), torch.zeros(2, dtype=torch.float64)
theta_ewma, v_ewma = theta.clone(), v.clone()
by_hand, by_hand_ewma = [theta.clone()], [theta.clone()]
for _ in range(30):
    v = mu * v + bowl_gradient(theta)
    theta = theta - lr * v
    by_hand.append(theta.clone())
    v_ewma = mu * v_ewma + (1 - mu) * bowl_gradient(theta_ewma)
    theta_ewma = theta_ewma - lr / (1 - mu) * v_ewma
    by_hand_ewma.append(theta_ewma.clone())
reference = run_torch(lambda p: torch.optim.SGD(p, lr=lr, momentum=mu))
torch.testing.assert_close(torch.stack(by_hand), reference)
torch.testing.assert_close(torch.stack(by_hand_ewma), reference)
print("momentum by hand = torch.optim.SGD(momentum=0.9) for 30 steps (both ways of writing it)")

constant_g, velocity = torch.tensor([0.5, -2.0], dtype=torch.float64), torch.zeros(2, dtype=torch.float64)
for _ in range(400):
    velocity = mu * velocity + constant_g
torch.testing.assert_close(velocity, constant_g / (1 - mu))  # a steady gradient builds up to g / (1 - mu)

# %% [markdown]
# ## RMSProp
#
# Momentum uses one learning rate for every parameter. **RMSProp** (Tieleman & Hinton, 2012)
# gives each parameter its own scale: it keeps a running mean of the *squared* gradient and divides
# by its root,
#
# $$s_t = \rho\, s_{t-1} + (1-\rho)\, g_t^2, \qquad \theta_t = \theta_{t-1} - \eta\,\frac{g_t}{\sqrt{s_t} + \varepsilon},$$
#
# elementwise, with $\rho$ about 0.99 (PyTorch calls it `alpha`) and a tiny $\varepsilon$ that keeps
# the division safe. A coordinate with large gradients takes smaller steps, one with small gradients
# larger ones: roughly $\eta$ per step in each, whatever the gradient's scale.

# %%
lr, rho, eps = 0.02, 0.99, 1e-8
theta, s = torch.tensor([-4.0, 1.5], dtype=torch.float64), torch.zeros(2, dtype=torch.float64)
by_hand = [theta.clone()]
for _ in range(30):
    g = bowl_gradient(theta)
    s = rho * s + (1 - rho) * g**2
    theta = theta - lr * g / (s.sqrt() + eps)
    by_hand.append(theta.clone())
torch.testing.assert_close(torch.stack(by_hand), run_torch(lambda p: torch.optim.RMSprop(p, lr=lr, alpha=rho, eps=eps)))
print("RMSProp by hand = torch.optim.RMSprop for 30 steps")

# %% [markdown]
# ## Adam: momentum and RMSProp together, bias-corrected
#
# **Adam** (Kingma & Ba, 2015) keeps both running means: the first moment $m$ (momentum's
# direction) and the second moment $v$ (RMSProp's scale). Both start at zero, so early on they are
# too small: after one step $m_1 = (1-\beta_1) g_1$ is a tenth of $g_1$. Dividing by
# $1 - \beta^t$ removes that **bias**:
#
# $$m_t = \beta_1 m_{t-1} + (1-\beta_1)\, g_t, \qquad v_t = \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2,$$
# $$\hat m_t = \frac{m_t}{1-\beta_1^t}, \qquad \hat v_t = \frac{v_t}{1-\beta_2^t}, \qquad \theta_t = \theta_{t-1} - \eta\,\frac{\hat m_t}{\sqrt{\hat v_t} + \varepsilon},$$
#
# with $\beta_1 = 0.9$, $\beta_2 = 0.999$, $\varepsilon = 10^{-8}$ by default.
#
# **Two corrections to the source article.** It says Adam "combines SGD and Momentum": it combines
# *momentum* ($m$) and *RMSProp* ($v$). And its formula (4.1.3 and 4.2.5),
# $\theta \leftarrow \theta - \eta\, m / \big((1-\beta_1^t)(1-\beta_2^t)\big)$, has no $v$ and no
# $\varepsilon$ at all and multiplies the two corrections together; the last section measures what
# that does.
#
# At $t = 1$ the correction makes $\hat m_1 = g_1$ and $\hat v_1 = g_1^2$ exactly, so the first step
# is $\eta\, g_1 / (|g_1| + \varepsilon)$: a step of almost exactly $\eta$ in every coordinate,
# whatever the size of the gradient.

# %%
lr, beta1, beta2, eps = 0.2, 0.9, 0.999, 1e-8
theta = torch.tensor([-4.0, 1.5], dtype=torch.float64)
m, v = torch.zeros(2, dtype=torch.float64), torch.zeros(2, dtype=torch.float64)
by_hand = [theta.clone()]
for t in range(1, 31):
    g = bowl_gradient(theta)
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    theta = theta - lr * m_hat / (v_hat.sqrt() + eps)
    by_hand.append(theta.clone())
    if t == 1:
        first_step = by_hand[1] - by_hand[0]
        g1 = bowl_gradient(by_hand[0])
        torch.testing.assert_close(first_step, -lr * g1 / (g1.abs() + eps))
adam_reference = run_torch(lambda p: torch.optim.Adam(p, lr=lr, betas=(beta1, beta2), eps=eps))
torch.testing.assert_close(torch.stack(by_hand), adam_reference)
print("Adam by hand = torch.optim.Adam for 30 steps; first step:", [round(x, 6) for x in first_step.tolist()])

# %% [markdown]
# The gradient at the start is $(-4, 37.5)$, yet the first step is $(+0.2, -0.2)$: $\eta$ in each
# coordinate, pointing downhill. That scale-free step is Adam's main practical virtue: one learning
# rate works for parameters whose gradients differ by orders of magnitude.
#
# ## AdamW: weight decay, decoupled
#
# **Weight decay** (权重衰减) pulls weights toward zero to fight overfitting. Adding the L2 penalty
# $\frac{\lambda}{2}\lVert\theta\rVert^2$ to the loss adds $\lambda\theta$ to the gradient; in plain SGD
# that *is* weight decay. In Adam it is not: the $\lambda\theta$ term goes through $m$ and $v$ and is
# divided by $\sqrt{\hat v}$, so parameters with large gradients are barely decayed.
# **AdamW** (Loshchilov & Hutter, 2019) decouples the two: it shrinks the weights directly, then
# takes an ordinary Adam step on the loss gradient alone,
#
# $$\theta \leftarrow \theta - \eta\lambda\,\theta, \qquad \theta \leftarrow \theta - \eta\,\frac{\hat m_t}{\sqrt{\hat v_t} + \varepsilon}.$$
#
# It is the default optimizer for training Transformers and large language models.

# %%
lr, beta1, beta2, eps, wd = 0.2, 0.9, 0.999, 1e-8, 0.1
theta = torch.tensor([-4.0, 1.5], dtype=torch.float64)
m, v = torch.zeros(2, dtype=torch.float64), torch.zeros(2, dtype=torch.float64)
by_hand = [theta.clone()]
for t in range(1, 31):
    g = bowl_gradient(theta)  # the gradient at the point before decay
    theta = theta - lr * wd * theta  # decoupled weight decay
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    theta = theta - lr * (m / (1 - beta1**t)) / ((v / (1 - beta2**t)).sqrt() + eps)
    by_hand.append(theta.clone())
adamw_reference = run_torch(lambda p: torch.optim.AdamW(p, lr=lr, betas=(beta1, beta2), eps=eps, weight_decay=wd))
torch.testing.assert_close(torch.stack(by_hand), adamw_reference)
l2_reference = run_torch(lambda p: torch.optim.Adam(p, lr=lr, betas=(beta1, beta2), eps=eps, weight_decay=wd))

# Adam's weight_decay is the L2 penalty: plain Adam on loss + lambda/2 |theta|^2, differentiated by autograd
theta_l2 = torch.tensor([-4.0, 1.5], dtype=torch.float64, requires_grad=True)
adam_l2 = torch.optim.Adam([theta_l2], lr=lr, betas=(beta1, beta2), eps=eps)
penalized = [theta_l2.detach().clone()]
for _ in range(30):
    adam_l2.zero_grad()
    (quadratic(theta_l2, condition=25.0) + wd / 2 * (theta_l2**2).sum()).backward()
    adam_l2.step()
    penalized.append(theta_l2.detach().clone())
torch.testing.assert_close(torch.stack(penalized), l2_reference)
print("AdamW by hand = torch.optim.AdamW for 30 steps")
print("after 30 steps: AdamW", [round(x, 3) for x in adamw_reference[-1].tolist()],
      "| Adam with L2 penalty", [round(x, 3) for x in l2_reference[-1].tolist()])
assert not torch.allclose(adamw_reference[-1], l2_reference[-1], atol=1e-3)  # not the same method

# %% [markdown]
# ## The course's optimizers: `lib.scratch.optimizers`, step for step equal to `torch.optim`
#
# `lib.scratch.optimizers` holds the same rules as subclasses of `torch.optim.Optimizer`, so they drop into any
# training loop (including `lib.train.fit`). Each is a few readable lines; here is Adam's:

# %%
print(inspect.getsource(teach.Adam.update))

# %% [markdown]
# Now the real test: the digits MLP (two hidden layers of 32 this time), two identical copies, one
# trained by `lib.scratch.optimizers` and one by `torch.optim` with the same hyperparameters, on the same 100
# mini-batches of 32, both through the course's engine (`lib.train.loop.train`, whose `on_step` hook
# compares them). After **every** step the parameters must agree to $10^{-6}$. (We use float64:
# in float32, rounding differences of $10^{-7}$ between two correct implementations can grow over
# hundreds of Adam steps, because Adam divides by $\sqrt{\hat v}$, which is tiny for parameters that
# rarely get a gradient.)

# %%
pairs = {
    "SGD": (lambda p: teach.SGD(p, lr=0.1), lambda p: torch.optim.SGD(p, lr=0.1)),
    "SGD + momentum": (lambda p: teach.SGD(p, lr=0.05, momentum=0.9), lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9)),
    "RMSProp": (lambda p: teach.RMSprop(p, lr=1e-3), lambda p: torch.optim.RMSprop(p, lr=1e-3)),
    "Adam": (lambda p: teach.Adam(p, lr=1e-2), lambda p: torch.optim.Adam(p, lr=1e-2)),
    "AdamW": (lambda p: teach.AdamW(p, lr=1e-2, weight_decay=0.1), lambda p: torch.optim.AdamW(p, lr=1e-2, weight_decay=0.1)),
}
torch.manual_seed(0)
start_model = MLP((64, 32, 32, 10)).double()
batches = [torch.randint(N, (32,), generator=torch.Generator().manual_seed(step)) for step in range(100)]
data = [(X[idx], y[idx]) for idx in batches]
# the loss in float64 (LossStep keeps the model's precision; only the logged value is rounded to float32)
objective = LossStep(lambda model, batch: nn.functional.cross_entropy(model(batch[0]), batch[1]))


def lockstep(make_ours, make_torch) -> tuple[list[float], float]:
    """Both copies train through the course's engine: ours records its parameters after every step, then
    torch.optim's run is compared with them after every step of its own (the engine's on_step hook)."""
    ours, theirs = copy.deepcopy(start_model), copy.deepcopy(start_model)
    after_step, differences = [], []  # our parameters, and the largest difference from torch.optim's, per step

    def compare(step: int) -> None:
        largest = 0.0
        for p_ours, p_theirs in zip(after_step[step - 1], theirs.parameters(), strict=True):
            torch.testing.assert_close(p_ours, p_theirs.detach(), rtol=0, atol=1e-6)
            largest = max(largest, (p_ours - p_theirs).abs().max().item())
        differences.append(largest)

    history = train_loop(ours, data, objective, optimizer=make_ours(ours.parameters()), steps=100, log_every=1,
                         keep_every_step=True, progress=False,
                         on_step=lambda step: after_step.append([p.detach().clone() for p in ours.parameters()]))
    train_loop(theirs, data, objective, optimizer=make_torch(theirs.parameters()), steps=100, on_step=compare,
               progress=False)
    assert len(after_step) == len(differences) == 100  # compared after every one of the 100 steps
    return history["train_loss"], max(differences)


loss_curves = {}
for name, (make_ours, make_torch) in pairs.items():
    loss_curves[name], worst = lockstep(make_ours, make_torch)
    print(f"{name:<15} 100 steps, largest parameter difference from torch.optim: {worst:.1e}")

# %%
fig, ax = figure()
for name, losses in loss_curves.items():
    ax.plot(range(1, 101), losses, label=name)
ax.set_xlabel("step (mini-batch of 32)")
ax.set_ylabel("mini-batch loss")
ax.legend()
_ = ax.set_title("Digits MLP: the same 100 batches, five optimizers")

# %% [markdown]
# (The learning rates are each optimizer's usual starting point, not tuned; the curves are for
# reading, and the equality checks above are the point.)
#
# ## Watching optimizers on 2-D loss surfaces
#
# A network's loss lives in thousands of dimensions, but two of its troubles already show in two:
#
# - an **ill-conditioned quadratic** $f(x, y) = \frac{1}{2}(x^2 + \kappa y^2)$ with $\kappa = 25$: a
#   valley 25 times steeper across ($y$) than along ($x$);
# - the **Rosenbrock function** $f(x, y) = (1 - x)^2 + 100\,(y - x^2)^2$: a curved valley with a
#   nearly flat floor, minimum 0 at $(1, 1)$.
#
# `lib.lessons.lesson_2_5_surfaces` holds both with hand-written gradients; we check them against autograd.

# %%
points = torch.randn(50, 2, dtype=torch.float64, generator=generator) * 2
for value, gradient in ((quadratic, quadratic_gradient), (rosenbrock, rosenbrock_gradient)):
    p = points.clone().requires_grad_(True)
    (autograd_gradient,) = torch.autograd.grad(value(p).sum(), p)
    torch.testing.assert_close(gradient(points), autograd_gradient)
assert rosenbrock(torch.tensor([1.0, 1.0])).item() == 0.0 and quadratic(torch.tensor([0.0, 0.0])).item() == 0.0
print("hand-written gradients of both surfaces = autograd at 50 random points")

# %% [markdown]
# Why is the quadratic hard for plain gradient descent? Each coordinate evolves on its own:
# $x_t = (1-\eta)^t x_0$ and $y_t = (1 - \eta\kappa)^t y_0$. The steep direction is stable only if
# $|1 - \eta\kappa| < 1$, that is $\eta < 2/\kappa = 0.08$; at such a small $\eta$ the flat
# direction shrinks by at most $1 - 2/\kappa$ per step. The larger the condition number $\kappa$,
# the slower the crawl. `lib.loss_surfaces.trajectory` runs any `lib.scratch.optimizers` optimizer on a surface
# and returns the points it visits; we check it against those formulas.

# %%
kappa, x0, y0 = 25.0, *SURFACES["quadratic"].start
steps_t = torch.arange(61, dtype=torch.float64)
for lr in (0.075, 0.079):
    path = trajectory("quadratic", "sgd", lr, steps=60)
    torch.testing.assert_close(path, torch.stack([(1 - lr) ** steps_t * x0, (1 - lr * kappa) ** steps_t * y0], 1))
unstable = trajectory("quadratic", "sgd", 0.09, steps=60)
assert unstable[-1, 1].abs() > 1000 * abs(y0)  # |1 - 0.09 * 25| = 1.25 > 1: the steep direction blows up
print(f"GD with lr 0.09 > 2/kappa: |y| grew from {abs(y0)} to {unstable[-1, 1].abs().item():.3g} in 60 steps")

# %% [markdown]
# Now the four optimizers on both surfaces, each with a learning rate that works for it there
# (picked by hand; the widget below lets you try others), all with `trajectory`'s default betas
# $(0.9, 0.999)$: momentum's $\mu = 0.9$ and RMSProp's $\rho = 0.999$.

# %%
settings = {
    "quadratic": (60, {"sgd": 0.075, "momentum": 0.02, "rmsprop": 0.02, "adam": 0.2}),
    "rosenbrock": (500, {"sgd": 0.001, "momentum": 0.001, "rmsprop": 0.01, "adam": 0.05}),
}
fig, axes = figure(ncols=2, nrows=2, width=11, height=8)
final_loss = {}
for col, (surface_name, (n_steps, lrs)) in enumerate(settings.items()):
    surface = SURFACES[surface_name]
    paths = {f"{name} (lr {lr:g})": trajectory(surface_name, name, lr, steps=n_steps) for name, lr in lrs.items()}
    contour_paths(*grid(surface_name), paths, ax=axes[0, col], minimum=surface.minimum,
                  title=f"{surface_name}, {n_steps} steps")
    for label, path in paths.items():
        axes[1, col].semilogy(surface.value(path), label=label)
        final_loss[surface_name, label.split()[0]] = surface.value(path[-1]).item()
    axes[1, col].set_xlabel("step")
    axes[1, col].set_ylabel("loss (log scale)")
    axes[1, col].legend(fontsize=8)

# %%
# NBVAL_CHECK_OUTPUT
print(f"{'loss after':<12}" + "".join(f"{name:>10}" for name in ("sgd", "momentum", "rmsprop", "adam")))
for surface_name in settings:
    row = "".join(f"{final_loss[surface_name, name]:>10.1e}" for name in ("sgd", "momentum", "rmsprop", "adam"))
    print(f"{surface_name:<12}{row}")
assert final_loss["rosenbrock", "momentum"] < final_loss["rosenbrock", "adam"] < final_loss["rosenbrock", "sgd"]

# %% [markdown]
# What the plots show:
#
# - **Gradient descent** on the quadratic zigzags across the steep direction (its learning rate is
#   just under the $2/\kappa$ limit) and creeps along the flat one. On Rosenbrock it reaches the
#   valley floor and then crawls.
# - **Momentum** overshoots and spirals on the quadratic, but on Rosenbrock its velocity carries it
#   along the curved floor: after 500 steps it is the closest to $(1, 1)$.
# - **RMSProp** and **Adam** divide each coordinate by its own gradient scale, so they cut across the
#   quadratic diagonally instead of zigzagging. This valley is aligned with the axes, where
#   per-coordinate scaling is exactly right; in a tilted valley it helps less.
# - **RMSProp**'s first step on Rosenbrock jumps up and to the right. It has no bias correction:
#   with $\rho = 0.999$ (here $\rho = \beta_2$), $s_1 = (1-\rho)\, g_1^2$ is 1000 times too small, so its
#   first step is $\eta\, g_1 / (\sqrt{0.001\, g_1^2} + \varepsilon) \approx 31.6\,\eta$ in each
#   coordinate. Adam's bias correction exists to prevent exactly this.

# %%
first_rmsprop = trajectory("rosenbrock", "rmsprop", 0.01, steps=1)
g1 = rosenbrock_gradient(first_rmsprop[0])
torch.testing.assert_close(first_rmsprop[1] - first_rmsprop[0], -0.01 * g1 / ((1 - 0.999) * g1**2).sqrt().add(1e-8))
print("RMSProp's first step with lr 0.01:", [round(x, 4) for x in (first_rmsprop[1] - first_rmsprop[0]).tolist()])

# %% [markdown]
# No optimizer wins everywhere, and on a 2-D toy a tuned momentum can beat Adam. Adam's advantage
# in real networks is robustness: one learning rate works for millions of parameters with very
# different gradient scales.
#
# ## Try it: steer an optimizer
#
# The widget runs `lib.loss_surfaces.trajectory`, a plain function (you can call it yourself), and
# draws the path and its loss. One pair of betas drives every optimizer: $\beta_1$ is momentum's
# $\mu$ and Adam's $\beta_1$; $\beta_2$ is RMSProp's $\rho$ and Adam's $\beta_2$. Things to try: on
# the quadratic, raise gradient descent's learning rate past $2/\kappa = 0.08$ (`log10_lr` above $-1.1$); set
# Adam's $\beta_1$ to 0 (RMSProp with bias correction); try `article_adam`.

# %%
def show_optimizer(surface: str = "rosenbrock", optimizer: str = "adam", log10_lr: float = -1.3,
                   beta1: float = 0.9, beta2: float = 0.999, steps: int = 300) -> None:
    lr = 10**log10_lr
    path = trajectory(surface, optimizer, lr, steps=steps, betas=(beta1, beta2))
    fig, (left, right) = figure(ncols=2, width=11, height=4)
    contour_paths(*grid(surface), {f"{optimizer} (lr {lr:.3g})": path}, ax=left,
                  minimum=SURFACES[surface].minimum, title=surface)
    right.semilogy(SURFACES[surface].value(path))
    right.set_xlabel("step")
    right.set_ylabel("loss (log scale)")
    reached = path[torch.isfinite(path).all(1)][-1]
    right.set_title(f"after {steps} steps: loss {SURFACES[surface].value(reached).item():.3g}")


show_optimizer()

# %%
interactive_view(show_optimizer, surface=["rosenbrock", "quadratic"],
                 optimizer=["sgd", "momentum", "rmsprop", "adam", "article_adam"],
                 log10_lr=(-5.0, 0.5, 0.1), beta1=(0.0, 0.99, 0.01), beta2=[0.999, 0.99, 0.9], steps=(10, 1000, 10))

# %% [markdown]
# ## The article's Adam formula, measured
#
# The article's update is $\theta \leftarrow \theta - \eta\, m_t / \big((1-\beta_1^t)(1-\beta_2^t)\big)$
# (`lib.scratch.optimizers.ArticleAdam`). Written with $\hat m_t = m_t/(1-\beta_1^t)$ it is
# $\theta \leftarrow \theta - \frac{\eta}{1-\beta_2^t}\,\hat m_t$: momentum SGD whose learning rate
# is multiplied by $1/(1-\beta_2^t)$, which is $1000$ at $t = 1$, about $100$ at $t = 10$ and
# $10.5$ at $t = 100$ with $\beta_2 = 0.999$. So:
#
# 1. its first step is $\eta\, g_1/(1-\beta_2) = 1000\,\eta\, g_1$ instead of Adam's $\approx \eta$ per
#    coordinate;
# 2. with no $\sqrt{\hat v}$ to divide by, its steps grow with the gradient's scale: multiply the
#    loss by 100 and every step is 100 times larger. Adam's steps do not change.
#
# We measure both on the quadratic, with the loss multiplied by $c$ from $10^{-2}$ to $10^{2}$
# (the same valley; only the gradient's scale changes). Adam runs at its learning rate 0.2 from
# above, the article's formula at $10^{-4}$, small enough not to blow up at $c = 1$.

# %%
t = torch.arange(1, 1001, dtype=torch.float64)
multiplier = 1 / (1 - 0.999**t)
assert abs(multiplier[0].item() - 1000) < 1e-9 and round(multiplier[9].item()) == 100 and round(multiplier[99].item(), 1) == 10.5

first = {}
for name, lr in (("adam", 0.2), ("article_adam", 1e-4)):
    path = trajectory("quadratic", name, lr, steps=1)
    first[name] = path[1] - path[0]
g1 = quadratic_gradient(torch.tensor(SURFACES["quadratic"].start, dtype=torch.float64))
torch.testing.assert_close(first["article_adam"], -1e-4 * g1 / (1 - 0.999))
torch.testing.assert_close(first["adam"], -0.2 * g1 / (g1.abs() + 1e-8))

quad = SURFACES["quadratic"]
scales = [10.0**k for k in (-2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2)]
after = {"adam": [], "article_adam": []}
for c in scales:
    scaled = Surface(f"{c:g} x quadratic", lambda p, c=c: c * quadratic(p), lambda p, c=c: c * quadratic_gradient(p),
                     quad.minimum, quad.start, quad.xlim, quad.ylim)
    for name, lr in (("adam", 0.2), ("article_adam", 1e-4)):
        path = trajectory(scaled, name, lr, steps=100)
        finite = path[torch.isfinite(path).all(1)]
        after[name].append(quadratic(finite[-1]).item())  # unscaled loss of the last finite point

fig, (left, right) = figure(ncols=2, width=11, height=4)
left.loglog(t, multiplier, color=PALETTE[3])
left.set_xlabel("step t")
left.set_ylabel(r"$1/(1-\beta_2^t)$")
left.set_title("The article's extra learning-rate factor")
right.loglog(scales, after["adam"], "o-", label="Adam (lr 0.2)")
right.loglog(scales, after["article_adam"], "s-", color=PALETTE[3], label="article's formula (lr 1e-4)")
right.set_xlabel("loss multiplied by c")
right.set_ylabel("loss after 100 steps (c = 1 units)")
right.set_title("Same valley, different gradient scale")
right.legend()
print("first step from (-4, 1.5): Adam", [round(x, 4) for x in first["adam"].tolist()],
      "| article", [round(x, 4) for x in first["article_adam"].tolist()])
spread = max(after["adam"]) / min(after["adam"])
print(f"Adam's loss after 100 steps varies by a factor {spread:.4f} across c; the article's ranges from "
      f"{min(after['article_adam']):.2g} to {max(after['article_adam']):.2g}")
assert spread < 1.01 and max(after["article_adam"]) > 1e10 and min(after["article_adam"]) > 100 * max(after["adam"])

# %% [markdown]
# Adam ends at the same loss whatever the scale $c$ (its steps depend on $g/\sqrt{\hat v}$, which
# does not change when $g$ is multiplied by $c$). The article's formula crawls when gradients are
# small and diverges when they are 10 times larger: its learning rate would have to be re-tuned for
# every change of scale. Real losses change scale all the time: summing instead of averaging over a
# batch multiplies the gradient by the batch size. We train the digits MLP for 300 mini-batches of
# 32 with each optimizer at $\eta = 10^{-3}$, once with the mean loss and once with the sum.

# %%
X_all, y_all = train.flat.to(device), train.labels.to(device)
X_test, y_test = test.flat.to(device), test.labels.to(device)
results, curves = {}, {}
for reduction in ("mean", "sum"):
    for name in ("adam", "article_adam"):
        torch.manual_seed(0)
        model = MLP((64, 32, 10)).to(device)
        opt = teach.make_optimizer(name, model.parameters(), lr=1e-3)
        draw = torch.Generator().manual_seed(1)
        idxs = [torch.randint(len(X_all), (32,), generator=draw).to(device) for _ in range(300)]
        run = train_loop(model, [(X_all[idx], y_all[idx]) for idx in idxs], optimizer=opt, steps=300, log_every=1,
                         loss_fn=partial(nn.functional.cross_entropy, reduction=reduction), keep_every_step=True,
                         precision="fp32", progress=False)  # the course's engine, every step's loss kept
        history = [loss / (32 if reduction == "sum" else 1) for loss in run["train_loss"]]
        with torch.no_grad():
            results[reduction, name] = (nn.functional.cross_entropy(model(X_all), y_all).item(),
                                        (model(X_test).argmax(1) == y_test).float().mean().item())
        curves[reduction, name] = history

fig, ax = figure()
for (reduction, name), history in curves.items():
    ax.semilogy(history, color=PALETTE[0 if name == "adam" else 3], linestyle="-" if reduction == "mean" else "--",
                label=f"{'Adam' if name == 'adam' else 'article'}, {reduction} loss")
ax.set_xlabel("step")
ax.set_ylabel("mini-batch loss per sample (log scale)")
ax.legend()
peak = max(curves["sum", "article_adam"][:10])
print(f"article's formula, summed loss: the loss per sample jumps to {peak:.0f} in its first steps")
for (reduction, name), (train_loss, test_acc) in results.items():
    print(f"{name:<13} {reduction:>4} loss: train loss {train_loss:.2f}, test accuracy {test_acc:.0%}")
assert abs(results["mean", "adam"][0] - results["sum", "adam"][0]) < 1e-3
assert results["mean", "adam"][1] > 0.8 and results["mean", "article_adam"][0] > results["mean", "adam"][0] + 0.5
assert peak > 100 * curves["sum", "article_adam"][0]

# %% [markdown]
# Adam's two runs coincide (the dashed line hides under the solid one): summing the loss multiplies
# every gradient by 32, and Adam's step does not notice. The article's formula gives two different
# runs. With the summed loss its first steps, 1000 times too large and 32 times larger again, throw
# the loss up by a factor of hundreds before it recovers. Both of its runs are far behind Adam after
# 300 steps: past its first few huge steps its effective
# learning rate $\eta/(1-\beta_2^t)$ decays towards $\eta = 10^{-3}$, a rate at which SGD learns
# slowly. What makes Adam work is exactly what the article dropped: dividing by $\sqrt{\hat v}$.
#
# ## Summary
#
# - One update rule, $\theta \leftarrow \theta - \eta \nabla \mathcal{L}_S$. Batch, stochastic and mini-batch
#   gradient descent differ only in the samples $S$ the gradient averages over. The mini-batch
#   gradient is unbiased (over an epoch its average is exactly the full gradient) and its squared
#   error falls as $1/B$.
# - Momentum accumulates a velocity $v = \mu v + g$. RMSProp divides by the root of a running mean of
#   $g^2$. Adam does both, with bias correction: $\theta \leftarrow \theta - \eta\,\hat m/(\sqrt{\hat v} + \varepsilon)$.
#   AdamW decays the weights directly instead of through the gradient.
# - `lib.scratch.optimizers` implements each in plain tensor code and matches `torch.optim` to $10^{-6}$ at every
#   step of 100 on a real model.
# - The article's Adam, $\eta\, m/((1-\beta_1^t)(1-\beta_2^t))$, takes a first step 1000 times too
#   large and scales with the gradient; measured, it diverges when the loss is 10 times larger.
#
# ## Exercises
#
# **1.** A parameter's first gradient is $g_1 = 0.003$. With $\eta = 0.01$ and the default betas
# and $\varepsilon$, how far does Adam move it on its first step (a positive number)?

# %%
# BEGIN SOLUTION
g_1, eta = 0.003, 0.01
answer_1 = eta * g_1 / (abs(g_1) + 1e-8)
# END SOLUTION
check("2.5.adam-first-step", answer_1)

# %% [markdown]
# The check rejects the article's formula, whose first step is $\eta\,(1-\beta_1) g_1 / ((1-\beta_1)(1-\beta_2))$:

# %%
article_answer = 0.01 * (1 - 0.9) * 0.003 / ((1 - 0.9) * (1 - 0.999))
print(expect_wrong(check, "2.5.adam-first-step", article_answer))

# %% [markdown]
# **2.** Gradient descent on $f = \frac{1}{2}(x^2 + \kappa y^2)$ with $\kappa = 100$: what is the largest
# learning rate at which it does not diverge?

# %%
# BEGIN SOLUTION
answer_2 = 2 / 100
# END SOLUTION
check("2.5.max-lr", answer_2)

# %% [markdown]
# **3.** Take one AdamW step by hand: $\theta = (1, -2)$, gradient $(0.5, 0.1)$, $\eta = 0.1$,
# $\lambda = 0.5$, default betas and $\varepsilon$. Give the new $\theta$ as a float64 tensor.

# %%
# BEGIN SOLUTION
theta_3 = torch.tensor([1.0, -2.0], dtype=torch.float64)
g_3 = torch.tensor([0.5, 0.1], dtype=torch.float64)
theta_3 = theta_3 - 0.1 * 0.5 * theta_3
m_3, v_3 = (1 - 0.9) * g_3, (1 - 0.999) * g_3**2
answer_3 = theta_3 - 0.1 * (m_3 / (1 - 0.9)) / ((v_3 / (1 - 0.999)).sqrt() + 1e-8)
# END SOLUTION
check("2.5.adamw-step", answer_3)

# %% [markdown]
# **4. Predict, then run.** Multiply the loss by 1,000 (for instance by summing over a batch of 1,000
# instead of averaging), so every gradient is 1,000 times larger. By what factor does Adam's first
# step change? Write the factor in `answer_4` before running the cell, which takes one step of
# `torch.optim.Adam` with each gradient. Then replace `torch.optim.Adam` by `torch.optim.SGD` and run
# it again: which optimizer needs its learning rate retuned when the loss is rescaled?

# %%
# BEGIN SOLUTION
answer_4 = 1.0
# END SOLUTION
steps_4 = []
for scale in (1.0, 1000.0):
    w_4 = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    w_4.grad = scale * torch.tensor([0.003, -0.5], dtype=torch.float64)
    torch.optim.Adam([w_4], lr=0.01).step()
    steps_4.append(w_4.detach().abs())
print("first step, gradient x1:", steps_4[0].tolist(), " x1000:", steps_4[1].tolist())
check("2.5.gradient-scale", answer_4)

# %% [markdown]
# ## References
#
# - Robbins & Monro, *A Stochastic Approximation Method*, The Annals of Mathematical Statistics, 1951 (the origin of SGD).
# - Polyak, *Some methods of speeding up the convergence of iteration methods*, USSR Computational Mathematics and Mathematical Physics, 1964 (momentum, "heavy ball").
# - Sutskever, Martens, Dahl & Hinton, *On the importance of initialization and momentum in deep learning*, ICML 2013.
# - Tieleman & Hinton, *Lecture 6.5 — RMSProp*, Coursera: Neural Networks for Machine Learning, 2012.
# - Kingma & Ba, *Adam: A Method for Stochastic Optimization*, ICLR 2015, arXiv:1412.6980.
# - Loshchilov & Hutter, *Decoupled Weight Decay Regularization*, ICLR 2019, arXiv:1711.05101 (AdamW).
# - Bottou, Curtis & Nocedal, *Optimization Methods for Large-Scale Machine Learning*, SIAM Review, 2018, arXiv:1606.04838 (mini-batch noise and its variance).
# - Rosenbrock, *An Automatic Method for Finding the Greatest or Least Value of a Function*, The Computer Journal, 1960.
# - PyTorch documentation, *torch.optim*: https://pytorch.org/docs/stable/optim.html (the exact update rules checked above).
