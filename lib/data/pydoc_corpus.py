"""The Python documentation that ships with CPython, as a small English text corpus.

``pydoc_data.topics`` holds the language reference's topics (about 465k characters) in every
Python install, so a lesson can train a language model offline. The split is by topic, not by
character, so no paragraph is shared between train and validation, and it depends only on the
topic names (a hash), so it is the same on every machine and Python version that has the topic.
"""

from __future__ import annotations

import hashlib

SPLITS = ("train", "validation", "all")


def topic_texts() -> dict[str, str]:
    """Every documentation topic, name -> text, in sorted name order."""
    from pydoc_data.topics import topics  # stdlib; imported here so `import lib` stays cheap

    return {name: topics[name] for name in sorted(topics)}


def _bucket(name: str) -> float:
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def load_python_docs(split: str = "train", val_fraction: float = 0.1) -> str:
    """The corpus text for ``split``: topics joined by blank lines, in sorted topic order.

    A topic goes to validation when its name hashes below ``val_fraction``.
    """
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    if not isinstance(val_fraction, (int, float)) or not 0.0 < val_fraction < 1.0:
        raise ValueError(f"val_fraction must be a number strictly between 0 and 1, got {val_fraction!r}")
    texts = topic_texts()
    if split == "all":
        chosen = list(texts)
    else:
        want_val = split == "validation"
        chosen = [name for name in texts if (_bucket(name) < val_fraction) == want_val]
    return "\n\n".join(texts[name].strip() for name in chosen)
