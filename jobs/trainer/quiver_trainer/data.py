"""Reading feature Parquet, joining inputs, mapping labels and building the feature matrix."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from quiver_trainer.errors import DataError
from quiver_trainer.spec import InputSpec, LabelSpec, Spec

Log = Callable[[str], None]

ObjArray = npt.NDArray[np.object_]
F64Array = npt.NDArray[np.float64]
F32Array = npt.NDArray[np.float32]
I64Array = npt.NDArray[np.int64]
I8Array = npt.NDArray[np.int8]
BoolArray = npt.NDArray[np.bool_]

LABEL_POSITIVE = 1
LABEL_NEGATIVE = 0
LABEL_OTHER = -1
"""The row has labels, but none is positive and not all are negative: excluded."""
LABEL_NONE = -2
"""The row has no labels (empty or null ``_labels``): excluded."""


@dataclass(frozen=True)
class FeatureInfo:
    """A column of the feature matrix."""

    name: str
    type: str
    """BOOLEAN, INT, LONG or DOUBLE (the quiver.v1 DataType names)."""
    input: str


@dataclass
class InputTable:
    """One input, read and sorted by ``_row_key`` (keys are unique)."""

    name: str
    files: int
    keys: ObjArray
    x: F64Array
    features: list[FeatureInfo]
    labels: pa.ChunkedArray | None = None
    times: I64Array | None = None
    """``_time`` in microseconds since the epoch (UTC); only read for a time split."""
    time_null: BoolArray | None = None


@dataclass
class Dataset:
    """The rows used for training and validation, sorted by ``_row_key``."""

    keys: ObjArray
    x: F32Array
    y: I8Array
    times: I64Array | None
    time_null: BoolArray | None
    features: list[FeatureInfo]
    counts: dict[str, Any] = field(default_factory=dict)
    filled: dict[str, int] = field(default_factory=dict)
    labels_seen: dict[str, int] = field(default_factory=dict)


def feature_type(t: pa.DataType) -> str | None:
    """Maps an Arrow type to the quiver.v1 DataType name, or None if it is not a feature type."""
    if pa.types.is_boolean(t):
        return "BOOLEAN"
    if pa.types.is_int8(t) or pa.types.is_int16(t) or pa.types.is_int32(t):
        return "INT"
    if pa.types.is_uint8(t) or pa.types.is_uint16(t):
        return "INT"
    if pa.types.is_int64(t) or pa.types.is_uint32(t) or pa.types.is_uint64(t):
        return "LONG"
    if pa.types.is_floating(t):
        return "DOUBLE"
    return None


def _is_string(t: pa.DataType) -> bool:
    return bool(pa.types.is_string(t) or pa.types.is_large_string(t))


def _is_label_list(t: pa.DataType) -> bool:
    if pa.types.is_null(t):
        return True
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        value_type = t.value_type
        return _is_string(value_type) or bool(pa.types.is_null(value_type))
    return False


def list_parquet_files(inp: InputSpec) -> list[Path]:
    """The Parquet files of an input directory, sorted by name.

    Only regular files named ``*.parquet`` directly in the directory count; names
    starting with ``.`` or ``_`` (hidden and marker files) and everything else
    (``_SUCCESS``, ``manifest.json``, sub-directories) are ignored.
    """
    path = inp.path
    if not path.exists():
        raise DataError(f"input {inp.name!r}: directory not found: {path}")
    if not path.is_dir():
        raise DataError(f"input {inp.name!r}: not a directory: {path}")
    try:
        entries = sorted(path.iterdir(), key=lambda p: p.name)
    except OSError as e:
        raise DataError(f"input {inp.name!r}: cannot list {path}: {e}") from None
    files = [
        p
        for p in entries
        if p.name.endswith(".parquet") and not p.name.startswith((".", "_")) and p.is_file()
    ]
    if not files:
        raise DataError(f"input {inp.name!r}: no *.parquet files in {path}")
    return files


def read_input(inp: InputSpec, *, with_labels: bool, with_time: bool) -> InputTable:
    """Reads one input's Parquet files: ``_row_key``, its features and, if asked, ``_labels`` and ``_time``."""
    files = list_parquet_files(inp)
    types: dict[str, str] = {}
    first_file: dict[str, str] = {}
    tables: list[pa.Table] = []
    for path in files:
        where = f"input {inp.name!r}, file {path.name}"
        try:
            schema = pq.read_schema(path)
        except (pa.ArrowException, OSError) as e:
            raise DataError(f"{where}: cannot read Parquet: {e}") from None
        names = set(schema.names)
        if "_row_key" not in names:
            raise DataError(f"{where}: no _row_key column")
        if not _is_string(schema.field("_row_key").type):
            raise DataError(f"{where}: _row_key must be a string column, got {schema.field('_row_key').type}")
        columns = ["_row_key"]
        for name in inp.features:
            if name not in names:
                raise DataError(f"{where}: feature column {name!r} is missing")
            arrow_type = schema.field(name).type
            mapped = feature_type(arrow_type)
            if mapped is None:
                raise DataError(
                    f"{where}: feature column {name!r} has type {arrow_type}; "
                    "features must be BOOLEAN, INT, LONG or DOUBLE"
                )
            if name in types and types[name] != mapped:
                raise DataError(
                    f"input {inp.name!r}: feature column {name!r} is {types[name]} in "
                    f"{first_file[name]} but {mapped} in {path.name}"
                )
            types.setdefault(name, mapped)
            first_file.setdefault(name, path.name)
            columns.append(name)
        if with_labels:
            if "_labels" not in names:
                raise DataError(
                    f"{where}: no _labels column (the first input must carry the rows' labels)"
                )
            if not _is_label_list(schema.field("_labels").type):
                raise DataError(
                    f"{where}: _labels must be a list<string> column, got {schema.field('_labels').type}"
                )
            columns.append("_labels")
        if with_time:
            if "_time" not in names:
                raise DataError(f"{where}: no _time column (needed for split.method \"time\")")
            if not pa.types.is_timestamp(schema.field("_time").type):
                raise DataError(f"{where}: _time must be a timestamp column, got {schema.field('_time').type}")
            columns.append("_time")
        try:
            table = pq.read_table(path, columns=columns)
        except (pa.ArrowException, OSError) as e:
            raise DataError(f"{where}: cannot read Parquet: {e}") from None
        tables.append(_normalize(table, inp.features, with_labels, with_time))

    table = pa.concat_tables(tables)
    n = table.num_rows
    key_col = table.column("_row_key")
    if key_col.null_count:
        raise DataError(f"input {inp.name!r}: {key_col.null_count} rows have a null _row_key")
    keys = np.asarray(key_col.to_numpy(zero_copy_only=False), dtype=object)
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    if n > 1:
        dup = np.flatnonzero(keys[1:] == keys[:-1])
        if dup.size:
            raise DataError(
                f"input {inp.name!r}: _row_key is not unique: {dup.size} duplicate(s), "
                f"e.g. {keys[int(dup[0])]!r}"
            )
    if inp.features:
        x = np.column_stack(
            [np.asarray(table.column(f).to_numpy(zero_copy_only=False), dtype=np.float64) for f in inp.features]
        )[order]
    else:
        x = np.zeros((n, 0), dtype=np.float64)
    result = InputTable(
        name=inp.name,
        files=len(files),
        keys=keys,
        x=x,
        features=[FeatureInfo(name=f, type=types[f], input=inp.name) for f in inp.features],
    )
    take = pa.array(order, type=pa.int64())
    if with_labels:
        result.labels = table.column("_labels").take(take)
    if with_time:
        time_col = table.column("_time").take(take)
        result.time_null = np.asarray(time_col.is_null().to_numpy(zero_copy_only=False), dtype=np.bool_)
        result.times = np.asarray(time_col.fill_null(0).to_numpy(zero_copy_only=False), dtype=np.int64)
    return result


def _normalize(table: pa.Table, features: Sequence[str], with_labels: bool, with_time: bool) -> pa.Table:
    """Casts one file's columns to common types so that files can be concatenated."""
    arrays: list[pa.ChunkedArray] = [table.column("_row_key").cast(pa.large_string())]
    names = ["_row_key"]
    for name in features:
        arrays.append(table.column(name).cast(pa.float64()))
        names.append(name)
    if with_labels:
        arrays.append(table.column("_labels").cast(pa.large_list(pa.large_string())))
        names.append("_labels")
    if with_time:
        col = table.column("_time")
        tz = col.type.tz
        micros = col.cast(pa.timestamp("us", tz=tz), safe=False).cast(pa.int64())
        arrays.append(micros)
        names.append("_time")
    return pa.Table.from_arrays(arrays, names=names)


def join_inputs(tables: Sequence[InputTable]) -> tuple[ObjArray, list[I64Array]]:
    """Inner-joins inputs on ``_row_key``.

    Returns the joined keys (sorted) and, for each input, the indices of the joined
    rows in that input's (sorted) arrays.
    """
    keys = tables[0].keys
    indices: list[I64Array] = [np.arange(keys.size, dtype=np.int64)]
    for t in tables[1:]:
        common, ia, ib = np.intersect1d(keys, t.keys, assume_unique=True, return_indices=True)
        indices = [i[ia] for i in indices] + [np.asarray(ib, dtype=np.int64)]
        keys = np.asarray(common, dtype=object)
    return keys, indices


def classify_labels(labels: pa.ChunkedArray | pa.Array, label: LabelSpec) -> tuple[I8Array, dict[str, int]]:
    """Maps each row's ``_labels`` to LABEL_POSITIVE, LABEL_NEGATIVE, LABEL_OTHER or LABEL_NONE.

    A row is positive if any of its labels is positive; negative if it has at least
    one label and all of its labels are negative; otherwise it is excluded. Also
    returns how many rows carry each distinct label (sorted by label).
    """
    arr = labels.combine_chunks() if isinstance(labels, pa.ChunkedArray) else labels
    if pa.types.is_null(arr.type):
        arr = arr.cast(pa.large_list(pa.large_string()))
    n = len(arr)
    flat = pc.list_flatten(arr)
    parents = np.asarray(pc.list_parent_indices(arr).to_numpy(zero_copy_only=False), dtype=np.int64)
    value_type = flat.type
    is_pos = _is_in(flat, label.positive, value_type)
    is_neg = _is_in(flat, label.negative, value_type)
    n_labels = np.bincount(parents, minlength=n)
    n_pos = np.bincount(parents, weights=is_pos.astype(np.float64), minlength=n)
    n_neg = np.bincount(parents, weights=is_neg.astype(np.float64), minlength=n)
    classes = np.full(n, LABEL_OTHER, dtype=np.int8)
    classes[n_labels == 0] = LABEL_NONE
    classes[(n_labels > 0) & (n_neg == n_labels)] = LABEL_NEGATIVE
    classes[n_pos > 0] = LABEL_POSITIVE

    seen: dict[str, int] = {}
    if len(flat):
        counts = pc.value_counts(flat)
        values = counts.field("values").to_pylist()
        numbers = counts.field("counts").to_pylist()
        for value, count in zip(values, numbers):
            seen["<null>" if value is None else str(value)] = int(count)
    return classes, dict(sorted(seen.items()))


def _is_in(values: pa.Array, allowed: Sequence[str], value_type: pa.DataType) -> BoolArray:
    mask = pc.fill_null(pc.is_in(values, value_set=pa.array(list(allowed), type=value_type)), False)
    return np.asarray(mask.to_numpy(zero_copy_only=False), dtype=np.bool_)


def load_dataset(spec: Spec, log: Log) -> Dataset:
    """Reads, joins and labels the inputs; returns the rows to train and validate on."""
    with_time = spec.split.method == "time"
    tables: list[InputTable] = []
    for n, inp in enumerate(spec.inputs):
        log(f"reading input {inp.name!r} from {inp.path}")
        t = read_input(inp, with_labels=n == 0, with_time=with_time and n == 0)
        log(f"input {inp.name!r}: {t.keys.size} rows in {t.files} file(s)")
        tables.append(t)

    keys, indices = join_inputs(tables)
    rows_read = {t.name: int(t.keys.size) for t in tables}
    if len(tables) > 1:
        log(f"joined {len(tables)} inputs on _row_key: {keys.size} rows")
    features = [f for t in tables for f in t.features]
    x64 = np.hstack([t.x[i] for t, i in zip(tables, indices)]) if keys.size else np.zeros((0, len(features)))

    first = tables[0]
    assert first.labels is not None
    labels = first.labels.take(pa.array(indices[0], type=pa.int64()))
    classes, seen = classify_labels(labels, spec.label)
    n_none = int(np.count_nonzero(classes == LABEL_NONE))
    n_other = int(np.count_nonzero(classes == LABEL_OTHER))
    used = classes >= 0
    n_used = int(np.count_nonzero(used))
    n_pos = int(np.count_nonzero(classes == LABEL_POSITIVE))
    n_neg = int(np.count_nonzero(classes == LABEL_NEGATIVE))
    log(
        f"labels: {n_pos} positive, {n_neg} negative, {n_none + n_other} excluded "
        f"({n_none} unlabelled, {n_other} with other labels)"
    )
    if keys.size == 0:
        joined = " after the join" if len(tables) > 1 else ""
        raise DataError(f"no rows{joined}: the inputs have no rows to train on")
    if n_none == keys.size:
        raise DataError(
            f"no labelled rows: every row's _labels is empty or null (input {first.name!r}, {keys.size} rows)"
        )
    if n_used == 0:
        shown = ", ".join(f"{k} ({v})" for k, v in list(seen.items())[:20])
        raise DataError(
            f"no rows left after label mapping: none of the {keys.size - n_none} labelled rows is positive "
            f"(any label in {list(spec.label.positive)}) or negative (all labels in "
            f"{list(spec.label.negative)}); labels seen: {shown}"
        )

    x_used = x64[used]
    filled: dict[str, int] = {}
    missing = np.count_nonzero(np.isnan(x_used), axis=0)
    bad = [(features[j], int(missing[j])) for j in range(len(features)) if missing[j]]
    if bad:
        if spec.fill_missing is None:
            listed = ", ".join(f"{f.name!r} (input {f.input!r}): {count}" for f, count in bad)
            raise DataError(
                f"null/NaN values in feature column(s): {listed} of {n_used} rows; "
                "set fill_missing to a number to fill them"
            )
        x_used = np.where(np.isnan(x_used), spec.fill_missing, x_used)
        filled = {f.name: count for f, count in bad}
        log(f"filled {sum(filled.values())} null/NaN value(s) with {spec.fill_missing}")
    x32 = x_used.astype(np.float32)
    infinite = np.count_nonzero(~np.isfinite(x32), axis=0)
    bad_inf = [(features[j], int(infinite[j])) for j in range(len(features)) if infinite[j]]
    if bad_inf:
        listed = ", ".join(f"{f.name!r} (input {f.input!r}): {count}" for f, count in bad_inf)
        raise DataError(f"infinite values (or beyond float32 range) in feature column(s): {listed}")

    y = np.where(classes[used] == LABEL_POSITIVE, 1, 0).astype(np.int8)
    times = first.times[indices[0]][used] if first.times is not None else None
    time_null = first.time_null[indices[0]][used] if first.time_null is not None else None
    counts: dict[str, Any] = {
        "rows_read": rows_read,
        "rows_joined": int(keys.size),
        "excluded": n_none + n_other,
        "excluded_unlabelled": n_none,
        "excluded_other_labels": n_other,
        "rows_used": n_used,
        "positives": n_pos,
        "negatives": n_neg,
    }
    return Dataset(
        keys=keys[used],
        x=x32,
        y=y,
        times=times,
        time_null=time_null,
        features=features,
        counts=counts,
        filled=filled,
        labels_seen=seen,
    )
