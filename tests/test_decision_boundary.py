"""Tests of lib.lessons.lesson_1_2_boundaries: the loss, the model, the grid, the training and the plot."""

import matplotlib
import pytest
import torch
from torch import nn

from lib.data.synthetic import spirals, two_moons
from lib.lessons.lesson_1_2_boundaries import (
    Boundary,
    ProbabilityGrid,
    binary_logit_loss,
    boundary_model,
    decision_boundary,
    plot_decision_boundary,
    probability_grid,
    train_boundary_model,
)
from lib.models.mlp import mlp_parameter_count

matplotlib.use("Agg")


def test_binary_logit_loss_matches_the_formula_and_pytorch():
    logits = torch.tensor([[2.0], [-1.0], [0.5]])
    targets = torch.tensor([1, 0, 0])
    p = torch.sigmoid(logits.squeeze(1))
    by_hand = -(targets * p.log() + (1 - targets) * (1 - p).log()).mean()
    torch.testing.assert_close(binary_logit_loss(logits, targets), by_hand)
    torch.testing.assert_close(binary_logit_loss(logits.squeeze(1), targets), nn.BCELoss()(p, targets.float()))


def test_binary_logit_loss_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="logits must have shape"):
        binary_logit_loss(torch.zeros(3, 2), torch.zeros(3))


def test_boundary_model_shapes_and_seeded_initialisation():
    model = boundary_model(width=8, depth=2, seed=3)
    assert sum(p.numel() for p in model.parameters()) == mlp_parameter_count((2, 8, 8, 1))
    same = boundary_model(width=8, depth=2, seed=3)
    for a, b in zip(model.parameters(), same.parameters(), strict=True):
        assert torch.equal(a, b)
    linear = boundary_model(width=8, depth=0)
    assert [type(m) for m in linear.layers] == [nn.Linear]


def test_boundary_model_leaves_the_global_generator_alone():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    boundary_model(width=4, depth=1, seed=0)
    torch.testing.assert_close(torch.rand(3), expected)


@pytest.mark.parametrize(
    ("kwargs", "message"), [({"width": 0, "depth": 1}, "width"), ({"width": 4, "depth": -1}, "depth")]
)
def test_boundary_model_rejects_bad_sizes(kwargs, message):
    with pytest.raises(ValueError, match=message):
        boundary_model(**kwargs)


def test_probability_grid_is_sigmoid_of_the_model_on_the_grid():
    x = torch.tensor([[0.0, 0.0], [1.0, 2.0]])
    model = nn.Linear(2, 1)
    grid = probability_grid(model, x, resolution=5, margin=0.5)
    assert grid.probability.shape == (5, 5)
    torch.testing.assert_close(grid.xs, torch.linspace(-0.5, 1.5, 5))
    torch.testing.assert_close(grid.ys, torch.linspace(-0.5, 2.5, 5))
    i, j = 3, 1  # row i is ys[i], column j is xs[j]
    point = torch.tensor([[grid.xs[j], grid.ys[i]]])
    torch.testing.assert_close(grid.probability[i, j], torch.sigmoid(model(point)).detach().reshape(()))


def test_probability_grid_rejects_bad_input():
    with pytest.raises(TypeError, match="model"):
        probability_grid("not a model", torch.zeros(2, 2))
    with pytest.raises(ValueError, match="x must have shape"):
        probability_grid(nn.Linear(2, 1), torch.zeros(4, 3))
    with pytest.raises(ValueError, match="resolution"):
        probability_grid(nn.Linear(2, 1), torch.zeros(4, 2), resolution=1)
    with pytest.raises(ValueError, match="margin"):
        probability_grid(nn.Linear(2, 1), torch.zeros(4, 2), margin=-1.0)


def test_train_boundary_model_lowers_the_loss():
    x, y = two_moons(200, seed=0)
    before = binary_logit_loss(boundary_model(8, 1)(x), y)
    model = train_boundary_model(x, y, width=8, depth=1, epochs=100)
    with torch.no_grad():
        after = binary_logit_loss(model(x), y)
    assert after < 0.5 * before


def test_train_boundary_model_rejects_bad_input():
    x, y = two_moons(20)
    with pytest.raises(ValueError, match="epochs"):
        train_boundary_model(x, y, 4, 1, epochs=0)
    with pytest.raises(ValueError, match="lr"):
        train_boundary_model(x, y, 4, 1, lr=-0.1)
    with pytest.raises(ValueError, match="labels 0 and 1"):
        train_boundary_model(x, y + 1, 4, 1)
    with pytest.raises(ValueError, match="y must have shape"):
        train_boundary_model(x, y[:5], 4, 1)


def test_a_linear_model_fails_on_spirals_and_an_mlp_succeeds():
    x, y = spirals(400, seed=0)
    x_test, y_test = spirals(400, seed=1)
    linear = decision_boundary(x, y, width=1, depth=0, x_test=x_test, y_test=y_test, resolution=20)
    mlp = decision_boundary(x, y, width=32, depth=2, x_test=x_test, y_test=y_test, resolution=20)
    assert isinstance(mlp, Boundary)
    assert linear.test_accuracy < 0.75
    assert mlp.train_accuracy > 0.95 and mlp.test_accuracy > 0.93
    assert linear.parameters == 3 and mlp.parameters == mlp_parameter_count((2, 32, 32, 1))


def test_decision_boundary_is_deterministic():
    x, y = two_moons(100, seed=0)
    a = decision_boundary(x, y, width=4, depth=1, epochs=20, resolution=10)
    b = decision_boundary(x, y, width=4, depth=1, epochs=20, resolution=10)
    torch.testing.assert_close(a.grid.probability, b.grid.probability)
    assert a.train_accuracy == b.train_accuracy and a.test_accuracy is None


def test_decision_boundary_rejects_half_a_test_set():
    x, y = two_moons(20)
    with pytest.raises(ValueError, match="both x_test and y_test"):
        decision_boundary(x, y, x_test=x)


def test_plot_decision_boundary_draws_contours_and_points():
    x, y = two_moons(40)
    boundary = decision_boundary(x, y, width=4, depth=1, epochs=30, resolution=15)
    ax = plot_decision_boundary(boundary.grid, x, y, title="t")
    assert ax.get_title() == "t"
    assert len(ax.collections) >= 3  # filled contours, the 0.5 line, two scatter sets
    assert ax.get_legend_handles_labels()[1] == ["class 0", "class 1"]
    matplotlib.pyplot.close(ax.figure)


def test_plot_decision_boundary_rejects_bad_input():
    x, y = two_moons(40)
    with pytest.raises(TypeError, match="grid"):
        plot_decision_boundary(torch.zeros(3, 3), x, y)
    grid = ProbabilityGrid(torch.zeros(2), torch.zeros(2), torch.zeros(2, 2))
    with pytest.raises(ValueError, match="y must have shape"):
        plot_decision_boundary(grid, x, y[:3])
    with pytest.raises(ValueError, match="both x and y"):
        plot_decision_boundary(grid, x)


def test_plot_decision_boundary_without_points():
    grid = probability_grid(nn.Linear(2, 1), torch.tensor([[-1.0, -1.0], [1.0, 1.0]]), resolution=10, margin=0)
    ax = plot_decision_boundary(grid)
    assert ax.get_legend_handles_labels()[1] == []
    matplotlib.pyplot.close(ax.figure)


def test_training_restores_the_thread_count():
    threads = torch.get_num_threads()
    x, y = two_moons(20)
    train_boundary_model(x, y, 4, 1, epochs=2)
    assert torch.get_num_threads() == threads
