"""The exercises of lessons 1.6 to 1.9: expected values computed from lib and PyTorch, not the learner's code."""

from __future__ import annotations

from lib.course.exercises import ch01_support as s
from lib.course.exercises.base import Exercise
from lib.course.glossary import lookup
from lib.course.syllabus import SYLLABUS
from lib.data import market
from lib.lessons import lesson_1_7_gan as gan_lesson
from lib.lessons.lesson_1_6_loop import standardize
from lib.scale import serving

EXERCISES: tuple[Exercise, ...] = (
    # 1.6 The training loop
    Exercise(
        "1.6.forgotten-zero-grad",
        "distance moved in four SGD steps without zero_grad",
        "close",
        rel=1e-5,
        expected=s._forgetful_sgd_distance,
        reference=lambda: 0.1 * 3.0 * (1 + 2 + 3 + 4),
        wrong=lambda: 0.1 * 3.0 * 4,
        hint="write down what .grad holds after the first, second, third and fourth backward()",
    ),
    Exercise(
        "1.6.accumulated-grad",
        "w.grad after three backward passes",
        "tensor",
        expected=lambda: 3 * 2 * (s._w_x()[0] @ s._w_x()[1]) * s._w_x()[1],
        reference=lambda: s._accumulated(3),
        wrong=lambda: s._accumulated(1),
        hint="backward() adds to .grad; it does not overwrite it",
    ),
    Exercise(
        "1.6.standardized",
        "standardized validation samples",
        "tensor",
        expected=lambda: standardize(*s._train_val())[1],
        reference=lambda: (s._train_val()[1] - s._train_val()[0].mean(0)) / s._train_val()[0].std(0, correction=0),
        wrong=lambda: (s._train_val()[1] - s._train_val()[1].mean(0)) / s._train_val()[1].std(0, correction=0),
        hint="the statistics come from the training samples only; the validation samples just use them",
    ),
    Exercise(
        "1.6.accuracy-percent",
        "accuracy in percent",
        "close",
        expected=s._accuracy_by_sklearn,
        reference=lambda: 100 * 455 / 512,
        wrong=lambda: 100 * 455 / 8,
        hint="what does the article's total count, and what should it count?",
    ),
    # 1.7 GAN
    Exercise(
        "1.7.same-noise",
        "distinct samples from one repeated noise vector",
        "equal",
        expected=s._distinct_outputs_for_one_noise,
        reference=lambda: 1,
        wrong=lambda: 1000,
        hint="where does a generator's variety come from: its weights, or its input?",
    ),
    Exercise(
        "1.7.optimal-d",
        "D*(0)",
        "close",
        rel=1e-5,
        expected=s._optimal_d,
        reference=lambda: s._gaussian(0, 1.0, 0.5) / (s._gaussian(0, 1.0, 0.5) + s._gaussian(0, -0.5, 1.0)),
        wrong=lambda: s._gaussian(0, -0.5, 1.0) / (s._gaussian(0, 1.0, 0.5) + s._gaussian(0, -0.5, 1.0)),
        hint="D* is the chance that x came from the data rather than from the generator, given both densities at x",
    ),
    Exercise(
        "1.7.gradient-ratio",
        "gradient ratio",
        "close",
        rel=1e-4,
        expected=s._gradient_ratio,
        reference=lambda: (1 - 0.02) / 0.02,
        wrong=lambda: 0.02 / (1 - 0.02),
        hint="differentiate both generator losses with respect to the logit and write each in terms of D",
    ),
    Exercise(
        "1.7.modes-covered",
        "modes covered",
        "equal",
        expected=lambda: gan_lesson.mode_coverage(s._collapsed(), gan_lesson.ring_centers(8, 2.0), 0.2).covered(),
        reference=lambda: s._modes_by_hand(0.01),
        wrong=lambda: 8,
        hint="give each sample to its nearest centre, keep only the close ones, then count modes with enough samples",
    ),
    # 1.8 Market and applications
    Exercise(
        "1.8.flops-per-token-70b",
        "FLOPs per generated token, 70B",
        "close",
        expected=lambda: serving.inference_flops_per_token(70e9),
        reference=lambda: 2 * 70e9,
        wrong=lambda: 6 * 70e9,
        hint="generating a token needs only a forward pass",
    ),
    Exercise(
        "1.8.decode-bound",
        "tokens/s bound, 70B in bf16 on one H200",
        "close",
        rel=1e-9,
        expected=s._h200_bound,
        reference=lambda: 4.8e12 / (70e9 * 2),
        wrong=lambda: 4.8e12 / 70e9,
        hint="every decode step reads every weight from memory once: how many bytes is that?",
    ),
    Exercise(
        "1.8.breakeven",
        "break-even tokens, LLaMA-65B",
        "close",
        expected=lambda: serving.breakeven_tokens(1.4e12),
        reference=lambda: 3 * 1.4e12,
        wrong=lambda: 1.4e12,
        hint="compare the FLOPs of one served token with those of one training token",
    ),
    Exercise(
        "1.8.sensitivity",
        "sensitivity at threshold 0.2",
        "close",
        inputs=("probability", "truth"),
        example_inputs=s._classifier_outputs,
        expected=s._sensitivity,
        reference=lambda probability, truth: ((probability >= 0.2) & truth).sum().item() / truth.sum().item(),
        wrong=lambda probability, truth: ((probability >= 0.2) == truth).float().mean().item(),
        hint="among the samples that really are positive, which fraction does the threshold flag?",
    ),
    Exercise(
        "1.8.price-fold",
        "gpt-4 (Mar 2023) / gpt-4o-mini (Jul 2024) input price",
        "close",
        # typed from OpenAI's announcements ($0.03 per 1K prompt tokens; 15 cents per million input tokens),
        # independently of lib.data.market
        expected=lambda: (0.03 * 1000) / 0.15,
        reference=lambda: market.price("gpt-4").input_per_million / market.price("gpt-4o-mini").input_per_million,
        wrong=lambda: market.price("gpt-4").output_per_million / market.price("gpt-4o-mini").input_per_million,
        hint="compare like with like: both prices per million input (prompt) tokens",
    ),
    Exercise(
        "1.8.int8-bound-predict",
        "decode bound, int8 / bf16 weights, batch 1",
        "close",
        rel=1e-9,
        expected=lambda: s._h200_bound_for("int8") / s._h200_bound_for("bf16"),
        reference=lambda: 2.0,
        wrong=lambda: 0.5,
        hint="at batch 1 a decode step reads every weight once: how many bytes does each weight take now?",
    ),
    # 1.9 Glossary. Expected values come from elsewhere than the glossary the learner reads: the Chinese term
    # as the source article and Dive into Deep Learning (zh.d2l.ai) write it, the lesson number from the
    # syllabus's titles, and the behaviour of lookup itself.
    Exercise(
        "1.9.fine-tuning-chinese",
        "Chinese for fine-tuning",
        "equal",
        expected=lambda: "微调",  # the source article's word (its 1.4.1), and zh.d2l.ai's
        reference=lambda: lookup("fine-tuning")[0].chinese,
        wrong=lambda: lookup("pre-training")[0].chinese,
        hint="lookup returns matching terms; a term has an .english and a .chinese attribute",
    ),
    Exercise(
        "1.9.backprop-lesson",
        "lesson that teaches 反向传播",
        "equal",
        expected=lambda: next(title.split()[0] for _, title in SYLLABUS if title.endswith("(反向传播)")),
        reference=lambda: lookup("反向传播")[0].lesson_number,
        wrong=lambda: "1.2",
        hint="lookup accepts Chinese too; read the lesson number of the term it finds, as a string",
    ),
    Exercise(
        "1.9.definitions-predict",
        "does searching the definitions find more terms for 归一化?",
        "equal",
        expected=lambda: len(lookup("归一化", in_definitions=True)) > len(lookup("归一化")),
        reference=lambda: False,
        wrong=lambda: True,
        hint="in_definitions adds the terms whose definition contains the query: which language are the "
        "definitions written in?",
    ),
)
