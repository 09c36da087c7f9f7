"""Awareness of ``torch.distributed``: which process this is, how many there are, and reductions across them.

Without a process group (a notebook, a plain ``python`` run) there is one process of rank 0 and
every function here is a no-op, so the same training code runs alone or under ``torchrun``.
"""

from __future__ import annotations

import torch
import torch.distributed as dist

from lib.core.validate import tensor as check_tensor


def is_distributed() -> bool:
    """True when a process group is initialised and holds more than one process."""
    return dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1


def rank() -> int:
    """This process's rank (0 without a process group)."""
    return dist.get_rank() if dist.is_available() and dist.is_initialized() else 0


def world_size() -> int:
    """The number of processes training together (1 without a process group)."""
    return dist.get_world_size() if dist.is_available() and dist.is_initialized() else 1


def is_main() -> bool:
    """True on the process that logs, shows progress and writes checkpoints (rank 0)."""
    return rank() == 0


def mean_across_processes(values: torch.Tensor) -> torch.Tensor:
    """The element-wise mean of ``values`` over all processes (``values`` itself when alone)."""
    check_tensor("values", values)
    if not is_distributed():
        return values
    values = values.clone()
    dist.all_reduce(values, op=dist.ReduceOp.SUM)
    return values / world_size()


def is_wrapped(model: torch.nn.Module) -> bool:
    """True when ``model`` already averages or shards its gradients itself: DDP, FSDP or FSDP2 (``fully_shard``)."""
    from torch.distributed.fsdp import FSDPModule, FullyShardedDataParallel
    from torch.nn.parallel import DistributedDataParallel

    return isinstance(model, (DistributedDataParallel, FullyShardedDataParallel, FSDPModule))


def barrier() -> None:
    """Wait until every process gets here (nothing to wait for when alone)."""
    if is_distributed():
        dist.barrier()
