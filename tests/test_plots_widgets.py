import matplotlib.pyplot as plt
import pytest

from lib.train.engine import History
from lib.viz.plots import PALETTE, STYLE, figure, log_scatter, plot_history, use_course_style
from lib.viz.widgets import interactive_view


def teardown_function():
    plt.close("all")


def test_figure_shapes():
    from matplotlib.axes import Axes

    fig, ax = figure()
    assert isinstance(ax, Axes) and fig.axes == [ax]
    assert tuple(fig.get_size_inches()) == pytest.approx(STYLE["figure.figsize"])
    assert fig.get_layout_engine().__class__.__name__ == "ConstrainedLayoutEngine"
    fig, axes = figure(ncols=2, nrows=2)
    assert axes.shape == (2, 2) and all(isinstance(a, Axes) for a in axes.flat) and len(fig.axes) == 4
    width, height = fig.get_size_inches()
    assert width > STYLE["figure.figsize"][0] and height > STYLE["figure.figsize"][1], "a grid gets a larger figure"
    fig, _ = figure(width=3.0, height=2.0)
    assert tuple(fig.get_size_inches()) == pytest.approx((3.0, 2.0))


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
    lines = {line.get_label(): line for line in ax.lines}
    assert list(lines["train_loss"].get_ydata()) == [3.0, 2.0, 1.0]
    assert list(lines["val_loss"].get_ydata()) == [4.0, 3.0, 2.0]
    assert list(lines["train_loss"].get_xdata()) == [1, 2, 3], "epochs count from 1"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["train_loss", "val_loss"]


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
    widget.update()  # what displaying it does: ipywidgets 7 (Colab) first calls on display, 8 also at construction
    assert calls and set(calls) == {3}, "drawn with the default"
    assert widget.children[0].value == 3
    widget.children[0].value = 7
    assert calls[-1] == 7, "moving the control calls the function with the new value"


def test_interactive_view_rejects_bad_arguments():
    with pytest.raises(TypeError, match="function must be callable"):
        interactive_view(3, n=(1, 2))
    with pytest.raises(ValueError, match="at least one control"):
        interactive_view(print)


def test_log_scatter_offsets_move_one_label_and_reject_unknown_names():
    ax = log_scatter([1, 2], [10, 1000], ["a", "b"], offsets={"b": (-30, 8)})
    assert ax.texts[1].xyann == (-30, 8) and ax.texts[0].xyann == (4, 4)
    with pytest.raises(ValueError, match="not plotted"):
        log_scatter([1], [10], ["a"], offsets={"z": (0, 0)})


def test_overlapping_texts_finds_labels_drawn_on_top_of_each_other():
    from lib.viz.plots import overlapping_texts

    _, ax = figure()
    ax.set_xlim(0, 10)
    ax.text(1, 0.5, "first label")
    ax.text(1, 0.5, "second label")
    ax.text(8, 0.1, "far away")
    assert overlapping_texts(ax) == [("first label", "second label")]
    with pytest.raises(ValueError, match="pad"):
        overlapping_texts(ax, pad=-1)


def test_overlapping_texts_works_on_a_figure_whose_canvas_cannot_draw():
    from matplotlib.backend_bases import FigureCanvasBase

    from lib.viz.plots import overlapping_texts

    fig, ax = figure()
    ax.text(0.5, 0.5, "one")
    ax.text(0.5, 0.5, "two")
    FigureCanvasBase(fig)  # what the inline backend leaves behind once a figure has been shown
    assert overlapping_texts(ax) == [("one", "two")]


def test_static_widgets_run_the_function_once_at_its_defaults(monkeypatch, capsys):
    from lib.viz.widgets import STATIC, interactive_view

    monkeypatch.setenv(STATIC, "1")
    calls = []
    assert interactive_view(lambda n=3, m=2: calls.append((n, m)), n=(1, 10, 1), m=[5, 6]) is None
    assert interactive_view(lambda a, b, c: calls.append((a, b, c)), a=(0.5, 9.0, 0.5), b=[7, 8], c=True) is None
    assert calls == [(3, 2), (0.5, 7, True)]
    assert "widget not drawn" in capsys.readouterr().out
