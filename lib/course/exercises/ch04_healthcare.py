"""The exercises of lesson 4.4 (healthcare): expected values computed from lib, PyTorch and scikit-learn."""

from __future__ import annotations

from lib.course.exercises.base import Exercise


def _probabilities_inputs() -> dict:
    """Stand-ins for the lesson's out-of-fold probabilities: 200 seeded cases, overconfident on purpose."""
    import torch

    g = torch.Generator().manual_seed(44)
    labels = (torch.rand(200, generator=g) < 0.5).long()
    logits = 1.5 * (labels.double() * 2 - 1) + torch.randn(200, generator=g, dtype=torch.float64) * 1.5
    return {"probabilities": torch.sigmoid(2 * logits), "labels": labels}


def _squared_auc_changes(probabilities, labels) -> bool:
    from lib.scratch.roc import roc_auc

    return abs(roc_auc(probabilities**2, labels) - roc_auc(probabilities, labels)) > 1e-12


def _ece_by_hand(probabilities, labels, n_bins: int = 5, weighted: bool = True) -> float:
    total, gaps = 0.0, []
    for b in range(n_bins):
        low, high = b / n_bins, (b + 1) / n_bins
        members = [
            (p, y)
            for p, y in zip(probabilities.tolist(), labels.tolist(), strict=True)
            if low <= p < high or (b == n_bins - 1 and p == 1.0)
        ]
        if not members:
            continue
        gap = abs(sum(y for _, y in members) / len(members) - sum(p for p, _ in members) / len(members))
        total += len(members) / len(labels) * gap
        gaps.append(gap)
    return total if weighted else sum(gaps) / len(gaps)


def _best_specificity(probabilities, labels, floor: float = 0.9) -> float:
    from lib.scratch.roc import roc_curve

    curve = roc_curve(probabilities, labels)
    return (1 - curve.fpr[curve.tpr >= floor]).max().item()


def _best_specificity_by_thresholds(probabilities, labels, floor: float = 0.9) -> float:
    from lib.scratch.roc import threshold_rates

    rates = [threshold_rates(probabilities, labels, t) for t in sorted(set(probabilities.tolist()))]
    return max(r.specificity for r in rates if r.sensitivity >= floor)


def _specificity_at_half(probabilities, labels) -> float:
    from lib.scratch.roc import threshold_rates

    return threshold_rates(probabilities, labels, 0.5).specificity


def _ppv(sensitivity: float, specificity: float, prevalence: float) -> float:
    return sensitivity * prevalence / (sensitivity * prevalence + (1 - specificity) * (1 - prevalence))


def _ppv_by_counts() -> float:
    patients = 1000
    progressors = 0.10 * patients
    flagged_progressors = 0.80 * progressors
    false_alarms = (1 - 0.75) * (patients - progressors)
    return flagged_progressors / (flagged_progressors + false_alarms)


def _ece_expected(probabilities, labels) -> float:
    from lib.scratch.calibration import expected_calibration_error

    return expected_calibration_error(probabilities, labels, 5)


EXERCISES: tuple[Exercise, ...] = (
    Exercise(
        "4.4.squared-auc",
        "does squaring every probability change the AUC?",
        "equal",
        inputs=("probabilities", "labels"),
        example_inputs=_probabilities_inputs,
        expected=_squared_auc_changes,
        reference=lambda probabilities, labels: False,
        wrong=lambda probabilities, labels: True,
        hint="the AUC only asks which of two cases scores higher; does p -> p² on [0, 1] ever swap two cases?",
    ),
    Exercise(
        "4.4.ece-five-bins",
        "expected calibration error with 5 bins",
        "close",
        rel=1e-5,
        inputs=("probabilities", "labels"),
        example_inputs=_probabilities_inputs,
        expected=_ece_expected,
        reference=_ece_by_hand,
        wrong=lambda probabilities, labels: _ece_by_hand(probabilities, labels, weighted=False),
        hint="five equal-width bins on [0, 1] (1.0 goes in the last); a bin's gap counts in proportion to its cases",
    ),
    Exercise(
        "4.4.specificity-at-sensitivity",
        "best specificity with sensitivity at least 0.90",
        "close",
        rel=1e-9,
        inputs=("probabilities", "labels"),
        example_inputs=_probabilities_inputs,
        expected=_best_specificity,
        reference=_best_specificity_by_thresholds,
        wrong=_specificity_at_half,
        hint="try every distinct probability as a threshold; keep those finding 90% of progressors; which clears most?",
    ),
    Exercise(
        "4.4.ppv-at-low-prevalence",
        "PPV at 10% prevalence",
        "close",
        rel=1e-9,
        expected=lambda: _ppv(0.80, 0.75, 0.10),
        reference=_ppv_by_counts,
        wrong=lambda: 0.80,
        hint="imagine 1,000 patients: how many progress, how many of them are flagged, and how many of the rest?",
    ),
)
