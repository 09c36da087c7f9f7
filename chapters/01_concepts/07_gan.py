# %% [markdown]
# # 1.7 Generative adversarial networks (生成对抗网络, GAN)
#
# **Time:** about 1.5 min on a laptop CPU · **Prerequisites:** lesson 1.2 (MLPs, the sigmoid, logits, binary cross-entropy, Adam) and lesson 1.6 (the training loop, `backward()`); the derivative of a function of one variable. Autograd, the KL and Jensen–Shannon divergences are explained here where they are used. · **You will learn:** how a generator and a discriminator are trained against each other, why the generator minimizes −log D(G(z)) instead of log(1 − D(G(z))), what the best discriminator is, and how to watch a GAN learn on 2-D data and tiny digits, over several seeds, and tell an untrained generator's clump from mode collapse.
#
# In this lesson you will:
#
# - meet the two networks of a GAN, the **generator** (生成器) and the **discriminator** (判别器),
#   and the **minimax** game they play;
# - write the game's value with binary cross-entropy on logits and check it against the formula;
# - derive the **optimal discriminator** $D^*(x) = p_\text{data}(x) / (p_\text{data}(x) + p_g(x))$
#   and check it on a 1-D example whose densities we know;
# - see with autograd why the generator's textbook loss stops learning when the discriminator
#   wins, and why the "non-saturating" loss does not;
# - train five GANs from five seeds on a synthetic ring of 8 Gaussians, watch the samples move,
#   measure how many modes each covers, and tell **mode collapse** (模式崩溃) apart from the clump
#   an untrained generator starts with;
# - train a tiny GAN on 8x8 handwritten digits.

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
import math

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn.functional as F
from scipy.spatial.distance import jensenshannon
from sklearn.linear_model import LogisticRegression
from torch.distributions import Normal

from lib.core.seeding import seed_everything
from lib.course.checks import expect_wrong
from lib.course.exercises import check
from lib.course.lesson import lesson_setup
from lib.data.digits import load_digits_split
from lib.data.synthetic import gaussian_ring
from lib.lessons.lesson_1_7_gan import SideBySideMLPs, mode_coverage, ring_centers, split_members
from lib.models import gan
from lib.scale.parameters import parameter_count
from lib.train.gan import train_gan
from lib.train.loop import train
from lib.train.steps import LossStep
from lib.viz.plots import PALETTE, figure, scatter_real_fake
from lib.viz.widgets import interactive_view

device, generator = lesson_setup(seed=0)  # seed, device, one CPU thread for tiny models, the course's plot style

# %% [markdown]
# ## Two networks, one game
#
# A **generative model** (生成模型) learns to produce new samples that look like its training
# data. A GAN (Goodfellow et al., 2014) does it with two networks:
#
# - the **generator** $G$ turns random **noise** $z \sim \mathcal{N}(0, I)$ into a sample $G(z)$;
# - the **discriminator** $D$ looks at a sample $x$ and outputs the probability $D(x)$ that it
#   is real (from the data) rather than generated.
#
# They are trained against each other, **adversarial training** (对抗训练): $D$ learns to tell
# real from fake, $G$ learns to fool $D$. No human labels are needed: "real" and "fake" are
# known from where each sample came from. The source article's glossary (1.4.1) calls a GAN an
# **unsupervised** (无监督学习) model, and that is the usual word: Goodfellow et al. present GANs as
# generative models learned from unlabelled data, and the best-known GAN paper for images is titled
# *Unsupervised Representation Learning with Deep Convolutional GANs* (Radford et al., 2016). Inside,
# the discriminator is trained like a supervised classifier on labels the setup makes for free
# (real = 1, fake = 0), the same move that today's term **self-supervised** (自监督学习, lesson 1.5)
# names for pre-training.
#
# One correction to the article: its FAQ (A2) lists GANs among the main technical principles
# of large models. Large *language* models are not GANs: a GPT is trained to predict the next
# token with cross-entropy (lessons 1.5 and 2.2), and no discriminator takes part. GANs are a
# separate family of generative models, best known for images.
#
# Both networks here are small MLPs (`lib.models.mlp.MLP`, lesson 1.2). The discriminator ends
# in one **logit** $\ell$ (a raw score); $D(x) = \sigma(\ell)$, the sigmoid of the logit.

# %%
noise_dim = 8
G = gan.make_generator(noise_dim, data_dim=2, hidden=64)
D = gan.make_discriminator(data_dim=2, hidden=64)
z = gan.sample_noise(5, noise_dim, generator=generator)
x_fake = G(z)
logits = D(x_fake)
print("noise z:", tuple(z.shape), "-> G(z):", tuple(x_fake.shape), "-> D's logits:", tuple(logits.shape))
print(f"G has {parameter_count(G):,} parameters, D has {parameter_count(D):,}")
print("D(G(z)) =", torch.sigmoid(logits).squeeze(1).detach().numpy().round(3))

# %% [markdown]
# An untrained $D$ says about 0.5 to everything: it cannot tell yet.
#
# ## The value of the game, and binary cross-entropy
#
# Goodfellow et al. define one **value function** (价值函数) that $D$ maximizes and $G$ minimizes:
#
# $$\min_G \max_D V(D, G), \qquad V(D, G) = \mathbb{E}_{x \sim p_\text{data}}[\log D(x)] + \mathbb{E}_{z \sim p_z}[\log(1 - D(G(z)))].$$
#
# $D$ makes $V$ large by saying $D(x) \approx 1$ on real samples and $D(G(z)) \approx 0$ on fakes.
# $G$ only appears in the second term, which it makes small by getting $D(G(z))$ up.
#
# Binary cross-entropy (二元交叉熵) with label $y$ on a probability $p$ is
# $-[y \log p + (1-y)\log(1-p)]$. Label real samples 1 and fakes 0, and $D$'s loss is exactly $-V$:
#
# $$\mathcal{L}_D = \text{BCE}(D(x), 1) + \text{BCE}(D(G(z)), 0) = -\mathbb{E}[\log D(x)] - \mathbb{E}[\log(1 - D(G(z)))] = -V.$$
#
# In code we pass the logits, not the probabilities: `binary_cross_entropy_with_logits`
# computes $\log \sigma(\ell)$ and $\log(1 - \sigma(\ell)) = \log \sigma(-\ell)$ without ever
# forming $\sigma(\ell)$. We compute $V$ from its formula and check `lib.models.gan`'s losses
# against it and against PyTorch.

# %%
real_logits = torch.randn(6, 1, generator=generator) * 3
fake_logits = torch.randn(6, 1, generator=generator) * 3
D_real, D_fake = torch.sigmoid(real_logits), torch.sigmoid(fake_logits)

V = torch.log(D_real).mean() + torch.log(1 - D_fake).mean()  # the formula, on probabilities
torch.testing.assert_close(gan.discriminator_loss(real_logits, fake_logits), -V)
torch.testing.assert_close(
    F.binary_cross_entropy(D_real, torch.ones_like(D_real)) + F.binary_cross_entropy(D_fake, torch.zeros_like(D_fake)), -V
)
# the generator's two losses (next sections): log(1 - D(G(z))) and -log D(G(z))
torch.testing.assert_close(gan.generator_loss(fake_logits, "saturating"), torch.log(1 - D_fake).mean())
torch.testing.assert_close(gan.generator_loss(fake_logits, "non_saturating"), -torch.log(D_fake).mean())
print(f"V = {V.item():.4f}; discriminator_loss = {gan.discriminator_loss(real_logits, fake_logits).item():.4f}")

# %% [markdown]
# Why logits? A discriminator that is sure a sample is fake outputs a large negative logit,
# and a sure "real" a large positive one. In 32-bit floats $\sigma(20)$ rounds to exactly 1,
# so the formula on probabilities takes $\log(1 - 1) = -\infty$; the logit form stays finite and accurate.

# %%
# NBVAL_CHECK_OUTPUT
big = torch.tensor([20.0])
print("log(1 - sigmoid(20)) from the probability:", torch.log(1 - torch.sigmoid(big)).item())
print("the same from the logit, log(sigmoid(-20)):", F.logsigmoid(-big).item())
assert torch.isinf(torch.log(1 - torch.sigmoid(big))).all()
torch.testing.assert_close(F.logsigmoid(-big), torch.tensor([-20 - math.log1p(math.exp(-20))]))

# %% [markdown]
# ## The best discriminator
#
# Fix $G$, so generated samples have some density $p_g$. Writing both expectations as
# integrals over $x$,
#
# $$V = \int \big[p_\text{data}(x) \log D(x) + p_g(x) \log(1 - D(x))\big]\, dx .$$
#
# $D$ can choose its output at every $x$ separately, so it maximizes $a \log y + b \log(1-y)$
# for each $x$, with $a = p_\text{data}(x)$ and $b = p_g(x)$. The derivative $a/y - b/(1-y)$ is
# zero at $y = a/(a+b)$, so
#
# $$D^*(x) = \frac{p_\text{data}(x)}{p_\text{data}(x) + p_g(x)} .$$
#
# We check this on a 1-D example with densities we know: real data $\mathcal{N}(1, 0.5^2)$ and a
# "generator" whose samples follow $\mathcal{N}(-0.5, 1)$.
#
# **Autograd** (自动微分) in one paragraph: PyTorch records every operation done on a tensor created
# with `requires_grad=True`; `backward()` (lesson 1.6) or `torch.autograd.grad` then applies the chain
# rule backwards through that record and returns the derivative of a number with respect to the
# tensor, exactly, not by finite differences (lesson 2.3 builds it from scratch). For example, for
# $y^2$ at $y = 3$ it returns $2y = 6$:

# %%
# NBVAL_CHECK_OUTPUT
y3 = torch.tensor(3.0, requires_grad=True)
(dy,) = torch.autograd.grad(y3**2, y3)
assert dy.item() == 2 * 3.0
print(f"d(y^2)/dy at y = 3: {dy.item()}")

# %% [markdown]
# Three checks of $D^*$: the derivative vanishes at $D^*$ (autograd), no other output does better
# at any $x$ (a grid search), and a discriminator
# *trained* on samples with $\mathcal{L}_D$ learns $D^*$.

# %%
p_data_dist, p_g_dist = Normal(1.0, 0.5), Normal(-0.5, 1.0)
xs = torch.linspace(-2.0, 2.0, 201)
p_data, p_g = p_data_dist.log_prob(xs).exp(), p_g_dist.log_prob(xs).exp()
d_star = gan.optimal_discriminator(p_data, p_g)

# 1. the derivative of a*log(y) + b*log(1 - y) is zero at y = D*
y = d_star.clone().requires_grad_(True)
(p_data * torch.log(y) + p_g * torch.log(1 - y)).sum().backward()
torch.testing.assert_close(y.grad, torch.zeros_like(y), atol=1e-5, rtol=0)

# 2. no output on a fine grid of y in (0, 1) does better, at any x
ys = torch.linspace(0.001, 0.999, 999).unsqueeze(1)
pointwise = p_data * torch.log(ys) + p_g * torch.log(1 - ys)  # (999 outputs, 201 positions)
best_on_grid = pointwise.max(dim=0).values
at_d_star = p_data * torch.log(d_star) + p_g * torch.log(1 - d_star)
assert (at_d_star >= best_on_grid - 1e-6).all()

# 3. a discriminator trained on samples of both learns D* (through the course's engine, lib.train.loop.train)
D_1d = gan.make_discriminator(data_dim=1, hidden=32)


def discriminator_objective(D, batch):
    """L_D on one (real, fake) batch: the loss LossStep minimizes."""
    real, fake = batch
    return gan.discriminator_loss(D(real), D(fake))


samples = [(p_data_dist.sample((512, 1)), p_g_dist.sample((512, 1))) for _ in range(600)]  # (real, fake) per step
train(D_1d, samples, LossStep(discriminator_objective), optimizer=torch.optim.Adam(D_1d.parameters(), lr=3e-3),
      steps=600, progress=False)
with torch.no_grad():
    d_trained = torch.sigmoid(D_1d(xs.unsqueeze(1))).squeeze(1)
worst = (d_trained - d_star).abs().max().item()
print(f"largest gap between the trained D and D* on [-2, 2]: {worst:.3f}")
assert worst < 0.1

# %%
fig, ax = figure(width=7, height=3.6)
ax.plot(xs, p_data, color=PALETTE[0], label="$p_{data}$ = N(1, 0.5²)")
ax.plot(xs, p_g, color=PALETTE[1], label="$p_g$ = N(-0.5, 1)")
ax.plot(xs, d_star, color="black", linewidth=2, label="$D^*(x)$ from the densities")
ax.plot(xs, d_trained, color=PALETTE[3], linestyle="--", linewidth=2, label="D trained on samples")
ax.axhline(0.5, color="0.6", linewidth=0.8)
ax.set_xlabel("x")
ax.set_ylabel("density / probability")
ax.legend(fontsize=8, loc="upper left")
ax.set_title("The trained discriminator finds $p_{data} / (p_{data} + p_g)$")
plt.show()

# %% [markdown]
# Where only real data lives, $D^* \to 1$; where only fakes live, $D^* \to 0$; where the two
# densities are equal, $D^* = 1/2$.
#
# **What does $G$ minimize, then?** Put $D^*$ back into $V$. With the mixture
# $m = (p_\text{data} + p_g)/2$, the two logarithms become $\log \frac{p_\text{data}}{2m}$ and
# $\log \frac{p_g}{2m}$, and
#
# $$V(D^*, G) = \mathrm{KL}(p_\text{data} \| m) + \mathrm{KL}(p_g \| m) - \log 4 = 2\,\mathrm{JSD}(p_\text{data} \| p_g) - \log 4 ,$$
#
# where $\mathrm{KL}(p \| q) = \int p(x) \log \frac{p(x)}{q(x)}\, dx$ is the **Kullback–Leibler
# divergence** (KL 散度): how much worse, on average, $q$ describes samples of $p$ than $p$ itself;
# it is never negative and zero only when $q = p$. $\mathrm{JSD}(p \| q) = \tfrac12
# \mathrm{KL}(p \| m) + \tfrac12 \mathrm{KL}(q \| m)$ is the **Jensen–Shannon divergence**
# (JS 散度), its symmetric version, zero only when the two distributions are equal. So against the best discriminator, the generator minimizes the
# JS divergence between its samples and the data; the game's solution is $p_g = p_\text{data}$,
# where $D^* = 1/2$ everywhere and $V = -\log 4$. We check the identity by integrating on a
# fine grid, and the JSD against SciPy's own `jensenshannon` (which returns its square root).

# %%
grid = torch.linspace(-8.0, 8.0, 16001, dtype=torch.float64)
a = Normal(torch.tensor(1.0, dtype=torch.float64), 0.5).log_prob(grid).exp()
b = Normal(torch.tensor(-0.5, dtype=torch.float64), 1.0).log_prob(grid).exp()
d_opt = gan.optimal_discriminator(a, b)
V_at_d_star = torch.trapezoid(a * torch.log(d_opt) + b * torch.log(1 - d_opt), grid)
m = (a + b) / 2
jsd = 0.5 * torch.trapezoid(a * torch.log(a / m), grid) + 0.5 * torch.trapezoid(b * torch.log(b / m), grid)
torch.testing.assert_close(V_at_d_star, 2 * jsd - math.log(4))
spacing = (grid[1] - grid[0]).item()
jsd_scipy = jensenshannon(a.numpy() * spacing, b.numpy() * spacing) ** 2
assert math.isclose(jsd.item(), jsd_scipy, rel_tol=1e-6), (jsd.item(), jsd_scipy)
print(f"JSD = {jsd.item():.4f};  V(D*, G) = {V_at_d_star.item():.4f} = 2*JSD - log 4")

# at the solution p_g = p_data: D* = 1/2 and V = -log 4
d_equal = gan.optimal_discriminator(a, a)
torch.testing.assert_close(d_equal, torch.full_like(a, 0.5))
torch.testing.assert_close(torch.trapezoid(a * torch.log(d_equal) + a * torch.log(1 - d_equal), grid),
                           torch.tensor(-math.log(4), dtype=torch.float64))

# %% [markdown]
# ## Why the generator uses −log D(G(z))
#
# The game says $G$ should minimize $\log(1 - D(G(z)))$. Early in training its samples are
# poor, $D$ rejects them with confidence, and $D(G(z)) \approx 0$. Look at what then reaches
# $G$. With $D(G(z)) = \sigma(\ell)$ and $\sigma'(\ell) = \sigma(\ell)(1 - \sigma(\ell))$:
#
# $$\frac{\partial}{\partial \ell} \log\big(1 - \sigma(\ell)\big) = -\sigma(\ell) = -D(G(z)) \;\to\; 0 \quad\text{as } D(G(z)) \to 0 .$$
#
# Every gradient $G$ receives is this number times $\partial \ell / \partial \theta_G$, so when $D$
# wins, $G$ stops learning: the loss **saturates** (饱和). Goodfellow et al. proposed instead to
# maximize $\log D(G(z))$, i.e. minimize the **non-saturating** loss $-\log D(G(z))$:
#
# $$\frac{\partial}{\partial \ell} \big(-\log \sigma(\ell)\big) = -(1 - \sigma(\ell)) = -(1 - D(G(z))) \;\to\; -1 .$$
#
# Both push $D(G(z))$ up (the gradient is negative, so a descent step raises $\ell$). Goodfellow
# et al. note that the swap keeps the same fixed point of the game but gives much stronger
# gradients early in learning: the signal is strongest exactly when $G$ is worst. We compute
# both derivatives with autograd and check them against the formulas.

# %%
ell = torch.linspace(-10, 10, 401, requires_grad=True)
grads = {}
for kind in ("saturating", "non_saturating"):
    (grad,) = torch.autograd.grad(gan.generator_loss(ell, kind) * len(ell), ell)  # per-sample gradient
    grads[kind] = grad
d_of_g = torch.sigmoid(ell).detach()
torch.testing.assert_close(grads["saturating"], -d_of_g)
torch.testing.assert_close(grads["non_saturating"], -(1 - d_of_g))

fig, ax = figure(width=7, height=3.6)
ax.plot(d_of_g, grads["saturating"].abs(), color=PALETTE[3], linewidth=2, label="log(1 − D(G(z)))  (saturating)")
ax.plot(d_of_g, grads["non_saturating"].abs(), color=PALETTE[0], linewidth=2, label="−log D(G(z))  (non-saturating)")
ax.axvspan(0, 0.1, color="0.9", zorder=0)
ax.text(0.01, 0.5, "D rejects\nthe fakes", fontsize=9)
ax.set_xlabel("D(G(z)): the discriminator's belief that a fake is real")
ax.set_ylabel("|∂ loss / ∂ logit|")
ax.legend(fontsize=8, loc="center right")
ax.set_title("What reaches the generator")
plt.show()

# %%
# NBVAL_CHECK_OUTPUT
print(f"{'D(G(z))':>8} {'saturating':>11} {'non-saturating':>15}")
for p in (0.001, 0.01, 0.1, 0.5, 0.9):
    logit = torch.tensor([math.log(p / (1 - p))], requires_grad=True)
    g_sat = torch.autograd.grad(gan.generator_loss(logit, "saturating"), logit)[0].item()
    g_ns = torch.autograd.grad(gan.generator_loss(logit, "non_saturating"), logit)[0].item()
    assert math.isclose(g_sat, -p, rel_tol=1e-5) and math.isclose(g_ns, -(1 - p), rel_tol=1e-5)
    print(f"{p:>8} {g_sat:>11.4f} {g_ns:>15.4f}")

# %% [markdown]
# The same happens in real networks. We give a discriminator a head start: 200 updates
# against an untrained generator whose points sit near the origin, far from the data (the
# ring of the next section). Then we measure the gradient that each loss sends into the
# generator's weights.

# %%
data = gaussian_ring(n=4096, modes=8, radius=2.0, std=0.05, seed=0)  # synthetic: 8 Gaussians on a circle
seed_everything(1)
G_start = gan.make_generator(noise_dim, data_dim=2, hidden=64)
D_start = gan.make_discriminator(data_dim=2, hidden=64)
rng = torch.Generator().manual_seed(1)
head_start = []  # 200 batches of (real points, the fixed generator's points)
for _ in range(200):
    real = data[torch.randint(len(data), (128,), generator=rng)]
    with torch.no_grad():
        head_start.append((real, G_start(gan.sample_noise(128, noise_dim, generator=rng))))
train(D_start, head_start, LossStep(discriminator_objective), steps=200, progress=False,
      optimizer=torch.optim.Adam(D_start.parameters(), lr=2e-3, betas=(0.5, 0.999)))

z = gan.sample_noise(1024, noise_dim, generator=rng)
norms = {}
for kind in ("saturating", "non_saturating"):
    G_start.zero_grad()
    fake_logits = D_start(G_start(z))
    gan.generator_loss(fake_logits, kind).backward()
    norms[kind] = torch.cat([p.grad.flatten() for p in G_start.parameters()]).norm().item()
mean_d = torch.sigmoid(fake_logits).mean().item()
print(f"after the head start, mean D(G(z)) = {mean_d:.4f}")
print(f"gradient norm reaching G: saturating {norms['saturating']:.2e}, non-saturating {norms['non_saturating']:.2e}")
print(f"the non-saturating loss gives a {norms['non_saturating'] / norms['saturating']:.0f}x larger gradient")
assert mean_d < 0.1 and norms["non_saturating"] > 10 * norms["saturating"]

# %% [markdown]
# ## Training a GAN on a ring of Gaussians
#
# Our data is **synthetic**: 4,096 points drawn from 8 small Gaussians (standard deviation
# 0.05) evenly spaced on a circle of radius 2 (`lib.data.synthetic.gaussian_ring`). It is the
# standard toy target for GANs because we can *see* the result and we *know* the 8 modes.
#
# One training step (`lib.train.gan.gan_step`) is one round of the game:
#
# 1. draw real points and fakes $G(z)$; update $D$ with $\mathcal{L}_D$ (real → 1, fake → 0),
#    with the fakes detached so that this step does not move $G$;
# 2. draw new noise; update $G$ with the non-saturating loss $-\log D(G(z))$ against the
#    updated $D$.
#
# `lib.train.gan.train_gan` repeats it with Adam (β₁ = 0.5, a common choice for GANs since
# Radford et al., 2016) and keeps, every 50 steps, $G$'s samples for one fixed batch of noise.
#
# **Measuring quality.** We know the modes, so `lib.lessons.lesson_1_7_gan.mode_coverage` assigns each
# generated point to its nearest mode centre and counts it if it lies within 0.2 (4 standard
# deviations) of it. A mode is *covered* when it receives at least 1% of the samples; the
# *near fraction* is the share of samples that are near any mode. First the real data, which
# must score perfectly.

# %%
# NBVAL_CHECK_OUTPUT
centers = ring_centers(8, radius=2.0)
THRESHOLD = 0.2
real_coverage = mode_coverage(data, centers, THRESHOLD)
print("real data: points per mode", real_coverage.counts.tolist())
print(f"modes covered: {real_coverage.covered()} of 8, near fraction {real_coverage.near_fraction:.4f}")
assert real_coverage.covered() == 8 and real_coverage.near_fraction > 0.999

# %% [markdown]
# **Five GANs at once.** One run of a GAN is one draw: another initialization and other noise can
# end differently. So we train five generator–discriminator pairs, from five seeds, side by side.
# `lib.lessons.lesson_1_7_gan.SideBySideMLPs` holds five independent MLPs in one module (one batched
# matrix product per layer; member $j$ reads and writes only its own columns, and starts with the
# weights `MLP(sizes)` gets under seed $j$), so `train_gan` trains the five pairs in one loop. Each
# pair draws its own noise and sees the same real batches. Member 0 is the run we look at closely.

# %%
seeds = (0, 1, 2, 3, 4)
ring_config = dict(steps=2500, batch_size=128, lr=2e-3)  # the same on a GPU: the floors below were measured with it
k = len(seeds)
G_ring = SideBySideMLPs((noise_dim, 64, 64, 2), seeds)
D_ring = SideBySideMLPs((2, 64, 64, 1), tuple(100 + s for s in seeds))
assert sum(p.numel() for p in G_ring.parameters()) == k * parameter_count(G)  # five copies of the G above
run_all = train_gan(data.repeat(1, k), G_ring, D_ring, k * noise_dim, **ring_config, snapshot_every=50,
                    device=device, seed=0)
steps = sorted(run_all.snapshots)
per_seed = {s: split_members(run_all.snapshots[s], k) for s in steps}  # (seed, sample, 2) at every snapshot
coverage_by_seed = {s: [mode_coverage(per_seed[s][j], centers, THRESHOLD) for j in range(k)] for s in steps}
coverage = {s: coverage_by_seed[s][0] for s in steps}  # member 0, the run we look at closely
snapshots = {s: per_seed[s][0] for s in steps}

# %%
total = ring_config["steps"]
show = [0, 200, 500, 1000, total * 3 // 5, total]
fig, axes = figure(ncols=3, nrows=2, width=9, height=6.6)
for ax, s in zip(axes.flat, show, strict=True):
    c = coverage[s]
    scatter_real_fake(data[:1000], snapshots[s], ax=ax, limit=3.0, size=2,
                      title=f"step {s}: {c.covered()}/8 modes, near {c.near_fraction:.2f}")
    ax.set_xticks([])
    ax.set_yticks([])
axes.flat[0].legend(loc="lower left", fontsize=8, markerscale=3)
fig.suptitle("Seed 0: generated points (orange) over the real ones (grey) during training")
plt.show()

# %%
final = coverage[total]
print(f"seed 0, step 0: {coverage[0].covered()}/8 modes covered, near fraction {coverage[0].near_fraction:.2f}")
print(f"seed 0, step {total}: {final.covered()}/8 modes covered, near fraction {final.near_fraction:.2f}")
print("seed 0, samples near each mode at the end:", final.counts.tolist())
assert coverage[0].covered() == 0 and coverage[0].near_fraction < 0.05

# %% [markdown]
# At step 0 the generator's points sit in a small blob at the origin: no mode is covered. At
# the end they lie on the ring, most of them close to a mode.
#
# **The losses.** If the game reached its solution, $D$ would say $1/2$ to everything, so its
# loss would be $2 \log 2 \approx 1.386$ and the generator's $-\log \tfrac12 = \log 2 \approx 0.693$.
# A GAN's losses do not fall steadily like an ordinary training loss: each player's loss
# depends on the other player, so they swing and drift. They say little about sample quality,
# which is why we measure coverage instead (right). The losses recorded here are averaged over the
# five pairs. Over the last 500 steps D's loss stayed below $2 \log 2$ and G's above $\log 2$ (the
# printed means): D still tells real
# from fake a little better than chance, for instance the points strung out between modes.

# %%
window = 50
history = run_all.history
smooth = {k: np.convolve(history[k], np.ones(window) / window, mode="valid") for k in ("d_loss", "g_loss")}
torch.testing.assert_close(gan.discriminator_loss(torch.zeros(4, 1), torch.zeros(4, 1)).item(), 2 * math.log(2))
torch.testing.assert_close(gan.generator_loss(torch.zeros(4, 1)).item(), math.log(2))
last = slice(-500, None)
print(f"mean over the last 500 steps: D's loss {np.mean(history['d_loss'][last]):.3f} (2 log 2 = {2 * math.log(2):.3f}), "
      f"G's loss {np.mean(history['g_loss'][last]):.3f} (log 2 = {math.log(2):.3f})")

fig, (ax_loss, ax_cov) = figure(ncols=2, width=11, height=3.6)
x_axis = np.arange(window, len(history["d_loss"]) + 1)
ax_loss.plot(x_axis, smooth["d_loss"], color=PALETTE[0], label="D's loss")
ax_loss.plot(x_axis, smooth["g_loss"], color=PALETTE[1], label="G's loss (non-saturating)")
ax_loss.axhline(2 * math.log(2), color=PALETTE[0], linestyle=":", label="2 log 2")
ax_loss.axhline(math.log(2), color=PALETTE[1], linestyle=":", label="log 2")
ax_loss.set_xlabel("step")
ax_loss.set_title(f"Losses ({window}-step moving average)")
ax_loss.legend(fontsize=8)
ax_cov.plot(steps, [coverage[s].covered() for s in steps], color=PALETTE[2], marker=".", label="modes covered (of 8)")
ax_cov.set_xlabel("step")
ax_cov.set_ylim(-0.3, 8.5)
ax_cov.set_ylabel("modes covered")
twin = ax_cov.twinx()
twin.plot(steps, [coverage[s].near_fraction for s in steps], color=PALETTE[4], label="near fraction")
twin.set_ylim(0, 1.05)
twin.set_ylabel("near fraction")
ax_cov.legend(loc="lower right", fontsize=8)
twin.legend(loc="center right", fontsize=8)
ax_cov.set_title("Quality during training")
plt.show()

# %% [markdown]
# ## An untrained generator's clump is not mode collapse
#
# At step 0 every generator puts its points in a small clump near the origin. That is **not**
# mode collapse: nothing has been trained yet. A freshly initialized MLP has small random weights,
# so it maps all its noise to a small region; where that region lies is an accident of the
# initialization. We measure the clump's spread (the standard deviation of the points) against the
# data's, for the five seeds, and how many modes each generator covers during its first 300 steps.

# %%
data_spread = data.std(dim=0).mean().item()
start_spread = [per_seed[0][j].std(dim=0).mean().item() for j in range(k)]
early_steps = [s for s in steps if 0 < s <= 300]
early_max = [max(coverage_by_seed[s][j].covered() for s in early_steps) for j in range(k)]
print(f"spread of the data: {data_spread:.2f}")
print("spread of the untrained generators' points, per seed:", [round(v, 3) for v in start_spread])
print(f"most modes covered at any of steps {early_steps}, per seed: {early_max}")
assert max(start_spread) < 0.1 * data_spread
assert max(early_max) <= 1

# %%
fig, axes = figure(ncols=len(early_steps), width=13, height=2.8)
for ax, s in zip(axes, early_steps, strict=True):
    scatter_real_fake(data[:1000], snapshots[s], ax=ax, limit=3.0, size=1,
                      title=f"step {s}: {coverage[s].covered()}/8")
    ax.set_xticks([])
    ax.set_yticks([])
fig.suptitle("Seed 0, the first 300 steps: the clump jumps from place to place; it spreads later")
plt.show()

# %% [markdown]
# Every untrained generator's points span less than a tenth of the data's spread. During the first
# 300 steps the clump keeps its small size but jumps to a different part of the plane every few
# dozen steps, wherever the current discriminator is easiest to fool, and covers at most one mode.
# This early phase already shows the chase that, in a trained generator, is mode collapse; but it
# is still the starting clump, which the generator has not yet learned to spread, and in every seed
# it ends: later the points spread over the ring (seed 0's six panels above, and the table below).
#
# ## Mode collapse: a trained generator that covers few modes
#
# **Mode collapse** (模式崩溃) is a property of a *trained* generator: it maps most of its noise to
# a few places, because one kind of sample fools the current discriminator, and ignores the rest of
# the data. The discriminator then learns to reject that place, the generator moves to another, and
# the two can chase each other around the modes instead of converging. Metz et al. (2017) showed a
# standard GAN doing exactly this on a ring of 8 Gaussians. A milder form, **partial collapse**,
# covers every mode but starves some of them. Here is where each of our five generators ended: the
# modes covered (at least 1% of the samples), the near fraction, and the fewest and most samples
# near one mode (an even spread of the near samples would give each mode an eighth of them).

# %%
print(f"{'seed':>4}  {'modes':>5}  {'near':>5}  {'fewest':>6}  {'most':>5}  {'starved (< 2% of samples)':>26}")
starved = []
for j, seed in enumerate(seeds):
    c = coverage_by_seed[total][j]
    starved.append(int((c.counts < 0.02 * c.n_samples).sum()))
    print(f"{seed:>4}  {c.covered():>5}  {c.near_fraction:>5.2f}  {c.counts.min().item():>6}  {c.counts.max().item():>5}"
          f"  {starved[-1]:>26}")
covered_final = [coverage_by_seed[total][j].covered() for j in range(k)]
near_final = [coverage_by_seed[total][j].near_fraction for j in range(k)]
print(f"mean modes covered {sum(covered_final) / k:.1f} of 8; mean near fraction {sum(near_final) / k:.2f}")
assert min(covered_final) >= 7 and sum(covered_final) / k >= 7.2  # reached: 7 to 8, mean 7.4
assert min(near_final) > 0.7  # reached: 0.85 to 0.93 on an AMD EPYC, 0.75 to 0.91 on an Intel Xeon
assert sum(c == 8 for c in covered_final) >= 2 and sum(n > 0 for n in starved) >= 2  # even spreads and partial collapse

# %% [markdown]
# Every generator ends on the ring, with most of its points near a mode, and covers 7 or 8 of the
# 8 modes. (Your table may differ from the one above in the second digit: GAN training amplifies
# the tiny rounding differences between processors. On the two we ran it on, the near fractions
# were 0.85 to 0.93 and 0.75 to 0.91, and the conclusions below held on both.) Two of the five
# spread their points fairly evenly over all eight. The other three show **partial collapse**: one
# or two modes get fewer than 2% of the samples (on one of the two processors a seed dropped a mode
# entirely), while another mode gets up to twice its fair share,
# although the data gives every mode the same share. None collapsed onto one or two modes as the
# standard GAN did in Metz et al.'s experiment; with another learning rate, other network sizes or
# longer training it can. So: the clump at step 0 is an untrained generator; collapse, here partial,
# is what trained generators show, and only some seeds show it, which one run could not have told us.
#
# Remedies from the literature change the game: let the discriminator see whole mini-batches
# (minibatch discrimination, Salimans et al., 2016), look ahead at the discriminator's
# response (unrolled GANs, Metz et al., 2017), or replace the JS divergence by the Wasserstein
# distance (WGAN, Arjovsky et al., 2017). Image generation has since largely moved to diffusion
# models, which are trained with an ordinary regression loss instead of a two-player game.
#
# ## Try it: scrub through training
#
# The widget shows the generator's samples at any step from the stored snapshots
# (`GANRun.samples_at`, a plain function; the plot is `lib.plots.scatter_real_fake`).

# %%
def show_step(step: int = 500) -> None:
    at, samples = run_all.samples_at(step)
    samples = split_members(samples, k)[0]  # seed 0
    c = mode_coverage(samples, centers, THRESHOLD)
    ax = scatter_real_fake(data[:1000], samples, limit=3.0,
                           title=f"step {at}: {c.covered()}/8 modes, near fraction {c.near_fraction:.2f}")
    ax.legend(loc="lower left", fontsize=8, markerscale=3)


show_step(250)
interactive_view(show_step, step=(0, steps[-1], 50))

# %% [markdown]
# ## A tiny GAN on handwritten digits
#
# The same code, with 64 numbers per sample instead of 2, trains on the 1,347 training images
# of scikit-learn's 8x8 digits (`lib.data.digits`). This is a *small* GAN (MLPs with two hidden
# layers of 128, a few thousand steps, 8x8 pixels): expect blurry, sometimes odd digits, not
# photographs. Two changes: the generator ends in a sigmoid so pixels lie in (0, 1) like the
# data, and the discriminator uses dropout (as Goodfellow et al.'s did), which keeps it from
# memorizing the small training set.

# %%
train_digits, test_digits = load_digits_split()
digit_config = dict(hidden=128, steps=3000)
if device.type == "cuda":
    digit_config = dict(hidden=256, steps=6000)
digit_noise = 16
seed_everything(0)
G_digits = gan.make_generator(digit_noise, data_dim=64, hidden=digit_config["hidden"], output="sigmoid")
D_digits = gan.make_discriminator(data_dim=64, hidden=digit_config["hidden"], dropout=0.3)
digit_run = train_gan(train_digits.flat, G_digits, D_digits, digit_noise, steps=digit_config["steps"],
                          batch_size=128, lr=1e-3, snapshot_every=digit_config["steps"] // 2, n_snapshot=500,
                          device=device, seed=0)
fakes = digit_run.snapshots[digit_config["steps"]]


def tile(images: torch.Tensor, rows: int, cols: int) -> torch.Tensor:
    """Lay (rows*cols, 64) images out as one picture, with a 1-pixel white border around each 8x8 image."""
    padded = F.pad(images[: rows * cols].reshape(rows, cols, 8, 8), (1, 1, 1, 1))
    return padded.permute(0, 2, 1, 3).reshape(rows * 10, cols * 10)


fig, (ax_real, ax_fake) = figure(ncols=2, width=10, height=4.2)
ax_real.imshow(tile(train_digits.flat, 5, 8), cmap="gray_r")
ax_real.set_title("real 8x8 digits")
ax_fake.imshow(tile(fakes, 5, 8), cmap="gray_r")
ax_fake.set_title(f"generated after {digit_config['steps']} steps")
for ax in (ax_real, ax_fake):
    ax.axis("off")

# %% [markdown]
# **Which digits does it make?** The digit classes are the modes here. We do not know the
# density of "handwritten 3", but a simple classifier can tell us which digit each generated
# image looks most like: logistic regression on the pixels, trained on the real training
# images, scores well on the held-out test images. Counting its predictions over 500 generated
# images is mode coverage for digits; its average confidence is a rough quality score.

# %%
classifier = LogisticRegression(max_iter=2000).fit(train_digits.flat.numpy(), train_digits.labels.numpy())
test_accuracy = classifier.score(test_digits.flat.numpy(), test_digits.labels.numpy())
print(f"classifier accuracy on real test digits: {test_accuracy:.3f}")
assert test_accuracy > 0.9

digit_counts = {}
for s in sorted(digit_run.snapshots):
    probs = classifier.predict_proba(digit_run.snapshots[s].numpy())
    counts = np.bincount(probs.argmax(axis=1), minlength=10)
    digit_counts[s] = counts
    confidence = probs.max(axis=1).mean()
    print(f"step {s:>4}: predicted digits {counts.tolist()}, classes with >= 1%: {(counts >= 5).sum()}, "
          f"mean confidence {confidence:.2f}")
real_confidence = classifier.predict_proba(test_digits.flat.numpy()).max(axis=1).mean()
print(f"for comparison, mean confidence on real test digits: {real_confidence:.2f}")
assert (digit_counts[0] >= 5).sum() <= 2
assert (digit_counts[digit_config["steps"]] >= 5).sum() >= 8

fig, ax = figure(width=7, height=3)
ax.bar(range(10), digit_counts[digit_config["steps"]], color=PALETTE[1])
ax.axhline(500 / 10, color="0.4", linestyle=":", label="an even spread (50 each)")
ax.set_xticks(range(10))
ax.set_xlabel("digit the classifier sees")
ax.set_ylabel("generated images")
ax.legend(fontsize=8)
ax.set_title("Which digits the generator makes")
plt.show()

# %% [markdown]
# Before training, the generator's 500 images are near-identical grey smudges that the classifier
# files under a single digit; after training all or nearly all digits are made, though not evenly. The
# classifier is less sure about generated digits than about real ones (the two mean
# confidences above): the generated images are recognizable but noisier than the data.
#
# ## Summary
#
# - A GAN (生成对抗网络) trains a generator $G$ (noise → sample) against a discriminator $D$
#   (sample → probability it is real): $\min_G \max_D \mathbb{E}[\log D(x)] + \mathbb{E}[\log(1 - D(G(z)))]$.
# - $D$'s loss is binary cross-entropy with real → 1, fake → 0, computed on logits for stability;
#   it equals $-V$ exactly.
# - Against a fixed $G$ the best discriminator is $D^* = p_\text{data}/(p_\text{data} + p_g)$; with it,
#   $G$ minimizes $2\,\mathrm{JSD}(p_\text{data} \| p_g) - \log 4$, smallest when $p_g = p_\text{data}$.
# - $G$ is trained with the non-saturating loss $-\log D(G(z))$: its gradient with respect to
#   the logit is $-(1 - D(G(z)))$, strong when $D$ rejects the fakes, where $\log(1 - D(G(z)))$
#   gives only $-D(G(z)) \approx 0$.
# - GAN losses do not measure quality; measure it directly (here: modes covered), over several
#   seeds. An untrained generator's clump is not mode collapse; collapse is a *trained* generator
#   mapping most of its noise to a few modes. Here 3 of 5 seeds ended with one or two modes starved.
# - GANs are not how large language models are trained; those predict the next token.
#
# ## Exercises
#
# **1.** For $p_\text{data} = \mathcal{N}(1, 0.5^2)$ and $p_g = \mathcal{N}(-0.5, 1)$, compute the
# optimal discriminator's output at $x = 0$ by hand, from the Gaussian density
# $\frac{1}{\sigma\sqrt{2\pi}} e^{-(x-\mu)^2 / (2\sigma^2)}$.

# %%
# BEGIN SOLUTION
def gaussian(x: float, mu: float, sigma: float) -> float:
    return math.exp(-((x - mu) ** 2) / (2 * sigma**2)) / (sigma * math.sqrt(2 * math.pi))


answer_1 = gaussian(0, 1.0, 0.5) / (gaussian(0, 1.0, 0.5) + gaussian(0, -0.5, 1.0))
# END SOLUTION
check("1.7.optimal-d", answer_1)

# %% [markdown]
# A check that accepted anything would teach nothing. Here it rejects a classic slip: putting
# the generator's density on top, $p_g / (p_\text{data} + p_g)$, which is the probability of
# *fake*, not of real.

# %%
swapped = gaussian(0, -0.5, 1.0) / (gaussian(0, 1.0, 0.5) + gaussian(0, -0.5, 1.0))
print(expect_wrong(check, "1.7.optimal-d", swapped))

# %% [markdown]
# **2.** Suppose the discriminator gives a fake $D(G(z)) = 0.02$. By what factor is the
# gradient (with respect to the logit) of the non-saturating loss larger than that of the
# saturating one?

# %%
# BEGIN SOLUTION
answer_2 = (1 - 0.02) / 0.02
# END SOLUTION
check("1.7.gradient-ratio", answer_2)

# %% [markdown]
# **3.** A collapsed generator: take the real ring points that lie above the line $y = 0.5$
# as its samples. Count, without `mode_coverage`, how many of the 8 modes receive at least 1%
# of these samples within distance 0.2 of their centre (`centers` and `THRESHOLD` are defined
# above; `torch.cdist` gives all pairwise distances).

# %%
collapsed = data[data[:, 1] > 0.5]
# BEGIN SOLUTION
distances = torch.cdist(collapsed, centers)
nearest_distance, nearest = distances.min(dim=1)
per_mode = torch.bincount(nearest[nearest_distance <= THRESHOLD], minlength=8)
answer_3 = int((per_mode >= 0.01 * len(collapsed)).sum())
# END SOLUTION
check("1.7.modes-covered", answer_3)

# %% [markdown]
# **4. Predict, then run.** Give seed 0's trained generator one noise vector, repeated 1,000
# times. How many *distinct* points will it produce? Write your prediction in `prediction_4` before
# running the cell, which counts them. (Then think about what mode collapse means in these terms.)

# %%
# BEGIN SOLUTION
prediction_4 = 1
# END SOLUTION
G_seed0 = G_ring.member(0).cpu().eval()
one_noise = gan.sample_noise(1, noise_dim, generator=torch.Generator().manual_seed(7)).expand(1000, noise_dim)
with torch.no_grad():
    distinct = len(torch.unique(G_seed0(one_noise), dim=0))
print(f"distinct points from one repeated noise vector: {distinct}")
check("1.7.same-noise", prediction_4)

# %% [markdown]
# A generator is an ordinary function: all the variety of its samples comes from the noise. A
# collapsed generator has learned a function that sends large regions of noise to nearly the same
# place.
#
# ## References
#
# - Goodfellow et al., *Generative Adversarial Nets*, NeurIPS 2014, arXiv:1406.2661 (the game,
#   $D^*$, the JS divergence, and the non-saturating generator loss).
# - Radford, Metz, Chintala, *Unsupervised Representation Learning with Deep Convolutional
#   Generative Adversarial Networks*, ICLR 2016, arXiv:1511.06434 (DCGAN; Adam with β₁ = 0.5).
# - Salimans et al., *Improved Techniques for Training GANs*, NeurIPS 2016, arXiv:1606.03498
#   (minibatch discrimination against mode collapse).
# - Metz, Poole, Pfau, Sohl-Dickstein, *Unrolled Generative Adversarial Networks*, ICLR 2017,
#   arXiv:1611.02163 (mode collapse on a ring of Gaussians).
# - Arjovsky, Chintala, Bottou, *Wasserstein GAN*, ICML 2017, arXiv:1701.07875.
# - Goodfellow, *NIPS 2016 Tutorial: Generative Adversarial Networks*, arXiv:1701.00160.
