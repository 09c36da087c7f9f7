"""A character-level tokenizer, and the (input, next-token target) blocks a language model trains on.

Characters are the simplest tokens (词元): the vocabulary is every distinct character of a text,
so nothing is ever split or merged. Language-modelling lessons use it before byte-pair encoding.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import torch


def _describe(char: str) -> str:
    return f"{char!r} (U+{ord(char):04X})"


class CharTokenizer:
    """Maps each character of a fixed vocabulary to an id 0..V-1 (in sorted order) and back."""

    def __init__(self, chars: str | Sequence[str]) -> None:
        if isinstance(chars, str):
            chars = list(chars)
        if not isinstance(chars, Sequence) or not chars:
            raise ValueError("chars must be a non-empty string or sequence of single characters")
        bad = [c for c in chars if not isinstance(c, str) or len(c) != 1]
        if bad:
            raise ValueError(f"chars must hold single characters, got {bad[:3]!r}")
        self.chars: tuple[str, ...] = tuple(sorted(set(chars)))
        self._ids = {c: i for i, c in enumerate(self.chars)}

    @classmethod
    def from_text(cls, text: str) -> CharTokenizer:
        """The tokenizer whose vocabulary is every distinct character of ``text``."""
        if not isinstance(text, str) or not text:
            raise ValueError(f"text must be a non-empty str, got {type(text).__name__} of length {len(text or '')}")
        return cls(text)

    @property
    def vocab_size(self) -> int:
        """Number of distinct characters, V."""
        return len(self.chars)

    def __len__(self) -> int:
        return self.vocab_size

    def __repr__(self) -> str:
        return f"CharTokenizer(vocab_size={self.vocab_size})"

    def encode(self, text: str) -> torch.Tensor:
        """The ids of ``text``'s characters as a 1-D int64 tensor; unknown characters are an error."""
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}")
        try:
            return torch.tensor([self._ids[c] for c in text], dtype=torch.long)
        except KeyError:
            unknown = sorted({c for c in text if c not in self._ids})
            first = next(i for i, c in enumerate(text) if c not in self._ids)
            shown = ", ".join(_describe(c) for c in unknown[:5])
            raise ValueError(
                f"text holds {len(unknown)} character(s) not in the vocabulary: {shown}"
                f" (first at index {first}); build the tokenizer from text that contains them"
            ) from None

    def decode(self, ids: torch.Tensor | Sequence[int]) -> str:
        """The text of a 1-D sequence of ids (a tensor or a list of ints)."""
        if isinstance(ids, torch.Tensor):
            if ids.ndim != 1 or ids.dtype.is_floating_point or ids.dtype == torch.bool:
                raise ValueError(f"ids must be a 1-D integer tensor, got {ids.dtype} of shape {tuple(ids.shape)}")
            ids = ids.tolist()
        if not isinstance(ids, Sequence) or any(not isinstance(i, int) or isinstance(i, bool) for i in ids):
            raise TypeError("ids must be a 1-D integer tensor or a sequence of ints")
        bad = [i for i in ids if not 0 <= i < self.vocab_size]
        if bad:
            raise ValueError(f"ids must lie in [0, {self.vocab_size}), got {bad[:5]}")
        return "".join(self.chars[i] for i in ids)


def _check_tokens(tokens: torch.Tensor, block_size: int) -> None:
    if not isinstance(tokens, torch.Tensor) or tokens.ndim != 1 or tokens.dtype not in (torch.int64, torch.int32):
        shape = tuple(tokens.shape) if isinstance(tokens, torch.Tensor) else type(tokens).__name__
        raise ValueError(f"tokens must be a 1-D int64 or int32 tensor of ids, got {shape}")
    if not isinstance(block_size, int) or isinstance(block_size, bool) or block_size < 1:
        raise ValueError(f"block_size must be a positive int, got {block_size!r}")
    if len(tokens) < block_size + 1:
        raise ValueError(f"tokens must hold at least block_size + 1 = {block_size + 1} ids, got {len(tokens)}")


def next_token_blocks(
    tokens: torch.Tensor, block_size: int, stride: int | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """Cut ``tokens`` into inputs (n, block_size) and targets, the same blocks shifted one id left.

    ``targets[i, t]`` is the token after ``inputs[i, t]``: at every position the model learns to
    predict the next token. Blocks start every ``stride`` ids (default: ``block_size``, no overlap).
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

    Iterating again gives new positions (one seeded generator runs on), so ``lib.train.fit`` sees
    fresh text every epoch, and two objects made with the same seed give the same batches.
    """

    def __init__(
        self, tokens: torch.Tensor, block_size: int, batch_size: int, batches_per_epoch: int, seed: int = 0
    ) -> None:
        _check_tokens(tokens, block_size)
        for name, value in (("batch_size", batch_size), ("batches_per_epoch", batches_per_epoch)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be a positive int, got {value!r}")
        self.tokens, self.block_size = tokens, block_size
        self.batch_size, self.batches_per_epoch = batch_size, batches_per_epoch
        self.generator = torch.Generator().manual_seed(seed)

    def __len__(self) -> int:
        return self.batches_per_epoch

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        offsets = torch.arange(self.block_size)
        for _ in range(self.batches_per_epoch):
            starts = torch.randint(len(self.tokens) - self.block_size, (self.batch_size,), generator=self.generator)
            index = starts[:, None] + offsets[None, :]
            yield self.tokens[index], self.tokens[index + 1]
