"""Why LLM servers batch continuously and page the KV cache: both counted on a list of requests.

Static batching (静态批处理) starts a batch and waits for its longest sequence: finished slots sit
idle. Continuous batching (连续批处理, Orca's iteration-level scheduling) refills a slot as soon as its
sequence ends. A server that reserves each sequence's KV cache for the full context wastes what the
sequence never uses; PagedAttention (vLLM) hands out fixed-size blocks as the sequence grows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from lib.core.validate import positive_int, positive_number


def _lengths(name: str, lengths: Sequence[int]) -> list[int]:
    values = list(lengths)
    if not values or any(isinstance(v, bool) or not isinstance(v, int) or v < 1 for v in values):
        raise ValueError(f"{name} must be a non-empty sequence of positive ints, got {lengths!r}")
    return values


@dataclass(frozen=True)
class BatchingRun:
    """Decode steps a schedule took, and the fraction of slot-steps that produced a token."""

    steps: int
    tokens: int
    slots: int

    @property
    def utilization(self) -> float:
        """Tokens produced / (steps · slots): 1.0 means no slot ever sat idle."""
        return self.tokens / (self.steps * self.slots)


def static_batching(output_lengths: Sequence[int], batch_size: int) -> BatchingRun:
    """Requests in arrival order, ``batch_size`` at a time; a batch runs until its longest sequence ends."""
    lengths = _lengths("output_lengths", output_lengths)
    batch = positive_int("batch_size", batch_size)
    steps = sum(max(lengths[i : i + batch]) for i in range(0, len(lengths), batch))
    return BatchingRun(steps, sum(lengths), batch)


def continuous_batching(output_lengths: Sequence[int], batch_size: int) -> BatchingRun:
    """Requests in arrival order; after every decode step, finished sequences leave and waiting ones join."""
    lengths = _lengths("output_lengths", output_lengths)
    slots = positive_int("batch_size", batch_size)
    waiting = list(reversed(lengths))
    running: list[int] = []
    steps = 0
    while waiting or running:
        while waiting and len(running) < slots:
            running.append(waiting.pop())
        steps += 1
        running = [left - 1 for left in running if left > 1]
    return BatchingRun(steps, sum(lengths), slots)


@dataclass(frozen=True)
class KVReservation:
    """KV-cache bytes actually used by the sequences, and reserved under contiguous and paged allocation."""

    used: float
    contiguous: float
    paged: float

    def waste(self, scheme: str) -> float:
        """Fraction of the reserved bytes that hold nothing, for ``scheme`` 'contiguous' or 'paged'."""
        if scheme not in ("contiguous", "paged"):
            raise ValueError(f"scheme must be 'contiguous' or 'paged', got {scheme!r}")
        reserved = self.contiguous if scheme == "contiguous" else self.paged
        return 1 - self.used / reserved


def kv_reservation(
    sequence_lengths: Sequence[int], max_length: int, bytes_per_token: float, block_size: int = 16
) -> KVReservation:
    """KV bytes for sequences of these lengths (tokens): used, reserved for ``max_length`` each, or in blocks.

    Contiguous allocation reserves ``max_length`` tokens per sequence up front, because the server
    cannot know how long the answer will be; paged allocation rounds each sequence up to whole
    blocks of ``block_size`` tokens (vLLM's default block holds 16 tokens).
    """
    lengths = _lengths("sequence_lengths", sequence_lengths)
    longest = positive_int("max_length", max_length)
    if max(lengths) > longest:
        raise ValueError(f"sequence_lengths must not exceed max_length {longest}, got {max(lengths)}")
    per_token = positive_number("bytes_per_token", bytes_per_token)
    block = positive_int("block_size", block_size)
    used = sum(lengths) * per_token
    contiguous = len(lengths) * longest * per_token
    paged = sum(math.ceil(n / block) * block for n in lengths) * per_token
    return KVReservation(used, contiguous, paged)
