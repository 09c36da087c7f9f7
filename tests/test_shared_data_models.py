import pytest
import torch

from lib.data.digits import load_digits_split
from lib.data.synthetic import gaussian_ring, spirals, two_moons
from lib.models.mlp import MLP, mlp_parameter_count


def test_digits_split_is_stratified_disjoint_and_scaled():
    from collections import Counter

    from sklearn.datasets import load_digits

    train, test = load_digits_split()
    assert len(train) + len(test) == 1797
    assert train.images.shape[1:] == (1, 8, 8) and train.flat.shape[1] == 64
    assert 0.0 == train.images.min() and train.images.max() == 1.0
    # Disjoint and complete: train and test together hold every sample of the data set exactly once
    # (compared as multisets of (pixels, label) rows, so a sample in both splits would be counted twice).
    full = load_digits()

    def rows(images, labels):
        return Counter(tuple(r) for r in torch.cat([images.reshape(len(labels), -1), labels[:, None]], 1).tolist())

    every = rows(torch.tensor(full.images, dtype=torch.float32) / 16.0, torch.tensor(full.target))
    assert rows(train.images, train.labels) + rows(test.images, test.labels) == every
    # Stratified: a quarter of every class is in the test split.
    total = torch.bincount(torch.tensor(full.target), minlength=10)
    counts = torch.bincount(test.labels, minlength=10)
    assert ((counts - total * 0.25).abs() <= 0.5).all(), (counts, total)
    a, b = load_digits_split()
    assert torch.equal(a.images, train.images) and torch.equal(b.labels, test.labels)
    c, _ = load_digits_split(seed=1)
    assert not torch.equal(c.images, train.images)


def test_digits_rejects_bad_fraction():
    with pytest.raises(ValueError, match="test_fraction"):
        load_digits_split(1.5)


@pytest.mark.parametrize("make", [two_moons, spirals])
def test_two_class_sets_are_balanced_and_seeded(make):
    x, y = make(101, seed=1)
    assert x.shape == (101, 2) and set(y.tolist()) == {0, 1}
    assert torch.equal(make(101, seed=1)[0], x)
    assert not torch.equal(make(101, seed=2)[0], x)


def test_gaussian_ring_points_lie_near_the_circle():
    points = gaussian_ring(500, modes=4, radius=2.0, std=0.01)
    assert torch.allclose(points.norm(dim=1), torch.full((500,), 2.0), atol=0.05)


def test_synthetic_rejects_bad_arguments():
    with pytest.raises(ValueError, match="n must be an int"):
        two_moons(1)
    with pytest.raises(ValueError, match="noise must be"):
        spirals(10, noise=-1)
    with pytest.raises(ValueError, match="modes must be"):
        gaussian_ring(10, modes=0)


def test_mlp_output_is_a_logit_and_counts_match():
    model = MLP((4, 8, 3))
    last = model.layers[-1]
    assert isinstance(last, torch.nn.Linear) and (last.in_features, last.out_features) == (8, 3)
    seen = []
    last.register_forward_hook(lambda module, inputs, output: seen.append((inputs[0], output)))
    x = torch.randn(5, 4, generator=torch.Generator().manual_seed(0)) * 10
    out = model(x)
    assert torch.equal(out, seen[0][1]), "nothing may follow the last linear layer: the output is a logit"
    assert out.min() < 0 < out.max(), "logits are unbounded, not squashed by an activation"
    assert sum(p.numel() for p in model.parameters()) == mlp_parameter_count((4, 8, 3)) == 5 * 8 + 9 * 3


def test_mlp_rejects_bad_arguments():
    with pytest.raises(ValueError, match="sizes must list"):
        MLP((4,))
    with pytest.raises(ValueError, match="activation must be one of"):
        MLP((4, 2), activation="swish")
    with pytest.raises(ValueError, match="last dimension must be 4"):
        MLP((4, 2))(torch.zeros(3, 5))
