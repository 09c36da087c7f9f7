"""ROC/AUC, calibration, resampling and importance (lib.scratch), checked against scikit-learn and scipy."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy import stats
from sklearn import metrics
from sklearn.calibration import calibration_curve
from sklearn.inspection import permutation_importance as sk_permutation_importance

from lib.scratch.calibration import brier_score, expected_calibration_error, reliability_bins
from lib.scratch.importance import input_gradients, permutation_importance
from lib.scratch.resampling import bootstrap_ci, stratified_kfold
from lib.scratch.roc import roc_auc, roc_curve, threshold_rates, trapezoid_area


def _scores(n: int = 300, seed: int = 0, ties: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    labels = (torch.rand(n, generator=g) < 0.4).long()
    scores = torch.randn(n, generator=g, dtype=torch.float64) + 1.2 * labels
    if ties:
        scores = (scores * 2).round() / 2  # many equal scores
    return scores, labels


@pytest.mark.parametrize("ties", [False, True])
def test_roc_curve_and_auc_match_sklearn(ties: bool) -> None:
    scores, labels = _scores(ties=ties)
    curve = roc_curve(scores, labels)
    fpr, tpr, _ = metrics.roc_curve(labels.numpy(), scores.numpy(), drop_intermediate=False)
    np.testing.assert_allclose(curve.fpr.numpy(), fpr)
    np.testing.assert_allclose(curve.tpr.numpy(), tpr)
    expected = metrics.roc_auc_score(labels.numpy(), scores.numpy())
    assert roc_auc(scores, labels) == pytest.approx(expected, abs=1e-12)
    assert trapezoid_area(curve.fpr, curve.tpr) == pytest.approx(expected, abs=1e-12)


def test_auc_is_the_pairwise_probability_by_hand() -> None:
    scores = torch.tensor([0.9, 0.8, 0.8, 0.3, 0.2, 0.8])
    labels = torch.tensor([1, 1, 0, 1, 0, 0])
    pos, neg = scores[labels == 1], scores[labels == 0]
    pairs = [(p > n) + 0.5 * (p == n) for p in pos.tolist() for n in neg.tolist()]
    assert roc_auc(scores, labels) == pytest.approx(sum(pairs) / len(pairs))  # 6/9 = 0.667
    assert roc_auc(scores, labels) == pytest.approx(6 / 9)


def test_threshold_rates_count_by_hand() -> None:
    scores = torch.tensor([0.9, 0.7, 0.6, 0.4, 0.2, 0.1])
    labels = torch.tensor([1, 0, 1, 1, 0, 0])
    r = threshold_rates(scores, labels, 0.5)
    assert (r.tp, r.fp, r.tn, r.fn) == (2, 1, 2, 1)
    assert r.sensitivity == pytest.approx(2 / 3) and r.specificity == pytest.approx(2 / 3)
    assert r.ppv == pytest.approx(2 / 3) and r.npv == pytest.approx(2 / 3)
    predicted = (scores >= 0.5).numpy()
    assert r.sensitivity == pytest.approx(metrics.recall_score(labels.numpy(), predicted))
    assert r.specificity == pytest.approx(metrics.recall_score(labels.numpy(), predicted, pos_label=0))
    assert np.isnan(threshold_rates(scores, labels, 2.0).ppv)


def test_roc_inputs_are_checked() -> None:
    with pytest.raises(ValueError, match="both classes"):
        roc_auc(torch.tensor([0.1, 0.2]), torch.tensor([1, 1]))
    with pytest.raises(ValueError, match="labels must hold only 0 and 1"):
        roc_auc(torch.tensor([0.1, 0.2]), torch.tensor([0, 2]))
    with pytest.raises(ValueError, match="scores must be a 1-D floating-point"):
        roc_curve(torch.tensor([1, 2]), torch.tensor([0, 1]))
    with pytest.raises(ValueError, match="threshold must be a number"):
        threshold_rates(torch.tensor([0.1, 0.2]), torch.tensor([0, 1]), "0.5")


def test_brier_and_reliability_match_sklearn() -> None:
    g = torch.Generator().manual_seed(1)
    p = torch.rand(500, generator=g, dtype=torch.float64)
    y = (torch.rand(500, generator=g, dtype=torch.float64) < p**2).long()  # overconfident predictions
    assert brier_score(p, y) == pytest.approx(metrics.brier_score_loss(y.numpy(), p.numpy()))
    bins = reliability_bins(p, y, n_bins=10)
    prob_true, prob_pred = calibration_curve(y.numpy(), p.numpy(), n_bins=10, strategy="uniform")
    np.testing.assert_allclose(bins.observed_rate[bins.nonempty].numpy(), prob_true)
    np.testing.assert_allclose(bins.mean_predicted[bins.nonempty].numpy(), prob_pred)
    # ECE from the definition, with scikit-learn's bins and hand-counted bin sizes
    counts = np.histogram(p.numpy(), bins=np.linspace(0, 1, 11))[0]
    counts = counts[counts > 0]
    expected = (counts / counts.sum() * np.abs(prob_true - prob_pred)).sum()
    assert expected_calibration_error(p, y, 10) == pytest.approx(expected)
    assert expected_calibration_error(p, y, 10) > 0.1  # p² vs p: clearly miscalibrated


def test_calibrated_predictions_have_small_ece_and_edges_bin_right() -> None:
    g = torch.Generator().manual_seed(2)
    p = torch.rand(20000, generator=g, dtype=torch.float64)
    y = (torch.rand(20000, generator=g, dtype=torch.float64) < p).long()
    assert expected_calibration_error(p, y) < 0.02
    bins = reliability_bins(torch.tensor([0.0, 1.0, 0.1]), torch.tensor([0, 1, 0]), n_bins=10)
    assert bins.counts.tolist() == [1, 1, 0, 0, 0, 0, 0, 0, 0, 1]  # 1.0 falls in the last bin, 0.1 in the second
    assert brier_score(torch.full((4,), 0.5), torch.tensor([0, 1, 0, 1])) == 0.25


def test_calibration_inputs_are_checked() -> None:
    with pytest.raises(ValueError, match="probabilities must lie in"):
        brier_score(torch.tensor([1.5]), torch.tensor([1]))
    with pytest.raises(ValueError, match="n_bins must be a positive int"):
        reliability_bins(torch.tensor([0.5]), torch.tensor([1]), n_bins=0)
    with pytest.raises(ValueError, match="labels must be a tensor shaped like"):
        expected_calibration_error(torch.tensor([0.5, 0.2]), torch.tensor([1]))


def test_stratified_kfold_partitions_and_keeps_proportions() -> None:
    labels = torch.tensor([0] * 37 + [1] * 23 + [2] * 10)
    folds = stratified_kfold(labels, 5, seed=3)
    tested = torch.cat([test for _, test in folds])
    assert sorted(tested.tolist()) == list(range(70))  # every case tested exactly once
    for train, test in folds:
        assert set(train.tolist()).isdisjoint(test.tolist()) and len(train) + len(test) == 70
    for c in range(3):
        per_fold = [int((labels[test] == c).sum()) for _, test in folds]
        assert max(per_fold) - min(per_fold) <= 1, per_fold
    sizes = [len(test) for _, test in folds]
    assert max(sizes) - min(sizes) <= 1, sizes
    assert all(torch.equal(a[1], b[1]) for a, b in zip(folds, stratified_kfold(labels, 5, seed=3), strict=True))
    assert not torch.equal(folds[0][1], stratified_kfold(labels, 5, seed=4)[0][1])
    with pytest.raises(ValueError, match="n_folds must not exceed"):
        stratified_kfold(torch.tensor([0, 0, 0, 1]), 2)
    with pytest.raises(ValueError, match="n_folds must be an int of at least 2"):
        stratified_kfold(labels, 1)


def test_bootstrap_interval_matches_theory_and_scipy() -> None:
    g = torch.Generator().manual_seed(5)
    x = torch.randn(400, generator=g, dtype=torch.float64) * 2 + 1

    def mean(t: torch.Tensor) -> float:
        return t.mean().item()

    ci = bootstrap_ci(mean, x, n_resamples=2000, seed=0)
    half = 1.96 * x.std().item() / 400**0.5  # the normal-theory half-width
    assert ci.estimate == pytest.approx(x.mean().item())
    assert ci.high - ci.low == pytest.approx(2 * half, rel=0.1)
    reference = stats.bootstrap((x.numpy(),), np.mean, n_resamples=2000, method="percentile", random_state=0)
    assert ci.low == pytest.approx(reference.confidence_interval.low, abs=0.05)
    assert ci.high == pytest.approx(reference.confidence_interval.high, abs=0.05)


def test_stratified_bootstrap_keeps_class_counts() -> None:
    scores, labels = _scores(n=80)
    seen = []

    def positives(s: torch.Tensor, y: torch.Tensor) -> float:
        seen.append(int(y.sum()))
        return roc_auc(s, y)

    ci = bootstrap_ci(positives, scores, labels, n_resamples=50, stratify=labels)
    assert set(seen) == {int(labels.sum())}
    assert ci.low < ci.estimate < ci.high
    with pytest.raises(ValueError, match="level must be"):
        bootstrap_ci(positives, scores, labels, level=1.5)
    with pytest.raises(ValueError, match="same number of rows"):
        bootstrap_ci(positives, scores, labels[:-1])


def test_permutation_importance_finds_a_planted_feature_and_agrees_with_sklearn() -> None:
    g = torch.Generator().manual_seed(7)
    x = torch.randn(600, 4, generator=g, dtype=torch.float64)
    y = (x[:, 0] + 0.3 * x[:, 1] > 0).long()  # feature 0 planted strong, 1 weak, 2 and 3 pure noise
    w = torch.tensor([1.0, 0.3, 0.0, 0.0], dtype=torch.float64)

    def score(inputs: torch.Tensor, targets: torch.Tensor) -> float:
        return roc_auc(inputs @ w, targets)

    ours = permutation_importance(score, x, y, n_repeats=30, seed=0)
    assert ours.baseline == pytest.approx(1.0)
    assert ours.mean[0] > 0.3 and 0.0 < ours.mean[1] < ours.mean[0]
    assert torch.all(ours.drops[2:] == 0)  # a feature the model ignores cannot matter

    class Linear:
        def fit(self, *args: object) -> Linear:
            return self

    sk = sk_permutation_importance(
        Linear(),
        x.numpy(),
        y.numpy(),
        scoring=lambda _e, a, b: score(torch.from_numpy(a), torch.from_numpy(b)),
        n_repeats=30,
        random_state=0,
    )
    np.testing.assert_allclose(ours.mean.numpy(), sk.importances_mean, atol=4 * max(sk.importances_std.max(), 1e-3))
    assert np.argsort(-ours.mean.numpy())[:2].tolist() == np.argsort(-sk.importances_mean)[:2].tolist()
    with pytest.raises(ValueError, match="n_repeats must be a positive int"):
        permutation_importance(score, x, y, n_repeats=0)


def test_input_gradients_of_a_linear_model_are_its_weights() -> None:
    layer = torch.nn.Linear(3, 1).double()
    x = torch.randn(5, 3, dtype=torch.float64)
    layer.train()
    grads = input_gradients(layer, x)
    torch.testing.assert_close(grads, layer.weight.expand(5, 3))
    assert layer.training and layer.weight.grad is None
    net = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1)).double()
    eps, i, j = 1e-6, 2, 1
    bump = torch.zeros_like(x)
    bump[i, j] = eps
    numeric = (net(x + bump)[i] - net(x - bump)[i]).item() / (2 * eps)
    assert input_gradients(net, x)[i, j].item() == pytest.approx(numeric, rel=1e-6)
    with pytest.raises(ValueError, match="one output per case"):
        input_gradients(torch.nn.Linear(3, 2).double(), x)
