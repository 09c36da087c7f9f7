"""The course's one training engine: ``train`` runs a step over a batch source for some steps or epochs.

Around the step (``lib.train.steps``) it does what every real training run needs: mixed precision
(bf16 autocast on CUDA, fp16 with a gradient scaler where bf16 is missing), gradient accumulation,
gradient clipping, a learning-rate schedule, evaluation and checkpoints every N steps, resuming to
the same numbers, several processes under ``torchrun`` (only rank 0 logs, shows progress and writes
checkpoints), and throughput (tokens per second, model FLOPs utilization). It never reseeds a
global generator and reads losses from the device only every ``log_every`` steps.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import torch
from torch import nn
from torch.nn.parallel import DistributedDataParallel

from lib.core.checkpoint import load_checkpoint, save_checkpoint
from lib.core.hardware import peak_flops
from lib.core.progress import is_quiet
from lib.core.progress import progress as progress_bar
from lib.core.validate import one_of, positive_int, positive_number
from lib.train import distributed
from lib.train.batches import restore_source_state, source_state, split_batch
from lib.train.history import History
from lib.train.precision import autocast_for, grad_scaler_for, resolve_precision
from lib.train.steps import SupervisedStep

Step = Callable[["Loop", Any], dict[str, torch.Tensor]]


class Loop:
    """What a step sees: the model (wrapped for several processes), the optimizer and the moves of one update."""

    def __init__(
        self,
        model: nn.Module,
        optimizer: torch.optim.Optimizer | None,
        device: torch.device,
        precision: str,
        accumulate: int,
        grad_clip: float | None,
        scheduler: torch.optim.lr_scheduler.LRScheduler | None,
    ) -> None:
        self.module = model
        self.model = model
        if distributed.is_distributed() and not distributed.is_wrapped(model):
            self.model = DistributedDataParallel(model, device_ids=[device.index] if device.type == "cuda" else None)
        self.optimizer = optimizer
        self.device = device
        self.precision = precision
        self.accumulate = accumulate
        self.grad_clip = grad_clip
        self.scheduler = scheduler
        self.scaler = grad_scaler_for(precision, device)

    def autocast(self) -> contextlib.AbstractContextManager:
        """Mixed precision for a forward pass, as the run's precision says."""
        return autocast_for(self.precision, self.device)

    def to_device(self, batch: Any) -> Any:
        """A tensor, or a tuple or list of them, moved to the run's device."""
        if isinstance(batch, torch.Tensor):
            return batch.to(self.device, non_blocking=True)
        if isinstance(batch, (tuple, list)):
            return type(batch)(self.to_device(b) for b in batch)
        return batch

    def micro_batches(self, batch: Any) -> list[tuple[Any, float, bool]]:
        """The batch split into ``accumulate`` pieces: (piece, its share of the samples, is it the last)."""
        pieces = split_batch(batch, self.accumulate)
        return [(piece, weight, i == len(pieces) - 1) for i, (piece, weight) in enumerate(pieces)]

    def sync(self, last: bool) -> contextlib.AbstractContextManager:
        """Around forward and backward of a micro-batch: skip the gradient all-reduce except on the last."""
        if last or not isinstance(self.model, DistributedDataParallel):
            return contextlib.nullcontext()
        return self.model.no_sync()

    def backward(self, loss: torch.Tensor) -> None:
        """Backward pass, through the fp16 gradient scaler when there is one."""
        (self.scaler.scale(loss) if self.scaler is not None else loss).backward()

    def update(self) -> None:
        """Unscale, clip the gradient norm, step the optimizer and the learning-rate schedule."""
        if self.optimizer is None:
            raise ValueError("this step updates parameters but train() was given no optimizer")
        if self.scaler is not None:
            self.scaler.unscale_(self.optimizer)
        if self.grad_clip is not None:
            params = [p for group in self.optimizer.param_groups for p in group["params"]]
            nn.utils.clip_grad_norm_(params, self.grad_clip)
        if self.scaler is not None:
            self.scaler.step(self.optimizer)
            self.scaler.update()
        else:
            self.optimizer.step()
        if self.scheduler is not None:
            self.scheduler.step()


def _check(
    model: nn.Module,
    optimizer: object,
    steps: int | None,
    epochs: int | None,
    numbers: dict[str, object],
    on_nonfinite: str,
) -> None:
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if optimizer is not None and not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(f"optimizer must be a torch.optim.Optimizer, got {type(optimizer).__name__}")
    if (steps is None) == (epochs is None):
        raise ValueError(f"give exactly one of steps and epochs, got steps={steps!r}, epochs={epochs!r}")
    positive_int("steps" if steps is not None else "epochs", steps if steps is not None else epochs)
    for name, value in numbers.items():
        if value is not None:
            (positive_number if name in ("grad_clip", "flops_per_token", "time_limit") else positive_int)(name, value)
    one_of("on_nonfinite", on_nonfinite, ("raise", "stop"))


def train(
    model: nn.Module,
    batches: Iterable[Any],
    step: Step | None = None,
    *,
    optimizer: torch.optim.Optimizer | None = None,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] | None = None,
    steps: int | None = None,
    epochs: int | None = None,
    accumulate: int = 1,
    scheduler: torch.optim.lr_scheduler.LRScheduler | None = None,
    grad_clip: float | None = None,
    precision: str = "auto",
    device: torch.device | str | None = None,
    log_every: int | None = None,
    evaluate: Callable[[nn.Module], dict[str, float]] | None = None,
    eval_every: int | None = None,
    checkpoint_path: str | Path | None = None,
    checkpoint_every: int | None = None,
    resume: bool = False,
    tokens_per_batch: int | None = None,
    flops_per_token: float | None = None,
    on_step: Callable[[int], None] | None = None,
    on_nonfinite: str = "raise",
    keep_every_step: bool = False,
    progress: bool | None = None,
    desc: str = "training",
    source_name: str = "batches",
    time_limit: float | None = None,
) -> History:
    """Train ``model`` for ``steps`` optimizer steps or ``epochs`` passes over ``batches``; return the History.

    ``step(loop, batch)`` does one update (default: :class:`SupervisedStep` of ``loss_fn``) and returns
    scalar tensors by name, logged every ``log_every`` steps (default: at the end of each epoch in
    epoch mode, every 1% of the run in step mode) as the window's mean, or every value with
    ``keep_every_step``. ``evaluate(model)`` returns {name: value}, logged as ``val_<name>`` every
    ``eval_every`` steps (default: after each epoch, or at the end). With ``checkpoint_path`` and
    ``checkpoint_every`` the run is saved every N steps (rank 0 writes); ``resume=True`` continues from
    that file if it exists, restoring also torch's global generator (dropout's) as it was at the save.
    A non-finite value raises FloatingPointError, or with ``on_nonfinite="stop"`` ends the run.
    ``time_limit`` ends the run once that many seconds went to training steps in this call
    (evaluation, checkpoints and ``on_step`` not counted): for benchmarks at a fixed time budget.
    Under ``torchrun`` give each process its own shard of the batches; gradients are averaged.
    """
    numbers = {
        "accumulate": accumulate,
        "log_every": log_every,
        "eval_every": eval_every,
        "checkpoint_every": checkpoint_every,
        "tokens_per_batch": tokens_per_batch,
        "grad_clip": grad_clip,
        "flops_per_token": flops_per_token,
        "time_limit": time_limit,
    }
    _check(model, optimizer, steps, epochs, numbers, on_nonfinite)
    if step is None:
        if loss_fn is None or optimizer is None:
            raise ValueError("the default step needs loss_fn and optimizer; give them or a step of your own")
        step = SupervisedStep(loss_fn)
    if not callable(step):
        raise TypeError(f"step must be callable as step(loop, batch), got {type(step).__name__}")
    if (checkpoint_every is None) != (checkpoint_path is None) and not (resume and checkpoint_path is not None):
        raise ValueError("give checkpoint_path and checkpoint_every together")
    if resume and checkpoint_path is None:
        raise ValueError("resume=True needs checkpoint_path")
    if device is None:
        device = next((p.device for p in model.parameters()), torch.device("cpu"))
    device = torch.device(device)
    model.to(device).train()
    loop = Loop(model, optimizer, device, resolve_precision(precision, device), accumulate, grad_clip, scheduler)
    if log_every is None and steps is not None:
        log_every = max(1, steps // 100)
    run = _Run(loop, batches, step, history=History())
    if resume and Path(checkpoint_path).is_file():
        run.restore(load_checkpoint(checkpoint_path, map_location=device))
    length = len(batches) if hasattr(batches, "__len__") else None
    total = steps if steps is not None else (epochs * length if length is not None else None)
    show = ((not is_quiet()) if progress is None else progress) and distributed.is_main()
    bar = progress_bar(total=total, desc=desc, initial=run.step) if show else None
    peak = peak_flops(device) if flops_per_token is not None else None
    last_eval, started = -1, time.perf_counter()
    begun, excluded = time.perf_counter(), 0.0  # time_limit counts time since begun, less evaluations etc.

    def flush() -> bool:
        nonlocal started
        if not run.window_steps:
            return True
        elapsed, count = time.perf_counter() - started, len(run.window_steps)
        ok = run.flush(keep_every_step, on_nonfinite)
        if ok and tokens_per_batch is not None:
            per_process = count * tokens_per_batch / max(elapsed, 1e-9)
            run.history.log(run.step, tokens_per_s=per_process * distributed.world_size())
            if peak is not None:
                run.history.log(run.step, mfu=per_process * flops_per_token / peak)
        if bar is not None and run.history.metrics:
            bar.set_postfix({k: f"{v[-1]:.4g}" for k, v in run.history.metrics.items()})
        started = time.perf_counter()
        return ok

    def run_evaluation() -> None:
        nonlocal last_eval, started
        for name, value in evaluate(loop.module).items():  # evaluation (评估模型)
            run.history.log(run.step, **{f"val_{name}": value})
        loop.model.train()
        last_eval, started = run.step, time.perf_counter()

    stopped = steps is not None and run.step >= steps  # a resumed run that had already finished
    while not stopped and (epochs is None or run.epoch < epochs):
        if run.source is None:
            run.source = source_state(batches)
        else:
            restore_source_state(batches, run.source)
        iterator = iter(batches)
        for _ in range(run.batch_in_epoch):  # resuming mid-epoch: the batches already used
            next(iterator, None)
        for batch in iterator:  # the next mini-batch (输入数据)
            run.record(step(loop, batch))
            if bar is not None:
                bar.update(1)
            if log_every is not None and run.step % log_every == 0 and not flush():
                stopped = True
                break
            aside = time.perf_counter()
            if evaluate is not None and eval_every is not None and run.step % eval_every == 0:
                run_evaluation()
            if on_step is not None:
                on_step(run.step)
            if checkpoint_every is not None and run.step % checkpoint_every == 0:
                run.save(checkpoint_path)
                started = time.perf_counter()
            excluded += time.perf_counter() - aside
            out_of_time = time_limit is not None and time.perf_counter() - begun - excluded >= time_limit
            if (steps is not None and run.step >= steps) or out_of_time:
                stopped = True
                break
        if stopped:
            break
        if run.batch_in_epoch == 0:
            raise ValueError(f"{source_name} was empty: nothing to train on")
        run.epoch, run.batch_in_epoch, run.source = run.epoch + 1, 0, None
        if epochs is not None:  # another epoch? (重复训练)
            if log_every is None and not flush():
                break
            if evaluate is not None and eval_every is None:
                run_evaluation()
    if not run.stopped_on_nonfinite:
        flush()
        if evaluate is not None and last_eval != run.step and (epochs is None or eval_every is not None):
            run_evaluation()
    if bar is not None:
        bar.close()
    return run.history


class _Run:
    """The mutable state of one run: counters, the window of unread values, the history; saved and restored."""

    def __init__(self, loop: Loop, batches: Iterable[Any], step: Step, history: History) -> None:
        self.loop, self.batches, self.step_fn, self.history = loop, batches, step, history
        self.step = self.epoch = self.batch_in_epoch = 0
        self.source: dict[str, Any] | None = None
        self.window: dict[str, list[torch.Tensor]] = {}
        self.window_steps: list[int] = []
        self.stopped_on_nonfinite = False

    def record(self, values: dict[str, torch.Tensor]) -> None:
        if not isinstance(values, dict):
            raise TypeError(f"a step must return a dict of scalar tensors, got {type(values).__name__}")
        self.step, self.batch_in_epoch = self.step + 1, self.batch_in_epoch + 1
        for name, value in values.items():
            self.window.setdefault(name, []).append(torch.as_tensor(value).detach().reshape(()).float())
        self.window_steps.append(self.step)

    def flush(self, keep_every_step: bool, on_nonfinite: str) -> bool:
        """Read the window from the device at once (one synchronization), log it, check it is finite."""
        names = list(self.window)
        table = torch.stack([torch.stack(self.window[n]).to(self.loop.device) for n in names])
        rows = distributed.mean_across_processes(table).tolist()
        steps, self.window, self.window_steps = self.window_steps, {}, []
        for name, values in zip(names, rows, strict=True):
            bad = next((v for v in values if not math.isfinite(v)), None)
            if bad is not None:
                if on_nonfinite == "stop":
                    self.stopped_on_nonfinite = True
                    return False
                raise FloatingPointError(f"{name} became {bad} by step {steps[-1]}; lower the learning rate")
        for name, values in zip(names, rows, strict=True):
            if keep_every_step:
                for at, value in zip(steps, values, strict=True):
                    self.history.log(at, **{name: value})
            else:
                self.history.log(steps[-1], **{name: sum(values) / len(values)})
        return True

    def save(self, path: str | Path) -> None:
        """Write everything needed to continue (rank 0 only), then wait for every process."""
        if distributed.is_main():
            loop = self.loop
            state = {
                "model": loop.module.state_dict(),
                "optimizer": loop.optimizer.state_dict() if loop.optimizer is not None else None,
                "scheduler": loop.scheduler.state_dict() if loop.scheduler is not None else None,
                "scaler": loop.scaler.state_dict() if loop.scaler is not None else None,
                "step_state": self.step_fn.state_dict() if hasattr(self.step_fn, "state_dict") else None,
                "counters": {"step": self.step, "epoch": self.epoch, "batch_in_epoch": self.batch_in_epoch},
                "source": self.source,
                "history": self.history.state_dict(),
                "window": {n: torch.stack(v).cpu() for n, v in self.window.items()},
                "window_steps": list(self.window_steps),
                "rng": _global_rng_state(),
            }
            save_checkpoint(path, state)
        distributed.barrier()

    def restore(self, state: dict[str, Any]) -> None:
        """Continue from what :meth:`save` wrote."""
        loop = self.loop
        loop.module.load_state_dict(state["model"])
        for name, part in (("optimizer", loop.optimizer), ("scheduler", loop.scheduler), ("scaler", loop.scaler)):
            if part is not None and state.get(name) is not None:
                part.load_state_dict(state[name])
        if state.get("step_state") is not None:
            self.step_fn.load_state_dict(state["step_state"])
        counters = state["counters"]
        self.step, self.epoch, self.batch_in_epoch = counters["step"], counters["epoch"], counters["batch_in_epoch"]
        self.source = state["source"]
        self.history.load_state_dict(state["history"])
        self.window = {n: list(v.to(loop.device).unbind()) for n, v in state["window"].items()}
        self.window_steps = list(state["window_steps"])
        if state.get("rng") is not None:  # dropout draws from the global generator: continue its stream
            torch.set_rng_state(state["rng"]["cpu"])
            if torch.cuda.is_available() and state["rng"]["cuda"]:
                torch.cuda.set_rng_state_all(state["rng"]["cuda"])


def _global_rng_state() -> dict[str, Any]:
    """torch's global generator states (CPU and every GPU), which dropout draws from."""
    cuda = torch.cuda.get_rng_state_all() if torch.cuda.is_available() and torch.cuda.is_initialized() else []
    return {"cpu": torch.get_rng_state(), "cuda": cuda}
