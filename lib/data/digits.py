"""scikit-learn's bundled handwritten digits (8x8 images, 1,797 of them) as tensors, with fixed splits.

The data ships inside scikit-learn (UCI's optical digits test set), so nothing is downloaded.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class Digits:
    """Images (n, 1, 8, 8) scaled to [0, 1] and labels (n,) for one split."""

    images: torch.Tensor
    labels: torch.Tensor

    @property
    def flat(self) -> torch.Tensor:
        """The images as rows of 64 pixels, for models that take vectors."""
        return self.images.reshape(len(self.images), -1)

    def __len__(self) -> int:
        return len(self.labels)


def load_digits_split(test_fraction: float = 0.25, seed: int = 0) -> tuple[Digits, Digits]:
    """Train and test splits, stratified by class, the same on every machine for a given seed."""
    if not isinstance(test_fraction, float) or not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must be a float strictly between 0 and 1, got {test_fraction!r}")
    from sklearn.datasets import load_digits

    data = load_digits()
    images = torch.tensor(data.images, dtype=torch.float32).unsqueeze(1) / 16.0  # pixels are 0..16
    labels = torch.tensor(data.target, dtype=torch.long)
    generator = torch.Generator().manual_seed(seed)
    train_idx, test_idx = [], []
    for digit in range(10):
        idx = torch.nonzero(labels == digit).squeeze(1)
        idx = idx[torch.randperm(len(idx), generator=generator)]
        n_test = round(len(idx) * test_fraction)
        test_idx.append(idx[:n_test])
        train_idx.append(idx[n_test:])
    train = torch.cat(train_idx).sort().values
    test = torch.cat(test_idx).sort().values
    return Digits(images[train], labels[train]), Digits(images[test], labels[test])
