"""Measuring a compressed model: the bytes it takes on disk, and its median latency on a batch."""

from __future__ import annotations

import io
import statistics
import time
import warnings

import torch
from torch import nn

from lib.core.validate import positive_int


def serialized_bytes(model: nn.Module) -> int:
    """Bytes of ``torch.save(model.state_dict())``: what the model costs to store or ship."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be an nn.Module, got {type(model).__name__}")
    buffer = io.BytesIO()
    torch.save(model.state_dict(), buffer)
    return buffer.getbuffer().nbytes


def sparse_csr_bytes(weight: torch.Tensor) -> int:
    """Bytes of ``weight`` in PyTorch's compressed sparse row format: values, column indices and row offsets."""
    if not isinstance(weight, torch.Tensor) or weight.ndim != 2:
        raise ValueError(f"weight must be a 2-D tensor, got {getattr(weight, 'shape', weight)!r}")
    with warnings.catch_warnings():  # "sparse CSR support is in beta": true, and not the learner's concern
        warnings.simplefilter("ignore", UserWarning)
        csr = weight.detach().to_sparse_csr()
    parts = (csr.values(), csr.col_indices(), csr.crow_indices())
    return sum(p.numel() * p.element_size() for p in parts)


@torch.no_grad()
def median_latency_ms(model: nn.Module, inputs: torch.Tensor, repeats: int = 50, warmup: int = 5) -> float:
    """Median wall time, in milliseconds, of ``model(inputs)`` over ``repeats`` calls after ``warmup`` calls.

    The median, not the mean: on a shared machine a few calls are slowed by other processes, and the
    median ignores them. On CUDA each call is synchronized so the time is the kernel's, not the launch's.
    """
    repeats = positive_int("repeats", repeats)
    positive_int("warmup", warmup, minimum=0)
    sync = torch.cuda.synchronize if inputs.is_cuda else (lambda: None)
    for _ in range(warmup):
        model(inputs)
    sync()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        model(inputs)
        sync()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3
