"""Tests of lib.scale.batching: static against continuous batching, and contiguous against paged KV memory."""

import pytest

from lib.scale.batching import continuous_batching, kv_reservation, static_batching


def test_static_batching_waits_for_the_longest_sequence_of_each_batch():
    run = static_batching([1, 9, 2, 2], batch_size=2)
    assert run.steps == 9 + 2 and run.tokens == 14
    assert run.utilization == pytest.approx(14 / (11 * 2))


def test_continuous_batching_refills_slots_by_hand_count():
    # slots: [1, 9] -> step 1 ends the 1; [9-1=8, 2] ... the two 2s run beside the 9
    run = continuous_batching([1, 9, 2, 2], batch_size=2)
    assert run.steps == 9 and run.tokens == 14
    assert run.utilization == pytest.approx(14 / 18)
    # never worse than static, and equal when every sequence has the same length
    lengths = [5, 1, 7, 3, 3, 8, 2, 2, 6]
    for batch in (1, 2, 3, 4):
        assert continuous_batching(lengths, batch).steps <= static_batching(lengths, batch).steps
    assert continuous_batching([4] * 6, 3).steps == static_batching([4] * 6, 3).steps == 8
    assert continuous_batching(lengths, 1).steps == sum(lengths)


def test_kv_reservation_contiguous_and_paged():
    kv = kv_reservation([10, 17, 96], max_length=96, bytes_per_token=4096, block_size=16)
    assert kv.used == (10 + 17 + 96) * 4096
    assert kv.contiguous == 3 * 96 * 4096
    assert kv.paged == (16 + 32 + 96) * 4096
    assert kv.waste("contiguous") == pytest.approx(1 - 123 / 288)
    assert kv.waste("paged") == pytest.approx(1 - 123 / 144)
    assert kv_reservation([32, 16], 64, 1.0, block_size=16).waste("paged") == 0.0


def test_bad_arguments_name_themselves():
    with pytest.raises(ValueError, match="output_lengths"):
        static_batching([], 2)
    with pytest.raises(ValueError, match="batch_size"):
        continuous_batching([1], 0)
    with pytest.raises(ValueError, match="max_length"):
        kv_reservation([100], 96, 1.0)
    with pytest.raises(ValueError, match="scheme"):
        kv_reservation([1], 4, 1.0).waste("other")
    with pytest.raises(ValueError, match="bytes_per_token"):
        kv_reservation([1], 4, 0)
