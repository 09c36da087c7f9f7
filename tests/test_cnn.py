"""Tests of lib.models.cnn: the unfold convolution against F.conv2d, and the parameter formulas."""

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from lib.models.cnn import (
    DigitCNN,
    conv2d,
    conv2d_output_size,
    conv2d_parameter_count,
    digit_cnn_parameter_count,
    edge_kernels,
    shift_images,
)

CASES = [(0, 1, (3, 3)), (1, 1, (3, 3)), (2, 2, (5, 3)), (0, 3, (1, 2))]


@pytest.mark.parametrize(("padding", "stride", "kernel"), CASES)
def test_conv2d_matches_torch(padding, stride, kernel):
    g = torch.Generator().manual_seed(0)
    x = torch.randn(2, 3, 9, 8, generator=g, dtype=torch.float64)
    w = torch.randn(4, 3, *kernel, generator=g, dtype=torch.float64)
    b = torch.randn(4, generator=g, dtype=torch.float64)
    expected = F.conv2d(x, w, b, padding=padding, stride=stride)
    torch.testing.assert_close(conv2d(x, w, b, padding=padding, stride=stride), expected)
    torch.testing.assert_close(conv2d(x, w, padding=padding, stride=stride), expected - b.view(1, -1, 1, 1))
    assert expected.shape[2] == conv2d_output_size(9, kernel[0], padding, stride)
    assert expected.shape[3] == conv2d_output_size(8, kernel[1], padding, stride)


def test_conv2d_gradients_match_torch():
    g = torch.Generator().manual_seed(1)
    x = torch.randn(1, 2, 5, 5, generator=g, requires_grad=True)
    w = torch.randn(3, 2, 3, 3, generator=g, requires_grad=True)
    (conv2d(x, w, padding=1) ** 2).sum().backward()
    gx, gw = x.grad.clone(), w.grad.clone()
    x.grad = w.grad = None
    (F.conv2d(x, w, padding=1) ** 2).sum().backward()
    torch.testing.assert_close(gx, x.grad)
    torch.testing.assert_close(gw, w.grad)


def test_conv2d_bad_inputs():
    x, w = torch.zeros(1, 2, 5, 5), torch.zeros(3, 2, 3, 3)
    with pytest.raises(ValueError, match="x must be a 4-D tensor"):
        conv2d(x[0], w)
    with pytest.raises(ValueError, match="weight must be"):
        conv2d(x, torch.zeros(3, 1, 3, 3))
    with pytest.raises(ValueError, match="bias must be None or of shape"):
        conv2d(x, w, torch.zeros(2))
    with pytest.raises(ValueError, match="padding must be a non-negative int"):
        conv2d(x, w, padding=-1)
    with pytest.raises(ValueError, match="stride must be a positive int"):
        conv2d(x, w, stride=0)
    with pytest.raises(ValueError, match="larger than the padded input"):
        conv2d(x, torch.zeros(3, 2, 7, 7))
    with pytest.raises(ValueError, match="kernel_size 4 is larger"):
        conv2d_output_size(3, 4)
    with pytest.raises(ValueError, match="padding must be"):
        conv2d_output_size(3, 2, padding=-1)


def test_edge_kernels_find_edges():
    kernels = edge_kernels()
    names = {"vertical edges (Sobel x)", "horizontal edges (Sobel y)", "all edges (Laplacian)", "blur (mean)"}
    assert set(kernels) == names
    step = torch.zeros(1, 1, 5, 6)
    step[..., 3:] = 1.0  # a vertical edge between columns 2 and 3
    vertical = conv2d(step, kernels["vertical edges (Sobel x)"].view(1, 1, 3, 3))
    horizontal = conv2d(step, kernels["horizontal edges (Sobel y)"].view(1, 1, 3, 3))
    assert vertical.abs().sum() > 0 and horizontal.abs().sum() == 0
    assert vertical[0, 0, :, 0].abs().sum() == 0  # flat region: no response
    for k in kernels.values():  # edge detectors ignore constant images; the blur keeps them
        flat = conv2d(torch.ones(1, 1, 4, 4), k.view(1, 1, 3, 3))
        torch.testing.assert_close(flat, torch.full_like(flat, float(k.sum())))


@pytest.mark.parametrize(("k", "c_in", "c_out", "bias"), [(3, 1, 8, True), (5, 3, 16, True), (7, 3, 64, False)])
def test_conv2d_parameter_count_matches_torch(k, c_in, c_out, bias):
    layer = nn.Conv2d(c_in, c_out, k, bias=bias)
    assert conv2d_parameter_count(k, c_in, c_out, bias) == sum(p.numel() for p in layer.parameters())


def test_digit_cnn_shapes_and_count():
    for channels in [(8, 16), (4, 6)]:
        model = DigitCNN(channels)
        assert model(torch.zeros(5, 1, 8, 8)).shape == (5, 10)
        assert sum(p.numel() for p in model.parameters()) == digit_cnn_parameter_count(channels)
    model = DigitCNN((2, 3), image_size=12, n_classes=4)
    assert model(torch.zeros(1, 1, 12, 12)).shape == (1, 4)
    assert sum(p.numel() for p in model.parameters()) == digit_cnn_parameter_count((2, 3), 12, 4)
    assert digit_cnn_parameter_count((8, 16)) == (9 + 1) * 8 + (72 + 1) * 16 + (64 + 1) * 10


def test_cnn_bad_inputs():
    with pytest.raises(ValueError, match="x must be \\(N, 1, 8, 8\\)"):
        DigitCNN()(torch.zeros(2, 64))
    with pytest.raises(ValueError, match="channels must be two positive ints"):
        DigitCNN((8,))
    with pytest.raises(ValueError, match="image_size must be a positive multiple of 4"):
        DigitCNN(image_size=6)
    with pytest.raises(ValueError, match="channels must be two positive ints"):
        digit_cnn_parameter_count((1, 2, 3))
    with pytest.raises(ValueError, match="n_classes must be a positive int"):
        digit_cnn_parameter_count(n_classes=0)
    with pytest.raises(ValueError, match="in_channels must be a positive int"):
        conv2d_parameter_count(3, 0, 4)


def test_shift_images():
    x = torch.arange(12.0).view(1, 3, 4)
    assert shift_images(x, 0, 1).tolist() == [[[0, 0, 1, 2], [0, 4, 5, 6], [0, 8, 9, 10]]]
    assert shift_images(x, -1, 0).tolist() == [[[4, 5, 6, 7], [8, 9, 10, 11], [0, 0, 0, 0]]]
    torch.testing.assert_close(shift_images(x, 0, 0), x)
    # on a zero border, shifting is a roll: nothing is lost
    canvas = torch.nn.functional.pad(x, (2, 2, 2, 2))
    torch.testing.assert_close(shift_images(canvas, 1, -2), torch.roll(canvas, (1, -2), dims=(-2, -1)))
    with pytest.raises(ValueError, match="dx must be an int with \\|dx\\| < 4"):
        shift_images(x, 0, 4)
    with pytest.raises(ValueError, match="images must be a tensor"):
        shift_images(torch.zeros(3), 0, 0)
