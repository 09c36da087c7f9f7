"""Tests of lib.data.augment: the affine transform against exact shifts, rot90 and SciPy, and seeded augmentation."""

import math

import numpy as np
import pytest
import torch
from scipy import ndimage

from lib.data.augment import AugmentedBatches, affine, perturb, random_affine
from lib.models.cnn import shift_images


def _images(n=4, h=8, w=8, seed=0):
    return torch.rand(n, 1, h, w, generator=torch.Generator().manual_seed(seed))


@pytest.mark.parametrize(("h", "w"), [(8, 8), (6, 10)])
def test_integer_shifts_equal_shift_images(h, w):
    x = _images(h=h, w=w)
    for dy, dx in [(1, 0), (0, -1), (-2, 3)]:
        torch.testing.assert_close(affine(x, 0.0, dy, dx), shift_images(x, dy, dx), atol=1e-6, rtol=0)
    torch.testing.assert_close(affine(x), x)


def test_quarter_turns_equal_rot90_and_turn_counter_clockwise():
    x = _images()
    torch.testing.assert_close(affine(x, 90.0), torch.rot90(x, 1, dims=(-2, -1)), atol=1e-6, rtol=0)
    torch.testing.assert_close(affine(x, -90.0), torch.rot90(x, -1, dims=(-2, -1)), atol=1e-6, rtol=0)
    torch.testing.assert_close(affine(x, 180.0), torch.rot90(x, 2, dims=(-2, -1)), atol=1e-6, rtol=0)
    dot = torch.zeros(1, 1, 9, 9)
    dot[0, 0, 4, 7] = 1.0  # right of the centre (4, 4)
    turned = affine(dot, 90.0)[0, 0]
    assert turned[1, 4] == pytest.approx(1.0, abs=1e-6)  # now above it: a counter-clockwise turn on screen


@pytest.mark.parametrize(("degrees", "dy", "dx"), [(17.0, 0.0, 0.0), (-30.0, 0.4, -1.3), (5.0, 1.0, 0.5)])
def test_matches_scipy_bilinear_affine(degrees, dy, dx):
    x = _images(n=1, h=8, w=8, seed=3)
    a = math.radians(degrees)
    cos, sin = math.cos(a), math.sin(a)
    cy = cx = 3.5  # the centre between pixel centres
    # output (row, col) -> input (row, col), written independently of lib's normalized coordinates
    matrix = np.array([[cos, sin], [-sin, cos]])
    offset = np.array([cy - sin * (cx + dx) - cos * (cy + dy), cx - cos * (cx + dx) + sin * (cy + dy)])
    expected = ndimage.affine_transform(x[0, 0].double().numpy(), matrix, offset, order=1, mode="grid-constant")
    torch.testing.assert_close(affine(x, degrees, dy, dx)[0, 0].double(), torch.from_numpy(expected), atol=1e-5, rtol=0)


def test_per_image_amounts():
    x = _images(n=3)
    out = affine(x, torch.tensor([0.0, 90.0, 0.0]), torch.tensor([0.0, 0.0, 1.0]), 0.0)
    torch.testing.assert_close(out[0], x[0])
    torch.testing.assert_close(out[1], torch.rot90(x[1], 1, dims=(-2, -1)), atol=1e-6, rtol=0)
    torch.testing.assert_close(out[2], shift_images(x[2], 1, 0), atol=1e-6, rtol=0)


def test_random_affine_is_seeded_and_leaves_the_global_generator_alone():
    x = _images()
    torch.manual_seed(5)
    before = torch.random.get_rng_state()
    a = random_affine(x, 15.0, 1.0, torch.Generator().manual_seed(1))
    b = random_affine(x, 15.0, 1.0, torch.Generator().manual_seed(1))
    c = random_affine(x, 15.0, 1.0, torch.Generator().manual_seed(2))
    assert torch.equal(torch.random.get_rng_state(), before)
    torch.testing.assert_close(a, b)
    assert not torch.allclose(a, c)
    torch.testing.assert_close(random_affine(x, 0.0, 0.0), x)  # no range: no change
    torch.testing.assert_close(random_affine(x, 15.0, 1.0, p=0.0), x)  # never applied


def test_random_affine_p_keeps_about_that_share_unchanged():
    x = _images(n=400)
    out = random_affine(x, 15.0, 1.0, torch.Generator().manual_seed(0), p=0.5)
    unchanged = (out == x).flatten(1).all(dim=1).float().mean().item()
    assert 0.4 < unchanged < 0.6


def test_augmented_batches_cover_every_example_once_per_epoch_and_repeat_with_the_seed():
    images, labels = _images(n=10), torch.arange(10)
    source = AugmentedBatches(images, labels, batch_size=4, seed=0)
    assert len(source) == 3
    batches = list(source)
    assert [len(b[1]) for b in batches] == [4, 4, 2]
    assert sorted(torch.cat([b[1] for b in batches]).tolist()) == list(range(10))
    second = list(source)  # a new epoch: a new order and new copies
    assert not all(torch.equal(a[0], b[0]) for a, b in zip(batches, second, strict=True))
    again = list(AugmentedBatches(images, labels, batch_size=4, seed=0))
    for (xa, ya), (xb, yb) in zip(batches, again, strict=True):
        assert torch.equal(ya, yb) and torch.equal(xa, xb)
    assert isinstance(source.generator, torch.Generator)  # what the engine saves and restores


def test_perturb_noise_erase_and_clip():
    image = _images(n=1)[0]
    torch.testing.assert_close(perturb(image), image)
    erased = perturb(image, erase=0.25, seed=1)
    assert (erased == 0).sum().item() >= 16 and (erased == 0).sum().item() < 16 + (image == 0).sum().item() + 1
    assert torch.equal(erased, perturb(image, erase=0.25, seed=1))
    noisy = perturb(image, noise=0.3, seed=2)
    assert noisy.min() >= 0 and noisy.max() <= 1 and not torch.equal(noisy, image)
    torch.testing.assert_close(perturb(image, dy=1), shift_images(image, 1, 0), atol=1e-6, rtol=0)
    assert (perturb(image, erase=1.0) == 0).all()


def test_bad_arguments_name_themselves():
    x = _images()
    with pytest.raises(ValueError, match="images must be a float tensor"):
        affine(x[0])
    with pytest.raises(ValueError, match="degrees must be a number or a tensor of shape"):
        affine(x, torch.zeros(3))
    with pytest.raises(ValueError, match="dx must be finite"):
        affine(x, 0.0, 0.0, float("nan"))
    with pytest.raises(ValueError, match="max_degrees"):
        random_affine(x, -1.0)
    with pytest.raises(ValueError, match="p must be"):
        random_affine(x, p=1.5)
    with pytest.raises(TypeError, match="generator must be"):
        random_affine(x, generator=0)
    with pytest.raises(ValueError, match="labels must be a tensor with 4 rows"):
        AugmentedBatches(x, torch.zeros(3), 2)
    with pytest.raises(ValueError, match="batch_size"):
        AugmentedBatches(x, torch.zeros(4), 0)
    with pytest.raises(ValueError, match="image must be a float tensor"):
        perturb(x)
    with pytest.raises(ValueError, match="erase must be"):
        perturb(x[0], erase=2.0)
    with pytest.raises(ValueError, match="noise"):
        perturb(x[0], noise=-0.1)


def test_without_augmentation_the_batches_are_the_same_in_the_same_order():
    images, labels = _images(n=10), torch.arange(10)
    plain = list(AugmentedBatches(images, labels, batch_size=4, seed=3, p=0.0))
    augmented = list(AugmentedBatches(images, labels, batch_size=4, seed=3, p=1.0))
    for (xp, yp), (xa, ya) in zip(plain, augmented, strict=True):
        assert torch.equal(yp, ya)
        torch.testing.assert_close(xp, images[yp])  # untransformed
        assert not torch.allclose(xa, xp)
