# %% [markdown]
# # 2.4 Initialization and normalization (初始化与归一化)
#
# **Time:** about 1 min on a laptop CPU · **Prerequisites:** lessons 2.1 (tanh, ReLU and their derivatives) and 2.3 (the backward pass of a layer, $W^\top$ times the upstream gradient); mean and variance of a sum of independent terms; gradient-descent training (lesson 1.2); the GPT-2 sizes ($L$ blocks of width $d$, lesson 1.3) are used as given · **You will learn:** why the scale of the initial weights decides whether a deep network can learn, and how batch normalization, layer normalization and dropout work, built from scratch and checked against PyTorch.
#
# In this lesson you will:
#
# - derive the variance rule behind **Xavier/Glorot** and **He/Kaiming initialization** (初始化), check it
#   numerically, and watch activations vanish or explode through 50 layers when it is broken;
# - build **batch normalization** (批量归一化) and **layer normalization** (层归一化) from scratch, and match
#   `torch.nn.BatchNorm1d/2d` and `torch.nn.LayerNorm` in outputs *and* gradients;
# - see why batch norm depends on the batch and layer norm does not, and why Transformers use layer norm;
# - build inverted **dropout** (随机失活) and check that it preserves expectations;
# - measure a 10-layer network that does not learn at all, and learns once it is normalized.

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

import torch
from torch import nn

from lib.core.seeding import seed_everything
from lib.course.checks import expect_wrong
from lib.course.exercises import check
from lib.course.lesson import lesson_setup
from lib.data.digits import load_digits_split
from lib.models.gpt import GPT, GPTConfig
from lib.models.mlp import normalized_mlp
from lib.scratch.initialization import (
    SCHEMES,
    init_std,
    init_weight_,
    initialize_,
    layer_statistics,
    make_weights,
    propagate,
)
from lib.scratch.normalization import BatchNorm, LayerNorm, batch_norm, dropout, layer_norm
from lib.train.engine import fit, make_batches
from lib.viz.layer_statistics import plot_layer_statistics
from lib.viz.plots import PALETTE, figure
from lib.viz.widgets import interactive_view

device, generator = lesson_setup(seed=0)  # seed, device, one CPU thread for tiny models, the course's plot style

# %% [markdown]
# ## Why the scale of the initial weights matters
#
# Training starts from random weights (the source article's 3.1: "randomly initialize the weights
# and biases"). *Random* is not enough: the **scale** decides whether a signal survives 50 layers.
#
# A neuron computes $z = \sum_{i=1}^{n} w_i x_i$ over its $n$ inputs (its **fan-in**). If the
# weights are independent of the inputs, with mean 0 and variance $\mathrm{Var}(w)$, then
#
# $$\mathrm{Var}(z) = n \,\mathrm{Var}(w)\, \mathbb{E}[x^2].$$
#
# Each layer multiplies the signal's variance by $n\,\mathrm{Var}(w)$ (times what the activation does
# to it). Over $L$ layers that factor is raised to the power $L$: a little below 1 and the signal
# vanishes, a little above and it explodes. We check the formula first, on inputs that are *not*
# zero-mean (ReLU outputs), which is why it has $\mathbb{E}[x^2]$ and not $\mathrm{Var}(x)$.

# %%
g = torch.Generator().manual_seed(1)
n, var_w = 256, 0.003
x = torch.relu(torch.randn(4000, n, generator=g, dtype=torch.float64))  # mean 0.40, not 0
w = torch.randn(n, 512, generator=g, dtype=torch.float64) * math.sqrt(var_w)
z = x @ w
predicted = n * var_w * (x**2).mean().item()
print(f"Var(z) measured {z.var().item():.4f}, predicted n·Var(w)·E[x²] = {predicted:.4f}")
assert abs(z.var().item() / predicted - 1) < 0.03

# %% [markdown]
# Two classic choices make the factor 1:
#
# - **Xavier/Glorot** (Glorot and Bengio, 2010), for activations such as tanh that are close to the
#   identity near 0, so $\mathbb{E}[x^2] \approx \mathrm{Var}(z)$ of the previous layer. The forward pass
#   needs $n_\text{in}\mathrm{Var}(w) = 1$, the backward pass (gradients flow through $W^\top$) needs
#   $n_\text{out}\mathrm{Var}(w) = 1$; the compromise is
#   $$\mathrm{Var}(w) = \frac{2}{n_\text{in} + n_\text{out}}.$$
# - **He/Kaiming** (He et al., 2015), for ReLU. ReLU zeroes the negative half of a symmetric $z$, so
#   $\mathbb{E}[\mathrm{relu}(z)^2] = \tfrac12 \mathrm{Var}(z)$, and the factor $n_\text{in}\mathrm{Var}(w)\cdot\tfrac12 = 1$ gives
#   $$\mathrm{Var}(w) = \frac{2}{n_\text{in}}.$$
#
# The halving that He's rule compensates for, measured:

# %%
z = torch.randn(1_000_000, generator=g, dtype=torch.float64) * 1.7
ratio = (torch.relu(z) ** 2).mean().item() / z.var().item()
print(f"E[relu(z)²] / Var(z) = {ratio:.4f} (theory: 0.5)")
assert abs(ratio - 0.5) < 0.005

for fan_in, fan_out in ((256, 256), (784, 128)):
    assert init_std("xavier", fan_in, fan_out) == math.sqrt(2 / (fan_in + fan_out))
    assert init_std("he", fan_in, fan_out) == math.sqrt(2 / fan_in)

# %% [markdown]
# ## 50 layers deep: vanish, explode, or survive
#
# `lib.initialization.layer_statistics` pushes 256 random inputs through 50 layers of width 128,
# $h_{l} = \phi(h_{l-1} W_l^\top)$, with weights drawn by one of four schemes: a "reasonable-looking"
# small constant ($\mathrm{std} = 0.01$), a standard normal ($\mathrm{std} = 1$), Xavier and He. Then it sends a random
# gradient back from the top and records its standard deviation at every layer. (float64, so that
# even $10^{-50}$ and $10^{50}$ can be stored.)

# %%
stats = {(act, s): layer_statistics(s, act, depth=50) for act in ("tanh", "relu") for s in SCHEMES}

fig, axes = figure(ncols=2, nrows=2, width=11, height=7)
for col, act in enumerate(("tanh", "relu")):
    plot_layer_statistics({s: stats[act, s].forward_std for s in SCHEMES}, ax=axes[0, col],
                          title=f"{act}: activations, forward")
    plot_layer_statistics({s: stats[act, s].backward_std for s in SCHEMES}, ax=axes[1, col],
                          ylabel="std of gradients", title=f"{act}: gradients, backward")
_ = fig.suptitle("Standard deviation per layer, 50 layers of width 128 (log scale)")

# %%
def gain_per_layer(std: torch.Tensor) -> float:
    """The geometric mean of the factor by which one layer multiplies the std, from layer 1 to the last."""
    return (std[-1] / std[0]).item() ** (1 / (len(std) - 1))


print(f"{'activation':<11}{'scheme':<8}{'act. std, layer 1':>19}{'layer 50':>11}{'gain/layer':>12}{'grad std, layer 1':>19}")
for (act, s), st in stats.items():
    print(f"{act:<11}{s:<8}{st.forward_std[0]:>19.2g}{st.forward_std[-1]:>11.2g}{gain_per_layer(st.forward_std):>12.3f}"
          f"{st.backward_std[0]:>19.2g}")

he, xav = stats["relu", "he"], stats["tanh", "xavier"]
assert 0.95 < gain_per_layer(he.forward_std) < 1.05 and 0.2 < he.backward_std[0] < 3  # He + ReLU survives
assert xav.forward_std[-1] > 0.05 and 0.05 < xav.backward_std[0] < 2  # Xavier + tanh: slow decay only
for act in ("tanh", "relu"):
    assert stats[act, "small"].forward_std[-1] < 1e-30 and stats[act, "small"].backward_std[0] < 1e-30
assert stats["relu", "large"].forward_std[-1] > 1e30  # explodes
assert stats["relu", "xavier"].forward_std[-1] < 1e-5  # Xavier ignores ReLU's halving: 50 halvings
assert stats["tanh", "large"].backward_std[0] > 1e10  # tanh saturates, yet gradients explode (see below)

# %% [markdown]
# What the plots say:
#
# - **std 0.01** multiplies the signal by about $0.01\sqrt{128} \approx 0.11$ per layer (the gain/layer column;
#   less after ReLU, which halves the variance):
#   after 50 layers nothing is left, forward or backward. The network outputs the same thing for
#   every input and receives no gradient: it cannot start learning.
# - **std 1** multiplies by about $\sqrt{128} \approx 11$ ($11/\sqrt2 \approx 8$ with ReLU): ReLU activations explode
#   to $10^{40}$ and beyond. tanh
#   cannot explode, so it **saturates** (饱和): almost every unit sits at $\pm 1$ (std close to 1
#   above). The gradient through tanh is then not small, as one might guess, but huge: it grows by
#   a factor of about 2.5 per layer, to $10^{19}$ after 50 layers. Backward, each layer multiplies the
#   gradient by $W^\top$, which alone would give $\sqrt{128} \approx 11$ (the weights' share), and by
#   $\tanh'(z) = 1 - h^2$, which is nearly 0 for the saturated units and cancels most of it: the factor
#   per layer is about $\sqrt{128\,\mathbb{E}[(1-h^2)^2]} \approx 11 \times 0.22 \approx 2.5$ (measured
#   below). This is the "chaotic" regime (Poole et al., 2016).
# - **Xavier with tanh** loses the signal slowly (tanh is a little below the identity), a factor of
#   about 10 over 50 layers rather than $10^{40}$. PyTorch's `calculate_gain("tanh")` $= 5/3$ is a
#   multiplier that compensates for that.
# - **Xavier with ReLU** halves the variance at each layer, so it vanishes too; **He with ReLU** keeps
#   both directions within a small factor of 1 for all 50 layers. (The curves wander, and drift a
#   little downward, because at a finite width of 128 each layer's gain is random around 1.)
#
# How saturated is "std 1" tanh? We count the units with $|h| > 0.99$:

# %%
tanh_large = make_weights("large", depth=5, width=128, seed=0)
h = torch.randn(256, 128, generator=torch.Generator().manual_seed(10_000), dtype=torch.float64)
for w_layer in tanh_large:
    h = torch.tanh(h @ w_layer.T)
saturated = (h.abs() > 0.99).double().mean().item()
print(f"tanh, std 1, layer 5: {saturated:.0%} of units have |h| > 0.99 (their derivative 1 - h² < 0.02)")
assert saturated > 0.7

# %% [markdown]
# Now the backward factor. Going back through layer $l$, $g_{l-1} = W_l^\top\bigl(\tanh'(z_l) \odot g_l\bigr)$:
# each entry of $g_{l-1}$ sums 128 products, so its variance is $128 \cdot \mathrm{Var}(w) \cdot \mathbb{E}[\tanh'(z_l)^2]
# \cdot \mathrm{Var}(g_l)$ with $\mathrm{Var}(w) = 1$. We measure $\mathbb{E}[(1-h_l^2)^2]$ at every layer of the
# std-1 tanh network of the table, predict the gradient's growth per layer from it, and compare with the
# growth the backward pass actually produced (the geometric mean over the 49 layer-to-layer steps).

# %%
h = torch.randn(256, 128, generator=torch.Generator().manual_seed(10_000), dtype=torch.float64)
tanh_slope_sq = []  # E[tanh'(z_l)^2] = E[(1 - h_l^2)^2], layer by layer
for w_layer in make_weights("large", depth=50, width=128, seed=0):  # the weights layer_statistics drew above
    h = torch.tanh(h @ w_layer.T)
    tanh_slope_sq.append(((1 - h**2) ** 2).mean().item())
# layer l's slope acts on the way from layer l to l - 1, for l = 2..50
predicted = math.exp(sum(0.5 * math.log(128 * q) for q in tanh_slope_sq[1:]) / 49)
large_tanh = stats["tanh", "large"]
measured = (large_tanh.backward_std[0] / large_tanh.backward_std[-1]).item() ** (1 / 49)
rms_slope = math.sqrt(sum(tanh_slope_sq[1:]) / 49)
print(f"weights alone: sqrt(128) = {math.sqrt(128):.2f}; rms of tanh' = {rms_slope:.3f}")
print(f"gradient growth per layer: predicted {predicted:.3f}, measured {measured:.3f}")
assert 2.3 < measured < 2.7  # "about 2.5 per layer", far from 11
assert abs(measured / predicted - 1) < 0.03  # the variance argument explains it within 3%

# %% [markdown]
# ## Compared with `torch.nn.init`, and with `nn.Linear`'s default
#
# PyTorch ships both schemes: `torch.nn.init.xavier_normal_` draws with
# $\mathrm{std} = \text{gain}\cdot\sqrt{2/(n_\text{in}+n_\text{out})}$ (gain 1 by default) and `kaiming_normal_(nonlinearity="relu")` with
# $\mathrm{std} = \sqrt{2}/\sqrt{n_\text{in}}$. A weight of `nn.Linear` has shape (out, in), so $n_\text{in}$ is its second
# dimension. We draw a 512 × 256 matrix with ours and with PyTorch's and compare the statistics.

# %%
gen = torch.Generator().manual_seed(3)
n_out, n_in = 512, 256
print(f"{'scheme':<8}{'formula std':>13}{'lib std':>10}{'torch std':>11}")
for scheme, torch_init in (("xavier", lambda t: nn.init.xavier_normal_(t, generator=gen)),
                           ("he", lambda t: nn.init.kaiming_normal_(t, nonlinearity="relu", generator=gen))):
    formula = init_std(scheme, n_in, n_out)
    ours = init_weight_(torch.empty(n_out, n_in), scheme, gen)
    theirs = torch_init(torch.empty(n_out, n_in))
    print(f"{scheme:<8}{formula:>13.5f}{ours.std().item():>10.5f}{theirs.std().item():>11.5f}")
    for weights in (ours, theirs):  # both within 1% of the formula (131,072 draws: sampling error ~0.2%)
        assert abs(weights.std().item() / formula - 1) < 0.01 and abs(weights.mean().item()) < 0.01 * formula

assert math.isclose(nn.init.calculate_gain("relu"), math.sqrt(2))
assert math.isclose(nn.init.calculate_gain("tanh"), 5 / 3)
he_torch = [nn.init.kaiming_normal_(torch.empty(128, 128, dtype=torch.float64), nonlinearity="relu", generator=gen)
            for _ in range(50)]
torch_run = propagate(he_torch, "relu", torch.randn(256, 128, generator=gen, dtype=torch.float64))
print(f"50 ReLU layers, torch's kaiming_normal_: gain per layer {gain_per_layer(torch_run.forward_std):.3f} "
      f"(lib's He: {gain_per_layer(he.forward_std):.3f})")
assert 0.95 < gain_per_layer(torch_run.forward_std) < 1.05  # the same behaviour as lib's He

# %% [markdown]
# What does a plain `nn.Linear` use? Its default is `kaiming_uniform_` with $a = \sqrt5$, which works out
# to a uniform distribution on $\pm 1/\sqrt{n_\text{in}}$, variance $1/(3 n_\text{in})$: a sixth of He's $2/n_\text{in}$.
# For a ReLU network that means a factor $\tfrac{1}{6}$ on the variance at every layer. Fine for 2 or 3
# layers; remember it for the experiment at the end.

# %%
default = nn.Linear(n_in, n_out)
print(f"nn.Linear({n_in}, {n_out}) default weight std {default.weight.std().item():.5f}; "
      f"1/sqrt(3·fan_in) = {1 / math.sqrt(3 * n_in):.5f}; He: {init_std('he', n_in, n_out):.5f}")
assert abs(default.weight.std().item() * math.sqrt(3 * n_in) - 1) < 0.01

defaults = [nn.Linear(128, 128).weight.detach().double() for _ in range(50)]
default_run = propagate(defaults, "relu", torch.randn(256, 128, generator=gen, dtype=torch.float64))
print(f"50 ReLU layers with nn.Linear's default: activation std falls from {default_run.forward_std[0]:.2g} "
      f"to {default_run.forward_std[-1]:.2g}")
assert default_run.forward_std[-1] < 1e-15

# %% [markdown]
# Large language models use yet another recipe. GPT-2 (and `lib.models.gpt`) draws every weight
# from $\mathcal{N}(0, 0.02^2)$ and scales the layers that write into the residual stream by
# $1/\sqrt{2L}$ for $L$ blocks. That works because residual connections ($x + f(x)$) and layer norm,
# the next topic, keep the signal's scale from compounding over depth.

# %%
tiny_gpt = GPT(GPTConfig(vocab_size=64, context_length=16, n_layer=4, n_head=2, d_model=64))
up_std = tiny_gpt.blocks[0].mlp.up.weight.std().item()
down_std = tiny_gpt.blocks[0].mlp.down.weight.std().item()
print(f"GPT MLP weights: std {up_std:.4f} (0.02); residual projection std {down_std:.4f} (0.02/sqrt(2·4) = {0.02 / math.sqrt(8):.4f})")
assert abs(up_std / 0.02 - 1) < 0.05 and abs(down_std / (0.02 / math.sqrt(8)) - 1) < 0.05

# %% [markdown]
# ## Batch normalization (批量归一化)
#
# Good initialization sets the scale at step 0; training then moves the weights and the scale
# drifts. **Batch normalization** (Ioffe and Szegedy, 2015) re-normalizes during training. The source
# article (1.4.2) defines it as "normalizing each layer's inputs or outputs, which speeds up training
# and improves generalization". Precisely: for a mini-batch $x_1, \dots, x_m$ of one feature (one
# *channel*),
#
# $$\mu_B = \frac{1}{m}\sum_{i=1}^m x_i, \qquad \sigma_B^2 = \frac{1}{m}\sum_{i=1}^m (x_i - \mu_B)^2, \qquad \hat x_i = \frac{x_i - \mu_B}{\sqrt{\sigma_B^2 + \varepsilon}}, \qquad y_i = \gamma \hat x_i + \beta,$$
#
# where $\gamma$ (scale) and $\beta$ (shift) are learned parameters, one per channel, so that the
# network can undo the normalization where it helps. The statistics come from the batch, so at test
# time, when one sample may arrive alone, there is no batch. BatchNorm therefore keeps **running
# averages** during training,
#
# $$\hat\mu \leftarrow (1 - \text{momentum})\,\hat\mu + \text{momentum}\cdot\mu_B, \qquad \hat\sigma^2 \leftarrow (1 - \text{momentum})\,\hat\sigma^2 + \text{momentum}\cdot\tfrac{m}{m-1}\sigma_B^2,$$
#
# and uses them in **eval mode**. (PyTorch's `momentum=0.1` is the weight of the *new* value, the
# opposite of an optimizer's momentum; the running variance is the unbiased estimate $\frac{m}{m-1}\sigma_B^2$.)
# Here it is, one line per formula, on a batch of 32 samples of 4 features:

# %%
g = torch.Generator().manual_seed(4)
x = torch.randn(32, 4, generator=g) * torch.tensor([1.0, 5.0, 0.2, 3.0]) + torch.tensor([0.0, -2.0, 7.0, 1.0])
gamma, beta = torch.rand(4, generator=g) + 0.5, torch.randn(4, generator=g)
eps, momentum, m = 1e-5, 0.1, x.shape[0]

mu = x.mean(dim=0)
var = ((x - mu) ** 2).mean(dim=0)
x_hat = (x - mu) / torch.sqrt(var + eps)
y = gamma * x_hat + beta
running_mean = (1 - momentum) * torch.zeros(4) + momentum * mu
running_var = (1 - momentum) * torch.ones(4) + momentum * var * m / (m - 1)

torch.testing.assert_close(x_hat.mean(0), torch.zeros(4), atol=1e-5, rtol=0)  # each feature: mean 0...
torch.testing.assert_close(x_hat.var(0, correction=0), torch.ones(4), atol=1e-3, rtol=0)  # ...variance 1

reference = nn.BatchNorm1d(4, eps=eps, momentum=momentum)
with torch.no_grad():
    reference.weight.copy_(gamma)
    reference.bias.copy_(beta)
torch.testing.assert_close(y, reference(x))
torch.testing.assert_close(running_mean, reference.running_mean)
torch.testing.assert_close(running_var, reference.running_var)
print("by hand = torch.nn.BatchNorm1d: output, running mean and running variance")

# %% [markdown]
# `lib.scratch.normalization.BatchNorm` is the same computation as a module, for (N, C) inputs like
# `BatchNorm1d` and for images (N, C, H, W) like `BatchNorm2d`, where each channel is normalized over
# the batch *and* all pixels. We copy the parameters into PyTorch's modules and compare outputs,
# the gradients of the input, $\gamma$ and $\beta$ (from a random upstream gradient), and the running
# statistics over five training steps, then the outputs in eval mode.

# %%
def compare(ours: nn.Module, theirs: nn.Module, shape: tuple[int, ...], steps: int = 5, seed: int = 0) -> None:
    """Assert equal outputs and gradients for `steps` training batches, then equal eval outputs."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        theirs.weight.copy_(torch.rand(theirs.weight.shape, generator=g) + 0.5)
        theirs.bias.copy_(torch.randn(theirs.bias.shape, generator=g))
        ours.weight.copy_(theirs.weight)
        ours.bias.copy_(theirs.bias)
    for _ in range(steps):
        x = torch.randn(shape, generator=g) * 3 + 1
        upstream = torch.randn(shape, generator=g)
        results = []
        for module in (ours, theirs):
            module.zero_grad()
            xi = x.clone().requires_grad_(True)
            out = module(xi)
            (out * upstream).sum().backward()
            results.append((out, xi.grad, module.weight.grad, module.bias.grad))
        for a, b in zip(*results, strict=True):
            torch.testing.assert_close(a, b)
    for name in ("running_mean", "running_var"):
        if hasattr(theirs, name) and getattr(theirs, name) is not None:
            torch.testing.assert_close(getattr(ours, name), getattr(theirs, name))
    ours.eval()
    theirs.eval()
    torch.testing.assert_close(ours(x), theirs(x))


compare(BatchNorm(6), nn.BatchNorm1d(6), (16, 6))
compare(BatchNorm(3), nn.BatchNorm2d(3), (8, 3, 5, 5))
print("lib BatchNorm = torch BatchNorm1d and BatchNorm2d: outputs, input/γ/β gradients, running stats, eval mode")

# %% [markdown]
# ## Layer normalization (层归一化)
#
# **Layer normalization** (Ba, Kiros and Hinton, 2016) uses the same formula turned sideways: the
# mean and variance are taken over the $d$ *features of one sample*, not over the batch:
#
# $$\mu = \frac{1}{d}\sum_{j=1}^{d} x_j, \qquad \sigma^2 = \frac{1}{d}\sum_{j=1}^{d}(x_j - \mu)^2, \qquad y_j = \gamma_j\,\frac{x_j - \mu}{\sqrt{\sigma^2 + \varepsilon}} + \beta_j .$$
#
# No batch statistics means no running averages and no difference between training and eval.

# %%
x = torch.randn(5, 8, generator=g) * 4 - 2
gamma, beta = torch.rand(8, generator=g) + 0.5, torch.randn(8, generator=g)
mu = x.mean(dim=-1, keepdim=True)
var = ((x - mu) ** 2).mean(dim=-1, keepdim=True)
y = gamma * (x - mu) / torch.sqrt(var + 1e-5) + beta

reference = nn.LayerNorm(8)
with torch.no_grad():
    reference.weight.copy_(gamma)
    reference.bias.copy_(beta)
torch.testing.assert_close(y, reference(x))
torch.testing.assert_close(layer_norm(x, 8, gamma, beta), y)

compare(LayerNorm(8), nn.LayerNorm(8), (5, 8))
compare(LayerNorm((4, 6)), nn.LayerNorm((4, 6)), (3, 4, 6))  # over the last two dims
print("by hand = lib LayerNorm = torch.nn.LayerNorm: outputs and gradients")

# %% [markdown]
# ## Batch norm depends on the batch; layer norm does not
#
# In training mode a batch-norm output for a sample depends on *which other samples* share its
# batch. We put one fixed sample into 200 random batches of each size $m$ and measure how much its
# output varies. (Synthetic data: standard normal features.)

# %%
bn, ln = BatchNorm(4), LayerNorm(4)
x0 = torch.tensor([[1.5, -0.5, 0.3, 2.0]])
sizes = [2, 4, 8, 16, 32, 64, 128, 256]
bn_spread, ln_spread = [], []
with torch.no_grad():
    for size in sizes:
        batches = [torch.cat([x0, torch.randn(size - 1, 4, generator=g)]) for _ in range(200)]
        bn_spread.append(torch.stack([bn(b)[0] for b in batches]).std(0).mean().item())
        ln_spread.append(torch.stack([ln(b)[0] for b in batches]).std(0).max().item())

slope = torch.linalg.lstsq(torch.stack([torch.ones(5), torch.log(torch.tensor(sizes[3:], dtype=torch.float))], 1),
                           torch.log(torch.tensor(bn_spread[3:])).unsqueeze(1)).solution[1].item()
fig, ax = figure(width=6, height=3.6)
ax.loglog(sizes, bn_spread, "o-", label="batch norm (training mode)")
ax.loglog(sizes, [bn_spread[-1] * math.sqrt(sizes[-1] / s) for s in sizes], "--", color=PALETTE[7], lw=1,
          label="∝ 1/√m")
ax.set_xlabel("batch size m")
ax.set_ylabel("std of one sample's output\nover 200 batches")
ax.set_title("The same sample, different batches")
ax.legend()
print(f"batch norm: spread {bn_spread[0]:.2f} at m=2, {bn_spread[-1]:.3f} at m=256 (slope {slope:.2f}); "
      f"layer norm: {max(ln_spread)}")
assert max(ln_spread) == 0.0 and bn_spread[0] > 5 * bn_spread[-1] and -0.6 < slope < -0.4

# %% [markdown]
# The batch statistics are estimates from $m$ samples, so their noise shrinks like $1/\sqrt m$; at
# small $m$ the noise is large, and a batch of one has no variance at all. Both implementations refuse it:

# %%
for name, module in (("lib", BatchNorm(4)), ("torch", nn.BatchNorm1d(4))):
    try:
        module(x0)
    except ValueError as err:
        print(f"{name}: {err}")

# %% [markdown]
# And training mode differs from eval mode: the same batch gives different outputs, because eval uses
# the running averages. Layer norm gives the same output in both modes:

# %%
bn_train = BatchNorm(4)
for _ in range(3):
    bn_train(torch.randn(64, 4, generator=g) * 2 + 1)
batch = torch.randn(64, 4, generator=g) * 2 + 1
out_train = bn_train(batch)
bn_train.eval()
difference = (out_train - bn_train(batch)).abs().max().item()
ln.eval()
ln_difference = (ln(batch) - ln.train()(batch)).abs().max().item()
print(f"largest train/eval difference: batch norm {difference:.2f}, layer norm {ln_difference}")
assert difference > 0.1 and ln_difference == 0.0

# %% [markdown]
# This is why Transformers use layer norm. Text comes in sequences of different lengths, padded
# to a common length; batch statistics would mix padding and real tokens, and tokens of other
# sequences, into every token's output. At generation time a model often runs on one sequence,
# one token at a time: a batch of one. Layer norm treats each token on its own, identically in
# training and inference. `lib.models.gpt` has $2L + 1$ of them: two per block (before attention and
# before the MLP) and one before the output layer.
#
# We check two things on a small GPT: its `nn.LayerNorm`s can be replaced by
# `lib.scratch.normalization.LayerNorm` with the same parameters without changing its output, and a
# sequence gets the same logits alone as in a batch with another sequence.

# %%
# NBVAL_CHECK_OUTPUT
config = GPTConfig(vocab_size=64, context_length=16, n_layer=3, n_head=2, d_model=32)
gpt = GPT(config).eval()
n_ln = sum(isinstance(mod, nn.LayerNorm) for mod in gpt.modules())
assert n_ln == 2 * config.n_layer + 1
tokens = torch.randint(0, 64, (2, 16), generator=g)
with torch.no_grad():
    before, _ = gpt(tokens)  # a GPT returns (logits, loss); without targets the loss is None
    alone, _ = gpt(tokens[:1])
    for block in gpt.blocks:
        for attr in ("ln1", "ln2"):
            ours = LayerNorm(config.d_model)
            ours.load_state_dict(getattr(block, attr).state_dict())
            setattr(block, attr, ours)
    ours = LayerNorm(config.d_model)
    ours.load_state_dict(gpt.ln_f.state_dict())
    gpt.ln_f = ours
    after, _ = gpt(tokens)
torch.testing.assert_close(after, before)
torch.testing.assert_close(alone, before[:1])
print(f"GPT with {config.n_layer} blocks: {n_ln} LayerNorms; lib's LayerNorm gives the same logits; "
      "a sequence alone = the same sequence in a batch")

# %% [markdown]
# (Ioffe and Szegedy motivated batch norm by "reducing internal covariate shift"; later work,
# notably Santurkar et al., 2018, found that it helps mainly by making the loss surface smoother,
# which tolerates larger learning rates. The measured facts above do not depend on that debate.)
#
# ## Dropout (随机失活)
#
# **Dropout** (Srivastava et al., 2014; the article's "Dropout层") fights overfitting: during training
# each unit is set to zero with probability $p$, so the network cannot rely on any single unit.
# Modern frameworks use **inverted dropout**: the surviving units are multiplied by $1/(1-p)$,
#
# $$y = \frac{M \odot x}{1 - p}, \qquad M_j \sim \mathrm{Bernoulli}(1 - p), \qquad \mathbb{E}[y] = \frac{(1-p)\,x}{1-p} = x,$$
#
# so the expectation of every unit is unchanged, and at evaluation dropout is simply the identity,
# with nothing to rescale. Its variance grows, $\mathrm{Var}(y) = x^2\,\frac{p}{1-p}$: that noise is the
# regularization. We check both on a million draws, and compare with `torch.nn.functional.dropout`.
# The random masks cannot be equal (different random streams), so we compare their statistics.

# %%
p, value = 0.3, 2.0
x = torch.full((1_000_000,), value)
ours = dropout(x, p, training=True, generator=torch.Generator().manual_seed(5))
theirs = nn.functional.dropout(x, p, training=True)
sigma = math.sqrt(p * (1 - p) / x.numel())  # std of a dropped fraction over a million units
print(f"{'':<8}{'dropped':>9}{'kept value':>12}{'mean':>8}{'variance':>10}")
for name, out in (("lib", ours), ("torch", theirs)):
    dropped = (out == 0).double().mean().item()
    kept = out[out != 0].unique()
    print(f"{name:<8}{dropped:>9.4f}{kept.item():>12.4f}{out.mean().item():>8.3f}{out.var().item():>10.3f}")
    assert abs(dropped - p) < 5 * sigma  # the fraction dropped is p
    torch.testing.assert_close(kept, torch.tensor([value / (1 - p)]))  # survivors scaled by 1/(1-p)
    assert abs(out.mean().item() - value) < 0.01  # expectation preserved
    assert abs(out.var().item() / (value**2 * p / (1 - p)) - 1) < 0.01
print(f"theory: dropped {p}, kept value {value / (1 - p):.4f}, mean {value}, variance {value**2 * p / (1 - p):.3f}")

assert dropout(x, p, training=False) is x and torch.equal(nn.functional.dropout(x, p, training=False), x)

# %% [markdown]
# (The source article's reference list cites the paper on dropout in recurrent networks as
# "Yarin et al."; its authors are Yarin Gal and Zoubin Ghahramani, NeurIPS 2016.)
#
# ## Normalization lets a deep network learn
#
# Now the payoff, on real data: the 8×8 handwritten digits that ship with scikit-learn. Four
# networks with 10 hidden ReLU layers of width 64, trained identically (SGD with momentum 0.9,
# learning rate 0.02, batch 128, 10 epochs):
#
# 1. **plain**: PyTorch's default `nn.Linear` initialization (variance $1/(3n_\text{in})$, a sixth of He's);
# 2. **plain + He**: the same network with He initialization (`lib.initialization.initialize_`);
# 3. **batch norm** and 4. **layer norm** after every hidden linear layer (our from-scratch modules,
#    `lib.normalization.normalized_mlp`), with PyTorch's default initialization.
#
# (The training set has 1,347 images, so batches of 128 leave a last batch of 67. With batches of
# 64 the last batch would hold 3 samples, and batch norm's statistics from 3 samples are noisy enough
# to hurt, as the $1/\sqrt m$ plot predicts.)

# %%
train, test = load_digits_split()
depth, width, epochs = (10, 128, 15) if device.type == "cuda" else (10, 64, 10)
sizes_mlp = [64] + [width] * depth + [10]
test_batches = make_batches(test.flat, test.labels, batch_size=512, shuffle=False)

histories = {}
for name in ("plain", "plain + He init", "batch norm", "layer norm"):
    seed_everything(0)
    norm = {"batch norm": "batch", "layer norm": "layer"}.get(name)
    model = normalized_mlp(sizes_mlp, norm=norm, activation="relu")
    if name == "plain + He init":
        initialize_(model, "he", torch.Generator().manual_seed(0))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.02, momentum=0.9)
    train_batches = make_batches(train.flat, train.labels, batch_size=128, seed=0)  # the same order for each
    histories[name] = fit(model, train_batches, nn.functional.cross_entropy, optimizer, epochs,
                          val_batches=test_batches, device=device)

fig, axes = figure(ncols=2, width=11, height=3.8)
for name, history in histories.items():
    axes[0].plot(range(1, epochs + 1), history["train_loss"], marker="o", ms=3, label=name)
    axes[1].plot(range(1, epochs + 1), history["val_metric"], marker="o", ms=3, label=name)
axes[0].axhline(math.log(10), color=PALETTE[7], lw=0.8, ls=":")
axes[0].set(xlabel="epoch", ylabel="training loss", title=f"{depth} hidden ReLU layers on digits")
axes[1].set(xlabel="epoch", ylabel="test accuracy", ylim=(0, 1))
axes[1].legend(loc="lower right", bbox_to_anchor=(1.0, 0.12))  # between the curves, off the lines

final = {name: h.last("val_metric") for name, h in histories.items()}
for name, acc in final.items():
    print(f"{name:<16} final training loss {histories[name].last('train_loss'):.3f}, test accuracy {acc:.1%}")
assert final["plain"] < 0.2 and histories["plain"].last("train_loss") > 2.2  # stuck at chance, loss ≈ ln 10
assert final["batch norm"] > 0.85 and final["layer norm"] > 0.7 and final["plain + He init"] > 0.75

# %% [markdown]
# The plain network never leaves the loss $\ln 10 \approx 2.30$ (the dotted line) of guessing uniformly
# among 10 classes: through 10 layers that each shrink the variance by about 6, its output barely
# depends on the input, and its gradients are tiny. Normalizing after each layer restores a
# unit scale at every depth, and the same network learns, far above chance (batch norm fastest in
# this run). Fixing the initialization alone (He) also works at this depth. In practice, deep
# networks use both, plus residual connections.
#
# ## Try it: initialization, activation and depth
#
# The widget calls `lib.initialization.layer_statistics`, a plain function you can call yourself,
# and plots the activation std per layer. Which schemes survive 100 layers of tanh? Of ReLU?

# %%
def show_init(scheme: str = "he", activation: str = "relu", depth: int = 30) -> None:
    result = layer_statistics(scheme, activation, depth=depth)
    ax = plot_layer_statistics({"activations (forward)": result.forward_std, "gradients (backward)": result.backward_std},
                               ylabel="std", title=f"{scheme} init, {activation}, {depth} layers")
    ax.figure.set_size_inches(6, 3.5)
    both = torch.cat([result.forward_std, result.backward_std])
    ax.set_ylim(min(1e-3, both.min().item() / 3), max(1e3, both.max().item() * 3))  # a fixed, honest scale
    print(f"layer {depth}: activation std {result.forward_std[-1]:.3g}; layer 1: gradient std {result.backward_std[0]:.3g}")


show_init("he", "relu", 30)
interactive_view(show_init, scheme=list(SCHEMES), activation=["tanh", "relu", "sigmoid", "linear"], depth=(5, 100, 5))

# %% [markdown]
# ## Summary
#
# - A layer multiplies the signal's variance by $n_\text{in}\mathrm{Var}(w)$ (times the activation's effect);
#   over many layers that factor compounds. Xavier, $\mathrm{Var}(w) = 2/(n_\text{in}+n_\text{out})$, keeps tanh-like
#   networks near 1; He, $\mathrm{Var}(w) = 2/n_\text{in}$, does it for ReLU, which halves $\mathbb{E}[z^2]$.
# - Too small and the signal and gradients vanish; too large and ReLU explodes while tanh saturates
#   (with exploding gradients). `nn.Linear`'s default, variance $1/(3n_\text{in})$, is too small for deep ReLU stacks.
# - Batch norm (批量归一化) normalizes each channel over the batch, keeps running averages for eval
#   mode, and depends on the batch size; layer norm (层归一化) normalizes each sample over its features,
#   the same in training and inference, which is why Transformers use it.
# - Inverted dropout (随机失活) zeroes units with probability $p$ and scales survivors by $1/(1-p)$, so the
#   expectation is unchanged and evaluation needs no correction.
# - Measured: a 10-layer ReLU network stuck at chance learns once normalized (or He-initialized).
#
# ## Exercises
#
# Write your answer where the reference answer stands, then run the cell: the check tells you
# whether you are right.
#
# **1.** The first MLP layer of GPT-2 small maps $d = 768$ features to $3072$ (a weight of shape
# 3072 × 768 in PyTorch). What standard deviation would He initialization give it?

# %%
# BEGIN SOLUTION
answer_1 = math.sqrt(2 / 768)
# END SOLUTION
check("2.4.he-std", answer_1)

# %% [markdown]
# **2.** A trained batch-norm layer has running mean $\hat\mu$, running variance $\hat\sigma^2$, scale $\gamma$ and
# shift $\beta$ (below). Compute its output *in eval mode* for the batch `x_eval`, by hand ($\varepsilon = 10^{-5}$).

# %%
g_ex = torch.Generator().manual_seed(7)
x_eval = torch.randn(6, 3, generator=g_ex) * 2 + 1
run_mean, run_var = torch.tensor([0.5, -1.0, 2.0]), torch.tensor([4.0, 0.25, 1.5])
gamma_ex, beta_ex = torch.tensor([1.2, 0.8, 2.0]), torch.tensor([0.1, -0.3, 0.0])
# BEGIN SOLUTION
answer_2 = gamma_ex * (x_eval - run_mean) / torch.sqrt(run_var + 1e-5) + beta_ex
# END SOLUTION
check("2.4.batchnorm-eval", answer_2)

# %% [markdown]
# The check rejects the classic mistake, normalizing with the batch's own statistics in eval mode:

# %%
with_batch_stats = batch_norm(x_eval, None, None, gamma_ex, beta_ex, training=True)
print(expect_wrong(check, "2.4.batchnorm-eval", with_batch_stats))

# %% [markdown]
# **3.** How many parameters do all the LayerNorms of GPT-2 small hold ($L = 12$ blocks, $d = 768$; each
# LayerNorm has a scale and a shift of size $d$)?

# %%
# BEGIN SOLUTION
answer_3 = (2 * 12 + 1) * 2 * 768
# END SOLUTION
check("2.4.layernorm-params", answer_3)

# %% [markdown]
# **4. Predict, then run.** Take the saturated std-1 tanh network and make it 4 times wider (512
# units per layer instead of 128). Will the gradient's growth per layer be `"larger"`, `"smaller"` or
# `"the same"`? Write your prediction in `answer_4`, then run the cell, which measures both widths.
# Afterwards, explain the size of the change: the weights' share, $\sqrt{n}$, doubles; what happens to
# $\mathbb{E}[\tanh'^2]$ when the pre-activations $z$ get larger?

# %%
# BEGIN SOLUTION
answer_4 = "larger"
# END SOLUTION
for width in (128, 512):
    wide = layer_statistics("large", "tanh", depth=20, width=width)
    growth = (wide.backward_std[0] / wide.backward_std[-1]).item() ** (1 / 19)
    print(f"width {width}: gradient growth per layer {growth:.2f}")
check("2.4.wider-tanh", answer_4)

# %% [markdown]
# ## References
#
# - Glorot and Bengio, *Understanding the difficulty of training deep feedforward neural networks*, AISTATS 2010.
# - He, Zhang, Ren and Sun, *Delving Deep into Rectifiers: Surpassing Human-Level Performance on ImageNet Classification*, ICCV 2015, arXiv:1502.01852.
# - Poole, Lahiri, Raghu, Sohl-Dickstein and Ganguli, *Exponential expressivity in deep neural networks through transient chaos*, NeurIPS 2016, arXiv:1606.05340.
# - Ioffe and Szegedy, *Batch Normalization: Accelerating Deep Network Training by Reducing Internal Covariate Shift*, ICML 2015, arXiv:1502.03167.
# - Santurkar, Tsipras, Ilyas and Madry, *How Does Batch Normalization Help Optimization?*, NeurIPS 2018, arXiv:1805.11604.
# - Ba, Kiros and Hinton, *Layer Normalization*, 2016, arXiv:1607.06450.
# - Srivastava, Hinton, Krizhevsky, Sutskever and Salakhutdinov, *Dropout: A Simple Way to Prevent Neural Networks from Overfitting*, JMLR 15, 2014.
# - Gal and Ghahramani, *A Theoretically Grounded Application of Dropout in Recurrent Neural Networks*, NeurIPS 2016, arXiv:1512.05287.
# - Radford et al., *Language Models are Unsupervised Multitask Learners*, OpenAI, 2019 (GPT-2's initialization).
# - PyTorch documentation: `torch.nn.init`, https://pytorch.org/docs/stable/nn.init.html
