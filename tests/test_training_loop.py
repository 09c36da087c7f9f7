"""Lesson 1.6's pieces: standardizing with training statistics, and SGD with or without zero_grad."""

import pytest
import torch
from sklearn.preprocessing import StandardScaler
from torch import nn

from lib.lessons.lesson_1_6_loop import describe_curve, loss_curve, standardize
from lib.models.mlp import MLP
from lib.train.batches import make_batches


def test_standardize_matches_sklearn_and_uses_training_statistics_only():
    g = torch.Generator().manual_seed(0)
    train = torch.randn(50, 4, generator=g, dtype=torch.float64) * torch.tensor([1.0, 10.0, 0.1, 3.0]) + 5
    val = torch.randn(20, 4, generator=g, dtype=torch.float64) * 2 - 1
    train_z, val_z = standardize(train, val)
    scaler = StandardScaler().fit(train.numpy())
    torch.testing.assert_close(train_z, torch.from_numpy(scaler.transform(train.numpy())))
    torch.testing.assert_close(val_z, torch.from_numpy(scaler.transform(val.numpy())))
    torch.testing.assert_close(train_z.mean(0), torch.zeros(4, dtype=torch.float64))
    assert not torch.allclose(val_z.mean(0), torch.zeros(4, dtype=torch.float64), atol=0.1)


def test_standardize_leaves_a_constant_feature_unscaled():
    train = torch.tensor([[1.0, 7.0], [3.0, 7.0]])
    (z,) = standardize(train)
    assert torch.equal(z, torch.tensor([[-1.0, 0.0], [1.0, 0.0]]))


def _data():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(64, 5, generator=g)
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).long()
    return x, y


def test_loss_curve_is_the_plain_loop_and_learns():
    x, y = _data()
    losses = loss_curve(x, y, learning_rate=0.1, epochs=3, batch_size=16, hidden=8)
    torch.manual_seed(0)
    model = MLP((5, 8, 2))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    batches = make_batches(x, y, 16, seed=0)
    by_hand = []
    for _ in range(3):
        epoch = []
        for xb, yb in batches:
            loss = nn.functional.cross_entropy(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            epoch.append(loss.item())
        by_hand.append(sum(epoch) / len(epoch))
    assert losses == by_hand  # exactly: the engine reads the same float32 losses and averages them the same way
    longer = loss_curve(x, y, learning_rate=0.1, epochs=30, batch_size=16, hidden=8)
    assert longer[-1] < 0.5 * longer[0]
    assert loss_curve(x, y, 0.1, epochs=3, batch_size=16, hidden=8) == losses  # deterministic


def test_forgetting_zero_grad_changes_training():
    x, y = _data()
    with_zero = loss_curve(x, y, learning_rate=0.5, epochs=20, batch_size=16)
    without = loss_curve(x, y, learning_rate=0.5, epochs=20, batch_size=16, zero_grad=False)
    assert with_zero[0] != without[0]  # the second batch of the first epoch already differs
    assert max(without) > 2 * max(with_zero)  # piled-up gradients overshoot


def test_loss_curve_leaves_the_global_generator_alone():
    x, y = _data()
    before = torch.get_rng_state()
    loss_curve(x, y, learning_rate=0.1, epochs=2, batch_size=16, seed=4)
    assert torch.equal(torch.get_rng_state(), before)


def test_loss_curve_stops_when_the_loss_is_not_finite():
    x, y = _data()
    losses = loss_curve(x * 1e3, y, learning_rate=1e6, epochs=50, batch_size=64, zero_grad=False)
    assert len(losses) < 50


def test_describe_curve_shows_every_nth_epoch_on_a_log_scale():
    text = describe_curve([1.0, 0.1, 0.01, 1e-9, 1e9], every=2, low=1e-4, high=1e4, width=8)
    lines = text.splitlines()
    assert [int(line.split()[0]) for line in lines[1:]] == [1, 2, 4, 5]  # first, every 2nd, last
    assert lines[1].endswith(" " + "█" * 4)  # loss 1 is half way up 1e-4..1e4
    assert lines[2].endswith(" " + "█" * 3)  # ten times smaller: one decade, 1 block, less
    assert lines[3].endswith("  ")  # below the scale: clipped to an empty bar
    assert lines[4].endswith(" " + "█" * 8)  # above it: a full bar


def test_bad_inputs_raise_clear_errors():
    x, y = _data()
    with pytest.raises(ValueError, match="2-D floating-point tensors"):
        standardize(torch.zeros(5))
    with pytest.raises(ValueError, match="at least 2 samples"):
        standardize(torch.zeros(1, 3))
    with pytest.raises(ValueError, match="every split must have 3 features"):
        standardize(torch.zeros(4, 3), torch.zeros(2, 2))
    with pytest.raises(ValueError, match="inputs must be a 2-D tensor"):
        loss_curve(torch.zeros(4), y, 0.1)
    with pytest.raises(ValueError, match="targets must be a long tensor"):
        loss_curve(x, y.float(), 0.1)
    with pytest.raises(ValueError, match="learning_rate must be a positive"):
        loss_curve(x, y, 0.0)
    with pytest.raises(ValueError, match="epochs must be a positive int"):
        loss_curve(x, y, 0.1, epochs=0)
    with pytest.raises(ValueError, match="losses must hold at least one value"):
        describe_curve([])
    with pytest.raises(ValueError, match="every must be a positive int"):
        describe_curve([1.0], every=0)
    with pytest.raises(ValueError, match="0 < low < high"):
        describe_curve([1.0], low=1.0, high=0.1)
