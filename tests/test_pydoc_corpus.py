import pytest

from lib.data.pydoc_corpus import load_python_docs, paragraphs, topic_texts


def test_corpus_is_the_python_documentation():
    assert len(topic_texts()) > 50
    everything = load_python_docs("all")
    assert 300_000 < len(everything) < 600_000
    assert "assert" in everything and "lambda" in everything


def test_splits_partition_the_paragraphs():
    train, val = (set(load_python_docs(s).split("\n\n")) for s in ("train", "validation"))
    assert not train & val
    assert train | val == set(paragraphs())
    fraction = len(load_python_docs("validation")) / len(load_python_docs("all"))
    assert 0.05 < fraction < 0.15


def test_paragraphs_are_distinct():
    assert len(paragraphs()) == len(set(paragraphs()))


def test_split_is_deterministic():
    assert load_python_docs("validation") == load_python_docs("validation")


def test_val_fraction_changes_the_split():
    assert len(load_python_docs("validation", 0.3)) > len(load_python_docs("validation", 0.1))


def test_bad_split_is_a_clear_error():
    with pytest.raises(ValueError, match="split must be one of"):
        load_python_docs("test")


@pytest.mark.parametrize("bad", [0, 1, -0.1, 1.5, "0.1", True])
def test_bad_fraction_is_a_clear_error(bad):
    with pytest.raises(ValueError, match="val_fraction must be"):
        load_python_docs("train", bad)
