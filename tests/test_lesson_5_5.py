"""Tests of lesson 5.5's helpers (lib.lessons.lesson_5_5_privacy) that need no trained model."""

from __future__ import annotations

import itertools

import pytest
import torch

from lib.data.bpe import BPETokenizer
from lib.data.char_tokenizer import CharTokenizer
from lib.data.pydoc_corpus import paragraphs
from lib.lessons import lesson_5_5_privacy as lesson


def test_canaries_cover_every_repeat_count_with_valid_pins():
    canaries = lesson.make_canaries(0)
    assert [c.repeats for c in canaries] == [r for r in lesson.REPEATS for _ in range(5)]
    assert all(len(c.secret) == 4 and set(c.secret) <= set(lesson.SYMBOLS) for c in canaries)
    assert canaries == lesson.make_canaries(0) and canaries != lesson.make_canaries(1)
    assert canaries[0].text == f"the PIN of alice is {canaries[0].secret}."


def test_secret_index_is_the_lexicographic_position():
    codes = ["".join(c) for c in itertools.product(lesson.SYMBOLS, repeat=lesson.DIGITS)]
    assert [lesson.secret_index(c) for c in codes[:50]] == list(range(50))
    assert lesson.secret_index(codes[-1]) == len(codes) - 1


def test_training_examples_repeat_canaries_and_dedup_collapses_them():
    tokenizer = BPETokenizer.train("the PIN of alice is 4567. " * 20 + "some other words here", 300)
    canaries = (lesson.Canary("alice", "4567", 3), lesson.Canary("bob", "9876", 1))
    filler = torch.arange(40).reshape(4, 10)
    inputs = torch.cat([filler, filler[:1], filler[:1]])
    targets = inputs + 1
    x, y = lesson.deduplicate_rows(inputs, targets)
    assert torch.equal(x, filler) and torch.equal(y, filler + 1)
    with pytest.raises(ValueError, match="single digits"):  # this small BPE merges digits: refused clearly
        lesson.canary_ids(tokenizer, canaries[0])
    chars = CharTokenizer.from_text("".join(paragraphs()) + "the PIN of alice bob is 456789.")
    prefix, digits = lesson.canary_ids(chars, canaries[0])
    assert chars.decode(prefix) == "the PIN of alice is " and chars.decode(digits) == "4567"
    x, y = lesson.training_examples(chars, canaries, n_filler=6, block=32)
    assert x.shape == y.shape == (6 + 3 + 1, 32)
    assert chars.decode(x[6][: len(canaries[0].text) - 1].tolist()) == canaries[0].text[:-1]
    assert (y[6] != -100).sum() == len(canaries[0].text) - 1  # padding is not learned
    dx, _ = lesson.deduplicate_rows(x, y)
    assert len(dx) == 6 + 1 + 1  # the three copies of alice's canary collapse to one
    with pytest.raises(ValueError, match="mode"):
        lesson.finetune_on_canaries(None, tokenizer, "nope")
