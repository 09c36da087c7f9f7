"""The exercises of chapter 03 (training): expected values computed from lib and PyTorch, not the learner's code."""

from __future__ import annotations

from typing import Any

import torch

from lib.core.seeding import seeded
from lib.course.exercises.base import Exercise
from lib.data.bpe import BPETokenizer, merge_pair, to_bytes
from lib.models.text_classifier import EmbeddingPoolClassifier
from lib.scratch.metrics import confusion_matrix

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
