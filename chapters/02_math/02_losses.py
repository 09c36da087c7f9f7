# %% [markdown]
# # 2.2 Loss functions (损失函数)
#
# **Time:** about 1 min on a laptop CPU · **Prerequisites:** lesson 2.1 (sigmoid, softmax, log-softmax, logits); derivatives; lesson 1.2 (what training a classifier means; Adam is used here as a ready-made optimizer and explained in 2.5) · **You will learn:** MSE, binary and multi-class cross-entropy and the hinge loss with their gradients, why losses take logits, and what goes wrong with the source article's cross-entropy and its ReLU output.
#
# In this lesson you will:
#
# - write **mean squared error** (均方误差), **binary cross-entropy** and **multi-class
#   cross-entropy** (交叉熵), each from probabilities and from logits, and the **hinge loss**
#   (Hinge 损失); derive each gradient, code it, and check it against autograd and PyTorch's losses;
# - see float32 turn a probability into exactly 1 and the loss into inf, while the logit form
#   stays exact, which is why every framework's loss takes **logits** (logit（对数几率）, lesson 2.1);
# - show that the source article's cross-entropy (section 4.2.3) ignores the labels, and that a
#   classifier trained with it does not learn its task, on real medical data;
# - show what goes wrong with the ReLU output layer of the article's example (section 4.2.2).

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
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from torch import nn

from lib.course.checks import expect_wrong
from lib.course.exercises import check
from lib.course.lesson import lesson_setup
from lib.models.mlp import MLP
from lib.scratch import losses as L
from lib.scratch.activations import sigmoid, softmax
from lib.train.loop import train
from lib.viz.plots import PALETTE, figure
from lib.viz.widgets import interactive_view

device, generator = lesson_setup(seed=0)  # seed, device, one CPU thread for tiny models, the course's plot style

# %% [markdown]
# ## What a loss is for
#
# A **loss function** (损失函数) turns "how wrong is the model on these examples" into one
# number. Training lowers it by following its **gradient** (梯度) with respect to the model's
# outputs, and, through backpropagation (lesson 2.3), with respect to every parameter. So for
# each loss we need two things, and we check both: its value, and its gradient.
#
# One helper computes a gradient with autograd, the reference for every hand-derived gradient:

# %%
def autograd_grad(loss_fn, x, *args, **kwargs):
    """d loss_fn(x, ...) / dx by PyTorch's autograd."""
    x = x.detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(loss_fn(x, *args, **kwargs), x)
    return grad


n = 8
g = torch.Generator().manual_seed(0)
prediction, target = torch.randn(n, dtype=torch.float64, generator=g), torch.randn(n, dtype=torch.float64, generator=g)

# %% [markdown]
# ## Mean squared error, for regression
#
# For $n$ predictions $\hat y_i$ of real numbers $y_i$ (回归, regression):
#
# $$\mathcal{L} = \frac1n \sum_{i=1}^n (\hat y_i - y_i)^2, \qquad \frac{\partial \mathcal{L}}{\partial \hat y_i} = \frac{2}{n}(\hat y_i - y_i).$$

# %%
mse = ((prediction - target) ** 2).mean()
mse_gradient = 2 * (prediction - target) / n
for value in (mse, L.mse(prediction, target)):
    torch.testing.assert_close(value, F.mse_loss(prediction, target))
for gradient in (mse_gradient, L.mse_grad(prediction, target)):
    torch.testing.assert_close(gradient, autograd_grad(F.mse_loss, prediction, target))
print(f"MSE = {mse.item():.4f} = F.mse_loss; gradient 2(y_hat - y)/n = autograd's")

# %% [markdown]
# ## Binary cross-entropy, from probabilities
#
# A binary classifier (二分类) outputs a probability $p_i$ that example $i$ is in class 1; the
# label is $y_i \in \{0, 1\}$. The **binary cross-entropy** is the negative log of the
# probability the model gave to what actually happened:
#
# $$\mathcal{L} = -\frac1n \sum_{i=1}^n \bigl[y_i \log p_i + (1 - y_i) \log(1 - p_i)\bigr].$$
#
# For one example, $\frac{d}{dp}\bigl[-y\log p - (1-y)\log(1-p)\bigr] = -\frac{y}{p} + \frac{1-y}{1-p}$, so
#
# $$\frac{\partial \mathcal{L}}{\partial p_i} = \frac1n \cdot \frac{p_i - y_i}{p_i(1 - p_i)},$$
#
# which grows without bound as $p_i$ approaches 0 or 1.

# %%
logit = torch.randn(n, dtype=torch.float64, generator=g) * 3
p = torch.sigmoid(logit)
y = torch.tensor([1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0], dtype=torch.float64)

bce = -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()
bce_gradient = (p - y) / (p * (1 - p)) / n
for value in (bce, L.binary_cross_entropy(p, y)):
    torch.testing.assert_close(value, F.binary_cross_entropy(p, y))
for gradient in (bce_gradient, L.binary_cross_entropy_grad(p, y)):
    torch.testing.assert_close(gradient, autograd_grad(F.binary_cross_entropy, p, y))
print(f"BCE = {bce.item():.4f} = F.binary_cross_entropy; gradient (p - y) / (p(1 - p)) / n = autograd's")

# %% [markdown]
# ## Binary cross-entropy, from logits
#
# The probability comes from a **logit** $z$ (the raw score of the last layer) through the
# sigmoid, $p = \sigma(z)$. Since $\sigma'(z) = p(1-p)$, the chain rule cancels the dangerous
# denominator:
#
# $$\frac{\partial \mathcal{L}}{\partial z_i} = \frac{\partial \mathcal{L}}{\partial p_i}\,\sigma'(z_i) = \frac1n\,\frac{p_i - y_i}{p_i(1 - p_i)}\, p_i(1-p_i) = \frac1n\bigl(\sigma(z_i) - y_i\bigr).$$
#
# The gradient is simply "prediction minus truth": between −1 and 1, never infinite, and far
# from 0 whenever the prediction is far from the truth. The value too can be computed from $z$
# without forming $p$. With $\log\sigma(z) = -\log(1 + e^{-z})$ and
# $\log(1 - \sigma(z)) = -z - \log(1 + e^{-z})$, one example's loss is
# $(1 - y)\,z + \log(1 + e^{-z})$, and rewriting $z + \log(1 + e^{-z}) = \log(1 + e^{z})$ so
# that no exponent is ever positive:
#
# $$\ell(z, y) = \max(z, 0) - z\,y + \log\bigl(1 + e^{-|z|}\bigr).$$

# %%
bce_logits = (logit.clamp(min=0) - logit * y + torch.log1p(torch.exp(-logit.abs()))).mean()
bce_logits_gradient = (torch.sigmoid(logit) - y) / n
for value in (bce_logits, L.binary_cross_entropy_with_logits(logit, y)):
    torch.testing.assert_close(value, F.binary_cross_entropy_with_logits(logit, y))
    torch.testing.assert_close(value, F.binary_cross_entropy(torch.sigmoid(logit), y))  # the same loss
for gradient in (bce_logits_gradient, L.binary_cross_entropy_with_logits_grad(logit, y)):
    torch.testing.assert_close(gradient, autograd_grad(F.binary_cross_entropy_with_logits, logit, y))
    torch.testing.assert_close(gradient, autograd_grad(lambda z, t: F.binary_cross_entropy(torch.sigmoid(z), t), logit, y))
print("BCE from logits = F.binary_cross_entropy_with_logits; gradient sigmoid(z) - y = autograd's")

# %% [markdown]
# ## Why losses take logits
#
# Mathematically the two forms are one loss. In float32 they are not. Take an example of class 0
# that the model scores confidently wrong, with logit $z$. The true loss is
# $\log(1 + e^{z}) \approx z$ and the true gradient $\sigma(z) - 0 \approx 1$: a strong signal
# to fix the mistake. But float32 rounds $\sigma(z)$ to exactly 1 once $z \gtrsim 17$, and then
# the probability form has nothing left to work with:

# %%
z = torch.tensor([5.0, 10.0, 20.0, 50.0, 100.0], requires_grad=True)
label = torch.zeros(5)
p32 = torch.sigmoid(z)
bare = L.binary_cross_entropy(p32.detach(), label, reduction="none", log_floor=None)  # the formula as written
clamped = F.binary_cross_entropy(p32, label, reduction="none")  # PyTorch clamps log at -100
exact = F.binary_cross_entropy_with_logits(z, label, reduction="none")
(grad_through_p,) = torch.autograd.grad(clamped.sum(), z)
(grad_logits,) = torch.autograd.grad(exact.sum(), z)

print(f"{'z':>5} {'sigmoid(z)':>12} {'formula on p':>13} {'F.bce on p':>11} {'with logits':>12} {'grad via p':>11} {'grad logits':>12}")
for i in range(5):
    print(f"{z[i].item():>5.0f} {p32[i].item():>12.8f} {bare[i].item():>13.4f} {clamped[i].item():>11.4f} "
          f"{exact[i].item():>12.4f} {grad_through_p[i].item():>11.4f} {grad_logits[i].item():>12.4f}")

assert (p32[2:] == 1.0).all() and torch.isinf(bare[2:]).all()
assert (clamped[2:] == 100.0).all() and (grad_through_p[2:] == 0).all()
torch.testing.assert_close(exact[2:], z[2:].detach())  # log(1 + e^z) = z to float32 precision
torch.testing.assert_close(grad_logits, torch.ones(5), atol=1e-2, rtol=0)

# %% [markdown]
# From $z = 20$ on, the probability is exactly 1.0: the formula gives inf, PyTorch's
# `F.binary_cross_entropy` clamps each log at −100 and reports a loss of 100 whatever $z$ is,
# and the gradient through the sigmoid is **exactly 0**: the most confidently wrong examples
# teach the model nothing. The logit form returns the exact loss ($z$ itself) and the gradient
# 1. That is why models output logits and losses such as `F.binary_cross_entropy_with_logits`
# and `F.cross_entropy` apply the sigmoid or softmax inside, in log space.
#
# ## Multi-class cross-entropy
#
# With $C$ classes, the model outputs logits $z \in \mathbb{R}^C$, softmax turns them into
# probabilities $p = \operatorname{softmax}(z)$, and the label is a class $y$, or equally a
# one-hot vector $y^*$ with $y^*_y = 1$. The cross-entropy between the true distribution $y^*$
# and the predicted $p$ is
#
# $$\ell = -\sum_{k=1}^C y^*_k \log p_k = -\log p_y = -z_y + \log\sum_{k} e^{z_k} .$$
#
# The last form is computed with the log-sum-exp trick of lesson 2.1. Its gradient: the
# derivative of $\log \sum_k e^{z_k}$ with respect to $z_k$ is $e^{z_k}/\sum_j e^{z_j} = p_k$, so
#
# $$\frac{\partial \ell}{\partial z_k} = p_k - y^*_k, \qquad \nabla_z \ell = \operatorname{softmax}(z) - \operatorname{onehot}(y),$$
#
# again "prediction minus truth". From probabilities, $\partial \ell / \partial p_k = -1/p_y$ for
# $k = y$ and 0 otherwise. PyTorch's `F.cross_entropy` takes logits; `F.nll_loss` takes
# log-probabilities.

# %%
C = 5
logits = torch.randn(n, C, dtype=torch.float64, generator=g) * 2
classes = torch.randint(C, (n,), generator=g)
onehot = F.one_hot(classes, C).double()
probs = softmax(logits, dim=1)

ce_from_probs = -(onehot * torch.log(probs)).sum(dim=1).mean()  # -sum_k y*_k log p_k
ce_from_logits = (-logits.gather(1, classes[:, None]).squeeze(1) + torch.logsumexp(logits, dim=1)).mean()
for value in (ce_from_probs, ce_from_logits, L.cross_entropy(logits, classes), L.nll_from_probabilities(probs, classes)):
    torch.testing.assert_close(value, F.cross_entropy(logits, classes))
    torch.testing.assert_close(value, F.nll_loss(torch.log_softmax(logits, dim=1), classes))

ce_gradient = (probs - onehot) / n
for gradient in (ce_gradient, L.cross_entropy_grad(logits, classes)):
    torch.testing.assert_close(gradient, autograd_grad(F.cross_entropy, logits, classes))
nll_gradient = -onehot / probs.gather(1, classes[:, None]) / n
for gradient in (nll_gradient, L.nll_from_probabilities_grad(probs, classes)):
    torch.testing.assert_close(gradient, autograd_grad(lambda q, c: F.nll_loss(torch.log(q), c), probs, classes))
print(f"cross-entropy = {ce_from_logits.item():.4f} = F.cross_entropy = F.nll_loss(log_softmax);"
      " gradient softmax(z) - onehot(y) = autograd's")

# %% [markdown]
# The same float32 trap, with two classes: logits $(0, 200)$ and true class 0. The true loss is
# $200.0$; softmax rounds $p_0 = e^{-200}$ to 0, and its log to $-\infty$.

# %%
big_logits, true_class = torch.tensor([[0.0, 200.0]]), torch.tensor([0])
from_probabilities = F.nll_loss(torch.log(torch.softmax(big_logits, dim=1)), true_class)
from_logits = F.cross_entropy(big_logits, true_class)
print(f"from probabilities: {from_probabilities.item()}, from logits: {from_logits.item()}")
assert torch.isinf(from_probabilities) and from_logits.item() == 200.0 == L.cross_entropy(big_logits, true_class).item()

# %% [markdown]
# ## Hinge loss
#
# The article's third loss, $\max(0, 1 - y\,\hat y)$, is the loss of the **support vector
# machine** (支持向量机, SVM). Two details the article leaves out: the label is $y \in \{-1, +1\}$
# (not 0/1), and $\hat y = s$ is a raw score, not a probability. The product $m = y\,s$ is the
# **margin** (间隔): positive when the sign is right. The loss is 0 once the margin reaches 1,
# so well-classified examples stop contributing. It has a kink at $m = 1$; a **subgradient**
# (次梯度) is
#
# $$\frac{\partial}{\partial s}\max(0, 1 - y s) = \begin{cases} -y & y s \le 1 \\ 0 & y s > 1 \end{cases}$$
#
# (autograd also picks $-y$ at the kink). PyTorch has no binary hinge loss, so we check against
# the formula written with torch ops, and against `F.multi_margin_loss`, its multi-class version
# $\frac1C\sum_{k \ne y}\max(0, 1 - s_y + s_k)$. With two classes and scores $(0, s)$ that is
# $\frac12 \max(0, 1 - y s)$: half the binary hinge.

# %%
score = logit.clone()
sign = 2 * y - 1  # labels 0/1 -> -1/+1
hinge = torch.clamp(1 - sign * score, min=0).mean()
hinge_gradient = torch.where(sign * score <= 1, -sign, torch.zeros_like(score)) / n
two_scores = torch.stack([torch.zeros_like(score), score], dim=1)
for value in (hinge, L.hinge(score, sign)):
    torch.testing.assert_close(value, 2 * F.multi_margin_loss(two_scores, y.long()))
for gradient in (hinge_gradient, L.hinge_grad(score, sign)):
    torch.testing.assert_close(gradient, autograd_grad(lambda s, t: torch.clamp(1 - t * s, min=0).mean(), score, sign))

# the multi-class version, with its gradient, against PyTorch
torch.testing.assert_close(L.multi_margin(logits, classes), F.multi_margin_loss(logits, classes))
torch.testing.assert_close(L.multi_margin_grad(logits, classes), autograd_grad(F.multi_margin_loss, logits, classes))
print(f"hinge = {hinge.item():.4f} = 2 x F.multi_margin_loss on (0, s); subgradient = autograd's")

# %% [markdown]
# ## The losses side by side
#
# For a binary classifier with score $z$ and label $y \in \{-1, +1\}$, each loss is a function
# of the margin $m = y z$ alone (`lib.losses.margin_losses`). The **zero-one loss**, 1 for a
# mistake and 0 otherwise, is what we care about but cannot train with: its gradient is 0
# everywhere. Cross-entropy (here in bits, $\log_2(1 + e^{-m})$, so it passes through 1 at
# $m = 0$) and hinge are smooth-enough stand-ins that keep pushing on mistakes. Squared error on
# $\pm1$ targets also punishes being right by too much ($m > 1$), and squared error on the
# sigmoid's probability flattens out for large mistakes.
#
# The right panel shows the gradient with respect to the logit for an example of class 1, as a
# function of the predicted probability (`lib.losses.loss_vs_probability`): cross-entropy's is
# $p - 1$, strongest when the model is most wrong. MSE on the probability has
# $2(p-1)\,p(1-p)$, which vanishes as $p \to 0$: a sigmoid output trained with MSE learns
# slowest from its worst mistakes.

# %%
m = torch.linspace(-3, 3, 601, dtype=torch.float64)
curves = L.margin_losses(m)
fig, (ax_m, ax_g) = figure(ncols=2, width=11, height=4)
for i, (name, values) in enumerate(curves.items()):
    ax_m.plot(m, values, color=PALETTE[i], label=name, linestyle="--" if name == "zero-one" else "-")
ax_m.set_ylim(0, 4)
ax_m.set_xlabel("margin m = y z  (y = ±1)")
ax_m.set_ylabel("loss")
ax_m.set_title("Binary losses as functions of the margin")
ax_m.legend(loc="upper center")  # the empty top middle: no curve runs under it

for kind, label, color in (("cross-entropy", "cross-entropy: p - 1", PALETTE[1]),
                           ("mse", "MSE on p: 2(p - 1) p (1 - p)", PALETTE[4])):
    curve = L.loss_vs_probability(kind, target=1)
    ax_g.plot(curve.probability, curve.grad_logit, color=color, label=label)
ax_g.set_xlabel("predicted probability of the true class 1")
ax_g.set_ylabel("d loss / d logit")
ax_g.set_title("Gradient reaching the logit")
ax_g.legend()

ce_curve, mse_curve = L.loss_vs_probability("cross-entropy", 1), L.loss_vs_probability("mse", 1)
torch.testing.assert_close(ce_curve.grad_logit, ce_curve.probability - 1)
q = mse_curve.probability
torch.testing.assert_close(mse_curve.grad_logit, 2 * (q - 1) * q * (1 - q))
torch.testing.assert_close(curves["logistic (BCE)"], F.softplus(-m) / math.log(2))
torch.testing.assert_close(curves["hinge"], torch.clamp(1 - m, min=0))

# %% [markdown]
# ## The article's cross-entropy is not cross-entropy
#
# Section 4.2.3 of the source article defines the true label $y^*$ and the predicted probability
# $y$, and then writes the loss as
#
# $$\text{Loss}_{\text{article}} = -\frac1m \sum_{i=1}^m y_i \log y_i ,$$
#
# using the **prediction twice** and the label not at all. The cross-entropy it means is
#
# $$\text{Loss} = -\frac1m \sum_{i=1}^m \sum_k y^*_{ik} \log y_{ik}, \quad\text{for binary labels}\quad -\frac1m \sum_{i=1}^m \bigl[y^*_i \log y_i + (1 - y^*_i)\log(1 - y_i)\bigr].$$
#
# (Its section 4.1.2 writes $-\frac1n\sum y_i \log \hat y_i$, which has both, and is right
# when the sum runs over the classes of a one-hot label.) Summed over the classes of a predicted
# distribution, $-\sum_k y_k \log y_k$ is exactly the **entropy** (熵) of the prediction; with one
# output per example, as here, it is one of the entropy's two terms. Either way it measures how
# unsure the model is, not how wrong. Three consequences, each shown in code.
#
# **1. It does not depend on the labels.** The same predictions scored against three different
# label vectors:

# %%
pred = torch.tensor([0.9, 0.2, 0.6, 0.7, 0.1, 0.4])
label_sets = {"true labels": torch.tensor([1.0, 0.0, 1.0, 1.0, 0.0, 0.0]),
              "flipped": torch.tensor([0.0, 1.0, 0.0, 0.0, 1.0, 1.0]),
              "all ones": torch.ones(6)}


def article_loss(y_pred, y_true):
    """The article's 4.2.3, transcribed: -(1/m) sum y log y, with y the prediction. y_true is not in it."""
    return -(y_pred * torch.log(y_pred)).mean()


for name, y_true in label_sets.items():
    print(f"{name:<12} article's loss {article_loss(pred, y_true).item():.4f}   "
          f"cross-entropy {F.binary_cross_entropy(pred, y_true).item():.4f}")
article_values = {article_loss(pred, t).item() for t in label_sets.values()}
right_values = {F.binary_cross_entropy(pred, t).item() for t in label_sets.values()}
assert len(article_values) == 1 and len(right_values) == 3
torch.testing.assert_close(L.article_cross_entropy(pred), article_loss(pred, None))

# %% [markdown]
# **2. It is minimised by confident predictions, right or wrong.** $-p \log p$ is 0 at $p = 0$
# and at $p = 1$ and largest at $p = 1/e$. A model that predicts every label perfectly and one
# that gets every label wrong, both with full confidence, have the same, minimal, article loss:

# %%
truth = label_sets["true labels"]
for name, guess in (("all right", truth), ("all wrong", 1 - truth)):
    print(f"{name}: article's loss {L.article_cross_entropy(guess).item() + 0.0:.1f}, "
          f"cross-entropy {F.binary_cross_entropy(guess, truth).item():.1f} (PyTorch clamps log 0 to -100)")
assert L.article_cross_entropy(truth).item() == L.article_cross_entropy(1 - truth).item() == 0.0
ps = torch.linspace(1e-4, 1 - 1e-4, 99_999, dtype=torch.float64)
assert abs(ps[(-ps * ps.log()).argmax()].item() - 1 / math.e) < 1e-4

# %% [markdown]
# **3. Training with it does not learn the task.** The breast cancer data set bundled with
# scikit-learn (569 tumours, 30 measurements from a digitised image of each, labelled malignant
# or benign) is a real binary task. We train the same **logistic regression** (逻辑回归, one
# linear layer and a sigmoid) twice, with the cross-entropy and with the article's loss,
# starting from all-zero weights, by full-batch gradient descent.

# %%
data = load_breast_cancer()
x_train, x_test, y_train, y_test = train_test_split(
    data.data, data.target, test_size=0.3, random_state=0, stratify=data.target)
x_train, x_test = (torch.tensor(a, dtype=torch.float32) for a in (x_train, x_test))
y_train, y_test = (torch.tensor(a, dtype=torch.float32) for a in (y_train, y_test))
mean, std = x_train.mean(dim=0), x_train.std(dim=0)  # standardise with the training set's statistics
x_train, x_test = (x_train - mean) / std, (x_test - mean) / std
print(f"{len(y_train)} training and {len(y_test)} test tumours; class 1 ({data.target_names[1]}) "
      f"is {y_test.mean().item():.1%} of the test set")


class Logistic(nn.Module):
    """k logistic models side by side: weight (30, k), bias (k,); the output is one column of logits per model."""

    def __init__(self, weight, bias):
        super().__init__()
        self.weight, self.bias = nn.Parameter(weight.clone()), nn.Parameter(bias.clone())

    def forward(self, x):
        return x @ self.weight + self.bias


def train_logistic(loss_name, labels, weight, bias, steps=300, lr=0.1):
    """Full-batch gradient descent on k logistic models at once, through the course's engine."""
    model = Logistic(weight, bias).to(device)
    k = weight.shape[1]
    x, t = x_train.to(device), labels.to(device)[:, None].expand(-1, k)

    def loss_fn(z, t):  # z: (n, k) logits
        loss = L.binary_cross_entropy_with_logits(z, t) if loss_name == "cross-entropy" else L.article_cross_entropy(sigmoid(z))
        # the mean over all n*k entries, times k, is the sum of the k models' own mean losses;
        # the models share no parameters, so each is trained on its own loss exactly as if alone
        return loss * k

    # a list of one batch repeats: full-batch descent; fp32 as the exact comparisons below need, on any device
    train(model, [(x, t)], optimizer=torch.optim.SGD(model.parameters(), lr=lr), loss_fn=loss_fn, steps=steps,
          precision="fp32", progress=False)
    return model.weight.detach().cpu(), model.bias.detach().cpu()


def test_accuracy(weight, bias):
    return ((x_test @ weight + bias > 0).float() == y_test[:, None]).float().mean(dim=0)


zeros_w, zeros_b = torch.zeros(30, 1), torch.zeros(1)
trained = {(loss_name, labels_name): train_logistic(loss_name, labels, zeros_w, zeros_b)
           for loss_name in ("cross-entropy", "article")
           for labels_name, labels in (("true", y_train), ("flipped", 1 - y_train))}
for (loss_name, labels_name), (w, b) in trained.items():
    print(f"{loss_name:<13} trained on {labels_name:<7} labels: test accuracy {test_accuracy(w, b).item():.1%}")

# %%
majority = y_test.mean().item()
assert test_accuracy(*trained["cross-entropy", "true"]).item() > 0.93
assert test_accuracy(*trained["cross-entropy", "flipped"]).item() < 0.07  # it learned the flipped labels
w_true, b_true = trained["article", "true"]
w_flip, b_flip = trained["article", "flipped"]
assert torch.equal(w_true, w_flip) and torch.equal(b_true, b_flip)  # bit for bit: the labels changed nothing
assert abs(test_accuracy(w_true, b_true).item() - majority) < 1e-6  # it predicts class 1 for everyone
assert w_true.abs().max() < 1e-4
print(f"article's loss: weights identical for true and flipped labels; largest |weight| {w_true.abs().max().item():.1e}, "
      f"bias {b_true.item():.2f}: every tumour is called {data.target_names[1]}")

# %% [markdown]
# The cross-entropy model reaches about 96% test accuracy, and trained on flipped labels it
# learns the flipped task (4%): it listens to the labels. The article's loss gives the same
# weights, bit for bit, whatever the labels say. From zero weights every prediction starts at
# $p = 0.5 > 1/e$, so it pushes all of them towards 1 together: only the bias really moves (the
# weights stay near $10^{-6}$), and the model calls every tumour benign, right for the 63% that are.
#
# From random starting weights it does something more deceptive. Below, 20 logistic models
# start from 20 random initializations (trained together as the 20 columns of one weight
# matrix).

# %%
n_models = 20
init = torch.Generator().manual_seed(0)
bound = 1 / math.sqrt(30)  # nn.Linear's default initialization range for 30 inputs
random_w = (torch.rand(30, n_models, generator=init) * 2 - 1) * bound
random_b = (torch.rand(n_models, generator=init) * 2 - 1) * bound
random_models = {name: train_logistic(name, y_train, random_w, random_b) for name in ("cross-entropy", "article")}
accuracy = {name: test_accuracy(*model) for name, model in random_models.items()}
w_article = random_models["article"][0]

first_pc = torch.linalg.svd(x_train, full_matrices=False).Vh[0]  # direction of largest spread in the data
alignment = (first_pc @ w_article / w_article.norm(dim=0)).abs()
pc_accuracy = ((x_test @ first_pc > 0).float() == y_test).float().mean().item()
pc_accuracy = max(pc_accuracy, 1 - pc_accuracy)

fig, ax = figure(width=7, height=2.8)
for row, acc in enumerate(accuracy.values()):
    ax.scatter(acc, torch.full((n_models,), float(row)) + torch.linspace(-0.15, 0.15, n_models),
               color=PALETTE[row * 3], s=25)
ax.axvline(majority, color="grey", linestyle=":", linewidth=1)
ax.annotate(" always benign", (majority, 1.3), fontsize=8, color="grey", ha="left")  # beside the line, not on it
ax.set_yticks([0, 1], ["cross-entropy", "article's loss"])
ax.set_ylim(-0.5, 1.5)
ax.set_xlim(0, 1)
ax.set_xlabel("test accuracy of each of 20 randomly initialised models")
ax.set_title("Same data, same labels, same starts: two losses")

print(f"cross-entropy: test accuracy {accuracy['cross-entropy'].min().item():.1%} to {accuracy['cross-entropy'].max().item():.1%}")
print(f"article's loss: {(accuracy['article'] > 0.5).sum().item()} models near {accuracy['article'].max().item():.0%}, "
      f"{(accuracy['article'] < 0.5).sum().item()} near {accuracy['article'].min().item():.0%}")
print(f"|cosine| between each article-trained weight vector and the data's first principal direction: "
      f"{alignment.min().item():.2f} to {alignment.max().item():.2f} (that direction alone scores {pc_accuracy:.1%})")
assert accuracy["cross-entropy"].min() > 0.93
assert (accuracy["article"] > 0.5).any() and (accuracy["article"] < 0.5).any()
assert alignment.min() > 0.8

# %% [markdown]
# Every cross-entropy model learns the task. The article's loss only pushes each prediction
# away from $1/e$ towards 0 or 1, whichever is nearer, and the fastest way to do that is to
# spread the scores along the direction in which the data itself varies most (its first
# principal component, printed above). It never looks at a label, so what it does is
# **unsupervised** (无监督): like principal component analysis, it finds structure in the inputs
# alone. Unsupervised learning is useful in its own right, but it is not the task the labels
# define: this loss cannot learn *which* side means malignant. In this data set that direction happens to separate the
# diagnoses fairly well on its own, so a model lands near 90% or near 10% depending only on the
# sign of its random start. A loss whose result a coin flip can invert has not learned the task.
#
# ## The article's ReLU output layer
#
# Section 4.2.2 builds its binary classifier as $h = \sigma(Wx + b)$, $y = \sigma(W_h h + b_h)$
# "where $\sigma$ is the ReLU function", and then treats $y$ as a probability. ReLU belongs in the
# hidden layers; a probability needs a sigmoid (softmax for several classes), or better, a raw
# logit and a loss that applies the sigmoid inside. Two things go wrong.
#
# **Outputs that are not probabilities.** ReLU's output is any number $\ge 0$:

# %%
relu_output = torch.relu(torch.tensor([-2.0, 0.3, 2.5]))
relu_labels = torch.tensor([1.0, 1.0, 0.0])
formula = -(relu_labels * torch.log(relu_output) + (1 - relu_labels) * torch.log(1 - relu_output))
print("ReLU outputs:", relu_output.tolist(), " labels:", relu_labels.tolist())
print("-[y log p + (1-y) log(1-p)]:", formula.tolist())
assert torch.isinf(formula[0]) and torch.isnan(formula[2])
try:
    F.binary_cross_entropy(relu_output, relu_labels)
except RuntimeError as error:
    print("F.binary_cross_entropy:", str(error).splitlines()[0])
else:
    raise AssertionError("PyTorch accepted a 'probability' of 2.5")

# %% [markdown]
# An output of 2.5 has no probability meaning, and $\log(1 - 2.5)$ is nan; an output of exactly
# 0 for a positive example gives $-\log 0 = \infty$. PyTorch refuses to compute the loss at all.
#
# **A dead output.** Even if we clip ReLU's output into $[0, 1]$ so that the loss can be computed
# (the smallest change that makes the article's design run), every example whose output is 0
# passes back a gradient of exactly 0, however wrong it is. If that holds for all examples,
# the network never learns anything. Below, the article's network (three fully connected
# layers, 30 → 16 → 16 → 1, ReLU after each, including the output) is trained from 6 random
# initializations on the breast cancer data, and beside it the same network with a logit output
# and `F.binary_cross_entropy_with_logits`, from the same initializations.

# %%
def train_classifier(output, seed, steps=150):
    """The article's 3-layer network with a ReLU output ("relu") or a logit output ("logit"), trained with Adam."""
    torch.manual_seed(seed)
    model = MLP((30, 16, 16, 1)).to(device)  # ReLU between layers, none after the last: outputs logits
    x, t = x_train.to(device), y_train.to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    with torch.no_grad():
        zeros_at_start = (model(x).squeeze(1) <= 0).float().mean().item()

    def loss_fn(z, t):
        if output == "logit":
            return F.binary_cross_entropy_with_logits(z.squeeze(1), t)
        return F.binary_cross_entropy(torch.relu(z.squeeze(1)).clamp(max=1), t)  # the article's output, clipped to [0, 1]

    train(model, [(x, t)], optimizer=optimizer, loss_fn=loss_fn, steps=steps, precision="fp32", progress=False)
    with torch.no_grad():
        z_train, z_test = model(x).squeeze(1).cpu(), model(x_test.to(device)).squeeze(1).cpu()
    if output == "logit":
        acc = ((z_test > 0).float() == y_test).float().mean().item()
    else:
        acc = ((torch.relu(z_test).clamp(max=1) > 0.5).float() == y_test).float().mean().item()
    return {"zeros_at_start": zeros_at_start, "zeros_at_end": (z_train <= 0).float().mean().item(),
            "accuracy": acc, "grad_norm": sum(p.grad.norm().item() for p in model.parameters())}


runs = {seed: (train_classifier("relu", seed), train_classifier("logit", seed)) for seed in range(6)}
print("      ReLU output:                                    | logit output:")
print("seed  outputs 0 at start  outputs 0 at end  test acc | test acc")
for seed, (relu_run, logit_run) in runs.items():
    print(f"{seed:>4}  {relu_run['zeros_at_start']:>18.1%}  {relu_run['zeros_at_end']:>16.1%}  "
          f"{relu_run['accuracy']:>8.1%} | {logit_run['accuracy']:>8.1%}")

dead = [s for s, (r, _) in runs.items() if r["zeros_at_end"] == 1.0]
print(f"ReLU-output networks with every output 0 after training: seeds {dead}")
assert all(logit_run["accuracy"] > 0.93 for _, logit_run in runs.values())
assert dead, "expected at least one dead output among the 6 starts"
for s in dead:  # no gradient at all, and the same answer (malignant) for every tumour
    assert runs[s][0]["grad_norm"] == 0.0 and abs(runs[s][0]["accuracy"] - (1 - majority)) < 1e-6

# %% [markdown]
# Every logit network learns (around 95% test accuracy). ReLU-output networks whose outputs
# start at 0 for (almost) every example are at risk: some of them end with every output at 0.
# Then the gradient is exactly 0, nothing can move again, and the network calls every tumour
# malignant (37% accuracy), each benign one costing a clamped loss of 100 that teaches nothing.
# Which starts die is luck; a logit output cannot die this way, because its gradient
# $\sigma(z) - y$ is never 0 while an example is wrong. (lib's `MLP` has no activation after its
# last layer for this reason.)
#
# ## Try it: a loss as a function of the prediction
#
# Pick a loss and the true label, and see the loss (left) and the gradient that reaches the
# logit (right) as the predicted probability of class 1 moves from 0 to 1. The curves come from
# `lib.losses.loss_vs_probability` (called once here). Compare "cross-entropy" with "article"
# for label 0 and label 1; and "mse" with "cross-entropy" near the wrong end.

# %%
def show_loss(kind="cross-entropy", true_label=1):
    curve = L.loss_vs_probability(kind, true_label)
    fig, (ax_l, ax_g) = figure(ncols=2, width=9, height=3.2)
    ax_l.plot(curve.probability, curve.loss, color=PALETTE[0])
    ax_l.set_title(f"{kind} loss, true label {true_label}")
    ax_g.plot(curve.probability, curve.grad_logit, color=PALETTE[3])
    ax_g.axhline(0, color="grey", linewidth=0.8)
    ax_g.set_title("d loss / d logit")
    for ax in (ax_l, ax_g):
        ax.set_xlabel("predicted probability of class 1")


show_loss("article", 1)
interactive_view(show_loss, kind=list(L.LOSS_KINDS), true_label=[1, 0])

# %% [markdown]
# ## Summary
#
# - MSE $\frac1n\sum(\hat y - y)^2$ has gradient $\frac2n(\hat y - y)$; it is for regression.
# - Binary cross-entropy $-[y\log p + (1-y)\log(1-p)]$ has gradient $\frac{p - y}{p(1-p)}$ in
#   $p$, but $\sigma(z) - y$ in the logit $z$; softmax cross-entropy $-\log\operatorname{softmax}(z)_y$
#   has gradient $\operatorname{softmax}(z) - \operatorname{onehot}(y)$. Both: prediction minus truth.
# - Compute losses from logits (`F.binary_cross_entropy_with_logits`, `F.cross_entropy`): in
#   float32, probabilities saturate to exactly 0 or 1, giving inf or a clamped loss and a zero
#   gradient, while the logit form stays exact.
# - Hinge $\max(0, 1 - ys)$ needs labels $\pm1$ and a raw score; its subgradient is $-y$ inside
#   the margin.
# - The article's cross-entropy $-\frac1m\sum y\log y$ is the entropy of the predictions: it
#   ignores the labels, rewards any confident guess, and a model trained with it does not learn
#   the task. The right one is $-\sum y^*\log y$.
# - A classifier's output layer is a logit (or sigmoid/softmax), not a ReLU.
# - `lib.scratch.losses` holds every loss and gradient of this lesson, checked against PyTorch.
#
# ## Exercises
#
# **1.** A logistic model gives an example with label $y = 0$ the logit $z = 2$. Using the
# formula, not autograd, what is the gradient of the binary cross-entropy with respect to $z$?

# %%
# BEGIN SOLUTION
answer_1 = 1 / (1 + math.exp(-2)) - 0
# END SOLUTION
check("2.2.bce-grad", answer_1)

# %% [markdown]
# **2.** Three classes, logits $(2, 1, 0)$, true class 0. Compute the cross-entropy by hand
# (with `math`): $-z_y + \log\sum_k e^{z_k}$.

# %%
# BEGIN SOLUTION
answer_2 = -2 + math.log(math.exp(2) + math.exp(1) + math.exp(0))
# END SOLUTION
check("2.2.cross-entropy", answer_2)

# %% [markdown]
# The article's formula, $-\sum_k p_k \log p_k$ on the predicted probabilities, gives a
# different number, and the check rejects it:

# %%
p_three = torch.softmax(torch.tensor([[2.0, 1.0, 0.0]], dtype=torch.float64), dim=1)
article_answer = -(p_three * p_three.log()).sum().item()  # the article's formula ignores the label
print(expect_wrong(check, "2.2.cross-entropy", article_answer))

# %% [markdown]
# **3.** For the batch of two below, write the gradient of the mean cross-entropy with respect
# to the logits as a tensor, using $(\operatorname{softmax}(z) - \operatorname{onehot}(y))/n$.

# %%
batch_logits = torch.tensor([[1.0, -1.0, 0.5], [0.0, 2.0, -2.0]], dtype=torch.float64)
batch_classes = torch.tensor([2, 1])
# BEGIN SOLUTION
answer_3 = (torch.softmax(batch_logits, dim=1) - F.one_hot(batch_classes, 3).double()) / 2
# END SOLUTION
check("2.2.ce-grad-batch", answer_3)

# %% [markdown]
# **4. Predict, then run.** A sigmoid output gives $p = 0.001$ to an example of class 1: confidently
# wrong. Which loss sends the *larger* gradient back to the logit, mean squared error on $p$ or
# binary cross-entropy? Write `"mse"` or `"cross-entropy"` in `answer_4` before you run the cell,
# which measures both with autograd. Then change `p_4` to 0.4 (mildly wrong) and run it again:
# does the answer stay the same?

# %%
# BEGIN SOLUTION
answer_4 = "cross-entropy"
# END SOLUTION
p_4 = 0.001
z_4 = torch.logit(torch.tensor([p_4], dtype=torch.float64)).requires_grad_(True)
one = torch.ones(1, dtype=torch.float64)
(mse_grad,) = torch.autograd.grad(F.mse_loss(torch.sigmoid(z_4), one), z_4)
(ce_grad,) = torch.autograd.grad(F.binary_cross_entropy_with_logits(z_4, one), z_4)
print(f"p = {p_4}: |d MSE / dz| = {mse_grad.abs().item():.4f}, |d BCE / dz| = {ce_grad.abs().item():.4f}")
check("2.2.confident-wrong", answer_4)

# %% [markdown]
# ## References
#
# - Goodfellow, Bengio and Courville, *Deep Learning*, MIT Press, 2016, chapter 6.2 (cost functions and output units: why sigmoid/softmax outputs pair with cross-entropy): https://www.deeplearningbook.org
# - Cortes and Vapnik, *Support-Vector Networks*, Machine Learning 20, 1995 (the hinge loss's SVM).
# - Golik, Doetsch and Ney, *Cross-Entropy vs. Squared Error Training: a Theoretical and Experimental Comparison*, Interspeech 2013.
# - Street, Wolberg and Mangasarian, *Nuclear feature extraction for breast tumor diagnosis*, 1993 (the breast cancer data); scikit-learn's `load_breast_cancer`: https://scikit-learn.org/stable/modules/generated/sklearn.datasets.load_breast_cancer.html
# - PyTorch documentation: `BCEWithLogitsLoss` (https://pytorch.org/docs/stable/generated/torch.nn.BCEWithLogitsLoss.html), `CrossEntropyLoss` (https://pytorch.org/docs/stable/generated/torch.nn.CrossEntropyLoss.html), `MultiMarginLoss` (https://pytorch.org/docs/stable/generated/torch.nn.MultiMarginLoss.html).
