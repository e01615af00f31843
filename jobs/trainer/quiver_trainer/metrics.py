"""Validation metrics and the alert threshold."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.metrics import average_precision_score, roc_auc_score

F64Array = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.integer[Any]]


@dataclass(frozen=True)
class Threshold:
    """The chosen alert threshold: a row alerts when its probability is >= ``value``."""

    value: float
    target_fpr_met: bool
    """True if ``value`` is one of the validation scores, i.e. at least one validation row alerts."""


def choose_threshold(scores: F64Array, labels: IntArray, target_fpr: float) -> Threshold:
    """The lowest threshold whose false-positive rate on the validation rows is at most ``target_fpr``.

    A row alerts when ``score >= threshold``, so FPR(t) = |{negatives with score >= t}| / |negatives|.
    FPR only changes at the rows' scores, so the candidates are the distinct validation
    scores: the result is the smallest distinct score s with FPR(s) <= target_fpr. Rows
    with equal scores are always on the same side (ties alert together). If no score
    qualifies (the highest-scored rows already hold too many negatives), the threshold
    is the next float64 above the highest score, no validation row alerts, and
    ``target_fpr_met`` is False.
    """
    if scores.shape != labels.shape or scores.ndim != 1 or scores.size == 0:
        raise ValueError("scores and labels must be non-empty 1-d arrays of the same length")
    negatives = np.sort(scores[labels == 0])
    n_neg = negatives.size
    if n_neg == 0:
        raise ValueError("no negative rows to measure a false-positive rate on")
    distinct = np.unique(scores)
    false_positives = n_neg - np.searchsorted(negatives, distinct, side="left")
    ok = false_positives / n_neg <= target_fpr
    if bool(ok.any()):
        return Threshold(value=float(distinct[int(np.argmax(ok))]), target_fpr_met=True)
    return Threshold(value=float(np.nextafter(distinct[-1], math.inf)), target_fpr_met=False)


def evaluate(scores: F64Array, labels: IntArray, target_fpr: float) -> dict[str, Any]:
    """ROC AUC, PR AUC, the threshold for ``target_fpr`` and the confusion matrix at it."""
    threshold = choose_threshold(scores, labels, target_fpr)
    alert = scores >= threshold.value
    positive = labels == 1
    tp = int(np.count_nonzero(alert & positive))
    fp = int(np.count_nonzero(alert & ~positive))
    fn = int(np.count_nonzero(~alert & positive))
    tn = int(np.count_nonzero(~alert & ~positive))
    return {
        "roc_auc": float(roc_auc_score(labels, scores)),
        "pr_auc": float(average_precision_score(labels, scores)),
        "threshold": threshold.value,
        "target_fpr": target_fpr,
        "target_fpr_met": threshold.target_fpr_met,
        "precision": tp / (tp + fp) if tp + fp else 0.0,
        "recall": tp / (tp + fn) if tp + fn else 0.0,
        "fpr": fp / (fp + tn) if fp + tn else 0.0,
        "confusion": {"tp": tp, "fp": fp, "tn": tn, "fn": fn},
    }
