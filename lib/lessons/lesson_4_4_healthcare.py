"""Lesson 4.4's experiments: logistic regression and a small network on a clinical task, cross-validated.

Both models are trained with the course's engine (:func:`lib.train.engine.fit`) on features
standardized with the training fold's statistics only; out-of-fold probabilities feed the ROC,
calibration, importance and subgroup analyses of the lesson.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from lib.core.seeding import seeded
from lib.core.validate import one_of, positive_int, seed_value
from lib.lessons.lesson_1_6_loop import standardize
from lib.models.mlp import MLP
from lib.scratch.roc import roc_auc, threshold_rates
from lib.train.engine import fit, make_batches


@dataclass(frozen=True)
class Recipe:
    """How one kind of model is built and trained: hidden layer sizes, dropout, weight decay, epochs."""

    hidden: tuple[int, ...]
    dropout: float
    weight_decay: float
    epochs: int
    lr: float = 1e-2
    batch_size: int = 32


RECIPES = {
    "logistic": Recipe(hidden=(), dropout=0.0, weight_decay=0.0, epochs=20),
    "network": Recipe(hidden=(8,), dropout=0.0, weight_decay=0.01, epochs=30),
}


@dataclass
class Classifier:
    """A trained model and the training fold's feature statistics; ``probabilities`` takes raw features."""

    model: nn.Module
    mean: torch.Tensor
    std: torch.Tensor

    def standardize(self, features: torch.Tensor) -> torch.Tensor:
        """Features in units of the training fold's standard deviations."""
        return (features - self.mean) / self.std

    @torch.no_grad()
    def probabilities(self, features: torch.Tensor) -> torch.Tensor:
        """P(label 1) for each row of raw ``features``."""
        self.model.eval()
        device = next(self.model.parameters()).device
        return torch.sigmoid(self.model(self.standardize(features).to(device))).squeeze(1).cpu()


def train_classifier(
    kind: str, features: torch.Tensor, labels: torch.Tensor, seed: int = 0, device: torch.device | str = "cpu"
) -> Classifier:
    """Train a ``"logistic"`` regression or a small ``"network"`` (``RECIPES``) with binary cross-entropy."""
    recipe = RECIPES[one_of("kind", kind, RECIPES)]
    seed_value("seed", seed)
    if features.ndim != 2 or labels.shape != (len(features),):
        raise ValueError(
            f"features must be (cases, features) and labels (cases,), got {tuple(features.shape)} "
            f"and {tuple(labels.shape)}"
        )
    (x,) = standardize(features)
    mean = features.mean(dim=0)
    std = features.std(dim=0, correction=0)
    std = torch.where(std > 0, std, torch.ones_like(std))  # as standardize does: a constant feature stays unscaled
    with seeded(seed):
        model = MLP((features.shape[1], *recipe.hidden, 1), dropout=recipe.dropout).to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=recipe.lr, weight_decay=recipe.weight_decay)
    batches = make_batches(x, labels.float().unsqueeze(1), recipe.batch_size, seed=seed)
    fit(model, batches, F.binary_cross_entropy_with_logits, optimizer, recipe.epochs, device=device, progress=False)
    return Classifier(model.eval(), mean, std)


@dataclass(frozen=True)
class CrossValidation:
    """Out-of-fold probabilities (each case predicted by the model that did not train on it) and each fold's AUC."""

    kind: str
    probabilities: torch.Tensor
    fold_auc: tuple[float, ...]

    @property
    def mean_auc(self) -> float:
        """Mean of the folds' AUCs."""
        return sum(self.fold_auc) / len(self.fold_auc)

    @property
    def sd_auc(self) -> float:
        """Standard deviation of the folds' AUCs (sample, n − 1)."""
        return torch.tensor(self.fold_auc, dtype=torch.float64).std().item()


def cross_validate(
    kind: str,
    features: torch.Tensor,
    labels: torch.Tensor,
    folds: list[tuple[torch.Tensor, torch.Tensor]],
    seed: int = 0,
    device: torch.device | str = "cpu",
) -> CrossValidation:
    """Train on each fold's training part, predict its test part; the standardization is learned inside each fold."""
    if not folds:
        raise ValueError("folds must hold at least one (train, test) pair")
    probabilities = torch.full((len(labels),), float("nan"))
    aucs = []
    for f, (train_index, test_index) in enumerate(folds):
        classifier = train_classifier(kind, features[train_index], labels[train_index], seed=seed + f, device=device)
        p = classifier.probabilities(features[test_index])
        probabilities[test_index] = p
        aucs.append(roc_auc(p, labels[test_index]))
    if torch.isnan(probabilities).any():
        raise ValueError("folds must test every case once")
    return CrossValidation(kind, probabilities, tuple(aucs))


def threshold_report(probabilities: torch.Tensor, labels: torch.Tensor, threshold: float = 0.5, per: int = 100) -> str:
    """The decision ``p >= threshold`` in words: rates, and what it means for ``per`` patients like these."""
    positive_int("per", per)
    r = threshold_rates(probabilities, labels, threshold)
    n = r.tp + r.fp + r.tn + r.fn
    scale = per / n
    lines = [
        f"threshold {threshold:.2f}: flag a patient when P(progression) >= {threshold:.2f}",
        f"  sensitivity (灵敏度) {r.sensitivity:.2f}: progressors flagged   specificity (特异度) {r.specificity:.2f}: "
        "others cleared",
        f"  of those flagged, {r.ppv:.0%} progress (PPV); of those cleared, {r.npv:.0%} do not (NPV)",
        f"  per {per} patients like these: {r.tp * scale:.0f} progressors flagged, {r.fn * scale:.0f} missed, "
        f"{r.fp * scale:.0f} false alarms",
    ]
    return "\n".join(lines)
