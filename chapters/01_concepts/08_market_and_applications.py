# %% [markdown]
# # 1.8 Large models in the market (大模型的市场与应用)
#
# **Time:** about 1 min on a laptop CPU · **Prerequisites:** lessons 1.1 and 1.4 · **You will learn:** who builds and who buys large models, open versus closed weights, and how fast the price per token fell, from dated public figures; where large models are used, with sources; what it costs to serve one, in FLOPs, memory, accelerators and tokens per second; why generating text is limited by memory bandwidth; and why a good score is not enough for medical use.
#
# In this lesson you will:
#
# - read the market in public, dated figures: who builds large models and who buys them, which
#   models ship open weights and which only an API, and the price per million tokens over time;
# - go through the application areas the source article lists (its section 2.3), each with a
#   real, published example, and correct the article where it is wrong;
# - compute what serving each of those models needs: memory, accelerators, FLOPs per token;
# - generate text with a small GPT on this CPU, count the FLOPs of each generated token, time
#   it, and see that a decode step is limited by **memory bandwidth** (内存带宽), not arithmetic;
# - use a serving calculator (`lib.scale.serving`) with a widget;
# - train a small classifier on a real medical dataset and see what accuracy does not tell you;
# - correct the source article's list of tools (its sections 5.5.3 and 7.2).

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
import time

import torch
from IPython.display import Markdown, display
from sklearn.datasets import load_breast_cancer
from sklearn.metrics import recall_score
from sklearn.model_selection import train_test_split
from torch.nn import functional as F
from torch.nn.attention import SDPBackend, sdpa_kernel
from torch.utils.flop_counter import FlopCounterMode

from lib.core.seeding import seed_everything
from lib.course.checks import expect_wrong
from lib.course.exercises import check
from lib.course.lesson import lesson_setup
from lib.data import errata as article_errata
from lib.data import market
from lib.models.gpt import GPT, GPT3_175B, GPTConfig, KVCache, gpt_on_meta
from lib.models.mlp import MLP
from lib.models.sampling import generate
from lib.scale import compute as scaling
from lib.scale import parameters as size
from lib.scale import serving as economics
from lib.train.engine import fit, make_batches
from lib.viz.plots import PALETTE, figure
from lib.viz.widgets import interactive_view

device, generator = lesson_setup(seed=0)  # seed, device, one CPU thread for tiny models, the course's plot style

# %% [markdown]
# ## What the source article says, and what it gets wrong
#
# The article's section 2.3 says that large models matter because they extract features well,
# generalise across tasks through **pre-training** (预训练) and **transfer learning** (迁移学习),
# and apply to image recognition, speech recognition, **natural language processing**
# (自然语言处理, NLP), finance (risk assessment, customer service, market forecasting),
# healthcare (diagnosis, drug discovery, personalised treatment) and manufacturing (quality
# inspection, failure prediction, production optimisation). Two corrections:
#
# - It calls "Turing" a Google model. Turing-NLG (17 billion parameters, 2020) is
#   **Microsoft's**. BERT, its other example, is Google's, as it says.
# - Elsewhere (its section 6.3) it lists WaveNet as a speech *recogniser*. WaveNet *generates*
#   speech (van den Oord et al., 2016); Whisper, below, is a recogniser.
#
# The article calls its subject the market position (市场定位) of large models, but gives no market
# figures. Market-size estimates differ wildly between sources and change every year, so we do not
# quote any. What we can cite exactly, with a date and the page that states it, are prices, releases
# and named buyers. They live in `lib.data.market` as data (chapter 05's cost-and-market lesson reuses
# them for its calculator), and every number below is computed from that data.
#
# ## The market in public figures
#
# **Who builds.** Training a frontier model takes the compute of lesson 1.4 (Llama 3.1 405B, trained
# on 15.6T tokens: $6ND \approx 3.8 \times 10^{25}$ FLOPs, computed below), so few organisations build them: labs such as OpenAI, Google, Anthropic and Meta, and a handful of
# others. They sell access in two ways. **Closed weights** (闭源权重): the model runs only on the
# builder's servers and customers pay per token through an **API** (应用程序接口); the builder need not
# even publish its size. **Open weights** (开放权重): anyone may download the parameters and run the
# model on their own hardware, under a licence that may restrict use.

# %%
# NBVAL_CHECK_OUTPUT
print(f"Llama 3.1 405B: 6ND = {scaling.training_flops(405e9, 15.6e12):.1e} FLOPs")
for kind, releases in market.releases_by_weights().items():
    print(f"{kind} weights:")
    for r in releases:
        size_text = "size not published" if r.parameters is None else f"largest {size.human_count(r.parameters)}"
        print(f"  {r.date}  {r.builder:<7} {r.model:<27} {size_text}")

# %% [markdown]
# The licences matter as much as the weights. LLaMA (February 2023) went to researchers on request
# under a non-commercial licence; Llama 2 (July 2023) allowed commercial use, except that a service
# with more than 700 million monthly users needs Meta's separate permission; Llama 3.1 (July 2024)
# also allowed using its outputs to train other models. GPT-4's report (March 2023) states that it
# contains "no further details about the architecture (including model size)".
#
# **Who buys.** Consumers, through chat products, and companies, through the API, who build the model
# into their own products. The dated examples in the data:

# %%
for a in market.ADOPTIONS:
    print(f"{a.date}  {a.buyer}: {a.what}")

# %% [markdown]
# **The price per token.** An API charges per token read (input, the prompt) and per token generated
# (output), usually in US dollars per million tokens. OpenAI's published prices for its new models
# make one comparable series: same vendor, same unit.

# %%
# NBVAL_CHECK_OUTPUT
print(f"{'date':<11} {'model':<34} {'$ per M input':>13} {'$ per M output':>14}")
for p in market.PRICES:
    print(f"{p.date:<11} {p.model:<34} {p.input_per_million:>13.2f} {p.output_per_million:>14.2f}")

# %% [markdown]
# Prices span more than two orders of magnitude, so we plot them on a log axis, where a steady
# percentage fall is a straight line.

# %%
fig, ax = figure(width=8, height=4.2)
days = [p.day for p in market.PRICES]
ax.plot(days, [p.output_per_million for p in market.PRICES], marker="s", markersize=9, linestyle="",
        markerfacecolor="none", color=PALETTE[1], label="output (generated) tokens")
ax.plot(days, [p.input_per_million for p in market.PRICES], marker="o", linestyle="", color=PALETTE[0],
        label="input (prompt) tokens")
label_at = {"text-davinci-003 (GPT-3.5)": (8, -14, "left"), "gpt-4 (8K context)": (8, 4, "left"),
            "gpt-4o-mini": (-10, -3, "right")}  # (x, y offset in points, alignment) where the default would collide
for p in market.PRICES:
    dx, dy, align = label_at.get(p.model, (8, -4, "left"))
    ax.annotate(p.model.split(" (")[0], (p.day, p.input_per_million), textcoords="offset points",
                xytext=(dx, dy), fontsize=8, ha=align)
ax.set_yscale("log")
ax.set_ylabel("US dollars per million tokens (log scale)")
ax.set_title("OpenAI API prices at launch, 2023-2024")
legend = ax.legend(loc="lower left", fontsize=8)
fig.autofmt_xdate()

# %% [markdown]
# Two falls, each computed from the data rather than typed in:

# %%
# NBVAL_CHECK_OUTPUT
gpt4, gpt4o = market.price("gpt-4"), market.price("gpt-4o")
fold, months = market.price_drop(gpt4, gpt4o)
print(f"flagship: gpt-4 -> gpt-4o, {fold:.0f}x cheaper per input token in {months:.0f} months "
      f"(halving every {market.halving_time_months(gpt4, gpt4o):.1f} months)")
davinci, mini = market.price("text-davinci-003"), market.price("gpt-4o-mini")
fold_small, months_small = market.price_drop(davinci, mini)
print(f"cheapest: text-davinci-003 -> gpt-4o-mini, {fold_small:.0f}x cheaper in {months_small:.1f} months "
      f"({1 - 1 / fold_small:.1%} cheaper)")
assert fold == 6 and 13 < months < 15
assert 1 - 1 / fold_small >= 0.99  # OpenAI's own claim: "99% cheaper than text-davinci-003"

# %% [markdown]
# So in 14 months the flagship's price per input token fell 6-fold, and the cheapest model's
# 133-fold in about 16.5 months (OpenAI's own description: more than 99% cheaper). Newer models
# were also better, so the price of a *given* capability fell even faster. Part of the fall is
# hardware and competition; part is exactly the serving arithmetic below: smaller models (lesson
# 1.4's over-trained small models), quantized weights and larger batches all cut the cost of a token.
#
# ## Where large models are used: published examples
#
# | area (article's list) | example | what is documented |
# | --- | --- | --- |
# | NLP: search | BERT in Google Search | Google applied BERT to ranking and featured snippets, at first for about one in ten English searches in the US (Nayak, Google blog, Oct 2019) |
# | NLP: code | Codex, behind GitHub Copilot | a GPT fine-tuned on public code; a production version powers Copilot (Chen et al., 2021) |
# | speech recognition | Whisper | one model trained on 680,000 hours of audio with transcripts collected from the internet transcribes and translates many languages (Radford et al., 2022) |
# | image recognition | Vision Transformer (ViT) | a Transformer on image patches, pre-trained on large image sets, matched the best CNNs (Dosovitskiy et al., 2021) |
# | finance: text tasks, risk and forecasting | BloombergGPT | a 50B-parameter model trained on financial and general text, evaluated on financial sentiment, entity recognition and question answering (Wu et al., 2023) |
# | customer service (the article lists it under finance) | a generative AI assistant for support agents | a study of 5,179 agents found 14% more issues resolved per hour on average, most for the least experienced (Brynjolfsson, Li & Raymond, 2023) |
# | forecasting | time-series foundation models | Chronos (Ansari et al., 2024) and TimesFM (Das et al., 2024) forecast series they were not trained on |
# | healthcare: diagnosis | Flan-PaLM and Med-PaLM | Flan-PaLM (540B) scored 67.6% on MedQA's US medical-licensing-exam-style questions; Med-PaLM, tuned from it, had its long answers rated by clinicians. A research system, not a deployed diagnostic tool (Singhal et al., Nature 2023) |
# | healthcare: drug discovery | AlphaFold; ESM-2 | protein structures, a starting point of drug design, predicted with accuracy often competitive with experiment (Jumper et al., Nature 2021); a 15B-parameter protein language model that predicts structure too (Lin et al., Science 2023) |
# | manufacturing: quality inspection | CLIP-based anomaly detection | WinCLIP finds defects with zero or few examples on the MVTec AD benchmark of industrial images (Jeong et al., CVPR 2023) |
#
# For "failure prediction" and "production optimisation" we found no large-model deployment we
# could cite with confidence; those tasks are mostly served by smaller models on sensor data,
# and the time-series models above are the nearest published direction.
#
# ## What serving them takes
#
# Every model in that table must be *served*: its weights held in accelerator memory and run
# for every request. Lesson 1.4 showed that generating one token costs about $2N$ FLOPs (a
# forward pass: 2 FLOPs per parameter, no backward pass). With the published parameter counts
# we compute what each needs in bf16 on an 80 GB accelerator.

# %%
# NBVAL_CHECK_OUTPUT
examples = [  # (example, organisation, published parameters, source)
    ("BERT-Large", "Google", 340e6, "Devlin et al. 2018, arXiv:1810.04805"),
    ("ViT-H/14", "Google", 632e6, "Dosovitskiy et al. 2021, arXiv:2010.11929"),
    ("Whisper large", "OpenAI", 1.55e9, "Radford et al. 2022, arXiv:2212.04356"),
    ("Codex (largest)", "OpenAI", 12e9, "Chen et al. 2021, arXiv:2107.03374"),
    ("ESM-2 (largest)", "Meta", 15e9, "Lin et al., Science 2023"),
    ("Turing-NLG", "Microsoft", 17e9, "Rosset, Microsoft Research Blog, 2020"),
    ("BloombergGPT", "Bloomberg", 50e9, "Wu et al. 2023, arXiv:2303.17564"),
    ("Med-PaLM (Flan-PaLM)", "Google", 540e9, "Singhal et al., Nature 2023"),
]
gpu_memory = 80e9
print(f"{'model':<21} {'organisation':<10} {'parameters':>10} {'bf16 weights':>13} {'80 GB GPUs':>10} {'FLOPs/token':>12}")
for name, org, n, _ in examples:
    memory = economics.serving_memory_bytes(n, "bf16")
    print(f"{name:<21} {org:<10} {size.human_count(n):>10} {size.human_bytes(memory):>13} "
          f"{economics.gpus_needed(memory, gpu_memory):>10} {economics.inference_flops_per_token(n):>12.1e}")

# %% [markdown]
# (`gpus_needed` divides the memory by one accelerator's and rounds up, $\lceil M / 80\,\text{GB} \rceil$;
# a real deployment also needs room for the KV cache and activations.) BERT fits on any GPU
# many times over; Med-PaLM's base model needs more than a whole 8-GPU server just for its
# weights. That difference is much of the difference in what they cost to run.
#
# ## Train once, serve forever
#
# Training costs about $6ND$ FLOPs once (lesson 1.4); serving costs $2N$ FLOPs for every
# generated token, for as long as the model is used. After $n_{\text{out}}$ generated tokens,
# inference has cost as much as training when $2N n_{\text{out}} = 6ND$, that is
#
# $$n_{\text{out}} = 3D .$$

# %%
for name, n, d in (("GPT-3", 175e9, 300e9), ("Llama 3.1 405B", 405e9, 15.6e12)):
    t = economics.breakeven_tokens(d)
    assert math.isclose(economics.inference_flops_per_token(n) * t, scaling.training_flops(n, d), rel_tol=1e-12)
    print(f"{name}: inference matches training compute after {size.human_count(t)} generated tokens")

# How soon depends on traffic. At a rate of a million generated tokens per second across all
# users (an illustration, not a measured figure), GPT-3's break-even comes within two weeks:

# %%
rate_illustration = 1e6  # tokens per second, all users together
days = economics.breakeven_tokens(300e9) / rate_illustration / 86400
print(f"GPT-3 at {rate_illustration:,.0f} tokens/s: inference compute equals training compute after {days:.1f} days")

# %% [markdown]
# After that, serving dominates the total. This is why labs train smaller models on more data
# than the Chinchilla rule asks for (lesson 1.4): every parameter saved is saved on every
# future token.
#
# ## Measuring a decode step on this machine
#
# To generate text, a model runs one **decode step** (解码步骤) per new token. With a **KV
# cache** (键值缓存, lesson 1.4) the step processes only the newest token: its query attends to
# the cached keys and values of all earlier tokens, and its own key and value are appended.
# `lib.models.gpt.GPT.forward` takes such a cache (`model.new_kv_cache()`, one buffer of keys
# and one of values per block); inside each attention layer the step is, in essence,
#
# ```python
# q, k, v = heads(attn.qkv(x))                # the new token's query, key and value
# k, v = cache.append(k, v)                   # all keys and values so far, the new ones included
# y = F.scaled_dot_product_attention(q, k, v) # the newest token may see every cached one: no mask
# ```
#
# We feed a prompt one token at a time and check the result against the full forward pass,
# which recomputes every position: the logits must agree at every position, and the cache must
# hold exactly the keys the full pass computes.

# %%
@torch.no_grad()
def decode_step(model: GPT, tokens: torch.Tensor, cache: KVCache) -> torch.Tensor:
    """Logits for the newest token (batch, vocab): the model runs on ``tokens`` (batch, 1) alone, extending ``cache``."""
    return model(tokens, kv_cache=cache)[0][:, -1]


small = GPT(GPTConfig(vocab_size=100, context_length=64, n_layer=2, n_head=4, d_model=64)).to(device).eval()
prompt = torch.randint(0, 100, (3, 20), generator=generator).to(device)
cache = small.new_kv_cache()
stepwise = torch.stack([decode_step(small, prompt[:, t : t + 1], cache) for t in range(prompt.shape[1])], dim=1)
with torch.no_grad():
    full, _ = small(prompt)
    block, n_head = small.blocks[0], small.config.n_head
    x = small.token_embedding(prompt) + small.position_embedding(torch.arange(prompt.shape[1], device=device))
    keys = block.attn.qkv(block.ln1(x)).split(small.config.d_model, dim=2)[1]
    keys = keys.view(3, prompt.shape[1], n_head, -1).transpose(1, 2)  # (batch, head, position, head size)
torch.testing.assert_close(stepwise, full, atol=1e-4, rtol=1e-4)
torch.testing.assert_close(cache.layers[0].keys[:, :, : cache.length], keys, atol=1e-5, rtol=1e-5)
print(f"decode steps with a KV cache = full forward pass at all {prompt.shape[1]} positions; "
      f"the cache holds {len(cache.layers)} layers of keys {tuple(cache.layers[0].keys[:, :, : cache.length].shape)}")

# %% [markdown]
# ### FLOPs per generated token
#
# One decode step multiplies the newest token's vector by every weight matrix once: 2 FLOPs
# per weight, $2(12Ld^2 + Vd)$ in all, plus attention over the $t$ cached positions, $4Ltd$.
# That is the $2N$ of the rule, up to the embedding lookup (free) and attention (small for
# short contexts). PyTorch counts it.

# %%
position = cache.length  # tokens already cached
with sdpa_kernel(SDPBackend.MATH), FlopCounterMode(display=False) as counter:
    decode_step(small, prompt[:, -1:], cache)
L, d, V = small.config.n_layer, small.config.d_model, small.config.vocab_size
per_token = counter.get_total_flops() // prompt.shape[0]
formula = 2 * (12 * L * d**2 + V * d) + 4 * L * (position + 1) * d
print(f"counted: {per_token:,} FLOPs per token; formula: {formula:,}; "
      f"2N = {economics.inference_flops_per_token(small.num_parameters()):,.0f}")
assert per_token == formula

# %% [markdown]
# ### What the cache saves
#
# Without a cache, each step re-runs the model on the whole text so far. The course's sampler,
# `lib.models.sampling.generate`, does either (`use_cache=True` or `False`) and gives the same
# tokens both ways. We continue the 20-token prompt greedily to the end of the 64-token context
# and let PyTorch count the FLOPs of each path; we also time them (a ratio, so no unit).

# %%
paths = {}
for use_cache in (True, False):
    with sdpa_kernel(SDPBackend.MATH), FlopCounterMode(display=False) as counter:
        tokens = generate(small, prompt, 44, top_k=1, use_cache=use_cache)
    seconds = math.inf
    for _ in range(3):  # best of three: the least disturbed by anything else running
        start = time.perf_counter()
        generate(small, prompt, 44, top_k=1, use_cache=use_cache)
        if device.type == "cuda":
            torch.cuda.synchronize()
        seconds = min(seconds, time.perf_counter() - start)
    paths[use_cache] = (tokens, counter.get_total_flops(), seconds)
assert torch.equal(paths[True][0], paths[False][0])  # the same text
flop_ratio, time_ratio = paths[False][1] / paths[True][1], paths[False][2] / paths[True][2]
print(f"without / with the KV cache: {flop_ratio:.1f}x the FLOPs, {time_ratio:.1f}x the time")
assert flop_ratio > 10

# %% [markdown]
# With the cache, each step after the prompt runs one new token through the weights; without
# it, each step re-runs the whole text: 21, then 22, ... up to 63 tokens. The time saved is smaller than
# the FLOPs saved for a model this small, where each step's fixed costs (Python, launching each
# operation) weigh as much as its arithmetic; the larger the model and the longer the context,
# the more of the saving shows in the time.

# %% [markdown]
# ### Why generating text is limited by memory bandwidth
#
# A decode step for one sequence does 2 FLOPs per weight but must *read* every weight from
# memory: 4 bytes per weight in fp32, 2 in bf16. Processors do arithmetic much faster than
# memory can feed them, so the step waits for memory. If memory delivers a bandwidth of
# $\text{bw}$ bytes per second and the weights take $W$ bytes, at most
#
# $$\text{steps per second} \le \text{bw} / W$$
#
# steps can run. Batching helps: a step for a batch of $B$ sequences reads the weights once and
# yields $B$ tokens, so tokens per second grow with $B$ until arithmetic becomes the limit,
# $\text{peak FLOP/s} / 2N$. We measure both limits on this machine (a large copy for
# bandwidth; matrix products for arithmetic), then time decoding at several batch sizes with a
# model whose weights are far larger than the processor's caches.
#
# The arithmetic limit is only a limit if "peak" really is the most this machine can do. A
# matrix product's speed depends on its shape: on a CPU, a product whose operands fit in the
# cache can run faster than a large square one. So we measure the rate of several shapes,
# including exactly the products a decode step at the largest batch runs, before and after the
# decoding, and take the best of all of them as the peak.

# %%
def timed(fn, repeats: int = 3) -> float:
    """Best wall-clock seconds of `repeats` calls: the least disturbed by anything else running."""
    best = math.inf
    for _ in range(repeats):
        if device.type == "cuda":
            torch.cuda.synchronize()
        start = time.perf_counter()
        fn()
        if device.type == "cuda":
            torch.cuda.synchronize()
        best = min(best, time.perf_counter() - start)
    return best


def measure_bandwidth(n_numbers: int, dtype: torch.dtype) -> float:
    """Bytes per second moved by copying a large tensor (each number is read once and written once)."""
    source, target = torch.ones(n_numbers, dtype=dtype, device=device), torch.empty(n_numbers, dtype=dtype, device=device)
    return 2 * n_numbers * source.element_size() / timed(lambda: target.copy_(source))


def measure_matmul_rate(m: int, k: int, n: int, dtype: torch.dtype) -> float:
    """FLOP/s of an (m, k) @ (k, n) matrix product, 2mkn FLOPs, best of 5 runs."""
    a, b = torch.randn(m, k, device=device).to(dtype), torch.randn(k, n, device=device).to(dtype)
    return 2 * m * k * n / timed(lambda: a @ b, repeats=5)


def measure_peak(shapes: list[tuple[int, int, int]], dtype: torch.dtype) -> float:
    """The best FLOP/s over several matrix-product shapes: the most arithmetic we can show this device doing."""
    return max(measure_matmul_rate(m, k, n, dtype) for m, k, n in shapes)


dtype = torch.float32 if device.type == "cpu" else torch.bfloat16
bandwidth = measure_bandwidth(2**25 if device.type == "cpu" else 2**28, dtype)
print(f"measured: memory bandwidth {bandwidth / 1e9:.1f} GB/s")

# %%
big_config = (GPTConfig(vocab_size=100, context_length=64, n_layer=8, n_head=8, d_model=512) if device.type == "cpu"
              else GPTConfig(vocab_size=100, context_length=64, n_layer=4, n_head=32, d_model=4096))
with torch.device(device):  # build the weights where they will live
    big = GPT(big_config).to(dtype).eval()
n_big = big.num_parameters()
weight_bytes = n_big * torch.finfo(dtype).bits // 8
print(f"model: {n_big:,} parameters, {size.human_bytes(weight_bytes)} of weights")

batches = [1, 4, 16, 64]
d_big, square = big_config.d_model, 1024 if device.type == "cpu" else 8192
# a decode step's products at the largest batch (attention in, attention out, MLP up, MLP down), and a square one
peak_shapes = [(batches[-1], d_big, 3 * d_big), (batches[-1], d_big, d_big), (batches[-1], d_big, 4 * d_big),
               (batches[-1], 4 * d_big, d_big), (square, square, square)]
peak_before = measure_peak(peak_shapes, dtype)


def decode(batch: int, new_tokens: int = 8) -> torch.Tensor:
    """Greedy decoding (top_k=1: the likeliest token) of ``new_tokens`` tokens for ``batch`` sequences, with the KV cache."""
    start = torch.zeros((batch, 1), dtype=torch.long, device=device)
    return generate(big, start, new_tokens, top_k=1)  # 8 forward passes: the 1-token prompt, then 7 single tokens


with sdpa_kernel(SDPBackend.MATH), FlopCounterMode(display=False) as counter:
    decode(1)
flops_per_token = counter.get_total_flops() / 8  # counted by PyTorch: 2N less the free embedding lookups, plus attention
rates = [b * 8 / timed(lambda b=b: decode(b)) for b in batches]
peak = max(peak_before, measure_peak(peak_shapes, dtype))  # best of before and after, so noise cannot lower it
print(f"measured peak: {peak / 1e9:.1f} GFLOP/s (best of {len(peak_shapes)} shapes, before and after decoding); "
      f"FLOPs per token {flops_per_token:.3g} (2N = {economics.inference_flops_per_token(n_big):.3g})")
memory_limit = [b * bandwidth / weight_bytes for b in batches]
arithmetic_limit = peak / flops_per_token
for b, r, m in zip(batches, rates, memory_limit, strict=True):
    print(f"batch {b:>2}: {r:8.1f} tokens/s measured; limits: memory {m:9.1f}, arithmetic {arithmetic_limit:8.1f}; "
          f"{r * flops_per_token / peak:6.1%} of peak FLOP/s")

# %% [markdown]
# The plot puts the measurements under the two limits (your numbers will differ from the committed
# ones; the shape should not). At batch 1 the measured rate is below the memory-bandwidth line
# but within a small factor of it: besides reading the weights, each step launches about a
# hundred small operations from Python, and a matrix-vector product on one core does not reach
# the bandwidth of a plain copy. Larger batches get many more tokens out of each pass over the
# weights. On a GPU they keep gaining until arithmetic becomes the limit; on this CPU even batch 64
# stays well under the arithmetic line, because every step still pays the same per-operation
# overhead, so the curve bends away from the memory line long before it meets the arithmetic one.

# %%
fig, ax = figure()
grid = torch.logspace(0, math.log10(batches[-1]), 50)
ax.plot(grid, grid * bandwidth / weight_bytes, linestyle="--", color=PALETTE[1], label="memory limit: B x bw / W")
ax.axhline(arithmetic_limit, linestyle=":", color=PALETTE[3], label="arithmetic limit: peak FLOP/s / FLOPs per token")
ax.plot(batches, rates, marker="o", color=PALETTE[0], label="measured")
ax.set_xscale("log", base=2)
ax.set_yscale("log")
ax.set_xlabel("sequences decoded together (batch)")
ax.set_ylabel("tokens per second")
ax.set_title("Decoding: batching multiplies tokens per second, under two limits")
legend = ax.legend(fontsize=8)

# %% [markdown]
# What the text claims, checked: batching raises throughput several-fold; no batch beats either
# limit (we allow 5% for timing noise, since each rate is the best of only three runs); and at
# batch 1 the rate is within a factor of 10 of the memory limit.

# %%
assert rates[-1] > 3 * rates[0], rates
for r, m in zip(rates, memory_limit, strict=True):
    assert r <= 1.05 * min(m, arithmetic_limit), (r, m, arithmetic_limit)
assert rates[0] >= memory_limit[0] / 10, (rates[0], memory_limit[0])
print(f"batch 64 / batch 1: {rates[-1] / rates[0]:.1f}x; best share of the arithmetic limit "
      f"{max(rates) / arithmetic_limit:.0%}; batch 1 at {rates[0] / memory_limit[0]:.0%} of the memory limit")

# %% [markdown]
# This is the economics of serving in one picture. A provider batches many users' requests
# into each step, because a step costs nearly the same for one sequence as for dozens; the
# price of a token falls with the batch, and what limits the batch is memory, since each
# sequence adds its KV cache. Quantizing the weights (量化, lesson 1.1 and chapter 5) from 2 bytes
# to 1 halves $W$ and so doubles the bandwidth limit.
#
# ## A serving calculator
#
# `lib.scale.serving` puts those formulas together. Hardware figures are arguments:
# `economics.DATASHEETS` holds three accelerators' vendor datasheet numbers (memory, bandwidth,
# dense bf16 peak), with their sources. The KV cache per token comes from lesson 1.4's
# `scaling.kv_cache_bytes`, with each model's published configuration.

# %%
h100 = economics.DATASHEETS["H100 SXM"]
print(h100)
llama_kv = scaling.kv_cache_bytes(126, 16384, n_head=128, n_kv_head=8)  # bytes per token, bf16
llama_n = scaling.llama_parameter_count(126, 16384, 53248, 128_000, 128, 8)
print(economics.serving_report(llama_n, llama_kv, h100, batch_size=16, context_tokens=8192))

# %% [markdown]
# Llama 3.1 405B in bf16 does not fit on one 8-GPU server of 80 GB H100s; spread over the
# GPUs it needs, and with 16 sequences in flight, it still spends each step reading weights.
# The bound is a ceiling: real servers lose some of it to communication between GPUs and to
# everything that is not a matrix product.
#
# ## Try it: serve a model
#
# Pick a model (configurations from the GPT-3 and Llama 3 papers), a number format for its
# weights (the KV cache stays in bf16), an accelerator, a batch size and a context length.

# %%
serving_models = {  # name: (parameters, KV-cache bytes per token in bf16)
    "GPT-3 175B": (gpt_on_meta(GPT3_175B).num_parameters(), scaling.kv_cache_bytes(96, 12288)),
    "Llama 3 8B": (scaling.llama_parameter_count(32, 4096, 14336, 128_000, 32, 8),
                   scaling.kv_cache_bytes(32, 4096, n_head=32, n_kv_head=8)),
    "Llama 3 70B": (scaling.llama_parameter_count(80, 8192, 28672, 128_000, 64, 8),
                    scaling.kv_cache_bytes(80, 8192, n_head=64, n_kv_head=8)),
    "Llama 3.1 405B": (llama_n, llama_kv),
}


def show_serving(model: str = "Llama 3 70B", dtype: str = "bf16", accelerator: str = "H100 SXM",
                 batch_size: int = 8, context_tokens: int = 8192) -> None:
    n, kv_per_token = serving_models[model]  # the KV cache stays in bf16 whatever the weights' format
    print(economics.serving_report(n, kv_per_token, economics.DATASHEETS[accelerator], dtype, batch_size, context_tokens))


show_serving()
interactive_view(show_serving, model=list(serving_models), dtype=["bf16", "int8", "int4"],
                 accelerator=list(economics.DATASHEETS), batch_size=(1, 256, 1), context_tokens=(512, 131072, 512))

# %% [markdown]
# Try: Llama 3 8B at batch 1 and at batch 64 (the accelerator-hours per million tokens fall
# almost 64-fold); the 70B model in int4 instead of bf16; a 128K context at batch 64 (the KV
# cache outgrows the weights).
#
# ## An application, honestly: a healthcare-style classifier
#
# The breast cancer dataset bundled with scikit-learn (the Wisconsin Diagnostic Breast Cancer
# data, Street, Wolberg & Mangasarian, 1993) describes 569 breast masses by 30 measurements of
# cell nuclei in a digitised image of a fine-needle biopsy, each labelled malignant (212) or
# benign (357). A **logistic regression** (逻辑回归), an MLP with no hidden layer, is enough.

# %%
data = load_breast_cancer()
features = torch.tensor(data.data, dtype=torch.float32)
malignant = torch.tensor(data.target == 0, dtype=torch.float32)  # scikit-learn codes malignant as 0; we make it 1
train_idx, test_idx = train_test_split(torch.arange(len(malignant)).numpy(), test_size=0.3, random_state=0,
                                       stratify=malignant.numpy())
mean, std = features[train_idx].mean(0), features[train_idx].std(0)  # statistics of the training set only
x_train, x_test = (features[train_idx] - mean) / std, (features[test_idx] - mean) / std
y_train, y_test = malignant[train_idx].unsqueeze(1), malignant[test_idx].unsqueeze(1)

seed_everything(0)
classifier = MLP((30, 1))
history = fit(classifier, make_batches(x_train, y_train, batch_size=32), F.binary_cross_entropy_with_logits,
              torch.optim.Adam(classifier.parameters(), lr=0.01), epochs=30,
              val_batches=make_batches(x_test, y_test, batch_size=256, shuffle=False))
print(f"test accuracy: {history.last('val_metric'):.3f} on {len(test_idx)} held-out cases")
assert history.last("val_metric") > 0.93

# %% [markdown]
# Accuracy alone hides the two errors that matter differently. The **sensitivity** (灵敏度) is
# the share of malignant cases found, $TP / (TP + FN)$; the **specificity** (特异度) is the share
# of benign cases cleared, $TN / (TN + FP)$. A missed cancer (false negative) and a needless
# further test (false positive) have very different costs, and the decision threshold trades
# one for the other. We compute both by hand and check them against scikit-learn.

# %%
with torch.no_grad():
    probability = torch.sigmoid(classifier(x_test)).squeeze(1)
truth = y_test.squeeze(1).bool()


def sensitivity_specificity(threshold: float) -> tuple[float, float]:
    predicted = probability >= threshold
    tp, fn = (predicted & truth).sum().item(), (~predicted & truth).sum().item()
    tn, fp = (~predicted & ~truth).sum().item(), (predicted & ~truth).sum().item()
    return tp / (tp + fn), tn / (tn + fp)


sens, spec = sensitivity_specificity(0.5)
assert math.isclose(sens, recall_score(truth.numpy(), (probability >= 0.5).numpy(), pos_label=True))
assert math.isclose(spec, recall_score(truth.numpy(), (probability >= 0.5).numpy(), pos_label=False))
print(f"threshold 0.5: sensitivity {sens:.3f}, specificity {spec:.3f}")

thresholds = torch.linspace(0.01, 0.99, 99)
curves = [sensitivity_specificity(t.item()) for t in thresholds]
fig, ax = figure()
ax.plot(thresholds, [s for s, _ in curves], label="sensitivity (cancers found)")
ax.plot(thresholds, [p for _, p in curves], label="specificity (benign cases cleared)")
ax.set_xlabel("decision threshold on the predicted probability of malignancy")
ax.set_ylabel("share of test cases")
ax.set_title("One model, many trade-offs")
legend = ax.legend()

# %% [markdown]
# Lowering the threshold finds more cancers and sends more healthy patients for more tests;
# where to set it is a clinical decision, not a statistical one. And a high score on 171
# held-out cases from one old dataset is the *start* of the evidence a medical tool needs, not
# the end: it must be validated prospectively on the patients and equipment where it will be
# used, its probabilities must be calibrated, its failures studied by subgroup, and it must
# be cleared by a regulator. Med-PaLM's authors make the same point about their far larger
# model: its answers still fell short of clinicians' in important ways, and much more
# evaluation is needed before clinical use.
#
# ## The article's tools, corrected
#
# The article's sections 5.5.3 and 7.2 recommend tools for deploying and profiling models. Some are
# named wrongly and some describe the tools as they were years ago. The corrections are data in
# `lib.data.errata` (chapter 05's errata lesson gathers them with the others), each with a source:

# %%
display(Markdown(article_errata.markdown_table(article_errata.errata("tool"))))

# %% [markdown]
# ## Summary
#
# - The market, in dated public figures (`lib.data.market`): a few labs build frontier models
#   and sell them either as closed weights behind an API or as open weights under a licence
#   (Llama 2, Llama 3.1); consumers and companies (Snap, Quizlet) buy access per token. OpenAI's
#   launch price per million input tokens fell 6-fold from GPT-4 to GPT-4o in 14 months, and
#   133-fold from text-davinci-003 to GPT-4o mini. We give no market-size numbers, because none
#   could be cited exactly.
# - The article's application areas are real, and each has published examples: BERT in Google
#   Search, Codex in Copilot, Whisper, ViT, BloombergGPT, Med-PaLM, AlphaFold and ESM-2,
#   CLIP-based inspection. Turing-NLG is Microsoft's, not Google's; WaveNet synthesises speech.
# - Serving costs about $2N$ FLOPs per token, and after $3D$ generated tokens inference has
#   cost as much compute as training.
# - A decode step reads all weights, so at small batch it runs at most bandwidth / weight-bytes
#   steps per second; batching shares that read among many sequences, which is what makes
#   serving affordable. We measured both limits on this machine, and no batch beat either.
# - `lib.scale.serving` computes memory, accelerators, FLOPs per token and the decode bound from
#   hardware figures you pass in.
# - Accuracy is not enough for medical use: sensitivity, specificity, the threshold, and
#   prospective validation are.
# - The article's tool list is out of date: Keras 3 runs on TensorFlow, JAX and PyTorch (not
#   Theano); PyTorch's server is TorchServe, now in limited maintenance; PyTorch Mobile gave way
#   to ExecuTorch; torch.profiler, not valgrind, profiles a model; Python 3.6 is long past its end
#   of life.
#
# ## Exercises
#
# **1.** How many FLOPs does a 70-billion-parameter model need to generate one token?

# %%
# BEGIN SOLUTION
answer_1 = 2 * 70e9
# END SOLUTION
check("1.8.flops-per-token-70b", answer_1)

# %% [markdown]
# **2.** A 70B model is served in bf16 on one H200 (4.8 TB/s of memory bandwidth), one
# sequence at a time. At most how many tokens per second can it generate, ignoring the KV cache?

# %%
# BEGIN SOLUTION
answer_2 = 4.8e12 / (70e9 * 2)
# END SOLUTION
check("1.8.decode-bound", answer_2)

# %% [markdown]
# The check rejects the answer that forgets bf16 takes 2 bytes per parameter:

# %%
one_byte_per_weight = 4.8e12 / 70e9  # forgets that a bf16 weight takes 2 bytes
print(expect_wrong(check, "1.8.decode-bound", one_byte_per_weight))

# %% [markdown]
# **3.** After how many generated tokens has serving LLaMA-65B (trained on 1.4T tokens) cost as
# many FLOPs as training it?

# %%
# BEGIN SOLUTION
answer_3 = 3 * 1.4e12
# END SOLUTION
check("1.8.breakeven", answer_3)

# %% [markdown]
# **4.** In the classifier above, at what sensitivity does the threshold 0.2 operate? Use
# `sensitivity_specificity` or compute it from `probability` and `truth` yourself.

# %%
# BEGIN SOLUTION
answer_4 = ((probability >= 0.2) & truth).sum().item() / truth.sum().item()
# END SOLUTION
check("1.8.sensitivity", answer_4, probability=probability, truth=truth)

# %% [markdown]
# **5. Code.** How many times cheaper per *input* token was GPT-4o mini at its launch (July 2024)
# than GPT-4 at its launch (March 2023)? Compute it from `market.PRICES` (or `market.price`).

# %%
# BEGIN SOLUTION
answer_5 = market.price("gpt-4").input_per_million / market.price("gpt-4o-mini").input_per_million
# END SOLUTION
check("1.8.price-fold", answer_5)

# %% [markdown]
# **6. Predict, then run.** The 70B model of exercise 2 is served on the same H200, one sequence at
# a time, but with its weights quantized to int8 instead of bf16. By what factor does the decode
# bound (tokens per second) change? Write your prediction in `answer_6` *before* running the cell;
# the cell then computes both bounds with `economics.decode_tokens_per_second_bound`. (Would the
# factor be the same at batch 256? Try it.)

# %%
# BEGIN SOLUTION
answer_6 = 2.0
# END SOLUTION
h200 = economics.DATASHEETS["H200 SXM"]
bounds = {fmt: economics.decode_tokens_per_second_bound(70e9, h200.bandwidth_bytes_per_s, h200.peak_flops, fmt)
          for fmt in ("bf16", "int8")}
print(f"bound: {bounds['bf16']:.1f} tokens/s in bf16, {bounds['int8']:.1f} in int8")
check("1.8.int8-bound-predict", answer_6)

# %% [markdown]
# ## References
#
# - Nayak, *Understanding searches better than ever before*, Google (The Keyword blog), 25 October 2019 (BERT in Search).
# - Devlin et al., *BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding*, NAACL 2019, arXiv:1810.04805.
# - Rosset, *Turing-NLG: A 17-billion-parameter language model by Microsoft*, Microsoft Research Blog, February 2020.
# - Chen et al., *Evaluating Large Language Models Trained on Code*, 2021, arXiv:2107.03374 (Codex).
# - Radford et al., *Robust Speech Recognition via Large-Scale Weak Supervision*, 2022, arXiv:2212.04356 (Whisper).
# - van den Oord et al., *WaveNet: A Generative Model for Raw Audio*, 2016, arXiv:1609.03499.
# - Dosovitskiy et al., *An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale*, ICLR 2021, arXiv:2010.11929.
# - Wu et al., *BloombergGPT: A Large Language Model for Finance*, 2023, arXiv:2303.17564.
# - Brynjolfsson, Li & Raymond, *Generative AI at Work*, NBER Working Paper 31161, 2023.
# - Ansari et al., *Chronos: Learning the Language of Time Series*, 2024, arXiv:2403.07815.
# - Das et al., *A Decoder-Only Foundation Model for Time-Series Forecasting*, ICML 2024, arXiv:2310.10688 (TimesFM).
# - Singhal et al., *Large Language Models Encode Clinical Knowledge*, Nature 620, 2023 (Med-PaLM).
# - Jumper et al., *Highly Accurate Protein Structure Prediction with AlphaFold*, Nature 596, 2021.
# - Lin et al., *Evolutionary-Scale Prediction of Atomic-Level Protein Structure with a Language Model*, Science 379, 2023 (ESM-2).
# - Jeong et al., *WinCLIP: Zero-/Few-Shot Anomaly Classification and Segmentation*, CVPR 2023.
# - Bergmann et al., *MVTec AD: A Comprehensive Real-World Dataset for Unsupervised Anomaly Detection*, CVPR 2019.
# - Street, Wolberg & Mangasarian, *Nuclear Feature Extraction for Breast Tumor Diagnosis*, SPIE 1905, 1993 (the dataset).
# - Pope et al., *Efficiently Scaling Transformer Inference*, MLSys 2023, arXiv:2211.05102 (memory-bound decoding, batching, KV cache).
# - Accelerator figures: NVIDIA A100, H100 and H200 Tensor Core GPU datasheets (`lib.scale.serving.DATASHEETS`).
# - Market figures, each with its date and URL in `lib.data.market`: OpenAI, *Introducing ChatGPT and Whisper APIs*, 1 March 2023; OpenAI, *GPT-4* (research page), 14 March 2023; OpenAI, *New models and developer products announced at DevDay*, 6 November 2023; OpenAI, *Hello GPT-4o*, 13 May 2024; OpenAI, *GPT-4o mini: advancing cost-efficient intelligence*, 18 July 2024; OpenAI, API deprecations page (text-davinci-003's price).
# - OpenAI, *GPT-4 Technical Report*, 2023, arXiv:2303.08774.
# - Touvron et al., *LLaMA: Open and Efficient Foundation Language Models*, 2023, arXiv:2302.13971; Touvron et al., *Llama 2: Open Foundation and Fine-Tuned Chat Models*, 2023, arXiv:2307.09288; Meta, Llama 3.1 Community License (release date 23 July 2024), https://huggingface.co/meta-llama/Llama-3.1-405B.
# - Tool errata sources: Keras 3 on PyPI; the TorchServe repository (limited maintenance); PyTorch's tutorials page on PyTorch Mobile (superseded by ExecuTorch); the torch.profiler documentation; PEP 494 (Python 3.6 end of life) — URLs in `lib.data.errata`.
