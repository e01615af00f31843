"""End-to-end training: each algorithm, ONNX parity, outputs, determinism."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import onnxruntime as ort
import pyarrow.parquet as pq
import pytest
from conftest import ALL_FEATURES, Result, one_input, run_spec
from synth import Synth, base_spec, make_rows, table_for, write_feature_dir

from quiver_trainer import TRAINER_VERSION
from quiver_trainer.data import load_dataset
from quiver_trainer.spec import validate_spec
from quiver_trainer.split import make_split

ALGORITHMS: dict[str, dict[str, Any]] = {
    "random_forest": {"n_estimators": 50, "max_depth": 8},
    "gradient_boosting": {"n_estimators": 80, "max_depth": 3, "learning_rate": 0.1},
    "logistic_regression": {"C": 0.5, "max_iter": 500},
}

# Measured max |onnx - sklearn| per algorithm, printed by test_onnx_matches_sklearn (pytest -s).
MEASURED: dict[str, float] = {}


def _validation_features(spec: dict[str, Any]) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Recomputes the validation rows' keys and features the way the trainer does."""
    parsed = validate_spec(spec)
    data = load_dataset(parsed, lambda _: None)
    split = make_split(data, parsed.split)
    return data.keys[split.validation], data.x[split.validation]


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory, feature_dir: Path) -> dict[str, tuple[dict[str, Any], Result]]:
    runs: dict[str, tuple[dict[str, Any], Result]] = {}
    for algorithm, params in ALGORITHMS.items():
        tmp = tmp_path_factory.mktemp(algorithm)
        spec = base_spec(one_input(feature_dir), tmp / "out", algorithm=algorithm, params=params)
        runs[algorithm] = (spec, run_spec(spec, tmp))
    return runs


@pytest.mark.parametrize("algorithm", list(ALGORITHMS))
def test_each_algorithm_trains_and_writes_outputs(
    trained: dict[str, tuple[dict[str, Any], Result]], algorithm: str
) -> None:
    spec, result = trained[algorithm]
    assert result.code == 0, result.stderr
    out = Path(spec["output"])
    assert sorted(p.name for p in out.iterdir()) == ["metrics.json", "model.onnx", "schema.json", "validation.parquet"]
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".out.tmp")]

    summary = result.summary
    metrics = json.loads((out / "metrics.json").read_text())
    assert summary["output"] == str(out)
    assert summary["roc_auc"] == metrics["roc_auc"] > 0.9  # the synthetic signal is strong
    assert summary["threshold"] == metrics["threshold"]
    for key in ("roc_auc", "pr_auc", "precision", "recall", "fpr", "threshold", "target_fpr", "target_fpr_met"):
        assert key in metrics
    assert metrics["algorithm"] == algorithm
    assert metrics["params"] == ALGORITHMS[algorithm]
    assert metrics["effective_params"]["random_state"] == 7
    assert metrics["features"] == ALL_FEATURES
    assert metrics["trainer_version"] == TRAINER_VERSION
    assert set(metrics["versions"]) >= {"python", "scikit-learn", "skl2onnx", "onnx", "onnxruntime", "pyarrow", "numpy"}
    assert metrics["fpr"] <= metrics["target_fpr"]
    assert metrics["target_fpr_met"] is True
    confusion = metrics["confusion"]
    counts = metrics["counts"]
    assert confusion["tp"] + confusion["fn"] == counts["validation"]["positives"]
    assert confusion["fp"] + confusion["tn"] == counts["validation"]["negatives"]
    assert counts["train"]["rows"] + counts["validation"]["rows"] == counts["rows_used"]
    assert counts["excluded"] == counts["rows_joined"] - counts["rows_used"] > 0

    validation = pq.read_table(out / "validation.parquet")
    assert validation.column_names == ["_row_key", "label", "probability"]
    assert str(validation.schema.field("probability").type) == "double"
    assert validation.num_rows == counts["validation"]["rows"]
    keys = validation.column("_row_key").to_pylist()
    assert keys == sorted(keys)
    labels = np.array(validation.column("label").to_pylist())
    probability = np.array(validation.column("probability").to_pylist())
    assert int(labels.sum()) == counts["validation"]["positives"]
    alerts = probability >= metrics["threshold"]
    assert int(np.count_nonzero(alerts & (labels == 1))) == confusion["tp"]
    assert int(np.count_nonzero(alerts & (labels == 0))) == confusion["fp"]

    schema = json.loads((out / "schema.json").read_text())
    assert schema["input"]["name"] == "features"
    assert [f["name"] for f in schema["input"]["features"]] == ALL_FEATURES
    assert [f["type"] for f in schema["input"]["features"]] == ["LONG", "INT", "DOUBLE", "BOOLEAN"]
    assert schema["output"]["name"] == "probabilities"
    assert schema["output"]["threshold"] == metrics["threshold"]
    assert schema["onnx"] == metrics["onnx"]
    assert schema["onnx"]["opsets"]["ai.onnx"] <= 17 and schema["onnx"]["opsets"]["ai.onnx.ml"] <= 3


@pytest.mark.parametrize("algorithm", list(ALGORITHMS))
def test_onnx_matches_sklearn(trained: dict[str, tuple[dict[str, Any], Result]], algorithm: str) -> None:
    spec, result = trained[algorithm]
    assert result.code == 0, result.stderr
    out = Path(spec["output"])
    model = onnx.load(str(out / "model.onnx"))
    onnx.checker.check_model(model)
    assert [i.name for i in model.graph.input] == ["features"]
    assert [o.name for o in model.graph.output] == ["probabilities"]
    (inp,) = model.graph.input
    assert inp.type.tensor_type.elem_type == onnx.TensorProto.FLOAT
    dims = inp.type.tensor_type.shape.dim
    assert len(dims) == 2 and not dims[0].HasField("dim_value") and dims[1].dim_value == len(ALL_FEATURES)
    (outp,) = model.graph.output
    assert outp.type.tensor_type.elem_type == onnx.TensorProto.FLOAT
    assert [d.dim_value for d in outp.type.tensor_type.shape.dim] == [0, 2]

    keys, x_val = _validation_features(spec)
    validation = pq.read_table(out / "validation.parquet")
    assert validation.column("_row_key").to_pylist() == list(keys)
    expected = np.array(validation.column("probability").to_pylist())

    session = ort.InferenceSession(str(out / "model.onnx"), providers=["CPUExecutionProvider"])
    (probabilities,) = session.run(None, {"features": x_val})
    assert probabilities.dtype == np.float32 and probabilities.shape == (len(keys), 2)
    diff = float(np.max(np.abs(probabilities[:, 1].astype(np.float64) - expected)))
    MEASURED[algorithm] = diff
    print(f"\n{algorithm}: max |onnx - sklearn| = {diff:.3g} over {len(keys)} validation rows")
    assert diff <= 1e-5
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["onnx_max_abs_diff"] <= 1e-5


def test_determinism_and_parquet_order(tmp_path: Path, synth: Synth) -> None:
    """Same spec and same rows (written in another order and file split) -> identical outputs."""
    table = table_for(synth, ALL_FEATURES)
    a = write_feature_dir(tmp_path / "a", table, parts=2, shuffle_seed=3)
    b = write_feature_dir(tmp_path / "b", table, parts=5, shuffle_seed=11)
    outputs = []
    for n, (data_dir, algorithm) in enumerate(
        [(a, "random_forest"), (b, "random_forest"), (a, "gradient_boosting"), (b, "gradient_boosting")]
    ):
        spec = base_spec(one_input(data_dir), tmp_path / f"out{n}", algorithm=algorithm, params=ALGORITHMS[algorithm])
        result = run_spec(spec, tmp_path, f"spec{n}.json")
        assert result.code == 0, result.stderr
        outputs.append(Path(spec["output"]))
    for first, second in ((outputs[0], outputs[1]), (outputs[2], outputs[3])):
        for name in ("model.onnx", "metrics.json", "schema.json", "validation.parquet"):
            assert (first / name).read_bytes() == (second / name).read_bytes(), name
    assert (outputs[0] / "model.onnx").read_bytes() != (outputs[2] / "model.onnx").read_bytes()


def test_two_inputs_and_time_split(tmp_path: Path) -> None:
    synth = make_rows(n=800, seed=5)
    n = len(synth.keys)
    a = write_feature_dir(tmp_path / "a", table_for(synth, ["failed_logins", "distinct_users"], np.arange(n - 40)))
    b = write_feature_dir(tmp_path / "b", table_for(synth, ["fail_ratio"], np.arange(20, n), with_meta=False))
    spec = base_spec(
        [
            {"name": "ssh_auth_daily", "path": str(a), "features": ["failed_logins", "distinct_users"]},
            {"name": "ssh_ratio_daily", "path": str(b), "features": ["fail_ratio"]},
        ],
        tmp_path / "out",
        algorithm="logistic_regression",
        params={},
        split={"method": "time", "test_fraction": 0.3, "seed": 1},
    )
    result = run_spec(spec, tmp_path)
    assert result.code == 0, result.stderr
    metrics = json.loads((tmp_path / "out" / "metrics.json").read_text())
    assert metrics["features"] == ["failed_logins", "distinct_users", "fail_ratio"]
    assert metrics["counts"]["rows_read"] == {"ssh_auth_daily": n - 40, "ssh_ratio_daily": n - 20}
    assert metrics["counts"]["rows_joined"] == n - 60
    assert metrics["split"] == {"method": "time", "test_fraction": 0.3, "seed": 1}
    schema = json.loads((tmp_path / "out" / "schema.json").read_text())
    assert [(f["name"], f["input"]) for f in schema["input"]["features"]] == [
        ("failed_logins", "ssh_auth_daily"),
        ("distinct_users", "ssh_auth_daily"),
        ("fail_ratio", "ssh_ratio_daily"),
    ]


def test_fill_missing(tmp_path: Path) -> None:
    synth = make_rows(n=600, seed=9)
    ratio = np.array(synth.columns["fail_ratio"], dtype=np.float64)
    ratio[::50] = np.nan
    synth.columns["fail_ratio"] = ratio
    d = write_feature_dir(tmp_path / "in", table_for(synth, ALL_FEATURES))
    spec = base_spec(one_input(d), tmp_path / "out", fill_missing=-1)
    result = run_spec(spec, tmp_path)
    assert result.code == 0, result.stderr
    metrics = json.loads((tmp_path / "out" / "metrics.json").read_text())
    assert metrics["fill_missing"] == -1.0
    assert 0 < metrics["filled_values"]["fail_ratio"] <= 12
    schema = json.loads((tmp_path / "out" / "schema.json").read_text())
    assert schema["input"]["fill_missing"] == -1.0


def test_unreachable_target_fpr(tmp_path: Path, feature_dir: Path) -> None:
    """target_fpr 0 with overlapping classes: threshold above the top negative, maybe none at all."""
    spec = base_spec(one_input(feature_dir), tmp_path / "out", target_fpr=0.0)
    result = run_spec(spec, tmp_path)
    assert result.code == 0, result.stderr
    metrics = json.loads((tmp_path / "out" / "metrics.json").read_text())
    assert metrics["fpr"] == 0.0
    assert metrics["confusion"]["fp"] == 0
    if not metrics["target_fpr_met"]:
        assert metrics["confusion"]["tp"] == 0


def test_determinism_across_processes(tmp_path: Path, feature_dir: Path) -> None:
    """Separate processes (different hash seeds) write byte-identical models and metrics."""
    import os
    import subprocess
    import sys

    trainer_dir = Path(__file__).resolve().parent.parent
    digests = []
    for n, hash_seed in enumerate(("1", "2")):
        spec = base_spec(one_input(feature_dir), tmp_path / f"out{n}", algorithm="gradient_boosting", params={})
        spec_path = tmp_path / f"spec{n}.json"
        spec_path.write_text(json.dumps(spec))
        env = {**os.environ, "PYTHONPATH": str(trainer_dir), "PYTHONHASHSEED": hash_seed}
        done = subprocess.run(
            [sys.executable, "-m", "quiver_trainer", "--spec", str(spec_path)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        out = Path(spec["output"])
        digests.append([(out / name).read_bytes() for name in ("model.onnx", "metrics.json", "validation.parquet")])
    assert digests[0] == digests[1]
