"""Training/validation splits."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from quiver_trainer.data import Dataset
from quiver_trainer.errors import DataError
from quiver_trainer.spec import SplitSpec

BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Split:
    """``validation[i]`` is True for rows of the validation split (rows are in ``_row_key`` order)."""

    validation: BoolArray

    @property
    def train(self) -> BoolArray:
        return ~self.validation


def validation_size(n: int, fraction: float) -> int:
    """ceil(n * fraction), kept within [1, n - 1] (so neither side is empty when n >= 2)."""
    size = math.ceil(n * fraction - 1e-9)
    return min(max(size, 1), n - 1)


def random_split(y: npt.NDArray[np.int8], fraction: float, seed: int) -> Split:
    """Stratified random split.

    For each class (negatives first, then positives), the class's rows (in
    ``_row_key`` order) are permuted with numpy's PCG64 generator seeded with
    ``seed`` and the first ``validation_size(n_class, fraction)`` go to validation.
    A class with a single row stays in training.
    """
    rng = np.random.Generator(np.random.PCG64(seed))
    validation = np.zeros(y.shape[0], dtype=np.bool_)
    for cls in (0, 1):
        idx = np.flatnonzero(y == cls)
        if idx.size < 2:
            continue
        chosen = rng.permutation(idx)[: validation_size(int(idx.size), fraction)]
        validation[chosen] = True
    return Split(validation=validation)


def time_split(times: npt.NDArray[np.int64], fraction: float) -> Split:
    """The latest ``validation_size(n, fraction)`` rows by ``_time`` form the validation split.

    Rows are ordered by ``_time``, then by ``_row_key`` (their position), so ties
    at the boundary are broken by ``_row_key``.
    """
    n = times.shape[0]
    order = np.lexsort((np.arange(n), times))
    validation = np.zeros(n, dtype=np.bool_)
    validation[order[n - validation_size(n, fraction) :]] = True
    return Split(validation=validation)


def make_split(data: Dataset, spec: SplitSpec) -> Split:
    """Splits the dataset as the spec says, and checks both sides have both classes."""
    n = int(data.y.shape[0])
    pos = int(np.count_nonzero(data.y == 1))
    neg = n - pos
    if n < 4:
        raise DataError(
            f"too few rows to split: {n} labelled row(s) ({pos} positive, {neg} negative); "
            "each split needs at least one positive and one negative row"
        )
    if pos == 0 or neg == 0:
        only = "positive" if neg == 0 else "negative"
        raise DataError(f"all {n} labelled rows are {only}: training needs both positive and negative rows")
    if spec.method == "random":
        split = random_split(data.y, spec.test_fraction, spec.seed)
    else:
        assert data.times is not None and data.time_null is not None
        nulls = int(np.count_nonzero(data.time_null))
        if nulls:
            raise DataError(f"split.method \"time\" needs _time on every row: {nulls} of {n} rows have a null _time")
        split = time_split(data.times, spec.test_fraction)
    for side, mask in (("training", split.train), ("validation", split.validation)):
        side_pos = int(np.count_nonzero(data.y[mask] == 1))
        side_neg = int(np.count_nonzero(mask)) - side_pos
        if side_pos == 0 or side_neg == 0:
            missing = "positive" if side_pos == 0 else "negative"
            raise DataError(
                f"the {side} split has no {missing} rows ({side_pos} positive, {side_neg} negative; "
                f"{pos} positive and {neg} negative in all, split {spec.method} with test_fraction "
                f"{spec.test_fraction}); add labelled rows or change the split"
            )
    return split
