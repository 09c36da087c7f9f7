# %% [markdown]
# # 3.5 Fine-tuning the pre-trained GPT: a classifier, SFT and LoRA (微调)
#
# **Time:** about 1.5 min on a laptop CPU (1 min more if lesson 3.4's model is not cached yet) · **Prerequisites:** lessons 3.1 (the docstring classifier) and 3.4 (pre-training a GPT); LoRA's idea (lesson 1.5 or "train a small low-rank update") · **You will learn:** how one pre-trained GPT is adapted three ways: a classification head on its hidden states, supervised fine-tuning with the loss masked on the prompt, and LoRA against full fine-tuning, each measured.
#
# In this lesson you will:
#
# - put a **classification head** (分类头) on a GPT's hidden states and compare pre-trained features
#   with the same architecture from scratch at several **label budgets** (标注预算), on lesson 3.1's task;
# - build question-answer pairs from the Python documentation itself and run **supervised
#   fine-tuning** (SFT, 监督微调) with the loss **masked** on the prompt, proven to be the
#   cross-entropy of the answer tokens only;
# - fine-tune all the weights (**full fine-tuning**, 全参数微调) and only a **LoRA** adapter
#   (低秩适配), and put trainable parameters, memory, time and quality side by side.

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
import time

import torch
import torch.nn.functional as F

from lib.core.seeding import seeded
from lib.course.checks import expect_wrong
from lib.course.exercises import check
from lib.course.lesson import lesson_setup
from lib.data.doc_questions import IGNORE_INDEX, doc_question_pairs, sft_batch
from lib.data.docstrings import load_docstrings
from lib.data.pydoc_corpus import load_python_docs
from lib.lessons.lesson_3_5_finetuning import (
    FinetuneRecipe,
    answer,
    classifier_accuracy,
    encode_known,
    encode_texts,
    finetune_classifier,
    frozen_features,
    held_out_answer_loss,
    lora_copy,
    probe_budget_accuracy,
    supervised_finetune,
)
from lib.models.gpt import GPT, LLAMA2_7B, gpt_on_meta
from lib.models.gpt_classifier import GPTClassifier
from lib.models.lora import LoRALinear, lora_parameter_count, merge_lora
from lib.models.text_classifier import masked_mean
from lib.scale.memory import model_state_bytes
from lib.train.bits import bits_per_character, predicted_characters
from lib.train.pretrain import pretrained_gpt
from lib.viz.plots import plot_accuracy_vs_labels

device, generator = lesson_setup(seed=0)  # seed, device, one CPU thread for tiny models, the course's plot style

# %% [markdown]
# ## The pre-trained model
#
# Fine-tuning (微调) starts from a model that **pre-training** (预训练) has already taught the
# language. This lesson loads the GPT that lesson 3.4 pre-trained on the training split of the
# Python documentation (byte-level BPE with 1,024 tokens, rotary positions; lib's cache holds it, and
# with an empty cache it is pre-trained again, the same way, in one to two minutes). Its quality is
# its validation loss in **bits per character**: the total cross-entropy in nats, divided by ln 2
# and by the number of characters predicted (lesson 3.4).

# %%
gpt, tokenizer = pretrained_gpt("cpu-tiny", device)  # lesson 3.4's GPT, from lib's cache (retrained if it is empty)
config = gpt.config
val_text = load_python_docs("validation")
val_tokens = tokenizer.encode_tensor(val_text)
bits_per_char = bits_per_character(gpt, val_tokens, predicted_characters(tokenizer, val_text, val_tokens),
                                   config.context_length, device=device)
print(f"{gpt.num_parameters():,} parameters, {config.n_layer} layers, d_model {config.d_model}, "
      f"context {config.context_length} tokens; validation: {bits_per_char:.2f} bits per character")
assert bits_per_char < 1.9  # lesson 3.4's bar; guessing uniformly among 1,024 tokens costs over 3 bits per character

# %% [markdown]
# ## Part A: a classifier on the GPT's hidden states
#
# A GPT maps token ids to **hidden states** (隐藏状态) $h_1, \dots, h_T$, one $d$-vector per token,
# and its language-model head turns each into next-token logits: $\text{logits}_t = W_{\text{lm}}\, h_t$.
# For classification we drop that head and put a new one on a summary of the text: the mean of the
# hidden states of its $n$ real tokens,
#
# $$\bar h = \frac{1}{n}\sum_{t=1}^{n} h_t, \qquad \text{class logits} = W_c\, \bar h + b_c .$$
#
# `GPT.hidden_states` returns the $h_t$; first we check that they are exactly what the
# language-model head reads, then that `GPTClassifier` computes the formula above.

# %%
train_set, test_set = load_docstrings("train"), load_docstrings("test")
classes = train_set.classes
MAX_LEN = min(128, config.context_length)  # tokens read per docstring
x_train, y_train = encode_texts(tokenizer, train_set, MAX_LEN)
x_test, y_test = encode_texts(tokenizer, test_set, MAX_LEN)

sample = x_test[:4]
real = sample != -1  # -1 pads the shorter texts on the right
with torch.no_grad():
    ids = torch.where(real, sample, 0).to(device)
    hidden = gpt.hidden_states(ids)
    torch.testing.assert_close(gpt.lm_head(hidden), gpt(ids)[0])  # the LM head reads exactly these states
    classifier = GPTClassifier(gpt, len(classes)).eval()
    by_hand = (hidden * real.unsqueeze(-1).to(device)).sum(1) / real.sum(1, keepdim=True).to(device)
    by_hand = by_hand @ classifier.head.weight.T + classifier.head.bias
    torch.testing.assert_close(classifier(sample.to(device)), by_hand)
    torch.testing.assert_close(masked_mean(hidden, real.to(device)), classifier.features(sample.to(device)))
    # causal attention: padding placed after a text cannot change any of its tokens' states
    padded = torch.cat([sample[:1, :20], torch.full((1, 30), -1)], dim=1)
    torch.testing.assert_close(classifier(padded.to(device)), classifier(sample[:1, :20].to(device)))
print("hidden states feed the LM head exactly; the classifier is the mean of real tokens' states, then a linear layer")

# %% [markdown]
# ### Label budgets: pre-trained features against the same architecture from scratch
#
# Labels cost money; pre-training is supposed to make each one go further. We give the classifier
# 10, 30 or 90 labelled docstrings per class, or all of them (95 to 232 per class), over three
# seeds. To afford that many runs on a laptop we first train only the head on **frozen** hidden
# states (a **linear probe**, 线性探测): the GPT reads each docstring once, and a linear layer learns on
# the pooled vectors with lib's engine. The comparison body is the same GPT architecture with its
# initial random weights. Lesson 3.1's models, trained on all labels with words as tokens, reached
# 0.83–0.86 (embedding + pooling) and 0.85–0.86 (bag of words).

# %%
BUDGETS, SEEDS = (10, 30, 90, None), (0, 1, 2)
with seeded(1):
    scratch = GPT(config).to(device)  # same shape, weights as initialised before any training
start = time.perf_counter()
features = {
    "pre-trained GPT": (frozen_features(gpt, x_train), frozen_features(gpt, x_test)),
    "same GPT, random weights": (frozen_features(scratch, x_train), frozen_features(scratch, x_test)),
}
probe = probe_budget_accuracy(features, y_train, y_test, BUDGETS, SEEDS, steps=300)
probe_seconds = time.perf_counter() - start
majority = (y_test == torch.bincount(y_train).argmax()).float().mean().item()
all_per_class = round(len(y_train) / len(classes))
x_axis = [b if b is not None else all_per_class for b in BUDGETS]
print(f"{'labels per class':>18s} " + " ".join(f"{str(b or 'all'):>7s}" for b in BUDGETS))
for name, table in probe.items():
    print(f"{name:>18.18s} " + " ".join(f"{m:7.3f}" for m in table.mean(dim=1).tolist()))
print(f"majority class: {majority:.3f}")
for name, table in probe.items():  # every budget: well above the majority class, and more labels help
    assert (table.mean(dim=1) > majority + 0.05).all(), (name, table)
    assert table[-1].mean() > table[0].mean() + 0.05, (name, table)

# %%
ax = plot_accuracy_vs_labels(x_axis, probe, title="linear probe on frozen hidden states (3 seeds)")
ax.axhline(majority, color="gray", linestyle=":", label="majority class")
ax.set_xlabel("labelled docstrings per class (log scale; the last point is all of them)")
legend = ax.legend(fontsize=8)

# %% [markdown]
# Read the plot honestly. More labels help both bodies, and both are far above the majority
# class, at every budget and on every seed. The pre-trained features help where labels are scarcest:
# with 10 labels per class they beat the random ones on every seed, by one to three points. From 30
# labels on, the two are level within the seeds' spread, and with all labels the random body is
# ahead on two of three seeds. The paired differences below (same labels, same seed) show it seed
# by seed. A 0.9M-parameter GPT at about 1.8 bits per character has learned the documentation's
# spelling and phrasing, but averaging its states over a docstring keeps little about *which topic*
# the words belong to, so a linear probe gains little; lesson 1.5 saw a larger gain on digits, where
# the pre-training task was closer to the labels. Nor do these probes come near lesson 3.1's
# word-level models (0.83–0.86): a word tokenizer hands the classifier the words that decide the package.

# %%
gap = probe["pre-trained GPT"] - probe["same GPT, random weights"]
for budget, row in zip(BUDGETS, gap.tolist(), strict=True):
    print(f"{str(budget or 'all'):>4s} labels per class: pre-trained minus random, per seed: "
          + ", ".join(f"{d:+.3f}" for d in row))

# %% [markdown]
# ### Fine-tuning every weight
#
# A probe leaves the GPT as it is. **Full fine-tuning** (全参数微调) trains the GPT and the new head
# together on the task. We run it on all labels, from the pre-trained weights and from the random
# ones, with the same recipe (AdamW, warm-up and cosine, the same steps and learning rate), through
# `lib.train.loop.train`.

# %%
recipe = FinetuneRecipe(steps=100, batch_size=16, lr=1e-3)
full = {}
for name, body in (("pre-trained GPT", gpt), ("same GPT, random weights", scratch)):
    copy = GPT(config).to(device)
    copy.load_state_dict(body.state_dict())
    model = finetune_classifier(copy, x_train, y_train, len(classes), recipe, seed=0, device=device)
    full[name] = classifier_accuracy(model, x_test, y_test)
    print(f"full fine-tuning from the {name}: test accuracy {full[name]:.3f}")
assert min(full.values()) > majority + 0.05

# %% [markdown]
# Full fine-tuning does far better than the probes, from either start: it lets the whole GPT
# learn which features the task needs, instead of reading fixed ones. Here the pre-trained start
# ended ahead of the random one (this is one seed of one short recipe, 100 steps of 16 docstrings:
# a difference to test over seeds before trusting it, as the exercises suggest). It still stays
# below lesson 3.1's word models: 1,200 labelled docstrings are few for a Transformer to learn the
# task from, which is exactly where a bigger pre-trained model would help most.

# %% [markdown]
# ## Part B: supervised fine-tuning on questions from the documentation
#
# A pre-trained GPT continues text; it does not answer questions. **Supervised fine-tuning**
# (SFT, 监督微调) trains it on examples of the behaviour we want: a prompt and the answer that
# should follow. Our examples come from the documentation itself: each section title becomes a
# question and the section's first sentence its answer (`lib.data.doc_questions`). Pairs whose
# answer lies in the corpus's *validation* paragraphs are held out: the pre-trained model never
# read those answers, and SFT never trains on them.

# %%
pairs = doc_question_pairs()
train_pairs = [p for p in pairs if not p.held_out]
held_out = [p for p in pairs if p.held_out]
print(f"{len(pairs)} question-answer pairs: {len(train_pairs)} to train on, {len(held_out)} held out")
print(repr(train_pairs[5].text))
assert len(held_out) >= 10 and not {p.answer for p in held_out} & {p.answer for p in train_pairs}

# %% [markdown]
# The model should learn to *answer*, not to write questions, so the loss counts only the answer.
# Token $t$ of an example predicts token $t+1$; we set the target to $-100$ wherever token $t+1$
# belongs to the prompt (or is padding), and cross-entropy skips those positions:
#
# $$\mathcal{L} = -\frac{1}{|A|} \sum_{t \in A} \log p_\theta(x_{t+1} \mid x_{\le t}),$$
#
# where $A$ is the set of positions whose next token is part of the answer. We check that the
# masked loss equals that sum computed by hand over the answer tokens only.

# %%
SFT_LEN = config.context_length
encode = lambda text: encode_known(tokenizer, text)  # noqa: E731
sft_x, sft_y = sft_batch(encode, train_pairs, SFT_LEN)
held_x, held_y = sft_batch(encode, held_out, SFT_LEN)
example = train_pairs[5]
n_prompt = len(encode(example.prompt))
print("first targets:", sft_y[5, :n_prompt + 2].tolist())
assert (sft_y[5, : n_prompt - 1] == IGNORE_INDEX).all() and sft_y[5, n_prompt - 1] == encode(example.answer)[0]

with torch.no_grad():
    logits, masked = gpt(sft_x[:8].to(device), sft_y[:8].to(device))
    log_probs = F.log_softmax(logits.float(), dim=-1)
    terms = [-log_probs[i, t, sft_y[i, t]] for i in range(8) for t in range(SFT_LEN) if sft_y[i, t] != IGNORE_INDEX]
    by_hand = torch.stack(terms).mean()
    everything = F.cross_entropy(logits.flatten(0, 1).float(), sft_x[:8].roll(-1, dims=1).flatten().to(device))
torch.testing.assert_close(masked, by_hand)
print(f"masked loss {masked:.4f} = mean over the {len(terms)} answer tokens by hand {by_hand:.4f}"
      f" (all positions, prompts and padding included, would give {everything:.4f})")

# %% [markdown]
# Before SFT, the pre-trained model meets the format for the first time. We fine-tune all its weights
# on the training pairs, then measure the loss per answer token on the held-out pairs, and read
# a few answers (greedy decoding up to the first newline).

# %%
SFT_STEPS = 60
base_loss = held_out_answer_loss(gpt, held_x, held_y)
before = {p.title: answer(gpt, tokenizer, p.prompt) for p in held_out[:3]}
full_model = GPT(config).to(device)
full_model.load_state_dict(gpt.state_dict())
full_run = supervised_finetune(full_model, sft_x, sft_y, steps=SFT_STEPS, lr=3e-4, device=device)
full_loss = held_out_answer_loss(full_model, held_x, held_y)
print(f"held-out answer loss: {base_loss:.3f} nats per token before SFT, {full_loss:.3f} after")
for p in held_out[:3]:
    print(f"\nQ: Explain {p.title}.\n  before: {before[p.title]!r}\n  after:  {answer(full_model, tokenizer, p.prompt)!r}"
          f"\n  true:   {p.answer!r}")
assert full_loss < base_loss - 0.08  # SFT helps on answers neither training stage saw

# %% [markdown]
# The held-out answer loss falls: SFT taught the model what follows "A: " (a sentence that starts
# with a capital, often repeating the title, and ends with a full stop and a newline), and it does
# so on questions it never trained on. The greedy answers show both what SFT does and how far a
# 0.9M-parameter model is from a useful assistant: before SFT it continues the prompt with
# documentation-like fragments; after SFT it answers with one short sentence in the documentation's
# voice and stops, but about the wrong thing (its favourite is `__getitem__`): from 120 examples it
# has learned the *format* of an answer, not the facts.

# %% [markdown]
# ## Part C: LoRA against full fine-tuning
#
# Full fine-tuning updates every weight, so it needs a gradient and two Adam moments for every
# weight. **LoRA** (low-rank adaptation, 低秩适配; Hu et al. 2021) freezes the pre-trained weight
# $W$ and trains a low-rank update: $W' = W + \frac{\alpha}{r} B A$ with $A$ of shape $r \times d_{in}$ and
# $B$ of shape $d_{out} \times r$, that is $r\,(d_{in} + d_{out})$ trainable numbers per layer. $B$ starts at
# zero, so the adapted model starts *exactly* equal to the pre-trained one; after training, $BA$ is
# added into $W$ (**merged**, 合并) and the model costs nothing extra to run. We check all three.

# %%
RANK = 4
lora_model, wrapped = lora_copy(gpt, rank=RANK, alpha=2 * RANK)
with torch.no_grad():
    torch.testing.assert_close(lora_model(held_x.to(device))[0], gpt(held_x.to(device))[0], rtol=0, atol=0)
lora_layers = [m for m in lora_model.modules() if isinstance(m, LoRALinear)]
assert sum(lora_parameter_count(m.in_features, m.out_features, RANK) for m in lora_layers) == sum(
    p.numel() for p in lora_model.parameters() if p.requires_grad)
lora_run = supervised_finetune(lora_model, sft_x, sft_y, steps=SFT_STEPS, lr=3e-3, device=device)
lora_loss = held_out_answer_loss(lora_model, held_x, held_y)
with torch.no_grad():
    adapted = lora_model(held_x.to(device))[0]
    merge_lora(lora_model)
    torch.testing.assert_close(lora_model(held_x.to(device))[0], adapted, rtol=1e-4, atol=1e-4)
print(f"{len(wrapped)} linear layers wrapped; equal to the base model at start; merged back exactly")

# %% [markdown]
# The table puts them side by side. The memory column is training state: weights, gradients and
# AdamW's two moments, measured on the real tensors (`lib.scale.memory.measured_model_state_bytes`)
# and checked against the formula of `lib.scale.memory.model_state_bytes` (fp32: 4 bytes for a
# weight, 4 for its gradient, 8 for Adam's moments, the last two only for what trains).

# %%
rows = [("pre-trained, no fine-tuning", 0, None, None, base_loss),
        ("full fine-tuning", full_run.trainable, full_run.state_bytes, full_run.seconds, full_loss),
        (f"LoRA, rank {RANK}", lora_run.trainable, lora_run.state_bytes, lora_run.seconds, lora_loss)]
print(f"{'method':28s} {'trainable':>10s} {'train state':>12s} {'time':>7s} {'held-out loss':>14s}")
for name, trainable, state, seconds, loss in rows:
    memory = f"{sum(state.values()) / 1024:9.0f} KiB" if state else f"{'':>12s}"
    timing = f"{seconds:6.1f}s" if seconds else f"{'':>7s}"
    print(f"{name:28s} {trainable:10,d} {memory} {timing} {loss:14.3f}")
for run in (full_run, lora_run):
    formula = model_state_bytes(run.trainable, precision="fp32", optimizer="adam")
    assert run.state_bytes["gradients"] == formula.gradients and run.state_bytes["optimizer"] == formula.optimizer
assert lora_run.trainable < full_run.trainable / 5
assert lora_loss < base_loss - 0.05  # LoRA helps too

# %% [markdown]
# LoRA trained a few percent of the weights and its training state is a fraction of full
# fine-tuning's, for a somewhat smaller gain in held-out loss. On a model this small the savings
# are small in absolute terms and the time per step hardly changes (LoRA adds matrix products to
# every layer, and the frozen weights still run forward and backward); on a large model the
# gradients and Adam state of billions of weights are what no longer fit. For Llama 2 7B in mixed precision, `model_state_bytes` gives:

# %%
llama_params = gpt_on_meta(LLAMA2_7B).num_parameters()  # 6,738,415,616, counted without memory (lesson 3.3)
lora_llama = 32 * 4 * lora_parameter_count(4096, 4096, 8)  # rank 8 on the four attention projections
full_state = model_state_bytes(llama_params, precision="mixed", optimizer="adam").total
lora_state = 2 * llama_params + model_state_bytes(lora_llama, precision="mixed", optimizer="adam").total
print(f"full fine-tuning: {full_state / 2**30:.0f} GiB of weights, gradients and Adam state; "
      f"LoRA: {lora_state / 2**30:.1f} GiB (frozen 16-bit weights + {lora_llama:,} trained parameters)")
assert full_state > 7 * lora_state

# %% [markdown]
# ## Summary
#
# - A GPT's **hidden states** are features any head can read: `GPT.hidden_states` is exactly what
#   the language-model head reads. A classifier pools them over the real tokens (padding on the right
#   changes nothing in a causal model) and adds one linear layer.
# - Whether pre-training pays off depends on what the pre-trained model learned: the numbers above
#   are measured, not promised, and compared with the same architecture from random weights at
#   every label budget, over three seeds.
# - **SFT** trains on prompt-answer pairs with the prompt's targets set to −100, so the loss is the
#   mean cross-entropy of the answer tokens only (checked by hand above); held-out answers, which
#   neither pre-training nor SFT saw, measure the effect.
# - **LoRA** trains a few percent of the parameters, needs gradients and optimizer state only for
#   them, starts exactly at the pre-trained model and merges back into plain linear layers.
#
# ## Exercises
#
# **1. Predict, then run.** A LoRA layer computes $W x + \frac{\alpha}{r} B A x$. Right after
# `apply_lora`, before any training, does the adapted GPT give *exactly* the same logits as the
# pre-trained one, for any input? Write `True` or `False` in `answer_1`, then run the cell.

# %%
# BEGIN SOLUTION
answer_1 = True
# END SOLUTION
fresh, _ = lora_copy(gpt, rank=2, seed=123)
with torch.no_grad():
    same = torch.equal(fresh(held_x[:2].to(device))[0], gpt(held_x[:2].to(device))[0])
print("identical logits at initialisation:", same)
check("3.5.lora-starts-equal", answer_1)

# %% [markdown]
# **2. Code.** LoRA of rank 8 on the four attention projections (query, key, value, output, each
# 4096 × 4096) of every one of Llama 2 7B's 32 layers: how many trainable parameters is that?
# Compute it without `lib`.

# %%
# BEGIN SOLUTION
answer_2 = 32 * 4 * 8 * (4096 + 4096)
# END SOLUTION
check("3.5.llama-lora-params", answer_2)
print(f"{answer_2:,} trainable parameters, {answer_2 / 6.74e9:.2%} of Llama 2 7B's 6.74 billion")

# %% [markdown]
# Forgetting one of the two factors (counting only $A$, r × d_in) is the common slip; the check rejects it:

# %%
print(expect_wrong(check, "3.5.llama-lora-params", 32 * 4 * 8 * 4096))

# %% [markdown]
# **3. Code.** Given next-token `logits` (batch, time, vocab) and `targets` with −100 on the
# prompt and padding, compute the masked SFT loss: the mean cross-entropy over the positions whose
# target is not −100, with `log_softmax` and indexing, not `F.cross_entropy`.

# %%
logits_3 = torch.randn(2, 6, 5, generator=torch.Generator().manual_seed(3))
targets_3 = torch.tensor([[-100, -100, 2, 4, 1, -100], [-100, 3, 3, 0, -100, -100]])
# BEGIN SOLUTION
keep = targets_3 != -100
log_p = torch.log_softmax(logits_3, dim=-1)
answer_3 = -log_p[keep, targets_3[keep]].mean()
# END SOLUTION
check("3.5.masked-loss", answer_3, logits=logits_3, targets=targets_3)

# %% [markdown]
# **4. Explain.** Held-out pairs are those whose answer paragraph is in the corpus's validation
# split. Why would measuring SFT on pairs whose answers the pre-trained model *had* read overstate
# what SFT taught?
#
# ## References
#
# - Radford, Narasimhan, Salimans, Sutskever, *Improving Language Understanding by Generative Pre-Training* (GPT-1), OpenAI 2018 — a pre-trained Transformer fine-tuned with a linear head per task.
# - Howard, Ruder, *Universal Language Model Fine-tuning for Text Classification* (ULMFiT), ACL 2018, arXiv:1801.06146.
# - Ouyang et al., *Training language models to follow instructions with human feedback*, NeurIPS 2022, arXiv:2203.02155 — supervised fine-tuning as the first step of InstructGPT.
# - Wei et al., *Finetuned Language Models Are Zero-Shot Learners* (FLAN), ICLR 2022, arXiv:2109.01652 — instruction tuning.
# - Hu, Shen, Wallis, Allen-Zhu, Li, Wang, Wang, Chen, *LoRA: Low-Rank Adaptation of Large Language Models*, ICLR 2022, arXiv:2106.09685.
# - Alain, Bengio, *Understanding intermediate layers using linear classifier probes*, arXiv:1610.01644 (2016).
# - Touvron et al., *Llama 2: Open Foundation and Fine-Tuned Chat Models*, arXiv:2307.09288 (2023).
