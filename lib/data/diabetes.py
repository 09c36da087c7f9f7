"""scikit-learn's bundled diabetes data (Efron et al. 2004) as a clinical classification task.

442 patients, ten measurements taken at baseline, and a number for how far the disease had
progressed one year later. The course asks a yes/no question of it: did the disease progress
more than in the median patient? The measurements are returned in their original units.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

FEATURES = ("age", "sex", "bmi", "bp", "tc", "ldl", "hdl", "tch", "ltg", "glu")
DESCRIPTIONS = (
    "age in years",
    "sex, coded 1 or 2 (the source does not say which is which)",
    "body mass index",
    "average blood pressure",
    "total serum cholesterol",
    "low-density lipoproteins",
    "high-density lipoproteins",
    "total cholesterol / HDL",
    "possibly the log of the serum triglycerides level",
    "blood sugar level",
)


@dataclass(frozen=True)
class DiabetesTask:
    """Features (442, 10) in original units, 0/1 labels, the progression they come from, and the cut."""

    features: torch.Tensor
    labels: torch.Tensor
    progression: torch.Tensor
    threshold: float
    names: tuple[str, ...] = FEATURES

    def column(self, name: str) -> torch.Tensor:
        """One feature's column by name, e.g. ``task.column("bmi")``."""
        if name not in self.names:
            raise ValueError(f"name must be one of {self.names}, got {name!r}")
        return self.features[:, self.names.index(name)]


def load_diabetes_task() -> DiabetesTask:
    """The diabetes data with label 1 when progression exceeds its median (140.5): 221 of 442 cases."""
    import numpy as np
    from sklearn.datasets import load_diabetes  # imported here: scikit-learn is slow to import

    data = load_diabetes(scaled=False)
    progression = torch.tensor(data.target, dtype=torch.float32)
    threshold = float(np.median(data.target))  # the mean of the two middle values; no case sits on it
    return DiabetesTask(
        features=torch.tensor(data.data, dtype=torch.float32),
        labels=(progression > threshold).float(),
        progression=progression,
        threshold=threshold,
    )
