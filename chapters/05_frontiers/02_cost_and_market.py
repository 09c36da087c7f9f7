# %% [markdown]
# # 5.2 Cost and market position (成本与市场格局)
#
# **Time:** about 1 min on a laptop CPU · **Prerequisites:** lessons 1.4 (compute, $C \approx 6ND$) and 1.8 (the market, serving, the decode bound) · **You will learn:** to turn a model's size and data into GPU-hours, days and dollars through peak throughput and utilization (MFU); to check that calculator against Llama 3.1 405B's published figures; what a million tokens costs to read and to generate, and why batching decides it; the memory to serve at each precision; and what these numbers say about who builds large models, who buys them, and why the price per token keeps falling.
#
# In this lesson you will:
#
# - apply $C \approx 6ND$ to real configurations (Llama 3 8B and Llama 3.1 405B) and see what it
#   leaves out at long contexts;
# - turn FLOPs into time and money with an accelerator's peak, the **model FLOPs utilization**
#   (模型算力利用率, MFU) and an hourly price, and measure an MFU on this machine;
# - check the calculator against the GPU-hours Meta published for Llama 3.1 405B;
# - price **inference** (推理): reading a prompt (**prefill**, 预填充) is limited by arithmetic,
#   generating (**decode**, 解码) by memory bandwidth, and **batching** (批处理) decides the price;
# - compute the memory to serve in fp32, bf16, int8 and int4, with the **KV cache** (键值缓存);
# - read the market with those numbers: who builds, who buys, open versus closed weights, and the
#   falling price per token (data from `lib.data.market`, lesson 1.8);
# - put every input in a widget.

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
import datetime
import math

import torch

from lib.course.checks import expect_wrong
from lib.course.exercises import check
from lib.course.lesson import lesson_setup
from lib.data import market
from lib.lessons.lesson_5_2_cost import matmul_flops_per_second, measure_training_mfu
from lib.models.gpt import GPT, GPT3_175B, LLAMA3_8B, GPTConfig, gpt_on_meta
from lib.scale import compute as scaling
from lib.scale import costs
from lib.scale.parameters import human_bytes, human_count
from lib.scale.serving import DATASHEETS, decode_tokens_per_second_bound
from lib.viz.plots import PALETTE, figure
from lib.viz.widgets import interactive_view

device, generator = lesson_setup(seed=0)  # seed, device, one CPU thread for tiny models, the course's plot style

# %% [markdown]
# ## What the source article says
#
# The article's title promises the **market position** (市场定位) of large models, but it gives no
# figure: no price, no cost, no buyer. Its section 8 lists "compute requirements" as the first
# challenge and claims that "as models grow, the consumption of compute resources grows
# exponentially" (计算资源的消耗将呈指数级增长). This lesson puts numbers where the article has
# adjectives. One check right away: training compute is $C \approx 6ND$ (lesson 1.4), a product, not
# an exponential. Double the parameters $N$ at a fixed number of tokens $D$ and $C$ doubles; double
# them and scale the data with them, as the compute-optimal rule of Hoffmann et al. (2022) asks
# ($D \approx 20N$), and $C$ quadruples. Polynomial growth, steep enough, but not exponential;
# lesson 5.1 tests the loss side of the same claim.

# %%
# NBVAL_CHECK_OUTPUT
for n in (1e9, 2e9, 4e9):
    fixed, optimal = scaling.training_flops(n, 1e12), scaling.training_flops(n, 20 * n)
    print(f"N = {human_count(n):>5}: C at D = 1T tokens {fixed:.1e}; C at D = 20N {optimal:.1e}")
assert scaling.training_flops(2e9, 1e12) / scaling.training_flops(1e9, 1e12) == 2
assert scaling.training_flops(2e9, 40e9) / scaling.training_flops(1e9, 20e9) == 4

# %% [markdown]
# ## Training compute on real configurations
#
# Lesson 1.4 derived $C \approx 6ND$ (2 FLOPs per parameter and token forward, 4 backward) and
# counted it with PyTorch on a small GPT. A real model adds attention over the context: the course's
# `GPT.flops_per_token` counts PaLM's $6N + 12LdT$ (Chowdhery et al. 2022), with $L$ layers of width
# $d$ and $T$ tokens of context. We build Llama 3 8B and Llama 3.1 405B from their published
# configurations (Llama Team 2024, Table 3) on PyTorch's meta device, where shapes exist without
# memory, and compare. We also check the parameter count against `llama_parameter_count`, which
# adds up the same layers by formula.

# %%
_LLAMA = {"position": "rotary", "norm": "rms", "mlp": "swiglu", "bias": False, "tie_embeddings": False}
LLAMA31_405B = GPTConfig(vocab_size=128256, context_length=8192, n_layer=126, n_head=128, d_model=16384,
                         n_kv_head=8, mlp_hidden=53248, rope_base=500000.0, **_LLAMA)
llama_8b, llama_405b = gpt_on_meta(LLAMA3_8B), gpt_on_meta(LLAMA31_405B)
n_8b, n_405b = llama_8b.num_parameters(), llama_405b.num_parameters()
assert n_8b == scaling.llama_parameter_count(32, 4096, 14336, 128256, 32, 8)
assert n_405b == scaling.llama_parameter_count(126, 16384, 53248, 128256, 128, 8)
assert abs(n_405b / 405e9 - 1) < 0.005  # the name rounds the count

# %%
# NBVAL_CHECK_OUTPUT
print(f"{'model':<15} {'N':>7} {'T':>8} {'flops_per_token / 6N':>21}")
for name, model in (("Llama 3 8B", llama_8b), ("Llama 3.1 405B", llama_405b)):
    for context in (8192, 131072):
        ratio = model.flops_per_token(context) / (6 * model.num_parameters())
        print(f"{name:<15} {human_count(model.num_parameters()):>7} {context:>8,} {ratio:>21.3f}")

# %% [markdown]
# At the 8,192-token context that most of Llama 3's pre-training used, $6N$ undercounts the 405B
# model by about 8% (attention's $12LdT$ against $6N$) and the 8B model by about 20%, since attention's share
# grows with context and shrinks with width. At 128K tokens attention dominates the small model.
# Published compute totals use $6ND$ all the same, and so does Meta's: 405B parameters on 15.6T
# tokens.

# %%
c_405b = scaling.training_flops(n_405b, 15.6e12)
reported_flops = 3.8e25  # Llama Team 2024, section 1: "pre-trained using 3.8 x 10^25 FLOPs"
print(f"6ND = 6 x {human_count(n_405b)} x 15.6T = {c_405b:.3e} FLOPs; Meta reports {reported_flops:.1e}")
assert abs(c_405b / reported_flops - 1) < 0.01

# %% [markdown]
# ## From FLOPs to days and dollars
#
# An accelerator's **peak** (峰值算力) is the arithmetic rate its datasheet promises. NVIDIA's H100 SXM
# datasheet lists 1,979 TFLOP/s for bf16 *with sparsity*, which dense training does not use: the
# dense peak is half, 989.5 TFLOP/s; its memory moves 3.35 TB/s. Those figures are
# `lib.scale.serving.DATASHEETS` (lesson 1.8) and `lib.core.hardware.peak_flops`. No real run keeps
# the chip busy all the time: communication, memory traffic, the non-matrix operations and the
# pipeline's idle moments take their share. The **model FLOPs utilization** (MFU) is the fraction
# that remains: the model's FLOPs per second (counted as above) divided by the peak (Chowdhery et al.
# 2022). Then, for compute $C$ on $n$ accelerators at price $p$ per accelerator-hour,
#
# $$\text{accelerator-hours} = \frac{C}{\text{peak} \times \text{MFU} \times 3600}, \qquad
#   \text{days} = \frac{\text{accelerator-hours}}{24\,n}, \qquad \text{price} = p \times \text{accelerator-hours}.$$
#
# `lib.scale.costs` holds these formulas. First, what is an MFU? We measure one on this machine. A
# CPU has no published peak, so we take the best rate of a few large matrix products as this
# machine's peak, then train a GPT of lesson 3.4's shape for a few steps with the course's engine,
# which logs tokens per second and MFU once it knows a peak.

# %%
cpu_peak = matmul_flops_per_second((256, 512, 1024), device)
tiny_shape = GPTConfig(vocab_size=1024, context_length=96, n_layer=4, n_head=4, d_model=128, position="rotary")
measured = measure_training_mfu(tiny_shape, cpu_peak, batch_size=8, steps=8, device=device)
print(f"matrix products on this machine: {cpu_peak / 1e9:.0f} GFLOP/s; a training step of the small GPT: "
      f"{measured.tokens_per_second:,.0f} tokens/s x {measured.flops_per_token / 1e6:.1f} MFLOPs per token "
      f"= MFU {measured.mfu:.0%}")
assert 0 < measured.mfu < 1

# %% [markdown]
# Even on one CPU thread, a training step of this small model reaches only part of what a bare
# matrix product does: its matrices are small (width 128), and softmax, normalization, the optimizer
# and Python's overhead do no matrix arithmetic. (The number varies with the machine and whatever
# else runs on it; a shared machine measures low.) Large runs on thousands of GPUs are in the same
# range for other reasons, as the next check shows.
#
# ## Checking the calculator against Llama 3.1 405B
#
# Meta published both sides of the equation. The Llama 3 paper (Llama Team 2024, section 3.3.2 and
# Table 4) reports a bf16 MFU of 38% to 43% across its three pre-training configurations on 8,192
# and 16,384 H100s. The Llama 3.1 model card reports **30.84 million** H100 GPU-hours for the 405B
# model. (The card's often-quoted 39.3 million is the total of the 8B, 70B and 405B models.) What
# does the calculator predict from $C$ and the MFU?

# %%
h100 = DATASHEETS["H100 SXM"]
reported_hours = 30.84e6  # Llama 3.1 model card, 405B row
for mfu in (0.43, 0.41, 0.38):
    hours = costs.accelerator_hours(reported_flops, h100.peak_flops, mfu)
    assert math.isclose(hours, reported_flops / (h100.peak_flops * mfu * 3600), rel_tol=1e-12)  # the formula above
    print(f"MFU {mfu:.0%}: {hours / 1e6:.1f}M GPU-hours predicted; reported / predicted = {reported_hours / hours:.2f}")
average = costs.implied_mfu(reported_flops, reported_hours, h100.peak_flops)
print(f"the MFU that the reported GPU-hours imply, averaged over the whole run: {average:.1%}")
undershoot = [reported_hours / costs.accelerator_hours(reported_flops, h100.peak_flops, m) for m in (0.38, 0.43)]
assert 1.05 < undershoot[0] < 1.15 and 1.2 < undershoot[1] < 1.3
assert 0.33 < average < 0.36

# %% [markdown]
# The calculator, fed the paper's MFU, predicts 24.8 to 28.1 million GPU-hours; the reported figure
# is 1.10 to 1.24 times that. The reported number averages over everything a real run spends time
# on. The paper counts 466 job interruptions in a 54-day snapshot of pre-training (419 of them
# unexpected, mostly hardware failures), each costing a restart from the last checkpoint, and
# reports "higher than 90% effective training time"; the long-context stage ran at the lowest MFU,
# 38%; and the card's GPU-hours include everything its "training time" covers. An average of 34.6%
# over the whole run is what remains. A calculator with a planning MFU is a good first estimate,
# within tens of percent; the reported figure is the only truth about a run that has finished.
#
# And the price? Rental prices vary by provider, contract, region and date, so the price is an
# *input* here, not a fact. As one example: Amazon's on-demand price for a p5.48xlarge instance (8
# H100 SXM) in US East was \$98.32 per hour from P5's launch in July 2023 (the list price that
# price trackers quote; The Next Platform analysed P5's pricing on 27 July 2023), that is \$12.29 per
# GPU-hour. Amazon has since cut P5 prices, smaller
# clouds list H100s for much less, and reserved capacity costs less than on-demand.

# %%
example_price = 98.32 / 8  # $ per H100-hour: AWS p5.48xlarge on demand, US East, at launch (July 2023)
for label, price in (("the July 2023 on-demand example", example_price), ("a price 5x lower", example_price / 5)):
    print(f"{reported_hours / 1e6:.2f}M GPU-hours at ${price:.2f} per GPU-hour ({label}): "
          f"${reported_hours * price / 1e6:,.0f} million")
run = costs.training_estimate(n_405b, 15.6e12, h100.peak_flops, average, 16384, example_price)
print(f"on 16,384 GPUs at the implied {average:.1%} MFU, the same run takes {run.days:.0f} days")

# %% [markdown]
# Meta owns its GPUs, so it paid neither price; the point is the order of magnitude. Training a
# frontier model costs hundreds of millions of dollars' worth of accelerator time at rental
# prices and needs tens of thousands of GPUs for months. That is why so few organisations build
# them.
#
# ## Inference: reading is cheap, writing is not
#
# Serving a model has two phases (Pope et al. 2022):
#
# - **Prefill** reads the prompt. All its tokens pass through the model at once, so every weight
#   read from memory is used for many tokens: the phase is limited by arithmetic, $2N$ FLOPs per
#   token, and runs at an MFU like training's.
# - **Decode** generates, one token per sequence per step. Each step reads every weight once
#   ($N \times b$ bytes at $b$ bytes per weight) and does $2N$ FLOPs per sequence in the batch $B$.
#   Lesson 1.8 measured this bound on a CPU:
#
# $$t_\text{step} = \max\left(\frac{N b + B\,\text{kv}}{\text{bandwidth}},\; \frac{2NB}{\text{peak}}\right),$$
#
# where kv is one sequence's KV cache in bytes, read at every step. Ignore the cache and the two
# terms are equal at the **critical batch size** (临界批大小)
#
# $$B^* = \frac{\text{peak} \times b}{2 \times \text{bandwidth}},$$
#
# the same for every model: below it a step costs the same whatever the batch, so each extra
# sequence is nearly free; above it each sequence adds its own arithmetic. We check that the
# bound bends exactly there.

# %%
b_star = costs.critical_batch_size(h100.peak_flops, h100.bandwidth_bytes_per_s, "bf16")
below, above = math.floor(b_star), math.ceil(b_star)
weight_read = n_8b * 2 / h100.bandwidth_bytes_per_s  # seconds to read Llama 3 8B's bf16 weights once
rate_below = decode_tokens_per_second_bound(n_8b, h100.bandwidth_bytes_per_s, h100.peak_flops, "bf16", below)
rate_above = decode_tokens_per_second_bound(n_8b, h100.bandwidth_bytes_per_s, h100.peak_flops, "bf16", above)
assert math.isclose(rate_below, below / weight_read, rel_tol=1e-12)  # memory-bound: one weight read per step
assert math.isclose(rate_above, h100.peak_flops / (2 * n_8b), rel_tol=1e-12)  # compute-bound: peak / 2N
print(f"H100, bf16: B* = {b_star:.0f} sequences; Llama 3 8B decodes at most {rate_below:,.0f} tokens/s "
      f"at batch {below} and {rate_above:,.0f} at batch {above}")

# %% [markdown]
# Turning tokens per second into money: $n$ accelerators at $p$ an hour producing $r$ tokens per
# second cost $10^6\, n p / (3600\, r)$ dollars per million tokens. We plot that lower bound for
# decoding Llama 3 8B and Llama 3 70B on H100s at the example price, with each sequence holding
# 4,096 tokens of KV cache in bf16 (the calculator adds accelerators when the cache outgrows
# one), and prefill's cost at an MFU of 50% for comparison.

# %%
kv_8b = scaling.kv_cache_bytes(32, 4096, n_head=32, n_kv_head=8)  # bytes per token, bf16
n_70b = scaling.llama_parameter_count(80, 8192, 28672, 128256, 64, 8)
kv_70b = scaling.kv_cache_bytes(80, 8192, n_head=64, n_kv_head=8)
batches = [2**k for k in range(11)]
fig, ax = figure(width=8, height=4.6)
for (name, n, kv), color in zip((("Llama 3 8B", n_8b, kv_8b), ("Llama 3 70B", n_70b, kv_70b)), PALETTE, strict=False):
    curve = [costs.serving_cost(n, kv, h100, example_price, batch_size=b, context_tokens=4096) for b in batches]
    ax.plot(batches, [c.decode_cost_per_million for c in curve], marker="o", color=color,
            label=f"{name}: generated tokens (decode)")
    ax.axhline(curve[0].prefill_cost_per_million, color=color, linestyle=":",
               label=f"{name}: prompt tokens (prefill, MFU 50%)")
no_cache = [costs.serving_cost(n_8b, 0.0, h100, example_price, batch_size=b).decode_cost_per_million for b in batches]
ax.plot(batches, no_cache, color=PALETTE[0], linestyle="--", linewidth=1, label="Llama 3 8B, KV cache ignored")
ax.axvline(b_star, color="grey", linestyle="--", linewidth=1)
ax.annotate(f"B* = {b_star:.0f}", (b_star, 0.25), textcoords="offset points", xytext=(-4, 0), ha="right", fontsize=8,
            color="grey")
ax.set_xscale("log", base=2)
ax.set_yscale("log")
ax.set_xlabel("batch size B (sequences decoded together)")
ax.set_ylabel("$ per million tokens (log scale, lower bound)")
ax.set_title(f"Serving cost on H100s at ${example_price:.2f} per GPU-hour")
legend = ax.legend(fontsize=7, loc="upper right")

# %%
one = costs.serving_cost(n_8b, kv_8b, h100, example_price, batch_size=1, context_tokens=4096)
wide = costs.serving_cost(n_8b, kv_8b, h100, example_price, batch_size=256, context_tokens=4096)
print(f"Llama 3 8B: ${one.decode_cost_per_million:.2f} per million generated tokens at batch 1, "
      f"${wide.decode_cost_per_million:.3f} at batch 256; prefill ${one.prefill_cost_per_million:.3f}")
kv_16 = kv_8b * 4096  # one sequence's cache in bytes; the step formula above, with it, at batch 16:
step = max((n_8b * 2 + 16 * kv_16) / h100.bandwidth_bytes_per_s, 2 * n_8b * 16 / h100.peak_flops)
at_16 = costs.serving_cost(n_8b, kv_8b, h100, example_price, batch_size=16, context_tokens=4096)
assert math.isclose(at_16.decode_tokens_per_second, 16 / step, rel_tol=1e-12)
assert math.isclose(at_16.decode_cost_per_million, 1e6 * example_price / (3600 * 16 / step), rel_tol=1e-12)
assert 20 < one.decode_cost_per_million / wide.decode_cost_per_million < 40
assert wide.n_accelerators == 2  # 256 caches of 4,096 tokens outgrow one H100
assert one.prefill_cost_per_million < one.decode_cost_per_million / 100

# %% [markdown]
# At batch 1 a generated token costs over a hundred times what a prompt token does; batching
# brings the two together. With a real KV cache the curve flattens before $B^*$: each sequence's
# cache must be read at every step too, and it takes memory. Batch 256 makes Llama 3 8B's tokens
# 20 to 40 times cheaper here, not 256: its 256 caches of 4,096 tokens need a second H100, and at
# 4,096 tokens Llama 3 70B's cache is over a gigabyte per sequence.
# This is why API prices charge more for output tokens than for input tokens (lesson 1.8's table),
# and why serving is a business of scale: a provider with many users fills large batches, a single
# user cannot.
#
# ## Memory to serve, at each precision
#
# The weights take $N \times b$ bytes: $b = 4$ in fp32, 2 in bf16, 1 in int8 and ½ in int4
# (quantization, 量化, which costs a little accuracy; lesson 1.1 and `lib.compress`). The KV cache
# takes $2 \times L \times (\text{KV heads} \times d_k) \times b_\text{kv}$ bytes per token: keys and
# values, in every layer, for the key/value heads only, since Llama 3 uses **grouped-query
# attention** (分组查询注意力) with 8 of them. First we check that formula against the bytes of a
# real cache, filled by the course's GPT with grouped-query attention.

# %%
gqa = GPT(GPTConfig(vocab_size=100, context_length=64, n_layer=3, n_head=8, n_kv_head=2, d_model=64)).eval()
cache = gqa.new_kv_cache()
with torch.no_grad():
    gqa(torch.randint(0, 100, (5, 40), generator=generator), kv_cache=cache)
stored = sum(layer.keys[:, :, : cache.length].nbytes + layer.values[:, :, : cache.length].nbytes
             for layer in cache.layers)
formula = scaling.kv_cache_bytes(3, 64, n_tokens=40, batch_size=5, dtype="fp32", n_head=8, n_kv_head=2)
print(f"KV cache of 5 sequences x 40 tokens: {stored:,} bytes stored, {formula:,.0f} by formula")
assert stored == formula

# %% [markdown]
# Now the memory to serve each Llama 3 model at each precision, with a batch of 8 sequences of
# 8,192 tokens in a bf16 cache, and the 80 GB H100s it takes to hold it.

# %%
# NBVAL_CHECK_OUTPUT
serving_batch, serving_context = 8, 8192
kv_405b = scaling.kv_cache_bytes(126, 16384, n_head=128, n_kv_head=8)
print(f"{'model':<15} {'KV cache':>9} " + " ".join(f"{p:>15}" for p in costs.SERVING_PRECISIONS))
for name, n, kv in (("Llama 3 8B", n_8b, kv_8b), ("Llama 3 70B", n_70b, kv_70b), ("Llama 3.1 405B", n_405b, kv_405b)):
    cache_bytes = kv * serving_batch * serving_context
    table = costs.memory_by_precision(n, cache_bytes)
    cells = [f"{human_bytes(b):>9} ({math.ceil(b / h100.memory_bytes):>2})" for b in table.values()]
    print(f"{name:<15} {human_bytes(cache_bytes):>9} " + " ".join(f"{c:>15}" for c in cells))
print("(in brackets: 80 GB H100s needed to hold it all)")

# %% [markdown]
# Quantizing the weights shrinks the model, not its cache: in int4 Llama 3 8B's cache is larger
# than its weights. Llama 3.1 405B needs more than one 8-GPU server in bf16, and most of one even
# in int8.
#
# ## The market in these numbers
#
# Lesson 1.8 gathered dated, sourced market facts in `lib.data.market`. Read with the calculators,
# they explain one another.
#
# **Who builds.** A frontier run costs $10^{25}$ FLOPs, tens of millions of GPU-hours and thousands
# of accelerators for months. Only large companies and labs can pay that. The releases in the data,
# drawn by their date and by whether the weights can be downloaded:

# %%
fig, ax = figure(width=8, height=3.2)
rows = {"open": 1, "closed": 0}
for kind, releases in market.releases_by_weights().items():
    for i, r in enumerate(releases):
        day = datetime.date.fromisoformat(r.date)
        size = 60 if r.parameters is None else 30 + r.parameters / 2e9
        ax.scatter([day], [rows[kind]], s=size, color=PALETTE[rows[kind]],
                   marker="o" if r.parameters is not None else "x")
        label = r.model if r.parameters is None else f"{r.model}, {human_count(r.parameters)}"
        ax.annotate(f"{r.builder}: {label}", (day, rows[kind]), textcoords="offset points",
                    xytext=(0, 12 if i % 2 == 0 else -18), ha="center", fontsize=7)  # alternate: no overlaps
ax.set_yticks([0, 1], ["closed weights\n(API only)", "open weights\n(downloadable)"])
ax.set_ylim(-0.6, 1.6)
ax.set_title("Releases in lib.data.market (o: largest published size; x: size not published)")
fig.autofmt_xdate()

# %% [markdown]
# **Open weights** (开放权重, Meta's Llama family here) hand the serving cost to whoever downloads
# them, with a licence; **closed weights** (闭源权重, OpenAI's models here) are sold per token through
# an API and do not even publish their size.
#
# **Who buys.** Consumers, through chat products, and companies that build a model into their
# products through the API (lesson 1.8: Snap, Quizlet). The serving arithmetic says why most
# companies buy rather than serve: a token is cheap only in a large batch, and a large batch needs
# many users at once.
#
# **The falling price per token.** We set OpenAI's launch prices per million generated tokens
# (`market.PRICES`) beside the lower bound on what serving Llama 3 70B on rented H100s at the
# example price costs, at three batch sizes. Different models, so this compares orders of
# magnitude, not products.

# %%
fig, ax = figure(width=8, height=4.4)
days = [p.day for p in market.PRICES]
ax.plot(days, [p.output_per_million for p in market.PRICES], marker="s", color=PALETTE[1], linestyle="",
        label="OpenAI launch price, output tokens")
for p in market.PRICES:
    last = p is market.PRICES[-1]  # the latest label goes to the left, inside the axes
    ax.annotate(p.model.split(" (")[0], (p.day, p.output_per_million), textcoords="offset points",
                xytext=(-6 if last else 6, 4), ha="right" if last else "left", fontsize=7)
bounds = {}
for b, style in ((1, "-"), (16, "--"), (256, ":")):
    bounds[b] = costs.serving_cost(n_70b, kv_70b, h100, example_price, batch_size=b, context_tokens=4096)
    ax.axhline(bounds[b].decode_cost_per_million, color=PALETTE[0], linestyle=style,
               label=f"Llama 3 70B on H100s, batch {b}: ${bounds[b].decode_cost_per_million:,.2f}")
ax.set_yscale("log")
ax.set_ylabel("$ per million generated tokens (log scale)")
ax.set_title("API prices against the cost of serving an open model yourself")
legend = ax.legend(fontsize=7, loc="lower left")
fig.autofmt_xdate()

# %%
prices = [p.output_per_million for p in market.PRICES]
print(f"Llama 3 70B at batch 1: ${bounds[1].decode_cost_per_million:,.0f} per million generated tokens "
      f"on {bounds[1].n_accelerators} H100s; at batch 256: ${bounds[256].decode_cost_per_million:.2f} "
      f"on {bounds[256].n_accelerators}")
assert bounds[1].decode_cost_per_million > max(prices)  # one user at a time costs more than any API price
assert bounds[256].decode_cost_per_million < bounds[1].decode_cost_per_million / 20

# %% [markdown]
# Serving one request at a time on rented GPUs costs more per token than every API price in the
# data; at large batches the bound falls by more than an order of magnitude (the cache, not the
# weights, then limits it). Part of the price fall that lesson 1.8 measured (6-fold for
# OpenAI's flagship in 14 months, 133-fold from text-davinci-003 to GPT-4o mini) is exactly these
# levers: smaller models trained on more data (lesson 1.4), quantized weights ($b$ down),
# larger batches from more users, and faster, cheaper hardware (peak and bandwidth up, price
# down). The calculator cannot tell you a provider's margin or what its model costs, since closed
# models do not publish their size; it tells you what is physically possible.
#
# ## Try it: the whole calculator
#
# Every input is a control: the model (published configurations and training-token counts), the
# accelerator (datasheet figures), the price per accelerator-hour, the MFU, the number of
# accelerators training it, the weights' precision for serving, the batch size and the context
# held in the KV cache. The function the widget calls is `costs.cost_report`, tested in
# `tests/test_costs.py`.

# %%
widget_models = {  # name: (N, training tokens D, KV-cache bytes per token in bf16)
    "GPT-3 175B": (gpt_on_meta(GPT3_175B).num_parameters(), 300e9, scaling.kv_cache_bytes(96, 12288)),
    "Llama 3 8B": (n_8b, 15e12, kv_8b),
    "Llama 3 70B": (n_70b, 15e12, kv_70b),
    "Llama 3.1 405B": (n_405b, 15.6e12, kv_405b),
}


def show_costs(model: str = "Llama 3.1 405B", accelerator: str = "H100 SXM", price: float = example_price,
               mfu: float = 0.35, n_accelerators: int = 16384, dtype: str = "bf16", batch_size: int = 1,
               context_tokens: int = 4096) -> None:
    n, d, kv = widget_models[model]
    print(costs.cost_report(n, d, kv, DATASHEETS[accelerator], price, mfu, n_accelerators, dtype, batch_size,
                            context_tokens))


show_costs()
interactive_view(show_costs, model=list(widget_models), accelerator=list(DATASHEETS), price=(0.5, 15.0, 0.01),
                 mfu=(0.05, 0.8, 0.01), n_accelerators=(8, 32768, 8), dtype=list(costs.SERVING_PRECISIONS),
                 batch_size=(1, 1024, 1), context_tokens=(512, 131072, 512))

# %% [markdown]
# Try: the 405B run on A100s instead of H100s (how many more days?); Llama 3 8B in int4 at batch
# 1 and at batch 512; a 128K context at batch 64 (the cache outgrows the weights); GPT-3's 300B
# tokens against Llama's 15T (GPT-3 was far larger and far cheaper to train).
#
# ## Summary
#
# - Training compute is $C \approx 6ND$; on Llama 3.1 405B it gives Meta's $3.8 \times 10^{25}$
#   FLOPs within 0.1%. It leaves out attention's $12LdT$ per token, about 8% for the 405B model at
#   8K tokens of context and more for small models and long contexts. The article's "exponential"
#   growth is in fact linear in $N$ at fixed data and quadratic when the data grows with the model.
# - Time and money: accelerator-hours $= C / (\text{peak} \times \text{MFU} \times 3600)$, divided by
#   the accelerators for wall-clock time, times the hourly price for the bill. The H100's dense bf16
#   peak is 989.5 TFLOP/s, half the datasheet's sparse figure.
# - MFU is what a run really gets: a small GPT on this CPU reached only part of the machine's
#   matrix-product rate; Llama 3 405B reported 38-43% while running, and its 30.84 million
#   GPU-hours imply 34.6% over the whole run, failures and restarts included: 1.10 to 1.24 times
#   what the calculator predicts at the paper's MFU.
# - Inference: prefill is compute-bound at $2N$ FLOPs per token; decode reads all weights every
#   step, so below the critical batch $B^* = \text{peak} \cdot b / (2 \cdot \text{bandwidth})$
#   (about 295 on an H100 in bf16) more sequences are nearly free. The KV cache, read at every step,
#   flattens that gain.
# - Memory: weights $N \times b$ (fp32 4, bf16 2, int8 1, int4 ½ bytes) plus the KV cache, which
#   quantizing the weights does not shrink.
# - The market follows: few can afford to build; most buy per token, because only large, busy
#   servers batch enough to make tokens cheap; open weights move the serving bill to whoever runs
#   them; and the price per token falls as models shrink, weights quantize, batches grow and
#   hardware improves. Rental prices are an input, not a constant.
#
# ## Exercises
#
# **1. Code.** How many H100 GPU-hours does the calculator predict for training a 70-billion-parameter
# model on 15 trillion tokens at an MFU of 40%? Use `scaling.training_flops` and
# `costs.accelerator_hours` with `h100.peak_flops`, or write the arithmetic out. (The Llama 3.1
# model card reports 7.0 million GPU-hours for its 70B model: what average MFU would that imply,
# if it saw about 15T tokens?)

# %%
# BEGIN SOLUTION
answer_1 = costs.accelerator_hours(scaling.training_flops(70e9, 15e12), h100.peak_flops, 0.4)
# END SOLUTION
check("5.2.gpu-hours-70b", answer_1)

# %% [markdown]
# **2.** From Meta's two published figures, $3.8 \times 10^{25}$ FLOPs and the model card's
# GPU-hours, what average MFU did Llama 3.1 405B's training reach on H100s? Careful which
# GPU-hours and which peak you take.

# %%
# BEGIN SOLUTION
answer_2 = 3.8e25 / (30.84e6 * 3600 * h100.peak_flops)
# END SOLUTION
check("5.2.implied-mfu", answer_2)

# %% [markdown]
# The check rejects the answer built on the 39.3 million GPU-hours, the total of all three models:

# %%
family_hours = 3.8e25 / (39.3e6 * 3600 * h100.peak_flops)  # the model card's total for 8B + 70B + 405B
print(expect_wrong(check, "5.2.implied-mfu", family_hours))

# %% [markdown]
# **3. Predict, then run.** Llama 3 8B is served in bf16 on one H100, ignoring the KV cache. By what
# factor does the cost per million *generated* tokens fall when the batch grows from 1 to 1,024?
# Write your prediction in `answer_3` *before* running the cell; the cell then computes the two
# costs with `costs.serving_cost`.

# %%
# BEGIN SOLUTION
answer_3 = costs.critical_batch_size(h100.peak_flops, h100.bandwidth_bytes_per_s)
# END SOLUTION
at_1, at_1024 = (costs.serving_cost(n_8b, 0.0, h100, example_price, batch_size=b).decode_cost_per_million
                 for b in (1, 1024))
print(f"${at_1:.2f} per million generated tokens at batch 1, ${at_1024:.4f} at batch 1,024: "
      f"{at_1 / at_1024:.0f}x cheaper")
check("5.2.batch-1024-predict", answer_3)

# %% [markdown]
# **4.** How many bytes does it take to serve Llama 3 70B with its weights in int4 and a bf16 KV
# cache for 8 sequences of 8,192 tokens? Its configuration: 80 layers, width 8,192, 64 query heads
# and 8 key/value heads of size 128, an MLP of width 28,672 and a vocabulary of 128,256 (use
# `scaling.llama_parameter_count` and `scaling.kv_cache_bytes`).

# %%
# BEGIN SOLUTION
answer_4 = (scaling.llama_parameter_count(80, 8192, 28672, 128256, 64, 8) * 0.5
            + scaling.kv_cache_bytes(80, 8192, n_tokens=8192, batch_size=8, n_head=64, n_kv_head=8))
# END SOLUTION
check("5.2.memory-70b-int4", answer_4)

# %% [markdown]
# ## References
#
# - Kaplan et al., *Scaling Laws for Neural Language Models*, 2020, arXiv:2001.08361 ($C \approx 6ND$).
# - Hoffmann et al., *Training Compute-Optimal Large Language Models*, NeurIPS 2022, arXiv:2203.15556 (Chinchilla, $D \approx 20N$).
# - Chowdhery et al., *PaLM: Scaling Language Modeling with Pathways*, JMLR 2023, arXiv:2204.02311 (model FLOPs utilization; $6N + 12LdT$).
# - Llama Team, AI @ Meta, *The Llama 3 Herd of Models*, 2024, arXiv:2407.21783 (section 1: 405B parameters, 15.6T tokens, $3.8 \times 10^{25}$ FLOPs; Table 3: configurations; section 3.3.2 and Table 4: 38-43% MFU; section 3.3.4: 466 interruptions in 54 days, over 90% effective training time).
# - Meta, *Llama 3.1 model card*, 23 July 2024, https://github.com/meta-llama/llama-models/blob/main/models/llama3_1/MODEL_CARD.md (30.84M H100 GPU-hours for 405B; 39.3M for the three models; "15T+" tokens).
# - Pope et al., *Efficiently Scaling Transformer Inference*, MLSys 2023, arXiv:2211.05102 (prefill and decode, memory-bound decoding, batching, the KV cache).
# - Ainslie et al., *GQA: Training Generalized Multi-Query Transformer Models from Multi-Head Checkpoints*, EMNLP 2023, arXiv:2305.13245 (grouped-query attention).
# - NVIDIA, *H100 Tensor Core GPU* product page and datasheet (announced 22 March 2022), https://www.nvidia.com/en-us/data-center/h100/ (H100 SXM: BF16 Tensor Core 1,979 TFLOPS with sparsity, 3.35 TB/s, 80 GB).
# - The Next Platform, *H100 GPU Instance Pricing On AWS: Grin And Bear It*, The Next Platform, 27 July 2023, https://www.nextplatform.com/2023/07/27/h100-gpu-instance-pricing-on-aws-grin-and-bear-it/ (AWS P5 on-demand pricing at launch).
# - Market data: `lib.data.market` (lesson 1.8), each entry with its date and URL.
