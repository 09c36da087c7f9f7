"""Tests of lesson 5.3's experiment code: the topic split, leakage counting and the result cache (fast parts)."""

import pytest

from lib.data.pydoc_corpus import paragraphs, topic_paragraphs
from lib.lessons.lesson_5_3_data import cached_result, duplicate_partners, leaked, topic_split


def test_topic_paragraphs_hold_the_corpus_with_its_duplicates():
    rows = topic_paragraphs()
    texts = [p for _, p in rows]
    assert len(set(texts)) == len(paragraphs()) < len(texts)  # pydoc_corpus keeps each paragraph once
    assert list(dict.fromkeys(texts)) == paragraphs()


def test_topic_split_is_deterministic_and_near_its_fraction():
    topics = [f"topic-{i}" for i in range(2000)]
    val = topic_split(topics, 0.15, seed=0)
    assert val == topic_split(topics, 0.15, seed=0) != topic_split(topics, 0.15, seed=1)
    assert len(val) / 2000 == pytest.approx(0.15, abs=0.03)
    with pytest.raises(ValueError, match="val_fraction"):
        topic_split(topics, 0.0)


def test_leaked_counts_validation_items_with_a_training_partner():
    texts = ["one two three four five six", "one two three four five six", "seven eight nine ten eleven", "x"]
    partners = duplicate_partners(texts, threshold=0.8)
    assert partners == {0: {1}, 1: {0}}
    assert leaked([1, 2], [0, 3], partners) == [1]
    assert leaked([2, 3], [0, 1], partners) == []


def test_cached_result_computes_once_then_replays(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_CACHE", str(tmp_path))
    calls = []

    def compute():
        calls.append(1)
        return {"a": [1.0, 2.0]}

    assert cached_result("unit", {"k": 1}, compute) == {"a": [1.0, 2.0]}
    assert cached_result("unit", {"k": 1}, compute) == {"a": [1.0, 2.0]}
    assert len(calls) == 1
    cached_result("unit", {"k": 2}, compute)  # another key computes again
    assert len(calls) == 2
