# %% [markdown]
# # 3.3 The Transformer block in full (Transformer 模块)
#
# **Time:** about 1 min on a laptop CPU · **Prerequisites:** lesson 1.3 (the idea of attention); lesson 2.4 (layer normalization); matrix multiplication · **You will learn:** every part of the block that GPT-2 and Llama stack — multi-head causal self-attention, positions (learned, sinusoidal, rotary), LayerNorm and RMSNorm, GELU and SwiGLU, multi-query and grouped-query attention — each built from scratch and checked against PyTorch and the course's GPT, which builds both families from one class.
#
# In this lesson you will:
#
# - write **multi-head causal self-attention** (多头因果自注意力) with matrices and check it against
#   PyTorch's fused `scaled_dot_product_attention` and against `lib`'s block;
# - see that attention ignores order, and give it **positions** three ways: learned vectors (GPT-2),
#   fixed **sinusoids** (the original Transformer) and **rotary embeddings** (RoPE, Llama);
# - compare **LayerNorm** and **RMSNorm**, and the **GELU MLP** with **SwiGLU**;
# - measure what **multi-query** and **grouped-query attention** (MQA, GQA) save in the **KV cache**;
# - build GPT-2 small and Llama 2 7B / Llama 3 8B from the same class and match their published sizes;
# - look at the attention of a small trained model on real text, layer by layer and head by head.

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
import torch.nn.functional as F

from lib.course.checks import expect_wrong
from lib.course.exercises import check
from lib.course.lesson import lesson_setup
from lib.data.blocks import RandomBlocks
from lib.data.char_tokenizer import CharTokenizer
from lib.data.pydoc_corpus import load_python_docs
from lib.models.attention_maps import gpt_attention_maps
from lib.models.feedforward import GeluMLP, SwiGLU, swiglu_hidden_size
from lib.models.gpt import GPT, GPT2_SMALL, LLAMA2_7B, LLAMA3_8B, GPTConfig, gpt_on_meta
from lib.models.positional import apply_rotary, rotary_angles, sinusoidal_table
from lib.models.transformer import CausalSelfAttention
from lib.scale.compute import kv_cache_bytes, llama_parameter_count
from lib.scale.parameters import gpt_parameter_count, human_bytes
from lib.scratch.normalization import layer_norm, rms_norm
from lib.train.loop import train
from lib.train.optimizers import make_adamw
from lib.train.steps import LossStep
from lib.viz.attention import attention_heatmap
from lib.viz.plots import figure
from lib.viz.widgets import interactive_view

device, generator = lesson_setup(seed=0)  # seed, device, one CPU thread for tiny models, the course's plot style

# %% [markdown]
# ## Multi-head causal self-attention, from scratch
#
# A sequence of $T$ token vectors $X \in \mathbb{R}^{T \times d}$ ($d$ = `d_model`) is projected into
# **queries**, **keys** and **values** (查询、键、值): $Q = XW_Q$, $K = XW_K$, $V = XW_V$. With $h$ heads,
# each is cut into $h$ slices of width $d_k = d / h$, and each head $i$ computes
#
# $$\text{head}_i = \operatorname{softmax}\!\left(\frac{Q_i K_i^\top}{\sqrt{d_k}} + M\right) V_i ,
# \qquad M_{tj} = \begin{cases} 0 & j \le t \\ -\infty & j > t \end{cases}$$
#
# The **causal mask** (因果掩码) $M$ lets position $t$ see only positions up to itself, so the model can
# be trained to predict every next token at once without seeing it. The heads are concatenated and
# projected back: $\text{out} = [\text{head}_1, \dots, \text{head}_h]\, W_O$. Here it is with plain
# matrices, against PyTorch's fused kernel and against the block `lib` uses.

# %%
d_model, n_head, T = 32, 4, 6
config = GPTConfig(vocab_size=50, context_length=16, n_layer=1, n_head=n_head, d_model=d_model, bias=False)
lib_attention = CausalSelfAttention(config).eval()
x = torch.randn(1, T, d_model)

W_qkv = lib_attention.qkv.weight.T  # (d, 3d): W_Q, W_K, W_V side by side
W_o = lib_attention.proj.weight.T
Q, K, V = (x @ W_qkv).split(d_model, dim=-1)
d_k = d_model // n_head
heads = []
for i in range(n_head):
    q, k, v = (m[0, :, i * d_k : (i + 1) * d_k] for m in (Q, K, V))  # (T, d_k) each
    scores = q @ k.T / math.sqrt(d_k)
    scores = scores.masked_fill(torch.ones(T, T).triu(diagonal=1).bool(), float("-inf"))  # hide the future
    heads.append(torch.softmax(scores, dim=-1) @ v)
ours = torch.cat(heads, dim=-1) @ W_o

q4, k4, v4 = (m.view(1, T, n_head, d_k).transpose(1, 2) for m in (Q, K, V))
fused = F.scaled_dot_product_attention(q4, k4, v4, is_causal=True).transpose(1, 2).reshape(1, T, d_model) @ W_o
torch.testing.assert_close(ours, fused[0], atol=1e-5, rtol=1e-5)
torch.testing.assert_close(ours, lib_attention(x)[0], atol=1e-5, rtol=1e-5)
print("from scratch == F.scaled_dot_product_attention == lib's CausalSelfAttention")

# %% [markdown]
# Causality is a property we can test: changing a *later* token must not change an earlier output.

# %%
changed = x.clone()
changed[0, 4] += 10.0
delta = (lib_attention(changed) - lib_attention(x)).abs().amax(dim=-1)[0]
print("largest change at each position:", [f"{v:.1e}" for v in delta.tolist()])
assert delta[:4].max() == 0 and delta[4:].min() > 0

# %% [markdown]
# ## Attention alone does not know the order
#
# Without positions, attention is a weighted average over a *set*: shuffle the tokens and each
# output shuffles with them. (Causal masking breaks this only partly: it tells a token how many
# came before it, not which.) We show it with the mask off, which is how an encoder like BERT attends:

# %%
perm = torch.tensor([3, 0, 5, 1, 4, 2])
full_attention = lambda z: F.scaled_dot_product_attention(z, z, z)  # noqa: E731 (no mask, no positions)
torch.testing.assert_close(full_attention(x[:, perm]), full_attention(x)[:, perm])
print("permuting the inputs only permutes the outputs: the order is invisible")

# %% [markdown]
# So a model must be told where each token is. Three answers:
#
# **Learned positions** (GPT-2): a table of `context_length` vectors, learned like the token embeddings
# and added to them. Simple; cannot extend past the table.
#
# **Sinusoids** (Vaswani et al. 2017, §3.5): a fixed table
# $PE_{p,2i} = \sin(p / 10000^{2i/d})$, $PE_{p,2i+1} = \cos(p / 10000^{2i/d})$: each pair of
# dimensions turns at its own frequency, from one turn per $2\pi$ tokens to one per $2\pi \cdot 10^4$.

# %%
table = sinusoidal_table(64, 32)
p, i = 7, 3
assert math.isclose(table[p, 2 * i].item(), math.sin(p / 10000 ** (2 * i / 32)), abs_tol=1e-6)
assert math.isclose(table[p, 2 * i + 1].item(), math.cos(p / 10000 ** (2 * i / 32)), abs_tol=1e-6)
fig, ax = figure(width=7, height=3)
image = ax.imshow(table.T.numpy(), aspect="auto", cmap="RdBu", vmin=-1, vmax=1)
ax.set_xlabel("position p")
ax.set_ylabel("dimension")
ax.set_title("sinusoidal position table: fast dimensions on top, slow below")
ax.grid(False)
fig.colorbar(image, ax=ax)

# %% [markdown]
# **Rotary position embedding** (RoPE, 旋转位置编码; Su et al. 2021), used by Llama, adds nothing to the
# token vectors. It *rotates* each query and key: the pair of coordinates $(x_{2i}, x_{2i+1})$ at
# position $p$ turns by the angle $p\,\theta_i$, $\theta_i = 10000^{-2i/d_k}$:
#
# $$\begin{pmatrix} x'_{2i} \\ x'_{2i+1} \end{pmatrix} =
# \begin{pmatrix} \cos p\theta_i & -\sin p\theta_i \\ \sin p\theta_i & \cos p\theta_i \end{pmatrix}
# \begin{pmatrix} x_{2i} \\ x_{2i+1} \end{pmatrix}.$$
#
# A rotation by $m\theta$ on the query and $n\theta$ on the key leaves their dot product depending
# only on $m - n$: attention scores then see *relative* positions. We rotate with the matrix above,
# compare with `lib`, and check the relative property.

# %%
d_k = 8
cos, sin = rotary_angles(64, d_k)
q_vec, k_vec = torch.randn(d_k), torch.randn(d_k)


def rotate_by_hand(v, pos):
    out = torch.empty_like(v)
    for i in range(d_k // 2):
        angle = pos * 10000 ** (-2 * i / d_k)
        c, s = math.cos(angle), math.sin(angle)
        out[2 * i] = c * v[2 * i] - s * v[2 * i + 1]
        out[2 * i + 1] = s * v[2 * i] + c * v[2 * i + 1]
    return out


def rotate_lib(v, pos):
    return apply_rotary(v.view(1, d_k), cos[pos : pos + 1], sin[pos : pos + 1])[0]


torch.testing.assert_close(rotate_lib(q_vec, 5), rotate_by_hand(q_vec, 5), atol=1e-5, rtol=1e-5)
score = lambda m, n: (rotate_lib(q_vec, m) @ rotate_lib(k_vec, n)).item()  # noqa: E731
print(f"score(q at 9, k at 6) = {score(9, 6):.5f};  score(q at 40, k at 37) = {score(40, 37):.5f};"
      f"  score(q at 9, k at 5) = {score(9, 5):.5f}")
assert math.isclose(score(9, 6), score(40, 37), abs_tol=1e-4) and not math.isclose(score(9, 6), score(9, 5), abs_tol=1e-3)
assert math.isclose(rotate_lib(q_vec, 30).norm().item(), q_vec.norm().item(), rel_tol=1e-5)  # a rotation keeps length

# %% [markdown]
# ## LayerNorm and RMSNorm
#
# Each block normalizes its input before attention and before the MLP (**pre-norm**, as GPT-2 and
# Llama do). **LayerNorm** (层归一化; lesson 2.4) subtracts the mean and divides by the standard deviation
# over the features, then scales and shifts: $\gamma \odot \frac{x - \mu}{\sqrt{\sigma^2 + \epsilon}} + \beta$.
# **RMSNorm** (Zhang & Sennrich 2019) drops the mean and the shift: $\gamma \odot \frac{x}{\sqrt{\operatorname{mean}(x^2) + \epsilon}}$.
# Fewer operations, no bias, and in practice as good, which is why Llama uses it.

# %%
h = torch.randn(4, 32, dtype=torch.float64) * 3 + 1
gamma, beta = torch.rand(32, dtype=torch.float64), torch.randn(32, dtype=torch.float64)
torch.testing.assert_close(layer_norm(h, 32, gamma, beta), F.layer_norm(h, (32,), gamma, beta))
by_hand = gamma * h / torch.sqrt(h.pow(2).mean(dim=-1, keepdim=True) + 1e-6)
torch.testing.assert_close(rms_norm(h, gamma, eps=1e-6), by_hand)
torch.testing.assert_close(rms_norm(h, gamma, eps=1e-6), F.rms_norm(h, (32,), gamma, eps=1e-6))
print("LayerNorm and RMSNorm: from scratch == PyTorch")
print(f"after LayerNorm: mean {F.layer_norm(h, (32,)).mean():+.3f};  after RMSNorm: mean {F.rms_norm(h, (32,)).mean():+.3f}"
      "  (RMSNorm keeps the mean)")

# %% [markdown]
# ## The feed-forward layer: GELU or SwiGLU
#
# After attention mixes information *across* positions, the feed-forward layer transforms each
# position on its own. GPT-2 widens to $4d$, applies GELU and projects back: $W_2\,\mathrm{GELU}(W_1 x)$,
# $8d^2$ weights. **SwiGLU** (Shazeer 2020) gates one projection with another:
# $W_2\,(\mathrm{SiLU}(W_g x) \odot W_u x)$. Three matrices instead of two, so Llama narrows the hidden
# width to about $\frac{2}{3} \cdot 4d$ (rounded up to a multiple of 256) to keep the same parameter count.

# %%
d = 4096
hidden = swiglu_hidden_size(d)
gelu_params, swiglu_params = 2 * d * 4 * d, 3 * d * hidden
print(f"d = {d}: GELU MLP {gelu_params:,} weights; SwiGLU with hidden {hidden:,}: {swiglu_params:,} "
      f"({swiglu_params / gelu_params:.3f}x)")
assert hidden == 11008 and abs(swiglu_params / gelu_params - 1) < 0.01  # Llama 2 7B's width, within 1%

layer = SwiGLU(16, 40)
z = torch.randn(3, 16)
by_hand = (F.silu(z @ layer.gate.weight.T) * (z @ layer.up.weight.T)) @ layer.down.weight.T
torch.testing.assert_close(layer(z), by_hand)
assert sum(p.numel() for p in GeluMLP(16, 64, bias=False).parameters()) == 2 * 16 * 64
print("SwiGLU from its formula == lib's SwiGLU")

# %% [markdown]
# ## Multi-query and grouped-query attention: a smaller KV cache
#
# When a model generates text it keeps every past token's keys and values (the **KV cache**, KV 缓存;
# lesson 1.8) so each new token needs only its own projections. Per token that is
# $2 \times L \times h_{kv} \times d_k$ numbers for $L$ layers. **Multi-query attention** (MQA, Shazeer 2019)
# lets all $h$ query heads share *one* key/value head ($h_{kv} = 1$); **grouped-query attention**
# (GQA, Ainslie et al. 2023) shares each of $h_{kv}$ key/value heads among a group of $h / h_{kv}$ query
# heads. Llama 3 8B has $h = 32$ and $h_{kv} = 8$: a cache 4 times smaller. We measure it with the
# course's GPT and compare with the formula.

# %%
rows = []
for n_kv in (8, 2, 1):
    cfg = GPTConfig(vocab_size=50, context_length=64, n_layer=2, n_head=8, d_model=64, n_kv_head=n_kv, position="rotary")
    model = GPT(cfg).eval()
    cache = model.new_kv_cache()
    with torch.no_grad():
        model(torch.randint(0, 50, (1, 40)), kv_cache=cache)
    measured = sum(layer.keys[:, :, : cache.length].numel() + layer.values[:, :, : cache.length].numel()
                   for layer in cache.layers) * 4  # fp32 bytes held for the 40 tokens
    formula = kv_cache_bytes(2, 64, n_tokens=40, dtype="fp32", n_head=8, n_kv_head=n_kv)
    assert measured == formula == 2 * 2 * n_kv * 8 * 40 * 4
    rows.append((n_kv, measured, model.num_parameters()))
    print(f"n_kv_head = {n_kv}: cache {measured:,} bytes for 40 tokens; parameters {model.num_parameters():,}")

llama3 = kv_cache_bytes(32, 4096, n_tokens=8192, dtype="bf16", n_head=32, n_kv_head=8)
without_gqa = kv_cache_bytes(32, 4096, n_tokens=8192, dtype="bf16")
print(f"Llama 3 8B, one 8,192-token sequence in bf16: {human_bytes(llama3)} with GQA, {human_bytes(without_gqa)} without")
assert without_gqa == 4 * llama3

# %% [markdown]
# ## One class, two families
#
# `lib.models.gpt.GPTConfig` selects every part above, so one `GPT` class builds a GPT-2 and a Llama.
# On PyTorch's *meta* device the shapes exist but no memory is allocated, so counting 8 billion
# parameters costs nothing. The counts match the published ones exactly, and the closed-form formulas.

# %%
# NBVAL_CHECK_OUTPUT
for name, cfg, published in (("GPT-2 small", GPT2_SMALL, 124_439_808), ("Llama 2 7B", LLAMA2_7B, 6_738_415_616),
                             ("Llama 3 8B", LLAMA3_8B, 8_030_261_248)):
    counted = gpt_on_meta(cfg).num_parameters()
    print(f"{name:12s} {counted:>14,} parameters  position={cfg.position:8s} norm={cfg.norm:5s} mlp={cfg.mlp:6s} "
          f"kv heads={cfg.kv_heads:2d}/{cfg.n_head} tied={cfg.tie_embeddings}")
    assert counted == published
assert gpt_parameter_count(12, 768, 50257, 1024) == 124_439_808
assert llama_parameter_count(32, 4096, 11008, 32000, 32, 32) == 6_738_415_616
assert llama_parameter_count(32, 4096, 14336, 128256, 32, 8) == 8_030_261_248

# %% [markdown]
# ## Attention on real text
#
# Weights of an untrained model are noise. We train a small GPT-2-style model on the Python
# documentation for a few seconds (lesson 3.4 does this properly), then look at its attention on a
# sentence. Each row is a query position; bright cells are the earlier positions it attends to.

# %%
text = load_python_docs("train")
tokenizer = CharTokenizer.from_text(text)
ids = torch.tensor(tokenizer.encode(text))
small = GPT(GPTConfig(vocab_size=tokenizer.vocab_size, context_length=64, n_layer=2, n_head=4, d_model=64))
batches = RandomBlocks(ids, 64, 32, batches_per_epoch=300, seed=0)
start = time.perf_counter()
history = train(small, batches, LossStep(lambda model, batch: model(batch[0], targets=batch[1])[1]),
                optimizer=make_adamw(small, lr=3e-3, weight_decay=0.0, device=device), steps=300, device=device,
                log_every=50)
print(f"trained 300 steps in {time.perf_counter() - start:.0f} s; loss {history['train_loss'][0]:.2f} -> {history['train_loss'][-1]:.2f}")
assert history["train_loss"][-1] < 2.6 < history["train_loss"][0]

# %%
sentence = "The with statement wraps a block."
maps = gpt_attention_maps(small.eval(), torch.tensor([tokenizer.encode(sentence)]))
tokens = list(sentence)
assert torch.allclose(maps.sum(dim=-1), torch.ones(()))  # each query's weights sum to 1
assert maps.triu(diagonal=1).abs().max() == 0  # and never reach a later position
fig, axes = figure(ncols=2, width=11, height=5)
attention_heatmap(maps, tokens, layer=0, head=0, ax=axes[0])
attention_heatmap(maps, tokens, layer=1, head=0, ax=axes[1])


# %% [markdown]
# Heads differ: some look at the previous character, some at the start of the word, some spread out.
# Pick a layer and a head:


# %%
def show_head(layer: int = 1, head: int = 0):
    ax = attention_heatmap(maps, tokens, layer=layer, head=head)
    ax.figure.set_size_inches(5.5, 5)


interactive_view(show_head, layer=(0, 1, 1), head=(0, 3, 1))

# %% [markdown]
# ## Summary
#
# - Causal self-attention: $\operatorname{softmax}(QK^\top/\sqrt{d_k} + M)V$ per head, heads concatenated and
#   projected; PyTorch's fused kernel and `lib`'s block give the same numbers as the matrices written out.
# - Attention is blind to order, so positions are added (learned table, sinusoids) or applied to queries and
#   keys by rotation (RoPE), which makes scores depend on relative distance.
# - RMSNorm is LayerNorm without the mean and the shift; SwiGLU gates the MLP and narrows it to 8d/3 to keep
#   its size (11,008 for d = 4,096).
# - MQA and GQA share key/value heads among query heads; the KV cache shrinks by $h / h_{kv}$ (4x for Llama 3 8B).
# - One configurable class builds GPT-2 small (124,439,808 parameters) and Llama 2 7B / Llama 3 8B
#   (6,738,415,616 / 8,030,261,248), matching the published sizes.
#
# ## Exercises
#
# **1. Predict, then run.** A model with $h = 16$ query heads and $L = 24$ layers of width $d = 2048$ switches from
# multi-head attention to grouped-query attention with $h_{kv} = 4$. By what factor does its KV cache shrink?
# Write your prediction in `answer_1`.

# %%
# BEGIN SOLUTION
answer_1 = 4
# END SOLUTION
ratio = kv_cache_bytes(24, 2048, n_tokens=100) / kv_cache_bytes(24, 2048, n_tokens=100, n_head=16, n_kv_head=4)
print("measured by the formula:", ratio)
check("3.3.gqa-cache-ratio", answer_1)

# %% [markdown]
# **2. Code.** Compute the sinusoidal position entry $PE_{p, j}$ for $p = 11$, $j = 5$, $d = 16$ (base 10,000), with
# `math` only. (Odd $j$ uses the cosine of the pair's angle.)

# %%
# BEGIN SOLUTION
answer_2 = math.cos(11 / 10000 ** (2 * 2 / 16))
# END SOLUTION
check("3.3.sinusoid-entry", answer_2)

# %% [markdown]
# A check that accepted anything would teach nothing: using $j$ itself instead of the pair's index $i = \lfloor j/2 \rfloor$
# in the exponent is rejected.

# %%
print(expect_wrong(check, "3.3.sinusoid-entry", math.cos(11 / 10000 ** (2 * 5 / 16))))

# %% [markdown]
# **3. Code.** How many parameters does one Llama 3 8B block hold? (Attention: $W_Q$ and $W_O$ are $d \times d$, $W_K$
# and $W_V$ are $d \times h_{kv} d_k$; SwiGLU with hidden width 14,336; two RMSNorm scales; no biases.)

# %%
# BEGIN SOLUTION
d, kv = 4096, 8 * 128
answer_3 = 2 * d * d + 2 * d * kv + 3 * d * 14336 + 2 * d
# END SOLUTION
check("3.3.llama3-block-params", answer_3)

# %% [markdown]
# **4. Explain.** Why does RoPE rotate the queries and keys but not the values? (Hint: which product decides
# *where* to attend, and which decides *what* is read?)
#
# ## References
#
# - Vaswani et al., *Attention Is All You Need*, NeurIPS 2017, arXiv:1706.03762 (multi-head attention; sinusoidal positions, §3.5).
# - Radford, Wu, Child, Luan, Amodei, Sutskever, *Language Models are Unsupervised Multitask Learners*, OpenAI, 2019 (GPT-2).
# - Su, Lu, Pan, Murtadha, Wen, Liu, *RoFormer: Enhanced Transformer with Rotary Position Embedding*, 2021, arXiv:2104.09864.
# - Zhang, Sennrich, *Root Mean Square Layer Normalization*, NeurIPS 2019, arXiv:1910.07467.
# - Shazeer, *GLU Variants Improve Transformer*, 2020, arXiv:2002.05202 (SwiGLU).
# - Shazeer, *Fast Transformer Decoding: One Write-Head is All You Need*, 2019, arXiv:1911.02150 (multi-query attention).
# - Ainslie et al., *GQA: Training Generalized Multi-Query Transformer Models from Multi-Head Checkpoints*, EMNLP 2023, arXiv:2305.13245.
# - Touvron et al., *Llama 2: Open Foundation and Fine-Tuned Chat Models*, 2023, arXiv:2307.09288.
# - Llama Team, AI @ Meta, *The Llama 3 Herd of Models*, 2024, arXiv:2407.21783 (Table 3: the 8B configuration).
# - PyTorch documentation, `torch.nn.functional.scaled_dot_product_attention`.
