"""Init schemes have the variances their formulas claim, agree with torch.nn.init, and behave through depth."""

import math

import pytest
import torch
from torch import nn

from lib.scratch.initialization import (
    SCHEMES,
    init_std,
    init_weight_,
    initialize_,
    layer_statistics,
    make_weights,
    propagate,
)
from lib.viz.layer_statistics import plot_layer_statistics


def test_init_std_formulas():
    assert init_std("xavier", 300, 100) == math.sqrt(2 / 400)
    assert init_std("he", 128, 7) == math.sqrt(2 / 128)
    assert init_std("small", 5, 5) == 0.01 and init_std("large", 5, 5) == 1.0


def test_init_weight_matches_torch_init_statistics():
    g = torch.Generator().manual_seed(0)
    ours_x = init_weight_(torch.empty(512, 256), "xavier", g)
    ours_h = init_weight_(torch.empty(512, 256), "he", g)
    theirs_x = nn.init.xavier_normal_(torch.empty(512, 256), generator=g)
    theirs_h = nn.init.kaiming_normal_(torch.empty(512, 256), nonlinearity="relu", generator=g)
    for ours, theirs, expected in ((ours_x, theirs_x, math.sqrt(2 / 768)), (ours_h, theirs_h, math.sqrt(2 / 256))):
        assert abs(ours.std().item() / expected - 1) < 0.01
        assert abs(theirs.std().item() / expected - 1) < 0.01
        assert abs(ours.mean().item()) < 0.01 * expected * 10


def test_initialize_sets_every_linear_and_zeroes_biases():
    model = nn.Sequential(nn.Linear(400, 300), nn.ReLU(), nn.Linear(300, 10))
    initialize_(model, "he", torch.Generator().manual_seed(0))
    assert abs(model[0].weight.std().item() / math.sqrt(2 / 400) - 1) < 0.02
    assert torch.equal(model[2].bias, torch.zeros(10))


def test_he_keeps_relu_signal_and_small_large_do_not():
    he = layer_statistics("he", "relu", depth=30)
    small = layer_statistics("small", "relu", depth=30)
    large = layer_statistics("large", "relu", depth=30)
    ratio = he.forward_std[-1] / he.forward_std[0]
    assert 0.3 < ratio < 3
    assert small.forward_std[-1] < 1e-20 and large.forward_std[-1] > 1e20
    assert small.backward_std[0] < 1e-20 and large.backward_std[0] > 1e20


def test_xavier_keeps_tanh_far_better_than_small():
    xavier = layer_statistics("xavier", "tanh", depth=30)
    small = layer_statistics("small", "tanh", depth=30)
    assert xavier.forward_std[-1] > 0.05 and small.forward_std[-1] < 1e-20


def test_propagate_linear_network_variance_is_product_of_gains():
    weights = make_weights("he", depth=3, width=64, seed=0)
    x = torch.randn(2000, 64, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    stats = propagate(weights, "linear", x)
    direct = x
    for w in weights:
        direct = direct @ w.T
    torch.testing.assert_close(stats.forward_std[-1], direct.std())
    assert stats.forward_std.shape == stats.backward_std.shape == (3,)


def test_plot_layer_statistics_draws_one_line_per_curve():
    import matplotlib

    matplotlib.use("Agg")
    ax = plot_layer_statistics({"a": [1.0, 0.5], "b": torch.tensor([1.0, 2.0])})
    assert len(ax.lines) == 2 and ax.get_yscale() == "log"


def test_bad_inputs_raise_clear_errors():
    with pytest.raises(ValueError, match="scheme must be one of"):
        init_std("lecun", 3, 3)
    with pytest.raises(ValueError, match="fan_in must be a positive int"):
        init_std("he", 0, 3)
    with pytest.raises(ValueError, match="weight must be a 2-D"):
        init_weight_(torch.empty(3), "he")
    with pytest.raises(TypeError, match="module must be an nn.Module"):
        initialize_("model", "he")
    with pytest.raises(ValueError, match="no nn.Linear"):
        initialize_(nn.ReLU(), "he")
    with pytest.raises(ValueError, match="depth must be a positive int"):
        make_weights("he", 0, 4)
    with pytest.raises(ValueError, match="activation must be one of"):
        propagate(make_weights("he", 1, 4), "swish", torch.randn(2, 4, dtype=torch.float64))
    with pytest.raises(ValueError, match="weights must hold"):
        propagate([], "relu", torch.randn(2, 4))
    with pytest.raises(ValueError, match="x must be"):
        propagate(make_weights("he", 1, 4), "relu", torch.randn(2, 5))
    with pytest.raises(ValueError, match="n_samples must be a positive int"):
        layer_statistics("he", "relu", n_samples=0)
    with pytest.raises(ValueError, match="curves must hold"):
        plot_layer_statistics({})
    with pytest.raises(ValueError, match="positive numbers"):
        plot_layer_statistics({"a": [1.0, 0.0]})


@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_scheme_is_seeded(scheme):
    a, b = make_weights(scheme, 2, 8, seed=5), make_weights(scheme, 2, 8, seed=5)
    assert all(torch.equal(x, y) for x, y in zip(a, b, strict=True))
