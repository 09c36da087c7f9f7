"""The diabetes task (lib.data.diabetes) and lesson 4.4's cross-validation and threshold report."""

from __future__ import annotations

import pytest
import torch
from sklearn.linear_model import LogisticRegression

from lib.data.diabetes import FEATURES, load_diabetes_task
from lib.lessons.lesson_4_4_healthcare import cross_validate, threshold_report, train_classifier
from lib.scratch.resampling import stratified_kfold
from lib.scratch.roc import roc_auc


def test_diabetes_task_is_the_median_split_in_original_units() -> None:
    task = load_diabetes_task()
    assert task.features.shape == (442, 10) and task.names == FEATURES
    assert task.threshold == 140.5 and int(task.labels.sum()) == 221
    assert torch.equal(task.labels, (task.progression > 140.5).float())
    assert set(task.column("sex").unique().tolist()) == {1.0, 2.0}  # original units, not scikit-learn's scaled ones
    assert 19 <= task.column("age").min() and task.column("age").max() <= 79
    with pytest.raises(ValueError, match="name must be one of"):
        task.column("weight")


def test_logistic_regression_on_the_engine_matches_sklearn() -> None:
    task = load_diabetes_task()
    ours = train_classifier("logistic", task.features[:300], task.labels[:300], seed=0)
    x = ours.standardize(task.features)
    reference = LogisticRegression(C=1e4, max_iter=5000).fit(x[:300].numpy(), task.labels[:300].numpy())
    ours_auc = roc_auc(ours.probabilities(task.features[300:]), task.labels[300:])
    sk_auc = roc_auc(torch.tensor(reference.predict_proba(x[300:].numpy())[:, 1]), task.labels[300:])
    assert ours_auc == pytest.approx(sk_auc, abs=0.02)  # SGD for 20 epochs lands next to the exact optimum


def test_cross_validation_predicts_every_case_out_of_fold() -> None:
    task = load_diabetes_task()
    folds = stratified_kfold(task.labels.long(), 3, seed=0)
    cv = cross_validate("logistic", task.features, task.labels, folds, seed=0)
    assert not torch.isnan(cv.probabilities).any() and len(cv.fold_auc) == 3
    assert 0.75 < cv.mean_auc < 0.92 and cv.sd_auc < 0.1
    with pytest.raises(ValueError, match="kind must be one of"):
        cross_validate("forest", task.features, task.labels, folds)


def test_threshold_report_counts() -> None:
    p = torch.tensor([0.9, 0.8, 0.3, 0.2])
    y = torch.tensor([1, 0, 1, 0])
    report = threshold_report(p, y, 0.5, per=100)
    assert "sensitivity (灵敏度) 0.50" in report and "specificity (特异度) 0.50" in report
    assert "25 progressors flagged, 25 missed, 25 false alarms" in report
    with pytest.raises(ValueError, match="per must be a positive int"):
        threshold_report(p, y, 0.5, per=0)
