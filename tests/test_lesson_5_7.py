"""Lesson 5.7's experiments: policies across loads, and the text the widget prints."""

from __future__ import annotations

import pytest

from lib.lessons.lesson_5_7_scheduling import load_sweep, policy_report, run_policies
from lib.scale.cluster import POLICIES
from lib.scale.queueing import JobMix, cluster_jobs


def test_run_policies_shares_one_workload_and_measures_each_kind() -> None:
    results = run_policies(0.7, n_jobs=600, seed=1)
    assert set(results) == set(POLICIES)
    offered = {r.offered for r in results.values()}
    assert len(offered) == 1  # the same jobs under every policy
    jobs = cluster_jobs(600, 0.7, 16, seed=1)
    kept = sorted(jobs, key=lambda j: j.arrival)[60:]
    for result in results.values():
        assert result.by_kind["inference"].n_jobs == sum(j.kind == "inference" for j in kept)
        assert result.by_kind["training"].n_jobs + result.by_kind["inference"].n_jobs == result.all_jobs.n_jobs
        assert 0 < result.utilization <= 1
    # fair share is work-conserving and preemptive: nobody waits longer on average than under strict FIFO
    assert results["fair"].all_jobs.mean_wait < results["fifo"].all_jobs.mean_wait
    assert results["sjf"].by_kind["inference"].mean_wait < results["fifo"].by_kind["inference"].mean_wait


def test_load_sweep_waits_grow_with_load() -> None:
    sweep = load_sweep([0.3, 0.9], n_jobs=800, seed=0)
    for policy in POLICIES:
        low, high = sweep[policy]
        assert high.load == 0.9 and high.offered == pytest.approx(3 * low.offered, rel=1e-6)  # same draws, scaled
        assert high.all_jobs.mean_wait > 3 * low.all_jobs.mean_wait
        assert high.utilization > 2 * low.utilization
    with pytest.raises(ValueError, match="loads"):
        load_sweep([])


def test_policy_report_lists_every_policy_and_handles_a_one_kind_mix() -> None:
    text = policy_report(0.6, 0.8, n_jobs=400)
    assert all(f"\n{policy} " in text for policy in POLICIES)
    assert "80% of jobs are inference" in text
    only_training = policy_report(0.6, 0.0, n_jobs=300)
    assert only_training.splitlines()[3].split()[2] == "-"  # no inference jobs, no inference wait
    with pytest.raises(ValueError, match="inference_share"):
        policy_report(0.6, 1.2)
    with pytest.raises(ValueError, match="load"):
        policy_report(-0.1)
    assert JobMix(inference_share=0.0).inference_work_share == 0.0
