import math

import pytest

from lib.scale import costs
from lib.scale.serving import DATASHEETS, Accelerator, decode_tokens_per_second_bound

H100 = DATASHEETS["H100 SXM"]


def test_accelerator_hours_by_hand_and_implied_mfu_inverts_it():
    # 3.6e18 FLOPs on a 1e15 FLOP/s chip at half its peak: 7,200 s = 2 hours
    assert costs.accelerator_hours(3.6e18, 1e15, 0.5) == pytest.approx(2.0, rel=1e-12)
    hours = costs.accelerator_hours(3.8e25, 989e12, 0.41)
    assert costs.implied_mfu(3.8e25, hours, 989e12) == pytest.approx(0.41, rel=1e-12)


def test_training_estimate_is_six_n_d_spread_over_the_chips():
    est = costs.training_estimate(1e9, 2e10, 1e15, 0.5, n_accelerators=10, price_per_accelerator_hour=3.0)
    assert est.compute_flops == pytest.approx(6 * 1e9 * 2e10)
    hours = 1.2e20 / 5e14 / 3600
    assert est.accelerator_hours == pytest.approx(hours)
    assert est.days == pytest.approx(hours / 10 / 24)
    assert est.cost == pytest.approx(3.0 * hours)
    assert "6ND" in est.report() and "days" in est.report()


def test_prefill_rate_spends_two_n_flops_per_token_at_the_utilization():
    rate = costs.prefill_tokens_per_second(8e9, H100.peak_flops, 0.5)
    assert rate * 2 * 8e9 == pytest.approx(0.5 * H100.peak_flops)


def test_cost_per_million_tokens_by_hand():
    # $3.60 an hour is $0.001 a second; a million tokens at 1,000 tokens/s take 1,000 s
    assert costs.cost_per_million_tokens(1000, 3.6) == pytest.approx(1.0)
    assert costs.cost_per_million_tokens(1000, 3.6, n_accelerators=4) == pytest.approx(4.0)


def test_critical_batch_is_where_the_decode_roofline_bends():
    n, bandwidth, peak = 7e9, H100.bandwidth_bytes_per_s, H100.peak_flops
    b_star = costs.critical_batch_size(peak, bandwidth, "bf16")
    assert b_star == pytest.approx(989.5e12 * 2 / (2 * 3.35e12))  # the datasheet: 1,979 sparse = 2 x dense
    memory_rate = bandwidth / (2 * n)  # steps per second when the weight read is the limit
    below, above = math.floor(b_star), math.ceil(b_star)
    assert decode_tokens_per_second_bound(n, bandwidth, peak, "bf16", below) == pytest.approx(below * memory_rate)
    assert decode_tokens_per_second_bound(n, bandwidth, peak, "bf16", above) == pytest.approx(peak / (2 * n))
    assert costs.critical_batch_size(peak, bandwidth, "int4") == pytest.approx(b_star / 4)


def test_memory_by_precision_adds_the_same_kv_cache_to_each():
    table = costs.memory_by_precision(7e9, kv_cache_bytes=1e9)
    assert table == {"fp32": 29e9, "bf16": 15e9, "int8": 8e9, "int4": 4.5e9}
    assert list(costs.memory_by_precision(1e6, precisions=("int8",))) == ["int8"]


def test_serving_cost_batches_share_the_weight_read():
    one = costs.serving_cost(8e9, 0.0, H100, 2.0, batch_size=1)
    many = costs.serving_cost(8e9, 0.0, H100, 2.0, batch_size=64)
    assert one.n_accelerators == many.n_accelerators == 1
    assert one.decode_cost_per_million / many.decode_cost_per_million == pytest.approx(64)
    assert one.prefill_cost_per_million == pytest.approx(many.prefill_cost_per_million)
    # prefill is compute-bound and so far cheaper per token than decoding one sequence
    assert one.prefill_cost_per_million < one.decode_cost_per_million / 100


def test_serving_cost_counts_the_accelerators_the_memory_needs():
    small = Accelerator("small", 10e9, 1e12, 1e14, "test")
    cost = costs.serving_cost(8e9, 1e6, small, 1.0, dtype="bf16", batch_size=2, context_tokens=1000)
    assert cost.memory_bytes == pytest.approx(16e9 + 2 * 1000 * 1e6)
    assert cost.n_accelerators == 2
    expected = decode_tokens_per_second_bound(8e9, 2e12, 2e14, "bf16", 2, 1e9)
    assert cost.decode_tokens_per_second == pytest.approx(expected)


def test_cost_report_names_training_and_serving():
    text = costs.cost_report(8e9, 15e12, 131072, H100, 2.0)
    assert "6ND" in text and "int4" in text and "per million generated tokens" in text


@pytest.mark.parametrize("mfu", [0, 1.5, -0.1, float("nan")])
def test_bad_mfu_is_named(mfu):
    with pytest.raises(ValueError, match="mfu"):
        costs.accelerator_hours(1e20, 1e15, mfu)


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="compute_flops"):
        costs.accelerator_hours(0, 1e15, 0.5)
    with pytest.raises(ValueError, match="dtype"):
        costs.critical_batch_size(1e15, 1e12, "fp8")
    with pytest.raises(ValueError, match="precisions"):
        costs.memory_by_precision(1e9, precisions=("fp9",))
    with pytest.raises(ValueError, match="n_accelerators"):
        costs.training_estimate(1e9, 1e9, 1e15, 0.5, 0, 1.0)
    with pytest.raises(ValueError, match="price_per_accelerator_hour"):
        costs.cost_per_million_tokens(10, -1.0)
    with pytest.raises(TypeError, match="accelerator"):
        costs.serving_cost(1e9, 0.0, "H100", 1.0)
