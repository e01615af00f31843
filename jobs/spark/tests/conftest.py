"""One local[2] SparkSession for the whole run (startup costs seconds), set up like
the job's own session under spark-submit (test/helpers/tools.ts sparkEnv() flags
plus the job's REQUIRED_CONF), and helpers to run the job in process."""

from __future__ import annotations

import gzip
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

# Loopback only, and the venv's bundled Spark (a SPARK_HOME from elsewhere would win).
os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
os.environ.pop("SPARK_HOME", None)
os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)

from pyspark.sql import SparkSession  # noqa: E402

import quiver_spark_job as job  # noqa: E402


@pytest.fixture(scope="session")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparkSession]:
    local_dir = tmp_path_factory.mktemp("spark-local")
    builder: Any = SparkSession.builder.master("local[2]").appName("quiver-spark-job-tests")
    conf = {
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.driver.host": "127.0.0.1",
        "spark.driver.bindAddress": "127.0.0.1",
        "spark.driver.memory": "1g",
        "spark.sql.shuffle.partitions": "4",
        "spark.local.dir": str(local_dir),
        **job.STATIC_CONF,
        **job.REQUIRED_CONF,
    }
    for key, value in conf.items():
        builder = builder.config(key, value)
    session: SparkSession = builder.getOrCreate()
    session.sparkContext.setLogLevel("WARN")
    yield session
    session.stop()


@pytest.fixture(autouse=True)
def _default_partitions(spark: SparkSession) -> Iterator[None]:
    """Each test starts with the job's default line splitting."""
    spark.conf.unset(job.MIN_PARTITIONS_CONF)
    yield
    spark.conf.unset(job.MIN_PARTITIONS_CONF)


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str

    @property
    def stats(self) -> dict[str, int]:
        lines = self.stdout.splitlines()
        assert len(lines) == 1, self.stdout
        value: dict[str, int] = json.loads(lines[0])
        return value

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith("quiver-spark-job: error:")]

    @property
    def error(self) -> str:
        assert self.code != 0, self.stdout
        assert len(self.error_lines) == 1, self.stderr
        assert self.stdout == "", self.stdout
        return self.error_lines[0]


def run_job(spark: SparkSession, spec: dict[str, Any], tmp: Path, capsys: pytest.CaptureFixture[str], name: str = "spec.json") -> Result:
    """Runs the job's CLI in process (on the test session) with a spec written to tmp/name."""
    path = tmp / name
    path.write_text(json.dumps(spec))
    capsys.readouterr()
    code = job.main(["--spec", str(path)], spark=spark)
    out, err = capsys.readouterr()
    return Result(code=code, stdout=out, stderr=err)


def write_lines(path: Path, lines: list[str], newline: str = "\n", trailing: bool = True) -> Path:
    text = newline.join(lines) + (newline if trailing and lines else "")
    data = text.encode("utf-8")
    if path.name.endswith(".gz"):
        path.write_bytes(gzip.compress(data))
    else:
        path.write_bytes(data)
    return path


def parse_spec(sql: str, inputs: list[dict[str, Any]], output: Path, label_tables: list[dict[str, Any]] | None = None, label_files: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "plan": {
            "kind": "parse",
            "source": "test",
            "compilerVersion": "1",
            "labelTables": label_tables or [],
            "fields": [],
            "sql": {"duckdb": "-- not used", "spark": sql},
        },
        "inputs": inputs,
        "labelFiles": label_files or {},
        "parsedFiles": [],
        "output": str(output),
    }


def one_input(path: Path, part: str = "main", label: str | None = None, ref: str | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {"part": part, "file": path.name, "path": ref or f"data/{part}/{path.name}", "localPath": str(path)}
    if label is not None:
        item["label"] = label
    return item
