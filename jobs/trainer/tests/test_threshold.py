"""The threshold rule on hand-made score sets."""

from __future__ import annotations

import math

import numpy as np
import pytest

from quiver_trainer.metrics import choose_threshold, evaluate

SCORES = np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95])
LABELS = np.array([0, 0, 0, 0, 0, 1, 0, 1, 1, 1])  # six negatives; the highest negative scores 0.7


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (0.0, 0.8),  # no negative may alert: the lowest score above 0.7
        (0.1, 0.8),  # one false positive would be 1/6 > 0.1
        (1 / 6, 0.6),  # exactly one false positive (0.7) is allowed; FPR == target counts
        (0.2, 0.6),
        (0.5, 0.4),  # three false positives: 0.4, 0.5, 0.7
        (1.0, 0.1),  # everything may alert: the lowest score
    ],
)
def test_lowest_threshold_meeting_the_target(target: float, expected: float) -> None:
    t = choose_threshold(SCORES, LABELS, target)
    assert t.value == expected
    assert t.target_fpr_met
    fp = int(np.count_nonzero((SCORES >= t.value) & (LABELS == 0)))
    assert fp / 6 <= target


def test_ties_alert_together() -> None:
    scores = np.array([0.5, 0.5, 0.5, 0.9])
    labels = np.array([0, 1, 0, 1])
    # 0.5 would flag both negatives (FPR 1), so the threshold cannot sit inside the tie.
    assert choose_threshold(scores, labels, 0.0).value == 0.9
    assert choose_threshold(scores, labels, 0.5).value == 0.9
    assert choose_threshold(scores, labels, 1.0).value == 0.5


def test_threshold_above_every_score_when_nothing_qualifies() -> None:
    scores = np.array([0.2, 0.9])
    labels = np.array([1, 0])  # the top-scored row is a negative
    t = choose_threshold(scores, labels, 0.5)
    assert t.value == math.nextafter(0.9, math.inf)
    assert t.value > scores.max()
    assert not t.target_fpr_met
    m = evaluate(scores, labels, 0.5)
    assert m["confusion"] == {"tp": 0, "fp": 0, "tn": 1, "fn": 1}
    assert m["precision"] == 0.0 and m["recall"] == 0.0 and m["fpr"] == 0.0
    assert m["target_fpr_met"] is False


def test_fpr_boundary_is_inclusive() -> None:
    # 100 negatives scored 0.00..0.99 and one positive at 0.995: target 0.01 allows one false positive.
    scores = np.concatenate([np.arange(100) / 100, [0.995]])
    labels = np.concatenate([np.zeros(100, dtype=int), [1]])
    t = choose_threshold(scores, labels, 0.01)
    assert t.value == 0.99
    m = evaluate(scores, labels, 0.01)
    assert m["confusion"] == {"tp": 1, "fp": 1, "tn": 99, "fn": 0}
    assert m["fpr"] == 0.01
    assert m["roc_auc"] == 1.0


def test_evaluate_reports_the_confusion_matrix_at_the_threshold() -> None:
    m = evaluate(SCORES, LABELS, 1 / 6)
    assert m["threshold"] == 0.6
    assert m["confusion"] == {"tp": 4, "fp": 1, "tn": 5, "fn": 0}
    assert m["precision"] == 4 / 5
    assert m["recall"] == 1.0
    assert m["fpr"] == 1 / 6
    assert 0.0 <= m["pr_auc"] <= 1.0 and 0.0 <= m["roc_auc"] <= 1.0
