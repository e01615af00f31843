"""The supported algorithms and their parameters."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sklearn.base import BaseEstimator
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

from quiver_trainer.errors import SpecError
from quiver_trainer.spec import JSONValue


@dataclass(frozen=True)
class Algorithm:
    """A supported algorithm: its scikit-learn estimator and the parameters Quiver sets itself."""

    name: str
    estimator: type[BaseEstimator]
    reserved: dict[str, str]
    """Parameter name -> why ``params`` may not set it."""
    fixed: Callable[[int], dict[str, Any]]
    """The parameters Quiver sets, from the split seed."""
    pipeline_scaler: bool = False
    """If True, the estimator is the last step of ``Pipeline([StandardScaler(), estimator])``."""


_SEED = "set from split.seed"
_JOBS = "fixed to 1 so that training and scoring are deterministic"

ALGORITHMS: dict[str, Algorithm] = {
    a.name: a
    for a in (
        Algorithm(
            name="random_forest",
            estimator=RandomForestClassifier,
            reserved={"random_state": _SEED, "n_jobs": _JOBS},
            fixed=lambda seed: {"random_state": seed, "n_jobs": 1},
        ),
        Algorithm(
            name="gradient_boosting",
            estimator=GradientBoostingClassifier,
            reserved={"random_state": _SEED},
            fixed=lambda seed: {"random_state": seed},
        ),
        Algorithm(
            name="logistic_regression",
            estimator=LogisticRegression,
            reserved={"random_state": _SEED},
            fixed=lambda seed: {"random_state": seed},
            pipeline_scaler=True,
        ),
    )
}


def valid_params(algorithm: Algorithm) -> list[str]:
    """The parameter names ``params`` may set for this algorithm (sorted)."""
    names = algorithm.estimator().get_params(deep=False)
    return sorted(n for n in names if n not in algorithm.reserved)


def build_estimator(name: str, params: dict[str, JSONValue], seed: int) -> tuple[Algorithm, BaseEstimator]:
    """Builds the estimator for ``name`` with ``params``; validates the parameters' names and values.

    Raises SpecError for an unknown algorithm, an unknown or reserved parameter
    name, or a value scikit-learn rejects.
    """
    algorithm = ALGORITHMS.get(name)
    if algorithm is None:
        raise SpecError(f"unknown algorithm {name!r} (supported: {', '.join(sorted(ALGORITHMS))})")
    valid = valid_params(algorithm)
    for key in sorted(params):
        if key in algorithm.reserved:
            raise SpecError(f"params: {key!r} cannot be set for {name}: it is {algorithm.reserved[key]}")
        if key not in valid:
            raise SpecError(
                f"params: unknown parameter {key!r} for {name} ({algorithm.estimator.__name__}); "
                f"valid parameters: {', '.join(valid)}"
            )
    kwargs: dict[str, Any] = dict(params)
    weights = kwargs.get("class_weight")
    if isinstance(weights, dict):
        # JSON object keys are strings; the classes are the integers 0 and 1.
        kwargs["class_weight"] = {int(k) if k in ("0", "1") else k: v for k, v in weights.items()}
    estimator = algorithm.estimator(**{**kwargs, **algorithm.fixed(seed)})
    try:
        estimator._validate_params()
    except InvalidParameterError as e:
        raise SpecError(f"params: invalid value for {name}: {e}") from None
    model: BaseEstimator = estimator
    if algorithm.pipeline_scaler:
        model = Pipeline([("scaler", StandardScaler()), ("classifier", estimator)])
    return algorithm, model


def final_estimator(model: BaseEstimator) -> BaseEstimator:
    """The classifier itself (the last step of a pipeline)."""
    if isinstance(model, Pipeline):
        last: BaseEstimator = model.steps[-1][1]
        return last
    return model


def effective_params(model: BaseEstimator) -> dict[str, JSONValue]:
    """All parameters of the classifier as JSON values (sorted by name)."""
    params = final_estimator(model).get_params(deep=False)
    return {k: to_json(params[k]) for k in sorted(params)}


def to_json(value: object) -> JSONValue:
    """A JSON-compatible form of a parameter value (others become their repr)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        if isinstance(value, float) and not math.isfinite(value):
            return repr(value)
        return value
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if hasattr(value, "item"):
        item = value.item()
        if isinstance(item, (bool, int, float, str)):
            return to_json(item)
    text = repr(value)
    try:
        json.dumps(text)
    except (TypeError, ValueError):
        text = type(value).__name__
    return text
