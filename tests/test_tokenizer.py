"""Tests of lib.data.tokenizer: every tokenizer of the course shares one interface and one file format."""

import pytest
import torch

from lib.data.bpe import BPETokenizer
from lib.data.char_tokenizer import CharTokenizer
from lib.data.tokenizer import Tokenizer, ids_as_list
from lib.data.word_tokenizer import WordTokenizer

TEXT = "def add(a, b):\n    return a + b  # adds two numbers"


def _tokenizers() -> list[Tokenizer]:
    return [CharTokenizer.from_text(TEXT), WordTokenizer.train([TEXT], min_count=1), BPETokenizer.train(TEXT, 270)]


@pytest.mark.parametrize("tokenizer", _tokenizers(), ids=["char", "word", "bpe"])
def test_every_tokenizer_shares_the_interface_and_round_trips_through_a_file(tokenizer, tmp_path):
    assert isinstance(tokenizer, Tokenizer)
    ids = tokenizer.encode(TEXT)
    assert isinstance(ids, list) and all(type(i) is int and 0 <= i < tokenizer.vocab_size for i in ids)
    tensor = tokenizer.encode_tensor(TEXT)
    assert tensor.dtype == torch.long and tensor.tolist() == ids
    assert tokenizer.decode(tensor) == tokenizer.decode(ids)  # a tensor decodes like the list
    assert len(tokenizer) == tokenizer.vocab_size
    path = tokenizer.save(tmp_path / "tok.json")
    loaded = type(tokenizer).load(path)
    assert loaded.encode(TEXT) == ids and loaded.vocab_size == tokenizer.vocab_size
    assert loaded.to_dict() == tokenizer.to_dict()


def test_a_file_of_one_kind_does_not_load_as_another(tmp_path):
    char_file = CharTokenizer.from_text(TEXT).save(tmp_path / "char.json")
    bpe_file = BPETokenizer.train(TEXT, 260).save(tmp_path / "bpe.json")
    with pytest.raises(ValueError, match="not a byte-level-bpe tokenizer"):
        BPETokenizer.load(char_file)
    with pytest.raises(ValueError, match="not a char tokenizer"):
        CharTokenizer.load(bpe_file)
    with pytest.raises(ValueError, match="not a word tokenizer"):
        WordTokenizer.load(char_file)
    with pytest.raises(ValueError, match="needs 'vocabulary'"):
        WordTokenizer.from_dict({"kind": "word", "version": 1})


def test_the_base_is_abstract_and_a_subclass_must_say_how_to_save():
    with pytest.raises(TypeError, match="abstract"):
        Tokenizer()

    class Half(Tokenizer):  # encodes, but never said what to store
        vocab_size = 1

        def encode(self, text):
            return []

        def decode(self, ids):
            return ""

    with pytest.raises(TypeError, match="_fields"):
        Half()


def test_ids_as_list_checks_its_input():
    assert ids_as_list(torch.tensor([0, 2]), 3) == [0, 2]
    with pytest.raises(ValueError, match=r"ids must lie in \[0, 3\)"):
        ids_as_list([3], 3)
    with pytest.raises(ValueError, match="1-D integer tensor"):
        ids_as_list(torch.zeros(2, 2, dtype=torch.long), 3)
    with pytest.raises(TypeError, match="sequence of ints"):
        ids_as_list([0.5], 3)
