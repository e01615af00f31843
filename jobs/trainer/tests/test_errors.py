"""Bad input: a clear one-line error, the documented exit code, nothing written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from conftest import ALL_FEATURES, Result, one_input, run_spec
from synth import base_spec, make_rows, table_for, write_feature_dir

TRAINER_DIR = Path(__file__).resolve().parent.parent


def assert_failed(result: Result, code: int, *fragments: str, output: Path | None = None) -> None:
    assert result.code == code, result.stderr
    assert result.stdout == ""
    assert len(result.error_lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    line = result.error_lines[0]
    for fragment in fragments:
        assert fragment in line, line
    if output is not None:
        assert not output.exists()
        if output.parent.exists():
            assert not [p for p in output.parent.iterdir() if p.name.startswith(f".{output.name}.tmp")]


def _dir_with(tmp: Path, mutate: Any = None, n: int = 400, **table_kw: Any) -> Path:
    synth = make_rows(n=n, seed=2)
    if mutate is not None:
        mutate(synth)
    return write_feature_dir(tmp / "in", table_for(synth, ALL_FEATURES, **table_kw))


def test_missing_input_dir(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_spec(base_spec(one_input(tmp_path / "nowhere"), out), tmp_path)
    assert_failed(result, 1, "directory not found", "nowhere", output=out)


def test_input_dir_without_parquet(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "_SUCCESS").write_text("")
    out = tmp_path / "out"
    assert_failed(run_spec(base_spec(one_input(tmp_path / "in"), out), tmp_path), 1, "no *.parquet files", output=out)


def test_no_labelled_rows(tmp_path: Path) -> None:
    def unlabel(s: Any) -> None:
        s.labels = [None if i % 2 else [] for i in range(len(s.labels))]

    out = tmp_path / "out"
    result = run_spec(base_spec(one_input(_dir_with(tmp_path, unlabel)), out), tmp_path)
    assert_failed(result, 1, "no labelled rows", output=out)


def test_missing_labels_column(tmp_path: Path) -> None:
    synth = make_rows(n=200)
    table = table_for(synth, ALL_FEATURES).drop_columns(["_labels"])
    d = write_feature_dir(tmp_path / "in", table)
    out = tmp_path / "out"
    assert_failed(run_spec(base_spec(one_input(d), out), tmp_path), 1, "no _labels column", output=out)


def test_nothing_left_after_label_mapping(tmp_path: Path) -> None:
    def relabel(s: Any) -> None:
        s.labels = [["scan"] for _ in s.labels]

    out = tmp_path / "out"
    result = run_spec(base_spec(one_input(_dir_with(tmp_path, relabel)), out), tmp_path)
    assert_failed(result, 1, "no rows left after label mapping", "scan (400)", output=out)


def test_empty_data(tmp_path: Path) -> None:
    synth = make_rows(n=10)
    d = write_feature_dir(tmp_path / "in", table_for(synth, ALL_FEATURES, np.array([], dtype=np.int64)), parts=1)
    out = tmp_path / "out"
    assert_failed(run_spec(base_spec(one_input(d), out), tmp_path), 1, "no rows", output=out)


def test_disjoint_inputs_leave_no_rows(tmp_path: Path) -> None:
    synth = make_rows(n=200)
    a = write_feature_dir(tmp_path / "a", table_for(synth, ["failed_logins"], np.arange(100)))
    b = write_feature_dir(tmp_path / "b", table_for(synth, ["fail_ratio"], np.arange(100, 200)))
    out = tmp_path / "out"
    spec = base_spec(
        [
            {"name": "a", "path": str(a), "features": ["failed_logins"]},
            {"name": "b", "path": str(b), "features": ["fail_ratio"]},
        ],
        out,
    )
    assert_failed(run_spec(spec, tmp_path), 1, "no rows after the join", output=out)


def test_single_class(tmp_path: Path) -> None:
    def benign(s: Any) -> None:
        s.labels = [["benign"] for _ in s.labels]

    out = tmp_path / "out"
    result = run_spec(base_spec(one_input(_dir_with(tmp_path, benign)), out), tmp_path)
    assert_failed(result, 1, "are negative", "both positive and negative", output=out)


def test_single_class_in_validation_split(tmp_path: Path) -> None:
    def one_attack(s: Any) -> None:
        s.labels = [["attack"] if i == 0 else ["benign"] for i in range(len(s.labels))]

    out = tmp_path / "out"
    result = run_spec(base_spec(one_input(_dir_with(tmp_path, one_attack)), out), tmp_path)
    assert_failed(result, 1, "the validation split has no positive rows", output=out)


def test_single_class_in_time_split(tmp_path: Path) -> None:
    """Attacks only early in time: the latest rows (validation) are all benign."""

    def early_attacks(s: Any) -> None:
        order = np.argsort(np.array([t.timestamp() for t in s.times]))
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order))
        s.labels = [["attack"] if rank[i] < 50 else ["benign"] for i in range(len(s.labels))]

    out = tmp_path / "out"
    spec = base_spec(one_input(_dir_with(tmp_path, early_attacks)), out, split={"method": "time", "test_fraction": 0.25})
    assert_failed(run_spec(spec, tmp_path), 1, "the validation split has no positive rows", output=out)


def test_null_time_with_time_split(tmp_path: Path) -> None:
    def drop_times(s: Any) -> None:
        s.times = [None if i % 7 == 0 else t for i, t in enumerate(s.times)]

    out = tmp_path / "out"
    spec = base_spec(one_input(_dir_with(tmp_path, drop_times)), out, split={"method": "time", "test_fraction": 0.25})
    result = run_spec(spec, tmp_path)
    assert_failed(result, 1, "null _time", output=out)


def test_nan_and_null_in_a_feature(tmp_path: Path) -> None:
    def holes(s: Any) -> None:
        ratio = np.array(s.columns["fail_ratio"], dtype=np.float64)
        ratio[:40:4] = np.nan  # 10 NaN
        s.columns["fail_ratio"] = ratio
        # nulls in an integer column (pyarrow array from a masked list)
        s.columns["failed_logins"] = pa.array(
            [None if i < 5 else int(v) for i, v in enumerate(s.columns["failed_logins"])], type=pa.int64()
        )

    d = _dir_with(tmp_path, holes)
    out = tmp_path / "out"
    result = run_spec(base_spec(one_input(d), out), tmp_path)
    assert_failed(result, 1, "null/NaN", "'failed_logins'", "'fail_ratio'", "fill_missing", output=out)
    line = result.error_lines[0]
    # the counts are of the rows used (labelled, not excluded)
    assert "'failed_logins' (input 'ssh_auth_daily'): " in line


def test_infinite_feature_value(tmp_path: Path) -> None:
    def inf(s: Any) -> None:
        ratio = np.array(s.columns["fail_ratio"], dtype=np.float64)
        ratio[::10] = 1e300  # beyond float32
        s.columns["fail_ratio"] = ratio

    out = tmp_path / "out"
    result = run_spec(base_spec(one_input(_dir_with(tmp_path, inf)), out, fill_missing=0), tmp_path)
    assert_failed(result, 1, "infinite", "'fail_ratio'", output=out)


def test_too_few_rows(tmp_path: Path) -> None:
    def tiny(s: Any) -> None:
        s.labels = [["attack"], ["benign"], ["benign"]]

    out = tmp_path / "out"
    result = run_spec(base_spec(one_input(_dir_with(tmp_path, tiny, n=3)), out), tmp_path)
    assert_failed(result, 1, "too few rows to split", output=out)


def test_missing_feature_column(tmp_path: Path) -> None:
    d = _dir_with(tmp_path)
    out = tmp_path / "out"
    result = run_spec(base_spec(one_input(d, ["failed_logins", "no_such"]), out), tmp_path)
    assert_failed(result, 1, "feature column 'no_such' is missing", output=out)


def test_non_numeric_feature_column(tmp_path: Path) -> None:
    def text(s: Any) -> None:
        s.columns["fail_ratio"] = pa.array([str(v) for v in s.columns["fail_ratio"]])

    out = tmp_path / "out"
    result = run_spec(base_spec(one_input(_dir_with(tmp_path, text)), out), tmp_path)
    assert_failed(result, 1, "'fail_ratio' has type string", output=out)


def test_duplicate_row_keys(tmp_path: Path) -> None:
    def dup(s: Any) -> None:
        s.keys[1] = s.keys[0]

    out = tmp_path / "out"
    assert_failed(run_spec(base_spec(one_input(_dir_with(tmp_path, dup)), out), tmp_path), 1, "not unique", output=out)


def test_unknown_algorithm(tmp_path: Path, feature_dir: Path) -> None:
    out = tmp_path / "out"
    result = run_spec(base_spec(one_input(feature_dir), out, algorithm="xgboost"), tmp_path)
    assert_failed(result, 2, "unknown algorithm 'xgboost'", "gradient_boosting", output=out)


@pytest.mark.parametrize(
    ("algorithm", "valid"),
    [
        ("random_forest", "n_estimators"),
        ("gradient_boosting", "learning_rate"),
        ("logistic_regression", "max_iter"),
    ],
)
def test_unknown_params(tmp_path: Path, feature_dir: Path, algorithm: str, valid: str) -> None:
    out = tmp_path / "out"
    result = run_spec(base_spec(one_input(feature_dir), out, algorithm=algorithm, params={"n_trees": 5}), tmp_path)
    assert_failed(result, 2, "unknown parameter 'n_trees'", "valid parameters:", valid, output=out)


def test_reserved_param(tmp_path: Path, feature_dir: Path) -> None:
    out = tmp_path / "out"
    result = run_spec(base_spec(one_input(feature_dir), out, params={"random_state": 3}), tmp_path)
    assert_failed(result, 2, "'random_state'", "split.seed", output=out)


@pytest.mark.parametrize(
    ("algorithm", "params", "fragment"),
    [
        ("random_forest", {"max_depth": -1}, "max_depth"),
        ("random_forest", {"n_estimators": 10.5}, "n_estimators"),
        ("gradient_boosting", {"loss": "hinge"}, "loss"),
        ("logistic_regression", {"C": "big"}, "'C'"),
    ],
)
def test_bad_param_values(tmp_path: Path, feature_dir: Path, algorithm: str, params: dict[str, Any], fragment: str) -> None:
    out = tmp_path / "out"
    result = run_spec(base_spec(one_input(feature_dir), out, algorithm=algorithm, params=params), tmp_path)
    assert_failed(result, 2, "params: invalid value", fragment, output=out)


def test_param_combination_rejected_at_fit(tmp_path: Path, feature_dir: Path) -> None:
    out = tmp_path / "out"
    spec = base_spec(one_input(feature_dir), out, algorithm="logistic_regression", params={"solver": "lbfgs", "l1_ratio": 1.0})
    result = run_spec(spec, tmp_path)
    assert_failed(result, 2, "training logistic_regression failed", output=out)


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"inputs": []}, "inputs must be a non-empty array"),
        ({"target_fpr": 1.5}, "target_fpr must be between 0 and 1"),
        ({"split": {"method": "kfold"}}, "split.method"),
        ({"split": {"method": "random", "test_fraction": 1}}, "test_fraction"),
        ({"label": {"positive": ["attack"], "negative": ["attack"]}}, "both positive and negative"),
        ({"label": {"positive": [], "negative": ["benign"]}}, "label.positive must not be empty"),
        ({"fill_missing": "zero"}, "fill_missing must be a number"),
        ({"extra": 1}, "unknown key(s): extra"),
        ({"output": ""}, "output must be a non-empty string"),
    ],
)
def test_bad_spec(tmp_path: Path, feature_dir: Path, change: dict[str, Any], fragment: str) -> None:
    out = tmp_path / "out"
    spec = base_spec(one_input(feature_dir), out)
    spec.update(change)
    assert_failed(run_spec(spec, tmp_path), 2, fragment, output=out)


def test_duplicate_feature_across_inputs(tmp_path: Path, feature_dir: Path) -> None:
    out = tmp_path / "out"
    inputs = one_input(feature_dir, ["failed_logins"]) + [
        {"name": "other", "path": str(feature_dir), "features": ["failed_logins"]}
    ]
    assert_failed(run_spec(base_spec(inputs, out), tmp_path), 2, "'failed_logins' appears in both", output=out)


def test_missing_spec_key_and_bad_json(tmp_path: Path) -> None:
    spec = base_spec([], tmp_path / "out")
    del spec["algorithm"]
    assert_failed(run_spec(spec, tmp_path), 2, "missing required key(s): algorithm")
    (tmp_path / "bad.json").write_text('{"model": NaN}')
    from io import StringIO

    from quiver_trainer.cli import main

    for argv, fragment in (
        (["--spec", str(tmp_path / "bad.json")], "NaN"),
        (["--spec", str(tmp_path / "absent.json")], "spec file not found"),
        ([], "--spec"),
    ):
        out, err = StringIO(), StringIO()
        code = main(argv, stdout=out, stderr=err)
        assert_failed(Result(code, out.getvalue(), err.getvalue()), 2, fragment)


def test_existing_output_is_not_overwritten(tmp_path: Path, feature_dir: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    result = run_spec(base_spec(one_input(feature_dir), out), tmp_path)
    assert result.code == 1 and "already exists and is not empty" in result.error_lines[0]
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]


def _cli(args: list[str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "QUIVER_TRAINER_DEBUG"}
    env["PYTHONPATH"] = str(TRAINER_DIR)
    return subprocess.run(
        [sys.executable, "-m", "quiver_trainer", *args],
        cwd=Path("/"),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_cli_process_contract(tmp_path: Path, feature_dir: Path) -> None:
    """The real command: one JSON line on stdout on success; one error line and the exit code on failure."""
    out = tmp_path / "out"
    spec_path = tmp_path / "spec.json"
    spec_path.write_text(json.dumps(base_spec(one_input(feature_dir), out, params={"n_estimators": 10})))
    ok = _cli(["--spec", str(spec_path)])
    assert ok.returncode == 0, ok.stderr
    lines = ok.stdout.splitlines()
    assert len(lines) == 1
    summary = json.loads(lines[0])
    assert summary["output"] == str(out)
    assert {"roc_auc", "pr_auc", "threshold", "target_fpr_met", "precision", "recall", "fpr"} <= set(summary)
    assert "reading input" in ok.stderr and "training random_forest" in ok.stderr and "metrics:" in ok.stderr
    assert (out / "model.onnx").is_file()

    bad_path = tmp_path / "bad.json"
    bad_path.write_text(json.dumps(base_spec(one_input(tmp_path / "missing"), tmp_path / "out2")))
    bad = _cli(["--spec", str(bad_path)])
    assert bad.returncode == 1
    assert bad.stdout == ""
    assert "Traceback" not in bad.stderr
    assert bad.stderr.strip().splitlines()[-1].startswith("quiver-trainer: error: input 'ssh_auth_daily'")
    assert not (tmp_path / "out2").exists()

    usage = _cli([])
    assert usage.returncode == 2 and usage.stdout == "" and "Traceback" not in usage.stderr


def test_failure_while_writing_leaves_nothing(tmp_path: Path, feature_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: Any, **__: Any) -> None:
        raise OSError("No space left on device")

    monkeypatch.setattr("pyarrow.parquet.write_table", broken)
    out = tmp_path / "results" / "out"
    result = run_spec(base_spec(one_input(feature_dir), out), tmp_path)
    assert_failed(result, 3, "cannot write the results", "No space left on device", output=out)
    assert list((tmp_path / "results").iterdir()) == []


def test_sigterm_ends_the_run_cleanly(tmp_path: Path, feature_dir: Path) -> None:
    out = tmp_path / "out"
    spec_path = tmp_path / "spec.json"
    spec = base_spec(one_input(feature_dir), out, algorithm="gradient_boosting", params={"n_estimators": 20000})
    spec_path.write_text(json.dumps(spec))
    env = {**os.environ, "PYTHONPATH": str(TRAINER_DIR)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "quiver_trainer", "--spec", str(spec_path)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        for line in proc.stderr:
            if "training gradient_boosting" in line:
                break
        proc.send_signal(15)
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 143, stderr
    assert stdout == ""
    assert "quiver-trainer: error: terminated (SIGTERM)" in stderr
    assert not out.exists()
