"""The exercises of chapter 01 (concepts), lessons 1.1 to 1.5 here and 1.6 to 1.9 in ch01_late (the 400-line limit)."""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F

from lib.course.exercises import ch01_late
from lib.course.exercises import ch01_support as s
from lib.course.exercises.base import Exercise
from lib.lessons.lesson_1_5_pretraining import masked_pixel_loss
from lib.models.gpt import GPT2_MEDIUM, gpt_on_meta
from lib.models.lora import lora_parameter_count
from lib.models.mlp import MLP
from lib.scale import compute, parameters

EARLY: tuple[Exercise, ...] = (
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
)

EXERCISES: tuple[Exercise, ...] = EARLY + ch01_late.EXERCISES
