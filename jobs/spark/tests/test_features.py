"""Feature plans end to end (in process, on the shared session): quiver_parsed over
parsed Parquet written by either engine, the output layout and counts. The SQL
follows the shape of controller/src/compile/plan/feature-plan.ts's Spark rendering."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from pyspark.sql import SparkSession

from conftest import run_job

UTC = dt.timezone.utc


def feature_spec(sql: str, parsed: list[Path], output: Path, grain: str = "event") -> dict[str, Any]:
    return {
        "plan": {
            "kind": "features",
            "featureSet": "test_set",
            "source": "test",
            "compilerVersion": "1",
            "grain": grain,
            "features": [],
            "sql": {"duckdb": "-- not used", "spark": sql},
        },
        "inputs": [],
        "labelFiles": {},
        "parsedFiles": [str(p) for p in parsed],
        "output": str(output),
    }


def parsed_file(path: Path, rows: list[dict[str, Any]], *, tz: str | None, with_bytes: bool = True) -> Path:
    """A parse stage's data file. tz=None is how DuckDB writes a TIMESTAMP (isAdjustedToUTC=false),
    tz='UTC' how Spark does."""
    fields = [
        pa.field("_part", pa.string()),
        pa.field("_file", pa.string()),
        pa.field("_path", pa.string()),
        pa.field("_line", pa.int64()),
        pa.field("_label", pa.string()),
        pa.field("user", pa.string()),
        pa.field("outcome", pa.string()),
        pa.field("ts", pa.timestamp("us", tz=tz)),
    ]
    if with_bytes:
        fields.append(pa.field("bytes", pa.int64()))
    fields += [pa.field("_reason", pa.string()), pa.field("_raw", pa.string())]
    schema = pa.schema(fields)
    cols: dict[str, list[Any]] = {f.name: [] for f in schema}
    for n, r in enumerate(rows, start=1):
        base = {"_part": "main", "_file": path.name, "_path": f"data/{path.name}", "_line": n, "_label": r.get("label"), "_reason": None, "_raw": None}
        for name in cols:
            cols[name].append(base[name] if name in base else r.get(name))
    pq.write_table(pa.table(cols, schema=schema), path)
    return path


def read_out(out: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for name in sorted(os.listdir(out / "data")):
        rows.extend(pq.read_table(out / "data" / name).to_pylist())
    return rows


def layout(out: Path) -> list[str]:
    return sorted(str(p.relative_to(out)) for p in out.rglob("*"))


def at(hour: int, minute: int) -> dt.datetime:
    return dt.datetime(2024, 1, 5, hour, minute)


EVENT_SQL = """
SELECT concat(_path, ':', CAST(_line AS STRING)) AS _row_key,
  ts AS _time,
  CASE WHEN _label IS NULL THEN CAST(array() AS ARRAY<STRING>) ELSE array(_label) END AS _labels,
  CAST((outcome = 'FAIL') AS BOOLEAN) AS failed,
  CAST(length(user) AS BIGINT) AS user_length
FROM quiver_parsed
"""


def test_event_features_over_duckdb_and_spark_parsed_files(spark: SparkSession, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = parsed_file(tmp_path / "a.parquet", [{"user": "root", "outcome": "FAIL", "ts": at(10, 0), "bytes": 5, "label": "attack"}, {"user": "bob", "outcome": "OK", "ts": None}], tz=None)
    b = parsed_file(tmp_path / "b.parquet", [{"user": "alice", "outcome": "OK", "ts": at(11, 30).replace(tzinfo=UTC)}], tz="UTC", with_bytes=False)
    out = tmp_path / "out"
    res = run_job(spark, feature_spec(EVENT_SQL, [a, b], out), tmp_path, capsys)
    assert res.code == 0, res.stderr
    assert res.stats == {"read": 3, "written": 3}
    files = layout(out)
    assert files[0] == "data" and all(f.startswith("data/part-") and f.endswith(".parquet") for f in files[1:]), files
    assert [f"data/part-{i:05d}.parquet" for i in range(len(files) - 1)] == files[1:]
    rows = sorted(read_out(out), key=lambda r: str(r["_row_key"]))
    # A DuckDB TIMESTAMP (not adjusted to UTC) is read as the same UTC instant, and written adjusted.
    assert rows == [
        {"_row_key": "data/a.parquet:1", "_time": dt.datetime(2024, 1, 5, 10, 0, tzinfo=UTC), "_labels": ["attack"], "failed": True, "user_length": 4},
        {"_row_key": "data/a.parquet:2", "_time": None, "_labels": [], "failed": False, "user_length": 3},
        {"_row_key": "data/b.parquet:1", "_time": dt.datetime(2024, 1, 5, 11, 30, tzinfo=UTC), "_labels": [], "failed": False, "user_length": 5},
    ]
    assert sorted(os.listdir(tmp_path)) == ["a.parquet", "b.parquet", "out", "spec.json"]


def test_quiver_parsed_merges_schemas_and_hides_reason_and_raw(spark: SparkSession, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = parsed_file(tmp_path / "a.parquet", [{"user": "root", "outcome": "FAIL", "ts": at(10, 0), "bytes": 7}], tz=None)
    b = parsed_file(tmp_path / "b.parquet", [{"user": "eve", "outcome": "OK", "ts": at(10, 1)}], tz=None, with_bytes=False)
    out = tmp_path / "out"
    res = run_job(spark, feature_spec("SELECT * FROM quiver_parsed", [a, b], out), tmp_path, capsys)
    assert res.code == 0, res.stderr
    rows = sorted(read_out(out), key=lambda r: str(r["user"]))
    assert set(rows[0]) == {"_part", "_file", "_path", "_line", "_label", "user", "outcome", "ts", "bytes"}
    assert [(r["user"], r["bytes"]) for r in rows] == [("eve", None), ("root", 7)]


AGGREGATE_SQL = """
WITH
_in AS (
SELECT *, `user` AS _entity, timestamp_micros(CAST(floor(CAST(unix_micros(`ts`) AS DOUBLE) / CAST(3600000000 AS DOUBLE)) AS BIGINT) * CAST(3600000000 AS BIGINT)) AS _window_start
FROM quiver_parsed WHERE coalesce((`outcome` = 'FAIL'), FALSE)
)
SELECT concat(_entity, '|', date_format(_window_start, "yyyy-MM-dd'T'HH:mm:ss'Z'")) AS _row_key,
  _window_start AS _time,
  array_sort(collect_set(_label)) AS _labels,
  _entity, _window_start, count(*) AS _events,
  CAST(try_sum(`bytes`) AS BIGINT) AS `bytes`,
  CAST(avg(CAST(`bytes` AS DOUBLE)) AS DOUBLE) AS `mean_bytes`
FROM _in WHERE _entity IS NOT NULL AND _window_start IS NOT NULL
GROUP BY _entity, _window_start
"""


def test_aggregate_features_per_entity_and_hour(spark: SparkSession, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = parsed_file(
        tmp_path / "a.parquet",
        [
            {"user": "root", "outcome": "FAIL", "ts": at(10, 5), "bytes": 10, "label": "attack"},
            {"user": "root", "outcome": "FAIL", "ts": at(10, 59), "bytes": 20, "label": "benign"},
            {"user": "root", "outcome": "FAIL", "ts": at(11, 0), "bytes": 1, "label": "attack"},
            {"user": "root", "outcome": "OK", "ts": at(10, 6), "bytes": 1000},
            {"user": "bob", "outcome": "FAIL", "ts": None, "bytes": 3},
        ],
        tz=None,
    )
    b = parsed_file(tmp_path / "b.parquet", [{"user": "root", "outcome": "FAIL", "ts": at(10, 30).replace(tzinfo=UTC)}], tz="UTC", with_bytes=False)
    out = tmp_path / "out"
    res = run_job(spark, feature_spec(AGGREGATE_SQL, [a, b], out, grain="aggregate"), tmp_path, capsys)
    assert res.code == 0, res.stderr
    assert res.stats == {"read": 6, "written": 2}
    rows = sorted(read_out(out), key=lambda r: str(r["_row_key"]))
    h10 = dt.datetime(2024, 1, 5, 10, tzinfo=UTC)
    h11 = dt.datetime(2024, 1, 5, 11, tzinfo=UTC)
    assert rows == [
        {"_row_key": "root|2024-01-05T10:00:00Z", "_time": h10, "_labels": ["attack", "benign"], "_entity": "root", "_window_start": h10, "_events": 3, "bytes": 30, "mean_bytes": 15.0},
        {"_row_key": "root|2024-01-05T11:00:00Z", "_time": h11, "_labels": ["attack"], "_entity": "root", "_window_start": h11, "_events": 1, "bytes": 1, "mean_bytes": 1.0},
    ]


def test_empty_feature_result_still_writes_one_parquet_with_the_schema(spark: SparkSession, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = parsed_file(tmp_path / "a.parquet", [{"user": "bob", "outcome": "OK", "ts": at(9, 0), "bytes": 1}], tz=None)
    out = tmp_path / "out"
    res = run_job(spark, feature_spec(AGGREGATE_SQL, [a], out, grain="aggregate"), tmp_path, capsys)
    assert res.code == 0, res.stderr
    assert res.stats == {"read": 1, "written": 0}
    assert layout(out) == ["data", "data/part-00000.parquet"]
    table = pq.read_table(out / "data" / "part-00000.parquet")
    assert table.num_rows == 0
    assert table.schema.names == ["_row_key", "_time", "_labels", "_entity", "_window_start", "_events", "bytes", "mean_bytes"]
    assert str(table.schema.field("_time").type) == "timestamp[us, tz=UTC]"


def test_features_need_parsed_files(spark: SparkSession, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    res = run_job(spark, feature_spec(EVENT_SQL, [], tmp_path / "out"), tmp_path, capsys)
    assert res.code == 1
    assert "feature set test_set: spec.parsedFiles is empty" in res.error
    assert not (tmp_path / "out").exists()
