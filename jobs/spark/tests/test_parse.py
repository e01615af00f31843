"""Parse plans end to end (in process, on the shared session): the output layout,
counts, rejects.jsonl, label tables and multi-line records. The SQL follows the
shape of controller/src/compile/plan/parse-plan.ts's Spark rendering."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from pyspark.sql import SparkSession

import quiver_spark_job as job
from conftest import one_input, parse_spec, run_job, write_lines

STRIP_CR = "CASE WHEN endswith(line, chr(13)) THEN substring(line, 1, length(line) - 1) ELSE line END"

# ts outcome user src_ip, e.g. "2024-01-05 10:00:01 FAIL root 10.0.0.5"
AUTH_RE = r"^((\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}) (FAIL|OK|IGNORE) (\\S+) (\\S+))$"
REGEX_SQL = rf"""
WITH
_lines AS (
SELECT _fid, _line, {STRIP_CR} AS _text FROM quiver_lines
),
_raw AS (
SELECT _fid, _line, _text, regexp_extract(_text, '{AUTH_RE}', 2) AS _r1, regexp_extract(_text, '{AUTH_RE}', 3) AS _r2,
  regexp_extract(_text, '{AUTH_RE}', 4) AS _r3, regexp_extract(_text, '{AUTH_RE}', 5) AS _r4,
  CASE WHEN NOT (_text RLIKE '{AUTH_RE}') THEN 'rejected' ELSE 'ok' END AS _status,
  CASE WHEN NOT (_text RLIKE '{AUTH_RE}') THEN 'does not match the regex' END AS _reason
FROM _lines
),
_f0 AS (
SELECT *, CAST(_r2 AS STRING) AS `outcome`, CAST(_r4 AS STRING) AS `src_ip`, CAST(try_to_timestamp(_r1, 'yyyy-MM-dd HH:mm:ss') AS TIMESTAMP) AS `ts`,
  CAST(_r3 AS STRING) AS `user` FROM _raw
)
SELECT i._part AS _part, i._file AS _file, i._path AS _path, f._line AS _line, i._label AS _label, f.`outcome`, f.`src_ip`, f.`ts`, f.`user`,
  CASE WHEN f._status = 'ok' AND NOT coalesce(f.`outcome` <> 'IGNORE', FALSE) THEN 'filtered' ELSE f._status END AS _status,
  f._reason AS _reason, CASE WHEN f._status = 'rejected' THEN substring(f._text, 1, 4096) END AS _raw
FROM _f0 f JOIN quiver_inputs i ON f._fid = i._fid
"""


def read_data(out: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for name in sorted(os.listdir(out / "data")):
        rows.extend(pq.read_table(out / "data" / name).to_pylist())
    return rows


def layout(out: Path) -> list[str]:
    return sorted(str(p.relative_to(out)) for p in out.rglob("*"))


def rejects(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "rejects.jsonl").read_text(encoding="utf-8").splitlines()]


def test_regex_parse_layout_counts_and_rejects(spark: SparkSession, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    normal = write_lines(tmp_path / "normal.log.gz", ["2024-01-05 10:00:00 OK alice 192.0.2.7", "garbage \"quoted\"\tand tab é", "2024-01-05 10:00:09 IGNORE bob 192.0.2.8"])
    attack = write_lines(
        tmp_path / "attack-01.log",
        ["2024-01-05 10:00:01 FAIL root 10.0.0.5", "2024-01-05 10:00:02 FAIL admin 10.0.0.5", "not a log line", "", "2024-13-45 99:99:99 FAIL x 1.2.3.4"],
        newline="\r\n",
    )
    out = tmp_path / "out"
    inputs = [one_input(normal, part="normal", label="benign", ref="data/ssh/normal.log.gz"), one_input(attack, part="bruteforce", label="attack", ref="data/ssh/attack-01.log")]
    res = run_job(spark, parse_spec(REGEX_SQL, inputs, out), tmp_path, capsys)
    assert res.code == 0, res.stderr
    # 8 lines: 4 ok, 1 filtered (IGNORE), 3 rejected (the empty line does not match either)
    assert res.stats == {"records": 8, "written": 4, "rejected": 3, "filtered": 1, "skipped": 0, "files": 2}
    files = layout(out)
    assert files[:1] == ["data"] and files[-1] == "rejects.jsonl"
    assert all(f.startswith("data/part-") and f.endswith(".parquet") for f in files[1:-1]), files
    assert [f"data/part-{i:05d}.parquet" for i in range(len(files) - 2)] == files[1:-1]
    rows = sorted(read_data(out), key=lambda r: (r["_path"], r["_line"]))
    assert [(r["_path"], r["_line"], r["_label"], r["user"], r["ts"].isoformat() if r["ts"] else None) for r in rows] == [
        ("data/ssh/attack-01.log", 1, "attack", "root", "2024-01-05T10:00:01+00:00"),
        ("data/ssh/attack-01.log", 2, "attack", "admin", "2024-01-05T10:00:02+00:00"),
        # the regex matches; the bad date is a NULL field, not a reject (try_to_timestamp)
        ("data/ssh/attack-01.log", 5, "attack", "x", None),
        ("data/ssh/normal.log.gz", 1, "benign", "alice", "2024-01-05T10:00:00+00:00"),
    ]
    schema = pq.read_schema(out / "data" / "part-00000.parquet")
    assert schema.names == ["_part", "_file", "_path", "_line", "_label", "outcome", "src_ip", "ts", "user", "_reason", "_raw"]
    # Spark TIMESTAMP → Parquet TIMESTAMP_MICROS, adjusted to UTC (DuckDB reads it as TIMESTAMPTZ)
    assert str(schema.field("ts").type) == "timestamp[us, tz=UTC]"
    # ordered by _path, then _line, whatever the input order
    assert rejects(out) == [
        {"path": "data/ssh/attack-01.log", "line": 3, "reason": "does not match the regex", "text": "not a log line"},
        {"path": "data/ssh/attack-01.log", "line": 4, "reason": "does not match the regex", "text": ""},
        {"path": "data/ssh/normal.log.gz", "line": 2, "reason": "does not match the regex", "text": 'garbage "quoted"\tand tab é'},
    ]
    # one JSON object per line, compact, UTF-8 as is (like JSON.stringify)
    assert (out / "rejects.jsonl").read_text(encoding="utf-8").splitlines()[2] == (
        '{"path":"data/ssh/normal.log.gz","line":2,"reason":"does not match the regex","text":"garbage \\"quoted\\"\\tand tab é"}'
    )
    # nothing else next to the output
    assert sorted(os.listdir(tmp_path)) == sorted(["attack-01.log", "normal.log.gz", "out", "spec.json"])


def test_rejects_sample_is_the_first_1000_by_path_and_line(spark: SparkSession, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spark.conf.set(job.MIN_PARTITIONS_CONF, "3")
    b = write_lines(tmp_path / "b.log", [f"bad b{n}" for n in range(1, 801)])
    a = write_lines(tmp_path / "a.log", [f"bad a{n}" if n % 2 else "2024-01-05 10:00:00 OK u 1.1.1.1" for n in range(1, 1201)])
    out = tmp_path / "out"
    res = run_job(spark, parse_spec(REGEX_SQL, [one_input(b, ref="z/b.log"), one_input(a, ref="y/a.log")], out), tmp_path, capsys)
    assert res.code == 0, res.stderr
    assert res.stats == {"records": 2000, "written": 600, "rejected": 1400, "filtered": 0, "skipped": 0, "files": 2}
    got = rejects(out)
    assert len(got) == 1000
    assert [(r["path"], r["line"], r["text"]) for r in got] == [("y/a.log", n, f"bad a{n}") for n in range(1, 1201, 2)] + [
        ("z/b.log", n, f"bad b{n}") for n in range(1, 401)
    ]


DELIMITED_SQL = r"""
WITH
_lines AS (
SELECT _fid, _line, CASE WHEN endswith(line, chr(13)) THEN substring(line, 1, length(line) - 1) ELSE line END AS _text FROM quiver_lines
),
_raw AS (
SELECT _fid, _line, _text, get(_cols, 0) AS _r1, get(_cols, 1) AS _r2, get(_cols, 2) AS _r3,
  CASE WHEN _text = '' THEN 'skipped' WHEN startswith(_text, '#') THEN 'skipped' WHEN size(_cols) < 3 THEN 'rejected' ELSE 'ok' END AS _status,
  CASE WHEN _text = '' THEN NULL WHEN startswith(_text, '#') THEN NULL WHEN size(_cols) < 3 THEN 'too few columns (needs 3)' END AS _reason
FROM (SELECT *, split(_text, '\\|', -1) AS _cols FROM _lines)
),
_f0 AS (
SELECT *, CAST(_r1 AS STRING) AS `host`, CAST(CASE WHEN _r2 IN ('-') THEN NULL ELSE _r2 END AS STRING) AS `path`, CAST(try_cast(_r3 AS BIGINT) AS BIGINT) AS `bytes` FROM _raw
)
SELECT i._part AS _part, i._file AS _file, i._path AS _path, f._line AS _line, i._label AS _label, f.`bytes`, f.`host`, f.`path`,
  f._status AS _status, f._reason AS _reason, CASE WHEN f._status = 'rejected' THEN substring(f._text, 1, 4096) END AS _raw
FROM _f0 f JOIN quiver_inputs i ON f._fid = i._fid
"""


def test_delimited_parse_skips_comments_and_blank_lines(spark: SparkSession, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = write_lines(tmp_path / "web.log", ["# host|path|bytes", "web1|/index.html|512", "", "web2|-|x", "# note", "web3|/a|1|extra", "only|two"])
    out = tmp_path / "out"
    res = run_job(spark, parse_spec(DELIMITED_SQL, [one_input(f)], out), tmp_path, capsys)
    assert res.code == 0, res.stderr
    assert res.stats == {"records": 4, "written": 3, "rejected": 1, "filtered": 0, "skipped": 3, "files": 1}
    rows = sorted(read_data(out), key=lambda r: r["_line"])
    assert [(r["_line"], r["host"], r["path"], r["bytes"]) for r in rows] == [(2, "web1", "/index.html", 512), (4, "web2", None, None), (6, "web3", "/a", 1)]
    assert rejects(out) == [{"path": "data/main/web.log", "line": 7, "reason": "too few columns (needs 3)", "text": "only|two"}]


MULTILINE_SQL = r"""
WITH
_lines AS (
SELECT _fid, _line, CASE WHEN endswith(line, chr(13)) THEN substring(line, 1, length(line) - 1) ELSE line END AS _text FROM quiver_lines
),
_marked AS (
SELECT _fid, _line, _text, CASE WHEN (_text RLIKE '^\\d{4}-\\d{2}-\\d{2} ') THEN 1 ELSE 0 END AS _start FROM _lines
),
_grouped AS (
SELECT _fid, _line, _text, sum(_start) OVER (PARTITION BY _fid ORDER BY _line ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS _rec FROM _marked
),
_records AS (
SELECT _fid, min(_line) AS _line, regexp_replace(concat_ws(chr(10), transform(array_sort(collect_list(struct(_line, _text))), x -> x._text)), '\\n+$', '') AS _text,
  count(*) AS _nlines, max(_rec) = 0 AS _orphan, bool_and(_text = '') AS _blank FROM _grouped GROUP BY _fid, _rec
),
_raw AS (
SELECT _fid, _line, _text, regexp_extract(_text, '^((\\S+ \\S+) (\\w+) ([\\s\\S]*))$', 3) AS _r2, regexp_extract(_text, '^((\\S+ \\S+) (\\w+) ([\\s\\S]*))$', 4) AS _r3,
  CASE WHEN _blank THEN 'skipped' WHEN _orphan THEN 'rejected' WHEN _nlines > 50 THEN 'rejected' WHEN NOT (_text RLIKE '^((\\S+ \\S+) (\\w+) ([\\s\\S]*))$') THEN 'rejected' ELSE 'ok' END AS _status,
  CASE WHEN _blank THEN NULL WHEN _orphan THEN 'text before the first record' WHEN _nlines > 50 THEN 'record longer than 50 lines' WHEN NOT (_text RLIKE '^((\\S+ \\S+) (\\w+) ([\\s\\S]*))$') THEN 'does not match the regex' END AS _reason
FROM _records
)
SELECT i._part AS _part, i._file AS _file, i._path AS _path, f._line AS _line, i._label AS _label, CAST(f._r2 AS STRING) AS `level`, CAST(f._r3 AS STRING) AS `message`,
  f._status AS _status, f._reason AS _reason, CASE WHEN f._status = 'rejected' THEN substring(f._text, 1, 4096) END AS _raw
FROM _raw f JOIN quiver_inputs i ON f._fid = i._fid
"""


def test_multiline_records_across_partitions(spark: SparkSession, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spark.conf.set(job.MIN_PARTITIONS_CONF, "4")
    lines = ["orphan 1", "orphan 2"]
    starts = []
    for n in range(3000):
        starts.append(len(lines) + 1)
        lines.append(f"2024-01-05 10:{n // 60 % 60:02d}:{n % 60:02d} ERROR boom {n}")
        lines.extend(f"  at frame{n}.{k}" for k in range(n % 3))
    f = write_lines(tmp_path / "app.log", lines)
    g = write_lines(tmp_path / "app2.log.gz", ["2024-01-05 11:00:00 INFO one", "  detail", "", "2024-01-05 11:00:01 WARN two"], newline="\r\n")
    out = tmp_path / "out"
    res = run_job(spark, parse_spec(MULTILINE_SQL, [one_input(f), one_input(g)], out), tmp_path, capsys)
    assert res.code == 0, res.stderr
    assert res.stats == {"records": 3003, "written": 3002, "rejected": 1, "filtered": 0, "skipped": 0, "files": 2}
    rows = read_data(out)
    by_file: dict[str, list[tuple[int, str, str]]] = {}
    for r in rows:
        by_file.setdefault(r["_file"], []).append((r["_line"], r["level"], r["message"]))
    app = sorted(by_file["app.log"])
    assert [line for line, _l, _m in app] == starts
    assert app[5] == (starts[5], "ERROR", "boom 5\n  at frame5.0\n  at frame5.1")
    # blank lines at the end of a record are trimmed
    assert sorted(by_file["app2.log.gz"]) == [(1, "INFO", "one\n  detail"), (4, "WARN", "two")]
    assert rejects(out) == [{"path": "data/main/app.log", "line": 1, "reason": "text before the first record", "text": "orphan 1\norphan 2"}]


LABEL_SQL = r"""
WITH
_lines AS (SELECT _fid, _line, line AS _text FROM quiver_lines),
_raw AS (SELECT _fid, _line, _text, _text AS _r0, 'ok' AS _status, CAST(NULL AS STRING) AS _reason FROM _lines),
_f0 AS (SELECT *, CAST(_r0 AS STRING) AS `msg` FROM _raw)
SELECT i._part AS _part, i._file AS _file, i._path AS _path, f._line AS _line,
  coalesce(i._label, l0._l, CASE WHEN i._part = 'mixed' THEN 'benign' END) AS _label, f.`msg`,
  f._status AS _status, f._reason AS _reason, CAST(NULL AS STRING) AS _raw
FROM _f0 f JOIN quiver_inputs i ON f._fid = i._fid
LEFT JOIN (SELECT `file`, `line`, min(`label`) AS _l FROM quiver_labels_0 GROUP BY `file`, `line`) l0
  ON i._part = 'mixed' AND l0.`file` = i._file AND l0.`line` = CAST(f._line AS STRING)
"""


def test_label_table_join(spark: SparkSession, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mixed = write_lines(tmp_path / "mixed.log", ["a", "b", "c", "d"])
    other = write_lines(tmp_path / "other.log", ["x", "y"])
    labels = tmp_path / "labels.csv"
    # RFC 4180 quoting: a quoted comma, a doubled quote, a quoted line break; extra columns are fine
    labels.write_text('file,line,label,note\nmixed.log,2,"brute, force",x\n"mixed.log",4,"say ""hi""","multi\nline"\nother.log,1,attack,\n', encoding="utf-8")
    out = tmp_path / "out"
    table = {"table": "quiver_labels_0", "part": "mixed", "file": "data/labels.csv", "columns": ["file", "line", "label"]}
    spec = parse_spec(LABEL_SQL, [one_input(mixed, part="mixed"), one_input(other, part="other", label="known")], out, [table], {"quiver_labels_0": str(labels)})
    res = run_job(spark, spec, tmp_path, capsys)
    assert res.code == 0, res.stderr
    got = sorted((r["_file"], r["_line"], r["_label"]) for r in read_data(out))
    assert got == [
        ("mixed.log", 1, "benign"),
        ("mixed.log", 2, "brute, force"),
        ("mixed.log", 3, "benign"),
        ("mixed.log", 4, 'say "hi"'),
        ("other.log", 1, "known"),
        ("other.log", 2, "known"),
    ]
    assert (out / "rejects.jsonl").read_text() == ""


def test_nothing_ok_still_writes_one_empty_parquet_with_the_schema(spark: SparkSession, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = write_lines(tmp_path / "junk.log", ["nope", "still nope"])
    out = tmp_path / "out"
    res = run_job(spark, parse_spec(REGEX_SQL, [one_input(f)], out), tmp_path, capsys)
    assert res.code == 0, res.stderr
    assert res.stats == {"records": 2, "written": 0, "rejected": 2, "filtered": 0, "skipped": 0, "files": 1}
    assert layout(out) == ["data", "data/part-00000.parquet", "rejects.jsonl"]
    table = pq.read_table(out / "data" / "part-00000.parquet")
    assert table.num_rows == 0
    assert table.schema.names == ["_part", "_file", "_path", "_line", "_label", "outcome", "src_ip", "ts", "user", "_reason", "_raw"]


def test_no_inputs(spark: SparkSession, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    res = run_job(spark, parse_spec(REGEX_SQL, [], out), tmp_path, capsys)
    assert res.code == 0, res.stderr
    assert res.stats == {"records": 0, "written": 0, "rejected": 0, "filtered": 0, "skipped": 0, "files": 0}
    assert layout(out) == ["data", "data/part-00000.parquet", "rejects.jsonl"]
