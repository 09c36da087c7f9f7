"""Principal component analysis (PCA, 主成分分析): the directions along which data varies most.

Used to draw high-dimensional embeddings in two dimensions. Computed from the singular value
decomposition of the centred data; each component's sign is fixed (its largest coordinate positive)
so that the picture is the same on every machine.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from lib.core.validate import positive_int


@dataclass(frozen=True)
class PCA:
    """A fitted PCA: the mean, the components (k, d) as rows, and the share of variance each explains."""

    mean: torch.Tensor
    components: torch.Tensor
    explained_variance_ratio: torch.Tensor

    def transform(self, x: torch.Tensor) -> torch.Tensor:
        """Coordinates of ``x`` (n, d) along the components: (n, k)."""
        if not isinstance(x, torch.Tensor) or x.ndim != 2 or x.shape[1] != self.mean.shape[0]:
            raise ValueError(f"x must be a 2-D tensor (n, {self.mean.shape[0]}), got {getattr(x, 'shape', x)!r}")
        return (x.to(self.mean.dtype) - self.mean) @ self.components.T


def fit_pca(x: torch.Tensor, n_components: int = 2) -> PCA:
    """Fit PCA to the rows of ``x`` (n, d) in float64: the top ``n_components`` right singular vectors."""
    if not isinstance(x, torch.Tensor) or x.ndim != 2 or not x.dtype.is_floating_point:
        raise ValueError(f"x must be a 2-D float tensor (n, d), got {getattr(x, 'shape', x)!r}")
    k = positive_int("n_components", n_components)
    if k > min(x.shape):
        raise ValueError(f"n_components must be at most min(n, d) = {min(x.shape)}, got {k}")
    data = x.detach().double().cpu()
    mean = data.mean(dim=0)
    _, singular, vt = torch.linalg.svd(data - mean, full_matrices=False)
    components = vt[:k]
    signs = torch.sign(components.gather(1, components.abs().argmax(dim=1, keepdim=True)))
    components = components * signs
    variance = singular**2
    return PCA(mean, components, variance[:k] / variance.sum())
