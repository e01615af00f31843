"""One training run: data -> split -> fit -> evaluate -> ONNX -> output directory."""

from __future__ import annotations

import platform
import warnings
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from quiver_trainer import TRAINER_VERSION
from quiver_trainer.algorithms import build_estimator, effective_params, final_estimator
from quiver_trainer.data import load_dataset
from quiver_trainer.errors import InternalError, SpecError, one_line
from quiver_trainer.metrics import evaluate
from quiver_trainer.onnx_export import (
    INPUT_NAME,
    OUTPUT_NAME,
    export_onnx,
    onnx_probabilities,
    onnx_signature,
)
from quiver_trainer.output import check_output_free, json_bytes, write_atomically
from quiver_trainer.spec import Spec
from quiver_trainer.split import make_split

Log = Callable[[str], None]

ONNX_TOLERANCE = 1e-4
"""The run fails if ONNX and scikit-learn probabilities differ by more than this on a validation row."""

LIBRARIES = ("numpy", "scipy", "scikit-learn", "skl2onnx", "onnx", "onnxruntime", "pyarrow")


def library_versions() -> dict[str, str]:
    """The versions of Python and of the libraries that determine the model."""
    versions = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "unknown"
    return versions


def _count(y: np.ndarray[Any, Any]) -> dict[str, int]:
    pos = int(np.count_nonzero(y == 1))
    return {"rows": int(y.shape[0]), "positives": pos, "negatives": int(y.shape[0]) - pos}


def run(spec: Spec, log: Log) -> dict[str, Any]:
    """Trains, evaluates and exports the model; writes the output directory; returns the summary."""
    algorithm, model = build_estimator(spec.algorithm, spec.params, spec.split.seed)
    output = spec.output.absolute()
    check_output_free(output)

    data = load_dataset(spec, log)
    split = make_split(data, spec.split)
    x_train, y_train = data.x[split.train], data.y[split.train]
    x_val, y_val = data.x[split.validation], data.y[split.validation]
    train_counts, val_counts = _count(y_train), _count(y_val)
    log(
        f"split {spec.split.method}: training {train_counts['rows']} rows ({train_counts['positives']} positive), "
        f"validation {val_counts['rows']} rows ({val_counts['positives']} positive)"
    )

    estimator_name = type(final_estimator(model)).__name__
    log(f"training {algorithm.name} ({estimator_name}) on {x_train.shape[0]} rows x {x_train.shape[1]} features")
    fit_warnings: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            model.fit(x_train, y_train)
        except (ValueError, TypeError) as e:
            raise SpecError(f"training {algorithm.name} failed (check params): {e}") from None
        probabilities = model.predict_proba(x_val)
    for w in caught:
        text = one_line(f"{w.category.__name__}: {w.message}")
        if text not in fit_warnings:
            fit_warnings.append(text)
            log(f"warning: {text}")
    classes = [int(c) for c in final_estimator(model).classes_]
    if classes != [0, 1]:
        raise InternalError(f"unexpected classes after training: {classes}")
    scores = np.asarray(probabilities[:, 1], dtype=np.float64)

    results = evaluate(scores, y_val, spec.target_fpr)
    log(
        f"metrics: roc_auc={results['roc_auc']:.6f} pr_auc={results['pr_auc']:.6f} "
        f"threshold={results['threshold']:.6g} precision={results['precision']:.4f} "
        f"recall={results['recall']:.4f} fpr={results['fpr']:.4f} target_fpr_met={results['target_fpr_met']}"
    )

    feature_names = [f.name for f in data.features]
    log("exporting ONNX")
    try:
        model_bytes = export_onnx(model, spec.model, feature_names)
        onnx_scores = onnx_probabilities(model_bytes, x_val)[:, 1].astype(np.float64)
        signature = onnx_signature(model_bytes)
    except Exception as e:  # noqa: BLE001 - converter and runtime errors have many types
        raise InternalError(f"ONNX export failed: {type(e).__name__}: {e}") from None
    onnx_diff = float(np.max(np.abs(onnx_scores - scores)))
    log(f"ONNX check: max |onnx - sklearn| = {onnx_diff:.3g} on {x_val.shape[0]} validation rows")
    if not onnx_diff <= ONNX_TOLERANCE:
        raise InternalError(
            f"the ONNX model does not reproduce scikit-learn: max probability difference {onnx_diff:.3g} "
            f"> {ONNX_TOLERANCE}"
        )

    metrics: dict[str, Any] = {
        "model": spec.model,
        "trainer_version": TRAINER_VERSION,
        "algorithm": algorithm.name,
        "estimator": estimator_name,
        "params": spec.params,
        "effective_params": effective_params(model),
        "features": feature_names,
        "inputs": [{"name": i.name, "features": list(i.features)} for i in spec.inputs],
        "label": {"positive": list(spec.label.positive), "negative": list(spec.label.negative)},
        "split": {
            "method": spec.split.method,
            "test_fraction": spec.split.test_fraction,
            "seed": spec.split.seed,
        },
        "fill_missing": spec.fill_missing,
        "filled_values": data.filled,
        **results,
        "counts": {**data.counts, "train": train_counts, "validation": val_counts},
        "labels_seen": data.labels_seen,
        "onnx_max_abs_diff": onnx_diff,
        "onnx": signature,
        "warnings": fit_warnings,
        "versions": library_versions(),
    }
    schema = {
        "input": {
            "name": INPUT_NAME,
            "dtype": "float32",
            "shape": [None, len(feature_names)],
            "features": [{"name": f.name, "type": f.type, "input": f.input} for f in data.features],
            "fill_missing": spec.fill_missing,
        },
        "output": {
            "name": OUTPUT_NAME,
            "dtype": "float32",
            "shape": [None, 2],
            "probability": {"column": 1, "meaning": "P(positive)"},
            "threshold": results["threshold"],
            "alert": "probability >= threshold",
        },
        "onnx": signature,
    }
    validation = pa.table(
        {
            "_row_key": pa.array(data.keys[split.validation].tolist(), type=pa.string()),
            "label": pa.array(y_val.astype(np.int32), type=pa.int32()),
            "probability": pa.array(scores, type=pa.float64()),
        }
    )

    def write(tmp: Path) -> None:
        (tmp / "model.onnx").write_bytes(model_bytes)
        (tmp / "metrics.json").write_bytes(json_bytes(metrics))
        (tmp / "schema.json").write_bytes(json_bytes(schema))
        pq.write_table(validation, tmp / "validation.parquet")

    write_atomically(output, write)
    log(f"wrote {output}")
    return {
        "output": str(output),
        "model": spec.model,
        "algorithm": algorithm.name,
        "roc_auc": results["roc_auc"],
        "pr_auc": results["pr_auc"],
        "threshold": results["threshold"],
        "target_fpr": spec.target_fpr,
        "target_fpr_met": results["target_fpr_met"],
        "precision": results["precision"],
        "recall": results["recall"],
        "fpr": results["fpr"],
        "rows_train": train_counts["rows"],
        "rows_validation": val_counts["rows"],
    }
