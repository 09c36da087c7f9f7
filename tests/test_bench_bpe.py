"""Tests of lib.data.bench_bpe: the naive BPE is correct (lib's merges and ids), and the script prints its ratios."""

import re

import pytest

from lib.data import bench_bpe
from lib.data.bench_bpe import naive_encode, naive_train_merges
from lib.data.bpe import BPETokenizer, train_merges
from lib.data.pydoc_corpus import load_python_docs


def test_naive_trainer_learns_lib_merges():
    text = load_python_docs("train")[:4000]
    for vocab in (260, 400, 600):
        assert naive_train_merges(text, vocab) == train_merges(text, vocab)


def test_naive_trainer_hand_example():
    # "aaab aaab": pairs (a,a) x4, (a,b) x2, (" ",a) x1 -> first merge is (97, 97)
    assert naive_train_merges("aaab aaab", 257) == [(97, 97)]


def test_naive_encoder_matches_lib_and_round_trips():
    text = load_python_docs("train")[:4000]
    tokenizer = BPETokenizer.train(text, 400)
    sample = load_python_docs("validation")[:1500] + " 中文 🙂"
    ids = naive_encode(sample, tokenizer.merges)
    assert ids == tokenizer.encode(sample)
    assert tokenizer.decode(ids) == sample


def test_benchmark_rejects_bad_arguments():
    with pytest.raises(ValueError, match="vocab_sizes"):
        bench_bpe.benchmark([100], train_text="ab", encode_text="ab")
    with pytest.raises(ValueError, match="train_text"):
        bench_bpe.benchmark([300], train_text="", encode_text="ab")


def test_script_prints_rows_and_ratios(capsys):
    assert bench_bpe.main(["--vocab-sizes", "300", "400", "--naive-chars", "1500", "--chars", "3000"]) == 0
    out = capsys.readouterr().out
    for name in ("lib", "lib \\(prefix\\)", "naive \\(prefix\\)"):
        assert re.search(rf"^  {name} +300 +[\d,]+ +\d+ +[\d.]+ +[\d,]+$", out, re.M), name
    for vocab in (300, 400):
        assert re.search(rf"vocab {vocab}: lib over naive: training [\d.]+x, encoding [\d.]+x$", out, re.M)
    if bench_bpe.hugging_face_trainer() is None:
        assert "tokenizers is not installed" in out
    else:
        assert re.search(r"vocab 300: Hugging Face over lib: training [\d.]+x, encoding [\d.]+x$", out, re.M)
