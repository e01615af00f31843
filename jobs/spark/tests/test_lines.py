"""quiver_lines: exact per-file line numbers whatever the partitioning."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from pyspark.sql import SparkSession

import quiver_spark_job as job
from conftest import one_input, parse_spec, run_job, write_lines


def read_lines(spark: SparkSession, paths: list[Path], min_partitions: int = 1) -> tuple[list[tuple[int, int, str]], list[int]]:
    df, parts = job.lines_view(spark, [str(p) for p in paths], min_partitions)
    rows = [(int(r["_fid"]), int(r["_line"]), str(r["line"])) for r in df.collect()]
    return sorted(rows), parts


def expected(files: list[list[str]]) -> list[tuple[int, int, str]]:
    return [(fid, i + 1, text) for fid, lines in enumerate(files) for i, text in enumerate(lines)]


def test_multi_partition_file_keeps_exact_line_numbers(spark: SparkSession, tmp_path: Path) -> None:
    # Each line names its own number; lines vary in length, so split boundaries fall
    # mid-line and partitions hold different numbers of lines.
    big = [f"{n} " + "x" * (n % 97) for n in range(1, 100_001)]
    paths = [write_lines(tmp_path / "big.log", big), write_lines(tmp_path / "small.log", ["1", "", "3"]), write_lines(tmp_path / "big2.log", big[:50_000])]
    df, parts = job.lines_view(spark, [str(p) for p in paths], 5)
    assert min(parts) >= 5, parts  # even the 6-byte file: Hadoop cuts it into 1-byte splits
    df.createOrReplaceTempView("t_lines")
    # Checked in Spark: per file, lines 1..n each exactly once, each where its text says.
    got = spark.sql(
        """
        SELECT _fid, count(*) AS n, count(DISTINCT _line) AS distinct_lines, min(_line) AS lo, max(_line) AS hi,
               sum(CASE WHEN line = '' AND _line = 2 THEN 0
                        WHEN CAST(split(line, ' ')[0] AS BIGINT) = _line THEN 0 ELSE 1 END) AS misplaced
        FROM t_lines GROUP BY _fid ORDER BY _fid
        """
    ).collect()
    assert [tuple(r) for r in got] == [(0, 100_000, 100_000, 1, 100_000, 0), (1, 3, 3, 1, 3, 0), (2, 50_000, 50_000, 1, 50_000, 0)]


def test_gzip_and_plain_files_in_one_view(spark: SparkSession, tmp_path: Path) -> None:
    a = [f"gz {n}" for n in range(1, 20_001)]
    b = [f"plain {n}" for n in range(1, 5_001)]
    paths = [write_lines(tmp_path / "a.log.gz", a), write_lines(tmp_path / "b.log", b)]
    rows, parts = read_lines(spark, paths, min_partitions=4)
    assert parts[0] == 1  # gzip is not splittable
    assert parts[1] >= 4
    assert rows == expected([a, b])


def test_crlf_files_lose_their_cr_across_partitions(spark: SparkSession, tmp_path: Path) -> None:
    lines = [f"row {n}" for n in range(1, 10_001)]
    lines[10] = ""
    paths = [write_lines(tmp_path / "win.log", lines, newline="\r\n"), write_lines(tmp_path / "win.log.gz", lines[:100], newline="\r\n")]
    rows, parts = read_lines(spark, paths, min_partitions=7)
    assert parts[0] >= 7
    assert rows == expected([lines, lines[:100]])


def test_empty_lines_trailing_newlines_and_empty_files(spark: SparkSession, tmp_path: Path) -> None:
    a = tmp_path / "a.log"
    a.write_bytes(b"first\n\n\nfourth\n")  # trailing newline: no extra empty line
    b = tmp_path / "b.log"
    b.write_bytes(b"no newline at the end")
    c = tmp_path / "c.log"
    c.write_bytes(b"")
    d = tmp_path / "d.log"
    d.write_bytes(b"\n")  # one empty line
    e = tmp_path / "e.log.gz"
    e.write_bytes(gzip.compress(b"\nx\n\n"))
    rows, _ = read_lines(spark, [a, b, c, d, e])
    assert rows == [
        (0, 1, "first"),
        (0, 2, ""),
        (0, 3, ""),
        (0, 4, "fourth"),
        (1, 1, "no newline at the end"),
        (3, 1, ""),
        (4, 1, ""),
        (4, 2, "x"),
        (4, 3, ""),
    ]


def test_line_breaks_and_bytes_as_hadoop_reads_them(spark: SparkSession, tmp_path: Path) -> None:
    """Documented in README.md: \\n, \\r\\n and a lone \\r all end a line; bad UTF-8
    becomes U+FFFD; a UTF-8 byte order mark at the start of a file is dropped."""
    f = tmp_path / "odd.log"
    f.write_bytes(b"\xef\xbb\xbfbom\rmac\r\nwin\nbad \xff\xfe end\n\xe2\x82\xac ok\n")
    rows, _ = read_lines(spark, [f])
    assert rows == [(0, 1, "bom"), (0, 2, "mac"), (0, 3, "win"), (0, 4, "bad \ufffd\ufffd end"), (0, 5, "\u20ac ok")]


def test_no_inputs_gives_an_empty_typed_view(spark: SparkSession) -> None:
    df, parts = job.lines_view(spark, [], 1)
    assert parts == [] and df.count() == 0
    assert [(f.name, f.dataType.simpleString()) for f in df.schema.fields] == [("_fid", "int"), ("_line", "bigint"), ("line", "string")]


def test_filters_in_the_query_do_not_shift_line_numbers(spark: SparkSession, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A WHERE on the text must not be pushed below the numbering: only matching
    lines come out, each with its number in the whole file."""
    spark.conf.set(job.MIN_PARTITIONS_CONF, "3")
    lines = [f"{'keep' if n % 7 == 0 else 'drop'} {n}" for n in range(1, 3_001)]
    path = write_lines(tmp_path / "f.log", lines)
    sql = """
        SELECT i._part, i._file, i._path, l._line, i._label, l.line AS text,
               'ok' AS _status, CAST(NULL AS STRING) AS _reason, CAST(NULL AS STRING) AS _raw
        FROM quiver_lines l JOIN quiver_inputs i ON l._fid = i._fid
        WHERE l.line LIKE 'keep %'
    """
    out = tmp_path / "out"
    res = run_job(spark, parse_spec(sql, [one_input(path)], out), tmp_path, capsys)
    assert res.code == 0, res.stderr
    got = sorted((int(r["_line"]), str(r["text"])) for r in spark.read.parquet(str(out / "data")).collect())
    assert got == [(n, f"keep {n}") for n in range(7, 3_001, 7)]
    assert res.stats["written"] == len(got)
