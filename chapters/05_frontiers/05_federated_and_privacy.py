# %% [markdown]
# # 5.5 Federated learning and privacy (联邦学习与隐私)
#
# **Time:** about 1 min on a laptop CPU (about 2 min the first time, when it fine-tunes the GPT three times) · **Prerequisites:** lessons 1.6 (the training loop), 2.5 (SGD and Adam) and 3.4 (the pre-trained GPT) · **You will learn:** how federated averaging trains without collecting the data and why skewed clients slow it down, how DP-SGD bounds what one example can do (per-sample gradients, clipping, noise) and what it costs in accuracy, and how a language model memorizes a planted secret the more often it is repeated, measured by extraction and exposure, and what deduplication and DP-SGD do to it.
#
# In this lesson you will:
#
# - train a digits classifier by **federated averaging** (FedAvg, 联邦平均) across ten simulated clients
#   whose labels are skewed (**non-IID**, 非独立同分布), against the same model trained centrally, and
#   measure what label skew and the number of local epochs do;
# - compute **per-sample gradients** (逐样本梯度) with `torch.func` (`vmap` over `grad`), check them
#   against a loop, and build **DP-SGD** (差分隐私随机梯度下降) from them: clip each, add Gaussian noise;
#   draw its privacy-utility curve, with a simple, loose privacy bound ε that we can trust;
# - plant **canaries** (金丝雀), sentences like "the PIN of alice is 6794.", 1, 4, 16 or 64 times in
#   text, fine-tune chapter 03's GPT on it, and measure **memorization** (记忆化): can greedy completion
#   extract the PIN, and how high does the true PIN rank among all 1,296 possible ones (**exposure**);
#   then do it again with the repeats removed (**deduplication**, 去重) and with DP-SGD.
#
# Why it matters: the source article lists federated learning and privacy protection among the
# challenges of large models (its section 8) without showing either. Large language models are
# trained on text scraped at scale, which holds personal data; Carlini et al. (2021) extracted
# names, phone numbers and addresses verbatim from GPT-2 by prompting it.

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
from IPython.display import Markdown, display

from lib.course.checks import expect_wrong
from lib.course.exercises import check
from lib.course.exercises.ch05_privacy import CLIENT_SIZES, CLIENT_WEIGHTS, PER_SAMPLE_GRADS
from lib.course.lesson import lesson_setup
from lib.data.partition import dirichlet_label_split, effective_classes, label_counts
from lib.lessons import lesson_5_5_privacy as L
from lib.train.federated import fedavg
from lib.train.memorization import candidate_log_probs, exposure, rank_of
from lib.train.pretrain import pretrained_gpt
from lib.train.privacy import (
    per_sample_gradients,
    per_sample_gradients_loop,
    privatize,
    rdp_gaussian_epsilon,
    zcdp_epsilon,
)
from lib.viz.plots import PALETTE, figure

device, generator = lesson_setup(seed=0)  # seed, device, one CPU thread for tiny models, the course's plot style

# %% [markdown]
# ## Part A. Federated learning: train where the data are
#
# **Federated learning** (联邦学习; McMahan et al. 2017) trains one model on data that stay on many
# devices or institutions: phones, hospitals, banks. The server never sees an example. Its basic
# algorithm, **FedAvg** (federated averaging, 联邦平均), repeats rounds of:
#
# 1. the server sends the current weights $\theta$ to the $K$ clients;
# 2. client $k$ trains a copy on its $n_k$ examples for $E$ local epochs of SGD, reaching $\theta_k$;
# 3. the server averages them, weighted by data size: $\theta \leftarrow \sum_k \frac{n_k}{n}\,\theta_k$, with $n = \sum_k n_k$.
#
# With one client that takes one SGD step on all its data, a round is exactly one step of plain SGD.
# We check that on lib's `fedavg` (which trains each client with the course's engine) against
# `torch.optim.SGD`:

# %%
x_train, y_train, x_test, y_test = L.digit_data()
one_client, reference = L.digit_model(seed=0), L.digit_model(seed=0)
fedavg(one_client, [(x_train, y_train)], rounds=1, local_epochs=1, lr=0.1, batch_size=len(y_train))
sgd = torch.optim.SGD(reference.parameters(), lr=0.1)
F.cross_entropy(reference(x_train), y_train).backward()
sgd.step()
for p, q in zip(one_client.parameters(), reference.parameters(), strict=True):
    torch.testing.assert_close(p, q)
print(f"FedAvg, 1 client, 1 full-batch step == one SGD step on {len(y_train)} digits: checked")

# %% [markdown]
# ### Clients that do not look alike
#
# Real clients hold different data: one phone's photos are mostly of its owner's cat. The usual
# simulation (Hsu, Qi & Brown 2019) splits every class among the $K$ clients in proportions drawn from a
# **Dirichlet distribution** with concentration $\alpha$: large $\alpha$ gives every client nearly the
# same mix (IID, 独立同分布), small $\alpha$ gives each client a few classes (label skew). We split the
# 1,347 training digits among ten clients both ways. "Effective classes" is $e^{H}$, the exponential of
# the entropy of a client's label mix: 10 for an even mix of all ten digits, 1 for a single digit.

# %%
n_clients = 10
splits = {alpha: dirichlet_label_split(y_train, n_clients, alpha, seed=0, min_size=5) for alpha in (100.0, 0.1)}
counts = {alpha: label_counts(y_train, split, 10) for alpha, split in splits.items()}
fig, axes = figure(ncols=2, height=3.4)
for ax, (alpha, table) in zip(axes, counts.items(), strict=True):
    image = ax.imshow(table, cmap="Blues", aspect="auto", vmin=0)  # from zero, so an even mix looks even
    ax.set(xlabel="digit", ylabel="client", xticks=range(10), yticks=range(n_clients),
           title=f"α = {alpha:g}: {effective_classes(table).mean():.1f} effective classes per client")
    fig.colorbar(image, ax=ax, label="examples")
for table in counts.values():
    assert table.sum() == len(y_train)  # every training digit goes to exactly one client
print("examples per client, α = 0.1:", [int(c) for c in counts[0.1].sum(dim=1)])
assert effective_classes(counts[0.1]).mean() < 4 and effective_classes(counts[100.0]).mean() > 9.5

# %% [markdown]
# ### FedAvg against centralized training
#
# We train the same small network (64 pixels → 32 → 10) four ways with FedAvg (IID or skewed; one or five
# local epochs per round) for 15 rounds, and once centrally with the same SGD (rate 0.1, batch 32) for 15
# epochs. One FedAvg round with $E = 1$ passes over every example once, like one central epoch.
# Every run starts from the same weights. We repeat the federated runs with a second seed (another
# split, another shuffle) before claiming anything.

# %%
rounds, seeds = 15, (0, 1)
settings = [(100.0, 1), (100.0, 5), (0.1, 1), (0.1, 5)]
curves, finals = {}, {}
for seed in seeds:
    for alpha, epochs in settings:
        run, _ = L.federated_run(alpha, epochs, rounds, n_clients=n_clients, batch_size=32, seed=seed)
        curves[alpha, epochs, seed] = run.metrics["accuracy"]
        finals[alpha, epochs, seed] = run.metrics["accuracy"][-1]
central = L.centralized_run(rounds, batch_size=32)

fig, ax = figure()
ax.plot(range(1, rounds + 1), central, color=PALETTE[7], lw=2, label="centralized (per epoch)")
for (alpha, epochs), color in zip(settings, PALETTE, strict=False):
    style = "-" if alpha == 100.0 else "--"
    label = f"FedAvg, {'IID' if alpha == 100.0 else 'skewed'} (α = {alpha:g}), E = {epochs}"
    ax.plot(range(1, rounds + 1), curves[alpha, epochs, 0], style, color=color, label=label)
ax.set(xlabel="round (FedAvg) or epoch (centralized)", ylabel="test accuracy", ylim=(0, 1))
ax.legend(loc="lower right", fontsize=8)

rows = ["| clients | local epochs E | " + " | ".join(f"seed {s}" for s in seeds) + " |", "| --- | --- | --- | --- |"]
for alpha, epochs in settings:
    name = "IID (α = 100)" if alpha == 100.0 else "skewed (α = 0.1)"
    rows.append(f"| {name} | {epochs} | " + " | ".join(f"{finals[alpha, epochs, s]:.3f}" for s in seeds) + " |")
rows.append(f"| centralized | {rounds} epochs | {central[-1]:.3f} | |")
display(Markdown("\n".join(rows)))

# %%
for seed in seeds:
    for epochs in (1, 5):
        assert finals[0.1, epochs, seed] < finals[100.0, epochs, seed]  # skew costs accuracy, both E, both seeds
    for alpha in (100.0, 0.1):
        assert finals[alpha, 5, seed] > finals[alpha, 1, seed] + 0.05  # more local work per round helps
    assert finals[100.0, 5, seed] > 0.92 and finals[0.1, 1, seed] < 0.75
assert central[-1] > 0.93 and central[-1] > max(finals.values())

# %% [markdown]
# What the runs show (floors asserted above, over two seeds):
#
# - **Label skew costs accuracy.** After 15 rounds the skewed clients' model is behind the IID one,
#   at both local-epoch settings. Each skewed client pulls the weights towards its own few digits;
#   the average of such pulls is not the step the pooled data would take ("client drift", which
#   FedProx and SCAFFOLD were designed to correct).
# - **More local epochs per round help** here, by a wide margin: communication is the scarce resource
#   in federated learning, so each round should carry more computation (McMahan et al.'s main point).
#   With strong skew, very many local epochs let each client drift towards its own data (Li et al. 2020;
#   Karimireddy et al. 2020); exercise 5 lets you look for it.
# - **Centralized training is ahead per pass over the data.** With $E = 1$, one round makes ten clients take
#   about four steps each and then averages them: closer to four large-batch steps than to the 45 steps of
#   one central epoch. Federated learning buys privacy of location, not speed.
#
# FedAvg alone does not make training private: the weights a client sends are a function of its data,
# and gradients can be inverted to reconstruct training images (Zhu, Liu & Han 2019). Protection needs
# more: secure aggregation, so that the server sees only the sum, and differential privacy, next.
#
# ## Part B. Differential privacy and DP-SGD
#
# A training algorithm is **$(\varepsilon, \delta)$-differentially private** (差分隐私; Dwork et al. 2006)
# if adding or removing any one example changes the probability of any outcome (any set of trained
# weights) by at most a factor $e^{\varepsilon}$, plus $\delta$. Then nobody, whatever they know, can
# tell much from the model about whether your record was in the training set.
#
# **DP-SGD** (Abadi et al. 2016) makes SGD private in three moves per step, on a batch drawn by
# **Poisson sampling** (each example joins with probability $q$, so the expected batch size is $qN$):
#
# $$g_i \leftarrow g_i \cdot \min\!\Big(1, \frac{C}{\lVert g_i\rVert}\Big),\qquad
# \tilde g = \frac{1}{qN}\Big(\sum_i g_i + \mathcal N(0, \sigma^2 C^2 I)\Big),\qquad \theta \leftarrow \theta - \eta\,\tilde g.$$
#
# Clipping each example's gradient $g_i$ to norm $C$ bounds how much one example can move the sum; the
# noise, $\sigma$ times that bound (the **noise multiplier** σ), hides whether it was there at all.
# Clipping needs every example's own gradient, the **per-sample gradient** (逐样本梯度). An ordinary
# backward pass gives only their mean. `torch.func` computes them all in one pass: `grad` of the loss of
# one example, vectorized over the batch by `vmap`. We check lib's `per_sample_gradients` against a loop
# of one backward pass per example, and their mean against the batch gradient.

# %%
model = L.digit_model(seed=0)
xb, yb = x_train[:16], y_train[:16]


def cross_entropy_of(call, inputs, targets):
    return F.cross_entropy(call(inputs), targets)


grads, losses = per_sample_gradients(model, cross_entropy_of, xb, yb)  # vmap(grad(...)) over the batch
looped = per_sample_gradients_loop(model, cross_entropy_of, xb, yb)  # 16 backward passes
batch_grad = torch.autograd.grad(F.cross_entropy(model(xb), yb), list(model.parameters()))
for (name, g), b in zip(grads.items(), batch_grad, strict=True):
    torch.testing.assert_close(g, looped[name], rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(g.mean(dim=0), b, rtol=1e-5, atol=1e-6)
norms = torch.sqrt(sum(g.flatten(1).pow(2).sum(dim=1) for g in grads.values()))
print(f"per-sample gradients {tuple(grads['0.weight'].shape)} for the first layer; "
      f"norms from {norms.min():.2f} to {norms.max():.2f}: clipping at C = 1 shortens {int((norms > 1).sum())} of 16")

# %% [markdown]
# Now the DP-SGD gradient written out from those per-sample gradients, against lib's `privatize`
# (which `DPSGDStep`, a step for the course's engine, calls), with the same noise:

# %%
C, sigma, expected_batch = 1.0, 1.5, 16.0
noise_seed = 7
clipped = {k: g * (C / (norms + 1e-12)).clamp(max=1.0).view(-1, *([1] * (g.ndim - 1))) for k, g in grads.items()}
noise_source = torch.Generator().manual_seed(noise_seed)
by_hand = {k: (g.sum(0) + sigma * C * torch.randn(g.shape[1:], generator=noise_source)) / expected_batch
           for k, g in clipped.items()}  # fmt: skip
from_lib = privatize(grads, C, sigma, expected_batch, torch.Generator().manual_seed(noise_seed))
for k in grads:
    torch.testing.assert_close(by_hand[k], from_lib[k])
clipped_norms = torch.sqrt(sum(g.flatten(1).pow(2).sum(dim=1) for g in clipped.values()))
assert clipped_norms.max() <= C + 1e-5
print(f"clipped norms at most {clipped_norms.max():.3f}; the by-hand DP-SGD gradient equals lib's")

# %% [markdown]
# ### How private, in numbers: a simple bound we can trust
#
# One DP-SGD step adds $\mathcal N(0, \sigma^2 C^2)$ to a sum that one example changes by at most $C$:
# the **Gaussian mechanism**, which satisfies $\rho$-zero-concentrated DP with $\rho = 1/(2\sigma^2)$
# (Bun & Steinke 2016). Composing $T$ steps adds up: $\rho_T = T/(2\sigma^2)$. Turned into the usual form,
#
# $$\varepsilon = \rho_T + 2\sqrt{\rho_T \ln(1/\delta)},$$
#
# which is the minimum over Rényi orders $\alpha > 1$ of $\rho_T\,\alpha + \ln(1/\delta)/(\alpha - 1)$
# (Mironov 2017). We check the closed form against that minimum found numerically.
#
# This bound **ignores the amplification by sampling**: each example is in only a fraction $q$ of the
# batches, which makes the true ε of DP-SGD far smaller. Counting it needs the Rényi accountant of
# the sampled Gaussian mechanism (Abadi et al.'s "moments accountant"; Mironov, Talwar & Zhang 2019),
# which is more involved than this lesson builds. So the ε below is an **upper bound, and a loose one**:
# correct, but pessimistic. (Poisson sampling can only help, because Rényi divergence is jointly
# quasi-convex, so the bound holds for our sampled batches too.)

# %%
delta = 1e-5
for s, t in ((1.0, 168), (4.0, 168), (8.0, 168)):
    closed, numeric = zcdp_epsilon(s, t, delta), rdp_gaussian_epsilon(s, t, delta)
    assert closed <= numeric <= closed * 1.0001, (closed, numeric)
print("closed form == min over Rényi orders (to 0.01%) for σ = 1, 4, 8 at T = 168 steps")

# %% [markdown]
# ### The privacy-utility curve
#
# We train the digits network by DP-SGD through the course's engine (`DPSGDStep` with `PoissonBatches`),
# $C = 1$, expected batch 64 ($q \approx 0.048$), SGD at rate 0.5, 8 epochs, for noise multipliers from 0
# (clipping only, no privacy) to 8, and print the loose bound ε at $\delta = 10^{-5}$.

# %%
sigmas = (0.0, 0.5, 1.0, 2.0, 4.0, 8.0)
dp_epochs = 8
steps = L.dp_steps(dp_epochs)
dp_accuracy = {s: L.dp_digits_accuracy(s, epochs=dp_epochs) for s in sigmas}
bounds = {s: zcdp_epsilon(s, steps, delta) for s in sigmas if s > 0}

fig, (ax, ax2) = figure(ncols=2, height=3.4)
ax.plot(sigmas, [dp_accuracy[s] for s in sigmas], "o-", color=PALETTE[0])
ax.axhline(0.1, color="gray", ls=":", lw=1)
ax.text(0.2, 0.12, "chance", color="gray", fontsize=8)
ax.set(xlabel="noise multiplier σ", ylabel="test accuracy", ylim=(0, 1), title="utility")
ax2.semilogy(list(bounds), list(bounds.values()), "o-", color=PALETTE[3])
ax2.set(xlabel="noise multiplier σ", ylabel="ε bound (δ = 1e-5), log scale", title=f"privacy, {steps} steps (loose bound)")
for s in sigmas:
    eps = f"ε ≤ {bounds[s]:.1f}" if s in bounds else "ε = ∞ (no noise)"
    print(f"σ = {s:3.1f}: accuracy {dp_accuracy[s]:.3f}, {eps}")

# %%
assert dp_accuracy[0.0] > 0.85 and dp_accuracy[1.0] > 0.85  # moderate noise costs little here
assert dp_accuracy[8.0] < dp_accuracy[4.0] < dp_accuracy[1.0]  # then accuracy falls with the noise
assert dp_accuracy[8.0] < 0.7 and bounds[8.0] < 10

# %% [markdown]
# Read the two panels together. Up to σ ≈ 2 the noise costs a few points of accuracy; at σ = 8 accuracy
# falls to about 0.55, and only there does our bound reach a single-digit ε. The bound is loose; a
# sampled-Gaussian accountant would certify a much smaller ε for the same runs. Practitioners also buy
# utility back with larger batches: the noise is added once per batch, so its share shrinks as the batch
# grows. The cost is not spread evenly: DP-SGD hurts rare classes and rare examples most (Bagdasaryan et
# al. 2019), which is the point: it keeps the model from depending on any single record.
#
# ## Part C. Memorization: a secret planted in the GPT
#
# Does a language model remember a sentence it saw in training, and can someone get it back by
# prompting? Carlini et al. (2019, "The Secret Sharer") measure it with **canaries** (金丝雀): random
# secrets inserted into the training text, whose prefix an attacker knows. We plant 20 canaries,
# "the PIN of {name} is {PIN}.", each PIN four random digits from 4 to 9 (the tokenizer keeps these one token
# each, so there are $6^4 = 1{,}296$ possible PINs). Five canaries appear once in the fine-tuning text,
# five 4 times, five 16 times and five 64 times, among 200 windows of the Python documentation.
#
# Then we fine-tune copies of chapter 03's GPT (`pretrained_gpt("cpu-tiny")`) three ways, each for three
# epochs with AdamW at rate $2\times10^{-3}$, batch 32, through the course's engine:
#
# - **plain**: the text as it is;
# - **dedup**: the text with exact duplicate examples removed (each canary kept once; the documentation
#   repeats itself too, as lesson 5.3 shows, so one window goes as well);
# - **DP-SGD**: the text as it is, trained by DP-SGD, $C = 1$, σ = 0.5 (the DP noise feeds AdamW, which is
#   as private as SGD: any processing of a private gradient is private).
#
# The runs are cached in lib's cache (trained when the cache is empty, about half a minute).

# %%
gpt, tokenizer = pretrained_gpt("cpu-tiny", device)
canaries = L.make_canaries(seed=0)
recipe = L.CanaryRecipe()
inputs, targets = L.training_examples(tokenizer, canaries, recipe.n_filler, recipe.block, recipe.seed)
dedup_inputs, _ = L.deduplicate_rows(inputs, targets)
distinct_filler = len(L.deduplicate_rows(inputs[: recipe.n_filler], targets[: recipe.n_filler])[0])
print(f"{len(inputs)} training examples ({recipe.n_filler} documentation windows, "
      f"{len(inputs) - recipe.n_filler} canary rows); deduplicated: {len(dedup_inputs)} "
      f"(the documentation itself repeats {recipe.n_filler - distinct_filler} window)")
print("a canary:", canaries[-1].text)
assert len(inputs) == recipe.n_filler + 5 * sum(L.REPEATS) and len(dedup_inputs) == distinct_filler + len(canaries)
models = {"base (no fine-tuning)": gpt}
for mode, label in (("plain", "plain"), ("dedup", "dedup"), ("dp", "DP-SGD")):
    models[label] = L.cached_canary_model(gpt, tokenizer, mode, recipe, device)

# %% [markdown]
# Two measurements for each canary and model:
#
# - **Extraction**: give the model the prefix "the PIN of {name} is " and let it complete four tokens
#   greedily (always the likeliest). Extracted means it wrote the true PIN.
# - **Exposure** (Carlini et al. 2019): rank the true PIN among all 1,296 candidates by the model's
#   log-probability of the four digits after the prefix; with rank $r$ among $|R|$ candidates,
#   $\text{exposure} = \log_2 |R| - \log_2 r$, from 0 bits (the true PIN is the least likely) to
#   $\log_2 1296 \approx 10.34$ bits (it is the most likely). Exposure sees memorization before extraction does.
#
# `candidate_log_probs` scores all 1,296 candidates while running the model on only 216 sequences: the
# prefix once (its keys and values cached), then every 3-digit head, whose last position scores all six
# last digits. We check it against full forward passes for a few candidates.

# %%
probe = models["plain"]
prefix, digits = L.canary_ids(tokenizer, canaries[0])
alphabet = L.digit_alphabet(tokenizer)
scores = candidate_log_probs(probe, prefix, alphabet, L.DIGITS)
assert scores.shape == (len(L.SYMBOLS) ** L.DIGITS,)
for index in (0, 777, L.secret_index(canaries[0].secret)):
    code = [alphabet[(index // len(alphabet) ** (L.DIGITS - 1 - j)) % len(alphabet)] for j in range(L.DIGITS)]
    with torch.no_grad():
        logp = probe(torch.tensor([prefix + code], device=device))[0][0].float().log_softmax(-1)
    direct = sum(logp[len(prefix) - 1 + j, code[j]] for j in range(L.DIGITS))
    torch.testing.assert_close(scores[index].cpu(), direct.cpu(), rtol=1e-4, atol=1e-4)
rank = rank_of(scores, L.secret_index(canaries[0].secret))
print(f"{canaries[0].name}'s PIN (seen once) ranks {rank} of {len(scores)}: exposure "
      f"{exposure(rank, len(scores)):.2f} bits = log2({len(scores)}) - log2({rank}) = "
      f"{math.log2(len(scores)) - math.log2(rank):.2f}")

# %%
results = {name: L.measure_canaries(m, tokenizer, canaries) for name, m in models.items()}
rates = {name: L.rates_by_repeats(r) for name, r in results.items()}
utility = {name: L.held_out_loss(m, tokenizer) for name, m in models.items()}
rows = ["| model | " + " | ".join(f"{r}× extracted, exposure" for r in L.REPEATS) + " | held-out loss |",
        "| --- |" + " --- |" * (len(L.REPEATS) + 1)]  # fmt: skip
for name, by_repeat in rates.items():
    cells = " | ".join(f"{by_repeat[r][0]:.0%}, {by_repeat[r][1]:.1f} bits" for r in L.REPEATS)
    rows.append(f"| {name} | {cells} | {utility[name]:.2f} |")
display(Markdown("\n".join(rows)))

fig, (ax, ax2) = figure(ncols=2, height=3.4)
lines = zip(rates.items(), (PALETTE[7], PALETTE[3], PALETTE[0], PALETTE[2]), (-0.03, 0.0, -0.015, 0.015), strict=True)
for (name, by_repeat), color, nudge in lines:  # nudged apart a little so the lines at 0 do not hide each other
    ax.plot(L.REPEATS, [by_repeat[r][0] + nudge for r in L.REPEATS], "o-", color=color, label=name)
    ax2.plot(L.REPEATS, [by_repeat[r][1] for r in L.REPEATS], "o-", color=color, label=name)
for a in (ax, ax2):
    a.set_xscale("log", base=2)
    a.set_xticks(L.REPEATS, [str(r) for r in L.REPEATS])
    a.set_xlabel("times the canary appears in the fine-tuning text")
ax.set(ylabel="share of canaries extracted", ylim=(-0.08, 1.05), title="greedy extraction")
ax.legend(loc="upper left", fontsize=8)
ax2.axhline(math.log2(1296), color="gray", ls=":", lw=1)
ax2.set(ylabel="mean exposure (bits)", ylim=(0, 11), title="exposure (max log2 1296 = 10.3)")

# %%
plain, dedup, dp, base = rates["plain"], rates["dedup"], rates["DP-SGD"], rates["base (no fine-tuning)"]
extracted_plain = [plain[r][0] for r in L.REPEATS]
assert extracted_plain == sorted(extracted_plain)  # extraction grows with repetition
assert plain[1][0] == 0.0 and plain[16][0] >= 0.6 and plain[64][0] == 1.0
assert plain[64][1] > 10.0 and plain[4][1] > 7.0 and plain[1][1] < 6.0  # exposure (bits)
assert all(base[r][0] == 0.0 and base[r][1] < 4.0 for r in L.REPEATS)  # the base model does not know them
assert all(dedup[r][0] == 0.0 and dedup[r][1] < 5.0 for r in L.REPEATS)  # deduplicated: as if seen once
assert all(dp[r][0] == 0.0 for r in L.REPEATS) and dp[16][1] < 4.0 and dp[64][1] < plain[64][1] - 3.0
assert utility["DP-SGD"] < utility["plain"] and utility["dedup"] < utility["plain"]

# %% [markdown]
# What the runs show (floors asserted above; the base model extracts nothing and ranks the PINs near chance):
#
# - **Memorization grows with repetition.** In the plain run (this run's numbers are in the table) no
#   canary seen once is extracted, two of five seen 4 times are, four of five seen 16 times, and all five
#   seen 64 times. Exposure rises faster: a PIN seen 4 times already ranks near the top of the 1,296
#   candidates (about 8.7 bits) even when greedy decoding misses it. This is the pattern Carlini et al.
#   (2021, 2023) found in GPT-2 and larger models: text duplicated in the training data is what gets
#   regurgitated.
# - **Deduplication removes most of it.** Collapsing the repeats to one copy leaves every canary as
#   exposed as a canary seen once: none extracted. Kandpal, Wallace & Raffel (2022) showed the same at
#   scale: the rate at which a model regenerates a sequence rises steeply with how often it was duplicated,
#   and deduplicating the training data cuts it. It costs nothing here: the held-out loss is lower than the
#   plain run's. (Every fine-tuning raises the held-out loss above the base model's: three epochs on 200
#   short windows and a few hundred canary rows pull the model away from the rest of the documentation.)
#   But deduplication only helps against *repetition*: a secret that appears once stays as exposed as before.
# - **DP-SGD removes extraction,** and exposure drops to near chance for canaries seen up to 16 times. The
#   canary seen 64 times keeps some exposure: DP's guarantee is per example, and 64 copies of a secret are
#   64 examples; the guarantee for a group of $k$ examples weakens with $k$ (group privacy). With the
#   loose bound above, this run's σ = 0.5 certifies no useful ε at all; its protection is measured, not proved.
#
# Note also what we did *not* need: the attacker here had the prefix. Carlini et al. (2021) extracted
# training data from GPT-2 with no prefix, by sampling many generations and ranking them by how much more
# likely the model finds them than a reference model does.
#
# ## Summary
#
# - **Federated learning** (联邦学习) trains where the data are; **FedAvg** averages locally trained weights,
#   weighted by data size (with one client and one step it is plain SGD: checked). Label skew across
#   clients (**non-IID**, Dirichlet α = 0.1) lowered accuracy after 15 rounds against an IID split, on both seeds;
#   more local epochs per round raised it; centralized training stayed ahead per pass over the data.
# - **DP-SGD** clips each **per-sample gradient** (逐样本梯度, `torch.func.vmap` over `grad`, checked against a
#   loop) to norm C and adds noise σC. Its **privacy-utility curve** on the digits: little cost up to σ ≈ 2,
#   a large one at σ = 8. Our ε is a correct but loose bound ($\varepsilon = \rho_T + 2\sqrt{\rho_T\ln(1/\delta)}$,
#   no sampling amplification); real accountants give much smaller values.
# - **Memorization** (记忆化) of planted **canaries** (金丝雀) in chapter 03's GPT rose with repetition:
#   extraction 0 / 40 / 80 / 100% at 1 / 4 / 16 / 64 copies, exposure up to the maximum of 10.3 bits.
#   **Deduplication** brought every canary down to the once-seen level (none extracted); **DP-SGD**
#   prevented extraction, while a secret repeated 64 times kept some exposure (group privacy).
#
# ## Exercises
#
# **1. Predict, then run.** With the bound of Part B, DP-SGD is to run twice as many steps and keep the
# same ε (same δ). By what factor must the noise multiplier σ grow? Write your prediction in `answer_1`,
# then run the cell, which prints ε for σ = 1 at 100 steps and for your σ at 200 steps.

# %%
# BEGIN SOLUTION
answer_1 = math.sqrt(2)
# END SOLUTION
print(f"ε at σ = 1, 100 steps: {zcdp_epsilon(1.0, 100, 1e-5):.3f}; at σ = {answer_1:.3f}, 200 steps: "
      f"{zcdp_epsilon(answer_1, 200, 1e-5):.3f}")
check("5.5.sigma-for-double-steps", answer_1)

# %% [markdown]
# **2. Code.** `PER_SAMPLE_GRADS` holds four examples' gradients (one row each, three parameters). Compute
# the DP-SGD gradient with $C = 1$, no noise and an expected batch size of 4, without `lib`.

# %%
print(PER_SAMPLE_GRADS)
# BEGIN SOLUTION
row_norms = PER_SAMPLE_GRADS.norm(dim=1, keepdim=True)
answer_2 = (PER_SAMPLE_GRADS * torch.clamp(1.0 / row_norms, max=1.0)).sum(dim=0) / 4
# END SOLUTION
check("5.5.clip-then-average", answer_2)

# %% [markdown]
# Clipping the *averaged* gradient instead (what `clip_grad_norm_` does in ordinary training) bounds
# nothing per example; the check rejects it:

# %%
mean_gradient = PER_SAMPLE_GRADS.mean(dim=0)
print(expect_wrong(check, "5.5.clip-then-average", mean_gradient * min(1.0, 1.0 / mean_gradient.norm().item())))

# %% [markdown]
# **3. Code.** A canary's true PIN ranks 3rd among the 1,296 candidates. What is its exposure in bits?

# %%
# BEGIN SOLUTION
answer_3 = math.log2(1296) - math.log2(3)
# END SOLUTION
check("5.5.exposure-rank-3", answer_3)

# %% [markdown]
# **4. Code.** Three clients send the weights in `CLIENT_WEIGHTS` (one row each); they hold
# `CLIENT_SIZES` examples. Compute the server's FedAvg average.

# %%
print(CLIENT_WEIGHTS, CLIENT_SIZES)
# BEGIN SOLUTION
sizes_4 = torch.tensor(CLIENT_SIZES, dtype=torch.float64)
answer_4 = (CLIENT_WEIGHTS * (sizes_4 / sizes_4.sum()).unsqueeze(1)).sum(dim=0)
# END SOLUTION
check("5.5.fedavg-weights", answer_4)

# %% [markdown]
# **5. Explore.** Raise the local epochs to 20 for the skewed split (`L.federated_run(0.1, 20, 15)`). Does
# accuracy keep rising with $E$, or does client drift set in? Then change `CanaryRecipe(noise_multiplier=...)`
# and find the smallest σ at which no canary seen 64 times is extracted (each run takes about ten seconds).
#
# **6. Explain.** Deduplication and DP-SGD both lowered extraction. Which one protects a secret that
# appears only once in the training data, and why does the other not?
#
# ## References
#
# - McMahan, Moore, Ramage, Hampson, Agüera y Arcas, *Communication-Efficient Learning of Deep Networks
#   from Decentralized Data*, AISTATS 2017, arXiv:1602.05629 (FedAvg).
# - Hsu, Qi, Brown, *Measuring the Effects of Non-Identical Data Distribution for Federated Visual
#   Classification*, 2019, arXiv:1909.06335 (Dirichlet label skew).
# - Li, Sahu, Zaheer, Sanjabi, Talwalkar, Smith, *Federated Optimization in Heterogeneous Networks*
#   (FedProx), MLSys 2020, arXiv:1812.06127; Karimireddy et al., *SCAFFOLD: Stochastic Controlled
#   Averaging for Federated Learning*, ICML 2020, arXiv:1910.06378.
# - Zhu, Liu, Han, *Deep Leakage from Gradients*, NeurIPS 2019, arXiv:1906.08935.
# - Dwork, McSherry, Nissim, Smith, *Calibrating Noise to Sensitivity in Private Data Analysis*, TCC 2006.
# - Abadi, Chu, Goodfellow, McMahan, Mironov, Talwar, Zhang, *Deep Learning with Differential Privacy*,
#   ACM CCS 2016, arXiv:1607.00133 (DP-SGD).
# - Bun, Steinke, *Concentrated Differential Privacy: Simplifications, Extensions, and Lower Bounds*,
#   TCC 2016, arXiv:1605.02065.
# - Mironov, *Rényi Differential Privacy*, IEEE CSF 2017, arXiv:1702.07476; Mironov, Talwar, Zhang,
#   *Rényi Differential Privacy of the Sampled Gaussian Mechanism*, 2019, arXiv:1908.10530.
# - Bagdasaryan, Poursaeed, Shmatikov, *Differential Privacy Has Disparate Impact on Model Accuracy*,
#   NeurIPS 2019, arXiv:1905.12101.
# - Carlini, Liu, Erlingsson, Kos, Song, *The Secret Sharer: Evaluating and Testing Unintended
#   Memorization in Neural Networks*, USENIX Security 2019, arXiv:1802.08232 (canaries, exposure).
# - Carlini, Tramèr, Wallace, Jagielski, Herbert-Voss, Lee, Roberts, Brown, Song, Erlingsson, Oprea,
#   Raffel, *Extracting Training Data from Large Language Models*, USENIX Security 2021, arXiv:2012.07805.
# - Carlini, Ippolito, Jagielski, Lee, Tramèr, Zhang, *Quantifying Memorization Across Neural Language
#   Models*, ICLR 2023, arXiv:2202.07646.
# - Kandpal, Wallace, Raffel, *Deduplicating Training Data Mitigates Privacy Risks in Language Models*,
#   ICML 2022, arXiv:2202.06539.
# - Lee, Ippolito, Nystrom, Zhang, Eck, Callison-Burch, Carlini, *Deduplicating Training Data Makes
#   Language Models Better*, ACL 2022, arXiv:2107.06499.
