"""Tests of lib.data.char_tokenizer and its lib.data.tokenizer base: round trips, files, clear errors."""

import pytest
import torch

from lib.data.char_tokenizer import CharTokenizer
from lib.data.tokenizer import Tokenizer


def test_vocabulary_is_sorted_distinct_characters():
    tok = CharTokenizer.from_text("hello world")
    assert tok.chars == (" ", "d", "e", "h", "l", "o", "r", "w")
    assert tok.vocab_size == len(tok) == 8
    assert repr(tok) == "CharTokenizer(vocab_size=8)"


def test_encode_decode_round_trip():
    text = 'def f(x):\n    return "é" * 2'
    tok = CharTokenizer.from_text(text)
    ids = tok.encode(text)
    assert isinstance(ids, list) and len(ids) == len(text) and all(type(i) is int for i in ids)
    assert tok.decode(ids) == text
    tensor = tok.encode_tensor(text)
    assert tensor.dtype == torch.long and tensor.tolist() == ids
    assert tok.decode(tensor) == text
    assert tok.encode("") == [] and tok.encode_tensor("").shape == (0,)
    assert tok.encode("ff") == [tok.chars.index("f")] * 2


def test_unknown_characters_are_named():
    tok = CharTokenizer("abc")
    message = r"2 character\(s\) not in the vocabulary: 'x' \(U\+0078\), 'z'.*first at index 1"
    with pytest.raises(ValueError, match=message):
        tok.encode("azbx")


def test_bad_inputs():
    with pytest.raises(ValueError, match="chars must be a non-empty"):
        CharTokenizer("")
    with pytest.raises(ValueError, match="single characters"):
        CharTokenizer(["ab", "c"])
    with pytest.raises(ValueError, match="text must be a non-empty str"):
        CharTokenizer.from_text("")
    tok = CharTokenizer("abc")
    with pytest.raises(TypeError, match="text must be a str"):
        tok.encode(b"abc")
    with pytest.raises(ValueError, match=r"ids must lie in \[0, 3\)"):
        tok.decode([0, 3])
    with pytest.raises(ValueError, match="1-D integer tensor"):
        tok.decode(torch.tensor([0.0, 1.0]))
    with pytest.raises(TypeError, match="sequence of ints"):
        tok.decode([0, 1.5])


def test_char_tokenizer_is_a_tokenizer_and_the_base_is_abstract():
    assert isinstance(CharTokenizer("ab"), Tokenizer)
    with pytest.raises(TypeError, match="abstract"):
        Tokenizer()


def test_save_and_load_round_trip(tmp_path):
    text = "naïve café, 大模型\n"
    tok = CharTokenizer.from_text(text)
    path = tok.save(tmp_path / "sub" / "tok.json")
    assert path.exists() and not list(path.parent.glob("*.tmp"))  # written atomically, nothing left over
    again = CharTokenizer.load(path)
    assert again.chars == tok.chars and again.encode(text) == tok.encode(text)
    assert tok.to_dict() == {"kind": "char", "version": 1, "chars": "".join(tok.chars)}


def test_load_rejects_other_files(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="is not a saved tokenizer"):
        CharTokenizer.load(bad)
    bad.write_text('{"kind": "byte-level-bpe", "version": 1}', encoding="utf-8")
    with pytest.raises(ValueError, match="not a char tokenizer of format version 1"):
        CharTokenizer.load(bad)
    bad.write_text('{"kind": "char", "version": 2, "chars": "ab"}', encoding="utf-8")
    with pytest.raises(ValueError, match="not a char tokenizer of format version 1"):
        CharTokenizer.load(bad)
    bad.write_text('{"kind": "char", "version": 1}', encoding="utf-8")
    with pytest.raises(ValueError, match="needs 'chars'"):
        CharTokenizer.load(bad)
    with pytest.raises(FileNotFoundError, match="no tokenizer at"):
        CharTokenizer.load(tmp_path / "missing.json")


def test_decode_rejects_a_string():
    with pytest.raises(TypeError, match="sequence of ints, got str"):
        CharTokenizer("abc").decode("ab")
