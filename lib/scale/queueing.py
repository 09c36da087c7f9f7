"""Queueing theory (排队论) and seeded workloads for the cluster simulation: Poisson arrivals, heavy-tailed sizes.

Symbols: λ arrival rate (jobs per unit time), μ service rate of one server (1 / mean job size),
ρ = λ/μ the offered load (负载) of one server. For a cluster of G GPUs, ρ = λ·E[work] / G.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from lib.core.validate import fraction, positive_int, positive_number, seed_value
from lib.scale.cluster import Job


def _stable(arrival_rate: float, mean_size: float) -> float:
    load = positive_number("arrival_rate", arrival_rate) * positive_number("mean_size", mean_size)
    if load >= 1:
        raise ValueError(f"arrival_rate * mean_size must be below 1 for a queue to settle, got load {load:.3g}")
    return load


def mm1_mean_wait(arrival_rate: float, service_rate: float) -> float:
    """Mean time an M/M/1 FIFO job waits before it starts: ρ/(μ−λ) (Kleinrock 1975, vol. 1, ch. 3)."""
    load = _stable(arrival_rate, 1 / positive_number("service_rate", service_rate))
    return load / (service_rate - arrival_rate)


def mg1_fifo_mean_wait(arrival_rate: float, mean_size: float, second_moment: float) -> float:
    """Pollaczek-Khinchine: mean FIFO wait on one server with any size distribution, λ·E[S²] / (2(1−ρ))."""
    load = _stable(arrival_rate, mean_size)
    if positive_number("second_moment", second_moment) < mean_size**2:
        raise ValueError(f"second_moment must be at least mean_size**2, got {second_moment!r}")
    return arrival_rate * second_moment / (2 * (1 - load))


def mg1_ps_mean_wait(arrival_rate: float, mean_size: float) -> float:
    """Processor sharing on one server: mean completion time minus size, ρ·E[S]/(1−ρ), whatever the size
    distribution (the insensitivity of M/G/1-PS)."""
    load = _stable(arrival_rate, mean_size)
    return load * mean_size / (1 - load)


def lognormal_second_moment(mean: float, sigma: float) -> float:
    """E[S²] of a lognormal size with the given mean and log-standard-deviation σ: mean²·exp(σ²)."""
    return positive_number("mean", mean) ** 2 * math.exp(positive_number("sigma", sigma) ** 2)


def _sizes(rng: np.random.Generator, n: int, mean: float, sigma: float | None) -> np.ndarray:
    """Exponential sizes when ``sigma`` is None, else lognormal ones with log-sd ``sigma``; mean ``mean``."""
    if sigma is None:
        return rng.exponential(mean, n)
    return rng.lognormal(math.log(mean) - positive_number("sigma", sigma) ** 2 / 2, sigma, n)


def single_gpu_jobs(
    n_jobs: int, load: float, mean_size: float = 1.0, sigma: float | None = None, seed: int = 0
) -> list[Job]:
    """``n_jobs`` one-GPU jobs with Poisson arrivals at rate load/mean_size (M/M/1 or, with ``sigma``,
    M/G/1 with lognormal sizes), all in one team, so that fair share is processor sharing."""
    positive_int("n_jobs", n_jobs)
    fraction("load", load, low_inclusive=False)
    rng = np.random.default_rng(seed_value("seed", seed))
    gaps = rng.exponential(positive_number("mean_size", mean_size) / load, n_jobs)
    sizes = _sizes(rng, n_jobs, mean_size, sigma)
    arrivals = np.cumsum(gaps) - gaps[0]
    return [Job(i, float(a), float(s), 1, "job") for i, (a, s) in enumerate(zip(arrivals, sizes, strict=True))]


@dataclass(frozen=True)
class JobMix:
    """The cluster's workload: training jobs (long, several GPUs) and inference jobs (short, one GPU).

    Durations are lognormal (heavy-tailed: a few jobs hold much of the work) with the given means in
    minutes; ``inference_share`` is the fraction of jobs, not of work, that are inference.
    """

    inference_share: float = 0.8
    training_gpus: tuple[int, ...] = (2, 4, 8)
    training_minutes: float = 120.0
    training_sigma: float = 1.5
    inference_minutes: float = 2.0
    inference_sigma: float = 1.0

    def __post_init__(self) -> None:
        fraction("inference_share", self.inference_share, high_inclusive=True)
        if not self.training_gpus:
            raise ValueError("training_gpus must list at least one GPU count")
        for g in self.training_gpus:
            positive_int("training_gpus", g)
        for name in ("training_minutes", "training_sigma", "inference_minutes", "inference_sigma"):
            positive_number(name, getattr(self, name))

    @property
    def mean_work(self) -> float:
        """Mean GPU-minutes per job: the mix-weighted mean of GPUs times duration."""
        training = self.training_minutes * sum(self.training_gpus) / len(self.training_gpus)
        return self.inference_share * self.inference_minutes + (1 - self.inference_share) * training

    @property
    def inference_work_share(self) -> float:
        """The fraction of all GPU-minutes that inference jobs need."""
        return self.inference_share * self.inference_minutes / self.mean_work


def cluster_jobs(n_jobs: int, load: float, n_gpus: int, mix: JobMix | None = None, seed: int = 0) -> list[Job]:
    """``n_jobs`` jobs of ``mix`` with Poisson arrivals whose rate makes the offered load ``load``:
    λ = load·G / E[work]. Times are in minutes; each job's team is its kind."""
    positive_int("n_jobs", n_jobs)
    positive_int("n_gpus", n_gpus)
    positive_number("load", load)
    mix = JobMix() if mix is None else mix
    if not isinstance(mix, JobMix):
        raise TypeError(f"mix must be a JobMix, got {type(mix).__name__}")
    if max(mix.training_gpus) > n_gpus:
        raise ValueError(f"n_gpus must be at least the largest training job, {max(mix.training_gpus)}, got {n_gpus}")
    rng = np.random.default_rng(seed_value("seed", seed))
    rate = load * n_gpus / mix.mean_work
    gaps = rng.exponential(1 / rate, n_jobs)
    arrivals = np.cumsum(gaps) - gaps[0]
    inference = rng.random(n_jobs) < mix.inference_share
    gpus = rng.choice(np.array(mix.training_gpus), n_jobs)
    train_minutes = _sizes(rng, n_jobs, mix.training_minutes, mix.training_sigma)
    infer_minutes = _sizes(rng, n_jobs, mix.inference_minutes, mix.inference_sigma)
    jobs = []
    for i in range(n_jobs):
        if inference[i]:
            jobs.append(Job(i, float(arrivals[i]), float(infer_minutes[i]), 1, "inference"))
        else:
            jobs.append(Job(i, float(arrivals[i]), float(train_minutes[i]), int(gpus[i]), "training"))
    return jobs
