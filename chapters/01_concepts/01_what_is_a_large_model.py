# %% [markdown]
# # 1.1 What is a large model? (什么是大模型？)
#
# **Time:** about 1 min on a laptop CPU · **Prerequisites:** Python; powers of ten · **You will learn:** what makes a model "large", how to count a GPT's parameters exactly from its configuration, and how much memory they need.
#
# In this lesson you will:
#
# - see what a **parameter** (模型参数) is, in a layer small enough to count by hand;
# - plot how the size of notable models grew from 2012 to 2024, from figures their authors published;
# - derive the formula for a GPT's parameter count and check it against real GPT-2 and GPT-3
#   configurations built on PyTorch's *meta device*, which holds shapes but no memory;
# - work out how much memory those parameters need in fp32, bf16 and int8, and to train them.

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

from lib.compress.quantization import dequantize_int8, quantize_int8
from lib.course.checks import expect_wrong
from lib.course.exercises import check
from lib.course.lesson import lesson_setup
from lib.data.milestones import milestones
from lib.models.gpt import GPT, GPT2_LARGE, GPT2_MEDIUM, GPT2_SMALL, GPT2_XL, GPT3_175B, GPTConfig, gpt_on_meta
from lib.scale import parameters as size
from lib.scale.memory import measured_model_state_bytes, tensor_bytes
from lib.viz.plots import PALETTE, figure, log_scatter, overlapping_texts
from lib.viz.widgets import interactive_view

device, generator = lesson_setup(seed=0)  # seed, device, one CPU thread for tiny models, the course's plot style

# %% [markdown]
# ## A large model is a neural network with very many parameters
#
# A **large model** (大模型) is an artificial **neural network** (人工神经网络) with billions of
# **parameters** (模型参数) — the weights and biases that training adjusts — that has been
# **pre-trained** (预训练) on a very large amount of data. Pre-training is mostly
# **self-supervised learning** (自监督学习): the model learns to predict the next word (or a
# masked-out word) of real text, so the text supplies its own labels and there is a right answer
# at every position. GPT-1 and GPT-2 called this "unsupervised" pre-training, and the source
# article keeps their word (无监督); *self-supervised* is the more precise term used today, since
# the targets are there, only taken from the data itself rather than written by people.
# The pre-trained model is then **fine-tuned** (微调) for particular tasks.
#
# What is a parameter? A fully connected layer that maps 3 inputs to 2 outputs computes
# $y = Wx + b$ with a $2 \times 3$ weight matrix $W$ and a bias vector $b$ of length 2:
# $2 \cdot 3 + 2 = 8$ parameters. In general a layer from $n$ inputs to $m$ outputs has
# $m \cdot n + m$.

# %%
layer = nn.Linear(3, 2)
for name, tensor in layer.named_parameters():
    print(f"{name}: shape {tuple(tensor.shape)}, {tensor.numel()} numbers")

n_in, n_out = 3, 2
assert size.parameter_count(layer) == n_out * n_in + n_out == 8

# %% [markdown]
# Those 8 numbers are all the layer knows. Training (训练) nudges them to reduce a loss; a large
# model is the same idea with a hundred billion of them.
#
# ## How large did models get, and how fast?
#
# The plot shows notable models with the parameter counts their authors published (each
# source is listed below the plot). Two notes on the source article: "Turing" is Microsoft's
# Turing-NLG, not Google's; and its milestone "2014, Microsoft, 170 million parameters" matches
# no model we could find. It most likely garbles Microsoft's Project Adam (OSDI 2014), a system
# that trained an image network of about 2 billion connections; lesson 1.4 looks at it. It is
# not on the plot, which holds only published parameter counts.

# %%
models = milestones()
ax = log_scatter(
    [m.year for m in models],
    [m.parameters for m in models],
    [m.name for m in models],
    xlabel="year of release",
    ylabel="parameters (log scale)",
    title="Published parameter counts of notable models",
    # names that would sit on a neighbour's name are moved by hand, in points from their dot
    offsets={"Transformer (big)": (4, -11), "BERT-Large": (4, 4), "T5-11B": (-40, -3), "Turing-NLG": (4, 4),
             "GPT-3": (4, -11), "Gopher": (-42, -2), "ERNIE 3.0 Titan": (5, -5), "MT-NLG": (-44, 0),
             "PaLM": (5, 2), "Chinchilla": (-56, -3), "LLaMA-65B": (5, -4), "GLM-130B": (4, -11)},
)
assert overlapping_texts(ax) == []  # every name reads on its own

# %%
for m in models:
    print(f"{m.released}  {m.name:<18} {size.human_count(m.parameters):>7}  {m.source}")

# %% [markdown]
# On a logarithmic axis, steady exponential growth is a straight line. Fitting
# $\log_2(\text{parameters}) = a + r \cdot \text{year}$ by least squares to the language models
# from BERT (October 2018) to PaLM (April 2022) gives the growth rate $r$ in doublings per year;
# the doubling time is $1/r$ years, or $12/r$ months.

# %%
recent = [m for m in models if "2018-10" <= m.released <= "2022-04"]
years = torch.tensor([m.year for m in recent], dtype=torch.float64)
log2_params = torch.tensor([math.log2(m.parameters) for m in recent], dtype=torch.float64)
design = torch.stack([torch.ones_like(years), years], dim=1)
intercept, rate = torch.linalg.lstsq(design, log2_params.unsqueeze(1)).solution.squeeze(1).tolist()
print(f"{len(recent)} language models, 2018-2022: parameters doubled every {12 / rate:.1f} months")

# the same fit by the closed-form slope cov(x, y) / var(x)
slope = ((years - years.mean()) * (log2_params - log2_params.mean())).sum() / ((years - years.mean()) ** 2).sum()
assert math.isclose(slope.item(), rate, rel_tol=1e-9)

fit_years = torch.linspace(recent[0].year, recent[-1].year, 50, dtype=torch.float64)
ax.plot(fit_years, 2 ** (intercept + rate * fit_years), color=PALETTE[3], linestyle="--",
        label=f"fit 2018-2022: x2 every {12 / rate:.1f} months")
ax.legend(loc="upper left")
assert overlapping_texts(ax) == []
ax.figure

# %% [markdown]
# From 2018 to 2022 the size of the largest models doubled every few months, far faster than
# the chips they run on improved. Then growth stopped: since 2022 the largest published dense
# models have stayed at a few hundred billion parameters, and training data grew instead
# (GPT-3 saw 300 billion tokens, Llama 3.1 405B 15.6 trillion). One reason is the Chinchilla
# result that, for a fixed compute budget, a smaller model trained on more data does better;
# lesson 1.4 looks at data and compute.
#
# ## Counting a GPT's parameters exactly
#
# Almost every large language model is a **Transformer** (Transformer 模型) decoder, a "GPT".
# Its shape is fixed by a few numbers: the number of layers $L$, the width $d$ (`d_model`), the
# vocabulary size $V$ and the context length $T$. Each of the $L$ blocks holds
#
# | part | weights | biases |
# | --- | --- | --- |
# | attention: query, key, value ($d \to 3d$) and output ($d \to d$) | $4d^2$ | $4d$ |
# | MLP: $d \to 4d \to d$ | $8d^2$ | $4d + d$ |
# | two LayerNorms (scale and shift each) | | $4d$ |
#
# so $12d^2 + 13d$ per block. Add the token and position embeddings, $(V + T)\,d$, and a final
# LayerNorm, $2d$. The output layer that turns vectors back into word scores reuses the token
# embedding matrix (*weight tying*), so it adds nothing:
#
# $$N = 12 L d^2 + 13 L d + (V + T)\, d + 2d .$$
#
# `lib.models.gpt.GPT` is a complete, trainable GPT. Built inside `torch.device("meta")`, its
# tensors have shapes but no storage, so even GPT-3 "exists" in a fraction of a second and
# zero bytes. We count its parameters and compare with the formula.

# %%
tiny = GPTConfig(vocab_size=10, context_length=4, n_layer=1, n_head=1, d_model=2)
by_hand = 12 * 1 * 2**2 + 13 * 1 * 2 + (10 + 4) * 2 + 2 * 2
assert sum(p.numel() for p in GPT(tiny).parameters()) == by_hand == size.gpt_parameter_count(1, 2, 10, 4)

gpt3_meta = gpt_on_meta(GPT3_175B)
print("a GPT-3 weight tensor:", gpt3_meta.blocks[0].mlp.up.weight.shape, "on", gpt3_meta.blocks[0].mlp.up.weight.device)

# %%
# NBVAL_CHECK_OUTPUT
configs = {"GPT-2 small": GPT2_SMALL, "GPT-2 medium": GPT2_MEDIUM, "GPT-2 large": GPT2_LARGE,
           "GPT-2 XL": GPT2_XL, "GPT-3 175B": GPT3_175B}
print(f"{'model':<13} {'L':>3} {'d':>6} {'built on meta':>16} {'formula':>16}")
counts = {}
for name, c in configs.items():
    built = gpt_on_meta(c).num_parameters()
    formula = size.gpt_parameter_count(c.n_layer, c.d_model, c.vocab_size, c.context_length)
    assert built == formula
    counts[name] = built
    print(f"{name:<13} {c.n_layer:>3} {c.d_model:>6} {built:>16,} {formula:>16,}")

# %% [markdown]
# GPT-2 small has 124,439,808 parameters and GPT-3 174.6 billion, which its paper rounds to
# 175B. (GPT-2's paper lists 117M and 1542M for its smallest and largest models; the released
# weights have the counts above.)
#
# Where do they sit? In a small model the embeddings are a large share; at scale, $12Ld^2$
# dominates and the MLPs hold two thirds of everything.

# %%
shares = {}
for name in ("GPT-2 small", "GPT-3 175B"):
    c = configs[name]
    parts = size.gpt_parameter_breakdown(c.n_layer, c.d_model, c.vocab_size, c.context_length)
    assert sum(parts.values()) == counts[name]
    shares[name] = {part: n / counts[name] for part, n in parts.items()}

fig, ax = figure(width=7, height=2.6)
for row, parts in enumerate(shares.values()):
    left = 0.0
    for i, (part, share) in enumerate(parts.items()):
        ax.barh(row, share, left=left, color=PALETTE[i], label=part if row == 0 else None)
        if share > 0.05:
            ax.text(left + share / 2, row, f"{share:.0%}", ha="center", va="center", color="white")
        left += share
ax.set_yticks(range(len(shares)), list(shares))
ax.set_xlabel("share of all parameters")
ax.legend(ncols=4, loc="lower center", bbox_to_anchor=(0.5, 1.0))
ax.grid(False)

# %% [markdown]
# ## How much memory do the parameters need?
#
# Each parameter is a number stored in some format:
#
# | format | bytes per parameter | used for |
# | --- | --- | --- |
# | fp32 (32-bit float) | 4 | training's master weights, optimizer state |
# | bf16 (16-bit "brain float") | 2 | training compute, serving |
# | int8 (8-bit integer) | 1 | quantized serving (量化) |
#
# so the weights take $N \times$ bytes-per-parameter. We check that on a real (not meta) model:
# the bytes PyTorch actually allocates for a small GPT match the formula.

# %%
small = GPT(GPTConfig(vocab_size=256, context_length=64, n_layer=2, n_head=2, d_model=64))
n_small = small.num_parameters()
for dtype, torch_dtype in (("fp32", torch.float32), ("bf16", torch.bfloat16), ("int8", torch.int8)):
    stored = [p.detach().to(torch_dtype) for p in small.parameters()]  # int8 here only to count bytes
    allocated = sum(t.untyped_storage().nbytes() for t in stored)
    assert allocated == size.weight_memory_bytes(n_small, dtype), dtype
    print(f"{n_small:,} parameters in {dtype}: {allocated:,} bytes allocated = formula")

# %% [markdown]
# ### Training needs far more: 16 bytes per parameter, measured
#
# Large models are trained in **mixed precision** (混合精度): the forward and backward passes run
# on bf16 weights, which produce bf16 gradients, while an fp32 **master copy** (主权重) of the
# weights takes the updates (a bf16 number has only 8 significant bits, so the small updates late
# in training would round away). The optimizer is almost always **Adam** (Kingma & Ba, 2015), a
# form of gradient descent that keeps, for every parameter, a running average of its gradient
# ($m$) and of its squared gradient ($v$), both in fp32, and moves each parameter by about
# $\eta\, m / \sqrt{v}$ (chapter 2 derives it). Per parameter that is
#
# | what | format | bytes |
# | --- | --- | --- |
# | weights used by forward and backward | bf16 | 2 |
# | their gradients | bf16 | 2 |
# | master weights | fp32 | 4 |
# | Adam's $m$ and $v$ | fp32 | 4 + 4 |
#
# **16 bytes per parameter** (ZeRO, Rajbhandari et al., 2020), before counting activations. We do
# not take the table on trust: below we set up exactly that on a small GPT, take one real training
# step, and count the bytes PyTorch has allocated for each kind of tensor.

# %%
torch.manual_seed(0)
trained = GPT(GPTConfig(vocab_size=256, context_length=64, n_layer=2, n_head=2, d_model=64))
n_trained = trained.num_parameters()
master = [p.detach().clone().float().requires_grad_(True) for p in trained.parameters()]  # fp32 master copy
trained.to(torch.bfloat16)  # the copy that forward and backward use
batch = torch.randint(256, (4, 64), generator=generator)
_, loss = trained(batch, targets=batch)  # a GPT returns (logits, loss) when given targets
loss.backward()  # bf16 gradients, one per bf16 weight
adam = torch.optim.Adam(master, lr=1e-3)  # Adam updates the fp32 master weights
for fp32, bf16 in zip(master, trained.parameters(), strict=True):
    fp32.grad = bf16.grad.float()  # each gradient, upcast for the update, one tensor at a time
adam.step()  # creates m and v (fp32) for every master weight
with torch.no_grad():
    for fp32, bf16 in zip(master, trained.parameters(), strict=True):
        fp32.grad = None  # the upcast copy is temporary
        bf16.copy_(fp32)  # the next step's bf16 weights, rounded from the master copy

counted = measured_model_state_bytes(trained, adam)  # bytes of bf16 weights, bf16 gradients, Adam's m and v
held = {"bf16 weights": counted["weights"], "bf16 gradients": counted["gradients"],
        "fp32 master": tensor_bytes(master), "Adam m and v": counted["optimizer"]}
for kind, n_bytes in held.items():
    print(f"{kind:<15} {n_bytes:>9,} bytes = {n_bytes / n_trained:.0f} per parameter")
bytes_per_parameter = sum(held.values()) / n_trained
print(f"{'total':<15} {sum(held.values()):>9,} bytes = {bytes_per_parameter:.0f} per parameter ({n_trained:,} parameters)")
assert list(held.values()) == [2 * n_trained, 2 * n_trained, 4 * n_trained, 8 * n_trained]  # 2 + 2 + 4 + 8
assert bytes_per_parameter == 16 == size.TRAINING_BYTES_PER_PARAMETER_ADAM_MIXED

# %% [markdown]
# (Adam also keeps one step counter per tensor: a few bytes per *tensor*, not per parameter, so it
# is left out.) With the measured 16 bytes per parameter, the memory of the models above:

# %%
# NBVAL_CHECK_OUTPUT
print(f"{'model':<13}" + "".join(f"{d:>11}" for d in ("fp32", "bf16", "int8")) + "   training with Adam")
for name, n in counts.items():
    weights = "".join(f"{size.human_bytes(size.weight_memory_bytes(n, d)):>11}" for d in ("fp32", "bf16", "int8"))
    training = size.human_bytes(n * bytes_per_parameter)
    print(f"{name:<13}{weights}   {training:>9}")

# %% [markdown]
# Merely holding GPT-3's weights in bf16 takes 349 GB, more than four 80 GB GPUs. Training it
# with Adam in mixed precision takes 16 bytes per parameter, 2.8 TB before any activations,
# which is why large models are trained across many GPUs at once.
#
# ## Quantization: int8 weights in practice
#
# Serving in int8 is **quantization** (量化): each row of a weight matrix is stored as integers
# $q = \operatorname{round}(w / s)$ in $[-127, 127]$ with one fp32 scale $s = \max|w| / 127$ per row, and
# used as $w \approx q \cdot s$. The rounding error is at most $s/2$ per weight. We quantize the small
# GPT above with `lib.compress.quantization.quantize_int8`, check every integer and scale against
# those two formulas computed here, count the bytes and see how little its predictions move: its output **logits**
# (logit（对数几率）, the unnormalized scores that a softmax turns into probabilities, one per word of
# the vocabulary).

# %%
idx = torch.randint(256, (2, 64), generator=generator)
reference, _ = small(idx)  # a GPT returns (logits, loss); no targets, no loss
int8_bytes, fp32_bytes = 0, 0
with torch.no_grad():
    for module in small.modules():
        if isinstance(module, nn.Linear):
            w = module.weight
            q, scale = quantize_int8(w)
            s = w.abs().amax(dim=1) / 127  # the formulas above: s = max|w| / 127 per row, q = round(w / s)
            assert torch.equal(scale, s) and torch.equal(q, torch.round(w / s[:, None]).to(torch.int8))
            assert torch.equal(q.abs().amax(dim=1), torch.full_like(s, 127, dtype=torch.int8))  # each row's largest: ±127
            assert ((dequantize_int8(q, scale) - w).abs() <= scale[:, None] / 2 + 1e-7).all()  # error <= s/2
            int8_bytes += q.numel() * q.element_size() + scale.numel() * 4
            fp32_bytes += w.numel() * 4
            w.copy_(dequantize_int8(q, scale))
    change = (small(idx)[0] - reference).abs().max() / reference.abs().max()
print(f"linear weights: {fp32_bytes:,} bytes in fp32 -> {int8_bytes:,} in int8 + scales ({int8_bytes / fp32_bytes:.1%})")
print(f"largest change of any output logit: {change:.2%} of the largest logit")
assert int8_bytes / fp32_bytes < 0.27 and change < 0.05

# %% [markdown]
# A quarter of the bytes for a change of a few percent or less in the outputs of this (untrained) model. Real
# quantization schemes add care for outlier weights and activations, but the idea is this one.
#
# ## Try it: size your own model
#
# The widget calls `lib.scale.parameters.size_report`, a plain function (you can call it yourself).
# Move the sliders: how does the count grow when you double the width $d$? When you double the
# depth $L$?

# %%
print(size.size_report(n_layer=32, d_model=4096, vocab_size=32000, context_length=4096))
assert round(size.gpt_parameter_count(32, 4096, 32000, 4096) / 1e9, 1) == 6.6


def show_size(n_layer: int = 32, d_model: int = 4096, vocab_size: int = 32000) -> None:
    print(size.size_report(n_layer, d_model, vocab_size, context_length=4096))


interactive_view(show_size, n_layer=(1, 128, 1), d_model=(256, 16384, 256), vocab_size=[32000, 50257, 128256])

# %% [markdown]
# With $L = 32$, $d = 4096$ and a 32,000-token vocabulary you get 6.6 billion parameters:
# the shape of the open 7B models of 2023 (theirs differ in details such as a gated MLP
# and untied output weights).
#
# ## Summary
#
# - A large model (大模型) is a neural network with billions of parameters, pre-trained by
#   self-supervised learning (自监督学习) on huge data and then fine-tuned.
# - Published sizes grew from 60 million (AlexNet, 2012) to hundreds of billions. From 2018 to
#   2022 they doubled about every five months (the fit above); since then data has grown instead.
# - A GPT's size follows from its shape: $N = 12Ld^2 + 13Ld + (V+T)d + 2d$, checked exactly
#   against GPT-2 and GPT-3 built on the meta device.
# - Quantization (量化) to int8 stores a quarter of fp32's bytes, with a rounding error of at most half a step.
# - Memory is parameters x bytes per parameter: 2 bytes in bf16 to serve; to train with Adam in
#   mixed precision, 2 + 2 + 4 + 8 = 16 bytes, which we measured on a real training step.
#
# ## Exercises
#
# Write your answer where the reference answer stands, then run the cell: the check tells you
# whether you are right.
#
# **1.** Using the formula, not the model, how many parameters does GPT-2 medium have
# ($L = 24$, $d = 1024$, $V = 50257$, $T = 1024$)?

# %%
# BEGIN SOLUTION
L, d, V, T = 24, 1024, 50257, 1024
answer_1 = 12 * L * d**2 + 13 * L * d + (V + T) * d + 2 * d
# END SOLUTION
check("1.1.gpt2-medium-params", answer_1)

# %% [markdown]
# A check that accepted anything would teach nothing, so here it is rejecting a classic
# mistake: counting the output layer as a separate $V \times d$ matrix, although it is tied
# to the token embedding.

# %%
untied = answer_1 + 50257 * 1024
print(expect_wrong(check, "1.1.gpt2-medium-params", untied))

# %% [markdown]
# **2.** A model with 7 billion parameters is served with its weights in bf16. How many
# gigabytes (10⁹ bytes) do the weights take?

# %%
# BEGIN SOLUTION
answer_2 = 7e9 * 2 / 1e9
# END SOLUTION
check("1.1.bf16-weights-gb", answer_2)

# %% [markdown]
# **3.** By what factor does the parameter count of the *blocks* ($12Ld^2 + 13Ld$) grow when you
# double $d$ at fixed $L$? Give the exact ratio for $L = 12$, $d = 768 \to 1536$.

# %%
# BEGIN SOLUTION
def blocks(L: int, d: int) -> int:
    return 12 * L * d**2 + 13 * L * d


answer_3 = blocks(12, 1536) / blocks(12, 768)
# END SOLUTION
check("1.1.blocks-growth", answer_3)

# %% [markdown]
# **4. Predict, then run.** Train the same small GPT in plain fp32 (no bf16 copy, no master
# weights) with SGD with momentum (动量), an optimizer that keeps *one* fp32 running average of
# the gradient per parameter where Adam keeps two. How many bytes per parameter will the training
# state (weights, gradients, optimizer state) take? Write your prediction first; the rest of the
# cell then sets the training up, takes a step, counts the bytes, and the check compares.

# %%
# BEGIN SOLUTION
prediction_4 = 4 + 4 + 4
# END SOLUTION
torch.manual_seed(0)
fp32_gpt = GPT(GPTConfig(vocab_size=256, context_length=64, n_layer=2, n_head=2, d_model=64))
sgd = torch.optim.SGD(fp32_gpt.parameters(), lr=0.1, momentum=0.9)
_, loss = fp32_gpt(batch, targets=batch)
loss.backward()
sgd.step()  # creates the momentum buffers
measured_4 = sum(measured_model_state_bytes(fp32_gpt, sgd).values()) / fp32_gpt.num_parameters()
print(f"your prediction: {prediction_4} bytes per parameter; counted: {measured_4:.0f}")
check("1.1.sgd-momentum-bytes", prediction_4)

# %% [markdown]
# ## References
#
# - Radford et al., *Language Models are Unsupervised Multitask Learners*, OpenAI, 2019 (GPT-2).
# - Brown et al., *Language Models are Few-Shot Learners*, NeurIPS 2020, arXiv:2005.14165 (GPT-3; Table 2.1 gives its configurations).
# - Vaswani et al., *Attention Is All You Need*, NeurIPS 2017, arXiv:1706.03762 (the Transformer).
# - Kaplan et al., *Scaling Laws for Neural Language Models*, 2020, arXiv:2001.08361 (the $12Ld^2$ approximation).
# - Rajbhandari et al., *ZeRO: Memory Optimizations Toward Training Trillion Parameter Models*, SC 2020, arXiv:1910.02054 (16 bytes per parameter).
# - The sources of every point on the timeline are printed under the plot (`lib/data/milestones.py`).
# - Chilimbi, Suzue, Apacible & Kalyanaraman, *Project Adam: Building an Efficient and Scalable Deep Learning Training System*, OSDI 2014 (about 2 billion connections).
# - Radford et al., *Improving Language Understanding by Generative Pre-Training*, OpenAI, 2018 (GPT-1, "unsupervised pre-training").
# - Kingma & Ba, *Adam: A Method for Stochastic Optimization*, ICLR 2015, arXiv:1412.6980.
# - Micikevicius et al., *Mixed Precision Training*, ICLR 2018, arXiv:1710.03740 (fp32 master weights).
# - Dettmers et al., *LLM.int8(): 8-bit Matrix Multiplication for Transformers at Scale*, NeurIPS 2022, arXiv:2208.07339 (int8 quantization of large models and their outlier features).
# - PyTorch documentation, *Meta device*: https://pytorch.org/docs/stable/meta.html
