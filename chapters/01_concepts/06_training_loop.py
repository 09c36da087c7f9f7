# %% [markdown]
# # 1.6 The training loop, step by step (训练流程)
#
# **Time:** about 30 s on a laptop CPU · **Prerequisites:** lesson 1.2 (MLPs, logits, binary cross-entropy, training with `fit`); what a derivative is. Cross-entropy for several classes and SGD are explained here in a sentence each · **You will learn:** the steps of a training loop and the line of real code behind each, why gradients must be zeroed, and why a model is judged on data it was not trained on.
#
# In this lesson you will:
#
# - redraw the source article's flow chart (its section 2.5) so that it really loops, and tie
#   every box to the line of the course's training engine (`lib.train.loop.train`) that does it;
# - **preprocess** (预处理) real data the right way, with statistics of the training split only;
# - train a classifier with `fit` and check that a loop written by hand gives the same weights;
# - run the article's pseudo-code (its section 3.2), see that it never zeroes the gradients, and
#   measure what that does;
# - see why accuracy on the training data says little: a network can learn random labels.

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
import inspect

import torch
from sklearn.datasets import load_breast_cancer
from sklearn.preprocessing import StandardScaler
from torch import nn

from lib.course.checks import expect_wrong
from lib.course.exercises import check
from lib.course.lesson import lesson_setup
from lib.data.digits import load_digits_split
from lib.lessons.lesson_1_6_loop import describe_curve, loss_curve, standardize
from lib.models.mlp import MLP
from lib.train.engine import evaluate, fit, make_batches
from lib.train.loop import train
from lib.train.steps import SupervisedStep
from lib.viz.plots import PALETTE, figure, plot_history
from lib.viz.widgets import interactive_view

device, generator = lesson_setup(seed=0)  # seed, device, one CPU thread for tiny models, the course's plot style

# %% [markdown]
# ## The article's flow chart, and what is wrong with it
#
# Section 2.5 of the source article draws training like this (its Mermaid code, rendered):
#
# ```mermaid
# graph TD
#     A[输入数据] --> B[预处理]
#     B --> C{深度学习模型}
#     C --> D[前向传播]
#     D --> E{计算损失函数}
#     E --> F[反向传播]
#     F --> G[更新参数]
#     G --> H[评估模型]
#     H --> I{重复训练}
# ```
#
# <details><summary>The diagram as text (Colab shows Mermaid as code)</summary>
#
# 输入数据 (input data) → 预处理 (preprocess) → 深度学习模型 (the model, drawn as a decision) →
# 前向传播 (forward pass) → 计算损失函数 (compute the loss, drawn as a decision) → 反向传播 (backward
# pass) → 更新参数 (update the parameters) → 评估模型 (evaluate the model) → 重复训练 (repeat training,
# drawn as a decision with no arrow out of it).
#
# </details>
#
# Three things are wrong with it:
#
# - **It does not loop.** "重复训练" (repeat training) is a dead end: no arrow goes back, so
#   the chart describes one step, not training. Training repeats the middle steps thousands of
#   times, once per **mini-batch** (小批量) of data, over several **epochs** (轮次: passes over the
#   data), and needs a rule for when to stop.
# - **The model is not a step.** "深度学习模型" sits between preprocessing and the forward pass,
#   drawn as a decision (a diamond). The **forward pass** (前向传播) *is* running the model on a
#   batch; so is the loss a computation, not a decision.
# - **A step is missing.** PyTorch adds each new gradient to the one already stored, so the
#   gradients must be **zeroed** (梯度清零) before every backward pass. The article's code (its
#   section 3.2) forgets this too; we measure the damage below.
#
# ## The loop, drawn correctly
#
# ```mermaid
# flowchart TD
#     A["输入数据 data<br/>split into training, validation and test sets"] --> B["预处理 preprocess<br/>standardize with training statistics"]
#     B --> C["take the next mini-batch (x, y)"]
#     C --> D["前向传播 forward pass<br/>outputs = model(x)"]
#     D --> E["计算损失函数 loss<br/>loss = loss_fn(outputs, y)"]
#     E --> Z["梯度清零 zero the gradients<br/>optimizer.zero_grad()"]
#     Z --> F["反向传播 backward pass<br/>loss.backward()"]
#     F --> G["更新参数 update the parameters<br/>optimizer.step()"]
#     G --> M{"more batches<br/>in this epoch?"}
#     M -- yes --> C
#     M -- no --> H["评估模型 evaluate<br/>on the validation set"]
#     H --> R{"重复训练?<br/>another epoch?"}
#     R -- yes --> C
#     R -- no --> S["stop; test once on the test set"]
# ```
#
# <details><summary>The diagram as text (Colab shows Mermaid as code)</summary>
#
# 1. 输入数据 data: split into training, validation and test sets.
# 2. 预处理 preprocess: standardize with training statistics.
# 3. take the next mini-batch (x, y).
# 4. 前向传播 forward pass: outputs = model(x).
# 5. 计算损失函数 loss: loss = loss_fn(outputs, y).
# 6. 梯度清零 zero the gradients: optimizer.zero_grad().
# 7. 反向传播 backward pass: loss.backward().
# 8. 更新参数 update the parameters: optimizer.step().
# 9. more batches / in this epoch? If yes, back to step 3; if no, go on.
# 10. 评估模型 evaluate / on the validation set.
# 11. 重复训练? / another epoch? If yes, back to step 3; if no: stop; test once on the test set.
#
# </details>
#
# Each box is one line of real code. `lib.train.engine.fit`, the loop every later lesson uses, runs
# the course's training engine `lib.train.loop.train` epoch by epoch; the engine repeats one
# training step, `lib.train.steps.SupervisedStep`, over the batches. We read their source with
# `inspect` and find the line behind each box (the preprocessing step happens once, before the
# loop, in `lib.lessons.lesson_1_6_loop.standardize`). If someone changes the engine so that a
# step disappears, the `assert` below fails.

# %%
step_lines, step_start = inspect.getsourcelines(SupervisedStep.__call__)
train_lines, train_start = inspect.getsourcelines(train)
standardize_lines, standardize_start = inspect.getsourcelines(standardize)
boxes = {  # box of the chart -> (function, a piece of the one line that implements it)
    "输入数据 data: next mini-batch": ("train", "# the next mini-batch (输入数据)"),
    "预处理 preprocess": ("standardize", "# preprocess (预处理)"),
    "前向传播 forward pass": ("step", "# forward pass (前向传播)"),
    "计算损失函数 loss": ("step", "# loss (损失函数)"),
    "梯度清零 zero the gradients": ("step", "# zero the gradients (梯度清零)"),
    "反向传播 backward pass": ("step", "# backward pass (反向传播)"),
    "更新参数 update": ("step", "# parameter update (更新参数)"),
    "评估模型 evaluate": ("train", "# evaluation (评估模型)"),
    "重复训练 another epoch": ("train", "# another epoch? (重复训练)"),
    "stop": ("train", "return run.history"),
}
sources = {"step": (step_lines, step_start), "train": (train_lines, train_start),
           "standardize": (standardize_lines, standardize_start)}
line_of = {}
for box, (function, piece) in boxes.items():
    lines, start = sources[function]
    found = [i for i, line in enumerate(lines) if piece in line]
    assert len(found) == 1, f"box {box!r}: expected one line of {function} with {piece!r}, found {len(found)}"
    line_of[box] = found[0]
    print(f"{box:<30} {function:>11}, line {start + found[0]:>3}:  {lines[found[0]].strip()}")

forward, loss_line, zero, backward, update = (line_of[b] for b in list(boxes)[2:7])
assert forward < loss_line < backward < update, "inside a step: forward, loss, backward, update, in this order"
assert zero < backward, "the gradients must be zeroed before the backward pass"

# %% [markdown]
# The line numbers are those of `lib/train/steps.py`, `lib/train/loop.py` and
# `lib/lessons/lesson_1_6_loop.py` in your copy of the course. Inside a step, the forward pass,
# the loss, the backward pass and the update come in the chart's order, which the `assert`s check.
# The step zeroes the gradients first, before the forward pass: any place before the backward
# pass does the same job.
#
# ## Real data: preprocess with training statistics only
#
# scikit-learn ships the Wisconsin breast cancer data: 569 tumours, 30 measurements each
# (radius, texture, area and so on), labelled benign or malignant. We split it at random into
# a **training set** (训练集) to learn from, a **validation set** (验证集) to watch during
# training, and a **test set** (测试集) used once at the very end.

# %%
# NBVAL_CHECK_OUTPUT
data = load_breast_cancer()
features = torch.tensor(data.data, dtype=torch.float32)
labels = torch.tensor(data.target, dtype=torch.long)
order = torch.randperm(len(features), generator=torch.Generator().manual_seed(0))
n_train, n_val = 341, 114
train_idx, val_idx, test_idx = order[:n_train], order[n_train : n_train + n_val], order[n_train + n_val :]
print(f"{len(features)} tumours, {features.shape[1]} features; "
      f"training {len(train_idx)}, validation {len(val_idx)}, test {len(test_idx)}")
spread = features[train_idx].std(dim=0)
print(f"feature standard deviations range from {spread.min():.4f} to {spread.max():.0f}")

# %% [markdown]
# The features live on wildly different scales: one gradient-descent learning rate cannot suit
# them all. **Standardizing** (标准化) gives every feature mean 0 and standard deviation 1:
#
# $$z_{ij} = \frac{x_{ij} - \mu_j}{\sigma_j}, \qquad \mu_j = \frac{1}{n}\sum_{i=1}^{n} x_{ij}, \quad \sigma_j = \sqrt{\frac{1}{n}\sum_{i=1}^{n} (x_{ij} - \mu_j)^2},$$
#
# where the sums run over the **training** samples only. The validation and test sets are
# transformed with the training set's $\mu$ and $\sigma$: they stand for new data, whose
# statistics we would not know in advance. Computing $\mu$ and $\sigma$ on all the data leaks
# information from the test set into training. We compute it by hand, then check it against
# `lib.lessons.lesson_1_6_loop.standardize` and scikit-learn's `StandardScaler`.

# %%
x_train, x_val, x_test = features[train_idx], features[val_idx], features[test_idx]
mu = x_train.sum(dim=0) / len(x_train)
sigma = (((x_train - mu) ** 2).sum(dim=0) / len(x_train)).sqrt()
by_hand = [(x - mu) / sigma for x in (x_train, x_val, x_test)]

z_train, z_val, z_test = standardize(x_train, x_val, x_test)
scaler = StandardScaler().fit(x_train.numpy())
for mine, lib_version, raw in zip(by_hand, (z_train, z_val, z_test), (x_train, x_val, x_test), strict=True):
    torch.testing.assert_close(mine, lib_version)
    torch.testing.assert_close(lib_version, torch.from_numpy(scaler.transform(raw.numpy())).float(), atol=1e-5, rtol=1e-5)
torch.testing.assert_close(z_train.mean(dim=0), torch.zeros(30), atol=1e-5, rtol=0)
print(f"validation means after standardizing: between {z_val.mean(dim=0).min():.2f} and {z_val.mean(dim=0).max():.2f}"
      " (not exactly 0: the validation set is new data)")

# %% [markdown]
# ## Run the loop
#
# A small network (30 inputs, 32 hidden ReLU units, 2 output scores), cross-entropy loss,
# plain **stochastic gradient descent** (随机梯度下降, SGD) with learning rate 0.1, mini-batches
# of 32, 30 epochs. With one logit per class, the **cross-entropy** (交叉熵) loss is the
# multi-class form of lesson 1.2's binary cross-entropy: a softmax turns the logits into
# probabilities, and the loss is $-\log$ of the probability given to the right class (lesson 2.2
# derives it). SGD moves every parameter by $-\eta$ times its gradient on the current mini-batch,
# with learning rate $\eta$. `fit` evaluates on the validation set after every epoch.

# %%
train_batches = make_batches(z_train, labels[train_idx], batch_size=32, seed=0)
val_batches = [(z_val, labels[val_idx])]
torch.manual_seed(0)
model = MLP((30, 32, 2))
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
history = fit(model, train_batches, nn.CrossEntropyLoss(), optimizer, epochs=30, val_batches=val_batches, device=device)

ax = plot_history({"training loss": history["train_loss"], "validation loss": history["val_loss"],
                   "validation accuracy": history["val_metric"]}, title="Breast cancer: 30 epochs of SGD")
test_scores = evaluate(model, [(z_test, labels[test_idx])], nn.CrossEntropyLoss(), device)
print(f"validation accuracy after the last epoch: {history.last('val_metric'):.1%}")
print(f"test accuracy, measured once at the end: {test_scores['metric']:.1%}")
assert history["train_loss"][-1] < 0.3 * history["train_loss"][0]
assert history.last("val_metric") > 0.93 and test_scores["metric"] > 0.93

# %% [markdown]
# ## The same loop, by hand
#
# `fit` is nothing more than the boxes of the chart. Written out for three epochs, from the same
# starting weights and the same order of batches, a hand-written loop gives the same weights.
# (This comparison runs on the CPU: on a GPU `fit` computes the forward pass in bf16.)

# %%
def hand_written_loop(epochs: int) -> nn.Module:
    torch.manual_seed(0)
    net = MLP((30, 32, 2))
    sgd = torch.optim.SGD(net.parameters(), lr=0.1)
    loss_fn = nn.CrossEntropyLoss()
    batches = make_batches(z_train, labels[train_idx], batch_size=32, seed=0)
    for _epoch in range(epochs):              # 重复训练: another epoch
        for inputs, targets in batches:       # 输入数据: the next mini-batch
            outputs = net(inputs)             # 前向传播: forward pass
            loss = loss_fn(outputs, targets)  # 计算损失函数: loss
            sgd.zero_grad()                   # 梯度清零: zero the gradients
            loss.backward()                   # 反向传播: backward pass
            sgd.step()                        # 更新参数: update
    return net


mine = hand_written_loop(epochs=3)
torch.manual_seed(0)
reference = MLP((30, 32, 2))
fit(reference, make_batches(z_train, labels[train_idx], batch_size=32, seed=0), nn.CrossEntropyLoss(),
    torch.optim.SGD(reference.parameters(), lr=0.1), epochs=3, device="cpu", progress=False)
for (name, a), b in zip(mine.state_dict().items(), reference.state_dict().values(), strict=True):
    torch.testing.assert_close(a, b, msg=f"{name} differs")
print("hand-written loop = lib.train.engine.fit, weight for weight, after 3 epochs")

# %% [markdown]
# ## The article's pseudo-code never zeroes the gradients
#
# The training loop of the article's section 3.2 reads:
#
# ```python
# for epoch in range(num_epochs):
#     for inputs, targets in data_loader:
#         outputs = model(inputs)
#         loss = criterion(outputs, targets)
#         loss.backward()
#         optimizer.step()
#     accuracy = evaluate_model(model, test_data)
# ```
#
# There is no `optimizer.zero_grad()`. In PyTorch, `loss.backward()` **adds** the new gradient
# to whatever `.grad` already holds. Two backward passes on the same batch leave twice the
# gradient:

# %%
torch.manual_seed(0)
net = MLP((30, 32, 2))
inputs, targets = z_train[:32], labels[train_idx][:32]
nn.CrossEntropyLoss()(net(inputs), targets).backward()
once = net.layers[0].weight.grad.clone()
nn.CrossEntropyLoss()(net(inputs), targets).backward()  # no zeroing in between
torch.testing.assert_close(net.layers[0].weight.grad, 2 * once)
print("after two backward passes, .grad holds exactly twice the gradient of one")

# %% [markdown]
# Adding up is deliberate in one case, **gradient accumulation** (梯度累积): when a batch does
# not fit in memory, you run backward on several smaller pieces (each loss divided by the number
# of pieces) and then take one step. The sum is exactly the gradient of the whole batch:

# %%
net.zero_grad()
nn.CrossEntropyLoss()(net(inputs), targets).backward()
whole = net.layers[0].weight.grad.clone()
net.zero_grad()
for piece in (slice(0, 16), slice(16, 32)):
    (nn.CrossEntropyLoss()(net(inputs[piece]), targets[piece]) / 2).backward()
torch.testing.assert_close(net.layers[0].weight.grad, whole)
print("two half-batches, accumulated: the same gradient as the whole batch")

# %% [markdown]
# The article's loop accumulates by mistake, and never resets. At step $t$ the stored gradient is
# the sum of every gradient so far, so plain SGD with learning rate $\eta$ moves by
#
# $$\theta_{t+1} = \theta_t - \eta \sum_{s=1}^{t} g_s \qquad \text{instead of} \qquad \theta_{t+1} = \theta_t - \eta\, g_t ,$$
#
# where $g_s$ is the gradient of batch $s$ at the weights of step $s$. We check that formula on
# five steps, computing each $g_s$ with `torch.autograd.grad` and summing them ourselves.

# %%
torch.manual_seed(0)
forgetful = nn.Linear(30, 2)
weight, bias = (p.detach().clone().requires_grad_() for p in (forgetful.weight, forgetful.bias))
sgd = torch.optim.SGD(forgetful.parameters(), lr=0.1)
running = [torch.zeros_like(weight), torch.zeros_like(bias)]
for step in range(5):
    xb, yb = z_train[32 * step : 32 * (step + 1)], labels[train_idx][32 * step : 32 * (step + 1)]
    nn.functional.cross_entropy(forgetful(xb), yb).backward()  # no zero_grad: the article's loop
    sgd.step()
    g = torch.autograd.grad(nn.functional.cross_entropy(xb @ weight.T + bias, yb), (weight, bias))
    running = [r + gi for r, gi in zip(running, g, strict=True)]
    with torch.no_grad():
        weight -= 0.1 * running[0]
        bias -= 0.1 * running[1]
torch.testing.assert_close(forgetful.weight, weight)
torch.testing.assert_close(forgetful.bias, bias)
print("5 steps without zero_grad = theta - lr * (sum of all gradients so far), checked")

# %% [markdown]
# The summed gradient behaves like momentum with no friction (lesson 2.5): it keeps pushing in
# old directions long after they stopped being downhill. What does that do to a real run? We
# train the same network with the same learning rates, with and without `zero_grad`, on two
# data sets: the standardized breast cancer data, and the handwritten digits (1,347 training
# images of 64 pixels scaled to [0, 1], 450 held out; a 64-32-10 network). We record the
# training loss of every epoch and the validation loss and accuracy at the end.
# (`lib.lessons.lesson_1_6_loop.loss_curve`, which the widget below uses, is this loop; the `assert`s
# check that it gives the same losses.)

# %%
digits_train, digits_test = load_digits_split()
datasets = {
    "breast cancer": (z_train, labels[train_idx], z_val, labels[val_idx]),
    "digits": (digits_train.flat, digits_train.labels, digits_test.flat, digits_test.labels),
}


def run(name: str, learning_rate: float, zero_grad: bool, epochs: int = 30) -> tuple[list[float], dict[str, float]]:
    x_tr, y_tr, x_va, y_va = datasets[name]
    torch.manual_seed(0)
    net = MLP((x_tr.shape[1], 32, int(y_tr.max()) + 1))
    sgd = torch.optim.SGD(net.parameters(), lr=learning_rate)
    batches = make_batches(x_tr, y_tr, batch_size=32, seed=0)
    losses = []
    for _epoch in range(epochs):
        epoch_losses = []
        for inputs, targets in batches:
            loss = nn.functional.cross_entropy(net(inputs), targets)
            if zero_grad:
                sgd.zero_grad()
            loss.backward()
            sgd.step()
            epoch_losses.append(loss.item())
        losses.append(sum(epoch_losses) / len(epoch_losses))
    return losses, evaluate(net, [(x_va, y_va)], nn.CrossEntropyLoss())


results = {(name, lr, zg): run(name, lr, zg) for name in datasets for lr in (0.01, 0.1) for zg in (True, False)}
for name, zg in ((n, z) for n in datasets for z in (True, False)):
    x_tr, y_tr = datasets[name][:2]
    assert loss_curve(x_tr, y_tr, 0.1, epochs=30, zero_grad=zg) == results[(name, 0.1, zg)][0]

print(f"{'data':<14} {'lr':>5}  {'zero_grad':>9}  {'last train loss':>15}  {'val loss':>10}  {'val accuracy':>12}")
for (name, lr, zg), (losses, val) in results.items():
    print(f"{name:<14} {lr:>5}  {str(zg):>9}  {losses[-1]:>15.3g}  {val['loss']:>10.3g}  {val['metric']:>12.1%}")

fig, axes = figure(ncols=2, height=3.4)
for ax, name in zip(axes, datasets, strict=True):
    for zg, colour in ((True, PALETTE[0]), (False, PALETTE[3])):
        losses = results[(name, 0.1, zg)][0]
        ax.plot(range(1, len(losses) + 1), losses, color=colour,
                label="with zero_grad" if zg else "without zero_grad (the article)")
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_title(f"{name}, learning rate 0.1")
axes[0].set_ylabel("training loss (log scale)")
axes[0].legend()

cancer_with, cancer_without = results[("breast cancer", 0.1, True)], results[("breast cancer", 0.1, False)]
digits_with, digits_without = results[("digits", 0.1, True)], results[("digits", 0.1, False)]
assert max(cancer_without[0]) > 10 * max(cancer_with[0]) and cancer_without[1]["loss"] > 10 * cancer_with[1]["loss"]
assert digits_with[1]["metric"] > 0.85 and digits_without[1]["metric"] < 0.3
assert results[("digits", 0.01, False)][1]["metric"] < results[("digits", 0.01, True)][1]["metric"]

# %% [markdown]
# At learning rate 0.1, which suits the correct loop on both data sets, the loop without
# `zero_grad` fails. On the digits it ends no better than guessing. On the breast cancer data its
# loss jumps by orders of magnitude, yet its validation accuracy stays high: that data set is
# easy, and accuracy only asks which score is largest. That is one reason to watch the loss too.
# At 0.01 the damage is smaller but still there. Either way the loop does not do what its
# author meant.
#
# ## Judge a model on data it has not seen
#
# The article's evaluation has problems too. Its pseudo-code evaluates on `test_data` after
# every epoch; data consulted during training to decide anything (when to stop, which learning
# rate) is validation data, and a separate test set is needed for the final, honest number. Its
# runnable version of this loop (section 5.2) computes accuracy on the *training* loader, and
# divides by the number of batches rather than the number of samples; its section 5.3.5 then
# calls this a measure of generalization. Here is what that formula prints for our trained model:

# %%
model.cpu()
with torch.no_grad():
    correct = sum((model(x).argmax(dim=1) == y).sum().item() for x, y in train_batches)
n_batches, n_samples = len(train_batches), len(train_idx)
print(f"article's formula: 100 * {correct} / {n_batches} batches = {100 * correct / n_batches:.0f}%")
print(f"accuracy on the training samples: {correct / n_samples:.1%}; on the test set: {test_scores['metric']:.1%}")
assert 100 * correct / n_batches > 100

# %% [markdown]
# Dividing by the samples fixes the arithmetic, but accuracy on the training data still says
# little about new data, because a network can **memorize** (记忆) its training set: it
# **overfits** (过拟合). The sharpest demonstration (Zhang et al., 2017) trains on labels drawn
# at random. There is nothing to learn, yet a big enough network reaches 100% training accuracy,
# while on held-out images it can do no better than chance, 10% for ten digits.
#
# We train a network of 64 -> 512 -> 10 on 300 digit images, once with their real labels and once
# with random ones, and measure accuracy on the training images and on the 450 held-out images
# after every epoch.

# %%
x_small, y_small = digits_train.flat[:300], digits_train.labels[:300]
y_random = torch.randint(0, 10, (300,), generator=torch.Generator().manual_seed(0))
held_out = [(digits_test.flat, digits_test.labels)]
curves = {}
for name, y in (("real labels", y_small), ("random labels", y_random)):
    torch.manual_seed(0)
    net = MLP((64, 512, 10))
    adam = torch.optim.Adam(net.parameters(), lr=3e-3)
    batches = make_batches(x_small, y, batch_size=64, seed=0)
    train_acc, held_out_acc = [], []
    for _epoch in range(100):
        fit(net, batches, nn.CrossEntropyLoss(), adam, epochs=1, device=device, progress=False)
        train_acc.append(evaluate(net, [(x_small, y)], nn.CrossEntropyLoss(), device)["metric"])
        held_out_acc.append(evaluate(net, held_out, nn.CrossEntropyLoss(), device)["metric"])
    curves[name] = (train_acc, held_out_acc)
    print(f"{name:<14} training accuracy {train_acc[-1]:.1%}, held-out accuracy {held_out_acc[-1]:.1%}")

fig, axes = figure(ncols=2, height=3.4)
for ax, (name, (train_acc, held_out_acc)) in zip(axes, curves.items(), strict=True):
    ax.plot(range(1, 101), train_acc, label="training images")
    ax.plot(range(1, 101), held_out_acc, label="held-out images")
    ax.axhline(0.1, color="grey", linestyle=":", linewidth=1)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("epoch")
    ax.set_title(name)
axes[0].set_ylabel("accuracy")
axes[0].legend(loc="lower right")

real_train, real_held_out = curves["real labels"][0][-1], curves["real labels"][1][-1]
random_train, random_held_out = curves["random labels"][0][-1], curves["random labels"][1][-1]
assert real_train > 0.99 and real_held_out > 0.85
assert random_train > 0.95 and random_held_out < 0.2

# %% [markdown]
# Both networks end near 100% on their training images; only the held-out images tell them apart.
# That is why the loop evaluates on a **validation set** after every epoch (to choose the learning
# rate, the number of epochs, when to stop) and touches the **test set** once, at the end: data
# used to make choices is no longer unseen. Stopping when the validation loss stops improving is
# called **early stopping** (早停).
#
# ## Try it: learning rate and `zero_grad`
#
# The widget calls `lib.lessons.lesson_1_6_loop.loss_curve`, the loop measured above (mini-batches of 32,
# SGD, one hidden layer of 32), on either data set, and prints the training loss every five
# epochs with `lib.lessons.lesson_1_6_loop.describe_curve`: a bar on a log scale, so that a loss ten times
# smaller is a fixed number of blocks shorter. Try learning rates from 0.001 to 1, with and
# without `zero_grad`.

# %%
def show_curve(data: str = "breast cancer", learning_rate: float = 0.1, zero_grad: bool = True,
               epochs: int = 30) -> None:
    x_tr, y_tr = datasets[data][:2]
    losses = loss_curve(x_tr, y_tr, learning_rate, epochs=epochs, zero_grad=zero_grad)
    print(f"{data}, learning rate {learning_rate}, {'with' if zero_grad else 'WITHOUT'} zero_grad")
    print(describe_curve(losses, every=5))
    if len(losses) < epochs:
        print(f"stopped after epoch {len(losses)}: the loss stopped being a finite number")


show_curve("digits", learning_rate=0.1, zero_grad=False)
interactive_view(show_curve, data=list(datasets), learning_rate=[0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0],
                 zero_grad=True, epochs=(5, 60, 5))

# %% [markdown]
# ## Summary
#
# - One training step is: forward pass (前向传播), loss (损失函数), zero the gradients (梯度清零),
#   backward pass (反向传播), update (更新参数). Steps repeat over mini-batches and epochs, with an
#   evaluation (评估模型) on validation data after each epoch and a decision to go on or stop.
#   The source article's chart had no loop back and drew the model as a step; its pseudo-code
#   never zeroed the gradients.
# - Every box maps to one line of the course's engine (`lib.train.loop.train` and its step), and a
#   hand-written loop gives the same weights as `lib.train.engine.fit`.
# - Preprocessing (预处理) uses statistics of the training split only, then applies them unchanged
#   to validation and test data.
# - Without `zero_grad` each step uses the sum of all past gradients; at the same learning rate
#   that made training unstable or the model badly over-confident (measured above).
# - Accuracy on training data does not measure generalization: a network reached near 100% on
#   random labels. Validate on held-out data; test once, at the end.
#
# ## Exercises
#
# **1.** A weight vector $w = (1, -2)$, an input $x = (3, 0.5)$ and the loss $\mathcal{L} = (w \cdot x)^2$,
# whose gradient is $2 (w \cdot x)\, x$. Run `backward()` three times without zeroing. What does
# `w.grad` hold? Compute it with PyTorch.

# %%
# BEGIN SOLUTION
w = torch.tensor([1.0, -2.0], requires_grad=True)
x = torch.tensor([3.0, 0.5])
for _ in range(3):
    (w @ x).pow(2).backward()
answer_1 = w.grad
# END SOLUTION
check("1.6.accumulated-grad", answer_1)

# %% [markdown]
# **2. Predict, then run.** A single parameter $\theta$ starts at 0, with the loss
# $\mathcal{L}(\theta) = 3\theta$, whose gradient is 3 everywhere. The article's loop runs four steps
# of SGD with $\eta = 0.1$ and never calls `zero_grad()`. How far does $\theta$ move in total,
# $\theta_0 - \theta_4$? Work it out on paper and write it in `prediction_2` *before* running the
# cell, which runs PyTorch's own SGD and checks your prediction. (With `zero_grad()` it would be
# $4 \times 0.1 \times 3 = 1.2$.)

# %%
# BEGIN SOLUTION
prediction_2 = 0.1 * 3 * (1 + 2 + 3 + 4)
# END SOLUTION
theta = nn.Parameter(torch.tensor(0.0))
forgetful_sgd = torch.optim.SGD([theta], lr=0.1)
for _ in range(4):
    (3 * theta).backward()  # the article's loop: no zero_grad
    forgetful_sgd.step()
print(f"theta moved by {-theta.item():.4f}")

# the same four steps on the course's engine, with its zero_grad switched off, move theta as far
engine_theta = nn.Linear(1, 1, bias=False)
nn.init.zeros_(engine_theta.weight)
one = torch.ones(1, 1)
train(engine_theta, [(one, one)] * 4, SupervisedStep(lambda out, _target: 3 * out.sum(), zero_grad=False),
      optimizer=torch.optim.SGD(engine_theta.parameters(), lr=0.1), steps=4, progress=False)
torch.testing.assert_close(engine_theta.weight.detach().squeeze(), theta.detach())
check("1.6.forgotten-zero-grad", prediction_2)

# %% [markdown]
# **3.** The training set has two samples, $(1, 10)$ and $(3, 30)$. Standardize the validation
# samples $(4, 0)$ and $(2, 20)$ correctly.

# %%
train_2 = torch.tensor([[1.0, 10.0], [3.0, 30.0]])
val_2 = torch.tensor([[4.0, 0.0], [2.0, 20.0]])
# BEGIN SOLUTION
mean_2 = train_2.mean(dim=0)
std_2 = train_2.std(dim=0, correction=0)
answer_2 = (val_2 - mean_2) / std_2
# END SOLUTION
check("1.6.standardized", answer_2)

# %% [markdown]
# A check that accepted anything would teach nothing. Standardizing the validation samples with
# their own statistics is the classic leak, and the check rejects it:

# %%
own_statistics = (val_2 - val_2.mean(dim=0)) / val_2.std(dim=0, correction=0)
print(expect_wrong(check, "1.6.standardized", own_statistics))

# %% [markdown]
# **4.** A model classifies 455 of 512 samples correctly, in 8 batches of 64. The article's formula
# prints `100 * correct / total` with `total` the number of batches. What accuracy, in percent,
# should it print? (The check computes it independently, with scikit-learn's `accuracy_score` on 512
# labels and predictions.)

# %%
# BEGIN SOLUTION
answer_3 = 100 * 455 / 512
# END SOLUTION
check("1.6.accuracy-percent", answer_3)

# %% [markdown]
# ## References
#
# - Zhang, Bengio, Hardt, Recht, Vinyals, *Understanding deep learning requires rethinking generalization*, ICLR 2017, arXiv:1611.03530 (networks memorize random labels).
# - Goodfellow, Bengio, Courville, *Deep Learning*, MIT Press, 2016, chapters 5 (validation sets) and 8 (optimization), https://www.deeplearningbook.org
# - Prechelt, *Early Stopping — But When?*, in *Neural Networks: Tricks of the Trade*, Springer, 1998.
# - PyTorch documentation, `torch.optim.Optimizer.zero_grad`: https://pytorch.org/docs/stable/generated/torch.optim.Optimizer.zero_grad.html
# - PyTorch tutorial, *Optimizing Model Parameters*: https://pytorch.org/tutorials/beginner/basics/optimization_tutorial.html
# - Mermaid flowchart syntax: https://mermaid.js.org/syntax/flowchart.html
# - The data: Wolberg, Street, Mangasarian, *Breast Cancer Wisconsin (Diagnostic)*, UCI Machine Learning Repository, 1995; bundled with scikit-learn as `load_breast_cancer`.
