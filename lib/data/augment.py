"""Data augmentation (数据增强) for images: small random shifts and rotations, drawn from a seed.

A model that should recognize a digit wherever it sits and however it leans can learn that from
copies of the training images moved and turned a little, each label unchanged (Simard et al.
2003). ``affine`` moves and turns images by given amounts; ``random_affine`` draws the amounts;
``AugmentedBatches`` is a batch source for the training engine that augments every batch afresh,
so each epoch sees different copies. ``perturb`` adds what a widget lets a learner try: noise and
erased pixels on top of a shift and a turn.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import torch
import torch.nn.functional as F

from lib.core.validate import fraction, non_negative_number, positive_int, seed_value


def _images(name: str, images: object) -> torch.Tensor:
    if not isinstance(images, torch.Tensor) or images.ndim != 4 or not images.is_floating_point():
        shape = getattr(images, "shape", type(images).__name__)
        raise ValueError(f"{name} must be a float tensor (N, C, H, W), got {shape}")
    return images


def affine(
    images: torch.Tensor,
    degrees: torch.Tensor | float = 0.0,
    dy: torch.Tensor | float = 0.0,
    dx: torch.Tensor | float = 0.0,
) -> torch.Tensor:
    """Turn each image by ``degrees`` (counter-clockwise) about its centre, then move it ``dy`` rows down, ``dx`` right.

    Amounts are numbers or one value per image (tensors of shape (N,)); shifts are in pixels and may be
    fractional (bilinear interpolation); what comes in from outside the image is 0 (background).
    """
    images = _images("images", images)
    n, _, height, width = images.shape
    device = images.device

    def per_image(name: str, value: torch.Tensor | float) -> torch.Tensor:
        value = torch.as_tensor(value, dtype=torch.float32, device=device)
        if value.ndim == 0:
            value = value.expand(n)
        if value.shape != (n,):
            raise ValueError(f"{name} must be a number or a tensor of shape ({n},), got {tuple(value.shape)}")
        if not torch.isfinite(value).all():
            raise ValueError(f"{name} must be finite")
        return value

    angle = per_image("degrees", degrees) * (math.pi / 180.0)
    dy, dx = per_image("dy", dy), per_image("dx", dx)
    # affine_grid maps each *output* pixel to where it reads in the input, in coordinates from -1 to 1
    # (x right, y down). Reading at R(-angle)(p - t) draws the input turned by +angle and moved by t.
    # With y pointing down, a counter-clockwise turn on screen is a clockwise one in (x, y).
    cos, sin = torch.cos(angle), torch.sin(angle)
    tx, ty = 2.0 * dx / width, 2.0 * dy / height
    # inverse of "rotate by -angle in (x, y-down) coordinates, then translate": p_in = R(angle) (p_out - t)
    theta = torch.stack(
        [
            torch.stack([cos, -sin * height / width, -(cos * tx - sin * ty * height / width)], dim=1),
            torch.stack([sin * width / height, cos, -(sin * tx * width / height + cos * ty)], dim=1),
        ],
        dim=1,
    )
    grid = F.affine_grid(theta.to(images.dtype), list(images.shape), align_corners=False)
    return F.grid_sample(images, grid, mode="bilinear", padding_mode="zeros", align_corners=False)


def random_affine(
    images: torch.Tensor,
    max_degrees: float = 15.0,
    max_shift: float = 1.0,
    generator: torch.Generator | None = None,
    p: float = 1.0,
) -> torch.Tensor:
    """Each image turned by an angle uniform in ±``max_degrees`` and moved by up to ±``max_shift`` pixels per axis.

    With ``p`` < 1 each image is transformed with probability ``p`` and left as it is otherwise, so the
    model still sees the originals. Draws from ``generator`` only (never the global one): a seeded
    generator gives the same copies.
    """
    images = _images("images", images)
    max_degrees = non_negative_number("max_degrees", max_degrees)
    max_shift = non_negative_number("max_shift", max_shift)
    p = fraction("p", p, high_inclusive=True)
    if generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator or None, got {type(generator).__name__}")
    n = images.shape[0]
    draws = torch.rand(4, n, generator=generator)  # uniform in [0, 1), on the CPU
    keep = (draws[3] < p).float()  # 1: transform this image, 0: leave it as it is
    if not keep.any() or max_degrees == max_shift == 0.0:
        return images.clone()  # nothing to do, but the generator has moved as it always does
    amounts = (draws[:3] * 2.0 - 1.0) * keep  # uniform in [-1, 1) where transformed, 0 elsewhere
    return affine(images, amounts[0] * max_degrees, amounts[1] * max_shift, amounts[2] * max_shift)


class AugmentedBatches:
    """A batch source for :func:`lib.train.loop.train`: shuffled (image, label) batches, each augmented afresh.

    One ``generator`` drives both the shuffle and the augmentation, so a seed fixes every epoch, and the
    engine can save and restore where the source stands (it reads the ``generator`` attribute). With
    ``p=0`` nothing is transformed but the draws are the same: a plain source in the same order, so
    a run with and one without augmentation differ in the augmentation only. Indexing tensors directly,
    it is also several times faster than a DataLoader over a TensorDataset for such small images.
    """

    def __init__(
        self,
        images: torch.Tensor,
        labels: torch.Tensor,
        batch_size: int,
        seed: int = 0,
        max_degrees: float = 15.0,
        max_shift: float = 1.0,
        p: float = 1.0,
    ) -> None:
        self.images = _images("images", images)
        if not isinstance(labels, torch.Tensor) or labels.shape[:1] != images.shape[:1]:
            shape = getattr(labels, "shape", labels)
            raise ValueError(f"labels must be a tensor with {images.shape[0]} rows, got {shape}")
        self.labels = labels
        self.batch_size = positive_int("batch_size", batch_size)
        self.max_degrees = non_negative_number("max_degrees", max_degrees)
        self.max_shift = non_negative_number("max_shift", max_shift)
        self.p = fraction("p", p, high_inclusive=True)
        self.generator = torch.Generator().manual_seed(seed_value("seed", seed))

    def __len__(self) -> int:
        return math.ceil(len(self.labels) / self.batch_size)

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        order = torch.randperm(len(self.labels), generator=self.generator)
        for start in range(0, len(order), self.batch_size):
            index = order[start : start + self.batch_size]
            images = random_affine(self.images[index], self.max_degrees, self.max_shift, self.generator, self.p)
            yield images, self.labels[index]


def perturb(
    image: torch.Tensor,
    degrees: float = 0.0,
    dy: float = 0.0,
    dx: float = 0.0,
    noise: float = 0.0,
    erase: float = 0.0,
    seed: int = 0,
) -> torch.Tensor:
    """One image (C, H, W) in [0, 1] turned and moved, plus Gaussian noise and erased pixels: what a widget tries.

    ``noise`` is the noise's standard deviation, ``erase`` the fraction of pixels set to 0. The noise
    and the erased pixels are drawn from ``seed``; the result is clipped to [0, 1].
    """
    if not isinstance(image, torch.Tensor) or image.ndim != 3 or not image.is_floating_point():
        raise ValueError(f"image must be a float tensor (C, H, W), got {getattr(image, 'shape', type(image).__name__)}")
    noise = non_negative_number("noise", noise)
    erase = fraction("erase", erase, high_inclusive=True)
    generator = torch.Generator().manual_seed(seed_value("seed", seed))
    out = affine(image.unsqueeze(0), float(degrees), float(dy), float(dx))[0]
    if noise > 0:
        out = out + noise * torch.randn(out.shape, generator=generator).to(out)
    if erase > 0:
        height, width = out.shape[-2:]
        n_erase = round(erase * height * width)
        erased = torch.randperm(height * width, generator=generator)[:n_erase].to(out.device)
        out = out.flatten(1).index_fill(1, erased, 0.0).view_as(out)
    return out.clamp(0.0, 1.0)
