"""Failures: the exit code, one error line, and nothing left behind — no output
folder, no build folder beside it, no scratch folder — when the query fails
while Spark is already writing."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyspark.sql import SparkSession

import quiver_spark_job as job
from conftest import one_input, parse_spec, run_job, write_lines
from test_features import EVENT_SQL, at, feature_spec, parsed_file


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[Path]:
    """A private TMPDIR for the job's scratch folder (tempfile caches the default)."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    saved = tempfile.tempdir
    tempfile.tempdir = str(folder)
    try:
        yield folder
    finally:
        tempfile.tempdir = saved


def assert_nothing_left(out: Path, scratch: Path) -> None:
    assert not out.exists()
    assert [p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.")] == []
    assert list(scratch.iterdir()) == []


def test_parse_query_failing_in_tasks_leaves_no_output(spark: SparkSession, tmp_path: Path, scratch: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Two partitions: the task holding line 1500 fails (ANSI: integer division by zero), the other may have written.
    spark.conf.set(job.MIN_PARTITIONS_CONF, "2")
    f = write_lines(tmp_path / "f.log", [f"line {n}" for n in range(1, 2001)])
    sql = """
        SELECT i._part, i._file, i._path, l._line, i._label, 10 DIV (CAST(l._line AS INT) - 1500) AS x,
               'ok' AS _status, CAST(NULL AS STRING) AS _reason, CAST(NULL AS STRING) AS _raw
        FROM quiver_lines l JOIN quiver_inputs i ON l._fid = i._fid
    """
    out = tmp_path / "out"
    res = run_job(spark, parse_spec(sql, [one_input(f)], out), tmp_path, capsys)
    assert res.code == job.EXIT_SPARK
    assert res.error.startswith("quiver-spark-job: error: source test: Spark failed: ")
    assert "DIVIDE_BY_ZERO" in res.error
    assert_nothing_left(out, scratch)


def test_feature_query_failing_in_tasks_leaves_no_output(spark: SparkSession, tmp_path: Path, scratch: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = parsed_file(tmp_path / "a.parquet", [{"user": "42", "outcome": "OK", "ts": at(9, 0)}, {"user": "root", "outcome": "FAIL", "ts": at(9, 1)}], tz=None)
    out = tmp_path / "out"
    # ANSI mode: a cast that cannot be done is an error, not a NULL.
    res = run_job(spark, feature_spec("SELECT CAST(user AS INT) AS uid FROM quiver_parsed", [a], out), tmp_path, capsys)
    assert res.code == job.EXIT_SPARK
    assert "feature set test_set: Spark failed:" in res.error
    assert "CAST_INVALID_INPUT" in res.error
    assert_nothing_left(out, scratch)


def test_query_over_a_relation_that_is_not_a_job_view(spark: SparkSession, tmp_path: Path, scratch: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spark.range(1).createOrReplaceTempView("elsewhere")
    a = parsed_file(tmp_path / "a.parquet", [{"user": "root", "outcome": "OK", "ts": at(9, 0)}], tz=None)
    out = tmp_path / "out"
    res = run_job(spark, feature_spec("SELECT p.* FROM quiver_parsed p CROSS JOIN elsewhere", [a], out), tmp_path, capsys)
    assert res.code == job.EXIT_SPEC
    assert "the query reads 'elsewhere', which is not one of the job's views (quiver_parsed)" in res.error
    assert_nothing_left(out, scratch)


def test_existing_output_is_refused_and_kept(spark: SparkSession, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = parsed_file(tmp_path / "a.parquet", [{"user": "root", "outcome": "OK", "ts": at(9, 0)}], tz=None)
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep").write_text("x")
    res = run_job(spark, feature_spec(EVENT_SQL, [a], out), tmp_path, capsys)
    assert res.code == job.EXIT_SPEC
    assert f"spec.output already exists: {out}" in res.error
    assert (out / "keep").read_text() == "x"


def test_usage_and_unreadable_spec(spark: SparkSession, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert job.main([], spark=spark) == job.EXIT_USAGE
    assert job.main(["--spec", str(tmp_path / "missing.json")], spark=spark) == job.EXIT_SPEC
    (tmp_path / "bad.json").write_text("{not json")
    assert job.main(["--spec", str(tmp_path / "bad.json")], spark=spark) == job.EXIT_SPEC
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 3 and all(line.startswith("quiver-spark-job: error: ") for line in err), err
    assert "expected --spec SPEC.json" in err[0]
    assert "no such spec file" in err[1]
    assert "is not valid JSON" in err[2]


def test_several_specs_in_one_session_stop_at_the_first_failure(spark: SparkSession, tmp_path: Path, scratch: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = parsed_file(tmp_path / "a.parquet", [{"user": "root", "outcome": "OK", "ts": at(9, 0)}, {"user": "bob", "outcome": "FAIL", "ts": at(9, 1)}], tz=None)
    specs = {
        "one.json": feature_spec(EVENT_SQL, [a], tmp_path / "one"),
        "two.json": feature_spec("SELECT user FROM quiver_parsed WHERE outcome = 'FAIL'", [a], tmp_path / "two"),
        "bad.json": feature_spec("SELECT CAST(user AS INT) AS uid FROM quiver_parsed", [a], tmp_path / "bad"),
        "never.json": feature_spec(EVENT_SQL, [a], tmp_path / "never"),
    }
    for name, spec in specs.items():
        (tmp_path / name).write_text(json.dumps(spec))
    capsys.readouterr()
    code = job.main([arg for name in specs for arg in ("--spec", str(tmp_path / name))], spark=spark)
    out, err = capsys.readouterr()
    assert code == job.EXIT_SPARK
    # one stats line per spec that ran, printed as it finished
    assert [json.loads(line) for line in out.splitlines()] == [{"read": 2, "written": 2}, {"read": 2, "written": 1}]
    assert (tmp_path / "one" / "data").is_dir() and (tmp_path / "two" / "data").is_dir()
    assert_nothing_left(tmp_path / "bad", scratch)
    assert not (tmp_path / "never").exists()
    assert "CAST_INVALID_INPUT" in err
    # the views of a spec are gone after it
    assert not spark.catalog.tableExists("quiver_parsed")


def test_specs_with_the_same_output_are_refused_before_spark_runs(spark: SparkSession, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = parsed_file(tmp_path / "a.parquet", [{"user": "root", "outcome": "OK", "ts": at(9, 0)}], tz=None)
    for name in ("x.json", "y.json"):
        (tmp_path / name).write_text(json.dumps(feature_spec(EVENT_SQL, [a], tmp_path / "out")))
    capsys.readouterr()
    assert job.main(["--spec", str(tmp_path / "x.json"), f"--spec={tmp_path / 'y.json'}"], spark=spark) == job.EXIT_SPEC
    assert f"spec.output appears in two specs: {tmp_path / 'out'}" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
