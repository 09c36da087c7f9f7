# %% [markdown]
# # 1.3 Architectures: MLP, CNN, RNN and the Transformer (网络架构)
#
# **Time:** about 1 min on a laptop CPU · **Prerequisites:** lessons 1.1 (a GPT's parameter count, Adam in one paragraph) and 1.2 (layers, forward pass, `nn.Module`); matrix multiplication. Chapter 02 is not needed: cross-entropy, gradient clipping, AdamW and hooks are explained where they are used · **You will learn:** what the MLP, the CNN, the RNN and the Transformer each assume about their data, how to count their parameters, and how attention differs from convolution and recurrence.
#
# In this lesson you will:
#
# - meet the idea of an **inductive bias** (归纳偏置): what an architecture assumes about its data
#   before it sees any;
# - train an MLP and a CNN on the same handwritten digits and compare their accuracy and size;
# - write a convolution, a recurrent step and attention from scratch, check each against
#   PyTorch, and look at what each does to real digits and real text;
# - train a character-level RNN and a small GPT on the Python documentation and see how far
#   back each one looks;
# - count the parameters of all four, in code and by formula.

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
from lib.data.blocks import RandomBlocks, next_token_blocks
from lib.data.char_tokenizer import CharTokenizer
from lib.data.digits import load_digits_split
from lib.data.pydoc_corpus import load_python_docs
from lib.models.attention_maps import gpt_attention_maps
from lib.models.cnn import (
    DigitCNN,
    conv2d,
    conv2d_parameter_count,
    digit_cnn_parameter_count,
    edge_kernels,
    shift_images,
)
from lib.models.gpt import GPT, GPTConfig, LogitsOnly
from lib.models.mlp import MLP, mlp_parameter_count
from lib.models.rnn import CharRNN, RNNCell, char_rnn_parameter_count, rnn_parameter_count, run_rnn
from lib.models.sampling import generate, sampling_generator
from lib.scale.parameters import gpt_parameter_count, parameter_count
from lib.scratch import attention
from lib.train.engine import accuracy, fit, make_adamw, make_batches
from lib.viz.plots import PALETTE, figure
from lib.viz.widgets import interactive_view

device, generator = lesson_setup(seed=0)  # seed, device, one CPU thread for tiny models, the course's plot style
large = device.type == "cuda"  # on a GPU, train the language models longer and wider

# %% [markdown]
# ## What an architecture assumes: inductive bias
#
# Section 2.4.3 of the source article says that large models "usually use a deep neural network
# (DNN), a convolutional neural network (CNN) or a recurrent neural network (RNN)". That list
# describes deep learning before 2017. It misses the architecture that almost every large
# language model of today is built from, the **Transformer** (Transformer 模型, Vaswani et al., 2017), whose core is
# **attention** (注意力机制). This lesson covers all four.
#
# Every architecture is a bet about the data. A layer that connects everything to everything
# can learn anything but must learn it all from examples; a layer built on an assumption about
# its data needs fewer weights and fewer examples, if the assumption is right. That assumption
# is the architecture's **inductive bias** (归纳偏置):
#
# | architecture | assumes about its data | the same weights are reused across | parameters of one layer |
# | --- | --- | --- | --- |
# | MLP / DNN (多层感知机 / 深度神经网络) | nothing: any input may matter together with any other | nothing | $(n_\text{in} + 1)\,n_\text{out}$ |
# | CNN (卷积神经网络) | patterns are local, and the same pattern can appear anywhere (translation) | positions in the image | $(k^2 c_\text{in} + 1)\,c_\text{out}$ |
# | RNN (循环神经网络) | data comes in order, the same rule applies at every step, the past fits in a fixed-size state | time steps | $g\,(h\,(n_\text{in} + h) + 2h)$, $g$ = 1, 3, 4 for RNN, GRU, LSTM |
# | Transformer | any position may relate to any other; which ones matter is decided by content (attention) | positions | $12d^2 + 13d$ per block |
#
# Each formula is checked against PyTorch below, and each architecture is trained on data that
# suits it: digits for the MLP and the CNN, text for the RNN and the Transformer.
#
# ## 1. The MLP: no assumption at all
#
# A multilayer perceptron (MLP, 多层感知机) — what the article calls a DNN — is the network of
# lesson 1.2: linear layers with a nonlinearity between them. An image enters as a flat list
# of pixels; the MLP is not told which pixels are neighbours. Our data: scikit-learn's 1,797
# handwritten digits, 8x8 pixels each, split 75/25 into training and test sets.

# %%
train, test = load_digits_split()
print(f"{len(train)} training and {len(test)} test images of shape {tuple(train.images.shape[1:])}")

fig, axes = figure(ncols=10, width=8, height=1.2)
for digit, ax in enumerate(axes):
    ax.imshow(train.images[train.labels == digit][0, 0], cmap="gray_r")
    ax.set_title(str(digit))
    ax.axis("off")

# %% [markdown]
# An MLP with 64 inputs, one hidden layer of 64 and 10 outputs has
# $(64 + 1) \cdot 64 + (64 + 1) \cdot 10$ parameters. Its 10 outputs are **logits** (logit（对数几率）:
# the unnormalized scores that a softmax turns into probabilities), one per digit. Training
# minimises the **cross-entropy** (交叉熵) loss: the softmax turns the logits $z$ into probabilities
# $p_k = e^{z_k} / \sum_j e^{z_j}$, and the loss of an image whose true digit is $y$ is $-\log p_y$,
# small when the model gives the right digit a high probability (chapter 2 derives it). We check
# that formula against PyTorch's `F.cross_entropy`, then train with `lib.train.fit` for 30 epochs
# with the Adam optimizer (lesson 1.1: gradient descent with a step scaled, per parameter, by running
# averages of the gradient and of its square).

# %%
mlp_sizes = (64, 64, 10)
torch.manual_seed(0)
mlp = MLP(mlp_sizes)
assert parameter_count(mlp) == mlp_parameter_count(mlp_sizes) == (64 + 1) * 64 + (64 + 1) * 10 == 4810
ce_logits, ce_target = torch.tensor([[2.0, -1.0, 0.5]]), torch.tensor([0])  # the logits of one example, and its true class
ce_by_formula = -torch.log(torch.exp(ce_logits[0, 0]) / torch.exp(ce_logits[0]).sum())
torch.testing.assert_close(ce_by_formula, F.cross_entropy(ce_logits, ce_target))
print(f"cross-entropy of logits {ce_logits[0].tolist()} with true class 0: {ce_by_formula:.4f} (formula) = F.cross_entropy")


def train_digits(model: nn.Module, flat: bool) -> float:
    """Train on the digits for 30 epochs; return test accuracy."""
    inputs = train.flat if flat else train.images
    test_inputs = test.flat if flat else test.images
    history = fit(model, make_batches(inputs, train.labels, batch_size=64, seed=0), F.cross_entropy,
                  torch.optim.Adam(model.parameters(), lr=1e-2), epochs=30,
                  val_batches=[(test_inputs, test.labels)], device=device)
    return history.last("val_metric")


mlp_accuracy = train_digits(mlp, flat=True)
print(f"MLP: {parameter_count(mlp):,} parameters, test accuracy {mlp_accuracy:.1%}")
assert mlp_accuracy > 0.95

# %% [markdown]
# ## 2. The CNN: local patterns, anywhere in the image
#
# ### A convolution, written out
#
# A **convolution** (卷积) slides a small grid of weights, the **kernel** or filter (卷积核), over
# the image and takes a weighted sum at every position. For a $k \times k$ kernel $K$ and image
# $x$, the output ("feature map", 特征图) is
#
# $$\text{out}[i, j] = \sum_{a=0}^{k-1} \sum_{b=0}^{k-1} K[a, b]\; x[i + a,\, j + b].$$
#
# (Strictly, this unflipped sum is a cross-correlation: the convolution of mathematics flips
# the kernel first. Every deep-learning library computes it unflipped and calls it convolution.) Padding the image with a border of
# zeros keeps the output the same size as the input. Here it is with two loops:

# %%
def conv2d_loops(image: torch.Tensor, kernel: torch.Tensor, padding: int = 1) -> torch.Tensor:
    """out[i, j] = sum over a, b of kernel[a, b] * padded_image[i + a, j + b]."""
    x = F.pad(image, (padding, padding, padding, padding))  # a border of zeros
    k = kernel.shape[0]
    out = torch.zeros(x.shape[0] - k + 1, x.shape[1] - k + 1)
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = (kernel * x[i : i + k, j : j + k]).sum()
    return out


kernels = edge_kernels()
image = test.images[test.labels == 4][0, 0]
for kernel in kernels.values():
    ours = conv2d_loops(image, kernel)
    pytorch = F.conv2d(image.view(1, 1, 8, 8), kernel.view(1, 1, 3, 3), padding=1)[0, 0]
    torch.testing.assert_close(ours, pytorch)
    torch.testing.assert_close(conv2d(image.view(1, 1, 8, 8), kernel.view(1, 1, 3, 3), padding=1)[0, 0], pytorch)
print("the loops, lib.models.cnn.conv2d (unfold) and F.conv2d agree on", len(kernels), "kernels")

# %% [markdown]
# `lib.models.cnn.conv2d` does the same without loops: `Tensor.unfold` cuts every $k \times k$
# patch out of the image (a view, no copy) and one `einsum` takes all the weighted sums at once.
#
# Here is what four hand-made kernels do to a real digit. The Sobel kernels respond where the
# brightness changes from left to right (vertical edges) or from top to bottom (horizontal
# edges), with the sign giving the direction; the Laplacian responds to any change; the mean
# filter blurs. Red is positive, blue negative.

# %%
fig, axes = figure(ncols=5, nrows=2, width=9, height=4)
axes[0, 0].imshow(image, cmap="gray_r")
axes[0, 0].set_title("input: a 4")
axes[1, 0].axis("off")
for col, (name, kernel) in enumerate(kernels.items(), start=1):
    limit = kernel.abs().max().item()
    axes[0, col].imshow(kernel, cmap="RdBu_r", vmin=-limit, vmax=limit)
    for (a, b), value in zip(torch.cartesian_prod(torch.arange(3), torch.arange(3)).tolist(), kernel.flatten().tolist(),
                             strict=True):
        axes[0, col].text(b, a, f"{value:.2g}", ha="center", va="center", fontsize=8,
                          color="white" if abs(value) > 0.6 * limit else "black")
    axes[0, col].set_title(name.split(" (")[0], fontsize=9)
    feature_map = conv2d_loops(image, kernel)
    limit = feature_map.abs().max().item()
    axes[1, col].imshow(feature_map, cmap="RdBu_r", vmin=-limit, vmax=limit)
    axes[1, col].set_title(f"({name.split(' (')[1]}", fontsize=9)
for ax in axes.flat:
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)

# %% [markdown]
# A CNN does not use hand-made kernels: it *learns* its kernels by gradient descent, and stacks
# them so that later layers combine edges into strokes and strokes into digits.
#
# ### Why a convolution has so few parameters
#
# A convolutional layer from $c_\text{in}$ channels to $c_\text{out}$ channels holds $c_\text{out}$
# kernels of size $k \times k \times c_\text{in}$, plus one bias each:
# $(k^2 c_\text{in} + 1)\, c_\text{out}$ parameters, **whatever the size of the image**, because
# the same kernel is used at every position (weight sharing, 权值共享). A fully connected layer
# producing the same output would need a weight for every pair of input and output values,
# $(H W c_\text{in} + 1) \cdot H W c_\text{out}$, which grows with the square of the image's area.

# %%
for k, c_in, c_out in ((3, 1, 8), (3, 8, 16), (5, 3, 64)):
    assert conv2d_parameter_count(k, c_in, c_out) == parameter_count(nn.Conv2d(c_in, c_out, k)) == (k * k * c_in + 1) * c_out

conv = nn.Conv2d(1, 8, 3, padding=1)  # 8x8 image -> 8 maps of 8x8
dense = nn.Linear(64, 8 * 64)  # the same input and output sizes, fully connected
print(f"3x3 conv, 1 -> 8 channels: {parameter_count(conv):,} parameters; "
      f"a fully connected layer with the same shapes: {parameter_count(dense):,}")
assert parameter_count(dense) == (8 * 8 * 1 + 1) * (8 * 8 * 8) == 416 * parameter_count(conv)

# the same comparison for a 224x224 colour photograph and 64 output channels, by formula
photo_dense = (224 * 224 * 3 + 1) * (224 * 224 * 64)
print(f"224x224x3 -> 224x224x64: 3x3 conv {conv2d_parameter_count(3, 3, 64):,} parameters, "
      f"fully connected {photo_dense:.1e}")

# %% [markdown]
# ### Translation equivariance, checked
#
# Because the kernel is the same everywhere, moving the input moves the output by the same
# amount: convolution is **translation equivariant** (平移等变). We check it exactly on a digit
# placed on a larger blank canvas (so nothing falls off the edge), using the first layer of the
# CNN we are about to train.

# %%
torch.manual_seed(0)
cnn_channels = (8, 16)
cnn = DigitCNN(cnn_channels)
first_conv = cnn.features[0]
canvas = F.pad(image.view(1, 1, 8, 8), (2, 2, 2, 2))  # the digit on a 12x12 blank canvas
moved = shift_images(canvas, 1, 2)  # one row down, two columns right
with torch.no_grad():
    torch.testing.assert_close(first_conv(moved), torch.roll(first_conv(canvas), (1, 2), dims=(2, 3)))
print("conv(move(x)) == move(conv(x)): exact")

# %% [markdown]
# The whole network is only partly shift-proof: max-pooling (最大池化) keeps the largest value
# of each 2x2 block, so a one-pixel move changes which pixels share a block, and the final linear
# layer still sees positions.
#
# ### The CNN against the MLP
#
# `lib.models.cnn.DigitCNN` stacks two blocks of 3x3 convolution, ReLU and 2x2 max-pooling
# (8x8 → 4x4 → 2x2 pixels, 8 then 16 channels) and one linear layer to the 10 logits. We
# count its parameters by formula, train it exactly like the MLP, and then test both on the
# test digits moved by one pixel in each direction, something neither saw in training.

# %%
by_formula = conv2d_parameter_count(3, 1, 8) + conv2d_parameter_count(3, 8, 16) + (16 * 2 * 2 + 1) * 10
assert parameter_count(cnn) == digit_cnn_parameter_count(cnn_channels) == by_formula == 1898
cnn_accuracy = train_digits(cnn, flat=False)

shifts = {"none": (0, 0), "right": (0, 1), "left": (0, -1), "down": (1, 0), "up": (-1, 0)}
shifted_accuracy = {"MLP": {}, "CNN": {}}
with torch.no_grad():
    for direction, (dy, dx) in shifts.items():
        moved = shift_images(test.images, dy, dx).to(device)
        shifted_accuracy["MLP"][direction] = accuracy(mlp(moved.flatten(1)).cpu(), test.labels)
        shifted_accuracy["CNN"][direction] = accuracy(cnn(moved).cpu(), test.labels)
mean_moved = {name: sum(list(acc.values())[1:]) / 4 for name, acc in shifted_accuracy.items()}

print(f"{'model':<5} {'parameters':>10} {'test accuracy':>14} {'moved by 1 pixel':>17}")
for name, model in (("MLP", mlp), ("CNN", cnn)):
    print(f"{name:<5} {parameter_count(model):>10,} {shifted_accuracy[name]['none']:>14.1%} {mean_moved[name]:>17.1%}")
assert cnn_accuracy > 0.95 and cnn_accuracy > mlp_accuracy - 0.02  # as accurate, within 2 points
assert parameter_count(cnn) < parameter_count(mlp) / 2  # with less than half the parameters
assert mean_moved["CNN"] > mean_moved["MLP"] + 0.08  # and it copes better with moved digits

# %%
fig, ax = figure(width=7, height=3.2)
for i, (name, acc) in enumerate(shifted_accuracy.items()):
    ax.bar([x + 0.38 * i for x in range(len(shifts))], list(acc.values()), width=0.38, color=PALETTE[i],
           label=f"{name} ({parameter_count(mlp if name == 'MLP' else cnn):,} parameters)")
ax.set_xticks([x + 0.19 for x in range(len(shifts))], [f"moved {d}" if d != "none" else "as trained" for d in shifts])
ax.set_ylabel("test accuracy")
ax.set_ylim(0, 1)
ax.set_title("Digits moved by one pixel")
ax.legend(loc="upper right")
ax.grid(axis="x", visible=False)

# %% [markdown]
# What we measured (the table above): on digits placed as in training, the CNN is as accurate
# as the MLP, within two points, with less than half its parameters (1,898 against 4,810). Moved
# by one pixel, both lose a lot — an 8x8 digit moved by a pixel has moved by an eighth of its
# width, and neither network saw moved digits in training — but the CNN keeps clearly more of
# its accuracy, because its kernels find the same strokes at the new place. On photographs the
# saving in parameters is far larger than here, as the 224x224 example above shows.
#
# ### Try it: kernels on digits
#
# `show_convolution` draws a test digit and what a kernel makes of it, using
# `lib.models.cnn.conv2d`. Pick other digits and kernels.

# %%
def show_convolution(index: int = 0, kernel: str = "vertical edges (Sobel x)") -> None:
    digit = test.images[index : index + 1]
    feature_map = conv2d(digit, kernels[kernel].view(1, 1, 3, 3), padding=1)[0, 0]
    fig, (left, right) = figure(ncols=2, width=6, height=3)
    left.imshow(digit[0, 0], cmap="gray_r")
    left.set_title(f"test digit {index}: a {test.labels[index].item()}")
    limit = feature_map.abs().max().item() or 1.0
    right.imshow(feature_map, cmap="RdBu_r", vmin=-limit, vmax=limit)
    right.set_title(kernel)
    for ax in (left, right):
        ax.axis("off")


show_convolution(3, "horizontal edges (Sobel y)")
interactive_view(show_convolution, index=(0, len(test) - 1, 1), kernel=list(kernels))

# %% [markdown]
# ## 3. The RNN: one step at a time, with a memory
#
# Text is a sequence: the order of the characters carries the meaning. A **recurrent neural
# network** (RNN, 循环神经网络) reads it one element at a time and keeps a **hidden state**
# (隐藏状态) $h_t$, a vector that summarizes everything read so far. At every step the same
# cell updates it:
#
# $$h_t = \tanh(W_x x_t + W_h h_{t-1} + b),$$
#
# where $x_t$ is the current input (here a learned vector per character, an *embedding*,
# 嵌入) and $h_0 = 0$. The inductive bias: order matters, the same rule holds at every position
# (weights shared across time), and the past must fit in $h$.
#
# Our text is the Python documentation that ships with Python. A character tokenizer (字符级
# 分词器, `lib.data.char_tokenizer`) turns each character into an integer id: `encode` gives a
# list of ids, `encode_tensor` the same ids as a tensor for the model.

# %%
train_text, val_text = load_python_docs("train"), load_python_docs("validation")
tokenizer = CharTokenizer.from_text(train_text)
train_ids, val_ids = tokenizer.encode_tensor(train_text), tokenizer.encode_tensor(val_text)  # 1-D int64 tensors
vocab_size = tokenizer.vocab_size
print(f"{len(train_text):,} training and {len(val_text):,} validation characters; vocabulary of {vocab_size}")
sentence = "The assert statement is a convenient way to insert debugging"
ids = tokenizer.encode_tensor(sentence)
print(ids[:12].tolist(), "->", repr(tokenizer.decode(ids[:12])))
assert tokenizer.decode(ids) == sentence and tokenizer.encode(sentence) == ids.tolist()

# %% [markdown]
# Here is the recurrent step written out, run over the characters of that sentence, and checked
# against PyTorch's `nn.RNN` with the same weights. One detail: PyTorch keeps two bias vectors,
# $b_{ih}$ and $b_{hh}$, which only ever appear added together, so $b = b_{ih} + b_{hh}$.

# %%
d_embed, d_hidden = 32, 256
torch.manual_seed(0)
embedding = nn.Embedding(vocab_size, d_embed)
torch_rnn = nn.RNN(d_embed, d_hidden, batch_first=True)
W_x, W_h = torch_rnn.weight_ih_l0.detach(), torch_rnn.weight_hh_l0.detach()
b = (torch_rnn.bias_ih_l0 + torch_rnn.bias_hh_l0).detach()

with torch.no_grad():
    xs = embedding(ids)  # (time, d_embed): one vector per character
    h = torch.zeros(d_hidden)
    states = []
    for x_t in xs:  # one character at a time
        h = torch.tanh(W_x @ x_t + W_h @ h + b)
        states.append(h)
    ours = torch.stack(states)
    pytorch, _ = torch_rnn(xs.unsqueeze(0))
    lib_states, _ = run_rnn(RNNCell(d_embed, d_hidden).load_from_torch(torch_rnn), xs.unsqueeze(0))
torch.testing.assert_close(ours, pytorch[0])
torch.testing.assert_close(lib_states[0], pytorch[0])
print(f"{len(ids)} steps: our loop, lib.models.rnn.run_rnn and nn.RNN give the same hidden states")

# %% [markdown]
# ### Counting an RNN's parameters
#
# The cell holds $W_x$ ($h \times n_\text{in}$), $W_h$ ($h \times h$) and, in PyTorch, two biases:
# $h(n_\text{in} + h) + 2h$. The gated variants that ease the plain RNN's short memory, the
# **LSTM** (长短期记忆网络, Hochreiter & Schmidhuber, 1997) and the **GRU** (Cho et al., 2014),
# hold that set once per gate: 4 times for the LSTM, 3 times for the GRU. Our character model
# adds the embedding table ($V \cdot e$) and a linear output layer ($(h + 1)V$) that scores the
# next character.

# %%
for cell, gates, module in (("rnn", 1, nn.RNN), ("gru", 3, nn.GRU), ("lstm", 4, nn.LSTM)):
    n_in, h = 32, 256
    assert rnn_parameter_count(n_in, h, cell) == parameter_count(module(n_in, h)) == gates * (h * (n_in + h) + 2 * h)
    print(f"{cell.upper():<4} with 32 inputs and 256 hidden units: {parameter_count(module(n_in, h)):>7,} parameters")

if large:
    d_hidden = 512
torch.manual_seed(0)
char_rnn = CharRNN(vocab_size, d_embed, d_hidden, cell="rnn")
rnn_by_formula = vocab_size * d_embed + (d_hidden * (d_embed + d_hidden) + 2 * d_hidden) + (d_hidden + 1) * vocab_size
assert parameter_count(char_rnn) == char_rnn_parameter_count(vocab_size, d_embed, d_hidden) == rnn_by_formula
print(f"character-level RNN: {parameter_count(char_rnn):,} parameters")

# %% [markdown]
# ### Training it as a language model
#
# A **language model** (语言模型) predicts the next token. We cut the text into blocks of 64
# characters; the target of each position is the character that follows it
# (`next_token_blocks`, and `RandomBlocks` for training batches at random places). The loss is
# the cross-entropy of the next character, in nats. Two baselines: guessing uniformly among the
# $V$ characters costs $\log V$; knowing only how often each character occurs (a unigram model)
# costs the cross-entropy of those frequencies on the validation text.
#
# One more ingredient, used by every language model here: **gradient clipping** (梯度裁剪,
# `grad_clip=1.0`). An RNN's gradients can occasionally explode: one unlucky batch produces a
# gradient so large that a single step undoes much of the training. Before each update, if the
# norm of all gradients together (the square root of the sum of every squared entry) exceeds 1,
# every gradient is scaled down by the same factor so that the norm becomes 1; the direction is
# kept, only the step is capped. Lesson 3.4 plots the norms of real training steps.

# %%
context = 128 if large else 64
batch_size, steps_per_epoch, epochs = (64, 50, 20) if large else (32, 20, 12)
val_inputs, val_targets = next_token_blocks(val_ids, context)
val_batches = [(val_inputs[i : i + 64], val_targets[i : i + 64]) for i in range(0, min(len(val_inputs), 256), 64)]
assert torch.equal(val_targets[0, :-1], val_inputs[0, 1:])  # the target is the next character


def next_char_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Cross-entropy of the next character, averaged over every position of every block."""
    return F.cross_entropy(logits.flatten(0, 1), targets.flatten())


# gradient clipping, by hand and by PyTorch, on two "parameters" whose gradients have norm 5
grad_a, grad_b = torch.zeros(3, requires_grad=True), torch.zeros(1, requires_grad=True)
grad_a.grad, grad_b.grad = torch.tensor([3.0, 0.0, 0.0]), torch.tensor([4.0])
norm = torch.nn.utils.clip_grad_norm_([grad_a, grad_b], max_norm=1.0)  # returns the norm before clipping
assert norm.item() == 5.0
torch.testing.assert_close(torch.cat([grad_a.grad, grad_b.grad]), torch.tensor([3.0, 0.0, 0.0, 4.0]) / 5)  # scaled by 1 / 5
print(f"gradient norm {norm.item():.0f} -> {torch.cat([grad_a.grad, grad_b.grad]).norm():.0f} after clip_grad_norm_(max_norm=1)")

frequencies = torch.bincount(train_ids, minlength=vocab_size).double() / len(train_ids)
uniform_loss = math.log(vocab_size)
unigram_loss = -frequencies[torch.cat([y.flatten() for _, y in val_batches])].log().mean().item()
print(f"baselines on validation text: uniform {uniform_loss:.2f} nats, unigram {unigram_loss:.2f} nats")

rnn_history = fit(char_rnn, RandomBlocks(train_ids, context, batch_size, steps_per_epoch, seed=0), next_char_loss,
                  torch.optim.Adam(char_rnn.parameters(), lr=3e-3), epochs, val_batches=val_batches,
                  device=device, metric=None, grad_clip=1.0)
print(f"RNN after {epochs * steps_per_epoch} steps: validation loss {rnn_history.last('val_loss'):.2f} nats")
assert rnn_history.last("val_loss") < unigram_loss - 0.5

# %% [markdown]
# ### Looking inside: the hidden state over time
#
# We copy the trained weights into our written-out cell, feed it the sentence one character at
# a time, check that it reproduces the trained model exactly, and draw the hidden state after
# every character: each row of the heatmap is one hidden unit (the 40 that vary most along this
# sentence), each column one step.
#
# Most units mix many things at once, but some can be read. The model cannot see how far into
# a word it is: it has to remember. So we look, over the first 3,000 validation characters, for
# the unit whose value follows "letters since the start of the word" most closely (largest
# absolute correlation), sort the heatmap's rows by that correlation, and plot that unit below.

# %%
char_rnn.eval().cpu()
cell = RNNCell(d_embed, d_hidden).load_from_torch(char_rnn.rnn)
with torch.no_grad():
    inputs = char_rnn.embedding(ids.unsqueeze(0))
    hidden, _ = run_rnn(cell, inputs)
    torch.testing.assert_close(hidden, char_rnn.rnn(inputs)[0])
hidden = hidden[0].T  # (units, time)


def letters_into_word(text: str) -> torch.Tensor:
    """For each character: how many letters the current word has so far (0 outside words)."""
    counts, n = [], 0
    for char in text:
        n = n + 1 if char.isalpha() else 0
        counts.append(n)
    return torch.tensor(counts, dtype=torch.float32)


probe_text = val_text[:3000]
with torch.no_grad():
    probe_states = char_rnn.rnn(char_rnn.embedding(tokenizer.encode_tensor(probe_text).unsqueeze(0)))[0][0]
target = letters_into_word(probe_text)
correlation = torch.stack([torch.corrcoef(torch.stack([probe_states[:, u], target]))[0, 1] for u in range(d_hidden)])
counter = correlation.abs().argmax().item()
print(f"unit {counter}: correlation {correlation[counter]:+.2f} with the number of letters into the word")
assert correlation[counter].abs() > 0.4

units = hidden.std(dim=1).argsort(descending=True)[:40]
units = units[correlation[units].argsort()]
fig, (top, bottom) = figure(nrows=2, width=10, height=6)
top.imshow(hidden[units], cmap="RdBu_r", vmin=-1, vmax=1, aspect="auto")
top.set_ylabel("hidden unit")
top.set_yticks([])
top.set_title("Hidden state h_t of the trained RNN, one column per character (red +1, blue -1)")
bottom.plot(hidden[counter], marker="o", markersize=3, color=PALETTE[0], label=f"unit {counter}")
bottom.plot(letters_into_word(sentence) / 10, color=PALETTE[1], label="letters into the word / 10")
bottom.legend(loc="lower right", fontsize=8)
for ax in (top, bottom):
    ax.set_xticks(range(len(sentence)), list(sentence), fontsize=8, family="monospace")
    ax.set_xlim(-0.5, len(sentence) - 0.5)
top.grid(False)

# %% [markdown]
# The hidden state is dense: at every step most units change, and many sit near $\pm 1$ where
# $\tanh$ flattens. The unit plotted below the heatmap tracks where the model is within a word
# (its correlation with the letter count is printed above): it is a piece of memory, since no
# single input character tells how long the current word already is. Every column is a function
# of everything to its left, squeezed through one 256-number vector per step.
#
# ## 4. The Transformer: attention to any position
#
# ### Scaled dot-product attention, written out
#
# The Transformer replaces the recurrence with **self-attention** (自注意力). Every position
# emits a query $q$, a key $k$ and a value $v$ (three linear maps of its vector). Position $i$
# scores every position $j$ by $q_i \cdot k_j$, turns the scores into weights with a softmax,
# and returns the weighted mean of the values:
#
# $$\text{Attention}(Q, K, V) = \operatorname{softmax}\!\left(\frac{QK^\top}{\sqrt{d_k}}\right) V ,$$
#
# where $d_k$ is the length of each query and key: the per-head dimension, $d_k = d / h$ for a
# model of width $d$ with $h$ heads. Dividing by $\sqrt{d_k}$ keeps the scores' spread
# independent of $d_k$, so the softmax does not saturate: for random queries and keys with
# unit-variance entries, $q \cdot k$ has standard deviation $\sqrt{d_k}$, and
# $q \cdot k / \sqrt{d_k}$ has 1 (checked below). A language model must not peek at the future, so a **causal mask**
# (因果掩码) sets the scores of later positions to $-\infty$ (weight 0) before the softmax.

# %%
def attention_from_scratch(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, causal: bool) -> torch.Tensor:
    """softmax(Q K^T / sqrt(d_k)) V, with the future masked out when causal; d_k is the last dimension of q."""
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if causal:
        time = q.shape[-2]
        future = torch.ones(time, time, dtype=torch.bool).triu(diagonal=1)  # key j > query i
        scores = scores.masked_fill(future, float("-inf"))
    return scores.softmax(dim=-1) @ v


q, k, v = torch.randn(3, 2, 4, 10, 16, generator=generator, dtype=torch.float64)  # (batch, heads, time, d_k)
for causal in (False, True):
    expected = F.scaled_dot_product_attention(q, k, v, is_causal=causal)
    torch.testing.assert_close(attention_from_scratch(q, k, v, causal), expected)
    torch.testing.assert_close(attention.scaled_dot_product_attention(q, k, v, causal=causal)[0], expected)
print("our attention, lib.scratch.attention and F.scaled_dot_product_attention agree, with and without the mask")

for d_k in (16, 1024):
    queries, keys = torch.randn(2, 10_000, d_k, generator=generator)
    dots = (queries * keys).sum(dim=-1)
    assert abs(dots.std().item() / math.sqrt(d_k) - 1) < 0.05 and abs((dots / math.sqrt(d_k)).std().item() - 1) < 0.05
    print(f"d_k = {d_k:>4}: std of q.k = {dots.std():6.2f}, std of q.k / sqrt(d_k) = {(dots / math.sqrt(d_k)).std():.2f}")

# %% [markdown]
# Attention's inductive bias is almost none: every position can draw on every other, and the
# weights depend on content, not distance. It does not even know the order. Shuffle the
# positions (without the mask) and the outputs are shuffled the same way, nothing else changes:

# %%
order = torch.randperm(10, generator=generator)
shuffled = attention_from_scratch(q[..., order, :], k[..., order, :], v[..., order, :], causal=False)
torch.testing.assert_close(shuffled, attention_from_scratch(q, k, v, causal=False)[..., order, :])
print("attention(shuffled input) == shuffled attention(input): it treats positions as a set")

# %% [markdown]
# So a Transformer must be *told* the order: a GPT adds a learned **position embedding**
# (位置嵌入) to each token's vector, and its causal mask makes position $i$ see only
# $0, \dots, i$. A GPT block is then attention followed by a small MLP, each with a residual
# connection and a LayerNorm, repeated $L$ times (lesson 1.1 counted its parameters:
# $12Ld^2 + 13Ld + (V + T)d + 2d$).
#
# ### A small GPT on the same text
#
# We train `lib.models.gpt.GPT`, 2 blocks of width 64 with 4 attention heads (on a GPU: 4
# blocks of width 128), on the same batches as the RNN, for the same number of steps. Like nanoGPT,
# `gpt(idx, targets)` returns the logits and the mean next-token loss; `fit` is written for models
# that return logits, so `LogitsOnly(gpt)` hands it the logits (the same weights are trained).
# The optimizer is `make_adamw`'s AdamW, the variant of Adam that applies weight decay separately
# from the gradient step (Loshchilov & Hutter, 2019); with `weight_decay=0.0`, as here, it takes the
# same steps as Adam.

# %%
gpt_config = (GPTConfig(vocab_size=vocab_size, context_length=context, n_layer=4, n_head=4, d_model=128) if large
              else GPTConfig(vocab_size=vocab_size, context_length=context, n_layer=2, n_head=4, d_model=64))
torch.manual_seed(0)
gpt = GPT(gpt_config)
L, d, T = gpt_config.n_layer, gpt_config.d_model, gpt_config.context_length
assert parameter_count(gpt) == gpt_parameter_count(L, d, vocab_size, T) == 12 * L * d**2 + 13 * L * d + (vocab_size + T) * d + 2 * d
print(f"GPT with {L} blocks, d = {d}: {parameter_count(gpt):,} parameters (RNN: {parameter_count(char_rnn):,})")

gpt_history = fit(LogitsOnly(gpt), RandomBlocks(train_ids, context, batch_size, steps_per_epoch, seed=0), next_char_loss,
                  make_adamw(gpt, lr=3e-3, weight_decay=0.0, betas=(0.9, 0.99), device=device), epochs, val_batches=val_batches,
                  device=device, metric=None, grad_clip=1.0)
print(f"GPT after {epochs * steps_per_epoch} steps: validation loss {gpt_history.last('val_loss'):.2f} nats")
assert gpt_history.last("val_loss") < uniform_loss - 1.5
assert gpt_history.last("val_loss") < unigram_loss - 0.5
if not large:  # the comparison the text below describes, for the CPU configuration
    assert rnn_history.last("val_loss") < gpt_history.last("val_loss")
with torch.no_grad():  # the loss the GPT computes itself is the loss fit used
    x, y = (t.to(device) for t in val_batches[0])
    logits, gpt_loss = gpt.eval()(x, y)
    torch.testing.assert_close(gpt_loss, next_char_loss(logits.float(), y))

# %%
fig, ax = figure(width=7, height=3.8)
steps_axis = [steps_per_epoch * (i + 1) for i in range(epochs)]
ax.plot(steps_axis, rnn_history["val_loss"], marker="o", label="RNN", color=PALETTE[0])
ax.plot(steps_axis, gpt_history["val_loss"], marker="o", label="GPT (Transformer)", color=PALETTE[1])
ax.axhline(uniform_loss, color="0.4", linestyle="--", label=f"uniform guess, log V = {uniform_loss:.2f}")
ax.axhline(unigram_loss, color="0.4", linestyle=":", label=f"character frequencies only = {unigram_loss:.2f}")
ax.set_xlabel("training step")
ax.set_ylabel("validation loss (nats per character)")
ax.set_ylim(0, uniform_loss + 0.3)
ax.set_title("Next-character prediction on held-out Python documentation")
legend = ax.legend(loc="lower left", fontsize=9)

# %% [markdown]
# Both models fall far below both baselines: they predict the next character much better than
# its frequency alone would allow. In this short CPU run, with these settings, the RNN ends lower than the GPT
# (see the plot; the numbers are printed above). That is no verdict on the architectures. What
# made the Transformer win is what a run this small cannot show: it processes all positions
# of a block in parallel instead of one step after another, which is what lets GPUs train it on
# trillions of tokens, and with scale it keeps improving where recurrent models stall (Kaplan
# et al., 2020, compare Transformers with LSTMs of the same number of parameters).
#
# ### What the model attends to
#
# `lib.models.attention_maps.gpt_attention_maps` recomputes every attention weight of the trained GPT,
# since PyTorch's fused kernel never returns them. First we check, for the first block, that our
# from-scratch attention applied to the model's own queries, keys and values gives exactly what
# the block's attention layer computes.

# %%
gpt.eval().cpu()  # the analysis below runs on the CPU, like the RNN's above
snippet = tokenizer.encode_tensor("The assert statement is a convenient way to").unsqueeze(0)
with torch.no_grad():
    block = gpt.blocks[0]
    x = block.ln1(gpt.token_embedding(snippet) + gpt.position_embedding(torch.arange(snippet.shape[1])))
    q, k, v = (t.view(1, -1, gpt_config.n_head, d // gpt_config.n_head).transpose(1, 2) for t in block.attn.qkv(x).split(d, dim=2))
    heads = attention_from_scratch(q, k, v, causal=True).transpose(1, 2).reshape(1, -1, d)
    torch.testing.assert_close(block.attn.proj(heads), block.attn(x))
maps = gpt_attention_maps(gpt, snippet)  # (layer, batch, head, query, key)
assert maps.shape == (L, 1, gpt_config.n_head, snippet.shape[1], snippet.shape[1])
torch.testing.assert_close(maps.sum(dim=-1), torch.ones(maps.shape[:-1]))  # each row is a distribution

# %%
# Where does each head of the last block put its weight, over 64 validation blocks?
probe_inputs, probe_targets = val_inputs[:64, :64], val_targets[:64, :64]
probe_maps = gpt_attention_maps(gpt, probe_inputs)[L - 1]  # (block, head, query, key)
is_space = (probe_inputs == tokenizer.encode(" ")[0]).float()  # (block, key)
on_spaces = (probe_maps * is_space[:, None, None, :]).sum(-1).mean(dim=(0, 2))  # per head
# what attention spread evenly over the i + 1 keys that query i may see would put on spaces
even = attention.causal_mask(64).float() / torch.arange(1, 65).float()[:, None]  # (query, key)
even_spaces = (even * is_space[:, None, :]).sum(-1).mean().item()
print("share of attention weight on spaces, last block:")
for head in range(gpt_config.n_head):
    print(f"  head {head}: {on_spaces[head]:.0%}")
print(f"  spread evenly: {even_spaces:.0%}")
space_head, other_head = on_spaces.argmax().item(), on_spaces.argmin().item()
assert on_spaces[space_head] > 2 * even_spaces and on_spaces[other_head] < even_spaces

# %%
chars = list(tokenizer.decode(snippet[0]))
fig, axes = figure(ncols=2, width=11, height=5.4)
for ax, head, what in zip(axes, (space_head, other_head), ("most weight on spaces", "least weight on spaces"),
                          strict=True):
    ax.imshow(maps[L - 1, 0, head], cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(chars)), chars, fontsize=7, family="monospace")
    ax.set_yticks(range(len(chars)), chars, fontsize=7, family="monospace")
    ax.set_xlabel("key: the character attended to")
    ax.set_ylabel("query: the character predicting the next")
    ax.set_title(f"last block, head {head}: {what}", fontsize=10)
    ax.grid(False)

# %% [markdown]
# Read each row as where that position looks (the upper triangle is the causal mask: zero).
# The heads divide the work. One puts more than twice as much of its weight on spaces as
# spreading it evenly would (the percentages are printed above): in its heatmap, vertical
# stripes at the word boundaries, so that a character can find where its word, and the words
# before it, began. Another puts less weight on spaces than even spreading would, and spreads
# over letters. Nothing in the architecture told the heads where to look: the patterns come
# from training.
#
# ### How far back does each model look?
#
# How much does the prediction at the last position of a 64-character block depend on the
# character $t$ steps earlier? We measure the size of the gradient of its log-probability with
# respect to that character's embedding, averaged over 64 validation blocks. In the RNN,
# information from far back must survive dozens of multiplications by $W_h$ and $\tanh'$, and the
# gradient shrinks roughly exponentially with distance (the *vanishing gradient*, 梯度消失;
# Bengio et al., 1994). In the Transformer, attention gives every position a direct path.
#
# Two PyTorch tools do the measuring. A **forward hook** (`module.register_forward_hook(fn)`) is a
# function PyTorch calls with a module's output every time the module runs: here it catches the
# embedding layer's output, without changing the model's code. That output is an intermediate
# tensor, and autograd (PyTorch's 自动微分) normally throws the gradients of intermediate tensors
# away after use; `retain_grad()` asks it to keep that one, so that after `backward()` its `.grad`
# holds $\partial \log p / \partial e_t$ for every position $t$.

# %%
def sensitivity_by_distance(model: nn.Module, embedding: nn.Embedding, inputs: torch.Tensor,
                            targets: torch.Tensor) -> torch.Tensor:
    """Mean norm of d log p(last target) / d (embedding at position t), indexed by distance from the end."""
    stored = []
    hook = embedding.register_forward_hook(lambda module, args, output: stored.append(output) or output.retain_grad())
    log_probs = model(inputs)[:, -1].log_softmax(dim=-1)
    hook.remove()
    log_probs.gather(1, targets[:, -1:]).sum().backward()
    model.zero_grad(set_to_none=True)
    return stored[0].grad.norm(dim=-1).mean(dim=0).flip(0)  # index 0: the last position itself


sensitivity = {"RNN": sensitivity_by_distance(char_rnn, char_rnn.embedding, probe_inputs, probe_targets),
               "GPT (Transformer)": sensitivity_by_distance(LogitsOnly(gpt), gpt.token_embedding, probe_inputs, probe_targets)}

fig, ax = figure(width=7, height=3.6)
for i, (name, values) in enumerate(sensitivity.items()):
    ax.semilogy(range(len(values)), values, color=PALETTE[i], label=name)
ax.set_xlabel("distance back from the predicting position (characters)")
ax.set_ylabel("gradient norm (log scale)")
ax.set_title("How much the next-character prediction depends on earlier characters")
legend = ax.legend()
far = {name: values[32:].mean().item() / values[1:4].mean().item() for name, values in sensitivity.items()}
print("sensitivity 32-63 characters back, relative to 1-3 back:", {n: f"{r:.1e}" for n, r in far.items()})
assert far["RNN"] < 1e-2 and far["GPT (Transformer)"] > 10 * far["RNN"]

# %% [markdown]
# The RNN's dependence on a character falls by orders of magnitude over a few dozen steps; the
# GPT's stays within reach across the whole block. That direct access to long context, and
# parallel training, are the main reasons why large language models are Transformers.
#
# ### Sampling text
#
# A language model generates by repetition: predict a distribution over the next character,
# sample one, append it, and predict again from the longer text (autoregressive generation,
# 自回归生成). Dividing the logits by a **temperature** (温度) $\tau$ before the softmax,
# $p_k \propto e^{z_k/\tau}$, sharpens the distribution when $\tau < 1$ and makes the sampling more
# conservative; $\tau = 1$ samples from the model as trained. Here $\tau = 0.8$.

# %%
def sample(model: nn.Module, prompt: str, n_new: int, temperature: float = 0.8, seed: int = 0) -> str:
    """Extend ``prompt`` by ``n_new`` characters sampled from ``model``'s next-character distribution."""
    sampler, sample_on = sampling_generator(seed, device)  # a seeded generator on the device (CPU if it has none)
    idx = tokenizer.encode_tensor(prompt).unsqueeze(0).to(device)
    with torch.no_grad():
        for _ in range(n_new):
            logits = model(idx[:, -context:])[0, -1] / temperature
            next_id = torch.multinomial(logits.softmax(dim=-1).to(sample_on), 1, generator=sampler).to(device)
            idx = torch.cat([idx, next_id.unsqueeze(0)], dim=1)
    return tokenizer.decode(idx[0])


char_rnn.to(device)  # back to the training device: sampling works on any device
gpt.to(device)
for name, model in (("RNN", char_rnn), ("GPT", LogitsOnly(gpt))):
    text = sample(model, "The return statement", 160)
    print(f"--- {name} ---\n{text}\n")
    assert text.startswith("The return statement") and len(text) == len("The return statement") + 160

# the course's sampler, lib.models.sampling.generate, is this loop plus top-k / top-p filters and a KV cache
# (lesson 1.8) that feeds the GPT one new character per step: same seed, same text, with or without the cache
prompt_ids = tokenizer.encode_tensor("The return statement").unsqueeze(0)
for use_cache in (False, True):
    ids = generate(gpt, prompt_ids, 160, temperature=0.8, seed=0, use_cache=use_cache)
    assert tokenizer.decode(ids[0]) == sample(LogitsOnly(gpt), "The return statement", 160)

# %% [markdown]
# After a few hundred steps on a laptop, the RNN writes short real words among invented ones and
# the GPT mostly word-like fragments with the right spacing; neither makes sense yet. Lesson 1.4 shows how the
# loss improves as models, data and compute grow.
#
# ## The four, side by side
#
# Every count below is from the built model and equals the formula in the table at the top.

# %%
# NBVAL_CHECK_OUTPUT
print(f"{'model':<6} {'data':<22} {'parameters':>10}  formula")
print(f"{'MLP':<6} {'digits (8x8)':<22} {parameter_count(mlp):>10,}  sum of (n_in + 1) * n_out")
print(f"{'CNN':<6} {'digits (8x8)':<22} {parameter_count(cnn):>10,}  (k*k*c_in + 1) * c_out per conv + linear")
assert (parameter_count(mlp), parameter_count(cnn)) == (mlp_parameter_count(mlp_sizes), digit_cnn_parameter_count(cnn_channels))

# %%
print(f"{'RNN':<6} {'Python docs (chars)':<22} {parameter_count(char_rnn):>10,}  V*e + h*(e + h) + 2h + (h + 1)*V")
print(f"{'GPT':<6} {'Python docs (chars)':<22} {parameter_count(gpt):>10,}  12Ld^2 + 13Ld + (V + T)d + 2d")
assert parameter_count(char_rnn) == char_rnn_parameter_count(vocab_size, d_embed, d_hidden)
assert parameter_count(gpt) == gpt_parameter_count(L, d, vocab_size, T)

# %% [markdown]
# ## Summary
#
# - An architecture's **inductive bias** (归纳偏置) is what it assumes before seeing data. The
#   MLP assumes nothing; the CNN assumes local patterns that can appear anywhere; the RNN
#   assumes order and a memory carried step by step; the Transformer lets every position
#   attend to every other and learns from content which ones matter.
# - A convolution is a small kernel slid over the image, $(k^2c_\text{in} + 1)c_\text{out}$
#   parameters whatever the image size, and translation equivariant. On the digits our CNN was
#   as accurate as the MLP with less than half the parameters, and coped better with moved
#   digits.
# - An RNN applies $h_t = \tanh(W_x x_t + W_h h_{t-1} + b)$ at every step; its gradients
#   vanish with distance, which the LSTM and GRU gates ease and attention avoids.
# - Attention is $\operatorname{softmax}(QK^\top/\sqrt{d_k})V$, $d_k$ the per-head dimension, with a causal mask; without
#   position embeddings it treats its input as a set. Almost every large language model today
#   is a Transformer, an architecture the source article does not mention.
#
# ## Exercises
#
# **1.** How many parameters does `nn.Conv2d(3, 64, kernel_size=7)` have (RGB input, 64
# kernels of 7x7, with biases)? Use the formula.

# %%
# BEGIN SOLUTION
answer_1 = (7 * 7 * 3 + 1) * 64
# END SOLUTION
check("1.3.conv-params", answer_1)

# %% [markdown]
# A check that accepted anything would teach nothing. Here it rejects a classic mistake:
# forgetting that each kernel spans all three input channels.

# %%
one_channel = (7 * 7 + 1) * 64  # kernels that see only one of the three input channels
print(expect_wrong(check, "1.3.conv-params", one_channel))

# %% [markdown]
# **2.** How many parameters does a one-layer `nn.LSTM` with 128 inputs and 256 hidden units
# have?

# %%
# BEGIN SOLUTION
answer_2 = 4 * (256 * (128 + 256) + 2 * 256)
# END SOLUTION
check("1.3.lstm-params", answer_2)

# %% [markdown]
# **3.** Compute the causal attention *weights* $\operatorname{softmax}(QK^\top/\sqrt{d_k})$ (masked)
# for the queries and keys below ($d_k = 8$), as a $5 \times 5$ tensor, from `q3` and `k3` with tensor
# operations (not with `scaled_dot_product_attention`, which returns only the weighted values).

# %%
q3 = torch.randn(5, 8, generator=torch.Generator().manual_seed(3))
k3 = torch.randn(5, 8, generator=torch.Generator().manual_seed(4))
# BEGIN SOLUTION
scores_3 = q3 @ k3.T / math.sqrt(8)
answer_3 = scores_3.masked_fill(torch.ones(5, 5, dtype=torch.bool).triu(1), float("-inf")).softmax(dim=-1)
# END SOLUTION
check("1.3.causal-weights", answer_3)

# %% [markdown]
# **4. Predict, then run.** A common slip is to divide the scores by $d_k$ instead of
# $\sqrt{d_k}$. For random queries and keys with unit-variance entries and $d_k = 256$, what
# standard deviation will the slipped scores $q \cdot k / d_k$ have? Write your prediction first;
# the cell then measures it on 10,000 random pairs and shows what the slip does to a softmax
# over 10 keys.

# %%
# BEGIN SOLUTION
prediction_4 = math.sqrt(256) / 256
# END SOLUTION
pairs = torch.randn(2, 10_000, 256, generator=torch.Generator().manual_seed(5))
slipped = (pairs[0] * pairs[1]).sum(dim=-1) / 256
print(f"your prediction: {prediction_4:.4f}; measured standard deviation: {slipped.std():.4f}")
print(f"largest of 10 softmax weights: {slipped[:10].softmax(dim=-1).max():.3f} with the slip, "
      f"{(slipped[:10] * math.sqrt(256)).softmax(dim=-1).max():.3f} with sqrt(d_k); uniform would be 0.100")
check("1.3.score-std-slip", prediction_4)

# %% [markdown]
# ## References
#
# - LeCun, Bottou, Bengio & Haffner, *Gradient-Based Learning Applied to Document Recognition*,
#   Proceedings of the IEEE, 1998 (convolutional networks on handwritten digits).
# - Elman, *Finding Structure in Time*, Cognitive Science, 1990 (the simple recurrent network).
# - Bengio, Simard & Frasconi, *Learning Long-Term Dependencies with Gradient Descent is
#   Difficult*, IEEE Transactions on Neural Networks, 1994 (vanishing gradients).
# - Hochreiter & Schmidhuber, *Long Short-Term Memory*, Neural Computation, 1997 (LSTM).
# - Cho et al., *Learning Phrase Representations using RNN Encoder-Decoder for Statistical
#   Machine Translation*, EMNLP 2014, arXiv:1406.1078 (the GRU).
# - Vaswani et al., *Attention Is All You Need*, NeurIPS 2017, arXiv:1706.03762 (the Transformer).
# - Battaglia et al., *Relational inductive biases, deep learning, and graph networks*, 2018,
#   arXiv:1806.01261 (inductive biases of MLPs, CNNs and RNNs).
# - Kaplan et al., *Scaling Laws for Neural Language Models*, 2020, arXiv:2001.08361
#   (Transformers against LSTMs as they grow).
# - PyTorch documentation: `torch.nn.functional.scaled_dot_product_attention`,
#   https://pytorch.org/docs/stable/generated/torch.nn.functional.scaled_dot_product_attention.html
