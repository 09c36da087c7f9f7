"""The exercises of chapter 01 (concepts): expected values computed from lib, PyTorch and published figures."""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F

from lib.course.exercises import ch01_support as s
from lib.course.exercises.base import Exercise
from lib.course.glossary import lookup
from lib.course.syllabus import SYLLABUS
from lib.data import market
from lib.lessons import lesson_1_7_gan as gan_lesson
from lib.lessons.lesson_1_5_pretraining import masked_pixel_loss
from lib.lessons.lesson_1_6_loop import standardize
from lib.models.gpt import GPT2_MEDIUM, gpt_on_meta
from lib.models.lora import lora_parameter_count
from lib.models.mlp import MLP
from lib.scale import compute, parameters, serving

EXERCISES: tuple[Exercise, ...] = (
    # 1.1 What is a large model?
    Exercise(
        "1.1.gpt2-medium-params",
        "GPT-2 medium parameters",
        "equal",
        expected=lambda: gpt_on_meta(GPT2_MEDIUM).num_parameters(),
        reference=lambda: 12 * 24 * 1024**2 + 13 * 24 * 1024 + (50257 + 1024) * 1024 + 2 * 1024,
        wrong=lambda: 12 * 24 * 1024**2 + 13 * 24 * 1024 + (2 * 50257 + 1024) * 1024 + 2 * 1024,
        hint="the blocks, both embedding tables and the final LayerNorm; the output layer reuses the token embedding",
    ),
    Exercise(
        "1.1.bf16-weights-gb",
        "7B weights in bf16, GB",
        "close",
        expected=lambda: parameters.weight_memory_bytes(7_000_000_000, "bf16") / 1e9,
        reference=lambda: 7e9 * 2 / 1e9,
        wrong=lambda: 7e9 * 4 / 1e9,
        hint="how many bits, then bytes, does one bf16 number take?",
    ),
    Exercise(
        "1.1.blocks-growth",
        "growth when doubling d",
        "close",
        rel=1e-9,
        expected=lambda: s._gpt_blocks(12, 1536) / s._gpt_blocks(12, 768),
        reference=lambda: (12 * 12 * 1536**2 + 13 * 12 * 1536) / (12 * 12 * 768**2 + 13 * 12 * 768),
        wrong=lambda: 4.0,
        hint="compute the block count at both widths and divide; the smaller term keeps the ratio off a round number",
    ),
    Exercise(
        "1.1.sgd-momentum-bytes",
        "fp32 + SGD with momentum, bytes per parameter",
        "close",
        rel=1e-9,
        expected=s._fp32_momentum_bytes_per_parameter,
        reference=lambda: 4 + 4 + 4,
        wrong=lambda: 4 + 4 + 8,
        hint="list what is kept per parameter: the weight, its gradient, and how many running averages, each in fp32",
    ),
    # 1.2 Neural network basics
    Exercise(
        "1.2.no-relu-spirals",
        "does MLP 2-32-32-1 without ReLUs beat 0.75 on the spirals?",
        "equal",
        expected=s._no_relu_beats,
        reference=lambda: False,
        wrong=lambda: True,
        hint="write two linear layers in a row as one expression: what kind of boundary can the result draw?",
    ),
    Exercise(
        "1.2.neuron-output",
        "neuron output",
        "close",
        rel=1e-5,
        expected=lambda: torch.sigmoid(
            F.linear(torch.tensor([2.0, 1.0]), torch.tensor([[0.5, -1.5]]), torch.tensor([2.0]))
        ).item(),
        reference=lambda: 1 / (1 + math.exp(-(0.5 * 2 + (-1.5) * 1 + 2))),
        wrong=lambda: 1 / (1 + math.exp(-(0.5 * 2 + (-1.5) * 1))),
        hint="first the weighted sum of the inputs plus the bias, then the activation",
    ),
    Exercise(
        "1.2.mlp-params",
        "parameters of MLP((2, 64, 64, 64, 1))",
        "equal",
        expected=lambda: s._count_on_meta(lambda: MLP((2, 64, 64, 64, 1))),
        reference=lambda: (2 + 1) * 64 + (64 + 1) * 64 + (64 + 1) * 64 + (64 + 1) * 1,
        wrong=lambda: 2 * 64 + 64 * 64 + 64 * 64 + 64 * 1,
        hint="a neuron has one weight per input it sees, and don't forget what else each neuron has",
    ),
    Exercise(
        "1.2.merged-layer",
        "merged layer's outputs",
        "tensor",
        atol=1e-5,
        inputs=("first", "second", "X"),
        example_inputs=s._merged_inputs,
        expected=lambda first, second, X: second(first(X)).detach(),
        reference=s._merged,
        wrong=lambda first, second, X: s._merged(first, second, X, bias_of_first=False),
        hint="write second(first(x)) out as one expression; what multiplies x is W, everything else is b",
    ),
    # 1.3 Architectures
    Exercise(
        "1.3.conv-params",
        "Conv2d(3, 64, 7) parameters",
        "equal",
        expected=lambda: s._count_on_meta(lambda: nn.Conv2d(3, 64, kernel_size=7)),
        reference=lambda: (7 * 7 * 3 + 1) * 64,
        wrong=lambda: (7 * 7 + 1) * 64,
        hint="a kernel spans every input channel, and each output channel has its own bias",
    ),
    Exercise(
        "1.3.lstm-params",
        "LSTM(128, 256) parameters",
        "equal",
        expected=lambda: s._count_on_meta(lambda: nn.LSTM(128, 256)),
        reference=lambda: 4 * (256 * (128 + 256) + 2 * 256),
        wrong=lambda: 256 * (128 + 256) + 2 * 256,
        hint="an LSTM has several gates, each with its own input and hidden weights; PyTorch gives each two biases",
    ),
    Exercise(
        "1.3.causal-weights",
        "causal attention weights",
        "tensor",
        expected=lambda: F.scaled_dot_product_attention(*s._queries_keys(), torch.eye(5), is_causal=True),
        reference=lambda: s._attention_weights(causal=True),
        wrong=lambda: s._attention_weights(causal=False),
        hint="scale the scores, hide from each position what comes after it, then normalize each row",
    ),
    Exercise(
        "1.3.score-std-slip",
        "std of q.k / d_k for d_k = 256",
        "close",
        rel=0.05,
        expected=lambda: s._slipped_score_std(256),
        reference=lambda: math.sqrt(256) / 256,
        wrong=lambda: 1.0,
        hint="first the spread of q.k itself (a sum of d_k products of variance 1), then divide it by d_k",
    ),
    # 1.4 History and scale
    Exercise(
        "1.4.llama-65b-flops",
        "LLaMA-65B training FLOPs",
        "close",
        expected=lambda: compute.training_flops(65e9, 1.4e12),
        reference=lambda: 6 * 65e9 * 1.4e12,
        wrong=lambda: 2 * 65e9 * 1.4e12,
        hint="count the backward pass as well as the forward one",
    ),
    Exercise(
        "1.4.chinchilla-params",
        "compute-optimal parameters for 1e24 FLOPs",
        "close",
        expected=lambda: compute.compute_optimal(1e24)[0],
        reference=lambda: math.sqrt(1e24 / (6 * 20)),
        wrong=lambda: math.sqrt(1e24 / 6),
        hint="write D in terms of N, put it into the compute formula, and solve for N",
    ),
    Exercise(
        "1.4.gpt3-kv-bytes",
        "GPT-3 KV cache bytes",
        "close",
        expected=lambda: compute.kv_cache_bytes(96, 12288, n_tokens=2048),
        reference=lambda: 2 * 96 * 12288 * 2 * 2048,
        wrong=lambda: 96 * 12288 * 2 * 2048,
        hint="what does one token leave behind in one layer's cache, and how many bytes is one bf16 number?",
    ),
    Exercise(
        "1.4.flops-t32",
        "FLOPs of a step with T = 32",
        "close",
        expected=lambda: s._step_flops(32),
        reference=lambda: s._small_gpt_step(32),
        wrong=lambda: s._small_gpt_step(64),
        hint="only attention's cost depends on the sequence length: fewer keys per query",
    ),
    Exercise(
        "1.4.optimal-compute-growth",
        "compute factor, compute-optimal 7B -> 70B",
        "close",
        rel=1e-9,
        expected=lambda: (
            compute.training_flops(70e9, compute.CHINCHILLA_TOKENS_PER_PARAMETER * 70e9)
            / compute.training_flops(7e9, compute.CHINCHILLA_TOKENS_PER_PARAMETER * 7e9)
        ),
        reference=lambda: (70 / 7) ** 2,
        wrong=lambda: 70 / 7,
        hint="both the parameters and the tokens grow by the same factor; compute is their product",
    ),
    # 1.5 Pre-training and fine-tuning
    Exercise(
        "1.5.lora-params",
        "LoRA parameters, r = 8, 4096 x 4096",
        "equal",
        expected=lambda: lora_parameter_count(4096, 4096, 8),
        reference=lambda: 8 * (4096 + 4096),
        wrong=lambda: 4096 * 4096,
        hint="LoRA trains two thin matrices whose product has the weight's shape, not the weight itself",
    ),
    Exercise(
        "1.5.lora-swapped-init",
        "LoRA with A = 0 and B random starts exactly at the base layer?",
        "equal",
        expected=s._lora_swapped_init_is_exact,
        reference=lambda: True,
        wrong=lambda: False,
        hint="what is the product BA when one of its two factors is a zero matrix?",
    ),
    Exercise(
        "1.5.masked-loss",
        "masked-pixel loss",
        "close",
        expected=lambda: masked_pixel_loss(*s._pixels()).item(),
        reference=lambda: ((0.5 - 0.5) ** 2 + (0.7 - 1.0) ** 2) / 2,
        wrong=lambda: ((0.1 - 0.0) ** 2 + (0.7 - 1.0) ** 2) / 4,
        hint="only the hidden pixels count, in the sum and in the average",
    ),
    Exercise(
        "1.5.lora-fraction",
        "LoRA rank 8 fraction",
        "close",
        rel=1e-9,
        expected=lambda: s._lora_fraction(8),
        reference=lambda: (
            (8 * (64 + 256) + 8 * (256 + 256) + (256 * 10 + 10))
            / (64 + (64 * 256 + 256) + (256 * 256 + 256) + 2 * 256 + (256 * 10 + 10))
        ),
        wrong=lambda: (8 * (64 + 256) + 8 * (256 + 256)) / (64 * 256 + 256 * 256 + 256 * 10),
        hint="LoRA also trains the new head; full fine-tuning trains every parameter, not only the linear layers",
    ),
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
