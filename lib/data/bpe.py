"""Byte-level byte-pair encoding (BPE, 字节对编码), as GPT-2 uses it (Sennrich et al. 2016; Radford et al. 2019).

Text becomes UTF-8 bytes, so every string has a tokenization and nothing is ever "unknown". Training
starts from the 256 byte values and repeatedly merges the most frequent adjacent pair into a new
token. Text is first split into pre-tokens (words, numbers, punctuation runs, spaces) so that a merge
never crosses a word boundary; training then counts pairs over the *distinct* pre-tokens, weighted by
how often each occurs, and after each merge updates only the counts of the words that contained the
merged pair. That is what makes a 1,024-token vocabulary train in seconds, not minutes.

Strings with lone surrogates (``"\\udcff"``, which ``str.encode("utf-8")`` refuses) are encoded with
the ``surrogatepass`` error handler described in the ``codecs`` documentation, so they round-trip too.
"""

from __future__ import annotations

import heapq
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import torch

from lib.core.validate import positive_int
from lib.data.tokenizer import Tokenizer, ids_as_list

# A GPT-2-style split using only the standard library's `re` ([^\W\d_] is "a letter" in Unicode):
# English contractions, letters with an optional leading space, digits, other symbols, whitespace.
PRETOKEN_PATTERN = r"""'(?:[sdmt]|ll|ve|re)| ?[^\W\d_]+| ?\d+| ?[^\s\w]+|\s+(?!\S)|\s+|_+"""
BYTE_VOCAB = 256
ENCODING_ERRORS = "surrogatepass"
FORMAT_KIND = "byte-level-bpe"
FORMAT_VERSION = 1

Pair = tuple[int, int]


def pretokenize(text: str, pattern: str = PRETOKEN_PATTERN) -> list[str]:
    """Split ``text`` into the pieces that BPE merges within; joining them gives ``text`` back."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    return re.findall(pattern, text)


def to_bytes(text: str) -> bytes:
    """UTF-8 bytes of ``text``; lone surrogates pass through (``surrogatepass``) so every str encodes."""
    return text.encode("utf-8", errors=ENCODING_ERRORS)


def merge_pair(ids: list[int], pair: Pair, new_id: int) -> list[int]:
    """Replace every non-overlapping occurrence of ``pair`` in ``ids`` (left to right) by ``new_id``."""
    out: list[int] = []
    i, n = 0, len(ids)
    first, second = pair
    while i < n:
        if i + 1 < n and ids[i] == first and ids[i + 1] == second:
            out.append(new_id)
            i += 2
        else:
            out.append(ids[i])
            i += 1
    return out


def _pairs(ids: tuple[int, ...] | list[int]) -> Iterable[Pair]:
    return zip(ids, ids[1:], strict=False)


def train_merges(text: str, vocab_size: int, pattern: str = PRETOKEN_PATTERN) -> list[Pair]:
    """The merges that grow a 256-byte vocabulary to ``vocab_size`` tokens on ``text``, in order.

    Ties between equally frequent pairs go to the smallest pair, so training is deterministic.
    Stops early when no pair occurs twice (a merge would not shorten anything).
    """
    vocab_size = positive_int("vocab_size", vocab_size, minimum=BYTE_VOCAB)
    word_counts = Counter(pretokenize(text, pattern))
    words: list[list[int]] = [list(to_bytes(w)) for w in word_counts]
    freqs: list[int] = list(word_counts.values())

    pair_counts: Counter[Pair] = Counter()
    where: dict[Pair, set[int]] = {}
    for index, (ids, freq) in enumerate(zip(words, freqs, strict=True)):
        for pair in _pairs(ids):
            pair_counts[pair] += freq
            where.setdefault(pair, set()).add(index)
    heap = [(-count, pair) for pair, count in pair_counts.items()]
    heapq.heapify(heap)

    merges: list[Pair] = []
    while len(merges) < vocab_size - BYTE_VOCAB and heap:
        negative, pair = heapq.heappop(heap)
        if pair_counts.get(pair, 0) != -negative:
            continue  # a stale entry: this pair's count changed after it was pushed
        if -negative < 2:
            break
        new_id = BYTE_VOCAB + len(merges)
        merges.append(pair)
        changed: set[Pair] = set()
        for index in where.pop(pair, set()):
            old, freq = words[index], freqs[index]
            new = merge_pair(old, pair, new_id)
            for p in _pairs(old):
                pair_counts[p] -= freq
                changed.add(p)
            for p in _pairs(new):
                pair_counts[p] += freq
                changed.add(p)
                where.setdefault(p, set()).add(index)
            words[index] = new
        for p in changed:
            count = pair_counts.get(p, 0)
            if count > 0:
                heapq.heappush(heap, (-count, p))
            else:
                pair_counts.pop(p, None)
        pair_counts.pop(pair, None)
    return merges


def encode_with_merges(text: str, ranks: dict[Pair, int], pattern: str = PRETOKEN_PATTERN) -> list[int]:
    """Token ids of ``text``: each pre-token's bytes, merged lowest-rank pair first (as in training)."""
    cache: dict[str, list[int]] = {}
    out: list[int] = []
    for piece in pretokenize(text, pattern):
        ids = cache.get(piece)
        if ids is None:
            ids = list(to_bytes(piece))
            while len(ids) > 1:
                best = min(_pairs(ids), key=lambda p: ranks.get(p, len(ranks) + 1))
                if best not in ranks:
                    break
                ids = merge_pair(ids, best, BYTE_VOCAB + ranks[best])
            cache[piece] = ids
        out.extend(ids)
    return out


class BPETokenizer(Tokenizer):
    """A trained byte-level BPE: ``encode`` any str to ids, ``decode`` ids back, save and load as JSON."""

    kind = FORMAT_KIND
    version = FORMAT_VERSION

    def __init__(self, merges: list[Pair], pattern: str = PRETOKEN_PATTERN) -> None:
        self.pattern = pattern
        self.merges: list[Pair] = []
        self.vocab: list[bytes] = [bytes([b]) for b in range(BYTE_VOCAB)]
        for position, pair in enumerate(merges):
            if (
                not isinstance(pair, (tuple, list))
                or len(pair) != 2
                or not all(isinstance(i, int) and 0 <= i < BYTE_VOCAB + position for i in pair)
            ):
                raise ValueError(
                    f"merges[{position}] must be a pair of token ids below {BYTE_VOCAB + position}, got {pair!r}"
                )
            a, b = pair
            self.merges.append((a, b))
            self.vocab.append(self.vocab[a] + self.vocab[b])
        self.ranks: dict[Pair, int] = {pair: rank for rank, pair in enumerate(self.merges)}

    @classmethod
    def train(cls, text: str, vocab_size: int, pattern: str = PRETOKEN_PATTERN) -> BPETokenizer:
        """Learn ``vocab_size - 256`` merges from ``text`` (fewer if no pair repeats)."""
        return cls(train_merges(text, vocab_size, pattern), pattern)

    @property
    def vocab_size(self) -> int:
        """Number of token ids: 256 bytes plus one per merge."""
        return len(self.vocab)

    def encode(self, text: str) -> list[int]:
        """Token ids of ``text``; every str has one, Chinese, emoji, control characters and lone surrogates included."""
        return encode_with_merges(text, self.ranks, self.pattern)

    def decode(self, ids: Sequence[int] | torch.Tensor) -> str:
        """The text of ``ids``. Ids from :meth:`encode` give the exact string back; an arbitrary sequence
        (a model's sample) may cut a character's bytes apart, and those bytes become U+FFFD."""
        if isinstance(ids, torch.Tensor):
            ids = ids_as_list(ids, self.vocab_size)
        data = b"".join(self._token_bytes(i) for i in ids)
        try:
            return data.decode("utf-8", errors=ENCODING_ERRORS)
        except UnicodeDecodeError:
            return data.decode("utf-8", errors="replace")

    def pieces(self, text: str) -> list[str]:
        """``text`` cut into its tokens, each shown as :meth:`token_text` shows it (for seeing boundaries)."""
        return [self.token_text(i) for i in self.encode(text)]

    def token_text(self, token: int) -> str:
        """A readable form of one token for tables and plots (its bytes, with invalid UTF-8 shown as escapes)."""
        return self._token_bytes(token).decode("utf-8", errors="backslashreplace")

    def _token_bytes(self, token: int) -> bytes:
        if isinstance(token, bool) or not isinstance(token, int) or not 0 <= token < len(self.vocab):
            raise ValueError(f"token ids must be ints in [0, {len(self.vocab)}), got {token!r}")
        return self.vocab[token]

    def _fields(self) -> dict[str, Any]:
        """The pre-token pattern and the merges, in order."""
        return {"pattern": self.pattern, "merges": self.merges}

    @classmethod
    def _from_fields(cls, data: dict[str, Any]) -> BPETokenizer:
        """Rebuild a tokenizer from :meth:`_fields`' data (JSON turns each pair into a list)."""
        if not isinstance(data.get("pattern"), str) or not isinstance(data.get("merges"), list):
            raise ValueError("data must hold a 'pattern' string and a 'merges' list")
        return cls([tuple(pair) if isinstance(pair, list) else pair for pair in data["merges"]], data["pattern"])
