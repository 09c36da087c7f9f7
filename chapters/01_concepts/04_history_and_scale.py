# %% [markdown]
# # 1.4 History and scale: parameters, data and compute (发展历程与规模)
#
# **Time:** about 1 min on a laptop CPU · **Prerequisites:** lesson 1.1 (parameter counts, the meta device, 16 bytes per parameter to train) and lesson 1.3 (training a small GPT with cross-entropy, Adam and gradient clipping); powers of ten; what a matrix product is. FLOP counters and hooks are explained where used · **You will learn:** why training costs about 6·N·D floating-point operations, how much compute, data and memory today's large models take, what "compute-optimal" means, and how loss falls as a model grows.
#
# In this lesson you will:
#
# - follow the path from deep belief networks (2006) to today's models, correcting one
#   milestone of the source article;
# - derive the rule that training costs $C \approx 6ND$ **FLOPs** (浮点运算次数) and check it
#   by letting PyTorch count the operations of a real GPT;
# - compute the training compute (算力) of published models and compare it with the figures
#   their authors report;
# - apply the Chinchilla rule ($D \approx 20N$) and see which famous models were under- or over-trained;
# - see that compute grows linearly with $N$ at fixed data and as $N^2$ along the compute-optimal
#   line, not exponentially as the source article says;
# - work out what "large" means today in parameters, tokens, FLOPs and memory, including the
#   **KV cache** (键值缓存) that inference needs, and check the formulas on real tensors;
# - train four tiny GPTs and watch validation loss fall as a power of their size.

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
from matplotlib.ticker import FormatStrFormatter
from torch import nn
from torch.nn import functional as F
from torch.nn.attention import SDPBackend, sdpa_kernel
from torch.utils.flop_counter import FlopCounterMode

from lib.core.seeding import seed_everything
from lib.course.checks import expect_wrong
from lib.course.exercises import check
from lib.course.lesson import lesson_setup
from lib.data.blocks import RandomBlocks, next_token_blocks
from lib.data.char_tokenizer import CharTokenizer
from lib.data.milestones import milestones
from lib.data.pydoc_corpus import load_python_docs
from lib.models.gpt import GPT, GPT3_175B, GPTConfig, LogitsOnly, gpt_on_meta
from lib.scale import compute as scaling
from lib.scale import parameters as size
from lib.scale.memory import model_state_bytes
from lib.train.engine import evaluate, fit, make_batches
from lib.viz.plots import PALETTE, figure, overlapping_texts
from lib.viz.widgets import interactive_view

device, generator = lesson_setup(seed=0)  # seed, device, one CPU thread for tiny models, the course's plot style

# %% [markdown]
# ## From deep belief networks to large models
#
# The source article's history (its section 2.2) starts in the right place. In 2006 Hinton,
# Osindero and Teh showed that a **deep belief network** (深度信念网络) could be trained one
# layer at a time, the first of several results that made deep networks trainable. In 2012
# AlexNet, a **convolutional neural network** (卷积神经网络) with 60 million parameters trained
# on two GPUs, won the ImageNet competition by a wide margin, and deep learning took over
# computer vision. In 2017 the Transformer arrived, and language models built on it grew more
# than a thousandfold in four years, from BERT-Large (2018) to PaLM (2022); lesson 1.1 fits that
# growth.
#
# The article then says that in 2014 Microsoft trained a model with 170 million parameters and
# that this "marked the arrival of the era of large models". No Microsoft model of 2014 with 170
# million parameters can be found. The claim most likely garbles **Project Adam** (Chilimbi,
# Suzue, Apacible & Kalyanaraman, OSDI 2014): a Microsoft Research system that trained an
# image-recognition network of about **2 billion connections** (weights) on ImageNet's 22,000
# categories, spread over a cluster of ordinary servers. That was large for 2014, more than ten
# times VGG-16 (138 million parameters, published the same year), and its lesson was the one the
# article reaches for: large networks needed a distributed training *system*. But the number is
# wrong by a factor of about ten, and the era of large *language* models began with the
# Transformer, below.
#
# Parameters are only one of three quantities that grew. The others are the **training data**,
# counted in **tokens** (词元, the pieces of text a model reads: lesson 1.1), and the
# **training compute** (训练算力), counted in floating-point operations, FLOPs. The models
# below published the number of tokens they were trained on.

# %%
# NBVAL_CHECK_OUTPUT
named = {m.name: m for m in milestones()}
print(f"PaLM / BERT-Large: {named['PaLM'].parameters / named['BERT-Large'].parameters:,.0f} times the parameters\n")
with_tokens = [m for m in milestones() if m.training_tokens is not None]
print(f"{'model':<18} {'released':>8} {'parameters':>11} {'tokens':>8} {'tokens/param':>13}")
for m in with_tokens:
    per = m.training_tokens / m.parameters_per_token
    print(f"{m.name:<18} {m.released:>8} {size.human_count(m.parameters):>11} "
          f"{size.human_count(m.training_tokens):>8} {per:>13.1f}")

# %% [markdown]
# (DeepSeek-V3 is a **mixture of experts** (混合专家模型): each token passes through 37B of its
# 671B parameters, so its tokens per parameter use the 37B.)
#
# ## Why training costs 6 FLOPs per parameter per token
#
# Almost all of a Transformer's work is matrix products. Take one linear layer with weight
# matrix $W$ of shape $d_\text{out} \times d_\text{in}$ applied to one token's vector $x$:
#
# - **forward** (前向传播): $y = Wx$ takes $d_\text{in} d_\text{out}$ multiplications and as
#   many additions: **2 FLOPs per weight**;
# - **backward** (反向传播): the gradient with respect to the input, $W^\top \partial y$, is a
#   product of the same size (2 FLOPs per weight), and so is the gradient with respect to the
#   weights, $\partial y\, x^\top$ (2 more): **4 FLOPs per weight**.
#
# So each weight costs $2 + 4 = 6$ FLOPs per token, and a model with $N$ parameters trained on
# $D$ tokens needs about
#
# $$C \approx 6 N D \ \text{FLOPs}$$
#
# (Kaplan et al., 2020). PyTorch can count the FLOPs it executes: inside a
# `with torch.utils.flop_counter.FlopCounterMode(display=False) as counter:` block, every operation
# PyTorch runs is intercepted, and for each matrix product it adds $2 \times$ (number of
# multiply-adds) to a running total, `counter.get_total_flops()`. It counts matrix products and
# convolutions only, not element-wise work such as adding a bias. We check the 2 and the 4 on one
# layer.

# %%
n_tokens, d_in, d_out = 32, 48, 80
layer = nn.Linear(d_in, d_out)
x = torch.randn(n_tokens, d_in, requires_grad=True)
with FlopCounterMode(display=False) as forward_counter:
    y = layer(x)
with FlopCounterMode(display=False) as backward_counter:
    y.sum().backward()
weights = d_in * d_out
print(f"forward : {forward_counter.get_total_flops():>7,} FLOPs = {forward_counter.get_total_flops() // (n_tokens * weights)} per weight per token")
print(f"backward: {backward_counter.get_total_flops():>7,} FLOPs = {backward_counter.get_total_flops() // (n_tokens * weights)} per weight per token")
assert forward_counter.get_total_flops() == 2 * n_tokens * weights
assert backward_counter.get_total_flops() == 4 * n_tokens * weights

# %% [markdown]
# ### Checking 6·N·D on a real GPT
#
# A GPT is not only weight matrices, so $6ND$ is an approximation. Counting exactly, per token
# in a sequence of length $T$:
#
# - the $L$ blocks' weight matrices ($12Ld^2$ weights, lesson 1.1) and the output layer
#   ($Vd$) cost 2 FLOPs per weight forward;
# - **attention** adds two products that have no weights: each token's query is compared with
#   all $T$ keys ($2Td$ FLOPs per layer) and the values are summed with those weights ($2Td$ more),
#   $4LTd$ in all (PyTorch computes the full $T \times T$ grid and then masks half of it);
# - the **embedding lookup** costs nothing: picking row $i$ of the token embedding is not a
#   product, so the $(V + T)d$ embedding parameters cost no FLOPs on the way in, although the
#   token embedding is used again as the output layer;
# - biases, LayerNorm, GELU and softmax are a few FLOPs per *activation*, not per weight, and
#   FlopCounterMode does not count them.
#
# So forward + backward costs exactly $3 \times [2(12Ld^2 + Vd) + 4LTd]$ per token, which is
# `lib.scaling.gpt_matmul_flops`. We count the FLOPs of one training step of a small GPT and
# compare with that and with $6ND$. (We ask PyTorch for its plain "math" attention, whose
# products FlopCounterMode sees; the fused kernel that runs by default is not counted on
# every device and PyTorch version.)

# %%
small_config = GPTConfig(vocab_size=96, context_length=64, n_layer=2, n_head=4, d_model=64)
small = GPT(small_config)
batch, seq_len = 4, 64
idx = torch.randint(0, small_config.vocab_size, (batch, seq_len), generator=generator)
with sdpa_kernel(SDPBackend.MATH), FlopCounterMode(display=False) as counter:
    logits, loss = small(idx, targets=idx)  # any targets do for counting: the loss is cross-entropy either way
    loss.backward()
measured = counter.get_total_flops()
tokens = batch * seq_len
exact = scaling.gpt_matmul_flops(2, 64, 96, seq_len, tokens)
estimate = scaling.training_flops(small.num_parameters(), tokens)
print(f"counted by PyTorch : {measured:,} FLOPs")
print(f"exact formula      : {exact:,} FLOPs")
print(f"6 N D              : {estimate:,.0f} FLOPs (N = {small.num_parameters():,}), ratio {measured / estimate:.3f}")
assert measured == exact
# GPT.flops_per_token, PaLM's 6N + 12LdT (N without the position table), also counts biases and LayerNorms
assert small.flops_per_token(seq_len) * tokens - exact == 6 * (13 * 2 * 64 + 2 * 64) * tokens

# %% [markdown]
# In this small model the count is almost 10% above $6ND$: attention's $4LTd$ is large next to
# $12Ld^2$ when $d$ is small, and the embeddings are a large share of $N$. Both shrink as the
# model widens: attention relative to the weights goes like $T/(6d)$, and the embeddings like
# $(V+T)/(12Ld)$. A tensor on PyTorch's **meta device** (`torch.device("meta")`, lesson 1.1) has a
# shape and a type but no memory and no values: operations on it compute only the shape of their
# result. FlopCounterMode still sees every matrix product, so GPTs built on the meta device let us
# count the FLOPs of models far too big to run here, in a fraction of a second.

# %%
widths = [64, 128, 256, 512, 1024, 2048, 4096, 8192]
layers, ctx, vocab = 4, 256, 96
ratios = []
for d in widths:
    meta_model = gpt_on_meta(GPTConfig(vocab_size=vocab, context_length=ctx, n_layer=layers, n_head=4, d_model=d))
    meta_idx = torch.zeros((1, ctx), dtype=torch.long, device="meta")
    with sdpa_kernel(SDPBackend.MATH), FlopCounterMode(display=False) as counter:
        meta_model(meta_idx)[0].sum().backward()
    assert counter.get_total_flops() == scaling.gpt_matmul_flops(layers, d, vocab, ctx, ctx)
    ratios.append(counter.get_total_flops() / scaling.training_flops(meta_model.num_parameters(), ctx))

fig, ax = figure()
ax.plot(widths, ratios, marker="o", label="counted by PyTorch / 6ND")
ax.plot(widths, [1 + ctx / (6 * d) for d in widths], linestyle="--", color=PALETTE[1], label="1 + T/(6d): attention alone")
ax.axhline(1.0, color="black", linewidth=0.8)
ax.set_xscale("log", base=2)
ax.set_xlabel("width d_model (L = 4, T = 256)")
ax.set_ylabel("FLOPs of a training step / 6ND")
ax.set_title("6ND becomes exact as the model widens")
legend = ax.legend()

# %%
# NBVAL_CHECK_OUTPUT
for d, r in zip(widths, ratios, strict=True):
    print(f"d_model {d:>5}: counted / 6ND = {r:.3f}")
# The deviation is attention minus the embeddings' free share; at d = 8192 attention alone is T/(6d) = 0.5%.
assert abs(ratios[-1] - 1) < ctx / (6 * widths[-1]) + 1e-3
assert all(abs(a - 1) > abs(b - 1) for a, b in zip(ratios, ratios[1:], strict=False))  # closer at every step
print(f"GPT-3 (T = 2048, d = 12288): attention adds T/(6d) = {2048 / (6 * 12288):.3f}")

# %% [markdown]
# At GPT-3's shape ($d = 12288$, $T = 2048$) attention adds about $T/(6d) \approx 3\%$
# (computed below), which is why $6ND$ is the standard estimate; with very long contexts the
# attention term grows and must be added back.
#
# ## The compute of published models
#
# With $C = 6ND$ we can compute the training compute of every model that published its
# tokens, and compare with the totals that some authors report. For a mixture of experts we
# use the active parameters, since only those do work for a token.

# %%
# NBVAL_CHECK_OUTPUT
print(f"{'model':<18} {'6ND (FLOPs)':>12} {'published':>10} {'published / 6ND':>16}")
for m in with_tokens:
    c = scaling.training_flops(m.parameters_per_token, m.training_tokens)
    published = f"{m.training_compute:.2e}" if m.training_compute else "-"
    ratio = f"{m.training_compute / c:.2f}" if m.training_compute else ""
    print(f"{m.name:<18} {c:>12.2e} {published:>10} {ratio:>16}")
    if m.training_compute and m.name in ("GPT-3", "PaLM", "Llama 3.1 405B"):
        assert abs(m.training_compute / c - 1) < 0.02, m.name  # the text: within 2%
by_name = {m.name: m for m in with_tokens}
shared_budget = by_name["Chinchilla"].training_compute  # Gopher's and Chinchilla's one published figure
six_nd = {name: scaling.training_flops(by_name[name].parameters, by_name[name].training_tokens)
          for name in ("Chinchilla", "Gopher")}
assert shared_budget == by_name["Gopher"].training_compute
assert 0.015 < six_nd["Chinchilla"] / shared_budget - 1 < 0.025  # Chinchilla: 2% above the budget
assert 0.11 < 1 - six_nd["Gopher"] / shared_budget < 0.13  # Gopher: 12% below it (the exception)

# %% [markdown]
# GPT-3's paper reports $3.14 \times 10^{23}$ FLOPs (3,640 petaflop/s-days); $6ND$ gives
# $3.15 \times 10^{23}$. PaLM and Llama 3.1 agree to within 2% too (asserted above). Gopher and
# Chinchilla share one published figure, $5.76 \times 10^{23}$, because Chinchilla was given
# Gopher's budget; $6ND$ puts Chinchilla 2% above that budget and Gopher 12% below it, the one
# exception (asserted as such: Gopher's figure is a budget its own run did not use up, by $6ND$).
# Sources for every figure: `lib/data/milestones.py` (printed at the end of this lesson).
#
# Plotted against time, the three quantities grow together; compute grows fastest because it
# is their product.

# %%
years = [m.year for m in with_tokens]
# where each name goes relative to its point (in points), so that neighbours do not collide
label_offsets = {"Gopher": (-38, -11), "MT-NLG": (-40, 5), "Chinchilla": (6, -2), "LLaMA-65B": (6, -2),
                 "LLaMA-7B": (6, -3), "DeepSeek-V3 (MoE)": (-60, -14), "Llama 3.1 405B": (-50, -14)}
fig, (ax_nd, ax_c) = figure(ncols=2, width=11, height=4)
for m in with_tokens:
    ax_nd.plot([m.year, m.year], [m.parameters_per_token, m.training_tokens], color="0.8", zorder=1)
ax_nd.scatter(years, [m.parameters_per_token for m in with_tokens], label="parameters N (active)", color=PALETTE[0])
ax_nd.scatter(years, [m.training_tokens for m in with_tokens], label="training tokens D", color=PALETTE[1], marker="s")
ax_nd.set_yscale("log")
ax_nd.set_xlabel("year of release")
ax_nd.set_title("Parameters and training tokens of each model")
ax_nd.legend(loc="upper left")
computes = [scaling.training_flops(m.parameters_per_token, m.training_tokens) for m in with_tokens]
ax_c.scatter(years, computes, color=PALETTE[2], label="6ND")
reported = [m for m in with_tokens if m.training_compute]
ax_c.scatter([m.year for m in reported], [m.training_compute for m in reported], facecolors="none",
             edgecolors="black", s=90, label="published total")
for m, c in zip(with_tokens, computes, strict=True):
    ax_c.annotate(m.name, (m.year, c), textcoords="offset points", xytext=label_offsets.get(m.name, (6, -3)), fontsize=7)
ax_c.set_yscale("log")
ax_c.set_xlabel("year of release")
ax_c.set_ylabel("training compute (FLOPs)")
ax_c.set_title("Training compute")
legend = ax_c.legend(loc="upper left")
assert overlapping_texts(ax_c) == []  # every name reads on its own

# %% [markdown]
# From GPT-3 (2020) to Llama 3.1 405B (2024) the training compute grew about 120-fold while
# the parameters grew only 2.3-fold: most of the growth went into data.
#
# ## Compute-optimal training: the Chinchilla rule
#
# For a fixed compute budget $C$, should you train a bigger model on fewer tokens or a smaller
# model on more? Hoffmann et al. (2022) trained over 400 models and found that the loss is
# lowest when parameters and tokens grow in proportion, at about **20 tokens per parameter**.
# They tested it with Chinchilla: 70B parameters on 1.4T tokens, with the same compute as the
# 280B-parameter Gopher, and Chinchilla was better on almost every benchmark.
#
# Putting $D = 20N$ into $C = 6ND$ gives $C = 120N^2$, so
#
# $$N_\text{opt} = \sqrt{C / 120}, \qquad D_\text{opt} = 20\,N_\text{opt}.$$

# %%
gpt3 = by_name["GPT-3"]
n_opt, d_opt = scaling.compute_optimal(gpt3.training_compute)
assert math.isclose(n_opt, math.sqrt(gpt3.training_compute / 120), rel_tol=1e-12)
assert math.isclose(scaling.training_flops(n_opt, d_opt), gpt3.training_compute, rel_tol=1e-12)
assert math.isclose(d_opt / n_opt, 20, rel_tol=1e-12)
print(f"GPT-3's budget, {gpt3.training_compute:.2e} FLOPs, spent the Chinchilla way: "
      f"{size.human_count(n_opt)} parameters on {size.human_count(d_opt)} tokens")
print(f"GPT-3 itself: {size.human_count(gpt3.parameters)} parameters on {size.human_count(gpt3.training_tokens)} tokens "
      f"= {gpt3.training_tokens / gpt3.parameters:.1f} tokens per parameter")

# %% [markdown]
# ### Compute grows as a power of model size, not exponentially
#
# The source article (its section 8.2 and its FAQ) says that the compute a model needs grows
# *exponentially* with its size. It does not. $C \approx 6ND$ is a product:
#
# - at a **fixed amount of data** $D$, compute is **linear** in $N$: twice the parameters, twice the FLOPs;
# - along the **compute-optimal line** $D = 20N$, $C = 120N^2$: twice the parameters, four times
#   the FLOPs. That is a power law, a straight line of slope 2 on log-log axes.
#
# Exponential growth would mean that every *added* billion parameters multiplies the compute by
# the same factor. What did grow exponentially is compute over *time* (lesson 1.1 fitted the
# parameters against the year), because budgets grew year after year. We check both statements
# with PyTorch's FLOP counter on GPTs of growing width built on the meta device (8 layers, 8
# heads, $T = 256$), then look at equal steps of $N$.

# %%
flop_sizes, flop_per_token = [], []
for d in (512, 1024, 2048, 4096):
    meta_gpt = gpt_on_meta(GPTConfig(vocab_size=96, context_length=256, n_layer=8, n_head=8, d_model=d))
    with sdpa_kernel(SDPBackend.MATH), FlopCounterMode(display=False) as counter:
        meta_gpt(torch.zeros((1, 256), dtype=torch.long, device="meta"))[0].sum().backward()
    flop_sizes.append(meta_gpt.num_parameters())
    flop_per_token.append(counter.get_total_flops() / 256)  # forward + backward, per token
fixed_data = [f * 1e9 for f in flop_per_token]  # every model trained on the same 1e9 tokens
optimal = [f * 20 * n for f, n in zip(flop_per_token, flop_sizes, strict=True)]  # D = 20 N
slope_fixed, slope_optimal = (-scaling.power_law_fit(flop_sizes, c)[1] for c in (fixed_data, optimal))
print(f"log-log slope of counted compute against N: {slope_fixed:.3f} at fixed D, {slope_optimal:.3f} along D = 20N")
for n, c in zip(flop_sizes, optimal, strict=True):
    print(f"  N = {size.human_count(n):>6}: counted compute at D = 20N is {c / (120 * n**2):.3f} x 120 N^2")
assert abs(slope_fixed - 1) < 0.02 and abs(slope_optimal - 2) < 0.02  # linear, and quadratic
assert all(abs(c / (120 * n**2) - 1) < 0.08 for n, c in zip(flop_sizes, optimal, strict=True))

# equal steps of 100B parameters along the compute-optimal line: an exponential would multiply by one factor
steps_n = [100e9 * k for k in range(1, 6)]
growth = [scaling.training_flops(b, 20 * b) / scaling.training_flops(a, 20 * a) for a, b in zip(steps_n, steps_n[1:], strict=False)]
print("compute factor for each further 100B parameters:", ", ".join(f"x{g:.2f}" for g in growth))
assert all(g1 > g2 for g1, g2 in zip(growth, growth[1:], strict=False))  # the factor shrinks: not exponential

# %% [markdown]
# On log-log axes both are straight lines, of slope 1 and 2 (the small gap from 120 $N^2$ is
# attention's share, which shrinks as the model widens). Each further 100 billion parameters
# multiplies the compute by a *smaller* factor (x4, then x2.25, x1.78, x1.56), where an exponential
# would keep one factor forever. Compute is expensive because $N$ and $D$ are both large and it is
# their product, not because it is exponential in either.
#
# By this rule GPT-3 was **under-trained**: for its compute, a model a third of its size
# trained on three times the data would have done better. That is the Chinchilla paper's main
# point about the models of 2020-2021.
#
# The rule minimises the cost of *training*. A model is trained once and then served for every
# request, and serving costs about $2N$ FLOPs per generated token (lesson 1.8), so a smaller
# model trained on more tokens than "optimal" costs more to train but less for every token it
# ever generates. LLaMA's authors (2023) say so directly: they aim for the model that is
# cheapest at inference, and found that a 7B model kept improving after 1T tokens, 149 tokens
# per parameter. LLaMA-7B is the clear **over-trained** example (过度训练, on purpose). The Llama 3
# paper (2024) does the same with its small models: "we also train our smaller models for much
# longer than is compute-optimal", so that they "perform better than compute-optimal models at
# the same inference budget"; Meta's announcement says its 8B and 70B models kept improving up to
# 15T tokens, nearly 2,000 tokens per parameter for the 8B.
#
# Its flagship, Llama 3.1 405B, is a different case. At 15.6T tokens it has about 39 tokens per
# parameter, nearly twice Chinchilla's ratio, yet the paper says that its scaling laws "suggest our
# flagship model is an approximately compute-optimal size for our training budget": a law fitted
# to Meta's own data and models, extrapolated to $3.8 \times 10^{25}$ FLOPs, called for 402B
# parameters on 16.55T tokens. The 20:1 ratio is a fit to DeepMind's models, data and tokenizer
# of 2022, not a law of nature, so "compute-optimal" depends on whose fit. On a plot of $N$
# against $D$, the line $D = 20N$ marks Chinchilla's optimum.

# %%
fig, ax = figure(width=7, height=4.6)
n_range = torch.logspace(9, 12.3, 20, dtype=torch.float64)
ax.plot(n_range, 20 * n_range, color="black", linestyle="--", label="D = 20 N (Chinchilla)")
for budget, style in ((1e23, ":"), (1e25, "-.")):
    ax.plot(n_range, budget / (6 * n_range), color="0.6", linestyle=style, label=f"C = {budget:.0e} FLOPs")
groups = (("fewer than 13 tokens/parameter", "v", PALETTE[3], 0, 20 / 1.5),
          ("about 20 tokens/parameter", "o", PALETTE[2], 20 / 1.5, 20 * 1.5),
          ("more than 30 tokens/parameter", "^", PALETTE[0], 20 * 1.5, math.inf))
for label, marker, color, low, high in groups:
    group = [m for m in with_tokens if low <= m.training_tokens / m.parameters_per_token < high]
    ax.scatter([m.parameters_per_token for m in group], [m.training_tokens for m in group], color=color,
               marker=marker, zorder=3, label=label)
nd_offsets = {"Chinchilla": (6, -9), "LLaMA-65B": (-52, 5), "MT-NLG": (-12, -12), "Gopher": (4, 5),
              "GPT-3": (-14, -13), "GLM-130B": (-50, -3)}
for m in with_tokens:
    ax.annotate(m.name, (m.parameters_per_token, m.training_tokens), textcoords="offset points",
                xytext=nd_offsets.get(m.name, (6, -3)), fontsize=7)
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_ylim(1e11, 1e14)
ax.set_xlabel("parameters N (active)")
ax.set_ylabel("training tokens D")
ax.set_title("Tokens per parameter against Chinchilla's 20:1 line")
legend = ax.legend(loc="upper left", fontsize=8)
assert overlapping_texts(ax) == []

# %%
# NBVAL_CHECK_OUTPUT
for name in ("GPT-3", "Gopher", "Chinchilla", "LLaMA-7B", "Llama 3.1 405B"):
    m = by_name[name]
    print(f"{name:<15} {m.training_tokens / m.parameters:6.1f} tokens per parameter")
per_parameter = {name: by_name[name].training_tokens / by_name[name].parameters for name in by_name}
assert per_parameter["GPT-3"] < 20 / 1.5 and per_parameter["LLaMA-7B"] > 5 * 20  # under, and far over
meta_n, meta_d = 402e9, 16.55e12  # Meta's own compute-optimal point for 3.8e25 FLOPs (Llama 3 paper, 3.2.1)
print(f"Meta's fit for 3.8e25 FLOPs: 402B on 16.55T = {meta_d / meta_n:.1f} tokens per parameter; "
      f"the 405B run: {per_parameter['Llama 3.1 405B']:.1f}")
assert abs(by_name["Llama 3.1 405B"].parameters / meta_n - 1) < 0.01  # the size Meta's law called for
assert abs(by_name["Llama 3.1 405B"].training_tokens / meta_d - 1) < 0.06  # on 6% fewer tokens

# %% [markdown]
# ## What "large" means today, computed from a configuration
#
# Llama 3.1 405B is the largest **open-weight** dense model (its weights can be downloaded)
# whose configuration and number of training tokens are published. PaLM (540B) and MT-NLG (530B),
# in the table above, are larger dense models, but their weights were never released.
# Its paper gives its shape: $L = 126$ layers, width $d = 16384$, an MLP of width 53,248,
# 128 attention heads of which only 8 are used for keys and values (**grouped-query
# attention**, GQA), and a vocabulary of 128,000 tokens. Its architecture differs from
# lesson 1.1's GPT in details (a gated MLP with three matrices, no biases, separate input and
# output embeddings), which `lib.scaling.llama_parameter_count` spells out. From the
# configuration alone:

# %%
llama = dict(n_layer=126, d_model=16384, ffn_dim=53248, vocab_size=128_000, n_head=128, n_kv_head=8)
n_llama = scaling.llama_parameter_count(**llama)
llama_run = by_name["Llama 3.1 405B"]
assert by_name["PaLM"].parameters > by_name["MT-NLG"].parameters > llama_run.parameters
c_llama = scaling.training_flops(n_llama, llama_run.training_tokens)
print(f"parameters from the configuration: {n_llama:,} ({size.human_count(n_llama)})")
print(f"training compute 6ND with D = {size.human_count(llama_run.training_tokens)} tokens: {c_llama:.2e} FLOPs "
      f"(published: {llama_run.training_compute:.1e})")
assert abs(n_llama / 405e9 - 1) < 0.005
assert abs(c_llama / llama_run.training_compute - 1) < 0.01

sustained = 4e14  # FLOP/s: about 40% of an H100's dense bf16 peak (about 1e15), as large runs achieve
gpu_years = c_llama / sustained / (365 * 86400)
print(f"at {sustained:.0e} FLOP/s: {gpu_years:,.0f} GPU-years; on 16,000 such GPUs: {gpu_years * 365 / 16000:.0f} days")

# %% [markdown]
# 405.8 billion parameters: the name is right. $3.8 \times 10^{25}$ FLOPs: the published total.
# At a realistic sustained rate that is three thousand GPU-years, which is why such a run
# uses many thousands of GPUs for months.
#
# ### Memory: weights, gradients and the optimizer
#
# Lesson 1.1 measured 16 bytes per parameter to train with Adam in mixed precision:
# 2 (bf16 weights) + 2 (bf16 gradients) + 4 (fp32 master copy) + 8 (Adam's $m$ and $v$ in fp32).
# Training in plain fp32 also takes 16, by a different sum: 4 (fp32 weights) + 4 (fp32 gradients)
# + 8 (Adam's $m$ and $v$), with no master copy, since the weights already are fp32. The two 16s
# **coincide**: mixed precision halves the weights and the gradients (saving 2 + 2 bytes) and
# spends exactly those 4 bytes on the master copy. (It saves elsewhere: its activations and its
# arithmetic are in bf16.) We check the fp32 sum on the small GPT, whose weights and gradients
# are fp32, by adding up the bytes of each kind of tensor after one Adam step, and compare both
# sums with lib's formula, `lib.scale.memory.model_state_bytes`.

# %%
optimizer = torch.optim.Adam(small.parameters(), lr=1e-3)
optimizer.step()  # the gradients from the counted step above are still there
n_small = small.num_parameters()
weight_bytes = sum(p.numel() * p.element_size() for p in small.parameters())
grad_bytes = sum(p.grad.numel() * p.grad.element_size() for p in small.parameters())
adam_bytes = sum(t.numel() * t.element_size() for state in optimizer.state.values()
                 for name, t in state.items() if name in ("exp_avg", "exp_avg_sq"))
print(f"{n_small:,} parameters: weights {weight_bytes:,} B + gradients {grad_bytes:,} B + Adam {adam_bytes:,} B "
      f"= {(weight_bytes + grad_bytes + adam_bytes) / n_small:.0f} bytes per parameter")
assert (weight_bytes, grad_bytes, adam_bytes) == (4 * n_small, 4 * n_small, 8 * n_small)  # 4 + 4 + 8, each counted
fp32_state, mixed_state = (model_state_bytes(n_small, precision) for precision in ("fp32", "mixed"))
assert weight_bytes + grad_bytes + adam_bytes == fp32_state.total == mixed_state.total == 16 * n_small
assert mixed_state.weights + mixed_state.gradients == mixed_state.master_weights  # where the coincidence lies

# %% [markdown]
# ### Memory for inference: the KV cache
#
# A model generates text one token at a time. Each new token's query attends to the keys and
# values of every earlier token, and recomputing them at every step would be wasteful, so they
# are kept: the **KV cache** (键值缓存). Each layer stores one key vector and one value vector
# of width $d$ per token, so the cache holds
#
# $$2 \cdot L \cdot d \cdot \text{bytes per number}$$
#
# bytes per token (times the number of tokens and sequences). We check the formula on the
# small GPT with **forward hooks** (lesson 1.3): `module.register_forward_hook(fn)` makes PyTorch
# call `fn(module, inputs, output)` every time the module runs. Hooked on each layer's
# query-key-value projection, it catches the keys and values the layer actually computes, and we
# add up their bytes; `hook.remove()` takes the hook off again.

# %%
caught = []


def keep_keys_and_values(module, inputs, output):
    q, k, v = output.split(small_config.d_model, dim=2)
    caught.extend([k, v])


hooks = [block.attn.qkv.register_forward_hook(keep_keys_and_values) for block in small.blocks]
with torch.no_grad():
    small(idx)
for hook in hooks:
    hook.remove()
kv_actual = sum(t.numel() * t.element_size() for t in caught)
kv_formula = scaling.kv_cache_bytes(small_config.n_layer, small_config.d_model, n_tokens=seq_len, batch_size=batch,
                                    dtype="fp32")
print(f"{len(caught)} key/value tensors of shape {tuple(caught[0].shape)}: {kv_actual:,} bytes; formula: {kv_formula:,} bytes")
assert kv_actual == kv_formula

# %% [markdown]
# At scale the cache is large. GPT-3 (standard attention) keeps $2 \cdot 96 \cdot 12288$ numbers
# per token. Llama 3.1 405B caches only 8 of its 128 heads (GQA), 16 times less per layer than
# full attention would, and yet one 128K-token context still takes tens of gigabytes.

# %%
# NBVAL_CHECK_OUTPUT
gpt3_params = gpt_on_meta(GPT3_175B).num_parameters()
rows = {
    "GPT-3 175B": (gpt3_params, scaling.kv_cache_bytes(96, 12288), 2048),
    "Llama 3.1 405B": (n_llama, scaling.kv_cache_bytes(126, 16384, n_head=128, n_kv_head=8), 131072),
    "  (without GQA)": (n_llama, scaling.kv_cache_bytes(126, 16384), 131072),
}
print(f"{'model':<16} {'weights bf16':>12} {'train (16 B/p)':>15} {'KV per token':>13} {'KV, full context':>22}")
for name, (n, kv_per_token, context) in rows.items():
    print(f"{name:<16} {size.human_bytes(size.weight_memory_bytes(n, 'bf16')):>12} "
          f"{size.human_bytes(n * size.TRAINING_BYTES_PER_PARAMETER_ADAM_MIXED):>15} "
          f"{size.human_bytes(kv_per_token):>13} {size.human_bytes(kv_per_token * context):>13} ({context:,} tok)")

# %% [markdown]
# So "large" today means: about $10^{11}$ to $10^{12}$ parameters; $10^{13}$ training tokens;
# from a few $10^{24}$ to about $4 \times 10^{25}$ FLOPs of training compute (the 2024 models
# above, asserted below); close to a terabyte just to hold the weights
# for serving, several terabytes of training state, and a KV cache that grows with every token
# of context and every user served at once.

# %%
frontier = {m.name: scaling.training_flops(m.parameters_per_token, m.training_tokens)
            for m in with_tokens if m.released >= "2024"}  # the largest runs of 2024 in the table
print("training compute by 6ND:", {name: f"{c:.1e} FLOPs" for name, c in frontier.items()})
assert all(2e24 < c < 4e25 for c in frontier.values()) and max(frontier.values()) > 3e25

# %% [markdown]
#
# ## A small scaling experiment
#
# Kaplan et al. (2020) found that a language model's test loss falls as a **power law** (幂律)
# of its size: $\mathcal{L}(N) \approx a N^{-\alpha}$ (we write the loss $\mathcal{L}$; $L$ is the
# number of layers), a straight line on log-log axes. We can see the beginning of that on this
# machine. Four GPTs of growing width read the same 400 batches of the Python documentation
# (1,000 on a GPU), one character per token, and we measure their cross-entropy loss on held-out
# topics. They train as in lesson 1.3: Adam, with gradients clipped to norm 1 (`grad_clip=1.0`;
# lesson 1.3 explains clipping and checks it against `clip_grad_norm_`).

# %%
text = load_python_docs("all")
tokenizer = CharTokenizer.from_text(text)
train_tokens = tokenizer.encode_tensor(load_python_docs("train"))
val_tokens = tokenizer.encode_tensor(load_python_docs("validation"))
context, batch_size, n_layer_run, widths_run = 32, 32, 2, [8, 16, 32, 64]
steps = 400 if device.type == "cpu" else 1000  # a GPU affords 2.5 times the training
val_inputs, val_targets = next_token_blocks(val_tokens, context)
val_batches = make_batches(val_inputs, val_targets, batch_size=512, shuffle=False)


def loss_fn(logits, targets):
    return F.cross_entropy(logits.flatten(0, 1), targets.flatten())


results = []
for d in widths_run:
    seed_everything(0)
    model = GPT(GPTConfig(vocab_size=tokenizer.vocab_size, context_length=context, n_layer=n_layer_run, n_head=2,
                          d_model=d))
    train_batches = RandomBlocks(train_tokens, context, batch_size, batches_per_epoch=steps, seed=0)
    adam = torch.optim.Adam(model.parameters(), lr=3e-3)
    # a GPT returns (logits, loss); LogitsOnly gives fit and evaluate the logits they expect
    fit(LogitsOnly(model), train_batches, loss_fn, adam, epochs=1, device=device, metric=None, grad_clip=1.0)
    val_loss = evaluate(LogitsOnly(model), val_batches, loss_fn, device=device, metric=None)["loss"]
    results.append((model.num_parameters(), val_loss))
    print(f"d_model {d:>3}: {model.num_parameters():>7,} parameters, validation loss {val_loss:.3f}")

params_run = [n for n, _ in results]
losses_run = [v for _, v in results]
assert all(a > b + 0.05 for a, b in zip(losses_run, losses_run[1:], strict=False)), losses_run
assert losses_run[-1] < math.log(tokenizer.vocab_size) - 2  # far below guessing uniformly

# %%
a, alpha = scaling.power_law_fit(params_run, losses_run)
fig, ax = figure()
ax.scatter(params_run, losses_run, zorder=3, label=f"{steps} steps of {batch_size} x {context} characters")
grid = torch.logspace(math.log10(params_run[0]) - 0.2, math.log10(params_run[-1]) + 0.2, 20)
ax.plot(grid, a * grid ** (-alpha), linestyle="--", color=PALETTE[1], label=f"fit: loss = {a:.2f} N^(-{alpha:.3f})")
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("parameters N")
ax.set_ylabel("validation loss (nats per character)")
ax.set_title("Bigger models learn more from the same data")
ax.yaxis.set_major_formatter(FormatStrFormatter("%.1f"))
ax.yaxis.set_minor_formatter(FormatStrFormatter("%.1f"))
ax.legend()
# the CPU run reaches 0.994, so "close to a line" means at least 0.99; the GPU run (1,000 steps) was not measured
R2_FLOOR = 0.99 if device.type == "cpu" else 0.97
r_squared = scaling.log_log_r_squared(params_run, losses_run)
print(f"fitted exponent alpha = {alpha:.3f}; R^2 of the line on log-log axes = {r_squared:.4f}")
assert r_squared > R2_FLOOR

# %% [markdown]
# Each doubling of width multiplies the parameters by three to four and lowers the loss by a
# similar step: on log axes the points lie close to a line. The $R^2$ printed above measures how
# close (1 would be exactly on it; 0 no better than a flat line); the cell asserts it is above 0.99
# for this CPU run (which reaches 0.994), and above a looser 0.97 for the longer GPU run, which
# has not been measured. This is a toy, not a scaling law:
# the models are tiny, each saw the same 400 batches (about 400k characters), all used one
# learning rate (wider models would need a smaller one, which is why we stop at $d = 64$),
# and the loss cannot fall below the entropy of the text, so the line must bend at larger
# sizes. Scaling-law studies tune each run and fit $L(N, D)$ with such a floor over hundreds
# of runs; that is how the Chinchilla rule above was found.
#
# ## Try it: size a training run
#
# `lib.scaling.training_budget_report` takes a parameter count and a number of tokens and
# reports the compute, the tokens per parameter, the compute-optimal split of the same budget,
# and the memory. The widget moves both on log scales.

# %%
print(scaling.training_budget_report(175e9, 300e9))


def show_budget(log10_parameters: float = 11.2, log10_tokens: float = 11.5) -> None:
    print(scaling.training_budget_report(10**log10_parameters, 10**log10_tokens))


interactive_view(show_budget, log10_parameters=(6.0, 12.5, 0.1), log10_tokens=(8.0, 14.0, 0.1))

# %% [markdown]
# ## Summary
#
# - Deep learning's modern run began with deep belief networks (2006) and AlexNet (2012). The
#   source article's "2014, Microsoft, 170 million parameters" most likely garbles Project Adam
#   (2014, about 2 billion connections).
# - Training costs $C \approx 6ND$ FLOPs: 2 per parameter per token forward, 4 backward. PyTorch's
#   FLOP counter agrees exactly once attention ($4LTd$ per token forward) and the free embedding
#   lookup are accounted for, and the gap to $6ND$ vanishes as the model widens.
#   Published totals (GPT-3, PaLM, Llama 3.1) agree with $6ND$ to within 2%.
# - Chinchilla: for a fixed budget, about 20 tokens per parameter minimises training loss, so
#   $N = \sqrt{C/120}$. GPT-3 (1.7 tokens per parameter) was under-trained; LLaMA-7B (149) and
#   Llama 3's 8B were trained far past that point on purpose: a smaller model on more data costs
#   more to train and less to serve. Llama 3.1 405B (39) is, by Meta's own scaling law, close to
#   compute-optimal: the 20:1 ratio is one fit, not a law of nature.
# - Compute is linear in $N$ at fixed data and $120N^2$ along $D = 20N$: a power law, not the
#   exponential the source article claims.
# - Today's large models: $10^{11}$-$10^{12}$ parameters, $10^{13}$ tokens, a few $10^{24}$ to
#   $4 \times 10^{25}$ FLOPs, 16 bytes per parameter to train (in mixed precision and, by a
#   coincidence of sums, in fp32), and a KV cache of $2Ld$ numbers per token to serve.
# - Even tiny GPTs show loss falling as a power of size.
#
# ## Exercises
#
# **1.** LLaMA-65B has 65 billion parameters and was trained on 1.4 trillion tokens. What was
# its training compute by $6ND$, in FLOPs?

# %%
# BEGIN SOLUTION
answer_1 = 6 * 65e9 * 1.4e12
# END SOLUTION
check("1.4.llama-65b-flops", answer_1)

# %% [markdown]
# The check rejects a classic slip: counting only the forward pass (2 FLOPs per parameter per
# token) gives a third of the answer.

# %%
forward_only = 2 * 65e9 * 1.4e12  # counts the forward pass only
print(expect_wrong(check, "1.4.llama-65b-flops", forward_only))

# %% [markdown]
# **2.** You have a budget of $10^{24}$ FLOPs. How many parameters should your model have by
# the Chinchilla rule ($D = 20N$, $C = 6ND$)?

# %%
# BEGIN SOLUTION
answer_2 = math.sqrt(1e24 / (6 * 20))
# END SOLUTION
check("1.4.chinchilla-params", answer_2)

# %% [markdown]
# **3.** How many bytes does GPT-3's KV cache take for one sequence of 2,048 tokens in bf16
# ($L = 96$, $d = 12288$)? Compute it with the formula, not the function.

# %%
# BEGIN SOLUTION
answer_3 = 2 * 96 * 12288 * 2 * 2048
# END SOLUTION
check("1.4.gpt3-kv-bytes", answer_3)

# %% [markdown]
# **4.** The small GPT above ($L = 2$, $d = 64$, $V = 96$) took 256 tokens as 4 sequences of
# $T = 64$. How many FLOPs does a training step take on the same 256 tokens cut into 8
# sequences of $T = 32$? Write the count with the formula; the check lets PyTorch count it.

# %%
# BEGIN SOLUTION
L, d, V, T = 2, 64, 96, 32
answer_4 = 256 * 3 * (2 * (12 * L * d**2 + V * d) + 4 * L * T * d)
# END SOLUTION
check("1.4.flops-t32", answer_4)

# %% [markdown]
# **5. Predict, then run.** A lab moves from a compute-optimal 7B model to a compute-optimal
# 70B model (both with $D = 20N$). By what factor does the training compute grow? Write your
# prediction first (the source article would say "exponentially"); the cell then computes both
# budgets and the check compares.

# %%
# BEGIN SOLUTION
prediction_5 = (70 / 7) ** 2
# END SOLUTION
budgets = [scaling.training_flops(n, scaling.CHINCHILLA_TOKENS_PER_PARAMETER * n) for n in (7e9, 70e9)]
print(f"your prediction: x{prediction_5:g}; 7B: {budgets[0]:.2e} FLOPs, 70B: {budgets[1]:.2e} FLOPs "
      f"(x{budgets[1] / budgets[0]:g})")
check("1.4.optimal-compute-growth", prediction_5)

# %% [markdown]
# ## References
#
# - Hinton, Osindero & Teh, *A Fast Learning Algorithm for Deep Belief Nets*, Neural Computation 18(7), 2006.
# - Krizhevsky, Sutskever & Hinton, *ImageNet Classification with Deep Convolutional Neural Networks*, NeurIPS 2012 (AlexNet).
# - Kaplan et al., *Scaling Laws for Neural Language Models*, 2020, arXiv:2001.08361 ($C \approx 6ND$, loss as a power law of size).
# - Hoffmann et al., *Training Compute-Optimal Large Language Models*, NeurIPS 2022, arXiv:2203.15556 (Chinchilla).
# - Brown et al., *Language Models are Few-Shot Learners*, NeurIPS 2020, arXiv:2005.14165 (GPT-3; Appendix D gives its compute).
# - Touvron et al., *LLaMA: Open and Efficient Foundation Language Models*, 2023, arXiv:2302.13971.
# - Llama Team, AI @ Meta, *The Llama 3 Herd of Models*, 2024, arXiv:2407.21783 (Section 1: the flagship "an approximately compute-optimal size for our training budget", the smaller models trained "much longer than is compute-optimal"; Section 3.2.1: 402B parameters on 16.55T tokens for $3.8 \times 10^{25}$ FLOPs).
# - Meta, *Introducing Meta Llama 3*, blog post, 18 April 2024 (the 8B and 70B models "continued to improve log-linearly after we trained them on up to 15T tokens").
# - Chilimbi, Suzue, Apacible & Kalyanaraman, *Project Adam: Building an Efficient and Scalable Deep Learning Training System*, OSDI 2014 (a network of about 2 billion connections).
# - Simonyan & Zisserman, *Very Deep Convolutional Networks for Large-Scale Image Recognition*, 2014, arXiv:1409.1556 (VGG-16).
# - Rajbhandari et al., *ZeRO: Memory Optimizations Toward Training Trillion Parameter Models*, SC 2020, arXiv:1910.02054 (bytes per parameter of training state).
# - Ainslie et al., *GQA: Training Generalized Multi-Query Transformer Models from Multi-Head Checkpoints*, EMNLP 2023, arXiv:2305.13245.
# - PyTorch documentation, `torch.utils.flop_counter.FlopCounterMode` and `torch.nn.attention.sdpa_kernel`.
#
# The sources of every model's figures:

# %%
for m in with_tokens:
    print(f"{m.name:<18} {m.source}" + (f"; compute: {m.compute_source}" if m.compute_source else ""))
