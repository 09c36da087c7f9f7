"""Lesson 3.5's experiments: fine-tune a pre-trained GPT as a classifier, with SFT, and with LoRA.

The lesson loads lesson 3.4's GPT through ``lib.train.pretrain.pretrained_gpt``; every helper here
takes any ``(GPT, tokenizer)`` pair. All training runs through :func:`lib.train.loop.train`. The
classifier's fine-tuning recipe lives in :mod:`lib.train.finetune` (lesson 4.2 reuses it).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from lib.core.seeding import seeded
from lib.core.validate import positive_int
from lib.data.doc_questions import IGNORE_INDEX
from lib.data.tokenizer import Tokenizer
from lib.models.gpt import GPT
from lib.models.gpt_classifier import GPTClassifier
from lib.models.lora import apply_lora, trainable_parameter_count
from lib.scale.memory import measured_model_state_bytes
from lib.train.batches import make_batches
from lib.train.finetune import (  # moved down to lib.train for lesson 4.2; re-exported for lesson 3.5
    FinetuneRecipe as FinetuneRecipe,
)
from lib.train.finetune import classifier_accuracy
from lib.train.finetune import encode_known as encode_known
from lib.train.finetune import encode_texts as encode_texts
from lib.train.finetune import finetune_classifier as finetune_classifier
from lib.train.loop import train
from lib.train.optimizers import make_adamw
from lib.train.schedules import warmup_cosine
from lib.train.steps import LossStep


def labelled_subset(labels: torch.Tensor, per_class: int | None, seed: int) -> torch.Tensor:
    """Indices of ``per_class`` random examples of every class (seeded); all indices when it is None."""
    if per_class is None:
        return torch.arange(len(labels))
    from lib.lessons.lesson_1_5_pretraining import sample_per_class

    return sample_per_class(labels, per_class, seed=seed)


@torch.no_grad()
def frozen_features(gpt: GPT, inputs: torch.Tensor, pool: str = "mean", batch_size: int = 256) -> torch.Tensor:
    """Pooled hidden states of a frozen ``gpt`` for every text, (n, d_model), computed once for a linear probe."""
    model = GPTClassifier(gpt, 2, pool=pool).eval()
    device = next(gpt.parameters()).device
    parts = [model.features(inputs[i : i + batch_size].to(device)).cpu() for i in range(0, len(inputs), batch_size)]
    return torch.cat(parts)


def probe_budget_accuracy(
    features: dict[str, tuple[torch.Tensor, torch.Tensor]],
    y_train: torch.Tensor,
    y_test: torch.Tensor,
    budgets: tuple[int | None, ...],
    seeds: tuple[int, ...],
    steps: int = 300,
    lr: float = 1e-2,
) -> dict[str, torch.Tensor]:
    """Test accuracy (len(budgets), len(seeds)) of a linear head on each frozen body's (train, test) features.

    Features are standardized with the training set's mean and spread; the labelled subset depends only
    on the seed, so every body sees the same labels at a given budget and seed.
    """
    positive_int("steps", steps)
    results = {}
    for name, (train_x, test_x) in features.items():
        mean, std = train_x.mean(dim=0), train_x.std(dim=0).clamp(min=1e-6)
        train_x, test_x = (train_x - mean) / std, (test_x - mean) / std
        table = torch.zeros(len(budgets), len(seeds))
        for b, budget in enumerate(budgets):
            for s, seed in enumerate(seeds):
                index = labelled_subset(y_train, budget, seed)
                with seeded(seed):
                    head = nn.Linear(train_x.shape[1], int(y_train.max()) + 1)
                optimizer = torch.optim.AdamW(head.parameters(), lr=lr, weight_decay=0.01)
                train(
                    head,
                    make_batches(train_x[index], y_train[index], 32, seed=seed),
                    optimizer=optimizer,
                    loss_fn=F.cross_entropy,
                    steps=steps,
                    progress=False,
                )
                table[b, s] = classifier_accuracy(head, test_x, y_test)
        results[name] = table
    return results


def masked_answer_loss(model: GPT, inputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over the answer tokens only (targets -100 elsewhere), as ``GPT.forward`` computes it."""
    return model(inputs, targets)[1]


@torch.no_grad()
def held_out_answer_loss(model: GPT, inputs: torch.Tensor, targets: torch.Tensor) -> float:
    """Cross-entropy per answer token (nats) on held-out pairs, every answer token weighted alike."""
    was_training = model.training
    model.eval()
    device = next(model.parameters()).device
    logits = model(inputs.to(device))[0].float()
    loss = F.cross_entropy(logits.flatten(0, 1), targets.to(device).flatten(), ignore_index=IGNORE_INDEX)
    model.train(was_training)
    return loss.item()


def _sft_loss(model: nn.Module, batch: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
    return masked_answer_loss(model, *batch)


@dataclass(frozen=True)
class SFTRun:
    """One supervised fine-tuning run: the time it took and the training state it needed."""

    seconds: float
    trainable: int
    state_bytes: dict[str, int]
    final_train_loss: float


def supervised_finetune(
    model: nn.Module,
    inputs: torch.Tensor,
    targets: torch.Tensor,
    steps: int,
    lr: float,
    batch_size: int = 16,
    seed: int = 0,
    device: torch.device | str = "cpu",
) -> SFTRun:
    """Train ``model``'s trainable weights on the masked answer loss; measure time and training-state bytes."""
    optimizer = make_adamw(model, lr=lr, weight_decay=0.0, device=device)
    batches = make_batches(inputs, targets, batch_size, seed=seed)
    start = time.perf_counter()
    history = train(
        model,
        batches,
        LossStep(_sft_loss),
        optimizer=optimizer,
        steps=steps,
        grad_clip=1.0,
        scheduler=warmup_cosine(optimizer, max(1, steps // 10), steps),
        device=device,
        progress=False,
    )
    seconds = time.perf_counter() - start
    return SFTRun(
        seconds,
        trainable_parameter_count(model),
        measured_model_state_bytes(model, optimizer),
        history["train_loss"][-1],
    )


def lora_copy(model: GPT, rank: int, alpha: float | None = None, seed: int = 0) -> tuple[GPT, list[str]]:
    """A deep copy of ``model`` with every linear layer wrapped in LoRA (the original is untouched)."""
    import copy

    adapted = copy.deepcopy(model)
    with seeded(seed):
        names = apply_lora(adapted, rank, alpha)
    return adapted, names


@torch.no_grad()
def answer(model: GPT, tokenizer: Tokenizer, prompt: str, max_new_tokens: int = 120) -> str:
    """The model's greedy answer to ``prompt``, up to its first newline."""
    from lib.models.sampling import generate

    device = next(model.parameters()).device
    ids = torch.tensor([encode_known(tokenizer, prompt)], device=device)
    room = model.config.context_length - ids.shape[1]
    out = generate(model.eval(), ids, min(max_new_tokens, room), temperature=1.0, top_k=1)
    return tokenizer.decode(out[0, ids.shape[1] :].tolist()).split("\n")[0]
