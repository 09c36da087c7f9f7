"""Training examples for a language model: blocks of token ids and the same blocks shifted by one.

``targets[i, t]`` is the token after ``inputs[i, t]``, so at every position of every block the
model learns to predict the next token. ``next_token_blocks`` cuts a fixed set (for validation);
``RandomBlocks`` draws batches at random places (for training), from its own seeded generator.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import torch

from lib.core.seeding import local_generator
from lib.core.validate import positive_int, seed_value


def _check_tokens(tokens: torch.Tensor, block_size: int) -> None:
    if not isinstance(tokens, torch.Tensor) or tokens.ndim != 1 or tokens.dtype not in (torch.int64, torch.int32):
        shape = tuple(tokens.shape) if isinstance(tokens, torch.Tensor) else type(tokens).__name__
        raise ValueError(f"tokens must be a 1-D int64 or int32 tensor of ids, got {shape}")
    positive_int("block_size", block_size)
    if len(tokens) < block_size + 1:
        raise ValueError(f"tokens must hold at least block_size + 1 = {block_size + 1} ids, got {len(tokens)}")


def next_token_blocks(
    tokens: torch.Tensor, block_size: int, stride: int | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """Cut ``tokens`` into inputs (n, block_size) and targets, the same blocks shifted one id left.

    Blocks start every ``stride`` ids (default: ``block_size``, no overlap).
    """
    _check_tokens(tokens, block_size)
    stride = block_size if stride is None else stride
    if not isinstance(stride, int) or isinstance(stride, bool) or stride < 1:
        raise ValueError(f"stride must be a positive int or None, got {stride!r}")
    n_blocks = (len(tokens) - block_size - 1) // stride + 1
    starts = torch.arange(n_blocks) * stride
    offsets = torch.arange(block_size)
    index = starts[:, None] + offsets[None, :]
    return tokens[index], tokens[index + 1]


class RandomBlocks:
    """Batches of blocks at random positions of ``tokens``: ``batches_per_epoch`` of them per pass.

    Positions come from the object's own generator, seeded with ``seed``: the caller's global
    random stream is never touched. Iterating again gives new positions (the generator runs on),
    so a training loop sees fresh text every epoch; two objects made with the same seed give the
    same batches, and ``state_dict`` / ``load_state_dict`` let a resumed run continue the stream.
    """

    def __init__(
        self, tokens: torch.Tensor, block_size: int, batch_size: int, batches_per_epoch: int, seed: int = 0
    ) -> None:
        _check_tokens(tokens, block_size)
        self.tokens, self.block_size = tokens, block_size
        self.batch_size = positive_int("batch_size", batch_size)
        self.batches_per_epoch = positive_int("batches_per_epoch", batches_per_epoch)
        self.generator = local_generator(seed_value("seed", seed))

    def __len__(self) -> int:
        return self.batches_per_epoch

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        offsets = torch.arange(self.block_size)
        for _ in range(self.batches_per_epoch):
            starts = torch.randint(len(self.tokens) - self.block_size, (self.batch_size,), generator=self.generator)
            index = starts[:, None] + offsets[None, :]
            yield self.tokens[index], self.tokens[index + 1]

    def state_dict(self) -> dict[str, Any]:
        """The generator's state, to save in a checkpoint."""
        return {"generator": self.generator.get_state()}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Continue from a state that ``state_dict`` returned."""
        if not isinstance(state, dict) or not isinstance(state.get("generator"), torch.Tensor):
            raise ValueError("state must be a dict from RandomBlocks.state_dict() holding a 'generator' tensor")
        self.generator.set_state(state["generator"])
