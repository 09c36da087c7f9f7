"""The Python documentation that ships with CPython, as a small English text corpus.

``pydoc_data.topics`` holds the language reference's topics (about 465k characters) in every
Python install, so a lesson can train a language model offline. Some topics repeat paragraphs
of others, so the corpus keeps each paragraph once and splits by paragraph: a paragraph's split
depends only on a hash of its text, so no text is shared between train and validation and the
split is the same on every machine.
"""

from __future__ import annotations

import hashlib

SPLITS = ("train", "validation", "all")


def topic_texts() -> dict[str, str]:
    """Every documentation topic, name -> text, in sorted name order."""
    from pydoc_data.topics import topics  # stdlib; imported here so `import lib` stays cheap

    return {name: topics[name] for name in sorted(topics)}


def topic_paragraphs() -> list[tuple[str, str]]:
    """Every (topic name, paragraph) in reading order, duplicates kept: the raw material before deduplication."""
    result = []
    for name, text in topic_texts().items():
        for paragraph in text.split("\n\n"):
            paragraph = paragraph.strip("\n")
            if paragraph.strip():
                result.append((name, paragraph))
    return result


def paragraphs() -> list[str]:
    """The corpus's distinct paragraphs in reading order (topics sorted by name, exact duplicates dropped)."""
    seen: set[str] = set()
    result = []
    for _, paragraph in topic_paragraphs():
        if paragraph not in seen:
            seen.add(paragraph)
            result.append(paragraph)
    return result


def _bucket(text: str) -> float:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def load_python_docs(split: str = "train", val_fraction: float = 0.1) -> str:
    """The corpus text for ``split``, paragraphs joined by blank lines.

    A paragraph goes to validation when its hash falls below ``val_fraction``, so about that
    fraction of the text is held out.
    """
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    if isinstance(val_fraction, bool) or not isinstance(val_fraction, (int, float)) or not 0.0 < val_fraction < 1.0:
        raise ValueError(f"val_fraction must be a number strictly between 0 and 1, got {val_fraction!r}")
    chosen = paragraphs()
    if split != "all":
        want_val = split == "validation"
        chosen = [p for p in chosen if (_bucket(p) < val_fraction) == want_val]
    return "\n\n".join(chosen)
