"""The lessons' Mermaid diagrams, and the text version each one needs where Mermaid is not drawn.

JupyterLab and GitHub draw a ```` ```mermaid ```` block; Colab shows its source. So every diagram is
followed, in the same markdown cell, by ``<details><summary>The diagram as text ...</summary>`` naming
each of its boxes; ``missing_text_versions`` finds a diagram whose text version is absent or has lost a box.
"""

from __future__ import annotations

import re
from pathlib import Path

BLOCK = re.compile(r"```mermaid\n(.*?)```(.*?)(?=```mermaid\n|\Z)", re.S)
# A node's label: A[label], A["label"], A{label}, A{"label"}, A((label)), A(label)
NODE = re.compile(r"""\b\w+\s*[\[{(]+\s*(?:"([^"]*)"|([^"\]){}]+?))\s*[\]})]+""")
TEXT_VERSION = re.compile(r"<details>\s*<summary>The diagram as text[^<]*</summary>(.*?)</details>", re.S)


def mermaid_blocks(markdown: str) -> list[tuple[str, str]]:
    """Each Mermaid diagram in ``markdown`` with the text that follows it (up to the next diagram)."""
    if not isinstance(markdown, str):
        raise TypeError(f"markdown must be a str, got {type(markdown).__name__}")
    return [(match.group(1), match.group(2)) for match in BLOCK.finditer(markdown)]


def node_labels(diagram: str) -> list[str]:
    """The text of every box of a Mermaid flowchart, each ``<br/>``-separated line on its own."""
    labels = []
    for line in diagram.splitlines():
        for quoted, plain in NODE.findall(line):
            label = quoted or plain
            labels += [part.strip() for part in label.split("<br/>") if part.strip()]
    return list(dict.fromkeys(labels))


def lesson_markdown(source: Path) -> list[str]:
    """The markdown cells of a lesson's percent-format .py source, with the ``# `` prefixes removed."""
    import jupytext

    return [cell.source for cell in jupytext.read(source).cells if cell.cell_type == "markdown"]


def missing_text_versions(markdown: str) -> list[str]:
    """What is wrong with the text versions of ``markdown``'s diagrams: one line per problem, empty if none."""
    problems = []
    for number, (diagram, after) in enumerate(mermaid_blocks(markdown), start=1):
        version = TEXT_VERSION.search(after)
        if version is None:
            problems.append(f"diagram {number} has no '<details><summary>The diagram as text' after it")
            continue
        lost = [label for label in node_labels(diagram) if label not in version.group(1)]
        if lost:
            problems.append(f"diagram {number}'s text version does not name {lost}")
    return problems
