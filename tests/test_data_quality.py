"""Tests of lib.data.quality (Gopher-style rules), lib.data.label_noise and lib.scratch.ngram."""

import math
from collections import Counter

import pytest
import torch

from lib.data.label_noise import flip_labels, label_distribution
from lib.data.quality import GOPHER_RULES, QualityRules, failed_rules, passes, text_statistics, top_ngram_fraction
from lib.scratch.ngram import VOCAB, NGramModel

PROSE = (
    "The model reads the text and predicts the next word. It learns from the examples that it has seen, "
    "and it improves with more data of good quality. Each of the rules below looks at one simple property "
    "of a document, such as its length or how often its lines repeat, and that is enough to catch a lot."
)


def test_prose_passes_and_each_rule_catches_its_case():
    assert passes(PROSE), failed_rules(PROSE)
    assert "word count" in failed_rules("too short to be a document")
    assert "symbol ratio" in failed_rules(PROSE + " #tag" * 20)
    assert "bullet lines" in failed_rules("\n".join(f"- item {i} of the and to" for i in range(60)))
    assert "ellipsis lines" in failed_rules("\n".join(f"line {i} of the text that..." for i in range(60)))
    assert "alphabetic words" in failed_rules(PROSE + " 1 2 3 4 5 6 7 8 9 0" * 4)
    assert "stop words" in failed_rules(" ".join(f"word{i}" for i in range(60)))
    assert "duplicate lines" in failed_rules("\n".join([PROSE] * 3 + ["other line"]))
    assert "repeated n-grams" in failed_rules(PROSE + " buy now" * 40)
    assert passes("a b c", GOPHER_RULES.with_changes(min_words=3, min_stop_words=0, min_mean_word_length=1.0))
    with pytest.raises(ValueError, match="max_symbol_ratio"):
        QualityRules(max_symbol_ratio=2.0)
    with pytest.raises(TypeError, match="rules"):
        failed_rules(PROSE, rules={"min_words": 3})


def test_statistics_by_hand():
    stats = text_statistics("ab cd\n# x...\nab cd")
    assert stats["words"] == 6 and stats["mean_word_length"] == pytest.approx((2 + 2 + 1 + 4 + 2 + 2) / 6)
    assert stats["symbol_ratio"] == pytest.approx(2 / 6)  # one '#' and one '...'
    assert stats["duplicate_lines"] == pytest.approx(2 / 3) and stats["ellipsis_lines"] == pytest.approx(1 / 3)
    words = "a b a b a b c".split()
    assert top_ngram_fraction(words, 2) == pytest.approx(3 * 2 / 7)  # "a b" three times, 2 chars each, of 7


def test_flip_labels_rate_and_never_the_same_class():
    labels = torch.arange(10).repeat(2000)
    noisy, flipped = flip_labels(labels, 0.3, 10, seed=1)
    assert torch.equal(noisy != labels, flipped)  # a flip always changes the class
    assert flipped.double().mean().item() == pytest.approx(0.3, abs=0.01)
    counts = Counter(((noisy - labels) % 10)[flipped].tolist())  # offsets 1..9, uniform
    assert set(counts) == set(range(1, 10)) and max(counts.values()) / min(counts.values()) < 1.25
    assert torch.equal(flip_labels(labels, 0.3, 10, seed=1)[0], noisy)
    assert torch.equal(flip_labels(labels, 0.0, 10)[0], labels)
    assert label_distribution(0.5, 10) == pytest.approx((0.5, 0.5 / 9))
    with pytest.raises(ValueError, match="rate"):
        flip_labels(labels, 1.5, 10)
    with pytest.raises(ValueError, match="labels"):
        flip_labels(labels, 0.1, 5)


def test_ngram_probabilities_sum_to_one_and_match_witten_bell_by_hand():
    model = NGramModel(order=2).fit("abab")
    for context in ("", "a", "b", "z"):
        total = sum(model.probability(chr(c), context) for c in range(VOCAB))
        assert total == pytest.approx(1.0)
    # unigram: C = {a:2, b:2}, N = 4, T = 2: P(a) = (2 + 2/256) / 6; after "a": C(ab) = 2, C(a) = 2, T(a) = 1
    p_a = (2 + 2 / VOCAB) / 6
    p_b = p_a
    assert model.probability("a", "") == pytest.approx(p_a)
    assert model.probability("b", "a") == pytest.approx((2 + 1 * p_b) / 3)
    assert model.bits("ab") == pytest.approx(-math.log2(p_a) - math.log2((2 + p_b) / 3))


def test_ngram_seen_text_is_cheaper_than_unseen():
    model = NGramModel(order=4).fit(PROSE)
    assert model.bits_per_byte(PROSE[:100]) < 0.5 * model.bits_per_byte("Zebras quietly juggle vexing kumquats.")
    with pytest.raises(ValueError, match="empty"):
        model.bits_per_byte("")
    with pytest.raises(ValueError, match="order"):
        NGramModel(order=0)
