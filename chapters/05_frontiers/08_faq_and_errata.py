# %% [markdown]
# # 5.8 FAQ and errata (常见问题与勘误)
#
# **Time:** about 1 min on a laptop CPU · **Prerequisites:** lessons 2.2 (cross-entropy) and 2.5 (Adam); the rest of the course helps but is linked where needed · **You will learn:** the right answers to the source article's FAQ, every place the article is wrong gathered in one table with the lesson that corrects it, the errors that code can show run next to the right version, and how to check whether a cited paper exists.
#
# In this lesson you will:
#
# - read the article's FAQ (常见问题, its section 9) answered correctly, each answer linked to the lessons
#   that teach it, plus four questions readers ask about the article itself;
# - see every error of the article the course corrects, from `lib.data.errata`, with the lesson that
#   teaches the right version;
# - run the errors that code can show: its **Adam** (优化器) update against `torch.optim.Adam`, its
#   **cross-entropy** (交叉熵) against `F.cross_entropy`, its **text classifier** (文本分类), its
#   "exponential" **compute** (计算量) against $C \approx 6ND$, WaveNet as a "recognizer", and five short ones;
# - correct its **reference list** (参考文献) and learn how to check a citation yourself.

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

# %%
import torch
from IPython.display import Markdown, display

from lib.course.checks import expect_wrong
from lib.course.exercises import check
from lib.course.exercises.ch05_errata import GRADIENTS, LABELS, LOGITS
from lib.course.faq import FAQ, faq_markdown
from lib.course.lesson import lesson_setup
from lib.data.errata import ERRATA, errata, markdown_table
from lib.lessons import lesson_5_8_errata as demos
from lib.scratch.optimizers import ArticleAdam
from lib.viz.plots import PALETTE, figure

device, generator = lesson_setup(seed=0)  # seed, device, one CPU thread for tiny models, the course's plot style

# %% [markdown]
# ## The article's FAQ, answered
#
# The source article ends (its section 9) with a FAQ. It asks **five** questions (Q1–Q5 below, quoted
# as it writes them); its answers are partly right, but four of them carry its errors: A1 calls BERT a
# typical large model under a definition BERT does not meet, A2 lists GANs among the principles of large
# models, A4 installs Python 3.6, and A5 says compute grows "exponentially". The course adds four
# questions (C1–C4) that readers ask about the article itself. Each answer gives the key terms in
# English and Chinese, and links the lessons that teach it. The text is data, `lib.course.faq`, and a
# test checks that every link opens a lesson of the course.

# %%
display(Markdown(faq_markdown()))
print(f"{len(FAQ)} questions, {sum(q.number.startswith('Q') for q in FAQ)} of them the article's")

# %% [markdown]
# (Q3 and Q5 also point to chapter 05's lessons on cost, scaling laws, data quality, privacy,
# interpretability and scheduling; their links appear here once those lessons are in the syllabus.)
#
# ## Every place the article is wrong
#
# `lib.data.errata.ERRATA` holds every error of the article that the course corrects: what the
# article says and where, the correction, a source for it, and the lesson that teaches it. There are
# six kinds: **formulas** (section 4), **code** (sections 3.2 and 5.2), **facts**, **terms**, its
# **references** and its **tools**. Lessons 1.8 and 1.9 show the last two; here are the rest.

# %%
# NBVAL_CHECK_OUTPUT
for kind in ("formula", "code", "fact", "term", "reference", "tool"):
    print(f"{kind:9s} {len(errata(kind)):2d} errata, {sum(bool(e.demo) for e in errata(kind))} shown by running code")
print(f"total     {len(ERRATA)}")
assert sum(bool(e.demo) for e in ERRATA) == 12

# %%
rows = ["| section | the article says | correct | taught in |", "| --- | --- | --- | --- |"]
for e in ERRATA:
    if e.kind in ("formula", "code", "fact", "term"):
        link = f"[{e.lesson.split('/')[1].removesuffix('.ipynb')}](../{e.lesson})"
        rows.append(f"| {e.section} | {e.article_says} | {e.correction} | {link} |")
display(Markdown("\n".join(rows)))

# %% [markdown]
# Twelve of them can be shown by running code. We run each below, next to the right version.
#
# ## 1. Adam (its 4.1.3 and 4.2.5)
#
# The article writes $\theta \leftarrow \theta - \eta\, m_t / \big((1-\beta_1^t)(1-\beta_2^t)\big)$: it
# computes the second moment $v_t$ and never uses it, and has no $\varepsilon$. Adam (Kingma & Ba, 2015) is
#
# $$m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\quad v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2,\quad
# \theta \leftarrow \theta - \eta\,\frac{\hat m_t}{\sqrt{\hat v_t} + \varepsilon},\quad
# \hat m_t = \frac{m_t}{1-\beta_1^t},\ \hat v_t = \frac{v_t}{1-\beta_2^t}.$$
#
# At $t = 1$, $\hat m_1 = g_1$ and $\sqrt{\hat v_1} = |g_1|$, so Adam's first step is $\eta$ in every
# coordinate, whatever the gradient's size. The article's first step is
# $\eta (1-\beta_1) g_1 / \big((1-\beta_1)(1-\beta_2)\big) = \eta\, g_1 / (1-\beta_2) = 1000\,\eta\, g_1$.
# We run torch's Adam, lib's (`lib.scratch.optimizers.Adam`, written in lesson 2.5) and the article's
# (`ArticleAdam`) on $\mathcal{L}(\theta) = \tfrac12(\theta_1^2 + 100\,\theta_2^2)$ from $\theta = (1, 1)$,
# with the same $\eta = 0.01$.

# %%
adam = demos.adam_demo(steps=300, lr=0.01)
torch.testing.assert_close(torch.tensor(adam.lib_losses), torch.tensor(adam.torch_losses), rtol=1e-9, atol=1e-12)
assert abs(adam.first_step_torch - 0.01) < 1e-8  # η, as the formula says
assert abs(adam.first_step_article - 0.01 * 100 / (1 - 0.999)) < 1e-6  # η g / (1 - β₂) with g = 100
print(f"first step, largest coordinate: Adam {adam.first_step_torch:.4f}, the article's {adam.first_step_article:.0f}")
print(f"loss after {adam.steps} steps: torch.optim.Adam {adam.torch_losses[-1]:.1e}, lib's Adam {adam.lib_losses[-1]:.1e}, "
      f"the article's {adam.article_losses[-1]:.1e} (it started at {adam.article_losses[0]:.1f})")
assert adam.torch_losses[-1] < 1e-4 * adam.torch_losses[0]
assert adam.article_losses[-1] > 1e30 and max(adam.article_losses) > 1e50

fig, ax = figure()
ax.semilogy(adam.torch_losses, color=PALETTE[0], label="Adam (torch.optim.Adam = lib's)")
ax.semilogy(adam.article_losses, color=PALETTE[3], label="the article's formula")
ax.set_xlabel("step")
ax.set_ylabel("loss (log scale)")
ax.set_title("Same problem, same learning rate 0.01")
legend = ax.legend()

# %% [markdown]
# Adam converges; the article's formula pushes the loss from 50 to about $10^{58}$ in its first 30 steps and is
# still above $10^{40}$ after 300. Its denominator $(1-\beta_1^t)(1-\beta_2^t)$ only reaches 1 after a few
# thousand steps, and without $\sqrt{\hat v}$ nothing scales the step to the gradient. (Lesson 2.5 shows the
# other half: the article's step changes when the loss is multiplied by a constant; Adam's does not.)
# The article also says Adam "combines SGD and Momentum": it combines momentum ($m$) with RMSProp
# (dividing by $\sqrt{v}$), as the article's own section 5.3.2 says.
#
# ## 2. Cross-entropy (its 4.2.3)
#
# The article writes $\text{Loss} = -\frac1m \sum_i y_i \log y_i$ with $y$ the prediction: the prediction
# twice, and no label. Cross-entropy is $-\frac1m \sum_i \log p_i(y^*_i)$, minus the log-probability the
# model gives the true label $y^*$; for a binary label, $-[y^* \log y + (1-y^*)\log(1-y)]$. By formula and
# by `F.cross_entropy`, then the article's formula with the true labels, with every label changed, and
# on one confident wrong prediction:

# %%
ce = demos.cross_entropy_demo(seed=0)
assert abs(ce.by_formula - ce.by_torch) < 1e-12
print(f"cross-entropy: by formula {ce.by_formula:.6f}, F.cross_entropy {ce.by_torch:.6f}; "
      f"with every label changed {ce.right_shuffled_labels:.4f}")
print(f"the article's formula: true labels {ce.article_true_labels:.4f}, every label changed {ce.article_shuffled_labels:.4f}")
print(f"certain of class 0, truth class 1: cross-entropy {ce.confident_wrong_right:.1f}, the article's {ce.confident_wrong_article:.1e}")
assert ce.article_true_labels == ce.article_shuffled_labels and ce.right_shuffled_labels != ce.by_torch
assert ce.confident_wrong_article < 1e-12 < 39 < ce.confident_wrong_right

# %% [markdown]
# The article's formula is the **entropy** (熵) of the predictions: the labels cannot change it, and a
# model that is certain and wrong scores a perfect 0. Lesson 2.2 trains with it and watches a model
# learn nothing about the labels.
#
# ## 3. The text classifier (its 5.2)
#
# Lesson 3.1 runs the article's classifier and builds one that works. Both are in lib:
# `lib.models.text_classifier.ArticleTextClassifier` is the article's code as printed, and
# `EmbeddingPoolClassifier` is lesson 3.1's fix (embed, mean-pool over the real tokens, classify). One
# batch of 64 texts of 20 token ids through each:

# %%
clf = demos.article_classifier_demo(seed=0)
print("the article's model, num_layers=3:", clf.deep_error)
print("the article's model, num_layers=1: output", clf.shallow_shape, "- one score pair per token")
print("lesson 3.1's pooled classifier:    output", clf.pooled_shape, "- one per text")
print(f"parameters: {clf.n_parameters:,}, {clf.embedding_share:.0%} of them in the embedding table")
print(f"accuracy of 100 right out of 200 in batches of 64: the article's formula {clf.article_accuracy:.0f}%, "
      f"correct {clf.right_accuracy:.0f}%")
assert "cannot be multiplied" in clf.deep_error and clf.shallow_shape == (64, 20, 2) and clf.pooled_shape == (64, 2)
assert clf.n_parameters == 1_026_370 and clf.article_accuracy == 2500.0

# %% [markdown]
# `fc1` maps 100 numbers to 256 and is then applied to its own 256-wide output; with one layer the shapes
# fit, but nothing pools over the tokens. `torchvision.datasets.TextDataset`, its data set, does not
# exist. Its accuracy divides by the number of batches (4 here), and it measures on the training set.
# And the "large model with millions of parameters" has about one million, 97% in its embedding table:
# a small model by the article's own definition.
#
# ## 4. Compute does not grow exponentially with model size (its 8.2 and A5)
#
# Training compute is $C \approx 6ND$ FLOPs for $N$ parameters and $D$ tokens (lesson 1.4). At a fixed
# $D$ it is linear in $N$; along the compute-optimal line $D \approx 20N$ it is $C = 120N^2$. Both are
# power laws, straight lines on log-log axes with slopes 1 and 2. An exponential $C = a\,b^N$ would
# multiply compute by the *same* factor for every *added* ten billion parameters; $120N^2$ does not:

# %%
growth = demos.compute_growth_demo()
print(f"log-log slope: {growth.slope_fixed:.3f} at fixed D, {growth.slope_optimal:.3f} on D = 20N (R² {growth.r2_optimal:.6f})")
print("compute ratio for each added 10B parameters, 10B → 50B:", ", ".join(f"{r:.2f}" for r in growth.step_ratios))
assert abs(growth.slope_fixed - 1) < 1e-9 and abs(growth.slope_optimal - 2) < 1e-9 and growth.r2_optimal > 0.999999
assert all(abs(r - ((k + 1) / k) ** 2) < 1e-9 for k, r in enumerate(growth.step_ratios, start=1))

fig, ax = figure()
ax.loglog(growth.sizes, growth.optimal_flops, "o-", color=PALETTE[0], label="D = 20N: C = 120 N² (slope 2)")
ax.loglog(growth.sizes, growth.fixed_data_flops, "s-", color=PALETTE[1], label="D = 10¹² tokens: C ∝ N (slope 1)")
ax.set_xlabel("parameters N")
ax.set_ylabel("training compute C (FLOPs)")
ax.set_title("C ≈ 6ND: power laws, not exponentials")
legend = ax.legend()

# %% [markdown]
# The ratios fall (4, 2.25, 1.78, 1.56) instead of staying constant: not exponential. What *did* grow
# exponentially is compute over **time**, because budgets did (lesson 1.4 fits it).
#
# ## 5. WaveNet generates audio (its 6.3)
#
# The article lists WaveNet (van den Oord et al., 2016) under speech **recognition** (语音识别). WaveNet is
# a generative model of raw audio: it compresses each sample to one of 256 levels with μ-law companding,
# $f(x) = \operatorname{sign}(x)\,\ln(1+\mu|x|)/\ln(1+\mu)$ with $\mu = 255$, and a stack of causal dilated
# convolutions predicts a distribution over the *next* sample's level. Generating speech (语音合成) means
# sampling from it one sample at a time. A toy of that shape, on a synthetic 440 Hz tone:

# %%
wave = demos.wavenet_demo(seed=0)
print(f"input: {wave.input_shape} μ-law sample ids; output: {wave.output_shape} = 256 logits for every sample")
print(f"receptive field {wave.receptive_field} samples; gradient of output t on inputs after t: {wave.future_gradient}, "
      f"on inputs up to t: {wave.past_gradient:.1f}")
print(f"μ-law round trip, largest error on the tone: {wave.round_trip_error:.4f}")
assert wave.output_shape == (1, 256, wave.input_shape[1]) and wave.future_gradient == 0.0 < wave.past_gradient
assert wave.round_trip_error < 0.02

# %% [markdown]
# Audio in, a distribution over the next audio sample out, 16,000 times a second: a model *of* speech,
# conditioned on text when it speaks. A recognizer goes the other way, from audio to text (Whisper, lesson
# 1.8), and emits a few tokens a second.
#
# ## 6. Five short ones, measured
#
# - **GD, SGD and BGD** (its 4.1.3) share one formula; they differ in which samples the gradient averages
#   over. The gradient over one sample and over a mini-batch of 8 both differ from the full gradient;
#   the mean of the per-sample gradients *is* the full gradient.
# - **Backpropagation** (反向传播) computes gradients; it does not update (its 1.4.2 and 3.1): after
#   `loss.backward()` the parameters are unchanged, after `optimizer.step()` they move.
# - **Zeroing gradients** (its 3.2): without `zero_grad()` a second backward pass adds to the first.
# - **ReLU** (its 4.1.1, 4.2.2) has no parameters, and as an output layer it gives 0, with zero gradient,
#   for every negative logit; the article's 3-layer network on its 100-sample, 10-feature example, at
#   initialization:
# - **The output-layer gradient** (its 4.2.4): with a sigmoid and binary cross-entropy it is $(y - y^*)/m$
#   with respect to the logit, no extra factor; autograd agrees.

# %%
small = demos.small_checks_demo(seed=0)
print(f"|∇ full − ∇ one sample| = {small.full_vs_one:.2f}, |∇ full − ∇ mini-batch of 8| = {small.full_vs_batch:.2f}, "
      f"|mean of per-sample ∇ − ∇ full| = {small.mean_of_per_sample:.1e}")
print(f"parameters changed by backward(): {small.params_changed_by_backward}; by step(): {small.params_changed_by_step}")
print(f"two backward passes without zero_grad: |grad − (g1 + g2)| = {small.accumulated_error:.1e}")
print(f"nn.ReLU() parameters: {small.relu_parameters}; ReLU output layer at initialization: "
      f"{small.relu_output_zero_gradient:.0%} of samples with zero gradient")
print(f"|autograd ∂ℒ/∂z − (σ(z) − y*)/m| = {small.logit_gradient_error:.1e}")
assert small.full_vs_one > 1 and small.full_vs_batch > 1 and small.mean_of_per_sample < 1e-12
assert not small.params_changed_by_backward and small.params_changed_by_step and small.accumulated_error < 1e-12
assert small.relu_parameters == 0 and small.relu_output_zero_gradient > 0.5 and small.logit_gradient_error < 1e-15

# %% [markdown]
# ## The article's reference list, corrected
#
# The article's sections 7.3 and 10.1 recommend nine different papers. Only one, BERT, is cited
# correctly. Four are garbled (a wrong title, a first name taken for a surname, a book called a review)
# and four cannot be found at all. Lesson 1.9 corrected six; the two of its section 7.3.3 cannot be
# found either, and each has a real paper on its subject:

# %%
display(Markdown(markdown_table(errata("reference"))))
assert len(errata("reference")) == 8

# %% [markdown]
# ### How to check a citation
#
# A citation is checkable when it names authors, a title, a venue and a year, and ideally an identifier.
# Five checks, cheapest first:
#
# 1. **An identifier.** An arXiv id (`arXiv:1512.03385`) opens `https://arxiv.org/abs/1512.03385`; a DOI
#    (数字对象标识符, `10.1038/nature14539`) opens `https://doi.org/10.1038/nature14539`. The page must show
#    the same title and authors; a different paper, or none, is a red flag.
# 2. **The venue's proceedings.** A conference paper is in its proceedings (会议论文集): NeurIPS at
#    `proceedings.neurips.cc`, ACL, NAACL and EMNLP in the ACL Anthology, CVPR at the CVF open-access
#    site, OSDI at usenix.org. Check the year too: BERT is NAACL 2019, arXiv 2018.
# 3. **A scholarly search engine.** Search the exact title in quotes on Google Scholar, Semantic Scholar
#    or dblp. A real paper appears with its authors and venue, usually with many citing papers. "Large-scale
#    Language Modeling (Hinton et al., 2018)" appears nowhere: a title that does not exist.
# 4. **Authors.** Match the surname, not the given name: "Yarin et al." is Yarin **Gal**. Check that the
#    named author works in the field: a Hinton paper would be in his publication list.
# 5. **The kind of work.** Goodfellow, Bengio & Courville's *Deep Learning* is a **book** (MIT Press,
#    2016); the 2015 **review** titled "Deep learning" is LeCun, Bengio & Hinton in *Nature*. A book
#    confused with a review, or a model's name put into a title ("GPT-3: Language Models are few-shot
#    learners"), means the citation was written from memory.
#
# Text generated by a language model is prone to exactly these errors: plausible titles, real authors
# on papers they did not write. Every reference of this course was checked this way.
#
# ## Summary
#
# - The article's FAQ, answered: a large model is a pre-trained Transformer with billions of parameters
#   ("large" is relative: BERT-large has 340 million); it is trained by next-token prediction with
#   cross-entropy, backpropagation and AdamW, not by GANs; compute grows as a power of size; the
#   challenges are compute, data quality, interpretability, privacy and scheduling (chapter 05).
# - `lib.data.errata` gathers every error the course corrects, each with its lesson.
# - Run side by side: the article's Adam (no $\sqrt{\hat v}$, a first step $1000\eta g$) blows the loss up
#   to ~$10^{58}$ where `torch.optim.Adam` converges; its cross-entropy ignores the labels and gives 0 to a
#   confident wrong answer; its classifier fails on shapes and has no pooling; $C = 120N^2$ on $D = 20N$
#   is a power law; WaveNet outputs audio, not text.
# - Check a citation by its identifier, the venue's proceedings, a scholarly search and its authors.
#
# ## Exercises
#
# **1. Predict, then run.** On the quadratic above, with $\eta = 0.01$ and 300 steps, does the article's
# Adam end with a *lower* loss than it started? Answer `True` or `False` in `answer_1` before you look at
# the plot again, then run the cell, which runs it.

# %%
# BEGIN SOLUTION
answer_1 = False
# END SOLUTION
run_1 = demos.adam_demo(steps=300, lr=0.01)
print(f"the article's Adam: loss {run_1.article_losses[0]:.1f} at the start, {run_1.article_losses[-1]:.1e} at the end")
check("5.8.adam-converges", answer_1)

# %% [markdown]
# **2. Code.** Starting from $\theta = 0$ (three coordinates), apply two Adam steps with $\eta = 0.1$, the
# default $\beta_1 = 0.9$, $\beta_2 = 0.999$, $\varepsilon = 10^{-8}$, and the two gradients in `GRADIENTS`
# (one per step). Write the update yourself (no `torch.optim`); the check compares with `torch.optim.Adam`.

# %%
print("gradients:", [g.tolist() for g in GRADIENTS])
# BEGIN SOLUTION
theta, m, v = torch.zeros(3, dtype=torch.float64), torch.zeros(3, dtype=torch.float64), torch.zeros(3, dtype=torch.float64)
for t, g in enumerate(GRADIENTS, start=1):
    m = 0.9 * m + 0.1 * g
    v = 0.999 * v + 0.001 * g**2
    theta = theta - 0.1 * (m / (1 - 0.9**t)) / ((v / (1 - 0.999**t)).sqrt() + 1e-8)
answer_2 = theta
# END SOLUTION
check("5.8.adam-two-steps", answer_2)

# %% [markdown]
# The article's formula (lib's `ArticleAdam`) gives a different $\theta$, and the check rejects it:

# %%
article_theta = torch.zeros(3, dtype=torch.float64, requires_grad=True)
article_adam = ArticleAdam([article_theta], lr=0.1)  # lib.scratch.optimizers: the article's formula, kept to show it
for gradient in GRADIENTS:
    article_theta.grad = gradient.clone()
    article_adam.step()
print(expect_wrong(check, "5.8.adam-two-steps", article_theta.detach()))

# %% [markdown]
# **3. Code.** Compute the mean cross-entropy of the scores `LOGITS` (4 samples, 3 classes) against
# `LABELS`, from the formula, without `F.cross_entropy`.

# %%
print("logits:", LOGITS.tolist(), "labels:", LABELS.tolist())
# BEGIN SOLUTION
answer_3 = -LOGITS.log_softmax(dim=1)[torch.arange(4), LABELS].mean().item()
# END SOLUTION
check("5.8.cross-entropy", answer_3)

# %% [markdown]
# **4.** How many times more training compute does a 70-billion-parameter model need than a 7-billion one,
# if each is trained on 20 tokens per parameter? (Is that ratio what an "exponential" would give?)

# %%
# BEGIN SOLUTION
answer_4 = (70 / 7) ** 2
# END SOLUTION
check("5.8.compute-ratio", answer_4)

# %% [markdown]
# **5. Explain.** Pick a reference from any lesson of this course and check it with the five steps
# above. Which step would have caught "Generative Adversarial Networks for Text: A Survey (Yu et al.,
# 2021)"?
#
# ## References
#
# - The source article, sections 4 (formulas), 5.2 (code), 7.3 and 10 (references), 8 and 9 (trends, FAQ).
# - Kingma & Ba, *Adam: A Method for Stochastic Optimization*, ICLR 2015, arXiv:1412.6980.
# - Goodfellow, Bengio & Courville, *Deep Learning*, MIT Press, 2016 (chapters 6 and 8 on output units,
#   cross-entropy and minibatch gradients), https://www.deeplearningbook.org/
# - LeCun, Bengio & Hinton, *Deep learning*, Nature 521, 436–444, 2015, doi:10.1038/nature14539.
# - Kaplan et al., *Scaling Laws for Neural Language Models*, 2020, arXiv:2001.08361 ($C \approx 6ND$).
# - Hoffmann et al., *Training Compute-Optimal Large Language Models*, 2022, arXiv:2203.15556 ($D \approx 20N$).
# - van den Oord et al., *WaveNet: A Generative Model for Raw Audio*, 2016, arXiv:1609.03499.
# - Devlin et al., *BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding*,
#   NAACL 2019, arXiv:1810.04805.
# - Rosset, *Turing-NLG: A 17-billion-parameter language model by Microsoft*, Microsoft Research Blog, 2020-02-10.
# - Chilimbi, Suzue, Apacible & Kalyanaraman, *Project Adam: Building an Efficient and Scalable Deep
#   Learning Training System*, OSDI 2014.
# - Lee, Le, Chen & Lee, *Do Language Models Plagiarize?*, ACM Web Conference (WWW) 2023, arXiv:2203.07618.
# - de Rosa & Papa, *A survey on text generation using generative adversarial networks*, Pattern
#   Recognition 119, 108098, 2021, doi:10.1016/j.patcog.2021.108098.
