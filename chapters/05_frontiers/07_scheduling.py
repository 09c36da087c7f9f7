# %% [markdown]
# # 5.7 Sharing a GPU cluster: scheduling (资源调度)
#
# **Time:** about 1 min on a laptop CPU · **Prerequisites:** lesson 3.6 (training on many GPUs); the exponential distribution and a mean and a percentile · **You will learn:** how a scheduler shares GPUs between long training jobs and short inference jobs, why waiting explodes as a cluster fills up under every policy, what first-come-first-served, shortest-job-first and fair share each trade away, and what production schedulers actually do.
#
# In this lesson you will:
#
# - read the source article's challenge 5 (资源分配和调度) and see what it leaves out;
# - write a **discrete-event simulation** (离散事件仿真) of jobs on GPUs with a priority queue of events,
#   check it on three jobs worked by hand, and prove it conserves work;
# - check it against **queueing theory** (排队论): the M/M/1 mean wait ρ/(μ−λ), the Pollaczek-Khinchine
#   formula, and processor sharing's indifference to heavy tails;
# - share a 16-GPU cluster between **training jobs** (训练作业: long, many GPUs) and **inference jobs**
#   (推理作业: short, one GPU, latency-sensitive) under **first come, first served** (FIFO, 先来先服务),
#   **shortest job first** (SJF, 短作业优先) and **fair share** (公平共享);
# - measure **utilization** (利用率), mean and 95th-percentile **waiting time** (等待时间) and **job
#   completion time** (JCT, 作业完成时间) as the offered load rises from 0.3 to 0.95, and change the
#   load and the mix with a widget;
# - see what Slurm, Kubernetes, Gandiva and Tiresias do, and correct the article's challenge 5.

# %%
# Setup: on Colab, install the course's `lib` at the version this notebook was executed with, without
# touching Colab's own torch or ipywidgets. Elsewhere `pip install -r requirements.txt` has installed it.
import sys

if "google.colab" in sys.modules:
    import subprocess

    url = "git+https://github.com/large-models-course/large-models-course@v0.2.0"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", url], check=True)

import lib

if lib.__version__ != "0.2.0":
    raise RuntimeError(
        f"this notebook was executed with lib 0.2.0, but lib {lib.__version__} is installed: "
        "open the notebook of the same release, or install v0.2.0 "
        "(on Colab: restart the session, then run this cell again)"
    )

# %%
import heapq

import numpy as np
from matplotlib.ticker import NullFormatter, ScalarFormatter

from lib.course.checks import expect_wrong
from lib.course.exercises import check
from lib.course.lesson import lesson_setup
from lib.lessons.lesson_5_7_scheduling import N_GPUS, load_sweep, policy_report, run_policies
from lib.scale.cluster import POLICIES, Job, job_stats, simulate
from lib.scale.queueing import (
    JobMix,
    cluster_jobs,
    lognormal_second_moment,
    mg1_fifo_mean_wait,
    mg1_ps_mean_wait,
    mm1_mean_wait,
    single_gpu_jobs,
)
from lib.viz.plots import PALETTE, figure
from lib.viz.widgets import interactive_view

device, generator = lesson_setup(seed=0)  # seed, device, one CPU thread for tiny models, the course's plot style

# %% [markdown]
# ## What the source article says
#
# The article's section 8.2 lists five challenges; the fifth (repeated as the answer to its question
# Q5) reads, in translation: *"Resource allocation and scheduling: with many models and many tasks,
# how to allocate computing resources sensibly and achieve efficient task scheduling and
# co-optimization is an important challenge. In future, better resource allocation and scheduling
# algorithms need to be researched to improve the overall performance and efficiency of large-model
# systems."*
#
# That is a topic, not yet a claim. It treats scheduling as an open problem that some future
# algorithm will solve for "overall performance and efficiency", as if that were one number. We will
# measure why it is not: the policy decides **who waits**, the **load** decides how long, and the
# hard parts for GPUs are specific (jobs that need many GPUs at once, durations nobody knows in
# advance, and the cost of stopping a job). The corrected statement is at the end.
#
# ## Words and one formula
#
# A **job** (作业) asks for $g$ GPUs at once and, given them, runs for a duration $d$: its **work** is
# $g \cdot d$ GPU-minutes. Jobs arrive at random at a rate of $\lambda$ per minute. A cluster of $G$
# GPUs then has an **offered load** (负载)
#
# $$\rho = \frac{\lambda \, \mathbb{E}[g\,d]}{G},$$
#
# the share of its GPU-time the jobs ask for. A job's **waiting time** is its completion time minus
# the time it needs on its own GPUs (for a job that, once started, runs to the end, that is the time it
# spent in the **queue** (队列) before it started). **Utilization** is the share of GPU-time spent
# working. A scheduler that never leaves a GPU idle while a job that could use it waits is called
# **work-conserving**; for such a scheduler, over a long run, utilization equals the offered load
# whatever its policy: the policy cannot create or destroy work, only reorder it.
#
# ## A discrete-event simulation, by hand
#
# Nothing happens between events (an arrival, a completion), so a simulation can jump from one event
# to the next: keep the future events in a priority queue ordered by time (Python's `heapq`), pop the
# earliest, update the state, and start whatever the policy allows. Here are three one-GPU jobs on
# one GPU, worked by hand first:
#
# | job | arrives | needs | FIFO: runs | FIFO wait | SJF: runs | SJF wait |
# | --- | --- | --- | --- | --- | --- | --- |
# | A | 0 | 3 | 0-3 | 0 | 0-3 | 0 |
# | B | 1 | 5 | 3-8 | 2 | 4-9 | 3 |
# | C | 2 | 1 | 8-9 | 6 | 3-4 | 1 |
#
# FIFO runs them in arrival order: mean wait (0 + 2 + 6)/3 = 8/3. At time 3, SJF picks the shorter
# of the two waiting jobs, C, first: mean wait (0 + 3 + 1)/3 = 4/3. **Fair share** on one GPU is
# **processor sharing** (处理器共享): every job present gets an equal slice. A runs alone for 1 minute
# (2 left); A and B share until 2 (A 1.5 left, B 4.5); then three jobs get a third each, so C's 1
# minute of work ends at 5 (A 0.5 left, B 3.5); A and B share again and A ends at 6 (B 3 left); B
# ends at 9. Waits (completion minus need): A 6 − 3 = 3, B 8 − 5 = 3, C 3 − 1 = 2.
#
# The event loop for FIFO on one GPU, in the open:

# %%
hand = [Job(0, 0.0, 3.0), Job(1, 1.0, 5.0), Job(2, 2.0, 1.0)]  # id, arrival, duration (1 GPU each)

events = [(job.arrival, "arrive", job.id) for job in hand]  # (time, what, job): a heap orders them by time
heapq.heapify(events)
queue, gpu_free, started = [], True, {}
while events:
    now, what, job_id = heapq.heappop(events)
    if what == "arrive":
        queue.append(job_id)  # FIFO: the queue keeps arrival order
    else:
        gpu_free = True
    if gpu_free and queue:
        job_id = queue.pop(0)
        started[job_id], gpu_free = now, False
        heapq.heappush(events, (now + hand[job_id].duration, "finish", job_id))
by_hand = [started[j.id] - j.arrival for j in hand]
print("FIFO waits by the loop above:", by_hand)

waits = {policy: [o.wait for o in simulate(hand, 1, policy).outcomes] for policy in POLICIES}
for policy, w in waits.items():
    print(f"lib, {policy:4s}: waits {[round(x, 6) for x in w]}, mean {np.mean(w):.4f}")
assert by_hand == waits["fifo"] == [0.0, 2.0, 6.0]
assert waits["sjf"] == [0.0, 3.0, 1.0]
np.testing.assert_allclose(waits["fair"], [3.0, 3.0, 2.0], atol=1e-12)

# %% [markdown]
# `lib.scale.cluster.simulate` does the same for many GPUs and three policies. For FIFO and SJF a job
# holds all its GPUs from start to end, and a job needing $g$ GPUs starts only when $g$ are free at
# once: **gang scheduling** (成组调度), because the processes of a data-parallel job (lesson 3.6)
# must all run to make progress. Both keep a strict order: a job that does not fit blocks the jobs
# behind it (**head-of-line blocking**, 队头阻塞). Fair share re-splits the GPUs at every event by
# **max-min fairness** (最大最小公平), first between teams, then between each team's jobs, each job
# capped at the GPUs it asked for. It treats GPUs as divisible, like very fine time-slicing; we
# return to what that assumption hides.
#
# Whatever the policy, the GPU-time the simulation spends busy must equal the work of the jobs, to
# rounding: a check on the bookkeeping.

# %%
check_jobs = cluster_jobs(600, 0.9, N_GPUS, seed=5)
total_work = sum(job.work for job in check_jobs)
for policy in POLICIES:
    busy = simulate(check_jobs, N_GPUS, policy).busy_gpu_time()
    print(f"{policy:4s}: busy GPU-minutes {busy:,.3f}   work of the jobs {total_work:,.3f}")
    assert abs(busy - total_work) <= 1e-9 * total_work

# %% [markdown]
# ## A check against theory: one GPU, FIFO, exponential sizes
#
# With Poisson arrivals at rate $\lambda$ and exponentially distributed job sizes of mean $1/\mu$ on
# one server, the **M/M/1 queue**, the mean time a FIFO job waits before it starts is (Kleinrock 1975)
#
# $$W = \frac{\rho}{\mu - \lambda}, \qquad \rho = \frac{\lambda}{\mu}.$$
#
# At $\rho = 0.5$ a job waits one mean job size; at 0.9, nine; at 0.95, nineteen. We simulate 100,000
# seeded jobs at each load (sizes in units of the mean, so $\mu = 1$). Over eight seeds the simulated
# means scattered by a standard deviation of 1.2% of the formula at $\rho = 0.5$ and 1.6% at 0.7, so we
# ask for agreement **within 5%** up to $\rho = 0.7$; nearer saturation a run this long is still
# noisier (successive waits are strongly correlated), and the plot shows it.

# %%
mm1 = {}
for rho in (0.3, 0.5, 0.7, 0.8, 0.9):
    schedule = simulate(single_gpu_jobs(100_000, rho, seed=0), 1, "fifo")
    mm1[rho] = (job_stats(schedule).mean_wait, mm1_mean_wait(rho, 1.0))
    simulated, theory = mm1[rho]
    print(f"rho {rho:.1f}: simulated mean wait {simulated:6.3f}, rho/(mu-lambda) = {theory:6.3f}, "
          f"ratio {simulated / theory:.3f}")
for rho in (0.3, 0.5, 0.7):
    assert abs(mm1[rho][0] / mm1[rho][1] - 1) < 0.05

fig, ax = figure()
grid = np.linspace(0.05, 0.95, 91)
ax.plot(grid, [mm1_mean_wait(r, 1.0) for r in grid], color=PALETTE[0], label=r"theory $\rho/(\mu-\lambda)$")
ax.plot(list(mm1), [s for s, _ in mm1.values()], "o", color=PALETTE[3], label="simulated, 100,000 jobs")
ax.set_yscale("log")
ax.set_xlabel(r"offered load $\rho$")
ax.set_ylabel("mean wait (mean job sizes)")
ax.set_title("One GPU, FIFO, exponential sizes (M/M/1)")
legend = ax.legend()

# %% [markdown]
# The blow-up near saturation is not a defect of FIFO: the $1/(1-\rho)$ factor is in every
# formula below. A cluster run at 95% of its capacity makes jobs wait about twice as long as one run
# at 90%.
#
# ## Heavy tails: FIFO suffers, processor sharing does not
#
# Real job sizes are far from exponential: a few jobs are huge. For any size distribution with mean
# $\mathbb{E}[S]$ and second moment $\mathbb{E}[S^2]$, the **Pollaczek-Khinchine formula** gives FIFO's
# mean wait on one server as $W = \lambda\,\mathbb{E}[S^2] / (2(1-\rho))$ (with $\mathbb{E}[S^2] = 2/\mu^2$
# it is the M/M/1 formula again). Under processor sharing the mean time lost to sharing is
# $\rho\,\mathbb{E}[S]/(1-\rho)$, **whatever the distribution** (Kleinrock 1976): short jobs never
# queue behind a long one. A lognormal size with log-standard-deviation σ has
# $\mathbb{E}[S^2] = \mathbb{E}[S]^2 e^{\sigma^2}$. Same mean, same load, two size distributions:

# %%
rho, rows = 0.7, {}
for sizes, sigma in (("exponential", None), ("lognormal σ=1", 1.0)):
    jobs = single_gpu_jobs(100_000, rho, sigma=sigma, seed=0)
    second = 2.0 if sigma is None else lognormal_second_moment(1.0, sigma)
    for policy, formula in (("fifo", mg1_fifo_mean_wait(rho, 1.0, second)), ("fair", mg1_ps_mean_wait(rho, 1.0))):
        rows[sizes, policy] = (job_stats(simulate(jobs, 1, policy)).mean_wait, formula)
print(f"one GPU, load {rho}: mean wait in mean job sizes")
for (sizes, policy), (simulated, formula) in rows.items():
    name = "FIFO (Pollaczek-Khinchine)" if policy == "fifo" else "processor sharing"
    print(f"  {sizes:14s} {name:27s} simulated {simulated:5.2f}   formula {formula:5.2f}")
    assert abs(simulated / formula - 1) < 0.06
assert rows["lognormal σ=1", "fifo"][0] > 1.2 * rows["exponential", "fifo"][0]
assert abs(rows["lognormal σ=1", "fair"][0] / rows["exponential", "fair"][0] - 1) < 0.06

# %% [markdown]
# The simulation agrees with both formulas within 6% (over four seeds the errors stayed under 5%). With
# the same mean size, the heavier tail raises FIFO's mean wait by the factor $e^{\sigma^2}/2 \approx 1.36$
# and leaves processor sharing's unchanged. With σ = 1.5 the factor is 4.7, but then even 100,000 jobs
# are too few for the sample mean to settle: the waits themselves become heavy-tailed.
#
# ## The cluster: training and inference on 16 GPUs
#
# Now a small cluster of $G = 16$ GPUs, shared by two teams. Its workload (`lib.scale.queueing.JobMix`,
# synthetic, times in minutes) mixes
#
# - **training jobs**: 2, 4 or 8 GPUs, lognormal durations with mean 120 minutes and σ = 1.5;
# - **inference jobs** (batch inference and evaluation runs): 1 GPU, lognormal with mean 2 minutes and
#   σ = 1; latency-sensitive.
#
# 80% of the jobs are inference, yet they need about 1.4% of the GPU-minutes. Arrivals are Poisson at
# the rate that makes the offered load $\rho$. The shape (many short jobs, a few huge ones) is chosen to
# make the scheduling questions visible; it is not fitted to a trace. Microsoft has published the traces
# of its Philly cluster (Jeon et al. 2019) for anyone who wants to replay real jobs.

# %%
mix = JobMix()
sample = cluster_jobs(20_000, 0.8, N_GPUS, mix, seed=0)
for kind in ("inference", "training"):
    work = np.sort([j.work for j in sample if j.kind == kind])[::-1]
    durations = np.array([j.duration for j in sample if j.kind == kind])
    top = work[: max(1, len(work) // 100)].sum() / work.sum()
    print(f"{kind:9s}: {len(work):5d} jobs, median {np.median(durations):6.1f} min, mean {durations.mean():6.1f} min, "
          f"max {durations.max():7.0f} min; the largest 1% hold {top:.0%} of the kind's GPU-minutes")
print(f"inference share of the jobs {mix.inference_share:.0%}, of the GPU-minutes {mix.inference_work_share:.1%}")
assert abs(mix.inference_work_share - 0.014) < 0.001

fig, ax = figure()
for color, kind in zip(PALETTE, ("inference", "training"), strict=False):
    d = np.sort([j.duration for j in sample if j.kind == kind])
    ax.loglog(d, 1 - np.arange(len(d)) / len(d), color=color, label=f"{kind} jobs")
ax.set_xlabel("duration (minutes)")
ax.set_ylabel("share of jobs at least this long")
ax.set_title("Job durations (synthetic, lognormal)")
legend = ax.legend()

# %% [markdown]
# ## Three policies at load 0.8
#
# The same 3,000 jobs (about three weeks of the cluster's time) under each policy. The first tenth of
# the jobs met an empty cluster and are left out of the statistics. `policy_report` prints one row
# per policy; it is also what the widget below prints.

# %%
print(policy_report(0.8, 0.8, n_jobs=3000))
at_08 = {seed: run_policies(0.8, mix, n_jobs=3000, seed=seed) for seed in range(3)}
for results in at_08.values():
    inference = {p: r.by_kind["inference"] for p, r in results.items()}
    training = {p: r.by_kind["training"] for p, r in results.items()}
    assert inference["sjf"].mean_wait < inference["fifo"].mean_wait / 5
    assert inference["fair"].p95_wait < 1.0  # under a minute: the inference team's share is always free enough
    assert training["fair"].mean_wait < training["sjf"].mean_wait < training["fifo"].mean_wait

# %% [markdown]
# On three seeds:
#
# - **FIFO** makes a two-minute inference job wait behind every training job that arrived before it:
#   hours, at load 0.8.
# - **SJF** lets short jobs jump the queue. Inference waits drop more than five-fold, but not to zero:
#   SJF here does not preempt, so an inference job still waits until some running job ends. And it
#   needs every job's duration in advance, which for training jobs nobody knows.
# - **Fair share** gives the inference team its share (up to half the GPUs) at once; its jobs hardly
#   wait. Training jobs wait less too: they share instead of queueing, so a short training job is not
#   stuck behind a week-long one (processor sharing's insensitivity to heavy tails again).
#
# ## Across loads, 0.3 to 0.95
#
# One seeded workload per load: the same random draws with the arrivals compressed, so the curves
# are smooth. Because job sizes are heavy-tailed, a sample can bring a load well off the one asked
# for (the widget's 1,500 jobs below bring 0.85 when 0.95 is asked); this 3,000-job sample lands on
# it, and the table and the x-axis show the load it actually offered. The lower-left panel adds 0.01
# minute to every wait so that fair share's zero waits show on a log axis.

# %%
loads = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95)
sweep = load_sweep(loads, mix, n_jobs=3000, seed=0)
offered = [r.offered for r in sweep["fifo"]]
print("asked  offered |  utilization fifo  sjf  fair | mean wait of all jobs (min) fifo    sjf   fair")
for i, load in enumerate(loads):
    u = [sweep[p][i].utilization for p in POLICIES]
    w = [sweep[p][i].all_jobs.mean_wait for p in POLICIES]
    print(f" {load:.2f}   {offered[i]:.3f}  |              {u[0]:.2f}  {u[1]:.2f}  {u[2]:.2f} |"
          f"                        {w[0]:6.0f} {w[1]:6.0f} {w[2]:6.0f}")

fig, axes = figure(ncols=2, nrows=2, height=6.4)
panels = (
    (axes[0, 0], "utilization", lambda r: r.utilization, "linear"),
    (axes[0, 1], "mean wait, all jobs (min)", lambda r: r.all_jobs.mean_wait, "log"),
    (axes[1, 0], "p95 wait, inference jobs (min) + 0.01", lambda r: r.by_kind["inference"].p95_wait + 0.01, "log"),
    (axes[1, 1], "mean JCT, training jobs (min)", lambda r: r.by_kind["training"].mean_completion_time, "log"),
)
for ax, label, value, scale in panels:
    for color, policy in zip(PALETTE, POLICIES, strict=False):
        ax.plot(offered, [value(r) for r in sweep[policy]], "o-", color=color, markersize=3, label=policy)
    ax.set_yscale(scale)
    ax.set_ylabel(label)
    ax.set_xlabel("offered load")
axes[0, 0].plot([0, 1], [0, 1], ":", color="grey", label="= offered load")
axes[0, 0].set_xlim(0.25, 1.0)
axes[0, 0].set_ylim(0.25, 1.0)
axes[1, 1].set_yticks([150, 300, 1000, 3000])  # plain numbers on the short log axis
axes[1, 1].yaxis.set_major_formatter(ScalarFormatter())
axes[1, 1].yaxis.set_minor_formatter(NullFormatter())
legend = axes[0, 0].legend(fontsize=8)

high, mid = loads.index(0.95), loads.index(0.5)
for policy in POLICIES:  # the blow-up, measured on the training jobs, who wait longest under every policy
    assert sweep[policy][high].by_kind["training"].mean_wait > 5 * sweep[policy][mid].by_kind["training"].mean_wait
for i in range(loads.index(0.8) + 1):
    assert abs(sweep["fair"][i].utilization - offered[i]) < 0.04  # work-conserving: utilization = load
for i in (loads.index(0.9), high):
    assert sweep["fifo"][i].utilization < 0.86 < offered[i]  # gang scheduling + strict order idles GPUs

# %% [markdown]
# Read the four panels:
#
# - **Utilization follows the offered load** for fair share (within 0.04 up to load 0.8; what is left
#   is the backlog crossing the edges of the measured window), because it never leaves a GPU idle
#   while a job could use it. FIFO and SJF fall below it near saturation: FIFO's utilization stops
#   near 0.84 however much work is offered. An 8-GPU job at the head of the queue waits for 8 free
#   GPUs, and while it waits the GPUs that free up one by one stay idle. Gang scheduling with a
#   strict order is *not* work-conserving, so those queues saturate before the cluster is full. Real schedulers fill such holes with **backfilling** (回填): start a job from
#   further back if it will end before the head job could start (which needs run-time estimates).
# - **Waiting explodes** near saturation under every policy: from load 0.5 to 0.95 the training jobs'
#   mean wait grows more than five-fold under each of them (SJF hides it from the short jobs by
#   pushing it onto the long ones, whose wait only grows with the length of the run). No policy removes the $1/(1-\rho)$: only more GPUs, less
#   work, or refusing work (admission control) does.
# - **The policies differ in who waits.** FIFO makes everyone wait alike; SJF moves the waiting onto
#   long jobs; fair share protects the light team (inference) from the heavy one.
#
# ## Change the load and the mix
#
# The widget reruns the three policies on 1,500 jobs for the load and the share of inference jobs you
# choose (each move takes a second or two). Try a cluster of inference jobs only, and a load of 0.95.

# %%
print(policy_report(0.95, 0.5, n_jobs=1500))
interactive_view(
    lambda load=0.8, inference_share=0.8: print(policy_report(load, inference_share, n_jobs=1500)),
    load=(0.3, 0.95, 0.05),
    inference_share=(0.0, 1.0, 0.1),
)

# %% [markdown]
# ## What the simulation leaves out, and what fair share costs
#
# Fair share looks like a free lunch here because the simulation treats GPUs as divisible at no cost.
# Real GPUs are not:
#
# - **Preemption costs.** To give a GPU to another job, a training job must be stopped and its state
#   (weights, optimizer state, data position: lesson 3.6) saved and later restored, which takes seconds
#   to minutes and loses the work since the last checkpoint. Schedulers therefore time-slice coarsely
#   (minutes, not microseconds) or not at all.
# - **Memory.** Two jobs cannot share a GPU if their weights and activations do not fit in its memory
#   together, so fine-grained sharing is often impossible.
# - **Placement.** A job's GPUs should sit in one server or one rack, because their traffic (lesson
#   3.6's all-reduce) is much faster there. In production, gang scheduling plus such locality
#   constraints lengthen the queue, and relaxing them shortens it but slows the jobs (Jeon et al. 2019).
# - **Unknown durations.** SJF used each job's true duration. Users' estimates are poor, and training
#   jobs are often stopped early or fail.
# - **Inference is mostly a service, not a job.** Online inference runs as long-lived replicas behind a
#   load balancer, scaled up and down with traffic; only batch inference queues like our jobs. A
#   service needs capacity reserved for its latency target, which is a queueing question again
#   (exercise 3).
#
# ## What real cluster schedulers do
#
# - **Slurm**, the common scheduler of supercomputers and many GPU clusters, orders jobs by a
#   multifactor priority (age, fair share of the account's recent usage, job size, partition, quality
#   of service) and by default runs a **backfill** scheduler that starts lower-priority jobs when they
#   do not delay higher-priority ones, using the run-time limits users give; jobs of a higher priority
#   tier or QOS may **preempt** (抢占) others by suspending, requeueing or cancelling them (Slurm
#   documentation: *Multifactor Priority Plugin*, *Scheduling Configuration Guide*, *Preemption*).
#   A multi-node job is allocated all its nodes at once, so it is gang-scheduled by construction.
# - **Kubernetes** schedules pods one at a time by default; pod priority classes let important pods
#   preempt others. All-or-nothing **gang scheduling** for multi-pod training jobs came from add-ons
#   (the *coscheduling* plugin of kubernetes-sigs/scheduler-plugins with its PodGroup `minMember`,
#   Volcano), and entered Kubernetes itself only as an alpha feature in v1.35 (Kubernetes
#   documentation, *Gang Scheduling*).
# - **Gandiva** (Xiao et al. 2018) time-slices GPUs between deep-learning jobs at mini-batch
#   boundaries, where little memory must be saved, and migrates jobs to better-fitting GPUs; on a
#   180-GPU cluster it raised utilization by 26%.
# - **Tiresias** (Gu et al. 2019) schedules without knowing durations: priority falls with the service
#   a job has already received (GPUs × time, a two-dimensional least-attained-service rule), or a
#   Gittins index when the distribution of durations is known, with discrete priority queues so that
#   jobs are not preempted constantly. It improved mean JCT by up to 5.5× over a YARN-based production
#   scheduler.
# - **Jeon et al. (2019)** studied a two-month trace of Microsoft's multi-tenant Philly cluster: how
#   gang scheduling and locality constraints cause queueing, how locality affects GPU utilization, and
#   how jobs fail during training. Their guidelines for schedulers: prioritize locality, mitigate
#   interference between jobs that share servers, and handle failures better.
#
# ## The article's challenge 5, corrected
#
# The article calls resource allocation and scheduling an open challenge awaiting "better algorithms"
# to "improve overall performance and efficiency". Corrected:
#
# 1. **It is a mature field, not a future one.** Queueing theory gives the answers we checked above
#    (Kleinrock 1975), and clusters run production schedulers (Slurm, Kubernetes with gang-scheduling
#    add-ons) and research schedulers built for deep learning (Gandiva, Tiresias).
# 2. **"Overall performance and efficiency" is several goals that conflict.** A work-conserving
#    scheduler cannot raise utilization above the offered load; the policy decides who waits: mean
#    wait, tail latency of the latency-sensitive jobs, and fairness between teams pull apart (SJF
#    lowers the mean wait and starves long jobs; fair share protects light users).
# 3. **No algorithm removes the blow-up near saturation.** Waits grow like $1/(1-\rho)$ under every
#    policy; the remedies are capacity, admission control and priorities, chosen with that curve in
#    view.
# 4. **What makes GPU clusters hard is specific**: gang scheduling (a job needs all its GPUs at once,
#    which idles GPUs under strict ordering), unknown durations, the cost of preemption, placement,
#    and failures. The article names none of them.
#
# ## Summary
#
# - A discrete-event simulation keeps future events in a priority queue and jumps between them;
#   lib's reproduces three jobs worked by hand and conserves work to 1e-9.
# - On one GPU it matches the M/M/1 mean wait ρ/(μ−λ) within 5% up to ρ = 0.7, and the
#   Pollaczek-Khinchine and processor-sharing formulas within 6%; heavy tails hurt FIFO and leave
#   processor sharing unchanged.
# - On a 16-GPU cluster shared by training and inference at load 0.8, SJF cuts the inference jobs'
#   mean wait more than five-fold and fair share nearly to zero, on three seeds.
# - Waits explode near saturation under every policy; gang scheduling with a strict order leaves GPUs
#   idle, so FIFO's utilization stops near 0.84 while 0.9 and more is offered.
# - Production schedulers combine priorities, fair share, backfilling, preemption and gang scheduling;
#   Gandiva and Tiresias adapt them to deep learning.
#
# ## Exercises
#
# **1. Predict, then run.** At load 0.8, which policy gives *training* jobs (the long ones) the lowest
# mean wait: `"fifo"`, `"sjf"` or `"fair"`? Write your prediction in `answer_1` *before* running the
# cell; it prints the three and checks.

# %%
# BEGIN SOLUTION
answer_1 = "fair"
# END SOLUTION
results_08 = at_08[0]
for policy, result in results_08.items():
    print(f"{policy:4s}: training jobs' mean wait {result.by_kind['training'].mean_wait:6.1f} min")
check("5.7.training-wait-policy", answer_1, results=results_08)

# %% [markdown]
# **2. Code.** On one GPU under FIFO, the $n$-th job waits for whatever work the job before it had
# left when it arrived. Compute the mean wait of these 200 jobs (`arrivals`, `sizes`) without `lib`
# and without an event queue: one pass over the jobs.

# %%
trace = single_gpu_jobs(200, 0.8, seed=7)
arrivals, sizes = [j.arrival for j in trace], [j.duration for j in trace]
# BEGIN SOLUTION
waits_2 = [0.0]
for n in range(1, len(arrivals)):
    waits_2.append(max(0.0, waits_2[-1] + sizes[n - 1] - (arrivals[n] - arrivals[n - 1])))
answer_2 = sum(waits_2) / len(waits_2)
# END SOLUTION
print(f"mean wait {answer_2:.3f} mean job sizes")
check("5.7.lindley-mean-wait", answer_2, arrivals=arrivals, sizes=sizes)

# %% [markdown]
# Forgetting that a job which arrives to an idle GPU waits zero, not a negative time, is the usual
# slip, and the check rejects it:

# %%
slip = [0.0]
for n in range(1, len(arrivals)):
    slip.append(slip[-1] + sizes[n - 1] - (arrivals[n] - arrivals[n - 1]))  # no max(0, ...)
print(expect_wrong(check, "5.7.lindley-mean-wait", sum(slip) / len(slip), arrivals=arrivals, sizes=sizes))

# %% [markdown]
# **3. Code.** An inference service runs on one GPU; requests arrive as a Poisson stream and take
# 50 ms on average, exponentially distributed ($\mu = 20$ per second). What is the largest arrival rate
# $\lambda$ (requests per second) for which the mean wait before service is at most 0.1 s? Use the
# M/M/1 formula.

# %%
# BEGIN SOLUTION
mu, target = 20.0, 0.1
answer_3 = target * mu**2 / (1 + target * mu)  # from rho/(mu - lambda) = lambda / (mu (mu - lambda)) <= target
# END SOLUTION
print(f"at most {answer_3:.2f} requests per second, a load of {answer_3 / 20:.2f}")
check("5.7.max-arrival-rate", answer_3)

# %% [markdown]
# **4. Explain.** Tiresias does not know how long a job will run, yet it approximates
# shortest-job-first. Why does giving priority to the jobs that have received the *least* service so
# far favour short jobs when durations are heavy-tailed? And what would go wrong with that rule if
# every job had the same duration?
#
# ## References
#
# - The source article's section 8.2 (challenge 5) and its question Q5.
# - Kleinrock, *Queueing Systems, Volume 1: Theory*, Wiley, 1975 (M/M/1, M/G/1 and the
#   Pollaczek-Khinchine formula); *Volume 2: Computer Applications*, Wiley, 1976 (processor sharing).
# - Xiao, Bhardwaj, Ramjee, Sivathanu, Kwatra, Han, Patel, Peng, Zhao, Zhang, Yang & Zhou,
#   *Gandiva: Introspective Cluster Scheduling for Deep Learning*, OSDI 2018.
# - Gu, Chowdhury, Shin, Zhu, Jeon, Qian, Liu & Guo, *Tiresias: A GPU Cluster Manager for Distributed
#   Deep Learning*, NSDI 2019, pp. 485-500.
# - Jeon, Venkataraman, Phanishayee, Qian, Xiao & Yang, *Analysis of Large-Scale Multi-Tenant GPU
#   Clusters for DNN Training Workloads*, USENIX ATC 2019, arXiv:1901.05758.
# - Slurm documentation: *Multifactor Priority Plugin* (https://slurm.schedmd.com/priority_multifactor.html),
#   *Scheduling Configuration Guide* (https://slurm.schedmd.com/sched_config.html) and *Preemption*
#   (https://slurm.schedmd.com/preempt.html).
# - Kubernetes documentation: *Gang Scheduling*
#   (https://kubernetes.io/docs/concepts/scheduling-eviction/gang-scheduling/); the coscheduling plugin
#   of kubernetes-sigs/scheduler-plugins (https://scheduler-plugins.sigs.k8s.io/docs/plugins/coscheduling/).
