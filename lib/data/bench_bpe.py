"""Benchmark: BPE training time and encoding throughput of lib's tokenizer, against the plainest one and Hugging Face's.

``python -m lib.data.bench_bpe`` trains lib's byte-level BPE (:mod:`lib.data.bpe`, which updates
only the words a merge touched) on the Python documentation corpus at vocabularies of 512, 1,024
and 4,096 tokens, and encodes the validation split with it. In the same run it trains and encodes
with :func:`naive_train_merges` / :func:`naive_encode`, the simplest correct implementation (recount
every pair of the whole text at every merge; apply every merge in order). The naive trainer is so
slow that it gets a *prefix* of the corpus (``--naive-chars``, sized so the whole benchmark takes
about a minute); lib is timed on the same prefix for the ratio, and the two must learn the same
merges. Hugging Face's ``tokenizers`` (Rust), where it is installed (``pip install tokenizers``,
an optional benchmark dependency), is the production reference; its merges differ (its own
pre-tokenizer and tie-breaking), so only its speed is compared.

Every implementation runs on one thread (Hugging Face's through ``RAYON_NUM_THREADS=1`` unless set)
and is timed by the process's CPU time, so that other programs on a shared machine do not count.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from lib.core.validate import positive_int
from lib.data.bpe import (
    BYTE_VOCAB,
    PRETOKEN_PATTERN,
    Pair,
    encode_with_merges,
    merge_pair,
    pretokenize,
    to_bytes,
    train_merges,
)
from lib.data.pydoc_corpus import load_python_docs

VOCAB_SIZES = (512, 1024, 4096)
NAIVE_CHARS = 30_000  # the naive trainer's prefix: about a minute of CPU time for all three sizes


def naive_train_merges(text: str, vocab_size: int, pattern: str = PRETOKEN_PATTERN) -> list[Pair]:
    """BPE training the plainest way: at every merge, count every adjacent pair of every pre-token again.

    Same rules as :func:`lib.data.bpe.train_merges`: pairs never cross a pre-token, the most frequent
    pair wins, ties go to the smallest pair, and training stops when no pair occurs twice.
    """
    vocab_size = positive_int("vocab_size", vocab_size, minimum=BYTE_VOCAB)
    chunks = [list(to_bytes(piece)) for piece in pretokenize(text, pattern)]
    merges: list[Pair] = []
    while len(merges) < vocab_size - BYTE_VOCAB:
        counts: Counter[Pair] = Counter()
        for ids in chunks:
            counts.update(zip(ids, ids[1:], strict=False))
        if not counts:
            break
        best = min(counts, key=lambda pair: (-counts[pair], pair))
        if counts[best] < 2:
            break
        new_id = BYTE_VOCAB + len(merges)
        chunks = [merge_pair(ids, best, new_id) for ids in chunks]
        merges.append(best)
    return merges


def naive_encode(text: str, merges: Sequence[Pair], pattern: str = PRETOKEN_PATTERN) -> list[int]:
    """Token ids of ``text``: each pre-token's bytes with every merge applied in the order it was learned."""
    out: list[int] = []
    for piece in pretokenize(text, pattern):
        ids = list(to_bytes(piece))
        for rank, pair in enumerate(merges):
            if len(ids) < 2:
                break
            ids = merge_pair(ids, pair, BYTE_VOCAB + rank)
        out.extend(ids)
    return out


class Row(NamedTuple):
    """One implementation at one vocabulary size: training seconds on ``train_chars`` and encoding rate."""

    implementation: str
    vocab_size: int
    train_chars: int
    merges: int
    train_seconds: float
    encode_chars_per_s: float


def _timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.process_time()
    value = fn()
    return value, time.process_time() - start


def hugging_face_trainer() -> Callable[[str, int], Callable[[str], list[int]]] | None:
    """A function (text, vocab_size) -> encode using Hugging Face's byte-level BPE, or None when not installed."""
    try:
        import tokenizers
        from tokenizers import decoders, models, pre_tokenizers, trainers
    except ImportError:
        return None

    def train(text: str, vocab_size: int) -> Callable[[str], list[int]]:
        tokenizer = tokenizers.Tokenizer(models.BPE())
        tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
        tokenizer.decoder = decoders.ByteLevel()
        trainer = trainers.BpeTrainer(
            vocab_size=vocab_size,
            min_frequency=2,
            show_progress=False,
            initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        )
        tokenizer.train_from_iterator([text], trainer=trainer)
        return lambda s: tokenizer.encode(s).ids

    return train


def benchmark(
    vocab_sizes: Sequence[int] = VOCAB_SIZES,
    naive_chars: int = NAIVE_CHARS,
    train_text: str | None = None,
    encode_text: str | None = None,
    hugging_face: bool = True,
) -> list[Row]:
    """Rows for lib (whole text and naive prefix), the naive implementation (prefix) and Hugging Face (whole text).

    Defaults: the corpus's train split for training, its validation split for encoding. Raises
    AssertionError if lib and the naive trainer learn different merges, or encode differently.
    """
    sizes = [positive_int("vocab_sizes", v, minimum=BYTE_VOCAB) for v in vocab_sizes]
    naive_chars = positive_int("naive_chars", naive_chars)
    text = load_python_docs("train") if train_text is None else train_text
    held_out = load_python_docs("validation") if encode_text is None else encode_text
    for name, value in (("train_text", text), ("encode_text", held_out)):
        if not isinstance(value, str) or not value:
            raise ValueError(f"{name} must be a non-empty str, got {value!r:.40}")
    prefix = text[:naive_chars]
    hf_train = hugging_face_trainer() if hugging_face else None
    rows: list[Row] = []

    def rate(encode: Callable[[str], list[int]]) -> float:
        _, seconds = _timed(lambda: encode(held_out))
        return len(held_out) / seconds

    for size in sizes:
        merges, seconds = _timed(lambda: train_merges(text, size))  # noqa: B023 (called at once)
        ranks = {pair: rank for rank, pair in enumerate(merges)}
        rows.append(Row("lib", size, len(text), len(merges), seconds, rate(lambda s: encode_with_merges(s, ranks))))  # noqa: B023
        lib_prefix, lib_seconds = _timed(lambda: train_merges(prefix, size))  # noqa: B023
        naive, naive_seconds = _timed(lambda: naive_train_merges(prefix, size))  # noqa: B023
        if naive != lib_prefix:
            raise AssertionError(f"vocab {size}: lib and the naive trainer learned different merges")
        prefix_ranks = {pair: rank for rank, pair in enumerate(lib_prefix)}
        sample = held_out[:2000]
        if naive_encode(sample, naive) != encode_with_merges(sample, prefix_ranks):
            raise AssertionError(f"vocab {size}: lib and the naive encoder give different ids")
        lib_rate = rate(lambda s: encode_with_merges(s, prefix_ranks))  # noqa: B023
        rows.append(Row("lib (prefix)", size, len(prefix), len(lib_prefix), lib_seconds, lib_rate))
        naive_rate = rate(lambda s: naive_encode(s, naive))  # noqa: B023
        rows.append(Row("naive (prefix)", size, len(prefix), len(naive), naive_seconds, naive_rate))
        if hf_train is not None:
            encode, hf_seconds = _timed(lambda: hf_train(text, size))  # noqa: B023
            rows.append(Row("Hugging Face", size, len(text), size - BYTE_VOCAB, hf_seconds, rate(encode)))
    return rows


def ratios(rows: Sequence[Row]) -> list[str]:
    """Per vocabulary size: lib's speed-up over the naive implementation (same prefix), and Hugging Face's over lib."""
    by = {(r.implementation, r.vocab_size): r for r in rows}
    lines = []
    for size in sorted({r.vocab_size for r in rows}):
        lib, lib_prefix, naive = by[("lib", size)], by[("lib (prefix)", size)], by[("naive (prefix)", size)]
        lines.append(
            f"  vocab {size}: lib over naive: training {naive.train_seconds / lib_prefix.train_seconds:.1f}x, "
            f"encoding {lib_prefix.encode_chars_per_s / naive.encode_chars_per_s:.1f}x"
        )
        hf = by.get(("Hugging Face", size))
        if hf is not None:
            lines.append(
                f"  vocab {size}: Hugging Face over lib: training {lib.train_seconds / hf.train_seconds:.1f}x, "
                f"encoding {hf.encode_chars_per_s / lib.encode_chars_per_s:.1f}x"
            )
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    """Print a table of training times and encoding rates, then the ratios."""
    parser = argparse.ArgumentParser(prog="python -m lib.data.bench_bpe", description=__doc__.splitlines()[0])
    parser.add_argument("--vocab-sizes", type=int, nargs="+", default=list(VOCAB_SIZES))
    parser.add_argument("--naive-chars", type=int, default=NAIVE_CHARS, help="prefix the naive trainer gets")
    parser.add_argument("--chars", type=int, default=None, help="use only this many characters of the corpus")
    parser.add_argument("--no-hugging-face", action="store_true", help="skip Hugging Face tokenizers")
    args = parser.parse_args(argv)
    os.environ.setdefault("RAYON_NUM_THREADS", "1")  # read when Hugging Face first trains: one thread, like lib
    text, held_out = load_python_docs("train"), load_python_docs("validation")
    if args.chars is not None:
        text, held_out = text[: args.chars], held_out[: args.chars]
    hugging_face = not args.no_hugging_face and hugging_face_trainer() is not None
    if not args.no_hugging_face and not hugging_face:
        print("Hugging Face tokenizers is not installed (pip install tokenizers): its rows are skipped")
    elif hugging_face:
        threads = os.environ["RAYON_NUM_THREADS"]
        print(f"Hugging Face tokenizers: Rust, RAYON_NUM_THREADS={threads}; times are process CPU seconds")
    print(
        f"training on {len(text):,} characters of the Python docs, encoding {len(held_out):,}; "
        f"the naive trainer and lib (prefix) get the first {min(args.naive_chars, len(text)):,} characters"
    )
    try:
        rows = benchmark(args.vocab_sizes, args.naive_chars, text, held_out, hugging_face)
    except ValueError as err:
        parser.error(str(err))
    print(f"  {'implementation':<16}{'vocab':>6}{'chars':>10}{'merges':>8}{'train s':>10}{'encode chars/s':>16}")
    for r in rows:
        print(
            f"  {r.implementation:<16}{r.vocab_size:>6}{r.train_chars:>10,}{r.merges:>8}"
            f"{r.train_seconds:>10.2f}{r.encode_chars_per_s:>16,.0f}"
        )
    for r in rows:
        if r.implementation == "naive (prefix)" and r.merges < r.vocab_size - BYTE_VOCAB:
            print(f"  (vocab {r.vocab_size}: no pair occurs twice in the prefix after {r.merges} merges: both stop)")
    print("ratios (speed-up, same text for each pair):")
    print("\n".join(ratios(rows)))
    print(f"total CPU time {time.process_time():.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
