# %% [markdown]
# # 1.5 Pre-training, fine-tuning and transfer learning (预训练、微调与迁移学习)
#
# **Time:** about 1.5 min on a laptop CPU · **Prerequisites:** lessons 1.2 (MLPs, logits, Adam), 1.3 (what BERT and GPT predict) and 1.6 (the training loop, cross-entropy over classes); LayerNorm, the KL divergence and distillation's temperature are explained briefly where they are used · **You will learn:** how self-supervised pre-training on unlabelled data lets a model learn from very few labels, and how to fine-tune it fully, with a frozen encoder, or with LoRA.
#
# In this lesson you will:
#
# - see why pre-training is **self-supervised** (自监督学习): the data supplies its own targets;
# - pre-train a small **encoder** (编码器) on handwritten digits by hiding pixels and predicting
#   them, the image analogue of BERT's masked-word prediction, with every label thrown away;
# - save it, load it back, and find it again in the course's cache for later lessons;
# - **fine-tune** (微调) it with 1 to 30 labelled images per digit and measure, over several
#   random draws, how much better it does than the same network trained from scratch, and at
#   which label budgets that advantage disappears;
# - compare three kinds of **transfer learning** (迁移学习): linear probing with a frozen encoder,
#   full fine-tuning, and LoRA, which trains a few percent of the parameters;
# - distil the fine-tuned model into a small student, and separate what the teacher's soft
#   predictions add from what its extra (unlabelled) inputs add.

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
from functools import partial

import torch
from torch import nn
from torch.nn import functional as F

from lib.compress.distillation import distillation_loss
from lib.core.checkpoint import cache_dir, load_checkpoint, save_checkpoint
from lib.course.checks import expect_wrong
from lib.course.exercises import check
from lib.course.lesson import lesson_setup
from lib.data.digits import load_digits_split
from lib.lessons.lesson_1_5_pretraining import (
    CHECKPOINT_NAME,
    PretrainConfig,
    accuracy_on,
    encoder_checkpoint,
    finetune,
    label_efficiency,
    load_or_pretrain_digits_encoder,
    make_classifier,
    masked_pixel_loss,
    paired_gap,
    pretrain_masked_pixels,
    pretrained_from_checkpoint,
    random_pixel_mask,
    sample_per_class,
    summary_at,
)
from lib.models.digit_encoder import DigitEncoder
from lib.models.lora import LoRALinear, lora_parameter_count, merge_lora, trainable_parameter_count
from lib.models.mlp import MLP
from lib.train.loop import train as train_loop
from lib.viz.plots import figure, image_rows, plot_accuracy_vs_labels
from lib.viz.widgets import interactive_view

device, generator = lesson_setup(seed=0)  # seed, device, one CPU thread for tiny models, the course's plot style

# %% [markdown]
# ## Labels are expensive; data is not
#
# A large model is built in two stages. **Pre-training** (预训练) trains it on a huge amount of
# raw data (text from the web, images, code) that nobody has labelled. **Fine-tuning** (微调) then
# adapts it to a task with a comparatively small set of labelled examples (标注数据). Using what a
# model learned on one task for another is **transfer learning** (迁移学习; the source article
# writes 转移学习, the usual term is 迁移学习).
#
# **Unsupervised or self-supervised?** The source article's glossary (1.4.1) and its section 2.4.3
# call pre-training "unsupervised learning" (无监督学习). That is the word the GPT papers themselves
# used: GPT-1 (Radford et al., 2018) calls its first stage "unsupervised pre-training", and GPT-2's
# title is *Language Models are Unsupervised Multitask Learners* (2019): no human labels are
# involved. Today's more precise term is **self-supervised learning** (自监督学习). Pre-training has
# a right answer at every step: GPT predicts the next word of a real text and BERT predicts words
# that were hidden from it, and the real word is the target. The targets come from the data itself,
# and training uses an ordinary supervised loss, only without human labels. That sets it apart from
# unsupervised methods in the narrow sense, such as clustering, which have no target to compare with.
#
# We do the same at a size that runs in a minute on a laptop CPU: scikit-learn's 1,797 handwritten
# digits, 8x8 pixels each, split into a training set and a held-out test set.

# %%
# NBVAL_CHECK_OUTPUT
train, test = load_digits_split()
print(f"training images: {len(train)}, test images: {len(test)}, pixels per image: {train.flat.shape[1]}")
print("training images per digit:", torch.bincount(train.labels).tolist())
unlabelled = train.images  # pre-training uses these pixels and never looks at train.labels

# %% [markdown]
# ## The pre-training task: predict the pixels you cannot see
#
# BERT picks 15% of the tokens (words or pieces of words) of a sentence, hides most of them behind
# a `[MASK]` token, and learns to predict the original tokens.
# Our image version hides each pixel independently with probability 0.75 and replaces it with a
# learned value per position, the **mask token**; a network must then predict the hidden pixels
# from the visible ones. Because it has to fill in most of a digit, it has to learn what digits
# look like: which strokes go together, and what a 3 looks like as opposed to an 8.
#
# With $x$ the true pixels, $\hat{x}$ the prediction and $M$ the set of hidden pixels, the loss
# is the mean squared error over the hidden pixels only, as BERT scores only its hidden words:
#
# $$\mathcal{L} = \frac{1}{|M|} \sum_{i \in M} (\hat{x}_i - x_i)^2 .$$
#
# Here is one mask, and that loss computed three ways: from the formula, by the course's
# `lib.pretraining.masked_pixel_loss`, and by PyTorch's `F.mse_loss` on the hidden entries.

# %%
mask_generator = torch.Generator().manual_seed(0)
images = train.flat[:4]
mask = random_pixel_mask(len(images), 0.75, mask_generator)
prediction = torch.rand(images.shape, generator=mask_generator)  # a guess, just to have numbers

by_formula = ((prediction - images) ** 2 * mask).sum() / mask.sum()
assert torch.allclose(by_formula, masked_pixel_loss(prediction, images, mask))
assert torch.allclose(by_formula, F.mse_loss(prediction[mask], images[mask]))
print(f"hidden: {mask.sum().item()} of {mask.numel()} pixels; loss of a random guess: {by_formula:.3f}")

# %% [markdown]
# The **encoder** (编码器), `lib.models.digit_encoder.DigitEncoder`, is a small network: 64 pixels, two
# layers of 256 ReLU units, and a LayerNorm at the end (it rescales each sample's 256 features to
# mean 0 and standard deviation 1, then applies a learned scale and shift per feature; lesson 2.4). A **decoder** (解码器), one
# linear layer, turns its 256 features back into 64 pixels. Only the encoder is kept after
# pre-training: the features it computes are what fine-tuning builds on.
#
# Its parameters: the mask token (64), two linear layers ($64 \cdot 256 + 256$ and
# $256 \cdot 256 + 256$) and the LayerNorm's scale and shift ($2 \cdot 256$).

# %%
encoder = DigitEncoder(hidden=256)
encoder

# %%
# NBVAL_CHECK_OUTPUT
n_encoder = sum(p.numel() for p in encoder.parameters())
assert n_encoder == 64 + (64 * 256 + 256) + (256 * 256 + 256) + 2 * 256
print(f"encoder parameters: {n_encoder:,}")

# %% [markdown]
# ## Pre-training, first by hand
#
# The pre-training loop is an ordinary training loop (lesson 1.6) in which the targets are the
# hidden pixels. We write one epoch of it in the open, then check that the course's
# `pretrain_masked_pixels` computes exactly the same weights from the same seed.

# %%
config = PretrainConfig()  # hidden 256, mask ratio 0.75, 100 epochs of batches of 64, AdamW at 1e-3
print(config)

one_epoch = PretrainConfig(epochs=1)
torch.manual_seed(one_epoch.seed)
encoder = DigitEncoder(one_epoch.hidden)
decoder = nn.Linear(one_epoch.hidden, 64)
optimizer = torch.optim.AdamW([*encoder.parameters(), *decoder.parameters()], lr=one_epoch.lr,
                              weight_decay=one_epoch.weight_decay)
batch_order = torch.Generator().manual_seed(one_epoch.seed)
pixels = unlabelled.reshape(len(unlabelled), 64)
order = torch.randperm(len(pixels), generator=batch_order)
for start in range(0, len(pixels), one_epoch.batch_size):
    batch = pixels[order[start : start + one_epoch.batch_size]]
    hidden = random_pixel_mask(len(batch), one_epoch.mask_ratio, batch_order)
    predicted = decoder(encoder(batch, hidden))       # predict every pixel from the visible ones
    loss = masked_pixel_loss(predicted, batch, hidden)  # score the hidden ones
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

lib_one_epoch = pretrain_masked_pixels(unlabelled, one_epoch, progress=False)
for (name, mine), theirs in zip(encoder.state_dict().items(), lib_one_epoch.encoder.state_dict().values(), strict=True):
    torch.testing.assert_close(mine, theirs, msg=f"{name} differs")
print("one epoch by hand = lib.lessons.lesson_1_5_pretraining.pretrain_masked_pixels, weight for weight")

# %% [markdown]
# Now the full pre-training: 100 passes over the 1,347 unlabelled training images. (On a GPU the
# forward pass runs in bf16, lesson 1.1.)

# %%
pretrained = pretrain_masked_pixels(unlabelled, config, device=device)
ax = figure(height=3)[1]
ax.plot(range(1, len(pretrained.losses) + 1), pretrained.losses)
ax.set_xlabel("epoch")
ax.set_ylabel("masked-pixel loss (MSE)")
ax.set_title("Pre-training on unlabelled digits")
print(f"loss on hidden pixels: {pretrained.losses[0]:.4f} after the first epoch, {pretrained.losses[-1]:.4f} after the last")

# %% [markdown]
# Is that low? A model that learned nothing about digits could still guess each hidden pixel by
# its average over the training images. We compare both on the held-out test images, with masks
# neither has seen.

# %%
encoder, decoder = pretrained.encoder.cpu(), pretrained.decoder.cpu()
test_mask = random_pixel_mask(len(test), config.mask_ratio, torch.Generator().manual_seed(123))
with torch.no_grad():
    reconstruction = decoder(encoder(test.flat, test_mask))
mean_pixel = train.flat.mean(dim=0).expand_as(test.flat)
model_loss = masked_pixel_loss(reconstruction, test.flat, test_mask).item()
baseline_loss = masked_pixel_loss(mean_pixel, test.flat, test_mask).item()
print(f"test loss on hidden pixels: encoder {model_loss:.4f}, average-pixel guess {baseline_loss:.4f} "
      f"({1 - model_loss / baseline_loss:.0%} lower)")
assert model_loss < 0.7 * baseline_loss

filled = torch.where(test_mask, reconstruction.clamp(0, 1), test.flat)
shown = slice(0, 10)
fig, _ = image_rows({
    "test image": test.images[shown, 0],
    "what the\nencoder sees": torch.where(test_mask, 0.5, test.flat)[shown].reshape(-1, 8, 8),
    "hidden pixels\nfilled in": filled[shown].reshape(-1, 8, 8),
})

# %% [markdown]
# With three pixels in four hidden (shown grey), the filled-in digits are blurred and some are
# wrong (look at the 0), but the encoder has clearly learned typical strokes, and its error is
# well below the average-pixel guess. It learned this from pixels alone: not one label was used.
#
# ## Save it, load it, and find it again
#
# Pre-trained weights are worth keeping. `lib.checkpoint.save_checkpoint` writes them atomically
# to the course's cache; `load_checkpoint` reads them back with `weights_only=True`, which cannot
# run code hidden in a file. The round trip must give back the very same numbers.

# %%
path = cache_dir() / CHECKPOINT_NAME
save_checkpoint(path, encoder_checkpoint(pretrained))
restored = pretrained_from_checkpoint(load_checkpoint(path))
for (name, saved), loaded in zip(encoder.state_dict().items(), restored.encoder.state_dict().values(), strict=True):
    assert torch.equal(saved, loaded), name
assert restored.config == config and restored.losses == pretrained.losses
print(f"saved and reloaded {sum(p.numel() for p in restored.encoder.parameters()):,} encoder parameters, bit for bit")

# %% [markdown]
# Later lessons call `load_or_pretrain_digits_encoder()`: it loads this file when its
# configuration matches, and otherwise pre-trains again, deterministically, and saves.

# %%
cached, source = load_or_pretrain_digits_encoder(config)
print("load_or_pretrain_digits_encoder found it in the", source)
assert source == "cache"
for a, b in zip(cached.encoder.state_dict().values(), encoder.state_dict().values(), strict=True):
    assert torch.equal(a, b)

# %% [markdown]
# ## Fine-tuning with a handful of labels
#
# Now the labels come back, but only a few. For a **label budget** of $k$ images per digit we draw
# $k$ labelled training images of each class, put a new **linear head** (线性分类头, 256 features
# to 10 digit scores, logits) on an encoder, and train with cross-entropy (lesson 1.6; a softmax turns
# the 10 logits into probabilities and the loss is $-\log$ of the right digit's): 100 full-batch
# steps of AdamW at learning rate $10^{-3}$. Four ways to start, all with the same images, the same
# head initialisation and the same recipe:
#
# | mode | encoder | what trains |
# | --- | --- | --- |
# | `scratch` | a new random encoder of the same shape | everything |
# | `full` | the pre-trained encoder | everything: **full fine-tuning** (全量微调) |
# | `probe` | the pre-trained encoder, frozen | only the head: **linear probing** (线性探测) |
# | `lora` | the pre-trained encoder, frozen, with LoRA adapters | adapters and head (below) |
#
# With one label per class the model sees ten images in all:

# %%
# NBVAL_CHECK_OUTPUT
few = sample_per_class(train.labels, k=1, seed=0)
print("labelled images:", len(few), "- their digits:", train.labels[few].tolist())

# %%
fig, _ = image_rows({"the only\nlabels": train.images[few, 0]})

# %% [markdown]
# A single run says little: which ten images were drawn matters a lot. So every label budget is
# run with several random draws (seeds), and we look at the mean and the spread: 5 budgets x 6
# seeds x 4 modes = 120 small models.

# %%
labels_per_class = (1, 2, 5, 10, 30)
seeds = tuple(range(6))  # on a GPU too: the floors asserted below were measured with these six
results = label_efficiency(encoder, train, test, labels_per_class, seeds,
                           modes=("scratch", "full", "probe", "lora"), rank=4, alpha=8.0, device=device)
print(f"{sum(a.numel() for a in results.accuracy.values())} models fine-tuned and tested")
print(summary_at(results, 1))

# %%
names = {"scratch": "from scratch", "full": "pre-trained, full fine-tuning",
         "probe": "pre-trained, linear probe", "lora": "pre-trained, LoRA (rank 4)"}
ax = plot_accuracy_vs_labels(labels_per_class, {names[m]: a for m, a in results.accuracy.items()},
                             title="Test accuracy with few labels (mean; band: lowest to highest seed)")
_ = ax.set_ylim(0.4, 1.0)

# %%
gaps = {k: paired_gap(results, "full", "scratch", k) for k in labels_per_class}
print("fine-tuned minus from-scratch test accuracy, per seed (same images, same head):")
for k, gap in gaps.items():
    print(f"{k:>3} labels per class: " + " ".join(f"{g:+.3f}" for g in gap.tolist())
          + f"   mean {gap.mean():+.1%}, wins {int((gap > 0).sum())} of {len(seeds)}")
at_30 = {m: results.mean(m)[-1].item() for m in results.accuracy}
print("30 labels per class:", ", ".join(f"{m} {a:.1%}" for m, a in at_30.items()))

assert gaps[1].mean() > 0.045 and int((gaps[1] > 0).sum()) == len(seeds)  # reached: +5.5 points, 6 of 6
assert gaps[2].mean() > 0.015  # reached: +2.5 points
for k in (5, 10, 30):  # from 5 labels per class on, no advantage either way
    assert abs(gaps[k].mean()) < 0.015, (k, gaps[k].mean())

# %% [markdown]
# Where does pre-training help here? With **one** label per digit the pre-trained encoder wins on
# every draw, by about 5 points on average (the spread is wide because ten images are a small
# sample). With **two** it still helps, by about 2 points on average, though not on every draw. From
# **five** labels per digit on it does **not** help: the mean gap is within a point of zero, and
# single draws go either way. So the headline "pre-training helps with few labels" holds in this
# lesson only for the smallest budgets, 1 and 2 labels per digit. The reason is the size of the
# experiment: the pre-training data is the same 1,347 images, and a small network trained from
# scratch on 50 labelled digits already learns most of what they hold. A large model is pre-trained
# on far more data than it is ever fine-tuned on, and that is where the head start pays off.
#
# ## Transfer learning: freeze the encoder, or train it too?
#
# The three pre-trained modes differ only in what they let the optimizer change. **Linear
# probing** trains only the head's 2,570 numbers, so with ten images it has little room to
# overfit, but it can never improve the features. **Full fine-tuning** can improve them, and with
# 30 labels per digit that wins clearly.

# %%
probe_gap = paired_gap(results, "probe", "scratch", 1)
full_over_probe = paired_gap(results, "full", "probe", 30)
print(f"linear probe minus from scratch at 1 label per class: mean {probe_gap.mean():.1%}")
print(f"full fine-tuning minus linear probe at 30 labels per class: mean {full_over_probe.mean():.1%}")
assert probe_gap.mean() > 0.06  # reached: +8.3 points
assert full_over_probe.mean() > 0.06  # reached: +7.8 points

# %% [markdown]
# ## Parameter-efficient fine-tuning with LoRA
#
# Fully fine-tuning a model with billions of parameters needs memory for a gradient and optimizer
# state per parameter (lesson 1.1: about 16 bytes each), and a full copy of the weights for every
# task. **Parameter-efficient fine-tuning** (参数高效微调) trains a small number of new parameters
# instead. The most used method is **LoRA** (low-rank adaptation, 低秩适配; Hu et al., 2021). A
# frozen weight matrix $W$ (out x in) gets a trainable update of rank $r$:
#
# $$W' = W + \frac{\alpha}{r} B A, \qquad A \in \mathbb{R}^{r \times \text{in}},\ B \in \mathbb{R}^{\text{out} \times r},$$
#
# so a layer trains $r(\text{in} + \text{out})$ numbers instead of $\text{in} \cdot \text{out}$.
# $A$ starts random and $B$ starts at **zero**, so $BA = 0$ and the adapted model starts exactly
# equal to the pre-trained one. `lib.models.lora.LoRALinear` implements it; `apply_lora` wraps
# every linear layer of the encoder. We build one before training and check that claim.

# %%
probe_model = make_classifier(encoder, "probe", seed=0)
lora_model = make_classifier(encoder, "lora", seed=0, rank=4, alpha=8.0)
print(lora_model.encoder.layers)
with torch.no_grad():
    assert torch.equal(lora_model(test.images), probe_model(test.images))  # B = 0: same outputs, bit for bit
first = lora_model.encoder.layers[0]
assert isinstance(first, LoRALinear) and torch.count_nonzero(first.lora_B) == 0
print("before training, the LoRA model computes exactly what the pre-trained one does")

# %% [markdown]
# How many parameters train? For the two linear layers of the encoder, $r(64 + 256)$ and
# $r(256 + 256)$, plus the head; full fine-tuning trains all of them.

# %%
# NBVAL_CHECK_OUTPUT
full_model = make_classifier(encoder, "full", seed=0)
head = 256 * 10 + 10
counts = {m: trainable_parameter_count(model) for m, model in
          (("full", full_model), ("lora", lora_model), ("probe", probe_model))}
assert counts["lora"] == lora_parameter_count(64, 256, 4) + lora_parameter_count(256, 256, 4) + head
assert counts["lora"] == 4 * (64 + 256) + 4 * (256 + 256) + head
assert counts["probe"] == head
for mode, n in counts.items():
    print(f"{mode:<6} trains {n:>6,} parameters ({n / counts['full']:.1%} of full fine-tuning)")

# %% [markdown]
# Now we fine-tune this LoRA model on 10 labels per digit and check what the formula promised:
# the frozen $W$ did not move, the layer computes $x (W + \frac{\alpha}{r} BA)^\top + b$, and the
# adapters can be **merged** into $W$ afterwards, so serving the model costs nothing extra.

# %%
ten = sample_per_class(train.labels, k=10, seed=0)
frozen_before = first.base.weight.detach().clone()
finetune(lora_model, train.images[ten], train.labels[ten], device=device)
lora_accuracy = accuracy_on(lora_model, test.images, test.labels, device)
lora_model.cpu()
assert torch.equal(first.base.weight, frozen_before) and torch.equal(first.base.weight, encoder.layers[0].weight)

x = test.flat[:16]
w_adapted = first.base.weight + (first.alpha / first.rank) * first.lora_B @ first.lora_A
torch.testing.assert_close(first(x), F.linear(x, w_adapted, first.base.bias))
print(f"rank of the learned update B @ A: {torch.linalg.matrix_rank(first.delta_weight().detach()).item()}")

with torch.no_grad():
    before_merge = lora_model(test.images)
merge_lora(lora_model)
with torch.no_grad():
    torch.testing.assert_close(lora_model(test.images), before_merge, rtol=1e-5, atol=1e-5)
print(f"LoRA, 10 labels per class, seed 0: test accuracy {lora_accuracy:.1%}; merged model gives the same outputs")
in_table = results.accuracy["lora"][labels_per_class.index(10), 0].item()
assert abs(lora_accuracy - in_table) <= 1 / len(test)  # the same run as in the experiment above

# %% [markdown]
# How did LoRA do in the experiment? With 30 labels per digit, where the frozen encoder falls
# clearly behind full fine-tuning:

# %%
print(summary_at(results, 30))
lora_30, probe_30, full_30 = (results.mean(m)[-1].item() for m in ("lora", "probe", "full"))
assert probe_30 + 0.02 < lora_30 < full_30
assert lora_30 - probe_30 > 0.5 * (full_30 - probe_30)  # "most of the gain"

# %% [markdown]
# LoRA lands between the two: it recovers most of what full fine-tuning gains over the frozen
# encoder while training 7% of the parameters. On a model with billions of parameters the saving
# is far larger, because $r(\text{in} + \text{out})$ grows with the width while
# $\text{in} \cdot \text{out}$ grows with its square.
#
# ## Knowledge distillation: a small student learns from the fine-tuned teacher
#
# A fine-tuned model can pass on what it knows without more labels. In **knowledge distillation**
# (知识蒸馏; Hinton, Vinyals & Dean 2015) a small *student* is trained to match a large *teacher*'s
# predictions on unlabelled data. Both distributions are softened by a **temperature** $\tau$
# (dividing the logits by $\tau > 1$ flattens the softmax), so the student also learns which wrong
# digits the teacher finds plausible:
#
# $$\mathcal{L} = \tau^2 \, \mathrm{KL}\big(\operatorname{softmax}(z_t/\tau) \,\|\, \operatorname{softmax}(z_s/\tau)\big),$$
#
# averaged over the batch, where $z_t$ and $z_s$ are the teacher's and the student's logits and
# $\mathrm{KL}(p \| q) = \sum_i p_i \log (p_i / q_i)$, the **Kullback–Leibler divergence** (KL 散度),
# is zero when the two distributions agree and positive otherwise ($\tau^2$ keeps the gradient size
# independent of $\tau$). Our teacher is the pre-trained encoder fully fine-tuned on 30 labels per
# digit; the student is an MLP 35 times smaller.
#
# A fair comparison needs three students, not two. The distilled student sees all 1,347 training
# images (through the teacher, without their labels); a student trained on the 300 labels alone sees
# 300. If the distilled one wins, is it the soft predictions or just the 1,047 extra inputs? The
# control trains a third student on the same 1,347 images with the teacher's **hard** labels (its
# top digit for each image) and ordinary cross-entropy. Each student is trained from 5 seeds.

# %%
teacher_idx = sample_per_class(train.labels, 30, seed=0)
teacher = make_classifier(cached.encoder, "full", seed=0)
finetune(teacher, train.images[teacher_idx], train.labels[teacher_idx], device=device)
teacher_accuracy = accuracy_on(teacher, test.images, test.labels, device=device)
teacher = teacher.cpu().eval()
with torch.no_grad():
    teacher_logits = teacher(train.flat)

# the loss by its formula equals lib.compress.distillation_loss and PyTorch's KL divergence
z_s, tau = torch.randn(8, 10, generator=generator), 2.0
by_formula = tau**2 * (F.softmax(teacher_logits[:8] / tau, 1) * (F.log_softmax(teacher_logits[:8] / tau, 1) - F.log_softmax(z_s / tau, 1))).sum(1).mean()
torch.testing.assert_close(by_formula, distillation_loss(z_s, teacher_logits[:8], tau))
torch.testing.assert_close(by_formula, tau**2 * F.kl_div(F.log_softmax(z_s / tau, 1), F.softmax(teacher_logits[:8] / tau, 1), reduction="batchmean"))

teacher_top = teacher_logits.argmax(dim=1)  # the teacher's hard labels for all 1,347 training images
recipes = {  # what each student trains on: (inputs, targets), loss
    "300 true labels": ((train.flat[teacher_idx], train.labels[teacher_idx]), F.cross_entropy),
    "teacher's hard labels, 1,347 images": ((train.flat, teacher_top), F.cross_entropy),
    "teacher's soft predictions, 1,347 images": ((train.flat, teacher_logits), partial(distillation_loss, temperature=tau)),
}


def train_student(recipe: str, seed: int) -> float:
    """A 64-32-10 MLP trained for 300 full-batch Adam steps of the course's engine; its test accuracy."""
    torch.manual_seed(seed)
    student = MLP((64, 32, 10))
    batch, loss_fn = recipes[recipe]
    train_loop(student, [batch], optimizer=torch.optim.Adam(student.parameters(), lr=1e-2), loss_fn=loss_fn,
               steps=300, progress=False)
    with torch.no_grad():
        return (student(test.flat).argmax(1) == test.labels).float().mean().item()


student_seeds = range(5)
students = {recipe: torch.tensor([train_student(recipe, seed) for seed in student_seeds]) for recipe in recipes}
n_student = sum(p.numel() for p in MLP((64, 32, 10)).parameters())
n_teacher = sum(p.numel() for p in teacher.parameters())
print(f"teacher ({n_teacher:,} parameters): {teacher_accuracy:.1%} test accuracy; "
      f"its hard labels agree with the true ones on {(teacher_top == train.labels).float().mean():.1%} of the training images")
print(f"students ({n_student:,} parameters), test accuracy for seeds {list(student_seeds)}:")
for recipe, acc in students.items():
    print(f"  {recipe:<42} " + " ".join(f"{a:.3f}" for a in acc.tolist()) + f"   mean {acc.mean():.1%}")
labels_acc, hard_acc, soft_acc = students.values()
more_inputs, soft_over_hard = hard_acc - labels_acc, soft_acc - hard_acc  # paired: same seed, same initial weights
print(f"more inputs (hard labels on 1,347 minus 300 true labels): mean {more_inputs.mean():+.1%}")
print(f"soft over hard targets (same 1,347 inputs): mean {soft_over_hard.mean():+.1%}, "
      f"lowest {soft_over_hard.min():+.1%}, highest {soft_over_hard.max():+.1%}")
assert (soft_over_hard > 0).all() and soft_over_hard.mean() > 0.006  # reached: +0.8 points, +0.4 at worst
assert more_inputs.mean() > 0.005  # reached: +0.7 points
assert soft_acc.min() > teacher_accuracy - 0.01  # the distilled students match the teacher

# %% [markdown]
# What the three students show, on 450 test images (one image is 0.2 points):
#
# - the distilled student matches its teacher with 35 times fewer parameters, and beats the student
#   trained on the 300 true labels by about 1.5 points;
# - about half of that comes from the **extra inputs** alone: the control, trained on the teacher's
#   hard labels for the same 1,347 images, already gains most of a point over the 300 true labels;
# - the **soft targets** add the rest, about 0.8 points over hard labels on the same inputs (0.4 to
#   1.1 points depending on the seed). That gain is small, 3 or 4 test images, but it held on every seed.
#
# So the earlier claim that soft predictions "carry more information than hard labels" survives the
# control here, but only just: most of what distillation bought in this experiment was unlabelled
# inputs that a fine-tuned teacher could label. Large-model builders use both effects to make small
# models from large ones: a teacher's outputs on plenty of inputs, soft or sampled.
#
# ## Try it: how many labels do you need?
#
# The widget calls `lib.pretraining.summary_at` on the results computed above (nothing is
# retrained): a table of every mode's accuracy at one label budget, with the mean drawn as a bar.
# At which budget does training from scratch catch up with the pre-trained encoder? Compare with
# the plot above.

# %%
def show_budget(labels_per_class: int = 1) -> None:
    print(summary_at(results, labels_per_class))


show_budget(2)
interactive_view(show_budget, labels_per_class=list(labels_per_class))

# %% [markdown]
# ## Summary
#
# - Pre-training (预训练) learns without human labels: the GPT papers called it unsupervised; today's
#   more precise term is **self-supervised** (自监督学习), because the data supplies its own targets
#   (the next word, a hidden word, hidden pixels).
# - An encoder pre-trained to fill in hidden pixels learned useful features from unlabelled
#   digits: fine-tuned with one label per digit it beat the same network trained from scratch on
#   every draw (by about 5 points), with two by about 2 points; from five labels per digit on it
#   gave no advantage in this small experiment.
# - Transfer learning (迁移学习) reuses those features: a frozen encoder with a new head (linear
#   probing) is safest with very few labels; full fine-tuning wins once there are more.
# - LoRA trains a low-rank update $\frac{\alpha}{r}BA$ next to each frozen weight. $B = 0$ at the
#   start, so the model starts exactly as pre-trained; here it trained 7% of the parameters, and the
#   update merges into $W$ for free inference.
# - Knowledge distillation (知识蒸馏) trains a small student on a teacher's softened predictions over
#   unlabelled data; here a student 35 times smaller matched its teacher. A control with the
#   teacher's hard labels on the same inputs showed that about half the gain came from the extra
#   inputs and half from the soft targets.
# - Pre-trained weights go to the cache with `save_checkpoint`; later lessons get them with
#   `load_or_pretrain_digits_encoder()`.
#
# ## Exercises
#
# **1.** A LoRA adapter of rank 8 on one 4096 x 4096 weight matrix of a 7B model: how many
# numbers does it train?

# %%
# BEGIN SOLUTION
answer_1 = 8 * (4096 + 4096)
# END SOLUTION
check("1.5.lora-params", answer_1)

# %% [markdown]
# A check that accepted anything would teach nothing: the size of the update $BA$ itself,
# $4096 \times 4096$, is not what trains.

# %%
whole_matrix = 4096 * 4096  # what full fine-tuning of this matrix trains
print(expect_wrong(check, "1.5.lora-params", whole_matrix))

# %% [markdown]
# **2.** Four pixels $x = (0, 0.5, 1, 0.25)$, a prediction $\hat{x} = (0.1, 0.5, 0.7, 0.25)$, and
# the second and third pixels hidden. What is the masked-pixel loss?

# %%
x_true = torch.tensor([[0.0, 0.5, 1.0, 0.25]])
x_pred = torch.tensor([[0.1, 0.5, 0.7, 0.25]])
hidden_pixels = torch.tensor([[False, True, True, False]])
# BEGIN SOLUTION
answer_2 = ((0.5 - 0.5) ** 2 + (0.7 - 1.0) ** 2) / 2
# END SOLUTION
check("1.5.masked-loss", answer_2)

# %% [markdown]
# **3.** In this lesson's classifier, what fraction of the parameters that full fine-tuning
# trains does LoRA of rank 8 (with $\alpha = 16$) train? Count from the layer sizes (64 -> 256,
# 256 -> 256, and the head 256 -> 10 with its bias), then compare with the models.

# %%
# BEGIN SOLUTION
lora_8 = 8 * (64 + 256) + 8 * (256 + 256) + (256 * 10 + 10)
full = 64 + (64 * 256 + 256) + (256 * 256 + 256) + 2 * 256 + (256 * 10 + 10)
answer_3 = lora_8 / full
# END SOLUTION
check("1.5.lora-fraction", answer_3)

# %% [markdown]
# **4. Predict, then run.** LoRA starts with $B = 0$ and $A$ random. Suppose we swap them: $A = 0$
# and $B$ random. Would the adapted layer still start *exactly* equal to the pre-trained one? Write
# `True` or `False` in `prediction_4` before running the cell, which builds such a layer and compares.
# (Then a harder question to think about: with $A = 0$, which of the two matrices gets a non-zero
# gradient at the first step?)

# %%
# BEGIN SOLUTION
prediction_4 = True
# END SOLUTION
swapped = LoRALinear(nn.Linear(64, 256), rank=4, alpha=8.0)
with torch.no_grad():
    swapped.lora_A.zero_()
    swapped.lora_B.normal_(generator=generator)
    print("swapped initialization gives exactly the base layer's outputs:",
          torch.equal(swapped(test.flat[:16]), swapped.base(test.flat[:16])))
check("1.5.lora-swapped-init", prediction_4)

# %% [markdown]
# ## References
#
# - Devlin, Chang, Lee, Toutanova, *BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding*, NAACL 2019, arXiv:1810.04805 (masked-token pre-training).
# - Radford, Narasimhan, Salimans, Sutskever, *Improving Language Understanding by Generative Pre-Training*, OpenAI, 2018 (GPT: next-token pre-training, then fine-tuning; its section 3.1 is titled "Unsupervised pre-training").
# - Radford, Wu, Child, Luan, Amodei, Sutskever, *Language Models are Unsupervised Multitask Learners*, OpenAI, 2019 (GPT-2).
# - Hinton, Vinyals, Dean, *Distilling the Knowledge in a Neural Network*, NIPS 2014 Deep Learning Workshop, arXiv:1503.02531.
# - He, Chen, Xie, Li, Dollár, Girshick, *Masked Autoencoders Are Scalable Vision Learners*, CVPR 2022, arXiv:2111.06377 (hiding 75% of an image and predicting it).
# - Vincent, Larochelle, Bengio, Manzagol, *Extracting and Composing Robust Features with Denoising Autoencoders*, ICML 2008.
# - Yosinski, Clune, Bengio, Lipson, *How transferable are features in deep neural networks?*, NeurIPS 2014, arXiv:1411.1792.
# - Houlsby et al., *Parameter-Efficient Transfer Learning for NLP*, ICML 2019, arXiv:1902.00751 (adapters).
# - Hu et al., *LoRA: Low-Rank Adaptation of Large Language Models*, ICLR 2022, arXiv:2106.09685.
# - The digits: Alpaydin and Kaynak, *Optical Recognition of Handwritten Digits*, UCI Machine Learning Repository, 1998; bundled with scikit-learn as `load_digits`.
