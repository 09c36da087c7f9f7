"""Batch sources for the engine: a seeded shuffle over in-memory tensors, and saving where a source stands.

A batch source is anything the engine can iterate again and again (a list, a DataLoader, a custom
iterable); one pass is one epoch. To resume mid-epoch the engine records the source's random
state at the start of each epoch and, on resume, restores it and skips the batches already used.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import torch

from lib.core.validate import positive_int, seed_value
from lib.core.validate import tensor as check_tensor


def make_batches(
    inputs: torch.Tensor,
    targets: torch.Tensor,
    batch_size: int,
    shuffle: bool = True,
    seed: int = 0,
) -> torch.utils.data.DataLoader:
    """A DataLoader over in-memory tensors with a seeded shuffle, so every run sees the same order."""
    check_tensor("inputs", inputs)
    check_tensor("targets", targets)
    if inputs.ndim == 0 or targets.ndim == 0 or inputs.shape[0] == 0:
        raise ValueError(f"inputs must hold at least one example, got shape {tuple(inputs.shape)}")
    if inputs.shape[0] != targets.shape[0]:
        raise ValueError(f"inputs and targets must have the same length, got {inputs.shape[0]} and {targets.shape[0]}")
    positive_int("batch_size", batch_size)
    seed_value("seed", seed)
    dataset = torch.utils.data.TensorDataset(inputs, targets)
    generator = torch.Generator().manual_seed(seed)
    return torch.utils.data.DataLoader(dataset, batch_size=batch_size, shuffle=shuffle, generator=generator)


def source_state(source: Iterable[Any]) -> dict[str, Any]:
    """The random state of a batch source, taken before an epoch starts: plain data for a checkpoint.

    A source with ``state_dict()`` gives its own; one with a ``generator`` attribute (a DataLoader,
    or a custom iterable drawing from a ``torch.Generator``) gives that generator's state; a list has none.
    """
    if hasattr(source, "state_dict") and callable(source.state_dict):
        return {"state_dict": source.state_dict()}
    generator = getattr(source, "generator", None)
    if isinstance(generator, torch.Generator):
        return {"generator": generator.get_state()}
    return {}


def restore_source_state(source: Iterable[Any], state: dict[str, Any]) -> None:
    """Put a batch source back in the state :func:`source_state` recorded."""
    if "state_dict" in state:
        source.load_state_dict(state["state_dict"])
    elif "generator" in state:
        generator = getattr(source, "generator", None)
        if not isinstance(generator, torch.Generator):
            raise ValueError("the checkpoint holds a generator state but the batch source has no generator")
        generator.set_state(state["generator"])


def split_batch(batch: Any, pieces: int) -> list[tuple[Any, float]]:
    """Split a batch (a tensor, or a tuple/list of tensors sharing dim 0) into ``pieces`` micro-batches.

    Each comes with its weight, its share of the samples, so that mean losses weighted by it add up
    to the mean loss of the whole batch: the gradient of gradient accumulation equals the full batch's.
    """
    positive_int("pieces", pieces)
    tensors = (batch,) if isinstance(batch, torch.Tensor) else tuple(batch)
    if not tensors or any(not isinstance(t, torch.Tensor) for t in tensors):
        raise TypeError("a batch to split must be a tensor or a tuple of tensors")
    n = tensors[0].shape[0]
    if any(t.shape[0] != n for t in tensors):
        raise ValueError(
            f"every tensor of a batch must have the same first dimension, got {[t.shape[0] for t in tensors]}"
        )
    if pieces == 1:
        return [(batch, 1.0)]
    if n < pieces:
        raise ValueError(f"a batch of {n} samples cannot be split into accumulate={pieces} micro-batches")
    chunks = list(zip(*(torch.tensor_split(t, pieces) for t in tensors), strict=True))
    out = []
    for chunk in chunks:
        piece = (
            chunk[0] if isinstance(batch, torch.Tensor) else type(batch)(chunk) if isinstance(batch, list) else chunk
        )
        out.append((piece, chunk[0].shape[0] / n))
    return out
