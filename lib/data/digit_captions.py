"""Generated captions (文本描述) for the digit images: the text side of lesson 5.4's tiny CLIP.

Each caption fills a template with the digit as a word ("seven") or a numeral ("7"). The captions are
synthetic: they say nothing an image's label does not, which is what makes the digits a clean test of
contrastive learning. ``TRAINING_TEMPLATES`` are the only ones a model sees during training;
``UNSEEN_TEMPLATES`` are prompts it never saw, to test zero-shot classification (零样本分类) honestly.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from lib.core.seeding import local_generator
from lib.core.validate import seed_value

NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")

TRAINING_TEMPLATES = (
    "a handwritten {word}",
    "the digit {numeral}",
    "number {word}, written by hand",
    "a scanned image of the digit {word}",
    "the number {numeral} in ink",
    "{word}",
)

UNSEEN_TEMPLATES = (
    "a photo of a {word}",  # new words ("photo", "of") around a known one
    "{numeral}",  # a known token alone, in a form never seen alone
    "a drawing of the numeral {numeral}",  # mostly new words
    "the number after {previous}",  # needs arithmetic: a bag of words reads only "{previous}"
    "not a {word}",  # negation: a bag of words cannot represent it
)


def _digit(digit: int) -> int:
    if isinstance(digit, bool) or not isinstance(digit, int) or not 0 <= digit <= 9:
        raise ValueError(f"digit must be an int from 0 to 9, got {digit!r}")
    return digit


def _template(template: str) -> str:
    if not isinstance(template, str) or not any(f in template for f in ("{word}", "{numeral}", "{previous}")):
        raise ValueError(f"template must be a str with {{word}}, {{numeral}} or {{previous}}, got {template!r}")
    return template


def caption(digit: int, template: str) -> str:
    """``template`` filled for ``digit``: {word} "seven", {numeral} "7", {previous} the digit before ("six")."""
    digit, template = _digit(digit), _template(template)
    return template.format(word=NUMBER_WORDS[digit], numeral=str(digit), previous=NUMBER_WORDS[(digit - 1) % 10])


def class_prompts(template: str) -> list[str]:
    """One prompt per class 0..9 from ``template``: the texts zero-shot classification compares an image with."""
    return [caption(digit, template) for digit in range(10)]


def random_captions(
    labels: torch.Tensor | Sequence[int], seed: int = 0, templates: Sequence[str] = TRAINING_TEMPLATES
) -> list[str]:
    """One caption per label, each with a template drawn uniformly at random (seeded, the same everywhere)."""
    seed_value("seed", seed)
    templates = [_template(t) for t in templates]
    if not templates:
        raise ValueError("templates must hold at least one template")
    if not isinstance(labels, torch.Tensor | Sequence) or isinstance(labels, str):
        raise TypeError(f"labels must be a tensor or a sequence of digits, got {type(labels).__name__}")
    try:
        labels = torch.as_tensor(labels)
    except (TypeError, ValueError, RuntimeError):
        raise ValueError(f"labels must be a 1-D sequence of digits, got {labels!r}") from None
    if labels.ndim != 1 or labels.is_floating_point():
        raise ValueError(f"labels must be a 1-D sequence of digits, got {labels!r}")
    choice = torch.randint(len(templates), (len(labels),), generator=local_generator(seed))
    return [caption(int(d), templates[int(t)]) for d, t in zip(labels.tolist(), choice.tolist(), strict=True)]
