"""Quiver's generic Spark job: runs compiled stage plans (parse or features), one query each.

    spark-submit [spark options] quiver_spark_job.py --spec spec.json [--spec spec2.json ...]

The spec (see README.md and controller/src/exec/spark/run-spark-job.ts) holds the
compiled plan, the input files and the output folder. The job registers the
relations of the runner contract (controller/src/compile/plan/types.ts) as temp
views, runs exactly one query, ``plan.sql.spark``, over them and lays the result
out the way Quiver's DuckDB runner does:

    parse     output/data/part-NNNNN.parquet   the records with _status = 'ok'
              output/rejects.jsonl             up to 1000 rejected records
    features  output/data/part-NNNNN.parquet

The output appears at once (a sibling folder renamed at the end) or not at all.
On success the job prints one JSON line of counts per spec on stdout (several
specs run in order in one session, saving a JVM start each); on failure one line
``quiver-spark-job: error: ...`` on stderr and exits 1 (bad spec or input),
2 (usage) or 3 (Spark or SQL failure).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sys
import tempfile
import uuid
from dataclasses import dataclass
from types import FrameType
from typing import Any, NoReturn, Sequence

from py4j.protocol import Py4JError, Py4JJavaError
from pyspark.errors import PySparkException
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import IntegerType, LongType, StringType, StructField, StructType

PROG = "quiver-spark-job"

EXIT_OK = 0
EXIT_SPEC = 1
EXIT_USAGE = 2
EXIT_SPARK = 3

STATUSES = ("ok", "rejected", "filtered", "skipped")
REJECT_SAMPLE = 1000
#: Most characters of a query or error message repeated in an error line.
MAX_MESSAGE = 2000

#: Settings Quiver's semantics depend on; the job sets them whatever spark-submit says.
REQUIRED_CONF: dict[str, str] = {
    # Bad casts, overflow and division by zero raise errors (the compiler's catalog
    # is written against ANSI semantics).
    "spark.sql.ansi.enabled": "true",
    "spark.sql.session.timeZone": "UTC",
    # DuckDB reads and writes micros; INT96 would differ.
    "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
    # Proleptic Gregorian dates and timestamps, as DuckDB has them.
    "spark.sql.parquet.datetimeRebaseModeInWrite": "CORRECTED",
    "spark.sql.parquet.datetimeRebaseModeInRead": "CORRECTED",
    # Quiver's TIMESTAMP is Spark's TIMESTAMP (UTC wall time in a UTC session), also
    # when DuckDB wrote the parsed Parquet (isAdjustedToUTC=false would read as NTZ).
    "spark.sql.parquet.inferTimestampNTZ.enabled": "false",
    # The query reads only the views registered here: no `parquet`.`/path` in SQL.
    "spark.sql.runSQLOnFiles": "false",
    # Quiver writes its own _SUCCESS marker, last.
    "spark.hadoop.mapreduce.fileoutputcommitter.marksuccessfuljobs": "false",
}
#: Static settings (only effective when the job starts the SparkContext).
STATIC_CONF: dict[str, str] = {
    "spark.sql.catalogImplementation": "in-memory",
    "spark.ui.showConsoleProgress": "false",
}
#: Functions that call into the JVM; dropped from the job's session.
JVM_FUNCTIONS = ("reflect", "java_method", "try_reflect")
#: Split plain input files into at least this many partitions each (default 1:
#: Hadoop's block size decides; tests set it higher to get multi-partition files).
MIN_PARTITIONS_CONF = "spark.quiver.lines.minPartitions"

VIEW_LINES = "quiver_lines"
VIEW_INPUTS = "quiver_inputs"
VIEW_PARSED = "quiver_parsed"
_TABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Paths Hadoop can read without glob, comma or URI surprises.
_SAFE_PATH = re.compile(r"^[A-Za-z0-9_./+=@-]+$")
_PART_FILE = re.compile(r"^part-(\d+).*\.parquet$")
# Lower 33 bits of monotonically_increasing_id(): the row's position in its partition.
_ROW_IN_PARTITION_MASK = (1 << 33) - 1


class JobError(Exception):
    """A failure with its exit code and a one-line message."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# --------------------------------------------------------------------------- spec


@dataclass(frozen=True)
class InputFile:
    part: str
    file: str
    path: str
    local_path: str
    label: str | None


@dataclass(frozen=True)
class LabelTable:
    table: str
    part: str
    file: str
    columns: tuple[str, ...]


@dataclass(frozen=True)
class Spec:
    kind: str  # 'parse' | 'features'
    sql: str
    label_tables: tuple[LabelTable, ...]
    inputs: tuple[InputFile, ...]
    label_files: dict[str, str]
    parsed_files: tuple[str, ...]
    output: str
    #: what the plan is about, for messages: "source ssh" / "feature set logins"
    what: str


def _bad(message: str) -> NoReturn:
    raise JobError(EXIT_SPEC, message)


def _obj(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        _bad(f"{where} must be a JSON object")
    return value


def _str(obj: dict[str, Any], key: str, where: str, *, empty: bool = False) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or (not empty and value == ""):
        _bad(f"{where}.{key} must be a {'' if empty else 'non-empty '}string")
    return value


def _list(obj: dict[str, Any], key: str, where: str) -> list[Any]:
    value = obj.get(key, [])
    if not isinstance(value, list):
        _bad(f"{where}.{key} must be an array")
    return value


def _local_file(path: str, where: str) -> str:
    if not os.path.isabs(path):
        _bad(f"{where} must be an absolute local path, got {path!r}")
    if not os.path.isfile(path):
        _bad(f"{where}: no such file: {path}")
    if not os.access(path, os.R_OK):
        _bad(f"{where}: not readable: {path}")
    return path


def parse_spec(doc: Any) -> Spec:
    """Checks a spec document (already JSON-decoded); raises JobError(1) when it is bad."""
    spec = _obj(doc, "spec")
    plan = _obj(spec.get("plan"), "spec.plan")
    kind = plan.get("kind")
    if kind not in ("parse", "features"):
        _bad(f"spec.plan.kind must be 'parse' or 'features', got {kind!r}")
    sql = _str(_obj(plan.get("sql"), "spec.plan.sql"), "spark", "spec.plan.sql")
    output = _str(spec, "output", "spec")
    if not os.path.isabs(output):
        _bad(f"spec.output must be an absolute path, got {output!r}")
    output = os.path.normpath(output)
    if os.path.lexists(output):
        _bad(f"spec.output already exists: {output}")

    inputs: list[InputFile] = []
    tables: list[LabelTable] = []
    label_files: dict[str, str] = {}
    parsed: list[str] = []
    if kind == "parse":
        what = f"source {plan.get('source', '?')}"
        for i, raw in enumerate(_list(spec, "inputs", "spec")):
            where = f"spec.inputs[{i}]"
            item = _obj(raw, where)
            label = item.get("label")
            if label is not None and not isinstance(label, str):
                _bad(f"{where}.label must be a string or absent")
            inputs.append(
                InputFile(
                    part=_str(item, "part", where),
                    file=_str(item, "file", where),
                    path=_str(item, "path", where),
                    local_path=_local_file(_str(item, "localPath", where), f"{where}.localPath"),
                    label=label,
                )
            )
        files = _obj(spec.get("labelFiles", {}), "spec.labelFiles")
        reserved = {VIEW_LINES, VIEW_INPUTS, VIEW_PARSED}
        for i, raw in enumerate(_list(plan, "labelTables", "spec.plan")):
            where = f"spec.plan.labelTables[{i}]"
            item = _obj(raw, where)
            table = _str(item, "table", where)
            if not _TABLE_NAME.match(table) or table.lower() in reserved:
                _bad(f"{where}.table is not a usable view name: {table!r}")
            if any(t.table.lower() == table.lower() for t in tables):
                _bad(f"{where}.table {table!r} appears twice")
            columns = _list(item, "columns", where)
            if not all(isinstance(c, str) and c for c in columns):
                _bad(f"{where}.columns must be non-empty strings")
            path = files.get(table)
            if not isinstance(path, str):
                _bad(f"spec.labelFiles has no file for label table {table!r} (part {item.get('part', '?')!r})")
            label_files[table] = _local_file(path, f"spec.labelFiles.{table}")
            tables.append(
                LabelTable(table=table, part=_str(item, "part", where, empty=True), file=_str(item, "file", where, empty=True), columns=tuple(columns))
            )
    else:
        what = f"feature set {plan.get('featureSet', '?')}"
        for i, raw in enumerate(_list(spec, "parsedFiles", "spec")):
            if not isinstance(raw, str):
                _bad(f"spec.parsedFiles[{i}] must be a string")
            parsed.append(_local_file(raw, f"spec.parsedFiles[{i}]"))
        if not parsed:
            _bad(f"{what}: spec.parsedFiles is empty (no parsed input files)")
    return Spec(
        kind=kind,
        sql=sql,
        label_tables=tuple(tables),
        inputs=tuple(inputs),
        label_files=label_files,
        parsed_files=tuple(parsed),
        output=output,
        what=what,
    )


def load_spec(path: str) -> Spec:
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except FileNotFoundError:
        _bad(f"no such spec file: {path}")
    except (OSError, UnicodeDecodeError) as e:
        _bad(f"cannot read spec {path}: {e}")
    except json.JSONDecodeError as e:
        _bad(f"spec {path} is not valid JSON: {e}")
    return parse_spec(doc)


# ----------------------------------------------------------------- work folders


class Workspace:
    """The folders of one run.

    ``build``: a sibling of the output (same file system), laid out like the output
    and renamed to it at the end. ``scratch``: a private temp folder whose path has
    only plain characters; Spark reads and writes through symlinks in it (``in/``
    for the inputs, ``stage`` for Spark's own output in ``build/_stage``), so that
    Hadoop never parses a user's file name (globs, commas, colons).
    """

    def __init__(self, output: str) -> None:
        parent = os.path.dirname(output)
        self.output = output
        self.scratch = tempfile.mkdtemp(prefix="quiver-spark-job-")
        if not _SAFE_PATH.match(self.scratch):
            shutil.rmtree(self.scratch, ignore_errors=True)
            raise JobError(EXIT_SPEC, f"the temp folder {self.scratch!r} has characters Hadoop cannot read; set TMPDIR to a plain path")
        try:
            os.makedirs(parent, exist_ok=True)
            self.build = os.path.join(parent, f".{os.path.basename(output)}.quiver-tmp-{uuid.uuid4().hex[:12]}")
            os.mkdir(self.build)
        except OSError as e:
            shutil.rmtree(self.scratch, ignore_errors=True)
            raise JobError(EXIT_SPEC, f"cannot create the output's folder next to {output}: {e.strerror or e}") from e
        os.mkdir(os.path.join(self.scratch, "in"))
        os.mkdir(os.path.join(self.build, "_stage"))
        os.symlink(os.path.join(self.build, "_stage"), os.path.join(self.scratch, "stage"))
        self._links = 0

    def link_input(self, path: str, suffix: str) -> str:
        """A plain-named symlink to ``path``; ``suffix`` keeps what Hadoop infers from the name."""
        link = os.path.join(self.scratch, "in", f"{self._links:06d}{suffix}")
        self._links += 1
        os.symlink(path, link)
        return link

    def stage(self, name: str) -> tuple[str, str]:
        """(path for Spark, real path) of a fresh folder name in the staging area."""
        return os.path.join(self.scratch, "stage", name), os.path.join(self.build, "_stage", name)

    def publish(self) -> None:
        shutil.rmtree(os.path.join(self.build, "_stage"))
        if os.path.lexists(self.output):
            raise JobError(EXIT_SPEC, f"spec.output appeared while the job ran: {self.output}")
        os.rename(self.build, self.output)

    def cleanup(self) -> None:
        shutil.rmtree(self.scratch, ignore_errors=True)
        shutil.rmtree(self.build, ignore_errors=True)


# ------------------------------------------------------------------------ spark

def build_session() -> SparkSession:
    builder: Any = SparkSession.builder.appName(PROG)
    for key, value in {**STATIC_CONF, **REQUIRED_CONF}.items():
        builder = builder.config(key, value)
    spark: SparkSession = builder.getOrCreate()
    return spark


def prepare_session(spark: SparkSession) -> None:
    """Pins Quiver's settings and removes what the job must never run."""
    spark.sparkContext.setLogLevel("WARN")
    for key, value in REQUIRED_CONF.items():
        if not key.startswith("spark.hadoop."):
            spark.conf.set(key, value)
    # PySpark logs every SQL error again, with the JVM stack, as a JSON record on
    # stderr; the job reports it as one line instead.
    from pyspark.logger import PySparkLogger

    for name in ("SQLQueryContextLogger", "DataFrameQueryContextLogger"):
        PySparkLogger.getLogger(name).disabled = True
    jvm: Any = spark.sparkContext._jvm
    registry: Any = spark._jsparkSession.sessionState().functionRegistry()
    for fn in JVM_FUNCTIONS:
        registry.dropFunction(jvm.org.apache.spark.sql.catalyst.FunctionIdentifier.apply(fn))


def _seq(seq: Any) -> list[Any]:
    """A Scala Seq (through py4j) as a Python list."""
    return [seq.apply(i) for i in range(seq.length())]


def check_query(spark: SparkSession, sql: str, views: set[str]) -> None:
    """Refuses anything but one query over the registered views.

    The compiler already admits only expressions; this is the runner's own guard:
    exactly one query (no commands: parseQuery rejects them), relations only from
    ``views`` or the query's own CTEs (no IDENTIFIER(...) relations), no TRANSFORM
    (it would run a program). Functions that call into the JVM are gone from the
    session (prepare_session), so such a call fails analysis.
    """
    parser: Any = spark._jsparkSession.sessionState().sqlParser()
    plan = parser.parseQuery(sql)  # raises ParseException (exit 3) for anything but one query
    allowed = {v.lower() for v in views}
    relations: list[str] = []
    stack = [plan]
    seen = 0
    while stack:
        node = stack.pop()
        seen += 1
        if seen > 100_000:
            _bad("the query's plan is too large")
        kind = node.getClass().getSimpleName()
        if "ScriptTransformation" in kind:
            _bad("the query runs an external program (TRANSFORM ... USING), which Quiver's plans never do")
        if kind == "UnresolvedWith":
            for pair in _seq(node.cteRelations()):
                allowed.add(str(pair._1()).lower())
        if kind == "UnresolvedRelation":
            relations.append(".".join(str(p) for p in _seq(node.multipartIdentifier())))
        if "UnresolvedIdentifier" in kind:
            _bad("the query names a relation with IDENTIFIER(...), which Quiver's plans never do")
        stack.extend(_seq(node.children()))
        stack.extend(_seq(node.innerChildren()))
        stack.extend(_seq(node.subqueries()))
    for rel in relations:
        if rel.lower() not in allowed:
            _bad(f"the query reads {rel!r}, which is not one of the job's views ({', '.join(sorted(views))})")


def _wrap(spark: SparkSession, jdf: Any) -> DataFrame:
    return DataFrame(jdf, spark)


def _text_rdds(spark: SparkSession, paths: Sequence[str], min_partitions: int) -> list[Any]:
    jsc: Any = spark.sparkContext._jsc
    return [jsc.textFile(p, min_partitions) for p in paths]


def _union_dataset(spark: SparkSession, rdds: Sequence[Any]) -> DataFrame:
    """One Dataset[String] (column ``value``) over the union of JavaRDD[String]s, in order."""
    sc = spark.sparkContext
    gw: Any = sc._gateway
    jvm: Any = sc._jvm
    arr = gw.new_array(jvm.org.apache.spark.api.java.JavaRDD, len(rdds))
    for i, r in enumerate(rdds):
        arr[i] = r
    union = sc._jsc.union(arr)
    jds = spark._jsparkSession.createDataset(union.rdd(), jvm.org.apache.spark.sql.Encoders.STRING())
    return _wrap(spark, jds.toDF())


def _numbered(df: DataFrame) -> DataFrame:
    """Each row with its partition and its position in the partition.

    The projection sits directly on the RDD scan, and Spark never pushes a filter
    below a non-deterministic projection, so _pos counts every line of the
    partition in the order the Hadoop line reader returned them.
    """
    return df.select(
        F.spark_partition_id().alias("_pid"),
        F.monotonically_increasing_id().bitwiseAND(F.lit(_ROW_IN_PARTITION_MASK)).alias("_pos"),
        F.col("value").alias("line"),
    )


def lines_view(spark: SparkSession, paths: Sequence[str], min_partitions: int) -> tuple[DataFrame, list[int]]:
    """quiver_lines over ``paths`` (file i is _fid i) and each file's partition count.

    Every file is one Hadoop text RDD (its partitions are its splits, in offset
    order); the union keeps file order. _line = (lines in the file's earlier
    partitions) + position in the partition + 1. The lines of earlier partitions
    are counted with one extra job, only over files that have more than one
    partition (gzip files and files below the block size have one, and need none).
    """
    schema = StructType([StructField("_fid", IntegerType(), False), StructField("_line", LongType(), False), StructField("line", StringType(), False)])
    if not paths:
        return spark.range(0).select(*[F.lit(None).cast(f.dataType).alias(f.name) for f in schema.fields]), []
    rdds = _text_rdds(spark, paths, min_partitions)
    nparts = [int(r.getNumPartitions()) for r in rdds]
    # (fid, partition index within the file) for every partition of the union, in order
    owners = [(fid, k) for fid, n in enumerate(nparts) for k in range(n)]
    base = [0] * len(owners)
    multi = [fid for fid, n in enumerate(nparts) if n > 1]
    if multi:
        multi_owners = [(fid, k) for fid in multi for k in range(nparts[fid])]
        counted = _union_dataset(spark, [rdds[fid] for fid in multi]).select(F.spark_partition_id().alias("_pid")).groupBy("_pid").count().collect()
        per_part = {multi_owners[int(r["_pid"])]: int(r["count"]) for r in counted}
        first = {fid: sum(nparts[:fid]) for fid in multi}
        for fid in multi:
            running = 0
            for k in range(nparts[fid]):
                base[first[fid] + k] = running
                running += per_part.get((fid, k), 0)
    # Per partition of the union: its file and the lines before it in that file, as
    # constant arrays (one JSON literal each, folded by the optimizer; no join).
    fids = _const_array([fid for fid, _k in owners], "int")
    bases = _const_array(base, "bigint")
    pid1 = F.col("_pid") + F.lit(1)
    lines = _numbered(_union_dataset(spark, rdds)).select(
        F.element_at(fids, pid1).alias("_fid"),
        (F.element_at(bases, pid1) + F.col("_pos") + F.lit(1)).cast(LongType()).alias("_line"),
        F.col("line"),
    )
    return lines, nparts


def _const_array(values: Sequence[Any], element: str) -> Any:
    """An array literal (from one JSON string: no expression per element, no Python worker)."""
    return F.from_json(F.lit(json.dumps(list(values))), f"array<{element}>")


def inputs_view(spark: SparkSession, inputs: Sequence[InputFile]) -> DataFrame:
    rows = [{"_fid": i, "_part": f.part, "_file": f.file, "_path": f.path, "_label": f.label} for i, f in enumerate(inputs)]
    records = _const_array(rows, "struct<_fid:int,_part:string,_file:string,_path:string,_label:string>")
    return spark.range(1).select(F.inline(records)).select(F.col("_fid").cast(IntegerType()).alias("_fid"), "_part", "_file", "_path", "_label")


def label_view(spark: SparkSession, table: LabelTable, path: str) -> DataFrame:
    """A label CSV: header row, every column text, RFC 4180 quoting ("" inside quotes)."""
    df = spark.read.csv(path, header=True, inferSchema=False, multiLine=True, escape='"', quote='"', encoding="UTF-8")
    missing = [c for c in table.columns if c not in df.columns]
    if missing:
        _bad(f"label file for part {table.part!r} ({table.file}) lacks column(s) {', '.join(missing)}; it has {', '.join(df.columns)}")
    return df


def _part_files(folder: str) -> list[str]:
    """Spark's part files in a folder, in task order."""
    if not os.path.isdir(folder):
        return []
    found = []
    for name in os.listdir(folder):
        m = _PART_FILE.match(name)
        if m:
            found.append((int(m.group(1)), name))
    return [name for _n, name in sorted(found)]


def _move_parts(src_dir: str, names: Sequence[str], data_dir: str) -> int:
    for i, name in enumerate(names):
        os.rename(os.path.join(src_dir, name), os.path.join(data_dir, f"part-{i:05d}.parquet"))
    return len(names)


def _write_empty(result: DataFrame, ws: Workspace, data_dir: str) -> None:
    """One Parquet file with the result's schema and no rows as data/part-00000.parquet.

    limit(0) is planned as an empty relation (the query does not run again).
    """
    spark_path, real = ws.stage("empty")
    _writer(result.limit(0).coalesce(1)).parquet(spark_path)
    names = _part_files(real)
    if not names:
        raise JobError(EXIT_SPARK, "Spark wrote no file for an empty result")
    _move_parts(real, names[:1], data_dir)


def _writer(df: DataFrame) -> Any:
    return df.write.option("compression", "zstd").option("mapreduce.fileoutputcommitter.marksuccessfuljobs", "false")


def _require_columns(df: DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        _bad(f"{what}: the plan's query lacks column(s) {', '.join(missing)} (it yields {', '.join(df.columns)})")


def run_parse(spark: SparkSession, spec: Spec, ws: Workspace) -> dict[str, int]:
    min_parts = max(1, int(spark.conf.get(MIN_PARTITIONS_CONF, "1") or "1"))
    # Compression follows the real name (.gz, as the DuckDB runner); anything else is plain text.
    links = [ws.link_input(f.local_path, ".txt.gz" if f.local_path.endswith(".gz") else ".txt") for f in spec.inputs]
    lines, _parts = lines_view(spark, links, min_parts)
    lines.createOrReplaceTempView(VIEW_LINES)
    inputs_view(spark, spec.inputs).createOrReplaceTempView(VIEW_INPUTS)
    views = {VIEW_LINES, VIEW_INPUTS}
    for t in spec.label_tables:
        path = spec.label_files[t.table]
        link = ws.link_input(path, ".csv.gz" if path.endswith(".gz") else ".csv")
        label_view(spark, t, link).createOrReplaceTempView(t.table)
        views.add(t.table)

    check_query(spark, spec.sql, views)
    result = spark.sql(spec.sql)
    _require_columns(result, ["_status", "_path", "_line", "_reason", "_raw"], spec.what)
    stage_path, stage_real = ws.stage("parse")
    _writer(result).partitionBy("_status").parquet(stage_path)

    folders = sorted(n for n in os.listdir(stage_real) if n.startswith("_status="))
    unknown = [n.split("=", 1)[1] for n in folders if n.split("=", 1)[1] not in STATUSES]
    if unknown:
        _bad(f"{spec.what}: the plan's query yields _status values other than {', '.join(STATUSES)}: {', '.join(unknown)}")
    counts = {s: 0 for s in STATUSES}
    if folders:
        for row in spark.read.option("basePath", stage_path).parquet(stage_path).groupBy("_status").count().collect():
            counts[str(row["_status"])] = int(row["count"])

    data_dir = os.path.join(ws.build, "data")
    os.mkdir(data_dir)
    ok_dir = os.path.join(stage_real, "_status=ok")
    ok_files = _part_files(ok_dir)
    if ok_files:
        _move_parts(ok_dir, ok_files, data_dir)
    else:
        # Downstream stages read the schema even when nothing parsed.
        _write_empty(result.drop("_status"), ws, data_dir)

    with open(os.path.join(ws.build, "rejects.jsonl"), "w", encoding="utf-8") as out:
        if counts["rejected"]:
            rejected = os.path.join(stage_path, "_status=rejected")
            rows = spark.read.parquet(rejected).select("_path", "_line", "_reason", "_raw").orderBy("_path", "_line").limit(REJECT_SAMPLE).collect()
            for r in rows:
                record = {"path": r["_path"], "line": None if r["_line"] is None else int(r["_line"]), "reason": r["_reason"], "text": r["_raw"]}
                out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
    return {
        "records": counts["ok"] + counts["rejected"] + counts["filtered"],
        "written": counts["ok"],
        "rejected": counts["rejected"],
        "filtered": counts["filtered"],
        "skipped": counts["skipped"],
        "files": len(spec.inputs),
    }


def run_features(spark: SparkSession, spec: Spec, ws: Workspace) -> dict[str, int]:
    links = [ws.link_input(p, ".parquet") for p in spec.parsed_files]
    parsed = spark.read.option("mergeSchema", "true").parquet(*links)
    parsed = parsed.drop(*[c for c in ("_reason", "_raw") if c in parsed.columns])
    parsed.createOrReplaceTempView(VIEW_PARSED)
    check_query(spark, spec.sql, {VIEW_PARSED})
    result = spark.sql(spec.sql)
    stage_path, stage_real = ws.stage("features")
    _writer(result).parquet(stage_path)
    names = _part_files(stage_real)
    written = spark.read.parquet(*[os.path.join(stage_path, n) for n in names]).count() if names else 0
    read = parsed.count()
    data_dir = os.path.join(ws.build, "data")
    os.mkdir(data_dir)
    if names:
        _move_parts(stage_real, names, data_dir)
    else:
        _write_empty(result, ws, data_dir)
    return {"read": int(read), "written": int(written)}


def run(spark: SparkSession, spec: Spec) -> dict[str, int]:
    """Runs the spec's plan; on success the output exists, on failure nothing is there."""
    ws = Workspace(spec.output)
    try:
        stats = run_parse(spark, spec, ws) if spec.kind == "parse" else run_features(spark, spec, ws)
        ws.publish()
        return stats
    finally:
        ws.cleanup()


# ---------------------------------------------------------------------- errors


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return text.strip()


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 3] + "..."


def describe(exc: BaseException) -> str:
    """One line for a Spark, py4j or Python failure."""
    if isinstance(exc, PySparkException):
        return _clip(_first_line(str(exc)))
    if isinstance(exc, Py4JJavaError):
        # The deepest cause with a message says what went wrong (a task's
        # [ERROR_CLASS] message rather than "Job aborted due to stage failure").
        best = ""
        cause: Any = exc.java_exception
        depth = 0
        while cause is not None and depth < 20:
            msg = cause.getMessage()
            if msg:
                text = _first_line(str(msg))
                if text.startswith("[") or not best:
                    best = f"{cause.getClass().getSimpleName()}: {text}"
            cause = cause.getCause()
            depth += 1
        return _clip(best or _first_line(str(exc)))
    return _clip(f"{type(exc).__name__}: {_first_line(str(exc))}")


def fail(code: int, message: str) -> int:
    sys.stderr.write(f"{PROG}: error: {_clip(message)}\n")
    sys.stderr.flush()
    return code


# ------------------------------------------------------------------------- cli

USAGE = f"usage: {PROG} --spec SPEC.json [--spec SPEC.json ...]"


def parse_args(argv: Sequence[str]) -> list[str]:
    """The spec files, in order (``--spec PATH`` or ``--spec=PATH``, at least one)."""
    args = list(argv)
    if args == ["--help"] or args == ["-h"]:
        print(USAGE)
        raise SystemExit(EXIT_OK)
    paths: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--spec" and i + 1 < len(args) and args[i + 1]:
            paths.append(args[i + 1])
            i += 2
        elif arg.startswith("--spec=") and len(arg) > len("--spec="):
            paths.append(arg[len("--spec=") :])
            i += 1
        else:
            paths = []
            break
    if not paths:
        raise JobError(EXIT_USAGE, f"expected --spec SPEC.json, got {' '.join(args) or 'no arguments'} ({USAGE})")
    return paths


def load_specs(paths: Sequence[str]) -> list[Spec]:
    """Every spec checked before Spark starts; outputs must be distinct."""
    specs = [load_spec(p) for p in paths]
    seen: set[str] = set()
    for spec in specs:
        if spec.output in seen:
            _bad(f"spec.output appears in two specs: {spec.output}")
        seen.add(spec.output)
    return specs


class _Terminated(Exception):
    pass


def _on_sigterm(signum: int, _frame: FrameType | None) -> None:
    raise _Terminated(f"terminated by signal {signum}")


def main(argv: Sequence[str] | None = None, spark: SparkSession | None = None) -> int:
    """The CLI. With ``spark`` given (tests) that session is used and left running.

    Several specs run one after the other in one session; each success prints its
    stats line at once, and the first failure ends the job (outputs already
    published stay).
    """
    try:
        specs = load_specs(parse_args(sys.argv[1:] if argv is None else argv))
    except JobError as e:
        return fail(e.code, e.message)
    own = spark is None
    previous = signal.signal(signal.SIGTERM, _on_sigterm) if own else None
    what = specs[0].what
    try:
        session = build_session() if spark is None else spark
        prepare_session(session)
        for spec in specs:
            what = spec.what
            try:
                stats = run(session, spec)
            finally:
                for view in _job_views(spec):
                    session.catalog.dropTempView(view)
            sys.stdout.write(json.dumps(stats, separators=(",", ":")) + "\n")
            sys.stdout.flush()
    except JobError as e:
        return fail(e.code, e.message)
    except (PySparkException, Py4JError) as e:
        return fail(EXIT_SPARK, f"{what}: Spark failed: {describe(e)}")
    except _Terminated as e:
        return fail(EXIT_SPARK, f"{what}: {e}")
    except OSError as e:
        return fail(EXIT_SPARK, f"{what}: {describe(e)}")
    except Exception as e:  # noqa: BLE001 - anything else still gets one line and exit 3
        return fail(EXIT_SPARK, f"{what}: internal error: {describe(e)}")
    finally:
        if own:
            active = SparkSession.getActiveSession()
            if active is not None:
                try:
                    active.stop()
                except Exception:  # noqa: BLE001 - the result is already decided
                    pass
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)
    return EXIT_OK


def _job_views(spec: Spec) -> set[str]:
    """The temp views a spec's run registers (dropped after it, so the next spec starts clean)."""
    return {VIEW_LINES, VIEW_INPUTS, VIEW_PARSED, *(t.table for t in spec.label_tables)}


if __name__ == "__main__":
    sys.exit(main())
