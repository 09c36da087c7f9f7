"""The exercises of chapter 03 (training): expected values computed from lib and PyTorch, not the learner's code."""

from __future__ import annotations

import math
from typing import Any

import torch

from lib.core.seeding import seeded
from lib.course.exercises.base import Exercise
from lib.data.bpe import BPETokenizer, merge_pair, to_bytes
from lib.data.pydoc_corpus import load_python_docs
from lib.models.gpt import LLAMA3_8B, gpt_on_meta
from lib.models.positional import sinusoidal_table
from lib.models.text_classifier import EmbeddingPoolClassifier
from lib.scale.compute import kv_cache_bytes
from lib.scale.memory import model_state_bytes
from lib.scratch.metrics import confusion_matrix
from lib.train.schedules import WarmupCosine

_TRUTH = torch.tensor([0, 0, 1, 1, 1, 2, 2, 2, 2])
_GUESS = torch.tensor([0, 1, 1, 1, 0, 2, 2, 1, 2])
_THE_THEME = list(b"the theme thereof")
_CHINESE = "模型模型"


def _padding_changes_unmasked_scores() -> bool:
    """Build a pooling model that averages over every position (no mask) and see if padding moves its output."""
    with seeded(0):
        model = EmbeddingPoolClassifier(50, 3, d_embed=8, hidden=4).eval()
    model.pad_id = -1  # no id is -1: padding counts as a real token
    short = torch.tensor([[5, 6, 7]])
    padded = torch.tensor([[5, 6, 7, 0, 0, 0]])
    return not torch.allclose(model(short), model(padded))


def _by_hand_confusion(truth: torch.Tensor, guess: torch.Tensor, n: int) -> torch.Tensor:
    out = torch.zeros(n, n, dtype=torch.long)
    for t, g in zip(truth.tolist(), guess.tolist(), strict=True):
        out[t, g] += 1
    return out


def _labels_inputs() -> dict[str, Any]:
    return {"labels": torch.tensor([0, 1, 1, 2, 1, 0, 1])}


def _majority_fraction(labels: torch.Tensor) -> float:
    return torch.bincount(labels).max().item() / len(labels)


def _tokenizer_inputs() -> dict[str, Any]:
    return {"tokenizer": BPETokenizer.train("the theme of the thesis " * 20, 300)}


def _merges_inputs() -> dict[str, Any]:
    big = BPETokenizer.train("the theme of the thesis, then the other theory " * 30, 600)
    return {"merges": big.merges, "text": "the theme thereof, then the thesis"}


def _bytes_per_token(merges: list, text: str, n_merges: int) -> float:
    return len(to_bytes(text)) / len(BPETokenizer(merges[:n_merges]).encode(text))


def _smallest_fp16_scale(gradient: float) -> float:
    """The smallest power of two that, times ``gradient``, leaves a nonzero fp16 number."""
    scale = 1.0
    while torch.tensor(gradient * scale).half().item() == 0.0:
        scale *= 2.0
    return scale


def _merge_by_hand(ids: list[int], pair: tuple[int, int], new_id: int, skip: bool = True) -> list[int]:
    out, i = [], 0
    while i < len(ids):
        if i + 1 < len(ids) and (ids[i], ids[i + 1]) == pair:
            out.append(new_id)
            i += 2 if skip else 1
        else:
            out.append(ids[i])
            i += 1
    return out


def _pretrain_tokenizer_inputs() -> dict[str, Any]:
    return {"tokenizer": BPETokenizer.train(load_python_docs("train")[:20000], 300)}


def _uniform_bpc(tokenizer: Any) -> float:
    text = load_python_docs("validation")
    ids = tokenizer.encode(text)
    characters = len(text) - len(tokenizer.decode(ids[:1]))
    return math.log2(tokenizer.vocab_size) * (len(ids) - 1) / characters


def _multiplier(s: int, shift: int = 1) -> float:
    if s < 100:
        return (s + shift) / 100
    return 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * (s - 100) / 900))


def _clip_factors() -> torch.Tensor:
    grads = [torch.full((4,), 4.0), torch.full((4,), 0.75)]  # norms 8 and 1.5
    factors = []
    for g in grads:
        p = torch.nn.Parameter(torch.zeros(4))
        p.grad = g.clone()
        torch.nn.utils.clip_grad_norm_([p], 2.0)
        factors.append((p.grad[0] / g[0]).item())
    return torch.tensor(factors)


EXERCISES: tuple[Exercise, ...] = (
    # 3.1 A text classifier, done right
    Exercise(
        "3.1.unmasked-padding",
        "does unmasked padding change the scores?",
        "equal",
        expected=_padding_changes_unmasked_scores,
        reference=lambda: True,
        wrong=lambda: False,
        hint="the <pad> id has an embedding like any other token; what happens to an average when you add copies?",
    ),
    Exercise(
        "3.1.confusion-matrix",
        "confusion matrix",
        "tensor",
        expected=lambda: confusion_matrix(_GUESS, _TRUTH, 3),
        reference=lambda: _by_hand_confusion(_TRUTH, _GUESS, 3),
        wrong=lambda: _by_hand_confusion(_TRUTH, _GUESS, 3).T,
        hint="row = true class, column = predicted class; each pair adds one to one cell",
    ),
    Exercise(
        "3.1.test-majority",
        "majority accuracy with the test set's majority",
        "close",
        inputs=("labels",),
        example_inputs=_labels_inputs,
        expected=lambda labels: max(labels.tolist().count(c) for c in set(labels.tolist())) / len(labels),
        reference=_majority_fraction,
        wrong=lambda labels: torch.bincount(labels).max().item() / (len(labels) + 1),
        hint="count each class in the test labels and take the largest count, as a fraction of all test labels",
    ),
    # 3.2 Tokenization
    Exercise(
        "3.2.chinese-tokens",
        "tokens for '模型模型'",
        "equal",
        inputs=("tokenizer",),
        example_inputs=_tokenizer_inputs,
        expected=lambda tokenizer: len(tokenizer.encode(_CHINESE)),
        reference=lambda tokenizer: len(_CHINESE.encode("utf-8")),
        wrong=lambda tokenizer: len(_CHINESE),
        hint="how many UTF-8 bytes does one Chinese character take, and did any merge learn those bytes?",
    ),
    Exercise(
        "3.2.merge-he",
        "ids after merging (104, 101)",
        "equal",
        expected=lambda: merge_pair(_THE_THEME, (104, 101), 256),
        reference=lambda: _merge_by_hand(_THE_THEME, (104, 101), 256),
        wrong=lambda: _merge_by_hand(_THE_THEME, (104, 101), 256, skip=False),
        hint="scan left to right; when the pair starts at position i, emit the new id and jump past both ids",
    ),
    Exercise(
        "3.2.bytes-per-token-512",
        "bytes per token at 512",
        "close",
        rel=1e-9,
        inputs=("merges", "text"),
        example_inputs=_merges_inputs,
        expected=lambda merges, text: (
            len(text.encode("utf-8", "surrogatepass")) / len(BPETokenizer(merges[:256]).encode(text))
        ),
        reference=lambda merges, text: _bytes_per_token(merges, text, 256),
        wrong=lambda merges, text: len(text) / len(BPETokenizer(merges[:256]).encode(text)) + 0.5,
        hint="a 512-token vocabulary is the 256 bytes plus the first 256 merges; divide bytes by tokens",
    ),
    # 3.3 The Transformer block in full
    Exercise(
        "3.3.gqa-cache-ratio",
        "KV cache shrink factor with 4 of 16 heads",
        "close",
        expected=lambda: (
            kv_cache_bytes(24, 2048, n_tokens=7) / kv_cache_bytes(24, 2048, n_tokens=7, n_head=16, n_kv_head=4)
        ),
        reference=lambda: 16 / 4,
        wrong=lambda: 16.0,
        hint="the cache stores keys and values only for the key/value heads; the query heads store nothing",
    ),
    Exercise(
        "3.3.sinusoid-entry",
        "sinusoidal PE[11, 5] with d = 16",
        "close",
        rel=1e-5,
        expected=lambda: sinusoidal_table(12, 16)[11, 5].item(),
        reference=lambda: math.cos(11 / 10000 ** (4 / 16)),
        wrong=lambda: math.cos(11 / 10000 ** (10 / 16)),
        hint="dimensions 2i and 2i+1 share one angle; for j = 5 the pair index is i = 2",
    ),
    Exercise(
        "3.3.llama3-block-params",
        "parameters of one Llama 3 8B block",
        "equal",
        expected=lambda: sum(p.numel() for p in gpt_on_meta(LLAMA3_8B).blocks[0].parameters()),
        reference=lambda: 2 * 4096 * 4096 + 2 * 4096 * 1024 + 3 * 4096 * 14336 + 2 * 4096,
        wrong=lambda: 4 * 4096 * 4096 + 3 * 4096 * 14336 + 2 * 4096,
        hint="W_K and W_V project to only 8 heads of 128; count each matrix, then the two norm scales",
    ),
    # 3.4 Pre-training a GPT
    Exercise(
        "3.4.uniform-bpc",
        "bits per character of a uniform guesser",
        "close",
        rel=1e-6,
        inputs=("tokenizer",),
        example_inputs=_pretrain_tokenizer_inputs,
        expected=_uniform_bpc,
        reference=lambda tokenizer: _uniform_bpc(tokenizer),
        wrong=lambda tokenizer: math.log2(tokenizer.vocab_size),
        hint="log2 of the vocabulary size is per token; how many characters does one token spell on average?",
    ),
    Exercise(
        "3.4.warmup-cosine",
        "warm-up + cosine multipliers at steps 0, 99, 100, 550, 999",
        "tensor",
        expected=lambda: torch.tensor([WarmupCosine(100, 1000, 0.1)(s) for s in (0, 99, 100, 550, 999)]),
        reference=lambda: torch.tensor([_multiplier(s) for s in (0, 99, 100, 550, 999)]),
        wrong=lambda: torch.tensor([_multiplier(s, shift=0) for s in (0, 99, 100, 550, 999)]),
        hint="warm-up reaches exactly 1 at its last step; the cosine starts at 1 just after it, ends near the ratio",
    ),
    Exercise(
        "3.4.clip-factor",
        "clipping factors for norms 8 and 1.5 at threshold 2",
        "tensor",
        expected=_clip_factors,
        reference=lambda: torch.tensor([0.25, 1.0]),
        wrong=lambda: torch.tensor([0.25, 2 / 1.5]),
        hint="clipping only ever shrinks a gradient; a norm under the threshold is left alone",
    ),
)


# 3.5 Fine-tuning the pre-trained GPT
def _lora_starts_equal() -> bool:
    """Wrap a small GPT in LoRA and compare its logits with the original's, before any training."""
    import copy

    from lib.models.gpt import GPT, GPTConfig
    from lib.models.lora import apply_lora

    with seeded(0):
        base = GPT(GPTConfig(vocab_size=20, context_length=8, n_layer=1, n_head=2, d_model=8))
        adapted = copy.deepcopy(base)
        apply_lora(adapted, rank=2)
    ids = torch.tensor([[1, 2, 3, 4]])
    return torch.equal(base(ids)[0], adapted(ids)[0])


def _llama2_lora_params(sides: int = 2) -> int:
    from lib.models.gpt import LLAMA2_7B
    from lib.models.lora import lora_parameter_count

    d = LLAMA2_7B.d_model
    per_layer = 4 * lora_parameter_count(d, d, 8) if sides == 2 else 4 * 8 * d
    return LLAMA2_7B.n_layer * per_layer


def _masked_inputs() -> dict[str, Any]:
    logits = torch.randn(2, 5, 4, generator=torch.Generator().manual_seed(0))
    return {"logits": logits, "targets": torch.tensor([[-100, 1, 2, -100, -100], [-100, -100, 0, 3, 1]])}


def _masked_by_hand(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    keep = targets != -100
    return -torch.log_softmax(logits, dim=-1)[keep, targets[keep]].mean()


def _masked_over_all_positions(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    keep = targets != -100
    return -torch.log_softmax(logits, dim=-1)[keep, targets[keep]].sum() / targets.numel()


EXERCISES = EXERCISES + (
    Exercise(
        "3.5.lora-starts-equal",
        "LoRA model equals the base model at initialisation?",
        "equal",
        expected=_lora_starts_equal,
        reference=lambda: True,
        wrong=lambda: False,
        hint="which of the two LoRA matrices starts at zero, and what is any matrix times zero?",
    ),
    Exercise(
        "3.5.llama-lora-params",
        "LoRA rank-8 parameters on Llama 2 7B's attention",
        "equal",
        expected=_llama2_lora_params,
        reference=lambda: 32 * 4 * 8 * (4096 + 4096),
        wrong=lambda: _llama2_lora_params(sides=1),
        hint="each adapted layer gets two matrices, A (r x d_in) and B (d_out x r); count both, per layer",
    ),
    Exercise(
        "3.5.masked-loss",
        "masked SFT loss",
        "tensor",
        inputs=("logits", "targets"),
        example_inputs=_masked_inputs,
        expected=lambda logits, targets: torch.nn.functional.cross_entropy(
            logits.flatten(0, 1), targets.flatten(), ignore_index=-100
        ),
        reference=_masked_by_hand,
        wrong=_masked_over_all_positions,
        hint="average only over the positions that are kept: divide by how many targets are not -100",
    ),
)


EXERCISES = EXERCISES + (
    # 3.6 Training at scale
    Exercise(
        "3.6.checkpoint-changes-grads",
        "does activation checkpointing change the gradients?",
        "equal",
        expected=lambda: False,
        reference=lambda: False,
        wrong=lambda: True,
        hint="checkpointing reruns the same forward computation in backward; what could differ?",
    ),
    Exercise(
        "3.6.zero2-bytes",
        "bytes per GPU, 7B, mixed-precision Adam, ZeRO-2 on 8 GPUs",
        "close",
        rel=1e-9,
        expected=lambda: model_state_bytes(7_000_000_000, "mixed", "adam", zero_stage=2, data_parallel=8).total,
        reference=lambda: 7e9 * (2 + 2 / 8 + (4 + 8) / 8),
        wrong=lambda: 7e9 * 16 / 8,
        hint="stage 2 splits the gradients and the fp32 optimizer state (master copy and two moments), not the weights",
    ),
    Exercise(
        "3.6.fp16-loss-scale",
        "smallest power-of-two loss scale that keeps 1e-9 nonzero in fp16",
        "close",
        rel=1e-9,
        expected=lambda: _smallest_fp16_scale(1e-9),
        reference=lambda: 32.0,
        wrong=lambda: 16.0,
        hint="fp16's smallest positive number is 2**-24; a value rounds to it only from above half of it",
    ),
)
