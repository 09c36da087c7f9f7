"""A discrete-event simulation (离散事件仿真) of jobs sharing a GPU cluster under a scheduling policy.

Jobs arrive, wait in a queue (排队) and run on GPUs. Three policies decide who runs:

- ``"fifo"``, first come first served (先来先服务): jobs start in arrival order; a job that does not fit
  on the free GPUs blocks every job behind it (head-of-line blocking), because a multi-GPU job needs all
  its GPUs at once (gang scheduling). Non-preemptive.
- ``"sjf"``, shortest job first (短作业优先): the same, but the queue is ordered by the job's duration,
  which the scheduler is assumed to know. Non-preemptive.
- ``"fair"``, fair share (公平共享): at every instant the GPUs are split by max-min fairness, first
  between teams, then between each team's jobs, each job capped at the GPUs it asked for. GPUs are
  treated as divisible (a fluid model of time-slicing): a job given ``a`` of its ``g`` GPUs runs at
  ``a/g`` of its full speed. With one team and one-GPU jobs this is processor sharing. Preemptive.

Events (arrivals and completions) sit in a ``heapq`` priority queue ordered by time.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from lib.core.validate import fraction, non_negative_number, one_of, positive_int, positive_number

POLICIES = ("fifo", "sjf", "fair")
KINDS = ("training", "inference")
_ARRIVAL, _COMPLETION = 0, 1


@dataclass(frozen=True)
class Job:
    """One job: it arrives at ``arrival``, needs ``gpus`` GPUs at once and runs ``duration`` on them."""

    id: int
    arrival: float
    duration: float
    gpus: int = 1
    kind: str = "training"
    team: str = ""

    def __post_init__(self) -> None:
        non_negative_number("arrival", self.arrival)
        positive_number("duration", self.duration)
        positive_int("gpus", self.gpus)
        if not isinstance(self.kind, str) or not self.kind:
            raise ValueError(f"kind must be a non-empty str, got {self.kind!r}")

    @property
    def work(self) -> float:
        """GPU-time the job needs: its GPUs times its duration (GPU-seconds when times are in seconds)."""
        return self.gpus * self.duration

    @property
    def owner(self) -> str:
        """The team fair share counts the job under: ``team``, or its kind when no team is given."""
        return self.team or self.kind


@dataclass(frozen=True)
class Outcome:
    """What happened to one job: when it first got a GPU and when it finished."""

    job: Job
    start: float
    finish: float

    @property
    def completion_time(self) -> float:
        """Job completion time (JCT): finish minus arrival."""
        return self.finish - self.job.arrival

    @property
    def wait(self) -> float:
        """Waiting time: completion time minus the duration it needs on its own GPUs.

        For FIFO and SJF this is the time before it starts; for fair share it is the time lost to sharing.
        """
        return max(0.0, self.completion_time - self.job.duration)


@dataclass(frozen=True)
class Schedule:
    """A simulation's result: each job's outcome (in job order) and the busy-GPU count as a step function.

    ``busy`` holds ``(time, gpus_in_use)`` pairs: from each time until the next, that many GPUs work.
    """

    policy: str
    n_gpus: int
    outcomes: tuple[Outcome, ...]
    busy: tuple[tuple[float, float], ...]

    def busy_gpu_time(self, start: float = 0.0, end: float = math.inf) -> float:
        """GPU-time spent working between ``start`` and ``end`` (the integral of the busy-GPU count)."""
        total = 0.0
        for (t0, gpus), (t1, _) in zip(self.busy, self.busy[1:] + ((math.inf, 0.0),), strict=True):
            lo, hi = max(t0, start), min(t1, end)
            if hi > lo and gpus:
                total += gpus * (hi - lo)
        return total

    def utilization(self, start: float = 0.0, end: float | None = None) -> float:
        """Utilization (利用率): the share of the GPUs' time between ``start`` and ``end`` spent working.

        ``end`` defaults to the last arrival, so a backlog left at the end does not count as extra work.
        """
        end = max(o.job.arrival for o in self.outcomes) if end is None else end
        if not end > start:
            raise ValueError(f"end must be after start, got start={start!r}, end={end!r}")
        return self.busy_gpu_time(start, end) / (self.n_gpus * (end - start))


@dataclass(frozen=True)
class JobStats:
    """Waiting and completion times of a group of jobs (in the jobs' time unit)."""

    n_jobs: int
    mean_wait: float
    p95_wait: float
    mean_completion_time: float
    p95_completion_time: float


def job_stats(schedule: Schedule, kind: str | None = None, skip: float = 0.0) -> JobStats:
    """Mean and 95th percentile of wait and JCT over the jobs of ``kind`` (all when None), leaving out the
    first ``skip`` fraction of jobs by arrival (the warm-up, when the cluster starts empty)."""
    if not isinstance(schedule, Schedule):
        raise TypeError(f"schedule must be a Schedule, got {type(schedule).__name__}")
    fraction("skip", skip)
    ordered = sorted(schedule.outcomes, key=lambda o: o.job.arrival)
    kept = [o for o in ordered[int(skip * len(ordered)) :] if kind is None or o.job.kind == kind]
    if not kept:
        raise ValueError(f"kind must name jobs in the schedule, got {kind!r}")
    waits = np.array([o.wait for o in kept])
    times = np.array([o.completion_time for o in kept])
    p95 = [float(np.percentile(values, 95)) for values in (waits, times)]
    return JobStats(len(kept), float(waits.mean()), p95[0], float(times.mean()), p95[1])


def max_min_shares(demands: Sequence[float], capacity: float) -> list[float]:
    """Max-min fair split of ``capacity`` (water-filling): nobody gets more than its demand, and no share
    can grow without shrinking a smaller one. ``[1, 4, 10]`` with capacity 9 gives ``[1, 4, 4]``."""
    non_negative_number("capacity", capacity)
    for d in demands:
        non_negative_number("demands", d)
    shares = [0.0] * len(demands)
    left, order = float(capacity), sorted(range(len(demands)), key=lambda i: demands[i])
    for rank, i in enumerate(order):
        equal = left / (len(order) - rank)
        shares[i] = min(float(demands[i]), equal)
        left -= shares[i]
    return shares


def _fair_allocation(active: dict[int, Job], n_gpus: int) -> dict[int, float]:
    """GPUs per active job: max-min between teams (a team wants all its jobs' GPUs), then within each team."""
    teams: dict[str, list[Job]] = {}
    for job in active.values():
        teams.setdefault(job.owner, []).append(job)
    names = sorted(teams)
    team_share = max_min_shares([sum(j.gpus for j in teams[t]) for t in names], n_gpus)
    allocation: dict[int, float] = {}
    for name, share in zip(names, team_share, strict=True):
        members = teams[name]
        for job, a in zip(members, max_min_shares([j.gpus for j in members], share), strict=True):
            allocation[job.id] = a
    return allocation


def _check_jobs(jobs: Sequence[Job], n_gpus: int) -> None:
    if not jobs:
        raise ValueError("jobs must hold at least one Job")
    if not all(isinstance(j, Job) for j in jobs):
        raise TypeError("jobs must be a sequence of lib.scale.cluster.Job")
    if len({j.id for j in jobs}) != len(jobs):
        raise ValueError("jobs must have distinct ids")
    too_big = [j.id for j in jobs if j.gpus > n_gpus]
    if too_big:
        raise ValueError(f"jobs {too_big[:5]} need more GPUs than n_gpus={n_gpus}")


def simulate(jobs: Sequence[Job], n_gpus: int, policy: str = "fifo") -> Schedule:
    """Run ``jobs`` on ``n_gpus`` GPUs under ``policy`` ("fifo", "sjf" or "fair") and return the Schedule."""
    positive_int("n_gpus", n_gpus)
    one_of("policy", policy, POLICIES)
    _check_jobs(jobs, n_gpus)
    if policy == "fair":
        return _simulate_fair(jobs, n_gpus)
    return _simulate_ordered(jobs, n_gpus, policy)


def _simulate_ordered(jobs: Sequence[Job], n_gpus: int, policy: str) -> Schedule:
    """FIFO or SJF: non-preemptive, gang-scheduled, strict order (the first job that does not fit blocks)."""
    events: list[tuple[float, int, int, int]] = []  # (time, kind, sequence, job index)
    for index, job in enumerate(jobs):
        heapq.heappush(events, (job.arrival, _ARRIVAL, index, index))
    key = (lambda i: (jobs[i].arrival, i)) if policy == "fifo" else (lambda i: (jobs[i].duration, jobs[i].arrival, i))
    queue: list[tuple] = []  # a heap of (priority key, index)
    free, start, finish = n_gpus, [math.nan] * len(jobs), [math.nan] * len(jobs)
    busy: list[tuple[float, float]] = [(0.0, 0.0)]
    sequence = len(jobs)
    while events:
        now = events[0][0]
        while events and events[0][0] == now:  # every event at this instant, completions first
            _, kind, _, index = heapq.heappop(events)
            if kind == _COMPLETION:
                free += jobs[index].gpus
            else:
                heapq.heappush(queue, (key(index), index))
        while queue and jobs[queue[0][1]].gpus <= free:  # start jobs in priority order while the head fits
            _, index = heapq.heappop(queue)
            free -= jobs[index].gpus
            start[index], finish[index] = now, now + jobs[index].duration
            heapq.heappush(events, (finish[index], _COMPLETION, sequence, index))
            sequence += 1
        busy.append((now, float(n_gpus - free)))
    outcomes = tuple(Outcome(job, s, f) for job, s, f in zip(jobs, start, finish, strict=True))
    return Schedule(policy, n_gpus, outcomes, _compact(busy))


def _simulate_fair(jobs: Sequence[Job], n_gpus: int) -> Schedule:
    """Fair share: after every arrival or completion, re-split the GPUs by max-min fairness (fluid model)."""
    events: list[tuple[float, int, int, int]] = []  # (time, kind, job index or epoch, job index or id)
    for index, job in enumerate(jobs):
        heapq.heappush(events, (job.arrival, _ARRIVAL, index, index))
    remaining = {j.id: j.work for j in jobs}
    by_id = {j.id: (i, j) for i, j in enumerate(jobs)}
    active: dict[int, Job] = {}
    allocation: dict[int, float] = {}
    start, finish = [math.nan] * len(jobs), [math.nan] * len(jobs)
    busy: list[tuple[float, float]] = [(0.0, 0.0)]
    last, epoch = 0.0, 0
    while events:
        now, kind, stamp, index = heapq.heappop(events)
        if kind == _COMPLETION and stamp != epoch:
            continue  # a completion forecast made before the last re-split: stale
        for job_id, a in allocation.items():  # progress since the last event
            remaining[job_id] -= a * (now - last)
        last = now
        if kind == _ARRIVAL:
            job = jobs[index]
            active[job.id] = job
        if kind == _COMPLETION:
            remaining[index] = 0.0  # the job this event forecast is done, whatever rounding left over
        done = [
            i
            for i, a in allocation.items()
            if i in active and (remaining[i] <= 1e-9 * active[i].work or now + remaining[i] / a <= now)
        ]
        for job_id in done:
            finish[by_id[job_id][0]] = now
            del active[job_id]
            remaining[job_id] = 0.0
        if events and events[0][0] == now and events[0][1] == _ARRIVAL:
            continue  # more arrivals at this instant: split once they are all in
        allocation = _fair_allocation(active, n_gpus)
        for job_id, a in allocation.items():
            i = by_id[job_id][0]
            if a > 0 and math.isnan(start[i]):
                start[i] = now
        busy.append((now, sum(allocation.values())))
        epoch += 1
        running = [(remaining[i] / a, i) for i, a in allocation.items() if a > 0]
        if running:
            dt, job_id = min(running)
            heapq.heappush(events, (now + dt, _COMPLETION, epoch, job_id))
    outcomes = tuple(Outcome(job, s, f) for job, s, f in zip(jobs, start, finish, strict=True))
    return Schedule("fair", n_gpus, outcomes, _compact(busy))


def _compact(busy: list[tuple[float, float]]) -> tuple[tuple[float, float], ...]:
    """Keep the last value at each time and drop steps that do not change the count."""
    steps: list[tuple[float, float]] = []
    for t, gpus in busy:
        if steps and steps[-1][0] == t:
            steps[-1] = (t, gpus)
        else:
            steps.append((t, gpus))
    out = [steps[0]]
    for t, gpus in steps[1:]:
        if gpus != out[-1][1]:
            out.append((t, gpus))
    return tuple(out)
