"""Progress bars that the test suite and executed notebooks can switch off with one variable."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator
from typing import Any

from tqdm.auto import tqdm

QUIET_ENV = "COURSE_QUIET"


def is_quiet() -> bool:
    """True when progress bars should be hidden: under the test suite or with COURSE_QUIET=1."""
    return os.environ.get(QUIET_ENV, "") not in ("", "0")


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """A block in which ``lib``'s progress bars stay hidden."""
    old = os.environ.get(QUIET_ENV)
    os.environ[QUIET_ENV] = "1"
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(QUIET_ENV, None)
        else:
            os.environ[QUIET_ENV] = old


def progress(iterable: Iterable[Any] | None = None, **kwargs: Any) -> tqdm:
    """A ``tqdm.auto`` bar (a widget in Jupyter, text in a terminal), hidden when :func:`is_quiet`."""
    disable = bool(kwargs.pop("disable", False))  # popped first: both sources of "disable" are honoured
    return tqdm(iterable, disable=disable or is_quiet(), **kwargs)
