"""Every Mermaid diagram has a text version naming each of its boxes (Colab shows Mermaid as code)."""

import pytest

from lib.course.catalogue import lesson_sources
from lib.course.diagrams import lesson_markdown, mermaid_blocks, missing_text_versions, node_labels

DIAGRAM = (
    '```mermaid\ngraph TD\n    A[输入数据] --> B{"more batches<br/>in this epoch?"}\n'
    '    B -- yes --> C(("x, y"))\n```\n'
)
TEXT = "<details><summary>The diagram as text (Colab)</summary>\n\n{}\n\n</details>\n"


def test_node_labels_read_every_kind_of_box_and_split_lines():
    assert node_labels(mermaid_blocks(DIAGRAM)[0][0]) == ["输入数据", "more batches", "in this epoch?", "x, y"]


def test_every_lesson_diagram_has_a_complete_text_version():
    found = 0
    for source in lesson_sources():
        for markdown in lesson_markdown(source):
            found += len(mermaid_blocks(markdown))
            assert missing_text_versions(markdown) == [], source
    assert found == 3, "lessons 1.6 (two) and 2.3 (one) draw Mermaid diagrams"


@pytest.mark.parametrize(
    "after, problem",
    [
        ("", "has no '<details><summary>The diagram as text'"),
        (TEXT.format("输入数据, then more batches / in this epoch?"), "does not name ['x, y']"),
    ],
)
def test_a_missing_or_stale_text_version_is_reported(after, problem):
    (line,) = missing_text_versions(DIAGRAM + after)
    assert line.startswith("diagram 1") and problem in line


def test_a_complete_text_version_passes():
    assert missing_text_versions(DIAGRAM + TEXT.format("输入数据; more batches / in this epoch? x, y")) == []
    with pytest.raises(TypeError, match="markdown must be a str"):
        mermaid_blocks(None)
