"""Lesson 5.3's experiments: train/validation leakage on the Python documentation, and label noise on the digits.

Leakage: split the documentation's *topics* into training and validation without deduplication, find
validation paragraphs with a near duplicate among the training paragraphs (MinHash + LSH, checked
exactly), and measure what they do to a byte n-gram model's validation loss, with and without
removing those duplicates from training. Label noise: lesson 4.1's MLP trained on digit labels
flipped at several rates, tested on clean labels. Both are cached through lib's cache and replayed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Any

import torch

from lib.core.checkpoint import cache_dir, load_checkpoint, save_checkpoint
from lib.core.files import file_lock
from lib.core.validate import fraction, positive_int, seed_value
from lib.data.dedup import shingles
from lib.data.digits import load_digits_split
from lib.data.label_noise import flip_labels
from lib.data.minhash import near_duplicate_pairs
from lib.data.pydoc_corpus import topic_paragraphs
from lib.lessons.lesson_4_1_vision import DigitRecipe, predict_probabilities, train_digit_model
from lib.scratch.ngram import NGramModel

CACHE_FORMAT = 1
NOISE_RECIPE = DigitRecipe(epochs=20)  # lesson 4.1's recipe, half the epochs: 18 runs fit the budget
SEPARATOR = "\n\n"  # paragraphs are joined, and each is predicted after it, as in lib.data.pydoc_corpus


def cached_result(name: str, key: dict[str, Any], compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """``compute()`` once, saved in lib's cache under ``name`` and ``key``; replayed while the key matches.

    A lock keeps two processes from computing the same thing at once; the write is atomic.
    """
    digest = hashlib.sha256(repr(sorted(key.items())).encode()).hexdigest()[:12]
    path = cache_dir() / f"{name}-{digest}.pt"

    def cached() -> dict[str, Any] | None:
        if path.is_file():
            state = load_checkpoint(path)
            if state.get("format") == CACHE_FORMAT and state.get("key") == repr(sorted(key.items())):
                return state["result"]
        return None

    result = cached()
    if result is None:
        with file_lock(path.with_name(path.name + ".lock")):
            result = cached()
            if result is None:
                result = compute()
                save_checkpoint(path, {"format": CACHE_FORMAT, "key": repr(sorted(key.items())), "result": result})
    return result


def topic_split(topics: Sequence[str], val_fraction: float = 0.15, seed: int = 0) -> frozenset[str]:
    """The validation topics: those whose hash (with ``seed``) falls below ``val_fraction``; the rest train."""
    fraction("val_fraction", val_fraction, low_inclusive=False)
    seed_value("seed", seed)
    chosen = set()
    for topic in topics:
        digest = hashlib.sha256(f"{seed}:{topic}".encode()).digest()
        if int.from_bytes(digest[:8], "big") / 2**64 < val_fraction:
            chosen.add(topic)
    return frozenset(chosen)


def duplicate_partners(texts: Sequence[str], threshold: float = 0.8, k: int = 5, num_perm: int = 128,
                       bands: int = 16) -> dict[int, set[int]]:  # fmt: skip
    """For each text with a near duplicate (word ``k``-shingle Jaccard >= ``threshold``): its partners' indices."""
    sets = [shingles(t, k) for t in texts]
    partners: dict[int, set[int]] = {}
    for i, j in near_duplicate_pairs(sets, threshold, num_perm, bands):
        partners.setdefault(i, set()).add(j)
        partners.setdefault(j, set()).add(i)
    return partners


def leaked(val_index: Sequence[int], train_index: Sequence[int], partners: dict[int, set[int]]) -> list[int]:
    """The validation indices that have a near-duplicate partner among the training indices."""
    train = set(train_index)
    return [i for i in val_index if partners.get(i, set()) & train]


def _bits_per_byte(model: NGramModel, texts: Sequence[str]) -> float:
    n_bytes = sum(len(t.encode("utf-8")) for t in texts)
    if n_bytes == 0:
        return float("nan")
    return sum(model.bits(t, SEPARATOR) for t in texts) / n_bytes


def leakage_experiment(seed: int = 0, val_fraction: float = 0.15, order: int = 5, threshold: float = 0.8,
                       partners: dict[int, set[int]] | None = None) -> dict[str, float]:  # fmt: skip
    """One topic-level split: how much of validation leaks, and an n-gram model's loss with and without dedup.

    Returns counts and fractions (of paragraphs and of characters) of leaked validation paragraphs,
    and bits per byte on the leaked, the clean and all validation paragraphs, for a model trained on all
    training topics ("raw") and on them less every paragraph that near-duplicates a validation one ("dedup").
    """
    positive_int("order", order)
    rows = topic_paragraphs()
    texts = [p for _, p in rows]
    if partners is None:  # the near-duplicate pairs of topic_paragraphs(), at this threshold
        partners = duplicate_partners(texts, threshold)
    val_topics = topic_split(sorted({t for t, _ in rows}), val_fraction, seed)
    val = [i for i, (t, _) in enumerate(rows) if t in val_topics]
    train = [i for i, (t, _) in enumerate(rows) if t not in val_topics]
    leak = leaked(val, train, partners)
    leak_set, val_set = set(leak), set(val)
    clean = [i for i in val if i not in leak_set]
    train_dedup = [i for i in train if not partners.get(i, set()) & val_set]
    result: dict[str, float] = {
        "val_topics": float(len(val_topics)),
        "val_paragraphs": float(len(val)),
        "leaked_paragraphs": float(len(leak)),
        "leaked_fraction": len(leak) / len(val),
        "leaked_char_fraction": sum(len(texts[i]) for i in leak) / sum(len(texts[i]) for i in val),
        "train_removed": float(len(train) - len(train_dedup)),
    }
    for name, index in (("raw", train), ("dedup", train_dedup)):
        model = NGramModel(order).fit(SEPARATOR.join(texts[i] for i in index))
        for part, ids in (("leaked", leak), ("clean", clean), ("all", val)):
            result[f"{name}_{part}_bpb"] = _bits_per_byte(model, [texts[i] for i in ids])
    return result


def cached_leakage(seeds: Sequence[int] = (0, 1, 2), val_fraction: float = 0.15, order: int = 5,
                   threshold: float = 0.8) -> dict[int, dict[str, float]]:  # fmt: skip
    """Run :func:`leakage_experiment` for each seed, or replay it from lib's cache."""
    key = {"seeds": list(seeds), "val_fraction": val_fraction, "order": order, "threshold": threshold}

    def compute() -> dict[str, Any]:
        partners = duplicate_partners([p for _, p in topic_paragraphs()], threshold)
        return {str(s): leakage_experiment(s, val_fraction, order, threshold, partners) for s in seeds}

    result = cached_result("lesson-5-3-leakage", key, compute)
    return {int(s): values for s, values in result.items()}


def noisy_label_accuracy(rate: float, seed: int, kind: str = "mlp", recipe: DigitRecipe = NOISE_RECIPE,
                         device: torch.device | str = "cpu") -> float:  # fmt: skip
    """Test accuracy (on clean labels) of lesson 4.1's ``kind`` trained on digit labels flipped at ``rate``."""
    train_set, test_set = load_digits_split()
    noisy, _ = flip_labels(train_set.labels, rate, 10, seed=1000 + seed)
    model = train_digit_model(kind, train_set.images, noisy, seed=seed, recipe=recipe, device=device)
    predicted = predict_probabilities(model, test_set.images).argmax(dim=1)
    return (predicted == test_set.labels).double().mean().item()


def cached_label_noise(rates: Sequence[float], seeds: Sequence[int], kind: str = "mlp", epochs: int = 20,
                       device: torch.device | str = "cpu") -> dict[float, list[float]]:  # fmt: skip
    """Test accuracy for each noise rate and seed, from lib's cache when there, else trained and saved."""
    recipe = DigitRecipe(epochs=positive_int("epochs", epochs))
    key = {"rates": list(rates), "seeds": list(seeds), "kind": kind, "epochs": epochs,
           "device": torch.device(device).type}  # fmt: skip
    result = cached_result("lesson-5-3-label-noise", key, lambda: {
        str(r): [noisy_label_accuracy(r, s, kind, recipe, device) for s in seeds] for r in rates})  # fmt: skip
    return {float(r): accs for r, accs in result.items()}


JUNK_KINDS = ("keyword spam", "symbol soup", "link menu", "truncated teasers", "number table")


def synthetic_junk(n: int = 50, seed: int = 0) -> list[tuple[str, str]]:
    """``n`` synthetic web-junk documents (kind, text) of the sorts Gopher's rules were written against.

    Generated here, never scraped: keyword spam, strings of symbols and hashtags, menus of links, lists of
    teasers cut off with an ellipsis, and tables of numbers, ``n`` // 5 of each kind (and the rest spam).
    """
    positive_int("n", n)
    generator = torch.Generator().manual_seed(seed_value("seed", seed))

    def pick(words: Sequence[str], k: int) -> list[str]:
        return [words[i] for i in torch.randint(0, len(words), (k,), generator=generator).tolist()]

    shop = ("cheap", "best", "buy", "online", "deal", "free", "shipping", "discount", "sale", "price", "now")
    topics = ("python", "tutorial", "download", "login", "news", "video", "home", "contact", "blog", "shop")
    documents = []
    for i in range(n):
        kind = JUNK_KINDS[i % len(JUNK_KINDS)] if i < n - n % len(JUNK_KINDS) else JUNK_KINDS[0]
        if kind == "keyword spam":
            phrase = " ".join(pick(shop, 3))
            text = " ".join([phrase] * 25 + pick(shop, 40))
        elif kind == "symbol soup":
            text = " ".join(f"#{w}" if j % 2 else f"{w}..." for j, w in enumerate(pick(topics + shop, 80)))
        elif kind == "link menu":
            text = "\n".join(
                f"* {w.title()} | {v.title()}" for w, v in zip(pick(topics, 60), pick(shop, 60), strict=True)
            )
        elif kind == "truncated teasers":
            text = "\n".join(f"The {w} of the {v} that you have to see with..." for w, v in
                             zip(pick(topics, 20), pick(shop, 20), strict=True))  # fmt: skip
        else:
            numbers = torch.randint(0, 10_000, (120,), generator=generator).tolist()
            text = "\n".join(" ".join(str(x) for x in numbers[j : j + 6]) for j in range(0, 120, 6))
        documents.append((kind, text))
    return documents
