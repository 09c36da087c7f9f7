# %% [markdown]
# # 2.1 Activation functions (激活函数)
#
# **Time:** about 1 min on a laptop CPU · **Prerequisites:** Python and PyTorch tensors; derivatives and the chain rule; lesson 1.2 (a layer computes $Wx + b$; what training a network means) · **You will learn:** sigmoid, tanh, ReLU, softmax, GELU and SiLU with their derivatives, checked against PyTorch, a softmax that survives inputs of ±1000, and why sigmoid stacks stop learning.
#
# In this lesson you will:
#
# - see why a network needs a nonlinear **activation function** (激活函数) at all;
# - write the source article's four (sigmoid, tanh, ReLU, softmax, its section 4.1.1) and the two
#   that today's large models use (GELU, SiLU) from scratch, each with its **derivative** (导数),
#   and check values against PyTorch and derivatives against autograd, also at $|x| = 1000$;
# - make softmax and log-softmax numerically stable, and compute softmax's Jacobian;
# - measure **saturation** (饱和) and the **vanishing gradient** (梯度消失) in a 30-layer network;
# - correct the article on ReLU, and watch ReLU's own failure, the dead unit.

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
import torch.nn.functional as F
from torch import nn

from lib.course.checks import expect_wrong
from lib.course.exercises import check
from lib.course.lesson import lesson_setup
from lib.data.synthetic import two_moons
from lib.scratch import activations as act
from lib.train.loop import train
from lib.viz.plots import PALETTE, figure
from lib.viz.widgets import interactive_view

device, generator = lesson_setup(seed=0)  # seed, device, one CPU thread for tiny models, the course's plot style

# %% [markdown]
# ## Why a nonlinearity?
#
# A layer computes $Wx + b$. Two such layers in a row are still one linear map:
#
# $$W_2(W_1 x + b_1) + b_2 = (W_2 W_1)\,x + (W_2 b_1 + b_2),$$
#
# so a hundred linear layers can draw no boundary that one could not. An activation function
# $f$ applied to each output, $f(Wx + b)$, breaks this collapse; that is all it is for. The
# cell checks the identity on random layers.

# %%
first, second = nn.Linear(4, 8), nn.Linear(8, 3)
x = torch.randn(5, 4)
W, b = second.weight @ first.weight, second.weight @ first.bias + second.bias
torch.testing.assert_close(second(first(x)), x @ W.T + b)
print("two linear layers = one linear layer with W = W2 W1, b = W2 b1 + b2")

# %% [markdown]
# ## Sigmoid
#
# $$\sigma(x) = \frac{1}{1 + e^{-x}} \in (0, 1).$$
#
# Its derivative follows from the quotient rule:
# $\sigma'(x) = \frac{e^{-x}}{(1 + e^{-x})^2} = \sigma(x)\,\bigl(1 - \sigma(x)\bigr)$,
# which is largest at $x = 0$, where it is $\tfrac14$, and goes to 0 on both sides.
#
# One numerical detail: the equal form $e^{x}/(1 + e^{x})$ computes $\infty/\infty$ = nan at
# $x = 1000$. `lib.activations.sigmoid` uses $1/(1+e^{-x})$ for $x \ge 0$ and $e^{x}/(1+e^{x})$
# for $x < 0$, so the exponential it takes is never of a positive number.

# %%
def sigmoid_naive(x):
    return torch.exp(x) / (1 + torch.exp(x))


big = torch.tensor([-1000.0, -5.0, 0.0, 5.0, 1000.0])
print("e^x / (1 + e^x):", sigmoid_naive(big))
print("lib sigmoid:    ", act.sigmoid(big))
assert torch.isnan(sigmoid_naive(big)[-1])
torch.testing.assert_close(act.sigmoid(big), torch.sigmoid(big))

x0 = torch.tensor(0.0, requires_grad=True)
(slope,) = torch.autograd.grad(torch.sigmoid(x0), x0)
assert slope.item() == act.sigmoid_derivative(torch.tensor(0.0)).item() == 0.25

# %% [markdown]
# ## tanh
#
# $$\tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}} \in (-1, 1), \qquad \tanh'(x) = 1 - \tanh^2(x).$$
#
# It is a sigmoid stretched and shifted to be centred on zero, $\tanh(x) = 2\sigma(2x) - 1$,
# and its slope at 0 is 1 instead of $\tfrac14$. The textbook formula fails for $|x| > 89$ in
# float32 ($e^{89}$ overflows, and $\infty/\infty$ is nan); the lib rewrites it with
# $e^{-2|x|}$, which never overflows.

# %%
def tanh_naive(x):
    return (torch.exp(x) - torch.exp(-x)) / (torch.exp(x) + torch.exp(-x))


print("textbook formula:", tanh_naive(big))
print("lib tanh:        ", act.tanh(big))
assert torch.isnan(tanh_naive(big)).sum() == 2
grid = torch.linspace(-10, 10, 2001, dtype=torch.float64)
torch.testing.assert_close(act.tanh(grid), 2 * act.sigmoid(2 * grid) - 1)

# %% [markdown]
# ## ReLU, and what the article gets wrong about it
#
# $$\operatorname{ReLU}(x) = \max(0, x), \qquad \operatorname{ReLU}'(x) = \begin{cases} 1 & x > 0 \\ 0 & x < 0 \end{cases}$$
#
# (at $x = 0$ there is no derivative; PyTorch, and the lib, use 0). The source article says
# ReLU has the merits of fast computation and **"fewer parameters" (参数较少)**. The second
# half is wrong: ReLU has **no parameters at all**, and neither do sigmoid and tanh, so there
# is nothing to have fewer of. Its real merits are
#
# 1. it is **cheap**: one comparison per number, no exponential;
# 2. its gradient does **not saturate** for positive inputs: it is exactly 1 however large $x$
#    is, where sigmoid's and tanh's slopes shrink towards 0 (measured below).

# %%
# NBVAL_CHECK_OUTPUT
for module in (nn.ReLU(), nn.Sigmoid(), nn.Tanh(), nn.GELU(), nn.SiLU()):
    print(f"{type(module).__name__:<8} parameters: {sum(p.numel() for p in module.parameters())}")
print("nn.Linear(4, 8) parameters:", sum(p.numel() for p in nn.Linear(4, 8).parameters()))

# %% [markdown]
# The parameters live in the linear layers; the activation is a fixed function.
#
# ## GELU and SiLU: what large models use
#
# Since BERT and GPT, Transformers mostly use smooth relatives of ReLU.
#
# **GELU** (Gaussian error linear unit) weighs $x$ by the probability $\Phi(x)$ that a standard
# normal variable is below it:
#
# $$\operatorname{GELU}(x) = x\,\Phi(x), \quad \Phi(x) = \tfrac12\bigl(1 + \operatorname{erf}(x/\sqrt2)\bigr), \qquad \operatorname{GELU}'(x) = \Phi(x) + x\,\varphi(x),$$
#
# with $\varphi(x) = e^{-x^2/2}/\sqrt{2\pi}$ the normal density. The GELU paper also gives a cheaper
# tanh approximation, and that is what the reference code of both BERT (google-research/bert,
# `modeling.py`, function `gelu`) and GPT-2 (openai/gpt-2, `src/model.py`) computes:
#
# $$\operatorname{GELU}_{\tanh}(x) = \tfrac{x}{2}\Bigl(1 + \tanh\bigl(\sqrt{2/\pi}\,(x + 0.044715\,x^3)\bigr)\Bigr).$$
#
# PyTorch's `nn.GELU()` computes the exact erf form by default and the tanh form with
# `approximate="tanh"`; the two differ by less than $10^{-3}$ everywhere (measured below), so a model
# trained with one runs almost unchanged with the other.
#
# **SiLU** (sigmoid-weighted linear unit, also called swish) weighs $x$ by $\sigma(x)$:
#
# $$\operatorname{SiLU}(x) = x\,\sigma(x), \qquad \operatorname{SiLU}'(x) = \sigma(x)\bigl(1 + x\,(1 - \sigma(x))\bigr).$$
#
# Llama and PaLM use it inside their "SwiGLU" MLP blocks. Both behave like ReLU far from 0,
# but are smooth at 0 and dip slightly below 0 for negative inputs.
#
# ## Checking them all against PyTorch
#
# Each function in `lib.scratch.activations` comes with its derivative. One cell checks all of them on
# a dense grid from −20 to 20 plus $\pm 50, \pm 100, \pm 1000$: the values against PyTorch's
# own functions, the derivatives against **autograd**, PyTorch's **automatic differentiation** (自动微分), applied to PyTorch's
# functions, in float32 and float64.

# %%
# NBVAL_CHECK_OUTPUT
references = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "gelu": F.gelu,  # exact erf form
    "gelu_tanh": lambda x: F.gelu(x, approximate="tanh"),
    "silu": F.silu,
}


def autograd_derivative(function, x):
    x = x.detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(function(x).sum(), x)
    return grad


large = torch.tensor([-1000.0, -100.0, -50.0, 50.0, 100.0, 1000.0])
test_grid = torch.cat([torch.linspace(-20, 20, 4001), large])
for name, (function, derivative) in act.ACTIVATIONS.items():
    for dtype in (torch.float32, torch.float64):
        x = test_grid.to(dtype)
        torch.testing.assert_close(function(x), references[name](x))
        torch.testing.assert_close(derivative(x), autograd_derivative(references[name], x))
        assert torch.isfinite(derivative(x)).all()
    print(f"{name:<9}: value and derivative equal PyTorch's on {len(test_grid)} points, float32 and float64")

# %%
dense = torch.linspace(-10, 10, 200_001, dtype=torch.float64)
gelu_gap = (F.gelu(dense) - F.gelu(dense, approximate="tanh")).abs().max().item()
print(f"largest |GELU - GELU_tanh| on [-10, 10]: {gelu_gap:.1e}")
assert gelu_gap < 1e-3  # "less than 10^-3 everywhere": far from 0 both tend to relu(x) exactly

# %% [markdown]
# And in the open, for GELU, the derivative formula against a **finite difference**
# $\bigl(f(x+h) - f(x-h)\bigr)/2h$, which needs no calculus at all:

# %%
x = torch.linspace(-4, 4, 81, dtype=torch.float64)
h = 1e-6
phi = torch.exp(-(x**2) / 2) / math.sqrt(2 * math.pi)
Phi = 0.5 * (1 + torch.erf(x / math.sqrt(2)))
finite_difference = (act.gelu(x + h) - act.gelu(x - h)) / (2 * h)
torch.testing.assert_close(Phi + x * phi, finite_difference, atol=1e-8, rtol=1e-7)
torch.testing.assert_close(act.gelu_derivative(x), Phi + x * phi)
fine = torch.linspace(-3, 0, 30001, dtype=torch.float64)
lowest = act.gelu(fine).argmin()
assert abs(act.gelu_derivative(fine[lowest]).item()) < 1e-3  # the slope is 0 at the minimum
print(f"GELU dips to {act.gelu(fine)[lowest].item():.3f} at x = {fine[lowest].item():.2f}; its slope is negative left of that")

# %% [markdown]
# ## Softmax: from scores to probabilities
#
# The article's fourth function turns a vector of scores, the **logits** (logit（对数几率）: the
# unnormalized scores that a softmax or a sigmoid turns into probabilities), into a probability
# distribution over $n$ classes:
#
# $$\operatorname{softmax}(x)_i = \frac{e^{x_i}}{\sum_{j=1}^n e^{x_j}}.$$
#
# Written like that it breaks on large inputs. In float32, $e^{89}$ is already infinite, so
# scores of 1000 give $\infty/\infty$ = nan, and scores of −1000 give $0/0$ = nan:

# %%
def softmax_naive(x):
    return torch.exp(x) / torch.exp(x).sum(dim=-1, keepdim=True)


def log_softmax_naive(x):
    return torch.log(softmax_naive(x))


scores = torch.tensor([[1000.0, 999.0, 998.0], [-1000.0, -1001.0, -1002.0], [0.0, -1000.0, 5.0]])
print("naive softmax:\n", softmax_naive(scores))
print("naive log-softmax of the last row:", log_softmax_naive(scores)[2])
assert torch.isnan(softmax_naive(scores)[:2]).all()
assert torch.isinf(log_softmax_naive(scores)[2, 1])

# %% [markdown]
# The fix is one line of algebra. Multiplying numerator and denominator by $e^{-m}$ changes
# nothing, so with $m = \max_j x_j$
#
# $$\operatorname{softmax}(x)_i = \frac{e^{x_i - m}}{\sum_j e^{x_j - m}}:$$
#
# now every exponent is $\le 0$ (no overflow) and the largest term is $e^0 = 1$ (the sum is at
# least 1, never 0). The log of softmax must not be computed as `log(softmax(x))` either: a
# probability that rounds to 0 has log $-\infty$. Instead use the **log-sum-exp** (对数求和指数)
# trick:
#
# $$\log \operatorname{softmax}(x)_i = x_i - \operatorname{LSE}(x), \qquad \operatorname{LSE}(x) = \log \sum_j e^{x_j} = m + \log \sum_j e^{x_j - m}.$$

# %%
def softmax_stable(x):
    e = torch.exp(x - x.max(dim=-1, keepdim=True).values)
    return e / e.sum(dim=-1, keepdim=True)


def log_softmax_stable(x):
    m = x.max(dim=-1, keepdim=True).values
    return x - m - torch.log(torch.exp(x - m).sum(dim=-1, keepdim=True))


print("stable softmax:\n", softmax_stable(scores))
print("stable log-softmax of the last row:", log_softmax_stable(scores)[2])
for mine in (softmax_stable(scores), act.softmax(scores)):
    torch.testing.assert_close(mine, torch.softmax(scores, dim=-1))
for mine in (log_softmax_stable(scores), act.log_softmax(scores)):
    torch.testing.assert_close(mine, torch.log_softmax(scores, dim=-1))
torch.testing.assert_close(act.logsumexp(scores), torch.logsumexp(scores, dim=-1))
random_scores = torch.randn(64, 10) * 300
torch.testing.assert_close(act.softmax(random_scores, dim=0), torch.softmax(random_scores, dim=0))
torch.testing.assert_close(act.log_softmax(random_scores), torch.log_softmax(random_scores, dim=-1))

# %% [markdown]
# The third row shows why log-softmax matters: the middle class has probability
# $e^{-1005} \approx 0$ in float32, but its log-probability, −1005.0067, is an ordinary number.
# Lesson 2.2's cross-entropy takes exactly this log, which is why losses take logits.
#
# Two more facts, checked below. With two classes, softmax is the sigmoid of the difference,
# $\operatorname{softmax}(0, x)_2 = \sigma(x)$. And softmax's derivative is a matrix, the
# **Jacobian** (雅可比矩阵): differentiating $s_i = e^{x_i}/\sum_k e^{x_k}$,
#
# $$\frac{\partial s_i}{\partial x_j} = s_i(\delta_{ij} - s_j), \qquad J = \operatorname{diag}(s) - s\,s^\top .$$

# %%
torch.testing.assert_close(act.softmax(torch.stack([torch.zeros_like(grid), grid], dim=1))[:, 1], act.sigmoid(grid))

logits = torch.tensor([2.0, 1.0, 0.1, -1.0], dtype=torch.float64)
s = act.softmax(logits)
J_formula = torch.diag(s) - torch.outer(s, s)
J_autograd = torch.autograd.functional.jacobian(lambda v: torch.softmax(v, dim=-1), logits)
torch.testing.assert_close(J_formula, J_autograd)
torch.testing.assert_close(act.softmax_jacobian(logits), J_autograd)
torch.testing.assert_close(J_formula.sum(dim=0), torch.zeros(4, dtype=torch.float64))
print("softmax Jacobian (diag(s) - s s^T):\n", J_formula.numpy().round(3))

# %% [markdown]
# Each column of $J$ sums to 0: raising one score can only move probability between classes,
# never create it, because the probabilities always sum to 1.
#
# ## Saturation: where the slope dies
#
# The curves side by side. Left the functions, right their derivatives, all computed by
# `lib.activations.activation_curves`.

# %%
curves = act.activation_curves(["sigmoid", "tanh", "relu", "gelu", "silu"], -6, 6, 601)
fig, (ax_f, ax_d) = figure(ncols=2, width=10, height=3.8)
for i, name in enumerate(curves.values):
    ax_f.plot(curves.x, curves.values[name], color=PALETTE[i], label=name)
    ax_d.plot(curves.x, curves.derivatives[name], color=PALETTE[i], label=name)
ax_f.set_ylim(-1.5, 3)
ax_f.set_title("activation f(x)")
ax_d.set_title("derivative f'(x)")
ax_d.axhline(0.25, color="grey", linestyle=":", linewidth=1)
ax_d.annotate("sigmoid's maximum slope, 1/4", (-6, 0.27), fontsize=8, color="grey")
ax_f.legend()
for ax in (ax_f, ax_d):
    ax.set_xlabel("x")

# %%
# NBVAL_CHECK_OUTPUT
print(f"{'x':>5} {'sigmoid':>10} {'tanh':>10} {'relu':>6} {'gelu':>6}   (derivatives)")
for value in (0.0, 2.0, 5.0, 10.0):
    v = torch.tensor(value, dtype=torch.float64)
    row = [act.ACTIVATIONS[n][1](v).item() for n in ("sigmoid", "tanh", "relu", "gelu")]
    print(f"{value:>5.0f} {row[0]:>10.2e} {row[1]:>10.2e} {row[2]:>6.2f} {row[3]:>6.2f}")

# %% [markdown]
# At $x = 10$ sigmoid's slope is $4.5 \times 10^{-5}$ and tanh's $8 \times 10^{-9}$: a unit
# whose input is that large has **saturated** (饱和), and almost no gradient passes through it.
# ReLU's and GELU's slope is 1 for any large positive input.
#
# ## The vanishing gradient in a deep stack
#
# Backpropagation (反向传播, lesson 2.3) sends the gradient from the loss back through the
# layers. Through a layer $a = f(z)$, $z = W a_{\text{prev}} + b$, the chain rule gives
#
# $$\frac{\partial \mathcal{L}}{\partial a_{\text{prev}}} = W^\top \Bigl( f'(z) \odot \frac{\partial \mathcal{L}}{\partial a} \Bigr),$$
#
# so every layer multiplies the gradient by its weights and by $f'(z)$. Sigmoid's $f'$ is at
# most $\tfrac14$; thirty of them multiply to almost nothing. First the formula, checked on a
# three-layer sigmoid stack against autograd:

# %%
stack = [nn.Linear(6, 6).double() for _ in range(3)]
inputs = torch.randn(2, 6, dtype=torch.float64, requires_grad=True)
pre_activations, a = [], inputs
for layer in stack:
    pre_activations.append(layer(a))
    a = act.sigmoid(pre_activations[-1])
loss = a.sum()
(autograd_grad,) = torch.autograd.grad(loss, inputs)

grad = torch.ones_like(a)  # dL/da of the last layer, for L = sum(a)
for layer, z in zip(reversed(stack), reversed(pre_activations), strict=True):
    grad = (act.sigmoid_derivative(z) * grad) @ layer.weight  # W^T (f'(z) * grad), batched as rows
torch.testing.assert_close(grad, autograd_grad)
print("the chain rule, layer by layer, equals autograd")

# %% [markdown]
# Now the measurement. `lib.activations.layer_gradient_norms` builds a 30-layer network, feeds it
# synthetic Gaussian inputs, backpropagates once, and returns the size (norm) of the gradient of
# each layer's weights. Every network gets its textbook **initialization** (初始化, lesson 2.4):
# Xavier for sigmoid and tanh, He (Kaiming) for ReLU and GELU.

# %%
depth = 30
width = 256 if device.type == "cuda" else 64
settings = {"sigmoid": "xavier", "tanh": "xavier", "relu": "kaiming", "gelu": "kaiming"}
norms = {name: act.layer_gradient_norms(name, depth, width, init=init, n_samples=128, device=device)
         for name, init in settings.items()}

fig, ax = figure(width=7, height=4)
for i, (name, g) in enumerate(norms.items()):
    ax.semilogy(range(1, depth + 1), g, marker=".", color=PALETTE[i], label=f"{name} ({settings[name]} init)")
ax.set_xlabel("layer (1 = next to the input)")
ax.set_ylabel("norm of the weight gradient (log scale)")
ax.set_title(f"Gradient reaching each layer of a {depth}-layer network")
ax.legend()

for name, g in norms.items():
    per_layer = (g[0] / g[-1]).item() ** (1 / (depth - 1))
    print(f"{name:<8} first layer / last layer = {(g[0] / g[-1]).item():.1e}  (x{per_layer:.2f} per layer)")
assert norms["sigmoid"][0] / norms["sigmoid"][-1] < 1e-10
assert 1e-2 < norms["relu"][0] / norms["relu"][-1] < 1e2

# %% [markdown]
# The gradient reaching the first sigmoid layer is more than ten orders of magnitude smaller
# than at the last one: each sigmoid layer shrinks it by a factor a little under sigmoid's
# maximum slope $\tfrac14$. So the first layers of a deep sigmoid network barely learn: the
# **vanishing gradient** (梯度消失) that held deep networks back until ReLU (and better
# initialization and normalization) came along. With ReLU the gradient reaches the first
# layer at about the same size as the last. tanh, centred on 0 with slope 1 there, does far
# better than sigmoid, but it too saturates once its inputs grow.
#
# ## ReLU's own failure: the dead unit
#
# ReLU's gradient is exactly 0 for negative inputs. A unit whose input is negative for *every*
# example of the data outputs 0 everywhere, so its incoming weights get a gradient of exactly 0
# and never change: the unit is **dead** (神经元死亡, "dying ReLU"). A too-large learning rate
# is a common cause: one big step can push many units' biases far negative. Below, a network
# with 64 ReLU units learns the synthetic two-moons data with a moderate and with a too-large
# learning rate.

# %%
points, labels = two_moons(400, noise=0.1, seed=0)


def dead_units(model):
    """Hidden units whose ReLU output is 0 on every training point."""
    with torch.no_grad():
        hidden = torch.relu(model[0](points))
    return hidden.amax(dim=0) == 0


results = {}
for lr in (1.0, 10.0):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 1))
    dead_at_start = dead_units(model)
    weights_at_start = model[0].weight.detach().clone()
    # 300 steps of full-batch gradient descent through the course's engine (a list of one batch repeats)
    train(model, [(points, labels.float())], optimizer=torch.optim.SGD(model.parameters(), lr=lr),
          loss_fn=lambda logits, y: F.binary_cross_entropy_with_logits(logits.squeeze(1), y), steps=300, progress=False)
    dead = dead_units(model)
    accuracy = ((model(points).squeeze(1) > 0).long() == labels).float().mean().item()
    # a dead unit's weights get a gradient of exactly zero, so those dead from the start never moved
    assert torch.equal(model[0].weight.grad[dead], torch.zeros_like(model[0].weight.grad[dead]))
    assert torch.equal(model[0].weight[dead_at_start], weights_at_start[dead_at_start])
    assert dead[dead_at_start].all()
    results[lr] = (dead_at_start.sum().item(), dead.sum().item(), accuracy)
    print(f"learning rate {lr:>4}: dead units {dead_at_start.sum().item()} at start, {dead.sum().item()} of 64 "
          f"after training; training accuracy {accuracy:.1%}")
assert results[10.0][1] > 2 * results[1.0][1] and results[1.0][2] > 0.95 and results[10.0][2] < results[1.0][2]

# %% [markdown]
# Even at the start some units are dead: for them, every one of the 400 points lies on the
# negative side of the unit's line. They stayed dead; their weights did not move by a single bit.
# With the too-large learning rate most units died and the network did worse. Remedies:
# smaller learning rates, careful initialization, or an activation with a nonzero slope for
# $x < 0$ (leaky ReLU, GELU, SiLU; see exercise 3).
#
# ## Try it: compare activations
#
# The widget plots any set of activations and their derivatives over a range you choose. The
# curves come from `lib.activations.activation_curves`, a plain function (called once here).

# %%
def show_activations(first="sigmoid", second="gelu", x_range=6.0):
    curves = act.activation_curves([first, second], -x_range, x_range, 401)
    fig, (ax_f, ax_d) = figure(ncols=2, width=9, height=3.2)
    for i, name in enumerate(dict.fromkeys([first, second])):
        ax_f.plot(curves.x, curves.values[name], color=PALETTE[i], label=name)
        ax_d.plot(curves.x, curves.derivatives[name], color=PALETTE[i], label=name)
    ax_f.set_title("f(x)")
    ax_d.set_title("f'(x)")
    ax_f.legend()


show_activations()
names = sorted(act.ACTIVATIONS)
interactive_view(show_activations, first=names, second=names, x_range=(1.0, 20.0, 1.0))

# %% [markdown]
# ## Summary
#
# - Without an activation, stacked layers collapse into one linear map.
# - Sigmoid $1/(1+e^{-x})$ and tanh squash into $(0,1)$ and $(-1,1)$; their derivatives
#   $\sigma(1-\sigma) \le \tfrac14$ and $1 - \tanh^2 \le 1$ vanish for large $|x|$ (saturation),
#   and in a 30-layer sigmoid network the first layer's gradient was more than $10^{10}$ times
#   smaller than the last's.
# - ReLU $\max(0, x)$ has no parameters (the article's "fewer parameters" is wrong); it is
#   cheap and its slope is 1 for every positive input. Its failure mode is the dead unit.
# - GELU $x\Phi(x)$ and SiLU $x\sigma(x)$, smooth relatives of ReLU, are what Transformers use.
# - Softmax and log-softmax are computed after subtracting the maximum (log-sum-exp), which
#   gives the same numbers and survives inputs of ±1000; softmax's Jacobian is
#   $\operatorname{diag}(s) - s s^\top$.
# - `lib.scratch.activations` holds every function and derivative of this lesson, checked against PyTorch.
#
# ## Exercises
#
# **1.** Using only $\sigma'(x) = \sigma(x)(1 - \sigma(x))$ and `math.exp`, compute the slope of
# sigmoid at $x = 2$.

# %%
# BEGIN SOLUTION
s2 = 1 / (1 + math.exp(-2))
answer_1 = s2 * (1 - s2)
# END SOLUTION
check("2.1.sigmoid-slope", answer_1)

# %% [markdown]
# **2.** Compute log-softmax of the scores $(1000, 0, -1000)$ as a float32 tensor, without
# `torch.log_softmax` or `lib`. (Subtract the maximum first.)

# %%
z = torch.tensor([1000.0, 0.0, -1000.0])
# BEGIN SOLUTION
answer_2 = z - z.max() - torch.log(torch.exp(z - z.max()).sum())
# END SOLUTION
check("2.1.log-softmax", answer_2)

# %% [markdown]
# The check rejects the naive `log(softmax(z))`, which gives nan and −inf here:

# %%
print(expect_wrong(check, "2.1.log-softmax", log_softmax_naive(z)))

# %% [markdown]
# **3.** Leaky ReLU keeps a small slope for negative inputs, so its units cannot die:
# $f(x) = x$ for $x > 0$ and $0.01\,x$ otherwise. Write its derivative for the points
# `xs` below (use $0.01$ at $x = 0$, as PyTorch does).

# %%
xs = torch.linspace(-3, 3, 61)
# BEGIN SOLUTION
answer_3 = torch.where(xs > 0, torch.ones_like(xs), torch.full_like(xs, 0.01))
# END SOLUTION
check("2.1.leaky-relu-slope", answer_3)

# %% [markdown]
# **4. Predict, then run.** Language models sample the next token from $\operatorname{softmax}(z/\tau)$,
# the logits divided by a **temperature** (温度) $\tau$ (chapter 3 uses it). For the logits
# $z = (2, 1, 0.1)$, will the largest probability at $\tau = 0.5$ be `"higher"`, `"lower"` or `"the same"`
# compared with $\tau = 1$? Write your prediction in `answer_4` *before* running the cell; the cell
# then computes both distributions and the check compares.

# %%
# BEGIN SOLUTION
answer_4 = "higher"
# END SOLUTION
z_4 = torch.tensor([2.0, 1.0, 0.1], dtype=torch.float64)
for tau in (1.0, 0.5):
    print(f"tau = {tau}: softmax(z / tau) =", [round(p, 3) for p in act.softmax(z_4 / tau).tolist()])
check("2.1.temperature", answer_4)

# %% [markdown]
# Now change $\tau$ in the loop above to 0.1 and to 10, and run it again: which value of $\tau$ makes
# sampling nearly always pick the same token, and which makes it nearly uniform?

# %% [markdown]
# ## References
#
# - Nair and Hinton, *Rectified Linear Units Improve Restricted Boltzmann Machines*, ICML 2010.
# - Glorot, Bordes and Bengio, *Deep Sparse Rectifier Neural Networks*, AISTATS 2011.
# - Glorot and Bengio, *Understanding the difficulty of training deep feedforward neural networks*, AISTATS 2010 (saturation and the vanishing gradient in sigmoid networks; Xavier initialization).
# - He, Zhang, Ren and Sun, *Delving Deep into Rectifiers*, ICCV 2015, arXiv:1502.01852 (He initialization).
# - Hendrycks and Gimpel, *Gaussian Error Linear Units (GELUs)*, 2016, arXiv:1606.08415.
# - Elfwing, Uchibe and Doya, *Sigmoid-Weighted Linear Units for Neural Network Function Approximation in Reinforcement Learning*, Neural Networks 2018, arXiv:1702.03118 (SiLU).
# - Ramachandran, Zoph and Le, *Searching for Activation Functions*, 2017, arXiv:1710.05941 (swish).
# - Shazeer, *GLU Variants Improve Transformer*, 2020, arXiv:2002.05202 (SwiGLU).
# - Devlin et al., *BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding*, NAACL 2019, arXiv:1810.04805.
# - Reference code that computes GELU's tanh form: google-research/bert, `modeling.py` (function `gelu`),
#   https://github.com/google-research/bert/blob/master/modeling.py ; openai/gpt-2, `src/model.py` (function `gelu`),
#   https://github.com/openai/gpt-2/blob/master/src/model.py
# - Touvron et al., *LLaMA: Open and Efficient Foundation Language Models*, 2023, arXiv:2302.13971.
# - PyTorch documentation, `torch.nn.GELU`: https://pytorch.org/docs/stable/generated/torch.nn.GELU.html
