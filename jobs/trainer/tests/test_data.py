"""Reading, joining, label mapping and splitting."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from synth import Synth, base_spec, table_for, write_feature_dir

from quiver_trainer.data import (
    LABEL_NEGATIVE,
    LABEL_NONE,
    LABEL_OTHER,
    LABEL_POSITIVE,
    classify_labels,
    load_dataset,
)
from quiver_trainer.spec import LabelSpec, validate_spec
from quiver_trainer.split import make_split, random_split, time_split, validation_size


def _log(_: str) -> None:
    pass


def test_label_mapping_including_exclusion() -> None:
    labels = pa.array(
        [
            ["attack"],
            ["benign"],
            ["benign", "attack"],  # any positive label -> positive
            ["benign", "scan"],  # not all negative -> excluded
            ["scan"],
            [],
            None,
            ["benign", "noise"],  # two negative labels
            ["c2"],  # a second positive label
            [None],  # a null label is an unknown label
        ],
        type=pa.list_(pa.string()),
    )
    classes, seen = classify_labels(labels, LabelSpec(positive=("attack", "c2"), negative=("benign", "noise")))
    assert classes.tolist() == [
        LABEL_POSITIVE,
        LABEL_NEGATIVE,
        LABEL_POSITIVE,
        LABEL_OTHER,
        LABEL_OTHER,
        LABEL_NONE,
        LABEL_NONE,
        LABEL_NEGATIVE,
        LABEL_POSITIVE,
        LABEL_OTHER,
    ]
    assert seen == {"<null>": 1, "attack": 2, "benign": 4, "c2": 1, "noise": 1, "scan": 2}


def test_dataset_counts_and_row_order(feature_dir: Path, synth: Synth, tmp_path: Path) -> None:
    spec = validate_spec(
        base_spec([{"name": "a", "path": str(feature_dir), "features": ["failed_logins"]}], tmp_path / "out")
    )
    data = load_dataset(spec, _log)
    n = len(synth.keys)
    unlabelled = sum(1 for lab in synth.labels if not lab)
    other = sum(1 for lab in synth.labels if lab == ["scan"])
    positives = sum(1 for lab in synth.labels if lab and "attack" in lab)
    assert data.counts["rows_read"] == {"a": n}
    assert data.counts["excluded_unlabelled"] == unlabelled
    assert data.counts["excluded_other_labels"] == other
    assert data.counts["excluded"] == unlabelled + other
    assert data.counts["positives"] == positives
    assert data.counts["rows_used"] == n - unlabelled - other
    assert list(data.keys) == sorted(data.keys)
    # the feature values follow their keys, whatever the order of the Parquet rows
    expected = dict(zip(synth.keys, synth.columns["failed_logins"]))
    assert all(expected[k] == v for k, v in zip(data.keys, data.x[:, 0]))
    assert data.x.dtype == np.float32
    assert [f.type for f in data.features] == ["LONG"]


def test_join_of_two_inputs(synth: Synth, tmp_path: Path) -> None:
    n = len(synth.keys)
    rows_a = np.arange(0, n - 100)  # input a lacks the last 100 keys
    rows_b = np.arange(50, n)  # input b lacks the first 50
    a = write_feature_dir(tmp_path / "a", table_for(synth, ["failed_logins", "distinct_users"], rows_a), parts=3)
    # the second input has no _labels/_time, and an extra column that is not listed
    b = write_feature_dir(tmp_path / "b", table_for(synth, ["fail_ratio", "root_attempt"], rows_b, with_meta=False))
    spec = validate_spec(
        base_spec(
            [
                {"name": "a", "path": str(a), "features": ["distinct_users", "failed_logins"]},
                {"name": "b", "path": str(b), "features": ["root_attempt"]},
            ],
            tmp_path / "out",
        )
    )
    data = load_dataset(spec, _log)
    assert data.counts["rows_read"] == {"a": n - 100, "b": n - 50}
    assert data.counts["rows_joined"] == n - 150
    assert [f.name for f in data.features] == ["distinct_users", "failed_logins", "root_attempt"]
    assert [f.type for f in data.features] == ["INT", "LONG", "BOOLEAN"]
    assert [f.input for f in data.features] == ["a", "a", "b"]
    index = {k: i for i, k in enumerate(synth.keys)}
    for row, key in enumerate(data.keys):
        i = index[key]
        assert 50 <= i < n - 100
        assert data.x[row, 0] == synth.columns["distinct_users"][i]
        assert data.x[row, 1] == synth.columns["failed_logins"][i]
        assert data.x[row, 2] == float(synth.columns["root_attempt"][i])
        lab = synth.labels[i]
        assert data.y[row] == (1 if lab and "attack" in lab else 0)


def test_only_parquet_files_are_read(synth: Synth, tmp_path: Path) -> None:
    d = write_feature_dir(tmp_path / "in", table_for(synth, ["failed_logins"]))
    (d / "notes.txt").write_text("ignored")
    (d / "sub").mkdir()
    pq.write_table(table_for(synth, ["failed_logins"]), d / "sub" / "part-99.parquet")  # not read: a sub-directory
    pq.write_table(table_for(synth, ["failed_logins"]), d / ".hidden.parquet")  # not read: hidden
    spec = validate_spec(base_spec([{"name": "a", "path": str(d), "features": ["failed_logins"]}], tmp_path / "o"))
    data = load_dataset(spec, _log)
    assert data.counts["rows_read"] == {"a": len(synth.keys)}


def test_validation_size() -> None:
    assert validation_size(100, 0.25) == 25
    assert validation_size(10, 0.25) == 3  # ceil
    assert validation_size(4, 0.01) == 1  # never empty
    assert validation_size(4, 0.99) == 3  # training never empty


def test_random_split_is_stratified_and_seeded() -> None:
    y = np.array([1] * 40 + [0] * 160, dtype=np.int8)
    a = random_split(y, 0.25, seed=7)
    b = random_split(y, 0.25, seed=7)
    c = random_split(y, 0.25, seed=8)
    assert np.array_equal(a.validation, b.validation)
    assert not np.array_equal(a.validation, c.validation)
    assert int(np.count_nonzero(y[a.validation] == 1)) == 10
    assert int(np.count_nonzero(y[a.validation] == 0)) == 40


def test_time_split_takes_the_latest_rows() -> None:
    times = np.array([50, 10, 40, 20, 30, 40, 0, 60], dtype=np.int64)
    split = time_split(times, 0.25)
    assert np.flatnonzero(split.validation).tolist() == [0, 7]  # times 50 and 60
    # ties at the boundary go by position (i.e. _row_key): of the two rows at 40, the later key is newer
    split = time_split(times, 0.5)
    assert np.flatnonzero(split.validation).tolist() == [0, 2, 5, 7]
    split = time_split(times, 0.45)  # ceil(3.6) = 4 as well
    assert np.flatnonzero(split.validation).tolist() == [0, 2, 5, 7]
    split = time_split(times, 0.3)  # 3 rows: 60, 50 and the later-keyed 40
    assert np.flatnonzero(split.validation).tolist() == [0, 5, 7]


def test_time_split_on_a_dataset(synth: Synth, feature_dir: Path, tmp_path: Path) -> None:
    spec = validate_spec(
        base_spec(
            [{"name": "a", "path": str(feature_dir), "features": ["failed_logins"]}],
            tmp_path / "out",
            split={"method": "time", "test_fraction": 0.2},
        )
    )
    data = load_dataset(spec, _log)
    assert data.times is not None
    split = make_split(data, spec.split)
    n_val = int(np.count_nonzero(split.validation))
    assert n_val == validation_size(data.y.size, 0.2)
    assert data.times[split.validation].min() >= data.times[split.train].max()
    # _time is read as microseconds since the epoch (UTC)
    index = {k: i for i, k in enumerate(synth.keys)}
    key = data.keys[0]
    t = synth.times[index[key]]
    assert t is not None
    assert datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(microseconds=int(data.times[0])) == t


@pytest.mark.parametrize("method", ["random", "time"])
def test_split_has_both_classes_on_both_sides(feature_dir: Path, tmp_path: Path, method: str) -> None:
    spec = validate_spec(
        base_spec(
            [{"name": "a", "path": str(feature_dir), "features": ["failed_logins"]}],
            tmp_path / "out",
            split={"method": method, "test_fraction": 0.3, "seed": 3},
        )
    )
    data = load_dataset(spec, _log)
    split = make_split(data, spec.split)
    for mask in (split.train, split.validation):
        assert set(data.y[mask].tolist()) == {0, 1}
