"""The Python documentation's sections as a search corpus: each section's title, topic and body text.

``pydoc_data.topics`` marks a section by a title underlined with ``*``, ``=`` or ``-``; its body is
every paragraph up to the next title. A title is a natural query whose answer is known (its own
section), which is how lesson 4.2 measures semantic search (语义检索) without any labelling.
"""

from __future__ import annotations

from dataclasses import dataclass

from lib.core.validate import positive_int
from lib.data.doc_questions import _is_heading, first_sentence
from lib.data.pydoc_corpus import topic_texts


@dataclass(frozen=True)
class Section:
    """One titled section: its title, the topic it belongs to, its body on one line, and its first sentence."""

    title: str
    topic: str
    body: str
    first_sentence: str | None


def doc_sections(min_body_chars: int = 200) -> list[Section]:
    """Every section with a distinct title and a body of at least ``min_body_chars`` characters, in topic order.

    The body's whitespace is collapsed to single spaces; ``first_sentence`` is the first sentence of
    the body's first prose paragraph (as :func:`lib.data.doc_questions.first_sentence` finds it), or None.
    """
    positive_int("min_body_chars", min_body_chars)
    sections, seen = [], set()
    for topic, text in topic_texts().items():
        parts = [p.strip("\n") for p in text.split("\n\n")]
        heads = [(i, _is_heading(p)) for i, p in enumerate(parts)]
        heads = [(i, title) for i, title in heads if title is not None]
        for n, (i, title) in enumerate(heads):
            end = heads[n + 1][0] if n + 1 < len(heads) else len(parts)
            paragraphs = [p for p in parts[i + 1 : end] if p.strip()]
            body = " ".join(" ".join(paragraphs).split())
            if title in seen or len(body) < min_body_chars:
                continue
            seen.add(title)
            sentence = next((s for s in map(first_sentence, paragraphs) if s is not None), None)
            sections.append(Section(title, topic, body, sentence))
    return sections
