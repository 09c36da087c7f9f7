# %% [markdown]
# # 2.6 A worked example, done right (完整示例)
#
# **Time:** about 15 s on a laptop CPU · **Prerequisites:** lesson 2.2 (binary cross-entropy from logits); lesson 2.3 (the matrix-form backward pass); lesson 2.5 (Adam with bias correction); `nn.Module` and `torch.optim` as used in lesson 1.6 · **You will learn:** to train a 3-layer network twice from the same weights, once entirely by hand (forward, matrix backward, Adam) and once with nn.Module, autograd and torch.optim, and get the same numbers at every step.
#
# The source article's section 4.2 walks through one example: a binary classification problem
# (二分类问题) with 100 samples of 10 features, a 3-layer fully connected network with ReLU,
# cross-entropy loss and Adam. Its formulas have four errors; this lesson does the example right
# and proves it by running it twice. In this lesson you will:
#
# - make the data: 100 synthetic samples with a rule a network can learn;
# - build the network with ReLU in the hidden layers and a **sigmoid** output (the article puts
#   ReLU on the output), and the binary cross-entropy $-[y^*\log y + (1-y^*)\log(1-y)]$ (the
#   article's is $-\sum y \log y$, which never looks at the labels);
# - derive the backward pass in matrix form and code it with plain tensors, autograd switched off;
# - code Adam with bias correction (the article's update has neither $v$ nor $\varepsilon$);
# - check that the hand-made version and PyTorch's agree at every step, then train to convergence
#   and read the training and held-out curves.

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

from lib.course.checks import expect_wrong
from lib.course.exercises import check
from lib.course.lesson import lesson_setup
from lib.models.mlp import MLP, mlp_parameter_count
from lib.scratch import losses
from lib.scratch.gradcheck import gradcheck
from lib.train.engine import accuracy
from lib.viz.plots import PALETTE, figure

device, generator = lesson_setup(seed=0)  # seed, device, one CPU thread for tiny models, the course's plot style
# Everything here is float64, so that the two implementations can be compared to 1e-6 and far
# beyond. The nn.Module copy runs on the GPU when there is one (Apple's mps has no float64).
module_device = device if device.type == "cuda" else torch.device("cpu")
dtype = torch.float64

# %% [markdown]
# ## The data: 100 synthetic samples, 10 features, labels from a rule
#
# The article does not say where its 100 samples come from, so we make them: 10 features drawn from
# a standard normal distribution, and the label 1 when a fixed, random weighted sum of the features
# is positive, 0 otherwise. The rule is hidden from the network; it must learn it from the examples.
# This data is **synthetic**, generated from a seed, the same on every machine. We train on 80
# samples and hold out 20 to measure how well the network does on samples it never saw.

# %%
data_gen = torch.Generator().manual_seed(0)
n_samples, n_features = 100, 10
X = torch.randn(n_samples, n_features, generator=data_gen, dtype=dtype)
teacher = torch.randn(n_features, generator=data_gen, dtype=dtype)  # the hidden rule
y_star = (X @ teacher > 0).to(dtype)  # the labels y*, 0 or 1
X_train, y_train, X_held, y_held = X[:80], y_star[:80], X[80:], y_star[80:]

# %%
# NBVAL_CHECK_OUTPUT
print(f"train: {X_train.shape[0]} samples x {X_train.shape[1]} features, {int(y_train.sum())} labelled 1")
print(f"held out: {X_held.shape[0]} samples, {int(y_held.sum())} labelled 1")

# %% [markdown]
# ## The network: 10 → 16 → 16 → 1, ReLU inside, sigmoid at the output
#
# Three fully connected layers. For a batch of $m$ samples stacked as the rows of $X$ ($m \times 10$),
# the **forward pass** (前向传播) is
#
# $$Z_1 = X W_1^\top + b_1,\quad H_1 = \mathrm{ReLU}(Z_1),\quad Z_2 = H_1 W_2^\top + b_2,\quad H_2 = \mathrm{ReLU}(Z_2),$$
# $$z_3 = H_2 W_3^\top + b_3,\qquad y = \sigma(z_3) = \frac{1}{1 + e^{-z_3}} .$$
#
# The output $y$ is the predicted probability that the label is 1, so it must lie in $(0, 1)$: that
# is the sigmoid's job. **The article (4.2.2) puts ReLU on the output too.** A ReLU output is not a
# probability: it can exceed 1, it is exactly 0 for every negative $z_3$ (where $\log y = -\infty$),
# and there its gradient is 0, so those samples stop learning. We will see that on real numbers below.
#
# The weights start random. With ReLU, He initialization keeps the scale of the signal steady from
# layer to layer (lesson 2.4): weights drawn from $\mathcal{N}(0, 2/n_{\text{in}})$, biases 0.

# %%
# NBVAL_CHECK_OUTPUT
sizes = (10, 16, 16, 1)
init_gen = torch.Generator().manual_seed(0)
initial = []
for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
    initial.append(torch.randn(n_out, n_in, generator=init_gen, dtype=dtype) * math.sqrt(2 / n_in))  # W
    initial.append(torch.zeros(n_out, dtype=dtype))  # b
print("parameter shapes:", [tuple(p.shape) for p in initial])
print("parameters:", sum(p.numel() for p in initial))
assert sum(p.numel() for p in initial) == mlp_parameter_count(sizes)


def forward(params: list[torch.Tensor], X: torch.Tensor) -> dict[str, torch.Tensor]:
    """The forward pass by hand; returns every intermediate, because the backward pass needs them."""
    W1, b1, W2, b2, W3, b3 = params
    Z1 = X @ W1.T + b1
    H1 = Z1.clamp(min=0)  # ReLU
    Z2 = H1 @ W2.T + b2
    H2 = Z2.clamp(min=0)
    z3 = (H2 @ W3.T + b3).squeeze(1)  # one logit per sample
    y = 1 / (1 + torch.exp(-z3))  # sigmoid
    return {"X": X, "Z1": Z1, "H1": H1, "Z2": Z2, "H2": H2, "z3": z3, "y": y}


# %% [markdown]
# Here is the article's ReLU output on the same initial weights (its output is $\mathrm{ReLU}(z_3)$
# instead of $\sigma(z_3)$):

# %%
# NBVAL_CHECK_OUTPUT
z3_initial = forward(initial, X_train)["z3"]
relu_output = z3_initial.clamp(min=0)
stuck = int((relu_output == 0).sum())
labelled_1 = int(((relu_output == 0) & (y_train == 1)).sum())
print(f"ReLU output: {stuck} of 80 samples output exactly 0, so no gradient reaches them;")
print(f"{labelled_1} of those are labelled 1, where the loss term log(0) is -inf")
sigmoid_output = forward(initial, X_train)["y"]
print(f"sigmoid output: all in ({sigmoid_output.min():.2f}, {sigmoid_output.max():.2f})")
assert stuck > 0 and labelled_1 > 0 and ((sigmoid_output > 0) & (sigmoid_output < 1)).all()

# %% [markdown]
# ## The loss: binary cross-entropy, with the labels in it
#
# For labels $y^*_i \in \{0, 1\}$ and predicted probabilities $y_i$, the **binary cross-entropy**
# (二元交叉熵) is
#
# $$\mathcal{L} = -\frac{1}{m}\sum_{i=1}^{m}\Big[y^*_i \log y_i + (1 - y^*_i)\log(1 - y_i)\Big].$$
#
# **The article's 4.2.3 writes** $\mathcal{L} = -\frac{1}{m}\sum_i y_i \log y_i$: the prediction twice and no
# label at all, so it gives the same loss whatever the labels are, and minimizing it teaches nothing
# about the task (`lib.losses.article_cross_entropy` keeps it, to show that). We check both claims,
# and that our formula is PyTorch's `binary_cross_entropy` and the course's `lib.scratch.losses` (lesson 2.2).
#
# In code we use the same loss written with the logit $z$ instead of $y = \sigma(z)$:
# $-[y^*\log\sigma(z) + (1-y^*)\log(1-\sigma(z))] = \log(1 + e^{z}) - y^* z$, with
# $\log(1 + e^{z})$ computed as $\max(z, 0) + \log(1 + e^{-|z|})$ so that $e^{z}$ cannot overflow.
# It is equal, but it never computes $\log 0$, which the first form does in floating point once
# $\sigma(z)$ rounds to exactly 1 (at $z > 37$ in float64). PyTorch's
# `binary_cross_entropy_with_logits` does the same.

# %%
def bce(y: torch.Tensor, y_star: torch.Tensor) -> torch.Tensor:
    """Binary cross-entropy from probabilities, exactly as the formula reads."""
    return -(y_star * torch.log(y) + (1 - y_star) * torch.log(1 - y)).mean()


def bce_from_logits(z: torch.Tensor, y_star: torch.Tensor) -> torch.Tensor:
    """The same loss from the logits: log(1 + e^z) - y* z, with log(1 + e^z) = max(z, 0) + log(1 + e^-|z|)."""
    return (z.clamp(min=0) + torch.log1p(torch.exp(-z.abs())) - y_star * z).mean()


y0 = forward(initial, X_train)["y"]
torch.testing.assert_close(y0, torch.sigmoid(z3_initial))  # the hand-written sigmoid is PyTorch's
torch.testing.assert_close(bce(y0, y_train), nn.functional.binary_cross_entropy(y0, y_train))
torch.testing.assert_close(bce_from_logits(z3_initial, y_train), bce(y0, y_train))
torch.testing.assert_close(bce_from_logits(z3_initial, y_train), nn.functional.binary_cross_entropy_with_logits(z3_initial, y_train))
torch.testing.assert_close(bce(y0, y_train), losses.binary_cross_entropy(y0, y_train))
torch.testing.assert_close(bce_from_logits(z3_initial, y_train), losses.binary_cross_entropy_with_logits(z3_initial, y_train))
flipped = 1 - y_train
print(f"right loss, true labels {bce(y0, y_train):.4f}; flipped labels {bce(y0, flipped):.4f}")
print(f"article's formula: {losses.article_cross_entropy(y0):.4f}, whatever the labels")
assert bce(y0, y_train) != bce(y0, flipped)

# %% [markdown]
# ## The backward pass in matrix form
#
# **Backpropagation** (反向传播) applies the chain rule layer by layer, from the loss back to the
# input. Write $\delta_Z = \partial \mathcal{L} / \partial Z$ for the gradient with respect to a layer's
# pre-activation. Everything is a matrix product over the whole batch at once.
#
# *Output layer.* For one sample, $\partial \mathcal{L}/\partial y = -\frac{1}{m}\big(\frac{y^*}{y} - \frac{1-y^*}{1-y}\big)$
# and $\partial y/\partial z = \sigma'(z) = y(1-y)$. Their product simplifies to
#
# $$\delta_{z_3} = \frac{1}{m}(y - y^*) .$$
#
# The sigmoid's derivative cancels: this is why sigmoid and cross-entropy are always paired. (The
# article's 4.2.4 keeps an extra factor $\nabla y_i$ in its output-layer gradient; with a sigmoid
# output and cross-entropy that factor cancels and must not be there.)
#
# *A linear layer* $Z = H W^\top + b$ passes gradients back as
#
# $$\frac{\partial \mathcal{L}}{\partial W} = \delta_Z^\top H, \qquad \frac{\partial \mathcal{L}}{\partial b} = \sum_{\text{rows}} \delta_Z, \qquad \frac{\partial \mathcal{L}}{\partial H} = \delta_Z W .$$
#
# *A ReLU* $H = \max(0, Z)$ lets the gradient through where $Z > 0$ and stops it elsewhere:
# $\delta_Z = \frac{\partial \mathcal{L}}{\partial H} \odot \mathbb{1}[Z > 0]$.
#
# Six lines of code, one per equation, from the output back to $W_1$:

# %%
def backward(params: list[torch.Tensor], cache: dict[str, torch.Tensor], y_star: torch.Tensor) -> list[torch.Tensor]:
    """Gradients of the mean BCE with respect to [W1, b1, W2, b2, W3, b3], by the matrix chain rule."""
    W1, b1, W2, b2, W3, b3 = params
    m = y_star.shape[0]
    d_z3 = ((cache["y"] - y_star) / m).unsqueeze(1)  # (m, 1): sigmoid + BCE
    d_W3, d_b3 = d_z3.T @ cache["H2"], d_z3.sum(0)
    d_Z2 = (d_z3 @ W3) * (cache["Z2"] > 0)  # back through layer 3, then ReLU
    d_W2, d_b2 = d_Z2.T @ cache["H1"], d_Z2.sum(0)
    d_Z1 = (d_Z2 @ W2) * (cache["Z1"] > 0)  # back through layer 2, then ReLU
    d_W1, d_b1 = d_Z1.T @ cache["X"], d_Z1.sum(0)
    return [d_W1, d_b1, d_W2, d_b2, d_W3, d_b3]


# %% [markdown]
# Before trusting it, two checks on the initial weights: the output-layer formula
# $\delta_{z_3} = (y - y^*)/m$ against autograd (and `lib.scratch.losses`), and all 465 entries of the gradient
# against **finite differences** (有限差分) $\frac{L(\theta + h) - \mathcal{L}(\theta - h)}{2h}$, which need
# nothing but the forward pass (`lib.gradcheck.gradcheck` from lesson 2.3 nudges each entry in turn).

# %%
z = z3_initial.clone().requires_grad_(True)
(autograd_d_z3,) = torch.autograd.grad(bce(torch.sigmoid(z), y_train), z)
torch.testing.assert_close(autograd_d_z3, (torch.sigmoid(z3_initial) - y_train) / 80)
torch.testing.assert_close(autograd_d_z3, losses.binary_cross_entropy_with_logits_grad(z3_initial, y_train))


def loss_of(*params: torch.Tensor) -> torch.Tensor:
    return bce_from_logits(forward(list(params), X_train)["z3"], y_train)


def gradient_of(*params: torch.Tensor) -> list[torch.Tensor]:
    return backward(list(params), forward(list(params), X_train), y_train)


report = gradcheck(loss_of, initial, grad_fn=gradient_of)
print(report)
assert report.passed

# %% [markdown]
# ## Adam, by hand
#
# The update from lesson 2.5, with bias correction and $\varepsilon$:
# $m \leftarrow \beta_1 m + (1-\beta_1) g$, $v \leftarrow \beta_2 v + (1-\beta_2) g^2$,
# $\theta \leftarrow \theta - \eta\,\frac{m/(1-\beta_1^t)}{\sqrt{v/(1-\beta_2^t)} + \varepsilon}$.
# (**The article's 4.2.5** computes $v$ and then never uses it:
# $\theta \leftarrow \theta - \eta\, m_t / ((1-\beta_1^t)(1-\beta_2^t))$. Lesson 2.5 measures what
# that does: a first step 1000 times too large.)

# %%
class HandAdam:
    """Adam on a list of plain tensors, updated in place; the state is m, v and the step count t."""

    def __init__(self, params: list[torch.Tensor], lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8):
        self.params, self.lr, self.betas, self.eps, self.t = params, lr, betas, eps, 0
        self.m = [torch.zeros_like(p) for p in params]
        self.v = [torch.zeros_like(p) for p in params]

    def step(self, grads: list[torch.Tensor]) -> None:
        beta1, beta2 = self.betas
        self.t += 1
        for p, g, m, v in zip(self.params, grads, self.m, self.v, strict=True):
            m.mul_(beta1).add_((1 - beta1) * g)
            v.mul_(beta2).add_((1 - beta2) * g * g)
            m_hat = m / (1 - beta1**self.t)
            v_hat = v / (1 - beta2**self.t)
            p.sub_(self.lr * m_hat / (v_hat.sqrt() + self.eps))


# %% [markdown]
# ## Twice from the same weights: by hand, and with PyTorch
#
# Now the experiment. Implementation 1 is everything above: plain tensors with
# `requires_grad=False`, run inside `torch.no_grad()`, so autograd cannot be helping. Implementation
# 2 is how one would normally write it: the course's `lib.models.mlp.MLP` (an `nn.Module` whose
# output is the logit), with the *same* initial weights copied in, autograd's `loss.backward()`,
# and `torch.optim.Adam`. Both take 300 full-batch steps on the 80 training samples with learning
# rate 0.005. After every step we compare the two losses; at the end, every parameter.
#
# The PyTorch version also records the accuracy and the loss on the held-out samples at every
# step, for the learning curves.

# %%
lr, n_steps = 0.005, 300

# Implementation 1: by hand
hand_params = [p.clone() for p in initial]
assert not any(p.requires_grad for p in hand_params)
hand_adam = HandAdam(hand_params, lr=lr)
hand_losses = []
with torch.no_grad():
    assert not torch.is_grad_enabled()
    for _ in range(n_steps):
        cache = forward(hand_params, X_train)
        hand_losses.append(bce_from_logits(cache["z3"], y_train).item())
        hand_adam.step(backward(hand_params, cache, y_train))

# Implementation 2: nn.Module + autograd + torch.optim.Adam, from the same weights
model = MLP(sizes).to(dtype)
linears = [layer for layer in model.layers if isinstance(layer, nn.Linear)]
with torch.no_grad():
    for layer, W, b in zip(linears, initial[0::2], initial[1::2], strict=True):
        layer.weight.copy_(W)
        layer.bias.copy_(b)
model.to(module_device)
optimizer = torch.optim.Adam(model.parameters(), lr=lr)
loss_fn = nn.BCEWithLogitsLoss()
Xt, yt, Xh, yh = (t.to(module_device) for t in (X_train, y_train, X_held, y_held))
curves = {"train loss": [], "held-out loss": [], "train accuracy": [], "held-out accuracy": []}
for _ in range(n_steps):
    logits = model(Xt).squeeze(1)
    loss = loss_fn(logits, yt)
    with torch.no_grad():
        held_logits = model(Xh).squeeze(1)
        curves["train loss"].append(loss.item())
        curves["held-out loss"].append(loss_fn(held_logits, yh).item())
        curves["train accuracy"].append(accuracy(logits, yt))
        curves["held-out accuracy"].append(accuracy(held_logits, yh))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

# %% [markdown]
# The comparison:

# %%
# "about 1e-15: rounding, nothing else" on the CPU (float64); a GPU's different kernels are allowed 1e-6
tolerance = 1e-13 if module_device.type == "cpu" else 1e-6
worst_loss = max(abs(a - b) for a, b in zip(hand_losses, curves["train loss"], strict=True))
assert worst_loss < tolerance
module_params = [t for layer in linears for t in (layer.weight, layer.bias)]
worst_param = 0.0
for mine, theirs in zip(hand_params, module_params, strict=True):
    torch.testing.assert_close(mine, theirs.detach().cpu(), rtol=0, atol=tolerance)
    worst_param = max(worst_param, (mine - theirs.detach().cpu()).abs().max().item())
print(f"{n_steps} steps: losses agree at every step (largest difference {worst_loss:.1e}); "
      f"final parameters agree to {worst_param:.1e}")
print(f"loss: {hand_losses[0]:.4f} at the start, {hand_losses[-1]:.2e} after {n_steps} steps")

# %% [markdown]
# Two implementations, one written from the formulas in this notebook and one by PyTorch's authors,
# agree to about $10^{-15}$ after 300 steps (asserted below $10^{-13}$): rounding, nothing else. So the formulas above (the
# sigmoid output, the cross-entropy with labels, the matrix backward, Adam with bias correction) are
# exactly what PyTorch computes.
#
# ## Training to convergence: the learning curves
#
# The PyTorch run recorded the loss and the accuracy on both splits at every step.

# %%
fig, (left, right) = figure(ncols=2, width=11, height=4)
steps = range(n_steps)
left.semilogy(steps, curves["train loss"], color=PALETTE[0], label="train (80 samples)")
left.semilogy(steps, curves["held-out loss"], color=PALETTE[3], label="held out (20 samples)")
left.set_xlabel("step (full batch)")
left.set_ylabel("binary cross-entropy (log scale)")
left.legend()
right.plot(steps, curves["train accuracy"], color=PALETTE[0], label="train")
right.plot(steps, curves["held-out accuracy"], color=PALETTE[3], label="held out")
right.set_xlabel("step (full batch)")
right.set_ylabel("accuracy")
right.set_ylim(0.0, 1.02)
right.legend(loc="lower right")  # the curves run along the top
best = min(range(n_steps), key=lambda s: curves["held-out loss"][s])
left.axvline(best, color="0.5", linestyle=":")
perfect_from = next(s for s in range(n_steps) if min(curves["train accuracy"][s:]) == 1.0)
print(f"train: loss {curves['train loss'][-1]:.4f}, accuracy {curves['train accuracy'][-1]:.0%} (100% from step {perfect_from} on)")
print(f"held out: loss {curves['held-out loss'][-1]:.3f} (lowest {curves['held-out loss'][best]:.3f} at step {best}), "
      f"accuracy {curves['held-out accuracy'][-1]:.0%}")
assert curves["train accuracy"][-1] == 1.0 and curves["train loss"][-1] < 0.01  # converged on the training set
assert curves["held-out accuracy"][-1] >= 0.8  # and it generalizes: chance is about 50%

# %% [markdown]
# Reading the curves:
#
# - Training accuracy reaches 100% after about 50 steps and stays there, and the training loss keeps
#   falling towards 0: with 465 parameters and 80 samples, the network fits the training set
#   perfectly. (On data that can be separated perfectly the loss never stops falling; it only slows.)
# - The held-out accuracy settles far above chance: the network learned the rule, not just the 80
#   examples.
# - The held-out loss reaches its lowest point (dotted line) and then rises while held-out accuracy
#   stays put. The network keeps growing more *confident* on the training set, and that extra
#   confidence is punished on the few held-out samples it gets wrong. This is **overfitting**
#   (过拟合) in its early form. Stopping at the lowest held-out loss (**early stopping**,
#   早停), more data, or weight decay (AdamW, lesson 2.5) are the usual remedies.
#
# ## Summary
#
# - The article's example, done right: ReLU only in hidden layers, a sigmoid output, binary
#   cross-entropy $-[y^*\log y + (1-y^*)\log(1-y)]$, and Adam with bias correction and $\varepsilon$.
# - With a sigmoid output and cross-entropy, the output gradient is simply $(y - y^*)/m$; every layer
#   below passes it back with $\partial \mathcal{L}/\partial W = \delta^\top H$ and $\delta W$, masked by ReLU.
# - By hand (plain tensors, autograd off) and with `nn.Module` + autograd + `torch.optim.Adam`, the
#   same 300 steps give the same loss at every step to $10^{-6}$ (in fact to rounding) and the same
#   final weights.
# - On 100 synthetic samples the network fits its 80 training samples perfectly and does well on the
#   20 it never saw, with the first signs of overfitting in the held-out loss.
#
# ## Exercises
#
# **1.** For one sample ($m = 1$) with logit $z = 0.3$ and label $y^* = 1$, what is
# $\partial \mathcal{L} / \partial z$? (The check asks autograd.)

# %%
# BEGIN SOLUTION
answer_1 = 1 / (1 + math.exp(-0.3)) - 1
# END SOLUTION
check("2.6.bce-logit-grad", answer_1)

# %% [markdown]
# **2.** Three predictions $y = (0.9, 0.2, 0.6)$ with labels $y^* = (1, 0, 0)$: compute the binary
# cross-entropy (mean over the three).

# %%
y_2 = torch.tensor([0.9, 0.2, 0.6], dtype=dtype)
labels_2 = torch.tensor([1.0, 0.0, 0.0], dtype=dtype)
# BEGIN SOLUTION
answer_2 = -(labels_2 * torch.log(y_2) + (1 - labels_2) * torch.log(1 - y_2)).mean()
# END SOLUTION
check("2.6.bce-mean", answer_2)

# %% [markdown]
# The check rejects the article's formula $-\frac{1}{m}\sum y\log y$:

# %%
entropy_like = -(y_2 * torch.log(y_2)).mean()  # the article's formula, which ignores the labels
print(expect_wrong(check, "2.6.bce-mean", entropy_like))

# %% [markdown]
# **3.** After training, what is the gradient of the loss with respect to the output bias $b_3$, on
# the training set, for the final hand-made parameters? Use the output-layer formula, not autograd.

# %%
# BEGIN SOLUTION
final_y = forward(hand_params, X_train)["y"]
answer_3 = ((final_y - y_train) / 80).sum()
# END SOLUTION
check("2.6.output-bias-grad", answer_3, params=hand_params, X=X_train, y=y_train)

# %% [markdown]
# **4.** How many parameters would the same network have with hidden layers of 32 instead of 16?

# %%
# BEGIN SOLUTION
answer_4 = (10 + 1) * 32 + (32 + 1) * 32 + (32 + 1) * 1
# END SOLUTION
check("2.6.params-10-32-32-1", answer_4)

# %% [markdown]
# **5. Predict, then run.** Train the hand-made network again from `initial`, with a learning rate 10
# times larger (0.05 instead of 0.005). Will the training accuracy reach 100% `"sooner"`, `"later"`, or
# at `"the same"` step? Write your prediction in `answer_5`, then run the cell (it uses this lesson's
# `forward`, `backward` and `HandAdam`; the check trains a `torch.optim.Adam` copy independently).
# Then try 0.5: what happens to the loss curve when the steps get too large?

# %%
# BEGIN SOLUTION
answer_5 = "sooner"
# END SOLUTION
def first_perfect_step(lr_5: float) -> int:
    """Train by hand from `initial`; the first step at which every training sample is classified right."""
    params_5 = [p.clone() for p in initial]
    adam_5 = HandAdam(params_5, lr=lr_5)
    with torch.no_grad():
        for step in range(n_steps):
            cache_5 = forward(params_5, X_train)
            if ((cache_5["y"] > 0.5).to(dtype) == y_train).all():
                return step
            adam_5.step(backward(params_5, cache_5, y_train))
    return n_steps


for lr_5 in (0.005, 0.05):
    print(f"lr {lr_5}: 100% training accuracy first at step {first_perfect_step(lr_5)}")
check("2.6.larger-lr", answer_5, params=initial, X=X_train, y=y_train)

# %% [markdown]
# ## References
#
# - Rumelhart, Hinton & Williams, *Learning representations by back-propagating errors*, Nature, 1986.
# - He, Zhang, Ren & Sun, *Delving Deep into Rectifiers: Surpassing Human-Level Performance on ImageNet Classification*, ICCV 2015, arXiv:1502.01852 (He initialization).
# - Kingma & Ba, *Adam: A Method for Stochastic Optimization*, ICLR 2015, arXiv:1412.6980.
# - Goodfellow, Bengio & Courville, *Deep Learning*, MIT Press, 2016, chapter 6 (sigmoid output units with cross-entropy, back-propagation in matrix form).
# - PyTorch documentation, *BCEWithLogitsLoss*: https://pytorch.org/docs/stable/generated/torch.nn.BCEWithLogitsLoss.html
