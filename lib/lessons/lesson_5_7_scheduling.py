"""Lesson 5.7's experiments: the three policies on one cluster across loads, and the text its widget prints."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lib.core.validate import fraction, positive_int, positive_number, seed_value
from lib.scale.cluster import KINDS, POLICIES, JobStats, job_stats, simulate
from lib.scale.queueing import JobMix, cluster_jobs

N_GPUS = 16
WARM_UP = 0.1  # the first tenth of the jobs, which meet an empty cluster, is left out of the statistics


@dataclass(frozen=True)
class PolicyResult:
    """One policy at one load: the cluster's utilization and the statistics of each job kind and of all jobs.

    ``load`` is the load asked for; ``offered`` is what this sample of heavy-tailed jobs brought: the work of
    the jobs that arrived in the measured window over the GPU-time of the window.
    """

    policy: str
    load: float
    offered: float
    utilization: float
    by_kind: dict[str, JobStats]

    @property
    def all_jobs(self) -> JobStats:
        """The statistics over every job kind together."""
        return self.by_kind["all"]


def run_policies(
    load: float,
    mix: JobMix | None = None,
    n_jobs: int = 3000,
    n_gpus: int = N_GPUS,
    seed: int = 0,
    policies: Sequence[str] = POLICIES,
) -> dict[str, PolicyResult]:
    """The same seeded workload at offered load ``load`` run under each policy; results keyed by policy."""
    positive_number("load", load)
    jobs = cluster_jobs(positive_int("n_jobs", n_jobs), load, n_gpus, mix, seed=seed_value("seed", seed))
    start, end = sorted(j.arrival for j in jobs)[int(WARM_UP * len(jobs))], max(j.arrival for j in jobs)
    offered = sum(j.work for j in jobs if start <= j.arrival < end) / (n_gpus * (end - start))
    results = {}
    for policy in policies:
        schedule = simulate(jobs, n_gpus, policy)
        by_kind = {"all": job_stats(schedule, skip=WARM_UP)}
        for kind in KINDS:
            if any(j.kind == kind for j in jobs[int(WARM_UP * len(jobs)) :]):
                by_kind[kind] = job_stats(schedule, kind, skip=WARM_UP)
        results[policy] = PolicyResult(policy, load, offered, schedule.utilization(start, end), by_kind)
    return results


def load_sweep(
    loads: Sequence[float], mix: JobMix | None = None, n_jobs: int = 3000, n_gpus: int = N_GPUS, seed: int = 0
) -> dict[str, list[PolicyResult]]:
    """Each policy's results at each of ``loads`` (one seeded workload per load), keyed by policy."""
    if not loads:
        raise ValueError("loads must hold at least one offered load")
    sweep: dict[str, list[PolicyResult]] = {p: [] for p in POLICIES}
    for load in loads:
        for policy, result in run_policies(load, mix, n_jobs, n_gpus, seed).items():
            sweep[policy].append(result)
    return sweep


def policy_report(load: float = 0.8, inference_share: float = 0.8, n_jobs: int = 1500, seed: int = 0) -> str:
    """The widget's text: for one load and job mix, each policy's utilization and waits, in minutes."""
    fraction("inference_share", inference_share, high_inclusive=True)
    mix = JobMix(inference_share=inference_share)
    results = run_policies(load, mix, n_jobs, seed=seed)
    lines = [
        f"offered load {load:.2f} (this sample: {next(iter(results.values())).offered:.2f}), "
        f"{inference_share:.0%} of jobs are inference "
        f"({mix.inference_work_share:.1%} of the GPU-minutes); waits in minutes",
        f"{'policy':7s} {'util':>5s}  {'inference wait':>16s}  {'training wait':>16s}  {'training JCT':>12s}",
        f"{'':7s} {'':>5s}  {'mean':>7s} {'p95':>8s}  {'mean':>7s} {'p95':>8s}  {'mean':>12s}",
    ]
    for policy, result in results.items():
        cells = []
        for kind in KINDS[::-1]:
            stats = result.by_kind.get(kind)
            cells.append(f"{stats.mean_wait:7.1f} {stats.p95_wait:8.1f}" if stats else f"{'-':>7s} {'-':>8s}")
        training = result.by_kind.get("training")
        jct = f"{training.mean_completion_time:12.1f}" if training else f"{'-':>12s}"
        lines.append(f"{policy:7s} {result.utilization:5.2f}  {cells[0]}  {cells[1]}  {jct}")
    return "\n".join(lines)
