"""Data-parallel training for real: a tiny GPT trained by several processes under ``torchrun``.

Run ``torchrun --standalone --nproc_per_node 2 -m lib.train.ddp_demo --out DIR`` (CPUs: gloo backend)
or the same on a machine with N GPUs and ``--nproc_per_node N`` (one GPU per process: NCCL). Each
process takes its share of every global batch and trains through ``lib.train.loop.train``, which
wraps the model in DistributedDataParallel (``--strategy ddp``) or, for ``--strategy fsdp``, the
model is sharded first with FSDP2's ``fully_shard`` (ZeRO stage 3: each process keeps 1/N of the
weights, gradients and optimizer state). Rank 0 writes ``DIR/results.json`` (losses, how far the
replicas differ, bytes each rank held) and ``DIR/<strategy>.pt`` (the trained weights), which
:func:`single_process_run` reproduces in one process on the whole global batch.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch
import torch.distributed as dist
from torch import nn

from lib.core.checkpoint import save_checkpoint
from lib.core.files import atomic_write_text
from lib.core.seeding import seeded
from lib.core.validate import one_of, positive_int, positive_number
from lib.data.blocks import RandomBlocks
from lib.data.char_tokenizer import CharTokenizer
from lib.data.pydoc_corpus import load_python_docs
from lib.models.gpt import GPT, GPTConfig
from lib.train.loop import train
from lib.train.optimizers import make_adamw
from lib.train.steps import LossStep

STRATEGIES = ("ddp", "fsdp")


@dataclass(frozen=True)
class DemoConfig:
    """The run every process and the single-process reference share: model size, data, steps."""

    n_layer: int = 2
    n_head: int = 2
    d_model: int = 32
    context: int = 32
    global_batch: int = 8
    steps: int = 10
    lr: float = 3e-3
    seed: int = 0

    def __post_init__(self) -> None:
        for name in ("n_layer", "n_head", "d_model", "context", "global_batch", "steps"):
            positive_int(name, getattr(self, name))
        positive_number("lr", self.lr)


def demo_batches(config: DemoConfig) -> tuple[list[tuple[torch.Tensor, torch.Tensor]], int]:
    """The global batches of the run (the same list in every process) and the vocabulary size."""
    text = load_python_docs("train")
    tokenizer = CharTokenizer.from_text(text)
    tokens = torch.tensor(tokenizer.encode(text), dtype=torch.long)
    source = RandomBlocks(tokens, config.context, config.global_batch, config.steps, seed=config.seed)
    return list(source), tokenizer.vocab_size


def demo_model(config: DemoConfig, vocab_size: int) -> GPT:
    """The tiny GPT, initialised from ``config.seed`` (identical in every process)."""
    gpt = GPTConfig(
        vocab_size=vocab_size,
        context_length=config.context,
        n_layer=config.n_layer,
        n_head=config.n_head,
        d_model=config.d_model,
    )
    with seeded(config.seed):
        return GPT(gpt)


def _loss(model: nn.Module, batch: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
    inputs, targets = batch
    return model(inputs, targets)[1]


def _train(
    model: nn.Module, batches: list, config: DemoConfig, device: torch.device
) -> tuple[list[float], torch.optim.Optimizer]:
    """The demo's one recipe, used alike by every rank and by the single-process reference."""
    optimizer = make_adamw(model, lr=config.lr, device=device)
    history = train(
        model,
        batches,
        LossStep(_loss),
        optimizer=optimizer,
        steps=config.steps,
        precision="fp32",
        device=device,
        log_every=1,
        keep_every_step=True,
        progress=False,
    )
    return history["train_loss"], optimizer


def single_process_run(config: DemoConfig, device: torch.device | str = "cpu") -> tuple[GPT, list[float]]:
    """Train the same model on the whole global batches in this one process: the reference for DDP and FSDP."""
    if dist.is_available() and dist.is_initialized():
        raise RuntimeError("single_process_run must run outside a process group (the engine would wrap it in DDP)")
    batches, vocab_size = demo_batches(config)
    model = demo_model(config, vocab_size)
    losses, _ = _train(model, batches, config, torch.device(device))
    return model, losses


def shard(batch: tuple[torch.Tensor, torch.Tensor], rank: int, world: int) -> tuple[torch.Tensor, torch.Tensor]:
    """This process's equal share of a global batch (rows ``rank``-th of ``world`` chunks)."""
    if batch[0].shape[0] % world:
        raise ValueError(f"global_batch ({batch[0].shape[0]}) must be divisible by the number of processes ({world})")
    return tuple(t.chunk(world)[rank] for t in batch)


def _local(tensor: torch.Tensor) -> torch.Tensor:
    """The part of a (possibly sharded DTensor) tensor that lives in this process."""
    return tensor.to_local() if hasattr(tensor, "to_local") else tensor


def _full(tensor: torch.Tensor) -> torch.Tensor:
    """The whole tensor, gathered from every process when it is sharded."""
    return tensor.full_tensor() if hasattr(tensor, "full_tensor") else tensor


def _held_bytes(model: nn.Module, optimizer_state: dict) -> dict[str, int]:
    params = list(model.parameters())
    state = [_local(v) for s in optimizer_state.values() for v in s.values() if torch.is_tensor(v) and v.ndim > 0]
    return {
        "weights": sum(_local(p).numel() * p.element_size() for p in params),
        "gradients": sum(_local(p.grad).numel() * p.grad.element_size() for p in params if p.grad is not None),
        "optimizer": sum(t.numel() * t.element_size() for t in state),
    }


def _run_strategy(strategy: str, config: DemoConfig, device: torch.device) -> dict[str, Any]:
    rank, world = dist.get_rank(), dist.get_world_size()
    batches, vocab_size = demo_batches(config)
    mine = [shard(b, rank, world) for b in batches]
    model = demo_model(config, vocab_size).to(device)
    if strategy == "fsdp":
        from torch.distributed.fsdp import fully_shard

        for block in model.blocks:  # each block gathers its weights just before it runs, then frees them
            fully_shard(block)
        fully_shard(model)
    losses, optimizer = _train(model, mine, config, device)
    held = _held_bytes(model, optimizer.state)
    state = {name: _full(t).detach().cpu() for name, t in model.state_dict().items()}
    flat = torch.cat([t.flatten().float() for t in state.values()]).to(device)
    copies = [torch.empty_like(flat) for _ in range(world)]
    dist.all_gather(copies, flat)
    every_held = [None] * world
    dist.all_gather_object(every_held, held)
    return {
        "losses": losses,
        "replica_max_diff": max(float((c - copies[0]).abs().max()) for c in copies),
        "held_bytes": every_held,
        "n_parameters": sum(p.numel() for p in model.parameters()),
        "state": state,
    }


def main(argv: list[str] | None = None) -> None:
    """Entry point under torchrun: train with each strategy, rank 0 writes the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="folder for results.json and the trained weights")
    parser.add_argument("--strategy", default="ddp", help="ddp, fsdp or both, comma-separated")
    for name, value in asdict(DemoConfig()).items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=type(value), default=value)
    args = parser.parse_args(argv)
    strategies = args.strategy.split(",")
    for strategy in strategies:
        one_of("strategy", strategy, STRATEGIES)
    config = DemoConfig(**{k: getattr(args, k) for k in asdict(DemoConfig())})
    cuda = torch.cuda.is_available()
    backend = "nccl" if cuda else "gloo"  # NCCL between GPUs, gloo between CPU processes
    if cuda:
        torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", "0")))
    device = torch.device("cuda", torch.cuda.current_device()) if cuda else torch.device("cpu")
    dist.init_process_group(backend)
    try:
        results: dict[str, Any] = {
            "backend": backend,
            "world_size": dist.get_world_size(),
            "config": asdict(config),
        }
        for strategy in strategies:
            outcome = _run_strategy(strategy, config, device)
            state = outcome.pop("state")
            if dist.get_rank() == 0:
                save_checkpoint(Path(args.out) / f"{strategy}.pt", state)
            results[strategy] = outcome
        if dist.get_rank() == 0:
            atomic_write_text(Path(args.out) / "results.json", json.dumps(results, indent=1))
        dist.barrier()
    finally:
        dist.destroy_process_group()


def launch(
    out: str | Path,
    nproc: int = 2,
    strategy: str = "ddp",
    config: DemoConfig | None = None,
    timeout: float = 300.0,
) -> dict[str, Any]:
    """Run this module under ``torchrun --standalone`` with ``nproc`` processes; return results.json as a dict.

    Uses ``python -m torch.distributed.run`` (what the ``torchrun`` command runs) with this
    interpreter, so it works from a notebook whose PATH lacks ``torchrun``.
    """
    positive_int("nproc", nproc)
    for name in strategy.split(","):
        one_of("strategy", name, STRATEGIES)
    config = DemoConfig() if config is None else config
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    options = [f"--{k.replace('_', '-')}={v}" for k, v in asdict(config).items()]
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc_per_node={nproc}"]
    command += ["-m", "lib.train.ddp_demo", f"--out={out}", f"--strategy={strategy}", *options]
    env = dict(os.environ, OMP_NUM_THREADS="1")
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"torchrun failed with exit code {done.returncode}:\n{done.stderr[-3000:]}")
    return json.loads((out / "results.json").read_text())


if __name__ == "__main__":
    main()
