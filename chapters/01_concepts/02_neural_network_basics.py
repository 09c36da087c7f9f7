# %% [markdown]
# # 1.2 Neural network basics (神经网络基础)
#
# **Time:** about 45 s on a laptop CPU · **Prerequisites:** lesson 1.1; Python; multiplying a matrix by a vector; the logarithm and the exponential. Training (loss, backward pass, Adam) is used here with a one-paragraph explanation and taught in full in lessons 1.6, 2.3 and 2.5 · **You will learn:** what a neuron, a layer and a forward pass compute, how to write them from plain tensors and as a PyTorch module, and why a network needs hidden layers to learn a curved decision boundary.
#
# In this lesson you will:
#
# - compute a **neuron** (神经元) by hand: a weighted sum, a bias and an **activation function** (激活函数);
# - put neurons side by side into a **layer** (层) and chain layers into a network, whose
#   **forward pass** (前向传播) you write with plain tensors;
# - write the same network as a PyTorch `nn.Module` and as the course's `lib.models.mlp.MLP`,
#   and check that all three compute the same numbers;
# - train a linear model and a small network on synthetic spirals and see that only the
#   network with hidden layers can learn the curved **decision boundary** (决策边界);
# - compare widths and depths over five seeds, and see that more layers or more parameters do
#   not by themselves give a better network;
# - change the network's width and depth with a widget and watch the boundary change.

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
from torch.nn import functional as F
from torch.utils.flop_counter import FlopCounterMode

from lib.course.checks import expect_wrong
from lib.course.exercises import check
from lib.course.lesson import lesson_setup
from lib.data.synthetic import spirals
from lib.lessons.lesson_1_2_boundaries import (
    binary_logit_loss,
    decision_boundary,
    plot_decision_boundary,
    probability_grid,
)
from lib.models.mlp import MLP, mlp_parameter_count
from lib.train.engine import accuracy, fit, make_batches
from lib.viz.plots import PALETTE, figure
from lib.viz.widgets import interactive_view

device, generator = lesson_setup(seed=0)  # seed, device, one CPU thread for tiny models, the course's plot style

# %% [markdown]
# ## A neuron: a weighted sum, a bias and an activation
#
# A **neuron** (神经元) takes $n$ numbers $x_1, \dots, x_n$, multiplies each by a **weight**
# (权重) $w_i$, adds a **bias** (偏置) $b$, and passes the result through an **activation
# function** (激活函数) $f$:
#
# $$z = \sum_{i=1}^{n} w_i x_i + b = w \cdot x + b, \qquad a = f(z).$$
#
# The weights and the bias are the neuron's **parameters** (模型参数, lesson 1.1): the numbers
# that training adjusts. Two common activation functions are
#
# $$\operatorname{ReLU}(z) = \max(0, z), \qquad \sigma(z) = \frac{1}{1 + e^{-z}} \ \text{(the sigmoid)}.$$
#
# We compute a neuron with three inputs term by term, then as a dot product, and compare both
# with PyTorch's own `F.linear`, `torch.relu` and `torch.sigmoid`.

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor([1.0, 2.0, -1.0])
w = torch.tensor([0.5, -0.25, 1.0])
b = torch.tensor(0.1)

z_by_terms = w[0] * x[0] + w[1] * x[1] + w[2] * x[2] + b
z = w @ x + b  # the same sum, as a dot product
relu_z = torch.maximum(z, torch.tensor(0.0))  # max(0, z)
sigmoid_z = 1 / (1 + torch.exp(-z))  # 1 / (1 + e^(-z))

torch.testing.assert_close(z_by_terms, z)
torch.testing.assert_close(z, F.linear(x, w.unsqueeze(0), b.unsqueeze(0)).squeeze())
torch.testing.assert_close(relu_z, torch.relu(z))
torch.testing.assert_close(sigmoid_z, torch.sigmoid(z))
print(f"z = {z:.3f}   ReLU(z) = {relu_z:.3f}   sigmoid(z) = {sigmoid_z:.3f}")

# %% [markdown]
# With ReLU this neuron outputs 0: its weighted sum is negative. With the sigmoid it outputs
# 0.289, a number between 0 and 1 that we can read as a probability.
#
# The activation functions themselves have **no parameters**: they are fixed formulas. The
# source article (4.1.1) says that ReLU has "fewer parameters"; it has none. Its real merits are
# that it is cheap to compute and that its gradient does not shrink for positive inputs, as the
# sigmoid's does. Lesson 2.1 compares the activation functions in full.

# %%
for activation in (nn.ReLU(), nn.Sigmoid(), nn.Tanh()):
    n_parameters = sum(p.numel() for p in activation.parameters())
    assert n_parameters == 0
    print(f"{type(activation).__name__}: {n_parameters} parameters")

# %% [markdown]
# ## What one neuron can do: split the plane with a straight line
#
# Give a neuron two inputs $(x_1, x_2)$, a point of the plane, and a sigmoid. For every point it
# outputs a number between 0 and 1. Where is that number exactly 0.5? Where $z = 0$, that is on the
# straight line $w_1 x_1 + w_2 x_2 + b = 0$. On one side of the line the output rises towards 1,
# on the other it falls towards 0. We draw the output of a neuron with $w = (1.5, -1)$ and
# $b = 0.25$ over the plane, as a filled contour plot: red where the output is near 1, blue where
# it is near 0, and the 0.5 line in black.

# %%
neuron = nn.Linear(2, 1)
with torch.no_grad():
    neuron.weight.copy_(torch.tensor([[1.5, -1.0]]))
    neuron.bias.copy_(torch.tensor([0.25]))

# on the line: x1 = 0 gives x2 = (1.5 * 0 + 0.25) / 1 = 0.25, where the output is exactly 0.5
assert torch.sigmoid(neuron(torch.tensor([0.0, 0.25]))).item() == 0.5

corners = torch.tensor([[-2.0, -2.0], [2.0, 2.0]])
ax = plot_decision_boundary(probability_grid(neuron, corners, resolution=120, margin=0.0),
                            title="one neuron: sigmoid(1.5 x1 - x2 + 0.25)")

# %% [markdown]
# A single neuron with a sigmoid is the classic **logistic regression** (逻辑回归) model. Whatever its weights,
# the set of points where it says "more likely class 1 than class 0" is a half-plane. We will see
# below what that means on data that no straight line can split.
#
# ## A layer: many neurons side by side
#
# A **layer** (层) of $m$ neurons reads the same $n$ inputs. Put each neuron's weights in a row of an
# $m \times n$ matrix $W$ and the biases in a vector $b$; the layer computes all $m$ neurons at once:
#
# $$h = f(Wx + b), \qquad h_j = f\Big(\sum_{i=1}^{n} W_{ji}\, x_i + b_j\Big).$$
#
# For a **batch** (批量) of $B$ inputs, stored as the rows of a $B \times n$ matrix $X$, it is one
# matrix product: $H = f(XW^\top + b)$, where $b$ is added to every row. We compute a layer of 4
# ReLU neurons on a batch of 5 inputs neuron by neuron, then as one matrix product, then with
# PyTorch's `nn.Linear` after copying our $W$ and $b$ into it.

# %%
n_in, n_out, batch = 3, 4, 5
W = torch.randn(n_out, n_in, generator=generator)
b = torch.randn(n_out, generator=generator)
X = torch.randn(batch, n_in, generator=generator)

H_by_neuron = torch.stack([torch.stack([torch.relu(W[j] @ X[s] + b[j]) for j in range(n_out)]) for s in range(batch)])
H = torch.relu(X @ W.T + b)

layer = nn.Linear(n_in, n_out)
with torch.no_grad():
    layer.weight.copy_(W)  # nn.Linear stores W as (out, in), exactly like ours
    layer.bias.copy_(b)

torch.testing.assert_close(H_by_neuron, H)
torch.testing.assert_close(torch.relu(layer(X)), H)
assert sum(p.numel() for p in layer.parameters()) == n_out * n_in + n_out == 16
print("layer output, shape", tuple(H.shape), "(one row per input, one column per neuron)")

# %% [markdown]
# ## The forward pass: layers in a chain
#
# A **neural network** (神经网络) chains layers: the outputs of one layer are the inputs of the next.
# The layers between the input and the output are **hidden layers** (隐藏层). A network with two
# hidden layers of ReLU neurons and one output computes
#
# $$h_1 = \operatorname{ReLU}(W_1 x + b_1), \quad h_2 = \operatorname{ReLU}(W_2 h_1 + b_2), \quad
# z = W_3 h_2 + b_3, \quad p = \sigma(z).$$
#
# Computing the output from the input, layer after layer, is the **forward pass** (前向传播; the
# source article also calls it 正向传播). The last layer has no ReLU: it outputs a raw score $z$,
# called a **logit** (对数几率): the unnormalized score that a sigmoid (or, for several classes, a
# softmax) turns into a probability. Here the sigmoid turns the logit into the probability $p$ that the input
# belongs to class 1. (The source article's worked example, 4.2.2, puts a ReLU on the output of its
# binary classifier. A ReLU output cannot be a probability: it is 0 for every negative score and has
# no upper bound. Lesson 2.2 shows why the sigmoid is best applied inside the loss.)
#
# First with plain tensors: the parameters are a list of $(W, b)$ pairs, and the forward pass is a
# loop.

# %%
sizes = (2, 8, 8, 1)
shapes = list(zip(sizes[:-1], sizes[1:], strict=True))  # (inputs, outputs) of each layer: (2, 8), (8, 8), (8, 1)
params = [(torch.randn(n_out, n_in, generator=generator) / n_in**0.5, torch.randn(n_out, generator=generator) * 0.1)
          for n_in, n_out in shapes]


def forward(x: torch.Tensor, params: list[tuple[torch.Tensor, torch.Tensor]]) -> torch.Tensor:
    """The forward pass from scratch: a ReLU after every layer but the last, which returns logits."""
    h = x
    for i, (W, b) in enumerate(params):
        h = h @ W.T + b
        if i < len(params) - 1:
            h = torch.maximum(h, torch.tensor(0.0))
    return h


X = torch.randn(6, 2, generator=generator)
logits_scratch = forward(X, params)
print("logits:", logits_scratch.squeeze(1))
print("probabilities:", torch.sigmoid(logits_scratch).squeeze(1))

# %% [markdown]
# In PyTorch a network is a subclass of `nn.Module`: `__init__` creates the layers (which register
# their parameters with the module) and `forward` says how data flows through them. The module
# then knows all its parameters (`model.parameters()` is what an optimizer updates), can move them
# to a GPU with `model.to(device)`, and can save them with `model.state_dict()`.

# %%
class TwoHiddenLayers(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.hidden1 = nn.Linear(2, 8)
        self.hidden2 = nn.Linear(8, 8)
        self.out = nn.Linear(8, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = torch.relu(self.hidden1(x))
        h = torch.relu(self.hidden2(h))
        return self.out(h)  # a logit: no activation on the output


def copy_weights(linears: list[nn.Linear], params: list[tuple[torch.Tensor, torch.Tensor]]) -> None:
    with torch.no_grad():
        for linear, (W, b) in zip(linears, params, strict=True):
            linear.weight.copy_(W)
            linear.bias.copy_(b)


net = TwoHiddenLayers()
copy_weights([net.hidden1, net.hidden2, net.out], params)
torch.testing.assert_close(net(X), logits_scratch)
print(net)

# %% [markdown]
# The course keeps this network in `lib.models.mlp.MLP`, the **multilayer perceptron** (多层感知机,
# MLP), also called a fully connected or deep neural network (DNN). `MLP((2, 8, 8, 1))` builds the
# same three `nn.Linear` layers with a ReLU between them and none after the last. With our weights
# copied in, it computes the same logits; and it has $\sum (n_\text{in} + 1)\, n_\text{out}$
# parameters, which `mlp_parameter_count` computes from the sizes alone.

# %%
# NBVAL_CHECK_OUTPUT
mlp = MLP(sizes)
copy_weights([m for m in mlp.layers if isinstance(m, nn.Linear)], params)
torch.testing.assert_close(mlp(X), logits_scratch)
torch.testing.assert_close(mlp(X), net(X))

by_formula = sum((n_in + 1) * n_out for n_in, n_out in shapes)
n_mlp = sum(p.numel() for p in mlp.parameters())
assert n_mlp == by_formula == mlp_parameter_count(sizes)
print(mlp)
print(f"{n_mlp} parameters = (2+1)*8 + (8+1)*8 + (8+1)*1")

# %% [markdown]
# ### Why the activations matter
#
# Why not drop the ReLUs and keep only the linear layers? Because two linear layers in a row are
# one linear layer in disguise:
#
# $$W_2 (W_1 x + b_1) + b_2 = (W_2 W_1)\, x + (W_2 b_1 + b_2).$$
#
# However many linear layers you stack, without an activation between them the network is a single
# linear layer, and its decision boundary is a straight line. We check the identity on our weights.

# %%
(W1, b1), (W2, b2) = params[0], params[1]
two_layers = (X @ W1.T + b1) @ W2.T + b2
one_layer = X @ (W2 @ W1).T + (W2 @ b1 + b2)
torch.testing.assert_close(two_layers, one_layer)
print("two linear layers without an activation == one linear layer with W = W2 W1, b = W2 b1 + b2")

# %% [markdown]
# ## What a forward pass costs, and where it runs
#
# In the forward pass every weight is used once per input, in one multiplication and one addition.
# So the matrix products of an MLP cost $2 B \sum n_\text{in} n_\text{out}$ floating-point
# operations (FLOPs, 浮点运算次数) for a batch of $B$ inputs, about twice the number of parameters per input
# (the biases and ReLUs add a little more, which PyTorch's FLOP counter does not count). For a
# large language model this becomes about $2N$ FLOPs per token for $N$ parameters; lesson 1.4
# builds on it. We let PyTorch count.

# %%
# NBVAL_CHECK_OUTPUT
with FlopCounterMode(display=False) as counter:
    mlp(X)
flops_by_formula = 2 * X.shape[0] * sum(n_in * n_out for n_in, n_out in shapes)
assert counter.get_total_flops() == flops_by_formula
print(f"forward pass of MLP{sizes} on {X.shape[0]} inputs: {flops_by_formula} FLOPs (PyTorch counted the same)")

# %% [markdown]
# These are many independent multiply-adds, which is the kind of work a **GPU** (图形处理器, graphics
# processing unit) does on thousands of cores at once, while a **CPU** (中央处理器, central processing
# unit) has a handful of cores. That is why large models are trained on GPUs. The course's
# `pick_device()` chooses a GPU when there is one; the networks of this lesson are so small that any
# CPU trains them in seconds.
#
# ## Learning a decision boundary from data
#
# So far the weights were random. **Machine learning** (机器学习, ML) sets them from examples instead
# of by hand. Here each example is a point $(x_1, x_2)$ with a label, class 0 or class 1:
# **supervised learning** (监督学习), because every example comes with its answer. The data are
# synthetic: two interleaved spirals generated by `lib.data.synthetic.spirals`, 400 points for
# training and 400 fresh points, from another seed, to test on. The test points measure how well
# the model **generalizes** (泛化) to points it has never seen.

# %%
x_train, y_train = spirals(400, seed=0)
x_test, y_test = spirals(400, seed=1)
assert x_train.shape == (400, 2) and int(y_train.sum()) == 200

fig, ax = figure(width=4.4, height=4.2)
for label, marker in ((0, "o"), (1, "^")):
    points = x_train[y_train == label]
    ax.scatter(points[:, 0], points[:, 1], s=14, marker=marker, color=PALETTE[0 if label == 0 else 3],
               label=f"class {label}")
ax.legend(loc="upper right")
ax.set_title("synthetic spirals (training set)")
ax.set_aspect("equal")

# %% [markdown]
# No straight line separates the two spirals. The model outputs a logit $z_s$ for each point $s$;
# training lowers the **loss function** (损失函数) **binary cross-entropy** (二元交叉熵), which is
# small when $p_s = \sigma(z_s)$ is near 1 for class-1 points and near 0 for class-0 points:
#
# $$\mathcal{L} = -\frac{1}{B} \sum_{s=1}^{B} \big[ y_s \log p_s + (1 - y_s) \log (1 - p_s) \big].$$
#
# The course's `binary_logit_loss` computes it from the logits with PyTorch's numerically stable
# `F.binary_cross_entropy_with_logits`; we check that it equals the formula. Lesson 2.2 is about
# losses.

# %%
logits = torch.tensor([2.0, -1.0, 0.5, -3.0])
labels = torch.tensor([1, 0, 0, 1])
p = torch.sigmoid(logits)
loss_by_formula = -(labels * torch.log(p) + (1 - labels) * torch.log(1 - p)).mean()
torch.testing.assert_close(binary_logit_loss(logits, labels), loss_by_formula)
torch.testing.assert_close(F.binary_cross_entropy(p, labels.float()), loss_by_formula)
print(f"loss = {loss_by_formula:.4f}")

# %% [markdown]
# `lib.train.fit` runs the training loop of the source article's flow chart (lesson 1.6): for each
# mini-batch, the forward pass, the loss, the **backward pass** (反向传播, lesson 2.3) that computes
# the gradient of the loss with respect to every parameter, and a step of the **optimizer**
# (优化器, here Adam, lesson 2.5) that moves each parameter a little against its gradient. One pass
# over the training set is an **epoch** (轮次).
#
# We train two models with the same loop:
#
# - a **linear model**, `MLP((2, 1))`: no hidden layer, a single neuron, logistic regression;
# - an MLP with two hidden layers of 32 ReLU neurons, `MLP((2, 32, 32, 1))`.

# %%
train_batches = make_batches(x_train, y_train, batch_size=50, seed=0)
test_batches = [(x_test, y_test)]
epochs = 100 if device.type == "cpu" else 200

histories, models = {}, {}
for name, model_sizes in (("linear (no hidden layer)", (2, 1)), ("MLP 2-32-32-1", (2, 32, 32, 1))):
    torch.manual_seed(0)
    model = MLP(model_sizes)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    histories[name] = fit(model, train_batches, binary_logit_loss, optimizer, epochs=epochs,
                          val_batches=test_batches, device=device)
    models[name] = model.cpu().eval()

accuracies = {}
with torch.no_grad():
    for name, model in models.items():
        accuracies[name] = (accuracy(model(x_train), y_train), accuracy(model(x_test), y_test))
        print(f"{name:<25} train accuracy {accuracies[name][0]:.3f}   test accuracy {accuracies[name][1]:.3f}")

assert accuracies["linear (no hidden layer)"][1] < 0.75  # a straight line gets barely more than a coin
assert accuracies["MLP 2-32-32-1"][0] > 0.95 and accuracies["MLP 2-32-32-1"][1] > 0.93

# %%
fig, ax = figure()
for i, (name, history) in enumerate(histories.items()):
    ax.plot(range(1, epochs + 1), history["val_metric"], color=PALETTE[i], label=name)
ax.axhline(0.5, color="grey", linestyle=":", label="guessing")
ax.set_xlabel("epoch")
ax.set_ylabel("test accuracy")
ax.legend(loc="center right")  # clear of both curves and of the 0.5 line
ax.set_ylim(0.4, 1.02)
ax.grid(True)

# %% [markdown]
# The linear model stops near 62%: the best straight line cuts the spirals roughly in half. The MLP
# climbs past 98%. Here are their decision boundaries: the colour is the model's probability of
# class 1 at each point of the plane, the black line is where it is 0.5, and the training points are
# drawn on top.

# %%
fig, axes = figure(ncols=2, width=10, height=4.4)
for ax, (name, model) in zip(axes, models.items(), strict=True):
    train_acc, test_acc = accuracies[name]
    plot_decision_boundary(probability_grid(model, x_train), x_train, y_train, ax=ax,
                           title=f"{name}\ntest accuracy {test_acc:.0%}")

# %% [markdown]
# The linear model can only tilt and shift one straight line. Each neuron of the MLP's first hidden
# layer draws a line of its own, as the single neuron above did: its ReLU is 0 on one side and grows
# on the other. The next layers add and bend these pieces into a boundary made of many short straight
# segments, which follows the spirals.
#
# Both the width (neurons per hidden layer) and the depth (number of hidden layers) are
# **hyperparameters** (超参数): chosen by us, not learned. Networks with many hidden layers are
# what **deep learning** (深度学习, DL) means by "deep".
#
# ## Try it: width and depth
#
# `lib.decision_boundary.decision_boundary(x, y, width, depth)` does what we just did in one call: it
# builds an MLP with `depth` hidden layers of `width` neurons (depth 0 is the linear model), trains
# it with `fit` (full batch, 300 Adam steps, a fixed seed), and returns the probability grid and the
# accuracies. One training run is one draw: another seed (another random initialization) can end
# quite differently. So every shape is trained from five seeds, and the table shows the test
# accuracy of each seed, their mean and their range:

# %%
seeds = (0, 1, 2, 3, 4)
shapes_tried = [(0, 1)] + [(depth, width) for depth in (1, 2, 3) for width in (2, 8, 32)]
runs = {(depth, width, seed): decision_boundary(x_train, y_train, width, depth, x_test=x_test, y_test=y_test,
                                                seed=seed, resolution=10)
        for depth, width in shapes_tried for seed in seeds}
test_acc = {shape: torch.tensor([runs[(*shape, seed)].test_accuracy for seed in seeds]) for shape in shapes_tried}
print(f"depth width parameters   test accuracy, seeds {seeds}      mean  lowest highest")
for depth, width in shapes_tried:
    acc = test_acc[depth, width]
    print(f"{depth:>5} {width:>5} {runs[(depth, width, 0)].parameters:>10}   "
          + " ".join(f"{a:.2f}" for a in acc.tolist())
          + f"   {acc.mean():.2f}   {acc.min():.2f}   {acc.max():.2f}")

assert test_acc[0, 1].max() < 0.65  # a straight line: the same 0.62 from every seed
assert max(test_acc[depth, 2].max() for depth in (1, 2, 3)) < 0.68  # two neurons per layer are too few
assert min(test_acc[depth, 32].min() for depth in (1, 2, 3)) > 0.97  # 32 per layer: every seed, every depth
assert (test_acc[3, 2] <= test_acc[1, 2]).all() and test_acc[3, 2].mean() < test_acc[1, 2].mean() - 0.04
assert test_acc[2, 8].max() - test_acc[2, 8].min() > 0.3  # width 8: the seed decides
assert (test_acc[2, 8] < test_acc[1, 32]).all()  # 105 parameters in two layers lose to 129 in one, every seed

by_shape = {(depth, width): runs[(depth, width, 0)] for depth, width in shapes_tried}  # seed 0, for a closer look
stuck = by_shape[2, 2]
with torch.no_grad():
    second_hidden = stuck.model.layers[:4](x_train)  # Linear, ReLU, Linear, ReLU
assert (second_hidden == 0).all()
assert stuck.grid.probability.max() - stuck.grid.probability.min() < 1e-6

# %% [markdown]
# What the five seeds show:
#
# - **Two neurons per hidden layer are too few, however deep**: no seed gets past 0.63. Stacking
#   more such layers makes it *worse*: three layers of 2 (21 parameters) never beat one layer of 2
#   (9 parameters) and lose 6 points on average. The deeper the narrow network, the likelier a layer
#   whose ReLUs all output 0. With seed 0 at depth 2 it happens: both ReLUs of its second hidden
#   layer output 0 for every training point (they are "dead"), so the network outputs the same
#   probability, 0.5, everywhere, and no gradient reaches the layers below.
# - **With 8 neurons per layer the seed decides**: the same two-layer network (105 parameters)
#   ends anywhere between 0.57 and 0.98. Its mean rises with depth, but a single run cannot tell
#   you whether a shape works.
# - **32 neurons per layer succeed from every seed at every depth** (0.98 or better), and one layer
#   of 32 (129 parameters) beats two layers of 8 (105) on every seed.
#
# So bigger is not automatically better: more layers hurt the narrow network, and what made the
# difference was enough width to train reliably, not depth or the parameter count alone.
#
# Now try it yourself: each move of a slider trains a fresh network (about a second on a laptop CPU
# for the largest) and redraws its boundary.

# %%
def show_boundary(width: int = 8, depth: int = 2) -> None:
    result = decision_boundary(x_train, y_train, width, depth, x_test=x_test, y_test=y_test)
    plot_decision_boundary(result.grid, x_train, y_train,
                           title=f"width {width}, depth {depth}: {result.parameters} parameters\n"
                                 f"train {result.train_accuracy:.0%}, test {result.test_accuracy:.0%}")


show_boundary(width=8, depth=2)
interactive_view(show_boundary, width=(1, 64, 1), depth=(0, 4, 1))

# %% [markdown]
# ## Summary
#
# - A neuron computes $f(w \cdot x + b)$: a weighted sum, a bias, an activation. Activation
#   functions such as ReLU and the sigmoid have no parameters.
# - A layer is many neurons on the same inputs, $f(XW^\top + b)$ for a batch: one matrix product.
# - The forward pass chains layers; the last one outputs logits, which a sigmoid turns into
#   probabilities. We wrote it with plain tensors, as an `nn.Module` and as `lib.models.mlp.MLP`,
#   and checked that all three agree.
# - Without activations, stacked linear layers collapse into one, and a linear model can only draw a
#   straight decision boundary: about 62% on the spirals. Two hidden layers of 32 ReLUs reach over 98%.
# - Judge a shape over several seeds: over five, 32 neurons per layer always worked, 8 per layer
#   depended on the seed, and extra layers of 2 made things worse.
#
# ## Exercises
#
# **1. Predict, then run.** Take the MLP 2-32-32-1 that reached over 98% above and remove its ReLUs
# (`MLP((2, 32, 32, 1), activation="linear")`): same layers, same parameter count, same training.
# Will its test accuracy on the spirals be above 0.75? Write `True` or `False` in `prediction_1` *before*
# running the cell, which trains it and checks your prediction.

# %%
# BEGIN SOLUTION
prediction_1 = False
# END SOLUTION
torch.manual_seed(0)
no_relu = MLP((2, 32, 32, 1), activation="linear")
fit(no_relu, train_batches, binary_logit_loss, torch.optim.Adam(no_relu.parameters(), lr=0.01), epochs=epochs,
    device=device, progress=False)
with torch.no_grad():
    print(f"without ReLUs: test accuracy {accuracy(no_relu.cpu()(x_test), y_test):.3f}")
check("1.2.no-relu-spirals", prediction_1)

# %% [markdown]
# **2.** A neuron has weights $w = (0.5, -1.5)$, bias $b = 2$ and a sigmoid activation. What does it
# output for the input $x = (2, 1)$?

# %%
# BEGIN SOLUTION
z_1 = 0.5 * 2 + (-1.5) * 1 + 2
answer_1 = 1 / (1 + math.exp(-z_1))
# END SOLUTION
check("1.2.neuron-output", answer_1)

# %% [markdown]
# The check rejects the most common slip, forgetting the bias:

# %%
no_bias = 1 / (1 + math.exp(-(0.5 * 2 + (-1.5) * 1)))  # a neuron that forgot its bias
print(expect_wrong(check, "1.2.neuron-output", no_bias))

# %% [markdown]
# **3.** How many parameters has `MLP((2, 64, 64, 64, 1))`? Work it out from the sizes, without
# building the model.

# %%
# BEGIN SOLUTION
answer_2 = (2 + 1) * 64 + (64 + 1) * 64 + (64 + 1) * 64 + (64 + 1) * 1
# END SOLUTION
check("1.2.mlp-params", answer_2)

# %% [markdown]
# **4.** A linear layer `first = nn.Linear(3, 4)` is followed directly, without an activation, by
# `second = nn.Linear(4, 2)`. Compute the weight matrix `W` (2 × 3) and bias `b` (2) of the single
# linear layer that gives the same outputs, and apply it to the batch `X3`.

# %%
first, second = nn.Linear(3, 4), nn.Linear(4, 2)
X3 = torch.randn(7, 3, generator=generator)
# BEGIN SOLUTION
with torch.no_grad():
    W_merged = second.weight @ first.weight
    b_merged = second.weight @ first.bias + second.bias
    answer_3 = X3 @ W_merged.T + b_merged
# END SOLUTION
check("1.2.merged-layer", answer_3, first=first, second=second, X=X3)

# %% [markdown]
# ## References
#
# - McCulloch and Pitts, *A logical calculus of the ideas immanent in nervous activity*, Bulletin of Mathematical Biophysics 5, 1943 (the first model of a neuron).
# - Rosenblatt, *The perceptron: a probabilistic model for information storage and organization in the brain*, Psychological Review 65(6), 1958.
# - Rumelhart, Hinton and Williams, *Learning representations by back-propagating errors*, Nature 323, 1986 (training multilayer networks).
# - Hornik, Stinchcombe and White, *Multilayer feedforward networks are universal approximators*, Neural Networks 2(5), 1989.
# - Nair and Hinton, *Rectified linear units improve restricted Boltzmann machines*, ICML 2010 (ReLU).
# - Goodfellow, Bengio and Courville, *Deep Learning*, MIT Press, 2016, chapter 6 (deep feedforward networks): https://www.deeplearningbook.org
# - PyTorch documentation, `torch.nn.Module`: https://pytorch.org/docs/stable/generated/torch.nn.Module.html
