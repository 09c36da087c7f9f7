"""Tests of lib.data.blocks: next-token pairs, reproducible random batches from their own generator."""

import pytest
import torch

from lib.data.blocks import RandomBlocks, next_token_blocks


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


def test_random_blocks_leave_the_global_generator_alone():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    list(RandomBlocks(torch.arange(50), 4, 8, 5, seed=7))
    assert torch.equal(torch.rand(3), expected)


def test_random_blocks_resume_from_state():
    tokens = torch.arange(200)
    whole = RandomBlocks(tokens, 6, 3, 2, seed=5)
    first, second = list(whole), list(whole)
    resumed = RandomBlocks(tokens, 6, 3, 2, seed=5)
    list(resumed)
    state = resumed.state_dict()
    fresh = RandomBlocks(tokens, 6, 3, 2, seed=99)
    fresh.load_state_dict(state)
    assert all(torch.equal(a[0], b[0]) for a, b in zip(second, fresh, strict=True))
    assert not all(torch.equal(a[0], b[0]) for a, b in zip(first, second, strict=True))
    with pytest.raises(ValueError, match="'generator' tensor"):
        fresh.load_state_dict({})
    with pytest.raises(ValueError, match="seed must be an int"):
        RandomBlocks(tokens, 6, 3, 2, seed=-1)
