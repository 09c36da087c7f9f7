import matplotlib.pyplot as plt
import pytest

from lib.train.engine import History
from lib.viz.plots import PALETTE, STYLE, figure, log_scatter, plot_history, use_course_style
from lib.viz.widgets import interactive_view


def teardown_function():
    plt.close("all")


def test_figure_shapes():
    fig, ax = figure()
    assert hasattr(ax, "plot")
    fig, axes = figure(ncols=2, nrows=2)
    assert axes.shape == (2, 2)


def test_figure_rejects_bad_grid():
    with pytest.raises(ValueError, match="ncols must be a positive int"):
        figure(ncols=0)


def test_use_course_style_sets_palette():
    with plt.rc_context():
        use_course_style()
        assert plt.rcParams["axes.prop_cycle"].by_key()["color"][0] == PALETTE[0]
        assert plt.rcParams["axes.grid"] is STYLE["axes.grid"]


def test_plot_history_draws_one_line_per_metric():
    history = History()
    for value in (3.0, 2.0, 1.0):
        history.log(train_loss=value, val_loss=value + 1)
    ax = plot_history(history)
    assert len(ax.lines) == 2
    assert list(ax.lines[0].get_ydata()) in ([3.0, 2.0, 1.0], [4.0, 3.0, 2.0])


def test_plot_history_names_missing_metrics():
    with pytest.raises(KeyError, match="no metric"):
        plot_history({"a": [1.0]}, names=["b"])
    with pytest.raises(ValueError, match="non-empty"):
        plot_history({})


def test_log_scatter_uses_log_axis_and_labels_each_point():
    ax = log_scatter([1, 2], [10, 1000], ["a", "b"])
    assert ax.get_yscale() == "log"
    assert [t.get_text() for t in ax.texts] == ["a", "b"]


def test_log_scatter_rejects_bad_data():
    with pytest.raises(ValueError, match="equal lengths"):
        log_scatter([1], [1, 2], ["a"])
    with pytest.raises(ValueError, match="positive"):
        log_scatter([1], [0], ["a"])


def test_interactive_view_wraps_a_plain_function():
    calls = []
    widget = interactive_view(lambda n=3: calls.append(n), n=(1, 10, 1))
    assert calls and calls[-1] == 3
    assert widget.children[0].value == 3


def test_interactive_view_rejects_bad_arguments():
    with pytest.raises(TypeError, match="function must be callable"):
        interactive_view(3, n=(1, 2))
    with pytest.raises(ValueError, match="at least one control"):
        interactive_view(print)
