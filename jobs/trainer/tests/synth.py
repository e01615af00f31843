"""Synthetic feature Parquet with a known signal, laid out like Quiver's feature stage output."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

EPOCH = datetime(2024, 3, 1, tzinfo=timezone.utc)


@dataclass
class Synth:
    """The generated rows (before writing), for assertions."""

    keys: list[str]
    labels: list[list[str] | None]
    times: list[datetime | None]
    columns: dict[str, Any]


def make_rows(n: int = 1200, seed: int = 1, positive_rate: float = 0.3) -> Synth:
    """Rows whose label depends on the features (attacks have many failed logins).

    About 5% of rows are unlabelled (empty list or null), 3% carry only an unknown
    label ("scan"), 2% carry both "attack" and "benign" (positive).
    """
    rng = np.random.default_rng(seed)
    attack = rng.random(n) < positive_rate
    failed = np.where(attack, rng.poisson(12, n), rng.poisson(3, n)).astype(np.int64)
    users = np.where(attack, rng.integers(1, 30, n), rng.integers(1, 8, n)).astype(np.int32)
    ratio = np.clip(np.where(attack, rng.normal(0.7, 0.2, n), rng.normal(0.3, 0.2, n)), 0, 1)
    root = rng.random(n) < np.where(attack, 0.5, 0.1)
    labels: list[list[str] | None] = []
    u = rng.random(n)
    for i in range(n):
        if u[i] < 0.025:
            labels.append([])
        elif u[i] < 0.05:
            labels.append(None)
        elif u[i] < 0.08:
            labels.append(["scan"])
        elif u[i] < 0.10:
            labels.append(["attack", "benign"])
        else:
            labels.append(["attack"] if attack[i] else ["benign"])
    times: list[datetime | None] = [EPOCH + timedelta(minutes=int(m)) for m in rng.integers(0, 60 * 24 * 30, n)]
    keys = [f"10.0.{i // 250}.{i % 250}|2024-03-{1 + i % 28:02d}" for i in range(n)]
    return Synth(
        keys=keys,
        labels=labels,
        times=times,
        columns={"failed_logins": failed, "distinct_users": users, "fail_ratio": ratio, "root_attempt": root},
    )


def table_for(
    synth: Synth,
    features: list[str],
    rows: np.ndarray[Any, Any] | None = None,
    with_meta: bool = True,
) -> pa.Table:
    idx = np.arange(len(synth.keys)) if rows is None else rows
    data: dict[str, Any] = {"_row_key": pa.array([synth.keys[i] for i in idx], type=pa.string())}
    if with_meta:
        data["_time"] = pa.array([synth.times[i] for i in idx], type=pa.timestamp("us", tz="UTC"))
        data["_labels"] = pa.array([synth.labels[i] for i in idx], type=pa.list_(pa.string()))
    for f in features:
        data[f] = pa.array(np.asarray(synth.columns[f])[idx])
    return pa.table(data)


def write_feature_dir(directory: Path, table: pa.Table, parts: int = 2, shuffle_seed: int | None = 3) -> Path:
    """Writes a table as ``parts`` Parquet files plus ``_SUCCESS`` and ``manifest.json``."""
    directory.mkdir(parents=True, exist_ok=True)
    n = table.num_rows
    order = np.arange(n) if shuffle_seed is None else np.random.default_rng(shuffle_seed).permutation(n)
    for p, chunk in enumerate(np.array_split(order, parts)):
        pq.write_table(table.take(pa.array(chunk)), directory / f"part-{p:05d}.parquet")
    (directory / "_SUCCESS").write_text("")
    (directory / "manifest.json").write_text(json.dumps({"rows": n}))
    return directory


def base_spec(inputs: list[dict[str, Any]], output: Path, **overrides: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "model": "ssh_bruteforce",
        "inputs": inputs,
        "label": {"positive": ["attack"], "negative": ["benign"]},
        "algorithm": "random_forest",
        "params": {"n_estimators": 30, "max_depth": 6},
        "split": {"method": "random", "test_fraction": 0.25, "seed": 7},
        "target_fpr": 0.05,
        "fill_missing": None,
        "output": str(output),
    }
    spec.update(overrides)
    return spec
