"""The training spec (``spec.json``): parsing and validation.

Every problem found here is a :class:`SpecError` (exit 2). Checks that need the
data (directories, columns, labels) happen later and are data errors (exit 1).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Union

from quiver_trainer.errors import SpecError

JSONValue = Union[None, bool, int, float, str, list["JSONValue"], dict[str, "JSONValue"]]

SplitMethod = Literal["random", "time"]

RESERVED_COLUMNS = ("_row_key", "_time", "_labels")

_TOP_KEYS_REQUIRED = ("model", "inputs", "label", "algorithm", "split", "target_fpr", "output")
_TOP_KEYS_OPTIONAL = ("params", "fill_missing")
_INPUT_KEYS = ("name", "path", "features")
_LABEL_KEYS = ("positive", "negative")
_SPLIT_KEYS_REQUIRED = ("method",)
_SPLIT_KEYS_OPTIONAL = ("test_fraction", "seed")

DEFAULT_TEST_FRACTION = 0.25
DEFAULT_SEED = 0


@dataclass(frozen=True)
class InputSpec:
    """One feature set's output: a directory of Parquet files and the features taken from it."""

    name: str
    path: Path
    features: tuple[str, ...]


@dataclass(frozen=True)
class LabelSpec:
    """Which ``_labels`` values make a row positive or negative."""

    positive: tuple[str, ...]
    negative: tuple[str, ...]


@dataclass(frozen=True)
class SplitSpec:
    """How rows are split into training and validation."""

    method: SplitMethod
    test_fraction: float
    seed: int


@dataclass(frozen=True)
class Spec:
    """A parsed, validated ``spec.json``."""

    model: str
    inputs: tuple[InputSpec, ...]
    label: LabelSpec
    algorithm: str
    params: dict[str, JSONValue]
    split: SplitSpec
    target_fpr: float
    fill_missing: float | None
    output: Path

    @property
    def feature_names(self) -> list[str]:
        """The feature matrix's columns, in order."""
        return [f for i in self.inputs for f in i.features]


def load_spec(path: Path) -> Spec:
    """Reads and validates a spec file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError(f"spec file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as e:
        raise SpecError(f"cannot read spec file {path}: {e}") from None
    return parse_spec(text, source=str(path))


def _reject_constant(name: str) -> JSONValue:
    raise SpecError(f"invalid JSON value {name} (only finite numbers are allowed)")


def parse_spec(text: str, source: str = "spec") -> Spec:
    """Parses the JSON text of a spec and validates it."""
    try:
        raw = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as e:
        raise SpecError(f"{source}: invalid JSON at line {e.lineno} column {e.colno}: {e.msg}") from None
    return validate_spec(raw)


def _obj(value: object, where: str) -> dict[str, JSONValue]:
    if not isinstance(value, dict):
        raise SpecError(f"{where} must be an object, got {_kind(value)}")
    return value


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _check_keys(obj: dict[str, JSONValue], where: str, required: tuple[str, ...], optional: tuple[str, ...]) -> None:
    missing = [k for k in required if k not in obj]
    if missing:
        raise SpecError(f"{where}: missing required key(s): {', '.join(missing)}")
    allowed = set(required) | set(optional)
    unknown = sorted(k for k in obj if k not in allowed)
    if unknown:
        raise SpecError(
            f"{where}: unknown key(s): {', '.join(unknown)} (allowed: {', '.join(sorted(allowed))})"
        )


def _string(value: JSONValue, where: str) -> str:
    if not isinstance(value, str) or value == "":
        raise SpecError(f"{where} must be a non-empty string, got {_kind(value)}")
    return value


def _string_list(value: JSONValue, where: str, allow_empty: bool) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise SpecError(f"{where} must be an array of strings, got {_kind(value)}")
    items = tuple(_string(v, f"{where}[{i}]") for i, v in enumerate(value))
    if not items and not allow_empty:
        raise SpecError(f"{where} must not be empty")
    seen: set[str] = set()
    for item in items:
        if item in seen:
            raise SpecError(f"{where} lists {item!r} twice")
        seen.add(item)
    return items


def _number(value: JSONValue, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise SpecError(f"{where} must be a number, got {_kind(value)}")
    return float(value)


def validate_spec(raw: object) -> Spec:
    """Validates a decoded JSON spec."""
    top = _obj(raw, "spec")
    _check_keys(top, "spec", _TOP_KEYS_REQUIRED, _TOP_KEYS_OPTIONAL)

    model = _string(top["model"], "model")

    raw_inputs = top["inputs"]
    if not isinstance(raw_inputs, list) or not raw_inputs:
        raise SpecError(f"inputs must be a non-empty array, got {_kind(raw_inputs)}")
    inputs: list[InputSpec] = []
    for n, raw_input in enumerate(raw_inputs):
        where = f"inputs[{n}]"
        obj = _obj(raw_input, where)
        _check_keys(obj, where, _INPUT_KEYS, ())
        name = _string(obj["name"], f"{where}.name")
        path = _string(obj["path"], f"{where}.path")
        features = _string_list(obj["features"], f"{where}.features", allow_empty=True)
        inputs.append(InputSpec(name=name, path=Path(path), features=features))
    names = [i.name for i in inputs]
    for name in names:
        if names.count(name) > 1:
            raise SpecError(f"inputs: the input name {name!r} is used more than once")
    owner: dict[str, str] = {}
    for i in inputs:
        for f in i.features:
            if f in RESERVED_COLUMNS:
                raise SpecError(f"inputs: {i.name!r} lists {f!r}, a reserved column, as a feature")
            if f in owner:
                raise SpecError(
                    f"inputs: feature name {f!r} appears in both {owner[f]!r} and {i.name!r}; "
                    "feature names must be unique across inputs"
                )
            owner[f] = i.name
    if not owner:
        raise SpecError("inputs: no features listed (every input's features list is empty)")

    label_obj = _obj(top["label"], "label")
    _check_keys(label_obj, "label", _LABEL_KEYS, ())
    positive = _string_list(label_obj["positive"], "label.positive", allow_empty=False)
    negative = _string_list(label_obj["negative"], "label.negative", allow_empty=False)
    both = sorted(set(positive) & set(negative))
    if both:
        raise SpecError(f"label: {', '.join(repr(b) for b in both)} is listed as both positive and negative")

    algorithm = _string(top["algorithm"], "algorithm")

    raw_params = top.get("params", {})
    if raw_params is None:
        raw_params = {}
    params = _obj(raw_params, "params")

    split_obj = _obj(top["split"], "split")
    _check_keys(split_obj, "split", _SPLIT_KEYS_REQUIRED, _SPLIT_KEYS_OPTIONAL)
    method = split_obj["method"]
    if method not in ("random", "time"):
        raise SpecError(f"split.method must be \"random\" or \"time\", got {json.dumps(method)}")
    test_fraction = _number(split_obj.get("test_fraction", DEFAULT_TEST_FRACTION), "split.test_fraction")
    if not 0.0 < test_fraction < 1.0:
        raise SpecError(f"split.test_fraction must be between 0 and 1 (exclusive), got {test_fraction}")
    raw_seed = split_obj.get("seed", DEFAULT_SEED)
    if isinstance(raw_seed, bool) or not isinstance(raw_seed, int) or not 0 <= raw_seed < 2**32:
        raise SpecError(f"split.seed must be an integer in [0, 2^32), got {json.dumps(raw_seed)}")
    split = SplitSpec(method="random" if method == "random" else "time", test_fraction=test_fraction, seed=raw_seed)

    target_fpr = _number(top["target_fpr"], "target_fpr")
    if not 0.0 <= target_fpr <= 1.0:
        raise SpecError(f"target_fpr must be between 0 and 1, got {target_fpr}")

    raw_fill = top.get("fill_missing")
    fill_missing = None if raw_fill is None else _number(raw_fill, "fill_missing")

    output = _string(top["output"], "output")

    return Spec(
        model=model,
        inputs=tuple(inputs),
        label=LabelSpec(positive=positive, negative=negative),
        algorithm=algorithm,
        params=dict(params),
        split=split,
        target_fpr=target_fpr,
        fill_missing=fill_missing,
        output=Path(output),
    )
