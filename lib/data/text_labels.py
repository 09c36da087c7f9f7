"""Labels a probe can predict, read off the Python documentation's own text: quoted literals, indented lines, brackets.

The documentation marks code names with double quotes ("len()") and indents code examples and
definition bodies, so whether a character sits inside a quoted literal or on an indented line is a
fact of the text itself, not a human annotation. Labels are made per character, then given to each
token by the character it ends on (the state after reading the token, which is what a GPT's hidden
state at that position can know). Control labels (Hewitt & Liang 2019) give each token *type* one
random label, so a probe that scores well on them has memorized types, not read the context.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from lib.core.seeding import local_generator
from lib.core.validate import positive_int, seed_value, tensor
from lib.data.tokenizer import Tokenizer

TASKS = ("quoted", "indented")


def _text(name: str, text: object) -> str:
    if not isinstance(text, str):
        raise ValueError(f"{name} must be a str, got {type(text).__name__}")
    return text


def quoted_characters(text: str) -> list[int]:
    """1 for each character after which a double-quoted literal is open (an odd count of '"' so far), else 0.

    The count restarts at every blank line, so an unbalanced quote never spills into the next paragraph.
    The opening quote itself gets 1 (the literal is open after it), the closing quote 0.
    """
    text = _text("text", text)
    labels, inside = [], 0
    for i, ch in enumerate(text):
        if ch == "\n" and i > 0 and text[i - 1] == "\n":
            inside = 0
        if ch == '"':
            inside = 1 - inside
        labels.append(inside)
    return labels


def indented_characters(text: str, min_indent: int = 3) -> list[int]:
    """1 for each character of a line that starts with at least ``min_indent`` spaces, else 0 (newlines: 0)."""
    text = _text("text", text)
    min_indent = positive_int("min_indent", min_indent)
    labels: list[int] = []
    for line in text.split("\n"):
        indent = len(line) - len(line.lstrip(" "))
        flag = int(indent >= min_indent and bool(line.strip()))
        labels.extend([flag] * len(line))
        labels.append(0)  # the newline that ends the line
    return labels[: len(text)]


def character_labels(text: str, task: str) -> list[int]:
    """Per-character labels of ``task`` ("quoted" or "indented") for ``text``."""
    if task == "quoted":
        return quoted_characters(text)
    if task == "indented":
        return indented_characters(text)
    raise ValueError(f"task must be one of {TASKS}, got {task!r}")


def token_byte_lengths(tokenizer: Tokenizer, ids: Sequence[int]) -> list[int]:
    """How many UTF-8 bytes each token of ``ids`` stands for (byte-level BPE tokens may split a character)."""
    vocab = getattr(tokenizer, "vocab", None)
    if isinstance(vocab, list) and vocab and isinstance(vocab[0], bytes):
        return [len(vocab[int(i)]) for i in ids]
    return [len(tokenizer.decode([int(i)]).encode("utf-8")) for i in ids]


def token_end_characters(tokenizer: Tokenizer, text: str, ids: Sequence[int]) -> list[int]:
    """For each token of ``ids`` (the encoding of ``text``), the index of the character its last byte belongs to."""
    text = _text("text", text)
    data = text.encode("utf-8")
    lengths = token_byte_lengths(tokenizer, ids)
    if sum(lengths) != len(data):
        raise ValueError(f"ids must encode text: they cover {sum(lengths)} bytes, the text has {len(data)}")
    char_of_byte = []
    for index, ch in enumerate(text):
        char_of_byte.extend([index] * len(ch.encode("utf-8")))
    ends, position = [], 0
    for length in lengths:
        position += length
        ends.append(char_of_byte[max(position - 1, 0)])
    return ends


def token_labels(tokenizer: Tokenizer, text: str, ids: Sequence[int], task: str) -> torch.Tensor:
    """The ``task`` label of each token: the label of the character it ends on, as an int64 tensor."""
    chars = character_labels(text, task)
    ends = token_end_characters(tokenizer, text, ids)
    return torch.tensor([chars[i] for i in ends], dtype=torch.long)


def control_labels(ids: torch.Tensor, frequencies: Sequence[float] | torch.Tensor, seed: int = 0) -> torch.Tensor:
    """Hewitt & Liang's control task: each token type gets one label, drawn with probabilities ``frequencies``.

    Pass the task's label frequencies (on a class-balanced probe set, equal ones): the control labels
    then look like the task's but depend on the token alone, so they can only be predicted by
    remembering which type got which label.
    """
    if not isinstance(ids, torch.Tensor) or ids.dtype not in (torch.int64, torch.int32) or ids.numel() == 0:
        raise ValueError("ids must be a non-empty tensor of token ids")
    weights = torch.as_tensor(frequencies, dtype=torch.float64).flatten()
    if weights.numel() < 2 or bool((weights < 0).any()) or not float(weights.sum()) > 0:
        raise ValueError(f"frequencies must be at least two non-negative numbers, not all zero, got {frequencies!r}")
    n_types = int(ids.max()) + 1
    per_type = torch.multinomial(
        weights, n_types, replacement=True, generator=local_generator(seed_value("seed", seed))
    )
    return per_type[ids.long()]


def bracket_pairs(text: str, opening: str = "(", closing: str = ")") -> list[tuple[int, int]]:
    """(open, close) character indices of matched brackets in ``text``, found with a stack; unmatched ones skipped."""
    text = _text("text", text)
    if len(opening) != 1 or len(closing) != 1 or opening == closing:
        raise ValueError(f"opening and closing must be two different characters, got {opening!r} and {closing!r}")
    stack: list[int] = []
    pairs = []
    for i, ch in enumerate(text):
        if ch == opening:
            stack.append(i)
        elif ch == closing and stack:
            pairs.append((stack.pop(), i))
        elif ch == "\n" and i > 0 and text[i - 1] == "\n":
            stack.clear()
    return sorted(pairs)


def balanced_subset(labels: torch.Tensor, per_class: int, seed: int = 0) -> torch.Tensor:
    """Indices of ``per_class`` examples of each class (fewer if a class is smaller), shuffled with ``seed``.

    With equal classes, chance accuracy is 1 / n_classes, so a probe's accuracy reads the same for
    a rare label (quoted literals) as for a common one.
    """
    labels = tensor("labels", labels, ndim=1)
    per_class = positive_int("per_class", per_class)
    generator = local_generator(seed_value("seed", seed))
    chosen = []
    for value in torch.unique(labels).tolist():
        where = (labels == value).nonzero().flatten()
        order = torch.randperm(len(where), generator=generator)[:per_class]
        chosen.append(where[order])
    index = torch.cat(chosen)
    return index[torch.randperm(len(index), generator=generator)]
