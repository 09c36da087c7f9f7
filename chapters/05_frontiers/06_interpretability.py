# %% [markdown]
# # 5.6 Interpretability: what the GPT knows, and how tools mislead (可解释性)
#
# **Time:** about 1 min on a laptop CPU (about 2 min the first time, when it trains its probes) · **Prerequisites:** lessons 3.3 (attention) and 3.4 (the pre-trained GPT); 3.5 (a linear head on frozen features) helps · **You will learn:** to read a GPT's attention maps and find heads that do one job, to compute gradient saliency and check it against finite differences and occlusion, to probe each layer's hidden states with a linear probe and a control task, and to recognise where each tool misleads.
#
# In this lesson you will:
#
# - draw **attention maps** (注意力图) of chapter 03's GPT on real documentation text and score every
#   head on three jobs: look at the previous token, find the quote that opened a literal, find the
#   bracket that a ")" closes;
# - compute **gradient saliency** (梯度显著性), gradient × input on the token embeddings for one
#   next-token prediction, check it against a finite difference, and compare it with **occlusion**
#   (遮挡), which removes each token and measures the change;
# - run Adebayo et al.'s **sanity check**: randomize the model's weights and see which part of the
#   saliency map survives (it should not, and part of it does);
# - train a **linear probe** (线性探针) on every layer's hidden states to read "is this token inside
#   a quoted literal?" and "is it on an indented line?", with a **control task** (对照任务) and a
#   baseline on the raw embeddings, over several seeds;
# - see a probe with more capacity "learn the task itself", and read the source article's remarks on
#   **interpretability** (可解释性) against what you measured.

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
import copy

import torch

from lib.course.checks import expect_wrong
from lib.course.exercises import check
from lib.course.lesson import lesson_setup
from lib.data.pydoc_corpus import load_python_docs
from lib.data.text_labels import TASKS, control_labels, quoted_characters, token_labels
from lib.lessons.lesson_5_6_interpretability import (
    ProbeConfig,
    cached_probes,
    paren_pairs,
    quote_spans,
    saliency_study,
    window_pairs,
)
from lib.models.attention_maps import gpt_attention_maps, pair_scores, previous_token_scores, uniform_pair_score
from lib.models.saliency import gradient_x_input, log_prob_from_embeddings, occlusion, randomized_copy
from lib.train.pretrain import pretrained_gpt
from lib.viz.attention import attention_heatmap
from lib.viz.plots import PALETTE, figure

device, generator = lesson_setup(seed=0)  # seed, device, one CPU thread for tiny models, the course's plot style

# %% [markdown]
# ## The model and the text
#
# We open chapter 03's GPT (4 layers, 4 heads of width $d_k = 32$, $d = 128$, a BPE vocabulary of
# $V = 1024$, context $T = 96$, rotary positions), pre-trained on the Python documentation. It is
# loaded from the course's cache, or re-trained deterministically (about a minute) when the cache is
# empty. We read it on the documentation's **validation** split, text it never trained on, cut into
# consecutive windows of $T$ tokens.

# %%
gpt, tokenizer = pretrained_gpt("cpu-tiny", device)
gpt.eval()
T = gpt.config.context_length
val_text = load_python_docs("validation")
val_ids = tokenizer.encode(val_text)
windows = torch.tensor(val_ids[: len(val_ids) // T * T]).view(-1, T)
print(f"{len(val_text):,} characters, {len(val_ids):,} tokens, {len(windows)} windows of {T} tokens")
maps = gpt_attention_maps(gpt, windows.to(device)).cpu()  # (n_layer, windows, n_head, T, T)
n_layer, _, n_head, _, _ = maps.shape
print("attention maps:", tuple(maps.shape))
assert torch.allclose(maps.sum(dim=-1), torch.ones(()))  # every query's weights sum to 1

# %% [markdown]
# ## Attention maps: what each head looks at
#
# Head $h$ of layer $l$ gives query position $t$ a distribution $\alpha_{t,s}$ over the positions
# $s \le t$ (lesson 3.3). A heatmap of one window is easy to stare at and hard to generalise from,
# so we score every head on a *job*, averaged over all windows. The **previous-token score** is the
# mean weight a query puts on the token just before it,
#
# $$\text{prev}(l, h) = \frac{1}{N (T-1)} \sum_{n=1}^{N} \sum_{t=1}^{T-1} \alpha^{(n)}_{t,\,t-1},$$
#
# which is 1 for a head that always looks one step back. The yardstick is a head that spreads its
# weight evenly over the causal past, which gives $\frac{1}{T-1}\sum_{t=1}^{T-1} \frac{1}{t+1}$
# (positions counted from 0). The cell computes the score with a plain loop and checks `lib`'s.

# %%
by_hand = torch.zeros(n_layer, n_head)
for t in range(1, T):
    by_hand += maps[:, :, :, t, t - 1].mean(dim=1)
by_hand /= T - 1
prev_scores = previous_token_scores(maps)
torch.testing.assert_close(prev_scores, by_hand)
uniform_prev = sum(1 / (t + 1) for t in range(1, T)) / (T - 1)
every_query = torch.tensor([[0, t, t - 1] for t in range(1, T)])  # window 0, every (query, previous) pair
assert abs(uniform_pair_score(every_query) - uniform_prev) < 1e-12
best_prev = divmod(int(prev_scores.argmax()), n_head)
print(f"uniform yardstick: {uniform_prev:.3f}")
print(f"best previous-token head: layer {best_prev[0]}, head {best_prev[1]}, score {prev_scores.max():.3f}")

# %% [markdown]
# Two more jobs come from the text itself. The documentation writes code names in double quotes
# ("len()"), so a **matching-quote** score asks: at the token that *closes* a literal, how much
# weight goes to the token that opened it? A **matching-bracket** score asks the same of a ")" and
# its "(". `window_pairs` finds every such (query, key) pair inside a window; the uniform yardstick
# for a set of pairs is the mean of $1/(t+1)$ over their queries.

# %%
quote_rows = window_pairs(tokenizer, val_text, val_ids, quote_spans(val_text), T)
paren_rows = window_pairs(tokenizer, val_text, val_ids, paren_pairs(val_text), T)
jobs = {
    "previous token": (prev_scores, uniform_prev),
    "closing quote → opening quote": (pair_scores(maps, quote_rows), uniform_pair_score(quote_rows)),
    "')' → its '('": (pair_scores(maps, paren_rows), uniform_pair_score(paren_rows)),
}
print(f"{len(quote_rows)} quote pairs and {len(paren_rows)} bracket pairs inside a window")
fig, axes = figure(ncols=3, width=12, height=3.6)
for ax, (name, (scores, uniform)) in zip(axes, jobs.items(), strict=True):
    image = ax.imshow(scores.numpy(), cmap="viridis", vmin=0, vmax=0.6)
    for layer in range(n_layer):
        for head in range(n_head):
            value = float(scores[layer, head])
            ax.text(head, layer, f"{value:.2f}", ha="center", va="center", fontsize=8,
                    color="black" if value > 0.35 else "white")
    ax.set_xticks(range(n_head))
    ax.set_yticks(range(n_layer))
    ax.set_xlabel("head")
    ax.set_ylabel("layer")
    ax.grid(False)
    ax.set_title(f"{name}\n(uniform: {uniform:.3f})", fontsize=9)
fig.colorbar(image, ax=list(axes), shrink=0.8, label="mean attention weight")
for name, (scores, uniform) in jobs.items():
    layer, head = divmod(int(scores.argmax()), n_head)
    print(f"{name:30s} best head: layer {layer}, head {head}: {scores.max():.3f} = {scores.max() / uniform:4.1f} × uniform")

# %% [markdown]
# Read the three panels. This small model has **no** clean previous-token head: the best one puts
# about a fifth of its weight one step back (a few times the uniform yardstick, far from 1). It does
# have a **matching-quote head**: one head in layer 1 puts about half of its weight, at a closing
# quote, on the quote that opened the literal, more than ten times what spreading evenly would give;
# and a head in the last layer finds the "(" that a ")" closes about a quarter of the time. The
# floors below sit a little under what this model reaches.

# %%
quote_scores, quote_uniform = jobs["closing quote → opening quote"]
paren_scores, paren_uniform = jobs["')' → its '('"]
assert quote_scores.max() > 0.45 and quote_scores.max() > 10 * quote_uniform
assert paren_scores.max() > 0.2 and paren_scores.max() > 5 * paren_uniform
assert 3 * uniform_prev < prev_scores.max() < 0.3  # above uniform, but no head is a clean previous-token head
quote_head = divmod(int(quote_scores.argmax()), n_head)

# %% [markdown]
# Here is that head on one sentence of held-out text, drawn with `lib.viz.attention.attention_heatmap`
# (queries down, keys across). Find each closing quote's row: its brightest cell is the opening quote.

# %%
snippet = 'The "__getitem__()" method and the "in" operator call "__contains__()".'
snippet_ids = torch.tensor([tokenizer.encode(snippet)])
snippet_maps = gpt_attention_maps(gpt, snippet_ids.to(device)).cpu()
ax = attention_heatmap(snippet_maps, tokenizer.pieces(snippet), quote_head[0], quote_head[1],
                       title=f"layer {quote_head[0]}, head {quote_head[1]}: the matching-quote head")

# %% [markdown]
# Interpretability research on real models finds such heads too: previous-token heads and
# **induction heads** (归纳头), a pair of heads that completes "A B ... A" with "B", which Olsson et
# al. (2022) tie to in-context learning; Elhage et al. (2021) show how attention heads compose into
# such circuits. A head's *pattern* is a description, though, not yet an explanation of the output;
# we come back to that below.
#
# ## Gradient saliency: which input tokens move one prediction?
#
# Take one prediction: the log-probability $f = \log p(y \mid x_{\le t})$ the model gives the token
# $y$ it ranks first after position $t$. Every input token $i$ enters the model as an embedding
# vector $e_i \in \mathbb{R}^d$. **Gradient × input** scores token $i$ by
#
# $$a_i = \nabla_{e_i} f \cdot e_i = \sum_{k=1}^{d} \frac{\partial f}{\partial e_{i,k}}\, e_{i,k},$$
#
# the first-order estimate of how much $f$ would fall if $e_i$ were set to zero. Because $a_i$ is a
# directional derivative, $a_i = \frac{d}{d\varepsilon} f(e_1, \dots, (1+\varepsilon)\, e_i, \dots)\big|_{\varepsilon=0}$,
# we can check it with a central finite difference in float64, token by token.

# %%
ids = windows[3, :48]
position = len(ids) - 1
saliency = gradient_x_input(gpt, ids.to(device), position)
print(f"prediction after {tokenizer.decode(ids[-12:].tolist())!r}: {tokenizer.token_text(saliency.target)!r}, "
      f"log p = {saliency.log_prob:.3f}")

exact = copy.deepcopy(gpt).double().cpu()
with torch.no_grad():
    e = exact.embed(ids[None])


def f_scaled(i: int, eps: float) -> float:
    scaled = e.clone()
    scaled[0, i] *= 1 + eps
    with torch.no_grad():
        return float(log_prob_from_embeddings(exact, scaled, position, saliency.target)[0])


h = 1e-5
finite_difference = torch.tensor([(f_scaled(i, h) - f_scaled(i, -h)) / (2 * h) for i in range(len(ids))], dtype=torch.float64)
e_grad = e.clone().requires_grad_(True)
(grad,) = torch.autograd.grad(log_prob_from_embeddings(exact, e_grad, position, saliency.target)[0], e_grad)
ours = (grad * e).sum(dim=-1)[0]  # gradient × input, written out
torch.testing.assert_close(ours, finite_difference, rtol=1e-6, atol=1e-8)
torch.testing.assert_close(saliency.scores.double(), ours, rtol=1e-3, atol=1e-4)  # lib's, in float32
print(f"largest |autograd − finite difference|: {(ours - finite_difference).abs().max():.1e}")

# %% [markdown]
# The gradient is right. Whether it is a good *explanation* is another question: it is a
# linearisation, and removing a token is not a small change. **Occlusion** (遮挡, Zeiler & Fergus 2014)
# measures the real thing: set $e_i$ to zero and record the drop $f(e) - f(e_{i \to 0})$, one forward
# pass per token. In a rotary GPT the positions act inside attention, so zeroing an embedding
# removes the token's content and nothing else.

# %%
occluded = occlusion(gpt, ids.to(device), position, saliency.target)
labels = [repr(p)[1:-1] for p in tokenizer.pieces(tokenizer.decode(ids.tolist()))]
assert len(labels) == len(ids)
shown = slice(len(ids) - 20, len(ids))
fig, axes = figure(nrows=2, width=10, height=5.5)
for ax, scores, name, color in ((axes[0], saliency.scores, "gradient × input", PALETTE[0]),
                                (axes[1], occluded.scores, "occlusion: drop in log p", PALETTE[1])):
    ax.bar(range(20), scores[shown].numpy(), color=color)
    ax.axhline(0, color="gray", linewidth=0.8)
    ax.set_ylabel(name, fontsize=9)
axes[0].set_xticks(range(20), [])
axes[1].set_xticks(range(20), labels[shown], rotation=90, fontsize=8)
axes[0].set_title(f"the last 20 of {len(ids)} tokens, predicting {tokenizer.token_text(saliency.target)!r}")

# %% [markdown]
# Both concentrate on the last few tokens; beyond that they can disagree in size and even in sign
# (a token that gradient × input says pushes the prediction down may be one whose removal costs the
# most). Over many predictions the agreement is measured below.
#
# ## Sanity checks: what survives when the weights are random?
#
# Adebayo et al. (2018) proposed a test every saliency method should pass: **randomize the model's
# weights** and recompute the map. A map that explains what the model *learned* must change; one
# that stays the same reflects the input or the architecture. We re-initialize all four blocks
# (`lib.models.saliency.randomized_copy`; embeddings kept, so the inputs are identical) and compare
# the maps for 24 predictions from held-out windows, by **Spearman rank correlation** (秩相关) of
# the absolute scores. The same study ranks tokens by the attention the predicting position pays
# them (averaged over every layer and head) against occlusion.

# %%
random_gpt = randomized_copy(gpt, seed=1)
study = saliency_study(gpt, random_gpt, windows[:24].to(device), length=48)
rows = {
    "gradient × input vs occlusion (trained)": study.gxi_vs_occlusion,
    "attention vs occlusion (trained)": study.attention_vs_occlusion,
    "gradient × input: trained vs random weights": study.trained_vs_random,
}
for name, values in rows.items():
    print(f"{name:46s} rank correlation {values.mean():+.2f} (± {values.std():.2f} over {len(values)})")
print(f"top token the same with random weights: {study.same_top_token.mean():.0%} of predictions")
print(f"share of |gradient × input| on the current token: trained {study.last_token_share.mean():.0%}, "
      f"random {study.last_token_share_random.mean():.0%}")

# %% [markdown]
# The map as a whole passes the test: its rank correlation with the random model's map is near
# zero. But its most striking feature does not: the **top token is the same in most predictions
# when the weights are random** (about four in five), because the current token's embedding reaches
# the output directly through the residual stream, trained or not; with random blocks that path
# carries most of the map's mass (about 85%, against about 36% in the trained model). "The model looked mostly at the current token" is a
# fact about the architecture, not something it learned. The checks use floors near the measured
# values.

# %%
assert study.trained_vs_random.mean() < 0.25  # the map as a whole changes
assert study.same_top_token.mean() >= 0.7  # its top token does not
assert study.last_token_share_random.mean() > study.last_token_share.mean() + 0.3  # the residual path dominates
assert 0.15 < study.gxi_vs_occlusion.mean() < 0.6  # gradient × input only roughly ranks what occlusion measures
assert 0.2 < study.attention_vs_occlusion.mean() < 0.7  # attention agrees partly with occlusion, no more

# %% [markdown]
# And attention, read as importance, agrees with occlusion only partly. Jain & Wallace (2019) found
# attention weights that correlate weakly with gradient-based importance and could be swapped for
# very different weights with the same prediction ("attention is not explanation"); Wiegreffe &
# Pinter (2019) answered that this depends on what one calls an explanation and proposed stricter
# tests ("attention is not not explanation"). Both agree on the practice: an attention map is a
# hypothesis about what matters, to be tested by intervening (occlusion, ablation), not a proof.
#
# ## Linear probes: what each layer's hidden state knows
#
# A **probe** (探针) is a small classifier trained on frozen hidden states (Alain & Bengio 2016). We
# ask two questions whose answers are written in the text itself:
#
# - **quoted**: after this token, is a double-quoted literal open? (an odd number of '"' so far in
#   the paragraph);
# - **indented**: is this token on a line that starts with at least three spaces (code examples and
#   definition bodies)?
#
# Each token gets the label of the character it ends on: its state is what the model knows after
# reading it. The labels come from `lib.data.text_labels`:

# %%
demo = 'Call "len(x)" here.\n   indented "code"'
demo_ids = tokenizer.encode(demo)
for task in TASKS:
    marks = token_labels(tokenizer, demo, demo_ids, task).tolist()
    print(f"{task:9s}", " ".join(f"{p!r}:{m}" for p, m in zip(tokenizer.pieces(demo), marks, strict=True)))
assert quoted_characters('a "b" c') == [0, 0, 1, 1, 0, 0, 0]

# %% [markdown]
# The GPT's token states at layer $l$ (0 = the input embeddings, 4 = after the final norm) are read
# with context: windows overlap, so every token has at least 16 tokens before it. Probes train on
# tokens from 60,000 characters of the training split and are tested on the validation split, with
# as many tokens of each label on each side (chance is 50%).
#
# Two baselines make the numbers mean something:
#
# - **layer 0**, the raw token embeddings: a rotary GPT adds no position there, so a probe on layer 0
#   can only use *which token* it is ('"' opens or closes, `__init__` is usually quoted);
# - the **control task** (对照任务, Hewitt & Liang 2019): every token *type* gets a random label, with
#   the same 50/50 frequencies, and the same probe is trained on it. It can only be learned by
#   memorizing types, so **selectivity** = task accuracy − control accuracy tells how much of the
#   probe's success comes from the representation rather than from the probe's own memory.
#
# Training all probes (5 layers × 3 seeds × task and control, linear probes for both tasks and an
# MLP probe for "quoted") takes about a minute; `cached_probes` keeps the result in the course's
# cache, keyed by the configuration and the GPT's weights, and replays it.

# %%
config = ProbeConfig()
control_demo = control_labels(torch.tensor([5, 7, 5, 9, 7]), [0.5, 0.5], seed=config.control_seed)
assert control_demo[0] == control_demo[2] and control_demo[1] == control_demo[4]  # one label per type
tables = cached_probes(gpt, tokenizer, config)
for name, table in tables.items():
    print(name)
    for i, layer in enumerate(table.layers):
        print(f"  layer {layer}: task {table.task[i].mean():.3f}  control {table.control[i].mean():.3f}  "
              f"selectivity {table.selectivity[i].mean():+.3f}  (seeds: "
              + ", ".join(f"{a:.3f}" for a in table.task[i].tolist()) + ")")

# %%
fig, axes = figure(ncols=3, width=13, height=3.8)
for ax, (name, table) in zip(axes, tables.items(), strict=True):
    layers = torch.tensor(table.layers, dtype=torch.float)
    for values, label, color in ((table.task, "task", PALETTE[0]), (table.control, "control", PALETTE[1])):
        for s in range(values.shape[1]):
            ax.scatter(layers, values[:, s], color=color, s=12, alpha=0.6)
        ax.plot(layers, values.mean(dim=1), color=color, label=f"{label} (mean of {values.shape[1]} seeds)")
    ax.axhline(0.5, color="gray", linestyle=":", linewidth=1, label="chance")
    ax.set_xticks(table.layers)
    ax.set_xlabel("layer (0 = embeddings)")
    ax.set_title(f"probe: {name}", fontsize=10)
    ax.set_ylim(0.45, 1.0)
axes[0].set_ylabel("test accuracy")
legend = axes[0].legend(fontsize=8, loc="lower right")

# %% [markdown]
# What the curves say, with the floors asserted below (set a little under what these runs reach):
#
# - **Context is read in layer 1 and refined later.** On "quoted", the embeddings alone give about
#   0.76 (token identity goes a long way), layer 1 already about 0.85, the last layer about 0.93. On
#   "indented", layer 0 is near chance (0.54: a token does not know its line) and the last layer
#   reaches about 0.80. The matching-quote head of layer 1 is a plausible mechanism for the jump on
#   "quoted"; a probe alone cannot show that it is *the* mechanism.
# - **Layer 0 is the best memorizer.** Its control accuracy (about 0.78) is the highest of all
#   layers: the raw embeddings keep token identity in clean form, so the linear probe learns random
#   type labels there, and its selectivity is about zero or negative. High probe accuracy on layer 0
#   would have meant nothing.
# - **The MLP probe learns the task itself.** With a hidden layer of 256 units it gains up to three
#   points on "quoted", but its control accuracy jumps to 0.83–0.93: it memorizes types far better, so
#   its selectivity falls to a few points. The more expressive probe says *less* about the model.

# %%
quoted, indented, mlp = tables["quoted, linear"], tables["indented, linear"], tables["quoted, MLP"]
assert quoted.task[-1].min() > 0.9 and quoted.task[0].max() < 0.8  # context adds over 10 points
assert indented.task[-1].min() > 0.77 and indented.task[0].max() < 0.6
assert quoted.selectivity[-1].min() > 0.2 and indented.selectivity[-1].min() > 0.1
assert quoted.selectivity[0].max() < 0.05 and indented.selectivity[0].max() < 0.0
assert quoted.control[0].mean() == quoted.control.mean(dim=1).max()  # layer 0 memorizes best
assert bool((mlp.control[1:] > quoted.control[1:] + 0.12).all())  # the MLP probe memorizes more, every seed
assert bool((mlp.selectivity < quoted.selectivity).all())  # and is less selective, every layer and seed

# %% [markdown]
# ## Where these tools mislead
#
# | tool | what it shows | how it misleads | the check |
# | --- | --- | --- | --- |
# | attention map | where a head's weights go | weights are not effects: a value vector may be tiny, a later layer may ignore the head, other weights may give the same output (Jain & Wallace 2019) | intervene: occlude or ablate, compare with the uniform yardstick (Wiegreffe & Pinter 2019) |
# | gradient saliency | a first-order estimate of each input's effect | it is local (here it ranks tokens only roughly as occlusion does), and part of the map comes from the input and the architecture (the top token survived random weights) | finite differences for the formula; occlusion for the effect; Adebayo et al.'s randomization test |
# | probe | that a property is *decodable* from a layer | a strong probe learns the task itself; decodable is not *used* | a control task and selectivity; the layer-0 baseline; then interventions (Belinkov 2022) |
#
# ## The source article on interpretability, corrected
#
# The article (sections 8.2 and 9, challenge 3) says that large models "have strong feature
# extraction and representation ability but often lack interpretability (模型解释性和可解释性)", and
# that research should make them "better understand and explain the model's decision process".
#
# - **One concept, named twice.** 解释性 and 可解释性 are the same word; the article never says which
#   distinction it means. Where authors distinguish them, *interpretability* is understanding a
#   model's mechanism and *explainability* (可解释性 in the sense of 事后解释) is a post-hoc account of
#   one decision (Doshi-Velez & Kim 2017). This lesson did both: probes and heads (mechanism),
#   saliency (one decision).
# - **Not a yes-or-no property.** "Lacks interpretability" is not something one measures; specific
#   questions get specific, testable answers. We found a matching-quote head, that "inside a quoted
#   literal" is linearly decodable from layer 1 on with a selectivity of about 0.2, and which part of
#   a saliency map survives random weights.
# - **"Strong representation ability" is a claim a probe can test**, and only with a control: the
#   raw embeddings gave 0.76 on "quoted" by token identity alone, and an MLP probe looked better while
#   meaning less.
# - **A model "explaining its own decision" is not evidence of how it decided.** Language models'
#   stated reasons can be unfaithful to what drove the answer (Turpin et al. 2023); explanations are
#   tested by intervening on the computation, as occlusion and the randomization test do here.
#
# ## Summary
#
# - **Attention maps** (注意力图) show where each head's weights go; score heads on a job over many
#   positions against a uniform yardstick. This GPT has a matching-quote head (about 0.5 of its weight,
#   over 10× uniform) and a bracket head, but no clean previous-token head.
# - **Gradient × input** (梯度×输入), $a_i = \nabla_{e_i} f \cdot e_i$, is exact as a derivative (it
#   matched a finite difference) but only a rough guide to what removing a token does (occlusion).
# - **Sanity checks** (显著性检验): with random weights the saliency map changes as a whole, but its top
#   token, the current one, usually does not: that part of the map is the residual stream, not learning.
# - **Linear probes** (线性探针) read "inside a quoted literal" from layer 1 on (0.76 → 0.93) and
#   "indented line" from the middle layers (0.54 → 0.80); the **control task** (对照任务) and
#   **selectivity** show the embeddings' and the MLP probe's scores are partly memorization.
# - Every interpretability tool answers a narrower question than its picture suggests; test it by
#   intervening.
#
# ## Exercises
#
# **1. Code.** Compute every head's score for "looks at the token *two* steps back" from `maps`, as an
# `(n_layer, n_head)` tensor: the mean over all windows and all queries $t \ge 2$ of $\alpha_{t, t-2}$.

# %%
# BEGIN SOLUTION
answer_1 = torch.stack([maps[:, :, :, t, t - 2] for t in range(2, T)]).mean(dim=(0, 2))
# END SOLUTION
check("5.6.two-back-score", answer_1, maps=maps)

# %% [markdown]
# A check that accepted anything would teach nothing. The previous-token score (one step back) is
# rejected:

# %%
print(expect_wrong(check, "5.6.two-back-score", prev_scores, maps=maps))

# %% [markdown]
# **2. Predict, then run.** On the *control* task of the linear "quoted" probe, which layer's probe
# scores highest: 0 (the raw embeddings), 1, 2, 3 or 4 (after the final norm)? Write your prediction
# as an int in `answer_2` before you look at the table above, then run the cell.

# %%
# BEGIN SOLUTION
answer_2 = 0
# END SOLUTION
measured_2 = quoted.layers[int(quoted.control.mean(dim=1).argmax())]
print("the control task peaks at layer", measured_2)
check("5.6.control-peak-layer", answer_2, control=quoted.control)

# %% [markdown]
# **3. Code.** Hewitt & Liang's selectivity: compute the mean, over seeds, of task accuracy minus
# control accuracy at the *last* layer of the "indented" linear probe, from `indented.task` and
# `indented.control`.

# %%
# BEGIN SOLUTION
answer_3 = float((indented.task[-1] - indented.control[-1]).mean())
# END SOLUTION
check("5.6.selectivity", answer_3, task=indented.task, control=indented.control)

# %% [markdown]
# **4. Predict, then run.** Gradient × input of a *linear* score $f(e) = w \cdot e$ equals occlusion
# exactly (removing $e_i$ drops $f$ by $w_i \cdot e_i$). Our GPT's two maps agreed only roughly.
# Which parts of the model break the equality? (Hint: look at what sits between the embeddings and
# the logits in lesson 3.3, and at what is done to $f$ after the logits.)
#
# **5. Explain.** A colleague trains a 3-layer MLP probe on layer 0 and reports 0.95 accuracy on
# "quoted". What two numbers would you ask for before believing that the embeddings "know" about
# quotes?
#
# ## References
#
# - Jain, Wallace, *Attention is not Explanation*, NAACL 2019, arXiv:1902.10186.
# - Wiegreffe, Pinter, *Attention is not not Explanation*, EMNLP 2019, arXiv:1908.04626.
# - Adebayo, Gilmer, Muelly, Goodfellow, Hardt, Kim, *Sanity Checks for Saliency Maps*, NeurIPS 2018, arXiv:1810.03292.
# - Hewitt, Liang, *Designing and Interpreting Probes with Control Tasks*, EMNLP 2019, arXiv:1909.03368.
# - Alain, Bengio, *Understanding intermediate layers using linear classifier probes*, 2016, arXiv:1610.01644.
# - Belinkov, *Probing Classifiers: Promises, Shortcomings, and Advances*, Computational Linguistics 48(1), 2022, arXiv:2102.12452.
# - Simonyan, Vedaldi, Zisserman, *Deep Inside Convolutional Networks: Visualising Image Classification Models and Saliency Maps*, 2013, arXiv:1312.6034.
# - Shrikumar, Greenside, Shcherbina, Kundaje, *Not Just a Black Box: Learning Important Features Through Propagating Activation Differences*, 2016, arXiv:1605.01713 (gradient × input).
# - Zeiler, Fergus, *Visualizing and Understanding Convolutional Networks*, ECCV 2014, arXiv:1311.2901 (occlusion).
# - Elhage, Nanda, Olsson, et al., *A Mathematical Framework for Transformer Circuits*, Transformer Circuits Thread, 2021, https://transformer-circuits.pub/2021/framework/index.html
# - Olsson, Elhage, Nanda, et al., *In-context Learning and Induction Heads*, 2022, arXiv:2209.11895.
# - Doshi-Velez, Kim, *Towards A Rigorous Science of Interpretable Machine Learning*, 2017, arXiv:1702.08608.
# - Turpin, Michael, Perez, Bowman, *Language Models Don't Always Say What They Think: Unfaithful Explanations in Chain-of-Thought Prompting*, NeurIPS 2023, arXiv:2305.04388.
