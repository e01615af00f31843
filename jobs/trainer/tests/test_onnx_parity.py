"""ONNX vs scikit-learn on a harder case: more rows, deeper models, near-equal float values."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from quiver_trainer.algorithms import build_estimator
from quiver_trainer.onnx_export import export_onnx, onnx_probabilities


def _data(n: int, seed: int) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    rng = np.random.default_rng(seed)
    counts = rng.poisson(4, n).astype(np.float64)
    # large values that differ in the last float32 bits: split thresholds fall between adjacent floats
    bytes_out = 1e6 + rng.integers(0, 200, n) * 0.0625
    ratio = rng.random(n)
    tiny = rng.normal(0, 1e-6, n)
    flag = (rng.random(n) < 0.3).astype(np.float64)
    logit = 0.4 * counts - 3 + 2.5 * ratio + (bytes_out - 1e6) / 10 * flag + tiny * 1e6
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(np.int8)
    x = np.column_stack([counts, bytes_out, ratio, tiny, flag]).astype(np.float32)
    return x, y


@pytest.mark.parametrize(
    ("algorithm", "params"),
    [
        ("random_forest", {"n_estimators": 150, "max_depth": None, "min_samples_leaf": 1}),
        ("gradient_boosting", {"n_estimators": 300, "max_depth": 5, "learning_rate": 0.2}),
        ("logistic_regression", {"C": 100.0, "max_iter": 2000}),
    ],
)
def test_onnx_parity_on_all_rows(algorithm: str, params: dict[str, Any]) -> None:
    x, y = _data(6000, seed=4)
    x_train, y_train, x_test = x[:4500], y[:4500], x[4500:]
    _, model = build_estimator(algorithm, dict(params), seed=11)
    model.fit(x_train, y_train)
    data = export_onnx(model, "parity", [f"f{i}" for i in range(x.shape[1])])
    for rows in (x_train, x_test):
        expected = model.predict_proba(rows)[:, 1]
        got = onnx_probabilities(data, rows)[:, 1].astype(np.float64)
        diff = float(np.max(np.abs(got - expected)))
        print(f"\n{algorithm}: max |onnx - sklearn| = {diff:.3g} over {rows.shape[0]} rows")
        assert diff <= 1e-5
