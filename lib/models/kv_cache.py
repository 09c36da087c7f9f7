"""A key-value cache: the keys and values of every token seen so far, so generation feeds one new token per step."""

from __future__ import annotations

import torch

from lib.core.validate import positive_int


class LayerKV:
    """One block's stored keys and values, shaped (batch, heads, positions, head_size)."""

    def __init__(self, max_length: int) -> None:
        self.max_length = max_length
        self.length = 0
        self.keys: torch.Tensor | None = None
        self.values: torch.Tensor | None = None

    def append(self, k: torch.Tensor, v: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Store the new positions' keys and values; return all keys and values so far."""
        new = k.shape[2]
        if self.length + new > self.max_length:
            raise ValueError(f"KV cache full: {self.length} + {new} positions exceed max_length {self.max_length}")
        if self.keys is None:
            shape = (k.shape[0], k.shape[1], self.max_length, k.shape[3])
            self.keys = k.new_empty(shape)
            self.values = v.new_empty(shape)
        elif k.shape[0] != self.keys.shape[0]:
            raise ValueError(f"batch size {k.shape[0]} differs from the cache's {self.keys.shape[0]}")
        self.keys[:, :, self.length : self.length + new] = k
        self.values[:, :, self.length : self.length + new] = v
        self.length += new
        return self.keys[:, :, : self.length], self.values[:, :, : self.length]


class KVCache:
    """Keys and values of every token seen so far, one buffer per block, for generating one token at a time.

    Without a cache each new token re-runs attention over the whole sequence. With one, a block
    computes the new token's key and value once, appends them here, and attends over the stored
    ones: the same numbers for a fraction of the work. Buffers are allocated on the first write,
    with ``max_length`` positions (a GPT's context_length), on the device and dtype of the keys.
    For inference (under ``torch.no_grad``): writes are in place, which autograd cannot replay.
    """

    def __init__(self, n_layer: int, max_length: int) -> None:
        self.max_length = positive_int("max_length", max_length)
        self.layers = [LayerKV(self.max_length) for _ in range(positive_int("n_layer", n_layer))]

    @property
    def length(self) -> int:
        """How many positions the cache holds (the next token's position)."""
        return self.layers[0].length

    def __repr__(self) -> str:
        return f"KVCache(n_layer={len(self.layers)}, length={self.length}, max_length={self.max_length})"
