"""Lesson 4.2's experiments: sampling settings side by side, and retrieval-augmented answering measured.

Generation runs through :func:`lib.models.sampling.generate`; retrieval quality through
:mod:`lib.train.retrieval`. Retrieval-augmented generation (RAG, 检索增强生成; Lewis et al. 2020)
puts a retrieved passage in front of the question; :func:`answer_losses` measures what that buys:
the model's cross-entropy per answer token, with and without the passage, on answers known in advance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from lib.core.validate import positive_int, positive_number
from lib.data.tokenizer import Tokenizer
from lib.models.gpt import GPT
from lib.models.sampling import generate

CONTEXT_SEPARATOR = "\n\n"


@dataclass(frozen=True)
class SamplingSetting:
    """One way to sample: temperature τ, and optionally top-k and the top-p nucleus."""

    label: str
    temperature: float = 1.0
    top_k: int | None = None
    top_p: float | None = None


def distinct_fraction(ids: Sequence[int], n: int = 2) -> float:
    """Distinct n-grams over all n-grams of ``ids`` (distinct-n, Li et al. 2016): 1 = no n-gram repeats."""
    positive_int("n", n)
    ids = list(ids)
    grams = [tuple(ids[i : i + n]) for i in range(len(ids) - n + 1)]
    if not grams:
        raise ValueError(f"ids must hold at least n={n} tokens, got {len(ids)}")
    return len(set(grams)) / len(grams)


@torch.no_grad()
def continuation_log_prob(model: GPT, ids: torch.Tensor, n_prompt: int) -> torch.Tensor:
    """Mean log-probability per token (nats, at τ = 1) that ``model`` gives each row's tokens after ``n_prompt``."""
    positive_int("n_prompt", n_prompt)
    if ids.ndim != 2 or ids.shape[1] <= n_prompt:
        raise ValueError(f"ids must be (batch, time) with time > n_prompt={n_prompt}, got {tuple(ids.shape)}")
    logits = model(ids[:, -model.config.context_length :])[0].float()
    offset = ids.shape[1] - logits.shape[1]
    log_p = F.log_softmax(logits[:, :-1], dim=-1).gather(-1, ids[:, offset + 1 :].unsqueeze(-1)).squeeze(-1)
    start = max(n_prompt - 1 - offset, 0)
    return log_p[:, start:].mean(dim=1)


def sampling_statistics(
    model: GPT,
    tokenizer: Tokenizer,
    prompts: Sequence[str],
    settings: Sequence[SamplingSetting],
    n_samples: int = 8,
    new_tokens: int = 48,
    seed: int = 0,
) -> dict[str, dict[str, float]]:
    """For each setting: the model's mean log-prob per generated token and distinct-2, over prompts x samples.

    Every prompt is sampled ``n_samples`` times in one batch (seeded by ``seed`` and the prompt's index), so
    each setting sees the same prompts and seeds.
    """
    positive_int("n_samples", n_samples)
    positive_int("new_tokens", new_tokens)
    device = next(model.parameters()).device
    results = {}
    for setting in settings:
        log_probs, distinct = [], []
        for p, prompt in enumerate(prompts):
            ids = torch.tensor([tokenizer.encode(prompt)] * n_samples, device=device)
            out = generate(
                model, ids, new_tokens, setting.temperature, setting.top_k, setting.top_p, seed=seed + 1000 * p
            )
            log_probs.append(continuation_log_prob(model, out, ids.shape[1]).cpu())
            distinct += [distinct_fraction(row[ids.shape[1] :].tolist()) for row in out]
        results[setting.label] = {
            "log_prob": torch.cat(log_probs).mean().item(),
            "distinct_2": sum(distinct) / len(distinct),
        }
    return results


def question_prompt(question: str, context: str | None = None) -> str:
    """The question alone, or a retrieved ``context`` passage, a blank line, then the question."""
    if not isinstance(question, str) or not question:
        raise ValueError("question must be a non-empty str")
    return question if context is None else context + CONTEXT_SEPARATOR + question


def fit_passage(tokenizer: Tokenizer, passage: str, n_tokens: int) -> str:
    """The longest prefix of ``passage`` that is at most ``n_tokens`` tokens, cut back to a whole word."""
    if not isinstance(n_tokens, int) or isinstance(n_tokens, bool) or n_tokens < 0:
        raise ValueError(f"n_tokens must be a non-negative int, got {n_tokens!r}")
    ids = tokenizer.encode(passage)
    if len(ids) <= n_tokens:
        return passage
    text = tokenizer.decode(ids[:n_tokens])
    cut = text.rfind(" ")
    return text[:cut] if cut > 0 else ""


def passage_budget(model: GPT, tokenizer: Tokenizer, question: str, answer: str, reserve: int = 2) -> int:
    """Tokens left for a passage once the question, the answer and the separator fit in the context."""
    used = len(tokenizer.encode(question)) + len(tokenizer.encode(answer)) + reserve
    return max(model.config.context_length - used - len(tokenizer.encode(CONTEXT_SEPARATOR)), 0)


def prompt_answer_batch(
    tokenizer: Tokenizer, prompts: Sequence[str], answers: Sequence[str], context_length: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """Inputs and next-token targets (n, time) for prompt + answer pairs, -100 except on the answer's tokens.

    Prompt and answer are encoded separately and concatenated, so an answer's tokens are the same
    whatever the prompt; rows are right-padded with id 0. A pair longer than the context is an error.
    """
    if len(prompts) != len(answers) or not prompts:
        raise ValueError(
            f"prompts and answers must be non-empty and of one length, got {len(prompts)} and {len(answers)}"
        )
    positive_int("context_length", context_length)
    rows = []
    for prompt, answer in zip(prompts, answers, strict=True):
        p, a = tokenizer.encode(prompt), tokenizer.encode(answer)
        if len(p) + len(a) > context_length + 1 or not p or not a:
            raise ValueError(f"prompt + answer take {len(p) + len(a)} tokens, more than context_length + 1")
        rows.append((p, a))
    length = max(len(p) + len(a) - 1 for p, a in rows)
    ids = torch.zeros(len(rows), length, dtype=torch.long)
    targets = torch.full((len(rows), length), -100, dtype=torch.long)
    for r, (p, a) in enumerate(rows):
        full = p + a
        ids[r, : len(full) - 1] = torch.tensor(full[:-1])
        targets[r, len(p) - 1 : len(full) - 1] = torch.tensor(a)
    return ids, targets


@torch.no_grad()
def answer_losses(
    model: GPT, tokenizer: Tokenizer, prompts: Sequence[str], answers: Sequence[str], batch_size: int = 32
) -> torch.Tensor:
    """Cross-entropy per answer token (nats) of each answer after its prompt: one number per pair."""
    positive_int("batch_size", batch_size)
    ids, targets = prompt_answer_batch(tokenizer, prompts, answers, model.config.context_length)
    device = next(model.parameters()).device
    losses = []
    was_training = model.training
    model.eval()
    try:
        for start in range(0, len(ids), batch_size):
            x, y = ids[start : start + batch_size].to(device), targets[start : start + batch_size].to(device)
            logits = model(x)[0].float()
            nll = F.cross_entropy(logits.transpose(1, 2), y, ignore_index=-100, reduction="none")
            losses.append((nll.sum(dim=1) / (y != -100).sum(dim=1)).cpu())
    finally:
        model.train(was_training)
    return torch.cat(losses)


@torch.no_grad()
def greedy_answer(model: GPT, tokenizer: Tokenizer, prompt: str, max_new_tokens: int = 40) -> str:
    """The model's greedy continuation of ``prompt`` up to its first newline (room permitting)."""
    device = next(model.parameters()).device
    ids = torch.tensor([tokenizer.encode(prompt)], device=device)
    room = model.config.context_length - ids.shape[1]
    if room < 1:
        raise ValueError(f"prompt takes {ids.shape[1]} tokens, leaving no room in the context")
    out = generate(model, ids, min(max_new_tokens, room), top_k=1)
    return tokenizer.decode(out[0, ids.shape[1] :].tolist()).split("\n")[0]


def bootstrap_mean_interval(
    values: torch.Tensor, n_boot: int = 2000, level: float = 0.95, seed: int = 0
) -> tuple[float, float]:
    """A percentile bootstrap interval for the mean of ``values`` (resampled with a seeded generator)."""
    positive_int("n_boot", n_boot)
    positive_number("level", level)
    if not 0 < level < 1 or values.ndim != 1 or len(values) < 2:
        raise ValueError("level must lie in (0, 1) and values must be a 1-D tensor of at least 2 numbers")
    g = torch.Generator().manual_seed(seed)
    index = torch.randint(len(values), (n_boot, len(values)), generator=g)
    means = values.double()[index].mean(dim=1)
    tail = (1 - level) / 2
    return torch.quantile(means, tail).item(), torch.quantile(means, 1 - tail).item()
