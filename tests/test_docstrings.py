"""lib.data.docstrings: real labelled text from the standard library, split without overlap."""

from collections import Counter

import pytest

from lib.data.docstrings import PACKAGES, load_docstrings


def test_splits_are_disjoint_and_cover_everything():
    train, test, every = load_docstrings("train"), load_docstrings("test"), load_docstrings("all")
    assert set(train.texts).isdisjoint(test.texts)
    assert len(train) + len(test) == len(every)
    assert sorted(train.texts + test.texts) == sorted(every.texts)


def test_every_package_is_represented_with_its_own_label():
    data = load_docstrings("all")
    counts = Counter(data.labels)
    assert data.classes == PACKAGES
    assert set(counts) == set(range(len(PACKAGES)))
    assert min(counts.values()) >= 80  # about 100 to 300 docstrings per package on Python 3.10-3.13
    assert 0.15 < len(load_docstrings("test")) / len(data) < 0.25


def test_labels_are_real_provenance():
    data = load_docstrings("all")
    by_text = dict(zip(data.texts, data.labels, strict=True))
    # Docstrings quoted from the sources (stable across Python 3.10-3.13):
    asyncio_doc = next(t for t in data.texts if t.startswith("Return True if obj is a coroutine object."))
    assert data.classes[by_text[asyncio_doc]] == "asyncio"
    assert all(len(t) >= 40 for t in data.texts)


def test_the_split_is_deterministic():
    assert load_docstrings("test").texts == load_docstrings("test").texts


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"split": "dev"}, "split must be one of"),
        ({"test_fraction": 0}, "test_fraction must be a number in"),
        ({"min_chars": 0}, "min_chars must be a positive int"),
        ({"packages": ("asyncio",)}, "packages must be a tuple of at least two"),
        ({"packages": ("asyncio", "no_such_package")}, "has no source folder"),
    ],
)
def test_bad_arguments_are_clear_errors(kwargs, message):
    with pytest.raises((ValueError, FileNotFoundError), match=message):
        load_docstrings(**kwargs)
