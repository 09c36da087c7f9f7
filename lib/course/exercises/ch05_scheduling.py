"""The exercises of lesson 5.7 (scheduling): expected values computed by lib's simulation and queueing formulas."""

from __future__ import annotations

from lib.course.exercises.base import Exercise


def _lindley_inputs() -> dict:
    """A short single-GPU trace: 200 seeded jobs at load 0.8, as the lesson's ``arrivals`` and ``sizes``."""
    from lib.scale.queueing import single_gpu_jobs

    jobs = single_gpu_jobs(200, 0.8, seed=7)
    return {"arrivals": [j.arrival for j in jobs], "sizes": [j.duration for j in jobs]}


def _simulated_mean_wait(arrivals, sizes) -> float:
    from lib.scale.cluster import Job, job_stats, simulate

    jobs = [Job(i, a, s) for i, (a, s) in enumerate(zip(arrivals, sizes, strict=True))]
    return job_stats(simulate(jobs, 1, "fifo")).mean_wait


def _lindley(arrivals, sizes, clamp: bool = True) -> float:
    waits = [0.0]
    for n in range(1, len(arrivals)):
        w = waits[-1] + sizes[n - 1] - (arrivals[n] - arrivals[n - 1])
        waits.append(max(0.0, w) if clamp else w)
    return sum(waits) / len(waits)


def _max_rate_by_bisection(service_rate: float = 20.0, wait: float = 0.1) -> float:
    """The largest λ with mm1_mean_wait(λ, μ) ≤ wait, found by bisection on lib's formula."""
    from lib.scale.queueing import mm1_mean_wait

    low, high = 0.0, service_rate * (1 - 1e-12)
    for _ in range(200):
        middle = (low + high) / 2
        low, high = (middle, high) if mm1_mean_wait(middle, service_rate) <= wait else (low, middle)
    return low


def _policy_inputs() -> dict:
    """Stand-ins for the lesson's results at load 0.8: a shorter run of the same workload."""
    from lib.lessons.lesson_5_7_scheduling import run_policies

    return {"results": run_policies(0.8, n_jobs=800, seed=0)}


def _best_training_policy(results) -> str:
    return min(results, key=lambda policy: results[policy].by_kind["training"].mean_wait)


EXERCISES: tuple[Exercise, ...] = (
    Exercise(
        "5.7.training-wait-policy",
        "the policy with the lowest mean wait for training jobs at load 0.8",
        "equal",
        inputs=("results",),
        example_inputs=_policy_inputs,
        expected=_best_training_policy,
        reference=lambda results: "fair",
        wrong=lambda results: "fifo",
        hint="which policy lets a short training job run beside a long one instead of behind it?",
    ),
    Exercise(
        "5.7.lindley-mean-wait",
        "mean FIFO wait on one GPU",
        "close",
        rel=1e-9,
        inputs=("arrivals", "sizes"),
        example_inputs=_lindley_inputs,
        expected=_simulated_mean_wait,
        reference=_lindley,
        wrong=lambda arrivals, sizes: _lindley(arrivals, sizes, clamp=False),
        hint="a job waits for what the job before it still had to do when it arrived; can that ever be negative?",
    ),
    Exercise(
        "5.7.max-arrival-rate",
        "largest arrival rate with a mean wait of at most 0.1 s",
        "close",
        rel=1e-6,
        expected=_max_rate_by_bisection,
        reference=lambda: 0.1 * 20.0**2 / (1 + 0.1 * 20.0),
        wrong=lambda: 20.0 - 1 / 0.1,
        hint="the wait in the formula is the time before service starts, not the time in the system; solve for λ",
    ),
)
