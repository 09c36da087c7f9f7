"""Widgets that wrap plain functions: the logic is a function tests call, the widget only draws it.

ipywidgets is imported inside the functions, so ``lib`` imports where it is missing, and the
same code runs on ipywidgets 7 (Colab) and 8 (JupyterLab 4).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def interactive_view(function: Callable[..., Any], **controls: Any):
    """Show ``function``'s result live as the ``controls`` change; return the widget.

    ``controls`` are what ``ipywidgets.interactive`` takes: ``(lo, hi, step)`` tuples become
    sliders, lists become dropdowns, booleans become checkboxes, widgets are used as given.
    Calling ``function`` with each control's initial value is what a test does instead.
    """
    if not callable(function):
        raise TypeError(f"function must be callable, got {type(function).__name__}")
    if not controls:
        raise ValueError("give at least one control, e.g. n_layer=(1, 96, 1)")
    import ipywidgets

    widget = ipywidgets.interactive(function, **controls)
    widget.layout = ipywidgets.Layout(border="1px solid #ddd", padding="6px")
    return widget
