"""The convolutional neural network (CNN, 卷积神经网络): small shared filters slid over an image.

A convolution assumes what matters in an image is local (a few neighbouring pixels) and may
appear anywhere (the same filter is used at every position), so it needs far fewer weights
than a fully connected layer. Here: a 2-D convolution written with ``unfold``, classic edge
kernels, a small CNN for 8x8 digits, and the formulas that count their parameters.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

from lib.core.validate import positive_int


def conv2d(
    x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None, padding: int = 0, stride: int = 1
) -> torch.Tensor:
    """2-D convolution (cross-correlation, as in every deep-learning library), without ``F.conv2d``.

    x (N, C_in, H, W), weight (C_out, C_in, k_h, k_w) -> (N, C_out, H_out, W_out) with
    out[n, o, i, j] = bias[o] + sum over c, a, b of weight[o, c, a, b] * x_padded[n, c, i*s + a, j*s + b].
    """
    if not isinstance(x, torch.Tensor) or x.ndim != 4:
        raise ValueError(f"x must be a 4-D tensor (N, C_in, H, W), got {getattr(x, 'shape', type(x).__name__)}")
    if not isinstance(weight, torch.Tensor) or weight.ndim != 4 or weight.shape[1] != x.shape[1]:
        raise ValueError(
            f"weight must be (C_out, C_in={x.shape[1]}, k_h, k_w),"
            f" got {getattr(weight, 'shape', type(weight).__name__)}"
        )
    if bias is not None and (not isinstance(bias, torch.Tensor) or bias.shape != (weight.shape[0],)):
        raise ValueError(f"bias must be None or of shape ({weight.shape[0]},), got {getattr(bias, 'shape', bias)}")
    if not isinstance(padding, int) or isinstance(padding, bool) or padding < 0:
        raise ValueError(f"padding must be a non-negative int, got {padding!r}")
    positive_int("stride", stride)
    k_h, k_w = weight.shape[2:]
    if x.shape[2] + 2 * padding < k_h or x.shape[3] + 2 * padding < k_w:
        raise ValueError(f"kernel {k_h}x{k_w} is larger than the padded input {tuple(x.shape[2:])} + {padding}")
    x = F.pad(x, (padding, padding, padding, padding))
    # patches[n, c, i, j, a, b] = x[n, c, i*stride + a, j*stride + b]: a view, no copy
    patches = x.unfold(2, k_h, stride).unfold(3, k_w, stride)
    out = torch.einsum("ncijab,ocab->noij", patches, weight)
    return out if bias is None else out + bias.view(1, -1, 1, 1)


def conv2d_output_size(size: int, kernel_size: int, padding: int = 0, stride: int = 1) -> int:
    """Output length along one axis: floor((size + 2*padding - kernel_size) / stride) + 1."""
    for name, value in (("size", size), ("kernel_size", kernel_size), ("stride", stride)):
        positive_int(name, value)
    if not isinstance(padding, int) or isinstance(padding, bool) or padding < 0:
        raise ValueError(f"padding must be a non-negative int, got {padding!r}")
    if size + 2 * padding < kernel_size:
        raise ValueError(f"kernel_size {kernel_size} is larger than size {size} + 2*padding {2 * padding}")
    return (size + 2 * padding - kernel_size) // stride + 1


def edge_kernels() -> dict[str, torch.Tensor]:
    """Hand-made 3x3 filters: Sobel for vertical and horizontal edges, a Laplacian, and a blur."""
    sobel = torch.tensor([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])
    return {
        "vertical edges (Sobel x)": sobel,
        "horizontal edges (Sobel y)": sobel.T.contiguous(),
        "all edges (Laplacian)": torch.tensor([[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]]),
        "blur (mean)": torch.full((3, 3), 1.0 / 9.0),
    }


def conv2d_parameter_count(kernel_size: int, in_channels: int, out_channels: int, bias: bool = True) -> int:
    """Parameters of ``nn.Conv2d(in_channels, out_channels, kernel_size)``: (k*k*c_in + 1) * c_out.

    It does not depend on the image size: the same filters are used at every position.
    """
    k = positive_int("kernel_size", kernel_size)
    c_in = positive_int("in_channels", in_channels)
    c_out = positive_int("out_channels", out_channels)
    return (k * k * c_in + (1 if bias else 0)) * c_out


class DigitCNN(nn.Module):
    """Two blocks of 3x3 convolution + ReLU + 2x2 max-pooling, then one linear layer to class logits.

    For 8x8 images: 8x8 -> 4x4 -> 2x2 pixels while the channels grow, ``channels=(8, 16)``.
    """

    def __init__(self, channels: Sequence[int] = (8, 16), image_size: int = 8, n_classes: int = 10) -> None:
        super().__init__()
        channels = tuple(channels)
        if len(channels) != 2 or any(not isinstance(c, int) or isinstance(c, bool) or c < 1 for c in channels):
            raise ValueError(f"channels must be two positive ints, got {channels!r}")
        positive_int("n_classes", n_classes)
        if not isinstance(image_size, int) or image_size < 4 or image_size % 4:
            raise ValueError(f"image_size must be a positive multiple of 4, got {image_size!r}")
        self.image_size = image_size
        c1, c2 = channels
        self.features = nn.Sequential(
            nn.Conv2d(1, c1, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(c1, c2, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
        )
        self.classifier = nn.Linear(c2 * (image_size // 4) ** 2, n_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.ndim != 4 or x.shape[1:] != (1, self.image_size, self.image_size):
            raise ValueError(f"x must be (N, 1, {self.image_size}, {self.image_size}) images, got {tuple(x.shape)}")
        return self.classifier(self.features(x).flatten(1))


def digit_cnn_parameter_count(channels: Sequence[int] = (8, 16), image_size: int = 8, n_classes: int = 10) -> int:
    """Parameters of :class:`DigitCNN` by formula: two 3x3 convolutions and a linear layer."""
    channels = tuple(channels)
    if len(channels) != 2:
        raise ValueError(f"channels must be two positive ints, got {channels!r}")
    c1, c2 = (positive_int("channels", c) for c in channels)
    if not isinstance(image_size, int) or image_size < 4 or image_size % 4:
        raise ValueError(f"image_size must be a positive multiple of 4, got {image_size!r}")
    positive_int("n_classes", n_classes)
    flat = c2 * (image_size // 4) ** 2
    return conv2d_parameter_count(3, 1, c1) + conv2d_parameter_count(3, c1, c2) + (flat + 1) * n_classes


def shift_images(images: torch.Tensor, dy: int, dx: int) -> torch.Tensor:
    """Move images (..., H, W) by ``dy`` rows down and ``dx`` columns right, filling with zeros.

    Pixels pushed past the border are lost; used to test how a model copes with a moved input.
    """
    if not isinstance(images, torch.Tensor) or images.ndim < 2:
        raise ValueError(f"images must be a tensor (..., H, W), got {getattr(images, 'shape', type(images).__name__)}")
    height, width = images.shape[-2:]
    for name, value, limit in (("dy", dy, height), ("dx", dx, width)):
        if not isinstance(value, int) or isinstance(value, bool) or abs(value) >= limit:
            raise ValueError(f"{name} must be an int with |{name}| < {limit}, got {value!r}")
    out = torch.zeros_like(images)
    out[..., max(dy, 0) : height + min(dy, 0), max(dx, 0) : width + min(dx, 0)] = images[
        ..., max(-dy, 0) : height + min(-dy, 0), max(-dx, 0) : width + min(-dx, 0)
    ]
    return out


@torch.no_grad()
def feature_maps(model: DigitCNN, images: torch.Tensor) -> list[torch.Tensor]:
    """What each convolution block of a :class:`DigitCNN` sees: its maps after the ReLU, before pooling.

    Returns one tensor per block, (N, C_1, H, W) then (N, C_2, H/2, W/2): the feature maps (特征图) that
    the learned filters make from ``images`` (N, 1, H, W).
    """
    if not isinstance(model, DigitCNN):
        raise TypeError(f"model must be a DigitCNN, got {type(model).__name__}")
    size = model.image_size
    if not isinstance(images, torch.Tensor) or images.ndim != 4 or images.shape[1:] != (1, size, size):
        shape = getattr(images, "shape", type(images).__name__)
        raise ValueError(f"images must be (N, 1, {size}, {size}), got {shape}")
    maps, x = [], images
    for layer in model.features:
        x = layer(x)
        if isinstance(layer, nn.ReLU):
            maps.append(x)
    return maps
