"""Split a labelled data set among simulated clients: the same label mix everywhere, or skewed by a Dirichlet draw.

Federated learning (联邦学习) trains on data that stays where it was made: phones, hospitals, banks. Their
data are not identically distributed (non-IID): one client holds mostly 3s and 8s, another mostly 1s.
The usual simulation (Hsu, Qi & Brown 2019, arXiv:1909.06335) draws each class's shares across
clients from a Dirichlet distribution with concentration ``alpha``: large alpha gives every client
about the same mix, small alpha gives each client a few classes.
"""

from __future__ import annotations

import numpy as np
import torch

from lib.core.validate import positive_int, positive_number, seed_value, tensor


def dirichlet_label_split(
    labels: torch.Tensor, n_clients: int, alpha: float, seed: int = 0, min_size: int = 1
) -> list[torch.Tensor]:
    """Indices of ``labels`` for each of ``n_clients`` clients, each class shared out by a Dirichlet(alpha) draw.

    Every index goes to exactly one client. Draws are repeated (from the same seeded generator) until
    every client holds at least ``min_size`` examples, so no client is empty.
    """
    labels = tensor("labels", labels, ndim=1)
    if labels.dtype not in (torch.int64, torch.int32):
        raise ValueError(f"labels must hold integer class ids, got dtype {labels.dtype}")
    positive_int("n_clients", n_clients)
    alpha = positive_number("alpha", alpha)
    seed_value("seed", seed)
    positive_int("min_size", min_size)
    if n_clients * min_size > len(labels):
        raise ValueError(
            f"min_size {min_size} for {n_clients} clients needs {n_clients * min_size} examples, got {len(labels)}"
        )
    rng = np.random.default_rng(seed)  # NumPy's Dirichlet sampler, seeded: the same split on every machine
    classes = labels.unique().tolist()
    for _ in range(1000):
        parts: list[list[torch.Tensor]] = [[] for _ in range(n_clients)]
        for label in classes:
            idx = torch.nonzero(labels == label).squeeze(1)
            idx = idx[torch.from_numpy(rng.permutation(len(idx)))]
            shares = rng.dirichlet(np.full(n_clients, alpha))
            cuts = np.round(np.cumsum(shares) * len(idx)).astype(int).tolist()
            start = 0
            for client, end in enumerate(cuts):
                parts[client].append(idx[start:end])
                start = end
        split = [torch.cat(p).sort().values for p in parts]
        if min(len(s) for s in split) >= min_size:
            return split
    raise ValueError(
        f"could not give every client {min_size} examples with alpha={alpha}; raise alpha or lower min_size"
    )


def label_counts(labels: torch.Tensor, split: list[torch.Tensor], n_classes: int) -> torch.Tensor:
    """How many examples of each class every client holds: (n_clients, n_classes)."""
    labels = tensor("labels", labels, ndim=1)
    positive_int("n_classes", n_classes)
    return torch.stack([torch.bincount(labels[idx], minlength=n_classes)[:n_classes] for idx in split])


def effective_classes(counts: torch.Tensor) -> torch.Tensor:
    """Each client's effective number of classes, exp(entropy of its label mix): 10 is uniform, 1 is one class."""
    counts = tensor("counts", counts, ndim=2)
    p = counts.double() / counts.sum(dim=1, keepdim=True).clamp(min=1)
    entropy = -(p * p.clamp(min=1e-300).log()).sum(dim=1)
    return entropy.exp()
