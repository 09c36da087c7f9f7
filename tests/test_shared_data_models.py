import pytest
import torch

from lib.data.digits import load_digits_split
from lib.data.synthetic import gaussian_ring, spirals, two_moons
from lib.models.mlp import MLP, mlp_parameter_count


def test_digits_split_is_stratified_disjoint_and_scaled():
    train, test = load_digits_split()
    assert len(train) + len(test) == 1797
    assert train.images.shape[1:] == (1, 8, 8) and train.flat.shape[1] == 64
    assert 0.0 == train.images.min() and train.images.max() == 1.0
    counts = torch.bincount(test.labels, minlength=10)
    assert counts.min() >= 40 and counts.max() <= 50
    a, b = load_digits_split()
    assert torch.equal(a.labels, train.labels)


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
    assert isinstance(model.layers[-1], torch.nn.Linear)
    assert sum(p.numel() for p in model.parameters()) == mlp_parameter_count((4, 8, 3)) == 5 * 8 + 9 * 3


def test_mlp_rejects_bad_arguments():
    with pytest.raises(ValueError, match="sizes must list"):
        MLP((4,))
    with pytest.raises(ValueError, match="activation must be one of"):
        MLP((4, 2), activation="swish")
    with pytest.raises(ValueError, match="last dimension must be 4"):
        MLP((4, 2))(torch.zeros(3, 5))
