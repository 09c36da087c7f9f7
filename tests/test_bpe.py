"""lib.data.bpe: the incremental trainer equals the textbook one, and every string round-trips."""

import json
import time
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.core.files import atomic_write_text
from lib.data.bpe import BPETokenizer, merge_pair, pretokenize, to_bytes, train_merges
from lib.data.pydoc_corpus import load_python_docs

SAMPLE = (
    "The with statement wraps a block. The with statement calls __enter__ and __exit__; "
    "the the the theme thereof. 1234 12 34 + += ** // 'll 've\n\n  indented\tcode()\n"
)


def naive_merges(text: str, vocab_size: int) -> list[tuple[int, int]]:
    """The simplest correct trainer: recount every pair of every pre-token at every merge."""
    words = [list(to_bytes(w)) for w in pretokenize(text)]
    merges = []
    while 256 + len(merges) < vocab_size:
        counts = Counter(p for w in words for p in zip(w, w[1:], strict=False))
        if not counts:
            break
        best_count = max(counts.values())
        if best_count < 2:
            break
        pair = min(p for p, c in counts.items() if c == best_count)
        new_id = 256 + len(merges)
        merges.append(pair)
        words = [merge_pair(w, pair, new_id) for w in words]
    return merges


@pytest.fixture(scope="module")
def docs_tokenizer() -> BPETokenizer:
    return BPETokenizer.train(load_python_docs("train")[:60_000], 512)


@pytest.mark.parametrize("vocab_size", [256, 260, 300, 400])
def test_incremental_training_equals_the_naive_recount(vocab_size):
    assert train_merges(SAMPLE, vocab_size) == naive_merges(SAMPLE, vocab_size)


def test_incremental_training_equals_the_naive_recount_on_real_text():
    text = load_python_docs("validation")[:8000]
    assert train_merges(text, 330) == naive_merges(text, 330)


def test_merge_pair_is_left_to_right_and_non_overlapping():
    assert merge_pair([1, 1, 1], (1, 1), 9) == [9, 1]
    assert merge_pair([1, 2, 3, 1, 2], (1, 2), 7) == [7, 3, 7]
    assert merge_pair([], (1, 2), 7) == []


def test_pretokens_join_back_to_the_text():
    text = load_python_docs("validation")
    assert "".join(pretokenize(text)) == text


def test_training_stops_when_no_pair_repeats():
    assert len(train_merges("abcdefg", 1000)) == 0
    assert train_merges("abab abab", 300)[0] == (ord("a"), ord("b"))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello world",
        "大模型的预训练与微调",  # Chinese
        "emoji: 🤖🧠 and flags 🇨🇳",
        "control\x00\x01\x7f\u200b chars\r\n",
        "lone surrogates \udcff and \ud800 survive",
        "a surrogate pair written as two code units: \ud83e\udd16",
    ],
)
def test_round_trip_on_hard_strings(docs_tokenizer, text):
    ids = docs_tokenizer.encode(text)
    assert all(0 <= i < docs_tokenizer.vocab_size for i in ids)
    assert docs_tokenizer.decode(ids) == text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=()), max_size=80))  # surrogates too
def test_round_trip_property(docs_tokenizer, text):
    assert docs_tokenizer.decode(docs_tokenizer.encode(text)) == text


def test_merges_compress_english_but_help_chinese_little(docs_tokenizer):
    english = load_python_docs("validation")[:5000]
    chinese = "大模型是指参数规模超过数十亿的人工神经网络模型，通常在大规模数据集上预训练。" * 5
    english_ratio = len(to_bytes(english)) / len(docs_tokenizer.encode(english))
    chinese_ratio = len(to_bytes(chinese)) / len(docs_tokenizer.encode(chinese))
    assert english_ratio > 2.0  # bytes per token on held-out English prose (measured about 2.4 at 512)
    assert chinese_ratio < 1.2  # nearly one token per byte: three tokens per Chinese character


def test_cut_characters_decode_to_replacement_not_an_error(docs_tokenizer):
    ids = docs_tokenizer.encode("模")  # one character, three UTF-8 bytes
    assert docs_tokenizer.decode(ids[:1]) == "\ufffd"


def test_save_and_load_give_the_same_tokenizer(tmp_path, docs_tokenizer):
    path = docs_tokenizer.save(tmp_path / "tok.json")
    loaded = BPETokenizer.load(path)
    assert loaded.merges == docs_tokenizer.merges
    text = "Load me: 大模型 🤖"
    assert loaded.encode(text) == docs_tokenizer.encode(text)


def test_bad_files_and_arguments_are_clear_errors(tmp_path, docs_tokenizer):
    path = docs_tokenizer.save(tmp_path / "tok.json")
    path.write_text(path.read_text()[:50])  # truncated
    with pytest.raises(ValueError, match="is not a saved tokenizer"):
        BPETokenizer.load(path)
    atomic_write_text(tmp_path / "other.json", json.dumps({"kind": "something else"}))
    with pytest.raises(ValueError, match="byte-level-bpe"):
        BPETokenizer.load(tmp_path / "other.json")
    with pytest.raises(FileNotFoundError, match="no tokenizer"):
        BPETokenizer.load(tmp_path / "missing.json")
    with pytest.raises(ValueError, match="vocab_size must be an int of at least 256"):
        BPETokenizer.train("abc", 100)
    with pytest.raises(TypeError, match="text must be a str"):
        docs_tokenizer.encode(b"bytes")
    with pytest.raises(ValueError, match="token ids must be ints"):
        docs_tokenizer.decode([docs_tokenizer.vocab_size])
    with pytest.raises(ValueError, match=r"merges\[0\] must be a pair"):
        BPETokenizer([(300, 1)])


def test_a_1024_vocabulary_on_the_whole_corpus_trains_fast():
    # The bar is 10 s on a 2-core machine; the run takes about 0.5 s. A generous limit keeps a
    # busy CI machine from failing the test while still catching a return to per-merge recounting (minutes).
    start = time.perf_counter()
    tokenizer = BPETokenizer.train(load_python_docs("all"), 1024)
    assert time.perf_counter() - start < 10
    assert tokenizer.vocab_size == 1024


def test_pieces_show_token_boundaries(docs_tokenizer):
    text = "The return statement"
    pieces = docs_tokenizer.pieces(text)
    assert "".join(pieces) == text and len(pieces) == len(docs_tokenizer.encode(text)) < len(text)
    assert docs_tokenizer.pieces("模")[0] == "\\xe6"  # a cut character shows as its byte escape
