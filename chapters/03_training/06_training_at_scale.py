# %% [markdown]
# # 3.6 Training at scale (大规模训练)
#
# **Time:** about 2 min on a laptop CPU · **Prerequisites:** lessons 1.6 (the training loop) and 3.3 (the GPT block); what a byte and a float are · **You will learn:** where a training run's memory goes from a laptop model to 175B parameters, and the tools that make large runs fit and go fast (mixed precision, gradient accumulation, activation checkpointing, torch.compile, data parallelism and sharding), each run for real and measured.
#
# In this lesson you will:
#
# - count the bytes of **weights, gradients, optimizer state and activations** (权重、梯度、优化器状态、激活值)
#   of a small GPT, check the formulas against the bytes PyTorch really holds, and scale them to 7B and 175B;
# - see why **mixed precision** (混合精度) with bf16 needs nothing more, while fp16 needs **loss scaling**
#   (损失缩放): a gradient underflows to zero, and the scaler rescues it;
# - prove that **gradient accumulation** (梯度累积) gives the same gradient as the large batch;
# - trade time for memory with **activation checkpointing** (激活检查点, recomputation), measured both ways;
# - measure what **torch.compile** buys, and say plainly where it buys nothing;
# - run **data parallelism** (数据并行, DDP) for real, two processes launched by `torchrun`, and a
#   **sharded** (分片) run with FSDP (ZeRO stage 3), and check both equal one process on the same batch.

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
import logging
import math
import statistics
import tempfile
import time
from dataclasses import replace

import torch

from lib.core.checkpoint import load_checkpoint
from lib.core.seeding import seeded
from lib.course.checks import expect_wrong
from lib.course.exercises import check
from lib.course.lesson import lesson_setup
from lib.data.blocks import RandomBlocks
from lib.data.char_tokenizer import CharTokenizer
from lib.data.pydoc_corpus import load_python_docs
from lib.models.gpt import GPT, GPT2_SMALL, GPT3_175B, LLAMA2_7B, GPTConfig, gpt_on_meta
from lib.scale.memory import (
    measured_model_state_bytes,
    model_state_bytes,
    model_state_report,
    saved_activation_bytes,
    transformer_activation_bytes,
)
from lib.train.ddp_demo import DemoConfig, launch, single_process_run
from lib.train.loop import train
from lib.train.optimizers import make_adamw
from lib.train.steps import LossStep
from lib.viz.plots import PALETTE, figure
from lib.viz.widgets import interactive_view

device, generator = lesson_setup(seed=0)  # seed, device, one CPU thread for tiny models, the course's plot style

# %% [markdown]
# ## The model: a small GPT on the Python documentation
#
# We use `lib`'s GPT (lesson 3.3) with characters as tokens, on the Python documentation corpus.
# On a CPU it is small (4 layers, width 128, 64 characters of context); on a GPU the same cells pick
# a larger one. Every number below is measured on this model, then scaled up by formula.

# %%
text = load_python_docs("train")
tokenizer = CharTokenizer.from_text(text)
tokens = torch.tensor(tokenizer.encode(text), dtype=torch.long)
if device.type == "cuda":
    config = GPTConfig(vocab_size=tokenizer.vocab_size, context_length=256, n_layer=8, n_head=8, d_model=512)
    batch_size = 32
else:
    config = GPTConfig(vocab_size=tokenizer.vocab_size, context_length=64, n_layer=4, n_head=4, d_model=128)
    batch_size = 16


def new_model(cfg: GPTConfig = config) -> GPT:
    """The lesson's GPT, always from the same initial weights."""
    with seeded(0):
        return GPT(cfg).to(device)


def loss_of(model, batch):
    """Mean next-character cross-entropy of a batch (inputs, targets): the engine's LossStep calls this."""
    inputs, targets = batch
    return model(inputs, targets)[1]


batch = next(iter(RandomBlocks(tokens, config.context_length, batch_size, 1, seed=1)))
batch = tuple(t.to(device) for t in batch)
model = new_model()
n_params = model.num_parameters()
print(f"vocabulary {tokenizer.vocab_size} characters, {n_params:,} parameters")

# %% [markdown]
# ## Where the memory goes (显存占用)
#
# Training holds four kinds of tensors. For N parameters trained in fp32 with Adam:
#
# - **weights**: 4N bytes; **gradients**: 4N bytes (one per weight);
# - **optimizer state**: Adam keeps two moments per weight, 8N bytes;
# - **activations**: what the forward pass saves for the backward pass; they grow with batch and
#   sequence length, not with N.
#
# So the model state is 16N bytes in fp32. Mixed precision (below) keeps 16-bit weights and
# gradients (2N + 2N) *plus* an fp32 master copy (4N) and Adam's fp32 moments (8N): again 16N
# (Rajbhandari et al. 2020). `lib.scale.memory.model_state_bytes` holds the formula; after one real
# AdamW step we count the bytes PyTorch holds.

# %%
optimizer = make_adamw(model, lr=1e-3, device=device)
loss_of(model, batch).backward()
optimizer.step()
measured = measured_model_state_bytes(model, optimizer)
formula = model_state_bytes(n_params, precision="fp32", optimizer="adam")
print(f"weights   {measured['weights']:>9,} bytes measured, {formula.weights:>11,.0f} by formula")
print(f"gradients {measured['gradients']:>9,} bytes measured, {formula.gradients:>11,.0f} by formula")
print(f"optimizer {measured['optimizer']:>9,} bytes measured, {formula.optimizer:>11,.0f} by formula")
assert measured["weights"] == formula.weights == 4 * n_params
assert measured["gradients"] == formula.gradients
assert measured["optimizer"] == formula.optimizer == 8 * n_params

# %% [markdown]
# **Activations.** `saved_activation_bytes` counts the distinct tensors autograd keeps for backward
# during one forward pass. Per layer we find it by difference (a 4-layer and a 2-layer model), for
# several batch sizes b and sequence lengths s, and divide by s·b·h (h = width):
# a GPT layer here stores about **64·s·b·h bytes**, 16 numbers of width h per position in fp32.
# It does not grow with s² because PyTorch's fused attention (`scaled_dot_product_attention`) never
# stores the s×s matrix of attention weights; it recomputes them in backward (FlashAttention's idea).
# Korthikanti et al. (2022) count **s·b·h·(34 + 5·a·s/h)** bytes per layer for 16-bit values with
# dropout masks and a stored attention matrix (a heads): `transformer_activation_bytes`.


# %%
def activation_bytes_per_layer(b: int, s: int, checkpoint: bool = False) -> float:
    """Bytes one layer saves for backward, found as (4 layers - 2 layers) / 2 on a batch of b x s."""
    sizes = []
    for n_layer in (2, 4):
        m = new_model(replace(config, n_layer=n_layer, checkpoint_activations=checkpoint))
        x = torch.zeros(b, s, dtype=torch.long, device=device)
        sizes.append(saved_activation_bytes(lambda m=m, x=x: m(x, x)[1], exclude=m.parameters()))
    return (sizes[1] - sizes[0]) / 2


h = config.d_model
for b, s in ((16, 64), (8, 32), (4, 64)):
    per_layer = activation_bytes_per_layer(b, s)
    print(f"b={b:2d} s={s:2d}: {per_layer / (s * b * h):.2f} x s*b*h bytes per layer")
    assert 64 <= per_layer / (s * b * h) < 65  # fp32, no s^2 term: the same multiple at every shape

# %% [markdown]
# Now scale up. For each model: the model state in mixed precision with Adam (16N bytes), and the
# activations of **one** sequence at the model's full context length by Korthikanti's formula.
# Parameters are counted on PyTorch's meta device (shapes without memory).

# %%
models = {
    "this model": config,
    "GPT-2 small": GPT2_SMALL,
    "Llama 2 7B": LLAMA2_7B,
    "GPT-3 175B": GPT3_175B,
}
gib = 2**30
rows = {}
for name, cfg in models.items():
    n = gpt_on_meta(cfg).num_parameters()
    state = model_state_bytes(n, "mixed", "adam")
    acts = transformer_activation_bytes(cfg.context_length, 1, cfg.d_model, cfg.n_head, cfg.n_layer)
    rows[name] = (n, state, acts)
    print(
        f"{name:12s} {n / 1e9:8.3f}B params  weights {state.weights / gib:8.1f} GiB  grads {state.gradients / gib:7.1f}"
        f"  master+Adam {(state.master_weights + state.optimizer) / gib:8.1f}  activations/sequence {acts / gib:7.2f} GiB"
    )
    assert state.total == 16 * n
n_7b, n_175b = rows["Llama 2 7B"][0], rows["GPT-3 175B"][0]
assert 6.7e9 < n_7b < 6.8e9 and 174e9 < n_175b < 176e9  # the published sizes

# %%
fig, ax = figure(width=8, height=3.6)
names = list(rows)
kinds = [
    ("weights", lambda s, a: s.weights),
    ("gradients", lambda s, a: s.gradients),
    ("master weights + Adam", lambda s, a: s.master_weights + s.optimizer),
    ("activations, 1 sequence", lambda s, a: a),
]
bottom = [0.0] * len(names)
for (label, pick), color in zip(kinds, PALETTE, strict=False):
    values = [pick(rows[n][1], rows[n][2]) / gib for n in names]
    ax.bar(names, values, bottom=bottom, label=label, color=color)
    bottom = [b + v for b, v in zip(bottom, values, strict=True)]
ax.axhline(80, color="black", linestyle="--", linewidth=1)
ax.text(-0.4, 95, "one 80 GiB GPU", fontsize=9)
ax.set_yscale("log")
ax.set_ylim(bottom=1e-3)
ax.set_ylabel("GiB (log scale; upper segments look thinner than they are)")
ax.set_title("Training memory, mixed precision + Adam, before any sharding")
legend = ax.legend(fontsize=8, loc="upper left")

# %% [markdown]
# A 7B model's training state alone is 100 GiB: it does not fit one 80 GiB GPU, and GPT-3 needs
# 2.5 TiB. **ZeRO** (Rajbhandari et al. 2020) splits this state across the d data-parallel GPUs:
# stage 1 the optimizer state (with the master copy), stage 2 also the gradients, stage 3 also the
# weights (PyTorch's **FSDP** is stage 3). Per GPU, with 16-bit weights and gradients:
# stage 0: 16N; stage 1: 4N + 12N/d; stage 2: 2N + 14N/d; stage 3: 16N/d.

# %%
for name, n in (("Llama 2 7B", n_7b), ("GPT-3 175B", n_175b)):
    for d in (8, 64):
        per_gpu = [model_state_bytes(n, "mixed", "adam", stage, d).total for stage in range(4)]
        print(f"{name:11s} on {d:2d} GPUs: " + "  ".join(f"ZeRO-{i} {b / gib:7.1f}" for i, b in enumerate(per_gpu)))
        expected = [16 * n, 4 * n + 12 * n / d, 2 * n + 14 * n / d, 16 * n / d]
        assert all(math.isclose(a, e) for a, e in zip(per_gpu, expected, strict=True))

# %% [markdown]
# Try it: pick a size, a ZeRO stage and a number of GPUs (the function is
# `lib.scale.memory.model_state_report`; the printed call below is the same thing without a widget).

# %%
print(model_state_report(n_7b, zero_stage=3, data_parallel=8))
interactive_view(
    lambda billions, zero_stage, gpus: print(model_state_report(int(billions * 1e9), zero_stage, gpus)),
    billions=(0.1, 200.0, 0.1),
    zero_stage=[0, 1, 2, 3],
    gpus=[1, 2, 4, 8, 16, 64, 256, 1024],
)

# %% [markdown]
# ## Mixed precision (混合精度): bf16 and fp16
#
# A 16-bit number halves the memory and traffic of a 32-bit one, and GPUs multiply 16-bit matrices
# many times faster. The two 16-bit formats split their bits differently:

# %%
# NBVAL_CHECK_OUTPUT
for dtype in (torch.float32, torch.bfloat16, torch.float16):
    info = torch.finfo(dtype)
    print(f"{str(dtype):15s} max {info.max:9.3g}  smallest normal {info.tiny:9.3g}  epsilon {info.eps:9.3g}")

# %% [markdown]
# **bf16** keeps fp32's 8 exponent bits (same range, fewer digits): gradients as small as 1e-38 survive,
# so training in bf16 autocast needs no extra care. **fp16** has 5 exponent bits: below 6e-5 it
# loses digits, its smallest number is 2⁻²⁴ ≈ 6e-8, and anything under half of that becomes zero. Small gradients are common, so fp16
# training multiplies the loss by a large **scale** S before backward (every gradient is multiplied
# by S too, by the chain rule), then divides the gradients by S in fp32 before the update
# (Micikevicius et al. 2018). `torch.amp.GradScaler` does this and lowers S when a gradient overflows.
#
# Here are this model's real gradients, stored in fp16 with and without a scale of 2¹⁶:

# %%
model = new_model()
loss_of(model, batch).backward()
grads = torch.cat([p.grad.flatten() for p in model.parameters()])
nonzero = grads != 0
scale = 2.0**16
plain = grads.half().float()
scaled = (grads * scale).half().float() / scale  # what a GradScaler does: scale, store in 16 bits, unscale
lost_plain = (plain[nonzero] == 0).float().mean().item()
lost_scaled = (scaled[nonzero] == 0).float().mean().item()
error_plain = ((plain - grads).norm() / grads.norm()).item()
error_scaled = ((scaled - grads).norm() / grads.norm()).item()
print(f"smallest |gradient| {grads[nonzero].abs().min():.1e}, median {grads[nonzero].abs().median():.1e}")
print(f"fp16 without scaling: {lost_plain:.2%} of the gradients become 0, relative error {error_plain:.1e}")
print(f"fp16 with scale 2^16: {lost_scaled:.2%} become 0, relative error {error_scaled:.1e}")
assert lost_scaled < lost_plain  # the scale lifts the smallest gradients above fp16's floor
tiny = torch.tensor(1e-8)
assert tiny.half() == 0 and torch.isclose((tiny * scale).half().float() / scale, tiny, rtol=1e-3)
assert tiny.bfloat16() != 0  # bf16 keeps it: no scaling needed

# %% [markdown]
# The same through a real fp16 forward and backward: PyTorch's CPU autocast runs matrix products in
# fp16, and a `GradScaler` scales the loss and unscales the gradients.

# %%
reference = [p.grad.clone() for p in model.parameters()]


def fp16_gradients(use_scaler: bool) -> list[torch.Tensor]:
    """The model's gradients from an fp16-autocast forward pass, with or without a gradient scaler."""
    model.zero_grad()
    opt = torch.optim.SGD(model.parameters(), lr=0.0)
    scaler = torch.amp.GradScaler(device.type, init_scale=2.0**16, enabled=use_scaler)
    with torch.autocast(device.type, dtype=torch.float16):
        loss = loss_of(model, batch)
    scaler.scale(loss * 1e-3).backward()  # a loss 1000x smaller: small gradients
    scaler.unscale_(opt)
    return [p.grad.float() / 1e-3 for p in model.parameters()]


outcome = {}
for use_scaler in (False, True):
    g = torch.cat([a.flatten() for a in fp16_gradients(use_scaler)])
    want = torch.cat([b.flatten() for b in reference])
    outcome[use_scaler] = ((g - want).norm() / want.norm()).item(), ((g == 0) & (want != 0)).sum().item()
    err, zeros = outcome[use_scaler]
    print(
        f"fp16 autocast, scaler {'on ' if use_scaler else 'off'}: relative error {err:.2e}, {zeros:,} gradients lost to 0"
    )
assert outcome[False][0] > 0.5  # without the scaler most of the gradient is gone
assert outcome[True][0] < 1e-3 and outcome[True][1] < outcome[False][1] / 100  # with it, fp16 rounding only

# %% [markdown]
# Stored directly, few of these gradients fall under fp16's floor (the relative error, 2e-4, is fp16's
# rounding, the same with and without the scale); but in a real fp16 backward pass the
# *intermediate* gradients flow through fp16 too. With the loss 1000 times smaller (gradients are
# small when a loss is averaged over many tokens, or once a model has learned), many of them
# underflow: the error above is 90% without the scaler and a fraction of a percent with it.
#
# The engine does all of this from one option: `train(..., precision="bf16")` runs the forward pass
# in bf16 autocast; `"fp16"` adds a `GradScaler` (CUDA only); `"auto"` picks bf16 on a GPU that has
# it, fp16 on one that does not, and fp32 on a CPU. On a CPU bf16 runs, but it is rarely faster:
# CPUs without bf16 matrix units convert back and forth. Here are 30 steps each way:


# %%
def train_steps(precision: str, steps: int = 30, **options) -> tuple[list[float], float]:
    """Train a fresh model for ``steps`` steps through lib's engine; return the losses and seconds per step."""
    m = new_model()
    source = RandomBlocks(tokens, config.context_length, batch_size, steps, seed=2)
    start = time.perf_counter()
    history = train(
        m,
        source,
        LossStep(loss_of),
        optimizer=make_adamw(m, lr=3e-3, device=device),
        steps=steps,
        precision=precision,
        device=device,
        log_every=1,
        keep_every_step=True,
        progress=False,
        **options,
    )
    return history["train_loss"], (time.perf_counter() - start) / steps


losses_fp32, time_fp32 = train_steps("fp32")
losses_bf16, time_bf16 = train_steps("bf16")
print(f"fp32: loss {losses_fp32[0]:.3f} -> {losses_fp32[-1]:.3f}, {time_fp32 * 1e3:.0f} ms per step")
print(f"bf16: loss {losses_bf16[0]:.3f} -> {losses_bf16[-1]:.3f}, {time_bf16 * 1e3:.0f} ms per step")
assert abs(losses_bf16[-1] - losses_fp32[-1]) < 0.05 * losses_fp32[-1]  # the same training, within 5%
assert losses_bf16[-1] < losses_bf16[0] - 0.5

# %% [markdown]
# ## Gradient accumulation (梯度累积)
#
# When a batch of B sequences does not fit, split it into k micro-batches, run forward and backward
# on each without updating, and update once. Each micro-batch's mean loss is weighted by its share
# of the samples (B_i / B), so the weighted losses add up to the full batch's mean loss and, by
# linearity of the gradient, their gradients add up to the full batch's gradient. In the open first:

# %%
model = new_model()
model.zero_grad()
loss_of(model, batch).backward()
full_batch = [p.grad.clone() for p in model.parameters()]

model.zero_grad()
for piece in zip(*(t.chunk(4) for t in batch), strict=True):  # 4 micro-batches of 4 sequences
    share = piece[0].shape[0] / batch[0].shape[0]
    (loss_of(model, piece) * share).backward()  # .grad accumulates across backward calls
accumulated = [p.grad.clone() for p in model.parameters()]
for a, b in zip(accumulated, full_batch, strict=True):
    torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-7)
print("4 micro-batches, weighted by their share: the same gradient as the full batch")

# %% [markdown]
# The engine does the same with `accumulate=k` (and, under DDP, skips the gradient exchange on all
# but the last micro-batch). With plain SGD and learning rate 1, one step moves each weight by
# minus its gradient, so equal weights after the step mean equal gradients:

# %%
after = {}
for k in (1, 4):
    m = new_model()
    train(
        m,
        [batch],
        LossStep(loss_of),
        optimizer=torch.optim.SGD(m.parameters(), lr=1.0),
        steps=1,
        accumulate=k,
        precision="fp32",
        device=device,
        progress=False,
    )
    after[k] = m.state_dict()
for name in after[1]:
    torch.testing.assert_close(after[4][name], after[1][name], rtol=1e-5, atol=1e-6)
print("engine, accumulate=4 and accumulate=1: the same weights after one SGD step")

# %% [markdown]
# ## Activation checkpointing (激活检查点): memory for time
#
# Activations dominate at long sequences (97 GiB for *one* 4,096-token sequence of Llama 2 7B above).
# **Activation checkpointing** (Chen et al. 2016) keeps only each block's input during the forward
# pass and runs the block again during backward to rebuild what it needs. `lib`'s GPT does it with
# `checkpoint_activations=True` (`torch.utils.checkpoint` around each block). Per layer the stored
# bytes should drop from about 64·s·b·h to the block's fp32 input alone, 4·s·b·h (Korthikanti's
# "full recomputation" 2·s·b·h, in 16-bit), at the price of a second forward pass (about a third more
# compute, since backward costs about two forwards).

# %%
b, s = batch[0].shape
per_layer_plain = activation_bytes_per_layer(b, s)
per_layer_ckpt = activation_bytes_per_layer(b, s, checkpoint=True)
print(
    f"per layer: {per_layer_plain / (s * b * h):.2f} x s*b*h bytes stored, {per_layer_ckpt / (s * b * h):.2f} with checkpointing"
)
assert per_layer_ckpt == 4 * s * b * h
assert transformer_activation_bytes(s, b, h, config.n_head, 1, recompute="full") * 2 == per_layer_ckpt  # 16 -> 32 bits

model = new_model()
whole = saved_activation_bytes(lambda: loss_of(model, batch), exclude=model.parameters())
model.checkpoint_activations = True
checkpointed = saved_activation_bytes(lambda: loss_of(model, batch), exclude=model.parameters())
print(f"whole model: {whole / 2**20:.1f} MiB saved for backward, {checkpointed / 2**20:.1f} MiB with checkpointing")
assert checkpointed < 0.2 * whole


def step_seconds(checkpoint: bool, repeats: int = 7) -> tuple[float, list[torch.Tensor]]:
    """Median seconds of one forward + backward, and the gradients it produced."""
    m = new_model()
    m.checkpoint_activations = checkpoint
    times = []
    for _ in range(repeats):
        m.zero_grad()
        start = time.perf_counter()
        loss_of(m, batch).backward()
        times.append(time.perf_counter() - start)
    return statistics.median(times), [p.grad for p in m.parameters()]


time_plain, grads_plain = step_seconds(False)
time_ckpt, grads_ckpt = step_seconds(True)
for a, b_ in zip(grads_ckpt, grads_plain, strict=True):
    torch.testing.assert_close(a, b_)  # recomputation gives the same gradients
print(
    f"forward + backward: {time_plain * 1e3:.0f} ms, {time_ckpt * 1e3:.0f} ms with checkpointing "
    f"({time_ckpt / time_plain - 1:+.0%} time for {1 - checkpointed / whole:.0%} less activation memory)"
)

# %% [markdown]
# ## torch.compile (编译)
#
# `torch.compile` traces a model into a graph and generates fused kernels (on a CPU, C++ code).
# Fusion pays where a chain of element-wise operations would otherwise read and write memory once
# per operation. GELU's tanh approximation is such a chain, 8 operations on a 2-million-element
# tensor:


# %%
def gelu_tanh(x: torch.Tensor) -> torch.Tensor:
    """GELU, tanh approximation, written as separate element-wise operations."""
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x**3)))


def median_seconds(fn, x, repeats: int = 15) -> float:
    """Median wall time of ``fn(x)`` over ``repeats`` calls."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn(x)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


x = torch.randn(2_000_000, device=device)
eager = median_seconds(gelu_tanh, x)
logging.getLogger("torch.utils.cpp_extension").setLevel(logging.ERROR)  # "no CUDA runtime" is expected on a CPU
try:
    start = time.perf_counter()
    compiled = torch.compile(gelu_tanh)
    torch.testing.assert_close(compiled(x), gelu_tanh(x))
    compile_seconds = time.perf_counter() - start
    fused = median_seconds(compiled, x)
    print(
        f"eager {eager * 1e3:.1f} ms, compiled {fused * 1e3:.1f} ms: {eager / fused:.1f}x faster "
        f"(after {compile_seconds:.0f} s of compiling)"
    )
except Exception as error:  # no C++ compiler, or a platform compile does not support
    print(
        f"torch.compile is not available here ({type(error).__name__}: {str(error)[:120]}); eager: {eager * 1e3:.1f} ms"
    )

# %% [markdown]
# Fused, the chain reads and writes memory once: several times faster on the course's 2-core machine.
# Compiling costs seconds to a minute the first time (it writes and builds C++ code), less once
# cached. The whole GPT is another story **on a CPU**: its time goes to matrix products, which
# already run in tuned library kernels, and compiling it took about 100 s there for the same
# 0.17 s per training step (measured with this lesson's CPU model; too slow to repeat in a lesson).
# On a GPU compile fuses the element-wise work around the matrix products and typically speeds GPT
# training up by tens of percent; the cell below runs only there.

# %%
if device.type == "cuda":
    gpu_model = new_model()
    step_eager = step_seconds(False)[0]
    compiled_model = torch.compile(gpu_model)
    loss_of(compiled_model, batch).backward()  # the compile happens here
    times = []
    for _ in range(10):
        torch.cuda.synchronize()
        start = time.perf_counter()
        loss_of(compiled_model, batch).backward()
        torch.cuda.synchronize()
        times.append(time.perf_counter() - start)
    print(f"GPU: eager {step_eager * 1e3:.1f} ms, compiled {statistics.median(times) * 1e3:.1f} ms per step")
else:
    print("CPU: the GPT compile comparison runs on a GPU only (see the text above)")

# %% [markdown]
# ## Data parallelism, run for real (数据并行)
#
# **Data parallelism** puts a full copy (replica) of the model on each of d processes, gives each a
# different 1/d of the global batch, and after backward **averages the gradients** across processes
# (an all-reduce), so every replica takes the same update and stays identical. Since each process's
# loss is the mean over its equal share, the average of their gradients is the gradient of the mean
# over the whole batch: data parallelism computes exactly what one process would on the global batch.
#
# `lib.train.ddp_demo` is a script that does this with PyTorch's `DistributedDataParallel` (DDP)
# through `lib`'s engine. `launch` runs it as
# `torchrun --standalone --nproc_per_node 2 -m lib.train.ddp_demo --strategy ddp,fsdp --out DIR`:
# two CPU processes talking over the **gloo** backend. On a machine with N GPUs the same command with
# `--nproc_per_node N` puts one process on each GPU and uses **NCCL**, chosen by the script when
# CUDA is present. The second strategy, `fsdp`, shards the model with FSDP2's `fully_shard`: each
# process keeps only its half of every weight, gradient and Adam moment (ZeRO stage 3), and gathers
# a block's full weights just before that block runs.
#
# Memory: `torchrun` starts three more Python processes (its launcher and two workers), each holding
# PyTorch itself, about 300 MB. This kernel and those processes together peaked at 2.2 GB when the
# lesson was measured, above Binder's 2 GB: on Binder this cell may be stopped; Colab or a laptop
# runs it.

# %%
demo = DemoConfig(n_layer=2, n_head=2, d_model=32, context=32, global_batch=8, steps=10)
with tempfile.TemporaryDirectory() as folder:
    results = launch(folder, nproc=2, strategy="ddp,fsdp", config=demo, timeout=300)
    trained = {name: load_checkpoint(f"{folder}/{name}.pt") for name in ("ddp", "fsdp")}
reference_model, reference_losses = single_process_run(demo)
print(f"backend {results['backend']}, {results['world_size']} processes, {results['ddp']['n_parameters']:,} parameters")
for name in ("ddp", "fsdp"):
    outcome = results[name]
    weights_gap = max((trained[name][k] - v).abs().max().item() for k, v in reference_model.state_dict().items())
    loss_gap = max(abs(a - b) for a, b in zip(outcome["losses"], reference_losses, strict=True))
    print(
        f"{name}: replicas differ by {outcome['replica_max_diff']:.1e}; vs one process: "
        f"losses within {loss_gap:.0e}, weights within {weights_gap:.0e}"
    )
    assert outcome["replica_max_diff"] == 0.0  # the two processes hold bitwise identical weights
    assert loss_gap < 1e-5 and weights_gap < 1e-4  # = one process on the global batch, to float rounding

# %% [markdown]
# The replicas agree bit for bit: they start from the same weights and apply the same averaged
# gradient. Against one process they agree to float rounding (10⁻⁵ in the weights after 10 AdamW
# steps of size 3·10⁻³): summing the same numbers in another order rounds differently.

# %%
fig, ax = figure(width=6, height=3)
steps_axis = range(1, demo.steps + 1)
ax.plot(steps_axis, reference_losses, color=PALETTE[0], linewidth=4, alpha=0.4, label="one process, global batch 8")
ax.plot(steps_axis, results["ddp"]["losses"], "o", color=PALETTE[1], label="DDP, 2 processes x 4")
ax.plot(steps_axis, results["fsdp"]["losses"], "x", color=PALETTE[2], label="FSDP, 2 processes x 4")
ax.set_xlabel("optimizer step")
ax.set_ylabel("training loss")
legend = ax.legend()

# %% [markdown]
# **What each process held.** In DDP every process holds everything: 4N bytes of fp32 weights, 4N of
# gradients, 8N of Adam moments. Under FSDP each holds about half, as ZeRO stage 3's formula says
# (16N/d per device; fp32 here, so no separate master copy). A weight matrix is split along its first
# dimension, rounded up, so the halves differ by a few rows.

# %%
n_demo = results["ddp"]["n_parameters"]
for name in ("ddp", "fsdp"):
    for rank, held in enumerate(results[name]["held_bytes"]):
        print(f"{name} rank {rank}: " + ", ".join(f"{k} {v:,}" for k, v in held.items()) + " bytes")
sharded = model_state_bytes(n_demo, "fp32", "adam", zero_stage=3, data_parallel=2)
print(
    f"ZeRO-3 formula per process: weights {sharded.weights:,.0f}, gradients {sharded.gradients:,.0f}, "
    f"optimizer {sharded.optimizer:,.0f}"
)
assert all(h["weights"] == 4 * n_demo and h["optimizer"] == 8 * n_demo for h in results["ddp"]["held_bytes"])
fsdp_held = results["fsdp"]["held_bytes"]
assert sum(h["weights"] for h in fsdp_held) == 4 * n_demo  # the shards add up to exactly one copy
for kind, expected in (
    ("weights", sharded.weights),
    ("gradients", sharded.gradients),
    ("optimizer", sharded.optimizer),
):
    assert all(abs(h[kind] - expected) < 0.02 * expected for h in fsdp_held)

# %% [markdown]
# The price of sharding is communication: before each block runs, its weights are gathered
# (all-gather), and its gradients are reduce-scattered after backward, about 1.5 times DDP's traffic
# (Rajbhandari et al. 2020). On two CPU processes both runs take a few seconds, most of it starting
# Python twice; the memory saving is what matters at 7B and beyond.
#
# ## Summary
#
# - Training state is 16 bytes per parameter with Adam, in fp32 or in mixed precision (16-bit
#   weights and gradients plus an fp32 master copy and two fp32 moments): 100 GiB for a 7B model.
#   Activations come on top and grow with batch × sequence length; measured here, 64·s·b·h bytes per
#   layer in fp32, with no s² term thanks to fused attention.
# - bf16 has fp32's range and trains as is; fp16 needs loss scaling, or small gradients underflow to
#   zero (90% error in the demo without the scaler, under 0.1% with it). The engine's `precision`
#   option does it all.
# - Gradient accumulation gives exactly the large batch's gradient when each micro-batch's loss is
#   weighted by its share of the samples.
# - Activation checkpointing stored 16 times fewer activation bytes per layer for one extra forward pass.
# - torch.compile fuses element-wise chains (several times faster here) but does not speed up
#   a small GPT on a CPU; on GPUs it does.
# - DDP keeps identical replicas that compute exactly what one process computes on the global batch;
#   FSDP/ZeRO-3 splits weights, gradients and optimizer state across processes, checked byte for byte.
#
# ## Exercises
#
# **1. Predict, then run.** With `checkpoint_activations=True`, the blocks run twice. Will the
# gradients differ from those without checkpointing (beyond nothing at all)? Write `True` or
# `False` in `answer_1`, then run the cell, which compares them.

# %%
# BEGIN SOLUTION
answer_1 = False
# END SOLUTION
observed_1 = any(not torch.equal(a, b_) for a, b_ in zip(grads_ckpt, grads_plain, strict=True))
print("gradients changed:", observed_1)
check("3.6.checkpoint-changes-grads", answer_1)

# %% [markdown]
# **2. Code.** Llama-sized: 7·10⁹ parameters, mixed precision, Adam, ZeRO stage 2 across 8 GPUs. How
# many bytes of model state does each GPU hold? Compute it from the stage's definition, without `lib`.

# %%
# BEGIN SOLUTION
answer_2 = 7e9 * (2 + (2 + 4 + 8) / 8)
# END SOLUTION
check("3.6.zero2-bytes", answer_2)

# %% [markdown]
# A check that accepted anything would teach nothing: sharding the weights too (that is stage 3) is
# the classic slip, and it is rejected.

# %%
print(expect_wrong(check, "3.6.zero2-bytes", 7e9 * 16 / 8))

# %% [markdown]
# **3. Code.** A gradient of 10⁻⁹ is 0 in fp16. Find, with PyTorch, the smallest power of two S such
# that 10⁻⁹ · S is not zero once stored in fp16.

# %%
# BEGIN SOLUTION
answer_3 = 1.0
while torch.tensor(1e-9 * answer_3).half().item() == 0.0:
    answer_3 *= 2.0
# END SOLUTION
check("3.6.fp16-loss-scale", answer_3)

# %% [markdown]
# **4. Explain.** DDP averages gradients; what would go wrong if it *summed* them instead, with the
# same learning rate, and what if the two processes drew their micro-batches of different sizes
# (5 and 3 sequences) but still averaged? (Hint: write both as a weighted mean of per-sample losses.)
#
# ## References
#
# - Rajbhandari, Rasley, Ruwase, He, *ZeRO: Memory Optimizations Toward Training Trillion Parameter Models*, SC 2020, arXiv:1910.02054.
# - Micikevicius et al., *Mixed Precision Training*, ICLR 2018, arXiv:1710.03740 (fp16 with loss scaling and an fp32 master copy).
# - Kalamkar et al., *A Study of BFLOAT16 for Deep Learning Training*, 2019, arXiv:1905.12322.
# - Chen, Xu, Zhang, Guestrin, *Training Deep Nets with Sublinear Memory Cost*, 2016, arXiv:1604.06174 (activation checkpointing).
# - Korthikanti et al., *Reducing Activation Recomputation in Large Transformer Models*, MLSys 2023, arXiv:2205.05198.
# - Dao, Fu, Ermon, Rudra, Ré, *FlashAttention: Fast and Memory-Efficient Exact Attention with IO-Awareness*, NeurIPS 2022, arXiv:2205.14135.
# - Li et al., *PyTorch Distributed: Experiences on Accelerating Data Parallel Training*, VLDB 2020, arXiv:2006.15704 (DDP).
# - Zhao et al., *PyTorch FSDP: Experiences on Scaling Fully Sharded Data Parallel*, VLDB 2023, arXiv:2304.11277.
# - Ansel et al., *PyTorch 2: Faster Machine Learning Through Dynamic Python Bytecode Transformation and Graph Compilation*, ASPLOS 2024 (torch.compile).
# - Touvron et al., *Llama 2: Open Foundation and Fine-Tuned Chat Models*, 2023, arXiv:2307.09288; Brown et al., *Language Models are Few-Shot Learners*, NeurIPS 2020, arXiv:2005.14165.
# - PyTorch documentation: `torch.amp` (https://pytorch.org/docs/stable/amp.html), `torch.utils.checkpoint`, `torchrun` (https://pytorch.org/docs/stable/elastic/run.html), FSDP2 `fully_shard` (https://pytorch.org/docs/stable/distributed.fsdp.fully_shard.html).
