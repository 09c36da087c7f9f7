"""Question-answer pairs built from the Python documentation itself, for supervised fine-tuning (SFT, 监督微调).

Every section of ``pydoc_data.topics`` has a title ("The "with" statement") and, below it, a first
prose paragraph whose first sentence says what the section is about. Each pair is the prompt
``"Q: Explain <title>.\\nA: "`` and that sentence as the answer, ended by a newline. A pair is
*held out* when its sentence's paragraph is in the validation split of
:func:`lib.data.pydoc_corpus.load_python_docs`, so a model pre-trained on the training split has
never read a held-out answer. :func:`sft_example` turns a pair into token ids and targets with the
prompt masked (-100), so the loss counts only the answer's tokens.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch

from lib.core.validate import positive_int
from lib.data.pydoc_corpus import _bucket, topic_texts

IGNORE_INDEX = -100  # what F.cross_entropy leaves out of the loss by default
PROMPT_TEMPLATE = "Q: Explain {title}.\nA: "
END_OF_ANSWER = "\n"
MIN_ANSWER_CHARS, MAX_ANSWER_CHARS = 25, 160
_SKIP_STARTS = ("New in", "Changed in", "Deprecated", "Note:", "See also", "Added in")


@dataclass(frozen=True)
class QAPair:
    """One question about a documentation section and its answer, the section's first sentence."""

    title: str
    answer: str
    topic: str
    held_out: bool

    @property
    def prompt(self) -> str:
        """The question as the model sees it, up to and including ``"A: "``."""
        return format_prompt(self.title)

    @property
    def text(self) -> str:
        """Prompt, answer and the end-of-answer newline: one training example."""
        return self.prompt + self.answer + END_OF_ANSWER


def format_prompt(title: str) -> str:
    """The prompt for a section title: ``"Q: Explain <title>.\\nA: "``."""
    if not isinstance(title, str) or not title.strip() or "\n" in title:
        raise ValueError(f"title must be a non-empty one-line str, got {title!r}")
    return PROMPT_TEMPLATE.format(title=title.strip())


def _is_heading(paragraph: str) -> str | None:
    lines = paragraph.split("\n")
    if len(lines) != 2:
        return None
    title, rule = lines
    if title.strip() and len(rule) == len(title) and len(set(rule)) == 1 and rule[0] in "*=-":
        return title.strip()
    return None


def _not_prose(paragraph: str) -> bool:
    return (
        not paragraph.strip()
        or paragraph.startswith(" ")
        or "::=" in paragraph
        or paragraph.lstrip().startswith(_SKIP_STARTS)
    )


def first_sentence(paragraph: str) -> str | None:
    """The first sentence of a prose paragraph, on one line; None for grammar, code, notes or odd lengths."""
    if not isinstance(paragraph, str):
        raise TypeError(f"paragraph must be a str, got {type(paragraph).__name__}")
    if _not_prose(paragraph):
        return None
    text = " ".join(paragraph.split())
    sentence = re.split(r"(?<=[.:;])\s(?=[A-Z\"*(])", text)[0]
    if sentence.endswith((":", ";")):
        sentence = sentence[:-1] + "."
    if not sentence[:1].isalpha() and not sentence.startswith(('"', "*")):
        return None
    if not sentence.endswith(".") or not MIN_ANSWER_CHARS <= len(sentence) <= MAX_ANSWER_CHARS:
        return None
    return sentence


def doc_question_pairs(val_fraction: float = 0.1) -> list[QAPair]:
    """Every (title, first sentence) pair of the documentation, one per distinct title, in topic order.

    ``held_out`` marks pairs whose answer paragraph falls in the corpus's validation split (the same
    ``val_fraction`` as :func:`lib.data.pydoc_corpus.load_python_docs`).
    """
    if isinstance(val_fraction, bool) or not isinstance(val_fraction, (int, float)) or not 0 < val_fraction < 1:
        raise ValueError(f"val_fraction must be a number strictly between 0 and 1, got {val_fraction!r}")
    pairs, seen = [], set()
    for topic, text in topic_texts().items():
        parts = [p.strip("\n") for p in text.split("\n\n")]
        for i, part in enumerate(parts):
            title = _is_heading(part)
            if title is None or title in seen:
                continue
            for paragraph in parts[i + 1 :]:
                if _is_heading(paragraph) is not None:
                    break  # the section has no prose of its own
                if _not_prose(paragraph):
                    continue  # a grammar rule, code or a note: look at the next paragraph
                sentence = first_sentence(paragraph)
                if sentence is not None:
                    seen.add(title)
                    pairs.append(QAPair(title, sentence, topic, _bucket(paragraph) < val_fraction))
                break
    return pairs


def sft_example(
    encode: Callable[[str], Sequence[int]], pair: QAPair, max_len: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """Inputs and targets (1-D, ``max_len`` long) of one pair for next-token training, the prompt masked.

    ``inputs[t]`` is token t of ``pair.text``; ``targets[t]`` is token t+1 when it belongs to the
    answer (or its final newline) and -100 otherwise, so cross-entropy ignores the prompt and the
    padding. Padding uses id 0 in the inputs. The text is cut to ``max_len + 1`` tokens.
    """
    if not callable(encode):
        raise TypeError(f"encode must be callable text -> ids, got {type(encode).__name__}")
    if not isinstance(pair, QAPair):
        raise TypeError(f"pair must be a QAPair, got {type(pair).__name__}")
    positive_int("max_len", max_len)
    prompt_ids = list(encode(pair.prompt))
    ids = (prompt_ids + list(encode(pair.answer + END_OF_ANSWER)))[: max_len + 1]
    if len(ids) <= len(prompt_ids):
        raise ValueError(f"max_len={max_len} leaves no answer token after the {len(prompt_ids)}-token prompt")
    inputs = torch.zeros(max_len, dtype=torch.long)
    targets = torch.full((max_len,), IGNORE_INDEX, dtype=torch.long)
    inputs[: len(ids) - 1] = torch.tensor(ids[:-1])
    # position t predicts token t+1: keep it only when token t+1 is part of the answer
    answer_targets = torch.tensor(ids[len(prompt_ids) :])
    targets[len(prompt_ids) - 1 : len(ids) - 1] = answer_targets
    return inputs, targets


def sft_batch(
    encode: Callable[[str], Sequence[int]], pairs: Sequence[QAPair], max_len: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """:func:`sft_example` for every pair, stacked into (len(pairs), max_len) inputs and targets."""
    if not callable(encode):
        raise TypeError(f"encode must be callable text -> ids, got {type(encode).__name__}")
    if not pairs:
        raise ValueError("pairs must hold at least one QAPair")
    examples = [sft_example(encode, pair, max_len) for pair in pairs]
    return torch.stack([x for x, _ in examples]), torch.stack([y for _, y in examples])
