"""The cluster simulation (lib.scale.cluster) and its workloads and queueing formulas (lib.scale.queueing)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lib.scale.cluster import POLICIES, Job, Schedule, job_stats, max_min_shares, simulate
from lib.scale.queueing import (
    JobMix,
    cluster_jobs,
    lognormal_second_moment,
    mg1_fifo_mean_wait,
    mg1_ps_mean_wait,
    mm1_mean_wait,
    single_gpu_jobs,
)

# Three one-GPU jobs on one GPU, worked by hand:
#   A arrives at 0 and needs 3, B arrives at 1 and needs 5, C arrives at 2 and needs 1.
HAND = [Job(0, 0.0, 3.0), Job(1, 1.0, 5.0), Job(2, 2.0, 1.0)]


def _waits(schedule: Schedule) -> list[float]:
    return [o.wait for o in schedule.outcomes]


def test_fifo_by_hand() -> None:
    # A runs 0-3; B starts when A ends (3), waits 3 - 1 = 2; C starts when B ends (8), waits 8 - 2 = 6.
    schedule = simulate(HAND, 1, "fifo")
    assert [o.start for o in schedule.outcomes] == [0.0, 3.0, 8.0]
    assert _waits(schedule) == [0.0, 2.0, 6.0]
    assert [o.completion_time for o in schedule.outcomes] == [3.0, 7.0, 7.0]


def test_sjf_by_hand() -> None:
    # At 3, B (5) and C (1) wait: C runs 3-4 (waits 1), then B runs 4-9 (waits 3). A was already running.
    schedule = simulate(HAND, 1, "sjf")
    assert [o.start for o in schedule.outcomes] == [0.0, 4.0, 3.0]
    assert _waits(schedule) == [0.0, 3.0, 1.0]
    assert sum(_waits(schedule)) / 3 < sum(_waits(simulate(HAND, 1, "fifo"))) / 3


def test_fair_share_is_processor_sharing_by_hand() -> None:
    # 0-1 A alone (A has 2 left); 1-2 A and B at 1/2 (A 1.5, B 4.5 left); from 2 three jobs at 1/3:
    # C's 1 takes 3, so C ends at 5 (A 0.5, B 3.5 left); A and B at 1/2: A ends at 6 (B 3 left); B ends at 9.
    schedule = simulate(HAND, 1, "fair")
    assert [o.finish for o in schedule.outcomes] == pytest.approx([6.0, 9.0, 5.0], abs=1e-12)
    assert _waits(schedule) == pytest.approx([3.0, 3.0, 2.0], abs=1e-12)
    assert [o.start for o in schedule.outcomes] == [0.0, 1.0, 2.0]  # everyone starts at once under sharing


def test_fifo_gang_scheduling_blocks_the_queue() -> None:
    # 4 GPUs. A (3 GPUs, 2 long) at 0; B (2 GPUs) at 0.5 does not fit on the 1 free GPU, and C (1 GPU)
    # at 1 would fit but waits behind B: strict FIFO leaves a GPU idle from 0 to 2.
    jobs = [Job(0, 0.0, 2.0, 3), Job(1, 0.5, 1.0, 2), Job(2, 1.0, 1.0, 1)]
    schedule = simulate(jobs, 4, "fifo")
    assert _waits(schedule) == [0.0, 1.5, 1.0]
    assert schedule.busy == ((0.0, 3.0), (3.0, 0.0))
    assert schedule.utilization(0.0, 3.0) == pytest.approx(9.0 / 12.0)


def test_fair_share_splits_between_teams_then_within_them() -> None:
    # 8 GPUs; team "a" has two 8-GPU jobs, team "b" one 1-GPU job: b gets 1, a gets 7, split 3.5 and 3.5.
    jobs = [Job(0, 0.0, 10.0, 8, team="a"), Job(1, 0.0, 10.0, 8, team="a"), Job(2, 0.0, 1.0, 1, team="b")]
    schedule = simulate(jobs, 8, "fair")
    assert schedule.outcomes[2].finish == pytest.approx(1.0)  # b's job runs at full speed
    # a's jobs each did 3.5 of 80 GPU-minutes by t=1, then get 4 GPUs each: 76.5 / 4 more.
    assert schedule.outcomes[0].finish == pytest.approx(1.0 + 76.5 / 4)


@pytest.mark.parametrize("policy", POLICIES)
def test_busy_gpu_time_equals_the_work_of_the_jobs(policy: str) -> None:
    jobs = cluster_jobs(400, 0.9, 16, seed=3)
    schedule = simulate(jobs, 16, policy)
    assert schedule.busy_gpu_time() == pytest.approx(sum(j.work for j in jobs), rel=1e-9)
    assert all(o.finish >= o.start >= o.job.arrival for o in schedule.outcomes)
    assert all(o.finish - o.start >= o.job.duration * (1 - 1e-9) for o in schedule.outcomes)
    assert max(g for _, g in schedule.busy) <= 16 + 1e-9


@pytest.mark.parametrize("policy", ("fifo", "sjf"))
def test_non_preemptive_jobs_run_once_and_never_overbook(policy: str) -> None:
    jobs = cluster_jobs(300, 0.8, 16, seed=1)
    schedule = simulate(jobs, 16, policy)
    assert all(o.finish == pytest.approx(o.start + o.job.duration) for o in schedule.outcomes)
    times = sorted({o.start for o in schedule.outcomes})
    for t in times:  # GPUs in use just after each start, counted from the jobs themselves
        in_use = sum(o.job.gpus for o in schedule.outcomes if o.start <= t < o.finish)
        assert in_use <= 16


def test_fifo_starts_in_arrival_order_and_sjf_does_not() -> None:
    jobs = cluster_jobs(300, 0.9, 16, seed=2)
    fifo = simulate(jobs, 16, "fifo").outcomes
    starts = [o.start for o in sorted(fifo, key=lambda o: o.job.arrival)]
    assert starts == sorted(starts)
    sjf = simulate(jobs, 16, "sjf").outcomes
    sjf_starts = [o.start for o in sorted(sjf, key=lambda o: o.job.arrival)]
    assert sjf_starts != sorted(sjf_starts)


def test_mm1_fifo_matches_theory_over_a_long_run() -> None:
    jobs = single_gpu_jobs(100_000, 0.5, seed=0)
    simulated = job_stats(simulate(jobs, 1, "fifo")).mean_wait
    assert simulated == pytest.approx(mm1_mean_wait(0.5, 1.0), rel=0.05)


def test_queueing_formulas_agree_and_reject_unstable_loads() -> None:
    assert mm1_mean_wait(0.5, 1.0) == pytest.approx(1.0)  # ρ/(μ−λ) = 0.5/0.5
    assert mm1_mean_wait(3.0, 4.0) == pytest.approx(0.75)
    # Pollaczek-Khinchine with exponential sizes (E[S²] = 2/μ²) is the M/M/1 formula.
    assert mg1_fifo_mean_wait(3.0, 0.25, 2 * 0.25**2) == pytest.approx(mm1_mean_wait(3.0, 4.0))
    assert mg1_ps_mean_wait(3.0, 0.25) == pytest.approx(mm1_mean_wait(3.0, 4.0))  # PS = FIFO for exponential
    sizes = np.random.default_rng(0).lognormal(math.log(2.0) - 0.5, 1.0, 400_000)
    assert lognormal_second_moment(2.0, 1.0) == pytest.approx((sizes**2).mean(), rel=0.03)
    for bad in (lambda: mm1_mean_wait(1.0, 1.0), lambda: mg1_ps_mean_wait(2.0, 0.5)):
        with pytest.raises(ValueError, match="below 1"):
            bad()
    with pytest.raises(ValueError, match="second_moment"):
        mg1_fifo_mean_wait(0.5, 1.0, 0.5)


def test_max_min_shares_by_hand() -> None:
    assert max_min_shares([1, 4, 10], 9) == [1.0, 4.0, 4.0]
    assert max_min_shares([10, 1, 4], 9) == [4.0, 1.0, 4.0]
    assert max_min_shares([2, 2], 10) == [2.0, 2.0]  # demand below capacity: everyone gets all it asks
    assert max_min_shares([3, 3, 3], 3) == pytest.approx([1.0, 1.0, 1.0])
    assert max_min_shares([], 4) == []
    with pytest.raises(ValueError, match="demands"):
        max_min_shares([1, -1], 4)


def test_cluster_workload_has_the_offered_load_and_mix() -> None:
    mix = JobMix(inference_share=0.8)
    jobs = cluster_jobs(20_000, 0.6, 16, mix, seed=0)
    span = jobs[-1].arrival - jobs[0].arrival
    offered = sum(j.work for j in jobs) / (16 * span)
    assert offered == pytest.approx(0.6, rel=0.1)  # heavy tails: the sample's work scatters around the mean
    share = sum(j.kind == "inference" for j in jobs) / len(jobs)
    assert share == pytest.approx(0.8, abs=0.01)
    assert {j.gpus for j in jobs if j.kind == "training"} == {2, 4, 8}
    assert {j.gpus for j in jobs if j.kind == "inference"} == {1}
    inference = np.array([j.duration for j in jobs if j.kind == "inference"])
    assert inference.mean() == pytest.approx(2.0, rel=0.05)
    assert mix.mean_work == pytest.approx(0.8 * 2.0 + 0.2 * 120.0 * 14 / 3)
    assert cluster_jobs(50, 0.6, 16, mix, seed=0) == cluster_jobs(50, 0.6, 16, mix, seed=0)  # seeded


def test_job_stats_by_hand_and_by_kind() -> None:
    stats = job_stats(simulate(HAND, 1, "fifo"))
    assert stats.n_jobs == 3 and stats.mean_wait == pytest.approx(8 / 3)
    assert stats.p95_wait == pytest.approx(np.percentile([0.0, 2.0, 6.0], 95))
    assert stats.mean_completion_time == pytest.approx((3 + 7 + 7) / 3)
    assert job_stats(simulate(HAND, 1, "fifo"), skip=0.5).n_jobs == 2
    jobs = [Job(0, 0.0, 1.0, kind="training"), Job(1, 0.0, 1.0, kind="inference")]
    assert job_stats(simulate(jobs, 1, "fifo"), "inference").mean_wait == 1.0
    with pytest.raises(ValueError, match="kind"):
        job_stats(simulate(jobs, 1, "fifo"), "batch")


def test_bad_arguments_name_themselves() -> None:
    with pytest.raises(ValueError, match="policy"):
        simulate(HAND, 1, "lifo")
    with pytest.raises(ValueError, match="n_gpus"):
        simulate(HAND, 0)
    with pytest.raises(ValueError, match="more GPUs"):
        simulate([Job(0, 0.0, 1.0, 4)], 2)
    with pytest.raises(ValueError, match="distinct ids"):
        simulate([Job(0, 0.0, 1.0), Job(0, 1.0, 1.0)], 1)
    with pytest.raises(ValueError, match="jobs"):
        simulate([], 1)
    with pytest.raises(ValueError, match="duration"):
        Job(0, 0.0, 0.0)
    with pytest.raises(ValueError, match="inference_share"):
        JobMix(inference_share=1.5)
    with pytest.raises(ValueError, match="n_gpus"):
        cluster_jobs(10, 0.5, 4)  # 8-GPU training jobs cannot fit
    with pytest.raises(ValueError, match="load"):
        single_gpu_jobs(10, 1.2)
    with pytest.raises(ValueError, match="end"):
        simulate(HAND, 1).utilization(5.0, 2.0)
