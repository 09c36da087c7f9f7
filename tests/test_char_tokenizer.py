"""Tests of lib.data.char_tokenizer: round trips, clear errors, and next-token blocks."""

import pytest
import torch

from lib.data.char_tokenizer import CharTokenizer, RandomBlocks, next_token_blocks


def test_vocabulary_is_sorted_distinct_characters():
    tok = CharTokenizer.from_text("hello world")
    assert tok.chars == (" ", "d", "e", "h", "l", "o", "r", "w")
    assert tok.vocab_size == len(tok) == 8
    assert repr(tok) == "CharTokenizer(vocab_size=8)"


def test_encode_decode_round_trip():
    text = 'def f(x):\n    return "é" * 2'
    tok = CharTokenizer.from_text(text)
    ids = tok.encode(text)
    assert ids.dtype == torch.long and ids.shape == (len(text),)
    assert tok.decode(ids) == text
    assert tok.decode(ids.tolist()) == text
    assert tok.encode("").shape == (0,)
    assert tok.encode("ff").tolist() == [tok.chars.index("f")] * 2


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


def test_next_token_blocks_shift_by_one():
    tokens = torch.arange(10)
    x, y = next_token_blocks(tokens, block_size=3)
    assert x.tolist() == [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    assert y.tolist() == [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
    x, y = next_token_blocks(tokens, block_size=4, stride=2)
    assert x.tolist() == [[0, 1, 2, 3], [2, 3, 4, 5], [4, 5, 6, 7]]
    torch.testing.assert_close(y, x + 1)
    x, y = next_token_blocks(tokens, block_size=9)
    assert x.shape == (1, 9) and y[0, -1] == 9


def test_next_token_blocks_bad_inputs():
    with pytest.raises(ValueError, match="tokens must be a 1-D"):
        next_token_blocks(torch.zeros(2, 5, dtype=torch.long), 2)
    with pytest.raises(ValueError, match="tokens must be a 1-D"):
        next_token_blocks(torch.zeros(5), 2)
    with pytest.raises(ValueError, match="block_size must be a positive int"):
        next_token_blocks(torch.arange(5), 0)
    with pytest.raises(ValueError, match="at least block_size \\+ 1 = 6"):
        next_token_blocks(torch.arange(5), 5)
    with pytest.raises(ValueError, match="stride must be a positive int"):
        next_token_blocks(torch.arange(5), 2, stride=0)


def test_random_blocks_are_next_token_pairs_and_reproducible():
    tokens = torch.arange(100)
    a = RandomBlocks(tokens, block_size=8, batch_size=4, batches_per_epoch=3, seed=1)
    b = RandomBlocks(tokens, block_size=8, batch_size=4, batches_per_epoch=3, seed=1)
    first = list(a)
    assert len(a) == len(first) == 3
    for (xa, ya), (xb, _) in zip(first, b, strict=True):
        assert xa.shape == ya.shape == (4, 8)
        torch.testing.assert_close(ya, xa + 1)  # targets are the next ids
        torch.testing.assert_close(xa, xb)
        assert int(ya.max()) <= 99
    second = list(a)  # a new pass draws new positions
    assert not all(torch.equal(x1, x2) for (x1, _), (x2, _) in zip(first, second, strict=True))


def test_random_blocks_bad_inputs():
    with pytest.raises(ValueError, match="batch_size must be a positive int"):
        RandomBlocks(torch.arange(20), 4, 0, 1)
    with pytest.raises(ValueError, match="batches_per_epoch must be a positive int"):
        RandomBlocks(torch.arange(20), 4, 2, -1)
    with pytest.raises(ValueError, match="at least block_size"):
        RandomBlocks(torch.arange(4), 4, 2, 1)


def test_random_blocks_stay_inside_the_tokens():
    tokens = torch.arange(6)  # exactly one block of 5 fits: every draw must be that block
    for x, y in RandomBlocks(tokens, block_size=5, batch_size=16, batches_per_epoch=4, seed=0):
        assert (x == tokens[:5]).all() and (y == tokens[1:]).all()
