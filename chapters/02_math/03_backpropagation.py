# %% [markdown]
# # 2.3 Backpropagation (反向传播)
#
# **Time:** about 1 min on a laptop CPU · **Prerequisites:** derivatives and the chain rule; matrix products and transposes; Python classes (the engine overloads `+` and `*`); lessons 2.1 (activations and their derivatives) and 2.2 (cross-entropy from logits) · **You will learn:** how backpropagation computes every gradient of a network by the chain rule on its computational graph, by building an autograd engine and a matrix-form backward and checking both against PyTorch and finite differences.
#
# In this lesson you will:
#
# - see what backpropagation does, and what it does not do (the source article gets this wrong);
# - apply the chain rule by hand on a small **computational graph** (计算图) and match `torch.autograd`;
# - build a scalar **automatic differentiation** (自动微分) engine in one page of code, then check the
#   course's copy in `lib` against it and against PyTorch on a small MLP;
# - write the backward pass of a two-layer network in matrix form, and check it;
# - build a **gradient check** (梯度检验) with finite differences, and see why it needs float64;
# - count why a backward pass costs about twice the forward pass, the "6" in $6ND$.

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
from torch.utils.flop_counter import FlopCounterMode

from lib.course.checks import expect_wrong
from lib.course.exercises import check
from lib.course.lesson import lesson_setup
from lib.data.digits import load_digits_split
from lib.data.synthetic import two_moons
from lib.models.mlp import MLP
from lib.scratch import autograd as scalar_autograd
from lib.scratch.gradcheck import gradcheck, step_size_errors
from lib.viz.autograd_graph import draw_graph
from lib.viz.plots import PALETTE, figure
from lib.viz.widgets import interactive_view

device, generator = lesson_setup(seed=0)  # seed, device, one CPU thread for tiny models, the course's plot style

# %% [markdown]
# ## Backpropagation computes gradients; the optimizer updates
#
# Training repeats four steps: a **forward pass** (前向传播) computes the loss, a **backward pass**
# (反向传播, backpropagation) computes the gradient of the loss with respect to every parameter,
# an **optimizer** (优化器) uses those gradients to update the parameters, and the loop goes on.
#
# The source article (sections 1.4.2 and 3.1) says backpropagation "computes the gradients *and
# updates the model parameters*". That merges two separate steps. Backpropagation only computes
# gradients; how the parameters then move is the optimizer's choice (plain gradient descent,
# momentum, Adam... lesson 2.5). The article's own code shows it: `loss.backward()` then
# `optimizer.step()`. Here is that separation, checked:

# %%
layer = nn.Linear(3, 1)
before = [p.detach().clone() for p in layer.parameters()]
x, target = torch.randn(8, 3), torch.randn(8, 1)
optimizer = torch.optim.SGD(layer.parameters(), lr=0.1)

loss = ((layer(x) - target) ** 2).mean()
loss.backward()  # backpropagation: fills .grad, changes no parameter
assert all(torch.equal(p, b) for p, b in zip(layer.parameters(), before, strict=True))
assert all(p.grad is not None for p in layer.parameters())

optimizer.step()  # the optimizer: here SGD, p <- p - lr * grad
for p, b in zip(layer.parameters(), before, strict=True):
    torch.testing.assert_close(p.detach(), b - 0.1 * p.grad)
print("after backward(): parameters unchanged, gradients filled; after step(): p = p - 0.1 * grad")

# %% [markdown]
# ## The chain rule on a computational graph
#
# Any computation is a graph of simple operations. Take one neuron with a sigmoid and a squared
# error, $\mathcal{L} = (\sigma(w x + b) - y)^2$, and name every intermediate result:
#
# ```mermaid
# graph LR
#     w((w)) --> u["u = w · x"]
#     x((x)) --> u
#     u --> z["z = u + b"]
#     b((b)) --> z
#     z --> a["a = σ(z)"]
#     a --> d["d = a − y"]
#     y((y)) --> d
#     d --> L["L = d²"]
# ```
#
# <details><summary>The diagram as text (Colab shows Mermaid as code)</summary>
#
# The inputs w and x feed u = w · x; u and b feed z = u + b; z feeds a = σ(z); a and y feed
# d = a − y; d feeds L = d².
#
# </details>
#
# Each node knows only its **local derivative**, the derivative of its output with respect to its
# inputs:
#
# | node | local derivatives |
# | --- | --- |
# | $u = w x$ | $\partial u/\partial w = x$, $\ \partial u/\partial x = w$ |
# | $z = u + b$ | $\partial z/\partial u = 1$, $\ \partial z/\partial b = 1$ |
# | $a = \sigma(z)$ | $\partial a/\partial z = \sigma(z)(1 - \sigma(z)) = a(1-a)$ |
# | $d = a - y$ | $\partial d/\partial a = 1$ |
# | $\mathcal{L} = d^2$ | $\partial \mathcal{L}/\partial d = 2d$ |
#
# The **chain rule** (链式法则) multiplies them along the path from $\mathcal{L}$ back to a parameter:
#
# $$\frac{\partial \mathcal{L}}{\partial w} = \frac{\partial \mathcal{L}}{\partial d}\,\frac{\partial d}{\partial a}\,\frac{\partial a}{\partial z}\,\frac{\partial z}{\partial u}\,\frac{\partial u}{\partial w} = 2d \cdot 1 \cdot a(1-a) \cdot 1 \cdot x, \qquad \frac{\partial \mathcal{L}}{\partial b} = 2d \cdot a(1-a).$$
#
# Going *backward* from $\mathcal{L}$ is what makes this cheap: $\partial \mathcal{L}/\partial z = 2d \cdot a(1-a)$ is
# computed once and shared by $w$, $b$ and $x$. We compute every local derivative by hand and
# compare with PyTorch.

# %%
w_val, x_val, b_val, y_val = 0.8, 1.5, -0.3, 1.0

# forward pass, node by node
u = w_val * x_val
z = u + b_val
a = 1 / (1 + math.exp(-z))
d = a - y_val
L = d**2

# backward pass: start from dL/dL = 1 and multiply by local derivatives
dL_dd = 2 * d
dL_da = dL_dd * 1.0
dL_dz = dL_da * a * (1 - a)
dL_du = dL_dz * 1.0
dL_db = dL_dz * 1.0
dL_dw = dL_du * x_val
dL_dx = dL_du * w_val

w, x, b = (torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (w_val, x_val, b_val))
loss = (torch.sigmoid(w * x + b) - y_val) ** 2
loss.backward()
for name, ours, theirs in (("L", L, loss), ("dL/dw", dL_dw, w.grad), ("dL/db", dL_db, b.grad), ("dL/dx", dL_dx, x.grad)):
    torch.testing.assert_close(torch.tensor(ours, dtype=torch.float64), theirs.detach(), msg=name)

# %%
# NBVAL_CHECK_OUTPUT
print(f"forward:  u = {u:.4f}, z = {z:.4f}, a = {a:.4f}, d = {d:.4f}, L = {L:.4f}")
print(f"backward: dL/dd = {dL_dd:.4f}, dL/dz = {dL_dz:.4f}, dL/dw = {dL_dw:.4f}, dL/db = {dL_db:.4f}, dL/dx = {dL_dx:.4f}")
print("torch.autograd gives the same four numbers")

# %% [markdown]
# ## A scalar autograd engine
#
# PyTorch automates exactly this bookkeeping. We can too: a `Value` holds one number, remembers
# the operation and inputs that produced it, and knows how to pass a gradient back to those
# inputs. `backward()` orders the graph so that every node comes after its inputs (a
# **topological sort**), sets $\partial \mathcal{L}/\partial \mathcal{L} = 1$, and walks the order in reverse, each
# node adding *local derivative × its own gradient* to each input's gradient. "Adding" matters:
# a value used twice (like $x$ in $x \cdot x$) collects a gradient from both uses.
#
# (This design follows Andrej Karpathy's *micrograd*.)

# %%
class Value:
    """One number in a computational graph, with the gradient backward() gives it."""

    def __init__(self, data, children=(), op=""):
        self.data = float(data)
        self.grad = 0.0
        self._prev = tuple(children)
        self._backward = lambda: None  # how to pass this node's grad to its inputs
        self.op = op

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad  # d(a+b)/da = 1
            other.grad += out.grad

        out._backward = _backward
        return out

    def __sub__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data - other.data, (self, other), "-")

        def _backward():
            self.grad += out.grad
            other.grad -= out.grad  # d(a-b)/db = -1

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad  # d(ab)/da = b
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __truediv__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data / other.data, (self, other), "/")

        def _backward():
            self.grad += out.grad / other.data  # d(a/b)/da = 1/b
            other.grad -= self.data / other.data**2 * out.grad  # d(a/b)/db = -a/b^2

        out._backward = _backward
        return out

    def __pow__(self, k):  # k is a plain number
        out = Value(self.data**k, (self,), f"**{k}")

        def _backward():
            self.grad += k * self.data ** (k - 1) * out.grad

        out._backward = _backward
        return out

    def exp(self):
        out = Value(math.exp(self.data), (self,), "exp")

        def _backward():
            self.grad += out.data * out.grad  # (e^x)' = e^x

        out._backward = _backward
        return out

    def log(self):
        out = Value(math.log(self.data), (self,), "log")

        def _backward():
            self.grad += out.grad / self.data

        out._backward = _backward
        return out

    def tanh(self):
        out = Value(math.tanh(self.data), (self,), "tanh")

        def _backward():
            self.grad += (1 - out.data**2) * out.grad

        out._backward = _backward
        return out

    def relu(self):
        out = Value(max(self.data, 0.0), (self,), "relu")

        def _backward():
            self.grad += (1.0 if self.data > 0 else 0.0) * out.grad

        out._backward = _backward
        return out

    def sigmoid(self):
        out = Value(1 / (1 + math.exp(-self.data)), (self,), "σ")

        def _backward():
            self.grad += out.data * (1 - out.data) * out.grad

        out._backward = _backward
        return out

    def __neg__(self):
        return self * -1.0

    def __radd__(self, other):  # 2 + v
        return Value(other) + self

    def __rsub__(self, other):
        return Value(other) - self

    def __rmul__(self, other):
        return Value(other) * self

    def __rtruediv__(self, other):
        return Value(other) / self

    def backward(self):
        order, seen = [], set()

        def visit(node):  # depth-first: a node is appended after all of its inputs
            if node not in seen:
                seen.add(node)
                for child in node._prev:
                    visit(child)
                order.append(node)

        visit(self)
        self.grad = 1.0
        for node in reversed(order):
            node._backward()


# the neuron of the graph above, now differentiated by the engine
w, x, b = Value(w_val), Value(x_val), Value(b_val)
L_engine = ((w * x + b).sigmoid() - y_val) ** 2
L_engine.backward()
assert math.isclose(L_engine.data, L, rel_tol=1e-12)
for name, got, expected in (("w", w.grad, dL_dw), ("b", b.grad, dL_db), ("x", x.grad, dL_dx)):
    assert math.isclose(got, expected, rel_tol=1e-12), name
print(f"engine: dL/dw = {w.grad:.6f}, dL/db = {b.grad:.6f}, dL/dx = {x.grad:.6f} (= the chain rule by hand)")

# %% [markdown]
# The course keeps the same engine in `lib/scalar_autograd.py`, with input checks, a
# numerically stable sigmoid, and a topological sort that needs no recursion. It can also draw
# the graph it built: orange boxes are inputs, each box shows the value and the gradient that
# `backward()` left there. Compare with the numbers printed above.

# %%
sa = scalar_autograd
w, x, b, y = sa.Value(w_val, label="w"), sa.Value(x_val, label="x"), sa.Value(b_val, label="b"), sa.Value(y_val, label="y")
L_lib = ((w * x + b).sigmoid() - y) ** 2
L_lib.backward()
ax = draw_graph(L_lib)
ax.set_title("ℒ = (σ(w·x + b) − y)², after backward()")
for got, expected in ((w.grad, dL_dw), (b.grad, dL_db), (x.grad, dL_dx)):
    assert math.isclose(got, expected, rel_tol=1e-12)

# %% [markdown]
# The lesson's engine and `lib`'s must agree on every operation. We build one expression that
# uses all of them, with one input used several times, in both engines:

# %%
def expression(a, b, c):
    """Every operation of the engine; a appears three times."""
    h = (a * b + c.exp() / (b * b + 1.0)).tanh() - (c**2 + 1.0).log()
    return h * a.sigmoid() + (a - b).relu() / 2.0 + 3.0 / (1.0 + a * a)


inputs = (0.7, -1.3, 0.4)
ours = [Value(v) for v in inputs]
theirs = [sa.Value(v) for v in inputs]
out_ours, out_lib = expression(*ours), expression(*theirs)
out_ours.backward()
out_lib.backward()
assert math.isclose(out_ours.data, out_lib.data, rel_tol=1e-14)
for o, t in zip(ours, theirs, strict=True):
    assert math.isclose(o.grad, t.grad, rel_tol=1e-14)

torch_in = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in inputs]
out_torch = (torch.tanh(torch_in[0] * torch_in[1] + torch.exp(torch_in[2]) / (torch_in[1] * torch_in[1] + 1.0))
             - torch.log(torch_in[2] ** 2 + 1.0)) * torch.sigmoid(torch_in[0]) \
    + torch.relu(torch_in[0] - torch_in[1]) / 2.0 + 3.0 / (1.0 + torch_in[0] * torch_in[0])
out_torch.backward()
torch.testing.assert_close(torch.tensor([t.grad for t in theirs], dtype=torch.float64), torch.stack([t.grad for t in torch_in]))
print("gradients (lesson engine = lib engine = torch):", [round(t.grad, 6) for t in theirs])

# %% [markdown]
# Why does `lib` avoid recursion? A recursive depth-first search needs one Python stack frame per
# step of the longest path, and Python stops at about 1,000. A sum of 3,000 numbers is such a path:

# %%
chain_ours, chain_lib = Value(0.0), sa.Value(0.0)
for k in range(3000):
    chain_ours, chain_lib = chain_ours + k * 1e-3, chain_lib + k * 1e-3
try:
    chain_ours.backward()
    recursive = "worked"
except RecursionError:
    recursive = "RecursionError"
chain_lib.backward()
print(f"3,000-step chain: recursive sort -> {recursive}; lib's iterative sort -> worked")

# %% [markdown]
# ## The engine reproduces `torch.autograd` on an MLP
#
# A neural network is just a bigger expression. We take a small **multilayer perceptron**
# (多层感知机) from `lib.models.mlp` (2 inputs, two hidden layers of 8 with tanh, 2 output logits),
# and give the *same weights* to `lib.scratch.autograd.ScalarMLP`, which makes one `Value` per
# weight. Both compute the mean cross-entropy (lesson 2.2) on 16 points of the synthetic two-moons
# data set and run backward; then we compare the gradient of every parameter.

# %%
points, labels = two_moons(n=16, noise=0.1, seed=0)
torch_mlp = MLP([2, 8, 8, 2], activation="tanh").double()
loss_torch = nn.functional.cross_entropy(torch_mlp(points.double()), labels)
loss_torch.backward()

scalar_mlp = sa.ScalarMLP.from_torch(torch_mlp)
losses = [sa.cross_entropy(scalar_mlp(p), int(t)) for p, t in zip(points.double().tolist(), labels, strict=True)]
loss_scalar = sum(losses, sa.Value(0.0)) / len(losses)
loss_scalar.backward()

assert math.isclose(loss_scalar.data, loss_torch.item(), rel_tol=1e-12)
linears = [m for m in torch_mlp.modules() if isinstance(m, nn.Linear)]
worst = 0.0
for (grad_w, grad_b), linear in zip(scalar_mlp.gradients(), linears, strict=True):
    torch.testing.assert_close(grad_w, linear.weight.grad, rtol=1e-10, atol=1e-12)
    torch.testing.assert_close(grad_b, linear.bias.grad, rtol=1e-10, atol=1e-12)
    worst = max(worst, (grad_w - linear.weight.grad).abs().max().item(), (grad_b - linear.bias.grad).abs().max().item())
print(f"largest difference over all parameters: {worst:.1e} (float64 round-off)")

# %%
# NBVAL_CHECK_OUTPUT
n_params = sum(p.numel() for p in torch_mlp.parameters())
print(f"{n_params} parameters, {len(scalar_mlp.parameters())} Values with a gradient; "
      f"the graph has {len(sa.topological_order(loss_scalar)):,} nodes")
print(f"loss = {loss_scalar.data:.4f}; every gradient matches torch.autograd")

# %% [markdown]
# Every gradient agrees with PyTorch. The price of working one number at a
# time is a graph of thousands of Python objects for a network you could write on a napkin;
# PyTorch's nodes are whole tensors, so the same graph has a handful of nodes, each one a fast
# matrix operation. That is the next step.
#
# ## Backpropagation in matrix form
#
# Take a two-layer network on a batch of $m$ samples: inputs $X$ ($m \times n$), a hidden ReLU
# layer and a softmax output with one-hot targets $Y$ ($m \times k$):
#
# $$Z_1 = X W_1 + b_1,\quad A_1 = \mathrm{relu}(Z_1),\quad Z_2 = A_1 W_2 + b_2,\quad P = \mathrm{softmax}(Z_2),\quad \mathcal{L} = -\frac{1}{m}\sum_{i=1}^{m}\sum_{j=1}^{k} Y_{ij}\log P_{ij}.$$
#
# (Mathematics writes $XW$ with $W$ of shape $n \times h$; `nn.Linear` stores the transpose.)
# Applying the chain rule to whole matrices gives the backward pass, from the loss back:
#
# $$dZ_2 = P - Y, \qquad dW_2 = \frac{1}{m} A_1^\top dZ_2, \qquad db_2 = \frac{1}{m}\sum_{i} (dZ_2)_{i,:},$$
#
# $$dA_1 = dZ_2\, W_2^\top, \qquad dZ_1 = dA_1 \odot \mathrm{relu}'(Z_1), \qquad dW_1 = \frac{1}{m} X^\top dZ_1, \qquad db_1 = \frac{1}{m}\sum_i (dZ_1)_{i,:}.$$
#
# Here $dZ$ means the *per-sample* gradient, $m\,\partial \mathcal{L}/\partial Z$: the mean's $1/m$ is
# applied once, when the samples' contributions to a weight are summed. $dZ_2 = P - Y$ is the
# gradient of softmax cross-entropy (lesson 2.2), $\mathrm{relu}'(Z_1)$ is 1 where $Z_1 > 0$ and
# 0 elsewhere, and $\odot$ is the elementwise product. A rule for the shapes: a gradient has the
# shape of what it is the gradient of, and $A_1^\top dZ_2$ is the only product of those two
# matrices with $W_2$'s shape. We compute this on 128 handwritten digits (8×8 pixels, 10 classes):

# %%
train, _ = load_digits_split()
m, n_in, n_hidden, n_out = 128, 64, 32, 10
X = train.flat[:m].double()
y_digits = train.labels[:m]
Y = nn.functional.one_hot(y_digits, n_out).double()
g = torch.Generator().manual_seed(0)
W1 = torch.randn(n_in, n_hidden, generator=g, dtype=torch.float64) * math.sqrt(2 / n_in)
b1 = torch.zeros(n_hidden, dtype=torch.float64)
W2 = torch.randn(n_hidden, n_out, generator=g, dtype=torch.float64) * math.sqrt(1 / n_hidden)
b2 = torch.zeros(n_out, dtype=torch.float64)


def forward(X, W1, b1, W2, b2):
    Z1 = X @ W1 + b1
    A1 = torch.relu(Z1)
    Z2 = A1 @ W2 + b2
    return Z1, A1, Z2


def manual_backward(X, Y, W1, b1, W2, b2):
    """The six formulas above, in order; returns (dW1, db1, dW2, db2) and dZ2."""
    m = X.shape[0]
    Z1, A1, Z2 = forward(X, W1, b1, W2, b2)
    P = torch.softmax(Z2, dim=1)
    dZ2 = P - Y
    dW2 = A1.T @ dZ2 / m
    db2 = dZ2.sum(0) / m
    dA1 = dZ2 @ W2.T
    dZ1 = dA1 * (Z1 > 0)
    dW1 = X.T @ dZ1 / m
    db1 = dZ1.sum(0) / m
    return (dW1, db1, dW2, db2), dZ2


(dW1, db1, dW2, db2), dZ2 = manual_backward(X, Y, W1, b1, W2, b2)

params = [t.clone().requires_grad_(True) for t in (W1, b1, W2, b2)]
_, _, Z2 = forward(X, *params)
Z2.retain_grad()
loss = nn.functional.cross_entropy(Z2, y_digits)
loss.backward()

torch.testing.assert_close(dZ2, m * Z2.grad)  # the per-sample gradient is m times autograd's
for name, manual, p in zip(("W1", "b1", "W2", "b2"), (dW1, db1, dW2, db2), params, strict=True):
    assert manual.shape == p.shape, name
    torch.testing.assert_close(manual, p.grad)
print(f"loss {loss.item():.4f}; manual dW1, db1, dW2, db2 equal autograd's (shapes {[tuple(p.shape) for p in params]})")

# %% [markdown]
# ## Gradient checking with finite differences
#
# Autograd checked our formulas, but how is autograd itself checked, or a custom operation whose
# backward you wrote by hand? With the definition of the derivative. The **central difference**
#
# $$\frac{\partial \mathcal{L}}{\partial \theta_i} \approx \frac{L(\theta + h e_i) - \mathcal{L}(\theta - h e_i)}{2h}$$
#
# needs no calculus, only two forward passes per parameter, which makes it slow and reliable.
# `lib.gradcheck.gradcheck` perturbs every entry of every input, compares the two gradients by the
# scale-free **relative error** $\lVert g_{\text{analytic}} - g_{\text{numeric}}\rVert / (\lVert g_{\text{analytic}}\rVert + \lVert g_{\text{numeric}}\rVert)$,
# and reports the entry with the largest difference, the first place to look for a bug. It runs in
# float64, for reasons the next section measures.
#
# We check the manual backward (passed as `grad_fn`) on a smaller batch, then a version with a
# classic bug: forgetting the ReLU's derivative.

# %%
Xs, Ys, ys = X[:16], Y[:16], y_digits[:16]
small = (W1[:, :12].clone(), b1[:12].clone(), W2[:12].clone(), b2.clone())


def digits_loss(W1, b1, W2, b2):
    return nn.functional.cross_entropy(forward(Xs, W1, b1, W2, b2)[2], ys)


def good_backward(W1, b1, W2, b2):
    return manual_backward(Xs, Ys, W1, b1, W2, b2)[0]


def buggy_backward(W1, b1, W2, b2):
    m = Xs.shape[0]
    Z1, A1, Z2 = forward(Xs, W1, b1, W2, b2)
    dZ2 = torch.softmax(Z2, dim=1) - Ys
    dZ1 = dZ2 @ W2.T  # bug: the ReLU's derivative (Z1 > 0) is missing
    return Xs.T @ dZ1 / m, dZ1.sum(0) / m, A1.T @ dZ2 / m, dZ2.sum(0) / m


good = gradcheck(digits_loss, list(small), grad_fn=good_backward)
bad = gradcheck(digits_loss, list(small), grad_fn=buggy_backward)
print(good)
print(bad)
assert good.passed and good.relative_error < 1e-8
assert not bad.passed and bad.relative_error > 1e-2 and bad.input_index in (0, 1)  # the bug is in layer 1

# %% [markdown]
# The report points at an entry of $W_1$ or $b_1$ (inputs 0 and 1): the bug is in the first
# layer, as it should. PyTorch has its own checker, `torch.autograd.gradcheck`, which compares
# whole Jacobians with tolerances. To let it check *our* backward we wrap the formulas in a
# `torch.autograd.Function`, PyTorch's way to define an operation with a hand-written backward.
# Both checkers must agree: pass the right backward, fail the buggy one.

# %%
def as_function(backward_fn):
    class TwoLayerLoss(torch.autograd.Function):
        @staticmethod
        def forward(ctx, W1, b1, W2, b2):
            ctx.save_for_backward(W1, b1, W2, b2)
            return digits_loss(W1, b1, W2, b2)

        @staticmethod
        def backward(ctx, grad_output):
            return tuple(grad_output * g for g in backward_fn(*ctx.saved_tensors))

    return TwoLayerLoss.apply


leaves = [t.clone().requires_grad_(True) for t in small]
torch_good = torch.autograd.gradcheck(as_function(good_backward), leaves, raise_exception=False)
torch_bad = torch.autograd.gradcheck(as_function(buggy_backward), leaves, raise_exception=False)
assert (good.passed, bad.passed) == (torch_good, torch_bad) == (True, False)
print(f"lib.scratch.gradcheck: right backward {good.passed}, buggy {bad.passed}; "
      f"torch.autograd.gradcheck: right {torch_good}, buggy {torch_bad}")

# %% [markdown]
# ## Why gradient checks need float64
#
# The central difference has two errors that pull in opposite directions:
#
# - **truncation**: by Taylor's theorem it equals $f'(x) + \frac{h^2}{6} f'''(x) + \dots$, so its
#   error falls like $h^2$ as $h$ shrinks;
# - **round-off**: $f(x \pm h)$ are each stored with relative error about the machine epsilon
#   $\varepsilon$ ($2^{-52} \approx 2.2\times10^{-16}$ in float64, $2^{-23} \approx 1.2\times10^{-7}$ in float32),
#   and dividing their difference by $2h$ magnifies it to about $\varepsilon |f| / h$: it *rises* as $h$ shrinks.
#
# The total $\frac{h^2}{6}|f'''| + \frac{\varepsilon |f|}{h}$ is smallest at $h^\ast = (3\varepsilon|f|/|f'''|)^{1/3}$.
# We measure the relative error of the derivative of our neuron's loss $\mathcal{L}(w)$ for 53 step sizes,
# in both precisions, and draw the two terms of the model beside the measurements.

# %%
def neuron_loss(w):
    return (torch.sigmoid(w * x_val + b_val) - y_val) ** 2


steps = [10 ** (-k / 4) for k in range(4, 57)]  # h from 0.1 down to 1e-14
errors = {dtype: step_size_errors(neuron_loss, w_val, steps, dtype) for dtype in (torch.float32, torch.float64)}

w64 = torch.tensor(w_val, dtype=torch.float64, requires_grad=True)
(d1,) = torch.autograd.grad(neuron_loss(w64), w64, create_graph=True)
(d2,) = torch.autograd.grad(d1, w64, create_graph=True)
(d3,) = torch.autograd.grad(d2, w64)
f0, f1, f3 = abs(neuron_loss(w64).item()), abs(d1.item()), abs(d3.item())

fig, ax = figure(width=7, height=4.2)
h = torch.tensor(steps, dtype=torch.float64)
best = {}
for (dtype, errs), color in zip(errors.items(), (PALETTE[3], PALETTE[0]), strict=True):
    eps = torch.finfo(dtype).eps
    name = str(dtype).removeprefix("torch.")
    model = (h**2 * f3 / 6 + eps * f0 / h) / f1
    ax.loglog(h, errs.clamp(min=1e-17), "o", ms=3, color=color, label=f"{name}: measured")
    ax.loglog(h, model, "--", color=color, lw=1, label=f"{name}: h²|f‴|/6 + ε|f|/h")
    h_star = (3 * eps * f0 / f3) ** (1 / 3)
    i = int(errs.argmin())
    best[name] = (steps[i], errs[i].item(), h_star)
    ax.axvline(h_star, color=color, lw=0.8, alpha=0.5)
ax.set_xlabel("step h")
ax.set_ylabel("relative error of the derivative")
ax.set_ylim(1e-14, 2)
ax.set_title("Central differences: truncation falls as h², round-off rises as ε/h")
ax.legend(fontsize=8, loc="lower left")

for name, (h_best, err_best, h_star) in best.items():
    print(f"{name}: best measured h = {h_best:.1e} (error {err_best:.1e}); predicted sweet spot h* = {h_star:.1e}")
    assert abs(math.log10(h_best / h_star)) < 1  # the model predicts the sweet spot within 10x
assert best["float64"][1] < 1e-10 < 1e-7 < best["float32"][1]  # float64 sees 1,000x finer

# %% [markdown]
# In float32 no step does better than about $10^{-6}$, the size of the subtle bugs we want to
# catch, and a step that is too small gives a derivative of exactly zero (relative error 1 at the
# left of the plot): $w + h$ rounds back to $w$. In float64 the sweet spot near
# $h \approx 10^{-5}$ reaches $10^{-11}$ or below, leaving many orders of magnitude between
# round-off and a real bug (the buggy backward above had a relative error above $10^{-2}$).
# That is why `lib.scratch.gradcheck` and `torch.autograd.gradcheck` both work in float64, and why
# `lib.scratch.gradcheck` uses $h = 10^{-6}$, near the bottom of the float64 curve. Training itself
# is happy in float32 or bf16: it needs gradients good to a few digits, not to ten.
#
# Try it: pick a precision and a step; the function `step_size_errors` from `lib.scratch.gradcheck`
# computes the curve, and the cell marks your step on it.

# %%
def show_step(dtype: str = "float32", log10_h: float = -3.0) -> None:
    torch_dtype = {"float32": torch.float32, "float64": torch.float64}[dtype]
    errs = step_size_errors(neuron_loss, w_val, steps, torch_dtype)
    (mine,) = step_size_errors(neuron_loss, w_val, [10**log10_h], torch_dtype)
    _, ax = figure(width=6, height=3.5)
    ax.loglog(steps, errs.clamp(min=1e-17), "o-", ms=3, label=dtype)
    ax.loglog([10**log10_h], [max(mine.item(), 1e-17)], "*", ms=14, color=PALETTE[3], label=f"h = 1e{log10_h:g}")
    ax.set_xlabel("step h")
    ax.set_ylabel("relative error")
    ax.set_ylim(1e-14, 2)
    ax.legend()
    print(f"{dtype}, h = 1e{log10_h:g}: relative error {mine.item():.2e}")


show_step("float32", -3.0)
interactive_view(show_step, dtype=["float32", "float64"], log10_h=(-14.0, -1.0, 0.25))

# %% [markdown]
# ## What a backward pass costs: twice the forward
#
# For a linear layer $Y = XW$ with $X$ of shape $B \times n$ and $W$ of shape $n \times k$, the
# forward pass is one matrix product, $2Bnk$ floating-point operations (FLOPs, 浮点运算; a multiply
# and an add per term). The backward pass needs two products of the same size:
#
# $$dX = dY\, W^\top \ (2Bnk \text{ FLOPs}), \qquad dW = X^\top dY \ (2Bnk \text{ FLOPs}),$$
#
# so backward $\approx 2\times$ forward, and a training step costs about $3\times$ the forward
# pass. Per parameter and per token (sample), the forward pass does 2 FLOPs (one multiply-add)
# and the backward 4: $6$ FLOPs in all, which is where **$C \approx 6ND$** comes from, the training
# compute of a model with $N$ parameters on $D$ tokens (lesson 1.4). We count with PyTorch's
# `FlopCounterMode` on an MLP. One subtlety: the first layer's $dX$ is a gradient for the *input
# data*, which nobody needs, so PyTorch skips it unless the input requires a gradient.

# %%
flop_mlp = MLP([64, 256, 256, 10])
batch = 128
matmul_params = sum(m.weight.numel() for m in flop_mlp.modules() if isinstance(m, nn.Linear))
counts = {}
for input_grad in (False, True):
    inputs_ = torch.randn(batch, 64, requires_grad=input_grad)
    with FlopCounterMode(display=False) as forward_counter:
        out = flop_mlp(inputs_)
    with FlopCounterMode(display=False) as backward_counter:
        out.square().mean().backward()
    counts[input_grad] = (forward_counter.get_total_flops(), backward_counter.get_total_flops())
    flop_mlp.zero_grad()

forward_flops = counts[True][0]
assert forward_flops == 2 * batch * matmul_params  # 2 FLOPs per weight per sample
assert counts[True][1] == 2 * forward_flops  # exactly twice, when every dX is computed
assert counts[False][1] == 2 * forward_flops - 2 * batch * 64 * 256  # minus the first layer's dX

# %%
# NBVAL_CHECK_OUTPUT
print(f"MLP 64-256-256-10, batch {batch}: {matmul_params:,} weights")
print(f"{'':<26}{'forward':>12}{'backward':>12}{'ratio':>7}")
for input_grad, (fwd, bwd) in counts.items():
    label = "input requires grad" if input_grad else "input without grad"
    print(f"{label:<26}{fwd:>12,}{bwd:>12,}{bwd / fwd:>7.2f}")
total = forward_flops + counts[True][1]
print(f"training FLOPs per weight per sample: {total / (batch * matmul_params):.0f}  (the 6 in 6ND)")

# %% [markdown]
# Backward also needs memory: every intermediate result the local derivatives use ($X$, $Z_1$,
# $A_1$, $P$...) is kept from the forward pass until backward has used it. For large models these
# stored activations, not the weights, often fill the GPU; chapter 3 returns to this.
#
# ## Summary
#
# - Backpropagation (反向传播) computes the gradient of the loss with respect to every parameter
#   by the chain rule, from the loss backward through the computational graph. It does not update
#   anything: the optimizer does (the source article's 3.1 merges the two).
# - Each node only needs its local derivative; reverse order lets every gradient reuse the ones
#   computed after it. A scalar engine of one page (`lib.scratch.autograd`) reproduces
#   `torch.autograd` on an MLP to float64 round-off.
# - In matrix form: $dZ_2 = P - Y$, $dW_2 = A_1^\top dZ_2/m$, $dA_1 = dZ_2 W_2^\top$,
#   $dZ_1 = dA_1 \odot \mathrm{relu}'(Z_1)$, $dW_1 = X^\top dZ_1/m$; each gradient has its parameter's shape.
# - Check gradients with central differences in float64 (`lib.scratch.gradcheck`): truncation error falls as
#   $h^2$, round-off rises as $\varepsilon/h$, and only float64 leaves room between them to see bugs.
# - Backward costs about twice the forward, so training costs about $6$ FLOPs per parameter per token: $6ND$.
#
# ## Exercises
#
# Write your answer where the reference answer stands, then run the cell: the check tells you
# whether you are right.
#
# **1.** Replace the sigmoid by tanh: $\mathcal{L} = (\tanh(wx + b) - y)^2$ with the same numbers
# ($w = 0.8$, $x = 1.5$, $b = -0.3$, $y = 1$). Compute $\partial \mathcal{L}/\partial w$ by the chain rule,
# by hand (no autograd). Recall $\tanh'(z) = 1 - \tanh^2(z)$.

# %%
# BEGIN SOLUTION
a_tanh = math.tanh(w_val * x_val + b_val)
answer_1 = 2 * (a_tanh - y_val) * (1 - a_tanh**2) * x_val
# END SOLUTION
check("2.3.tanh-grad", answer_1)

# %% [markdown]
# **2.** Linear regression $\hat Y = XW$ with the mean squared error
# $\mathcal{L} = \frac{1}{m}\sum_{i,j} (\hat Y - Y)_{ij}^2$. Write $\partial \mathcal{L}/\partial W$ in matrix form and
# compute it for the tensors below ($m = 20$ samples, 5 features, 3 outputs).

# %%
g2 = torch.Generator().manual_seed(2)
X_reg = torch.randn(20, 5, generator=g2, dtype=torch.float64)
W_reg = torch.randn(5, 3, generator=g2, dtype=torch.float64)
Y_reg = torch.randn(20, 3, generator=g2, dtype=torch.float64)
# BEGIN SOLUTION
answer_2 = 2 * X_reg.T @ (X_reg @ W_reg - Y_reg) / X_reg.shape[0]
# END SOLUTION
check("2.3.regression-grad", answer_2)

# %% [markdown]
# A check that accepted anything would teach nothing. Here it rejects the most common slip,
# dropping the 2 that comes from differentiating the square:

# %%
without_the_2 = X_reg.T @ (X_reg @ W_reg - Y_reg) / 20  # forgets the factor the square brings down
print(expect_wrong(check, "2.3.regression-grad", without_the_2))

# %% [markdown]
# **3.** A linear layer without bias maps $n = 100$ inputs to $k = 50$ outputs, on a batch of
# $B = 32$ whose input requires a gradient. How many FLOPs does its backward pass take?
# The check measures it with `FlopCounterMode`.

# %%
# BEGIN SOLUTION
answer_3 = 2 * (2 * 32 * 100 * 50)
# END SOLUTION
check("2.3.backward-flops", answer_3)

# %% [markdown]
# **4. Predict, then run.** The engine above *adds* into `.grad`, and so does PyTorch. Call
# `backward()` twice on the same graph without zeroing the gradient in between. By what factor does
# `x_4.grad` after the second call differ from the gradient after the first? Write the number in
# `answer_4` before running the cell. Then put `x_4.grad = None` between the two calls and run it
# again: this is why every training loop calls `optimizer.zero_grad()` (or `set_to_none`) each step.

# %%
# BEGIN SOLUTION
answer_4 = 2
# END SOLUTION
x_4 = torch.tensor(1.5, dtype=torch.float64, requires_grad=True)
y_4 = torch.sigmoid(x_4 * x_4)
y_4.backward(retain_graph=True)  # keep the graph so that backward can run on it again
first_grad = x_4.grad.item()
y_4.backward()
print(f"x.grad after one backward: {first_grad:.6f}; after two: {x_4.grad.item():.6f}")
check("2.3.grad-accumulates", answer_4)

# %% [markdown]
# ## References
#
# - Rumelhart, Hinton and Williams, *Learning representations by back-propagating errors*, Nature 323, 1986.
# - Baydin, Pearlmutter, Radul and Siskind, *Automatic Differentiation in Machine Learning: a Survey*, JMLR 18, 2018, arXiv:1502.05767.
# - Griewank and Walther, *Evaluating Derivatives: Principles and Techniques of Algorithmic Differentiation*, 2nd ed., SIAM, 2008 (the cost of reverse mode).
# - Kaplan et al., *Scaling Laws for Neural Language Models*, 2020, arXiv:2001.08361 (training compute $C \approx 6ND$).
# - Karpathy, *micrograd*, https://github.com/karpathy/micrograd (the design of the scalar engine).
# - Stanford CS231n notes, *Neural Networks Part 3: gradient checks*, https://cs231n.github.io/neural-networks-3/
# - PyTorch documentation: `torch.autograd.gradcheck`, https://pytorch.org/docs/stable/generated/torch.autograd.gradcheck.gradcheck.html, and `torch.utils.flop_counter`.
