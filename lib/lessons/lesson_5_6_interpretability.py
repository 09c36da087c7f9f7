"""Lesson 5.6's experiments: attention on matched quotes and brackets, saliency sanity checks, cached layer probes."""

from __future__ import annotations

import bisect
import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import NamedTuple

import torch

from lib.core.checkpoint import cache_dir, load_checkpoint, save_checkpoint
from lib.core.files import file_lock
from lib.core.validate import positive_int
from lib.data.pydoc_corpus import load_python_docs
from lib.data.text_labels import (
    balanced_subset,
    bracket_pairs,
    control_labels,
    quoted_characters,
    token_end_characters,
    token_labels,
)
from lib.data.tokenizer import Tokenizer
from lib.models.attention_maps import gpt_attention_maps
from lib.models.gpt import GPT
from lib.models.saliency import gradient_x_input, occlusion, rank_correlation
from lib.models.token_states import token_states
from lib.train.finetune import model_fingerprint
from lib.train.probes import ProbeTable, probe_layers

FORMAT = "lesson-5-6-probes/1"


def quote_spans(text: str) -> list[tuple[int, int]]:
    """(opening, closing) character indices of each double-quoted literal of ``text`` (as quoted_characters)."""
    inside = quoted_characters(text)
    spans, start = [], None
    for i, ch in enumerate(text):
        if ch != '"':
            continue
        if inside[i]:
            start = i
        elif start is not None:
            spans.append((start, i))
            start = None
    return spans


def window_pairs(
    tokenizer: Tokenizer, text: str, ids: Sequence[int], char_pairs: Sequence[tuple[int, int]], window: int
) -> torch.Tensor:
    """(window, query, key) rows for character pairs (key char, query char) whose tokens differ and share a window.

    ``ids`` (the encoding of ``text``) is cut into consecutive windows of ``window`` tokens, as a batch for
    :func:`lib.models.attention_maps.gpt_attention_maps`; the query is the token holding the later character.
    """
    window = positive_int("window", window)
    ends = token_end_characters(tokenizer, text, ids)
    full = len(ids) // window * window
    rows = []
    for a, b in char_pairs:
        ta, tb = bisect.bisect_left(ends, a), bisect.bisect_left(ends, b)
        if ta < tb < full and ta // window == tb // window:
            rows.append((ta // window, tb % window, ta % window))
    return torch.tensor(rows, dtype=torch.long).reshape(-1, 3)


def paren_pairs(text: str) -> list[tuple[int, int]]:
    """Matched round brackets of ``text`` as character pairs."""
    return bracket_pairs(text, "(", ")")


class SaliencyStudy(NamedTuple):
    """Per prediction: rank correlations and whether the top token survives randomizing the blocks."""

    gxi_vs_occlusion: torch.Tensor
    attention_vs_occlusion: torch.Tensor
    trained_vs_random: torch.Tensor
    same_top_token: torch.Tensor
    last_token_share: torch.Tensor
    last_token_share_random: torch.Tensor


def saliency_study(gpt: GPT, random_gpt: GPT, windows: torch.Tensor, length: int) -> SaliencyStudy:
    """For the prediction at the last of ``length`` tokens of each window: compare the saliency maps.

    Rank correlations use absolute scores (how much, not which sign); ``last_token_share`` is the
    fraction of the map's absolute mass on the current token itself. ``attention_vs_occlusion`` ranks the
    tokens by the attention the prediction's position pays them (mean over every layer and head).
    """
    positive_int("length", length)
    rows = {name: [] for name in SaliencyStudy._fields}
    for ids in windows:
        ids = ids[:length]
        pos = length - 1
        trained = gradient_x_input(gpt, ids, pos)
        occluded = occlusion(gpt, ids, pos, trained.target)
        randomized = gradient_x_input(random_gpt, ids, pos, trained.target)
        a, r = trained.scores.abs(), randomized.scores.abs()
        rows["gxi_vs_occlusion"].append(rank_correlation(a, occluded.scores.abs()))
        attention = gpt_attention_maps(gpt, ids[None])[:, 0, :, pos, :].mean(dim=(0, 1))
        rows["attention_vs_occlusion"].append(rank_correlation(attention, occluded.scores.abs()))
        rows["trained_vs_random"].append(rank_correlation(a, r))
        rows["same_top_token"].append(float(a.argmax() == r.argmax()))
        rows["last_token_share"].append(float(a[pos] / a.sum()))
        rows["last_token_share_random"].append(float(r[pos] / r.sum()))
    return SaliencyStudy(*(torch.tensor(rows[name]) for name in SaliencyStudy._fields))


@dataclass(frozen=True)
class ProbeConfig:
    """What the lesson probes: how much text, how many tokens per class, seeds, and the probe's training."""

    train_chars: int = 60_000
    per_class_train: int = 1500
    per_class_test: int = 500
    seeds: tuple[int, ...] = (0, 1, 2)
    epochs: int = 6
    batch_size: int = 256
    lr: float = 1e-2
    mlp_lr: float = 3e-3
    mlp_hidden: int = 256
    warmup: int = 16
    control_seed: int = 0

    def key(self) -> str:
        """A short hash of the configuration, part of the cache file's name."""
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()[:12]


class ProbeData(NamedTuple):
    """Token ids, task labels, control labels, and the balanced train/test token indices of one task."""

    ids: torch.Tensor
    labels: torch.Tensor
    control: torch.Tensor
    train_index: torch.Tensor
    test_index: torch.Tensor


def probe_texts(config: ProbeConfig) -> tuple[str, str]:
    """The probe's training text (the start of the GPT's training split) and test text (the validation split)."""
    return load_python_docs("train")[: config.train_chars], load_python_docs("validation")


def probe_data(tokenizer: Tokenizer, task: str, config: ProbeConfig) -> ProbeData:
    """Labels for ``task`` on the probe texts, control labels with equal frequencies, and balanced splits.

    Probe training tokens come from text the GPT was trained on, test tokens from text it never saw;
    both sets have as many tokens of each label, so chance is 50%.
    """
    train_text, test_text = probe_texts(config)
    train_ids, test_ids = tokenizer.encode(train_text), tokenizer.encode(test_text)
    labels = torch.cat(
        [token_labels(tokenizer, train_text, train_ids, task), token_labels(tokenizer, test_text, test_ids, task)]
    )
    ids = torch.tensor(train_ids + test_ids)
    control = control_labels(ids, [0.5, 0.5], seed=config.control_seed)
    n = len(train_ids)
    train_index = balanced_subset(labels[:n], config.per_class_train, seed=0)
    test_index = balanced_subset(labels[n:], config.per_class_test, seed=0) + n
    return ProbeData(ids, labels, control, train_index, test_index)


def _tables_to_state(tables: dict[str, ProbeTable]) -> dict:
    return {name: {"layers": list(t.layers), "task": t.task, "control": t.control} for name, t in tables.items()}


def _state_to_tables(state: dict) -> dict[str, ProbeTable]:
    return {name: ProbeTable(tuple(t["layers"]), t["task"], t["control"]) for name, t in state.items()}


def run_probes(gpt: GPT, tokenizer: Tokenizer, config: ProbeConfig) -> dict[str, ProbeTable]:
    """Linear probes for "quoted" and "indented" and an MLP probe for "quoted", at every layer and seed."""
    layers = list(range(gpt.config.n_layer + 1))
    train_text, test_text = probe_texts(config)
    ids = tokenizer.encode(train_text) + tokenizer.encode(test_text)
    train_states = token_states(gpt, tokenizer.encode(train_text), layers, warmup=config.warmup)
    test_states = token_states(gpt, tokenizer.encode(test_text), layers, warmup=config.warmup)
    states = {layer: torch.cat([train_states[layer], test_states[layer]]) for layer in layers}
    assert all(len(s) == len(ids) for s in states.values())
    common = {"epochs": config.epochs, "batch_size": config.batch_size, "seeds": config.seeds}
    tables = {}
    for name, task, hidden, lr in (
        ("quoted, linear", "quoted", None, config.lr),
        ("indented, linear", "indented", None, config.lr),
        ("quoted, MLP", "quoted", config.mlp_hidden, config.mlp_lr),
    ):
        data = probe_data(tokenizer, task, config)
        tables[name] = probe_layers(
            states, data.labels, data.control, data.train_index, data.test_index, hidden=hidden, lr=lr, **common
        )
    return tables


def cached_probes(gpt: GPT, tokenizer: Tokenizer, config: ProbeConfig | None = None) -> dict[str, ProbeTable]:
    """:func:`run_probes`, kept in the course's cache (keyed by the config and the GPT's weights), under a lock."""
    config = ProbeConfig() if config is None else config
    path = cache_dir() / f"lesson-5-6-probes-{config.key()}-{model_fingerprint(gpt)}.pt"

    def cached() -> dict[str, ProbeTable] | None:
        if path.is_file():
            state = load_checkpoint(path)
            if state.get("format") == FORMAT:
                return _state_to_tables(state["tables"])
        return None

    tables = cached()
    if tables is not None:
        return tables
    with file_lock(path.with_name(path.name + ".lock")):
        tables = cached()
        if tables is None:
            tables = run_probes(gpt, tokenizer, config)
            save_checkpoint(path, {"format": FORMAT, "tables": _tables_to_state(tables)})
    return tables
