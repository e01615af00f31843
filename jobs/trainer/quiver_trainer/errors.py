"""Errors that end a run with a one-line message and a documented exit code."""

from __future__ import annotations

EXIT_OK = 0
EXIT_DATA = 1
"""Bad input data: missing directories or columns, no labels, NaN, a single class, ..."""
EXIT_SPEC = 2
"""Bad spec or command line: unknown algorithm or parameter, invalid values, ..."""
EXIT_INTERNAL = 3
"""A bug or an environment problem (the ONNX export does not reproduce scikit-learn, ...)."""


class TrainerError(Exception):
    """An error reported as one line on stderr; ``exit_code`` is the process exit status."""

    exit_code: int = EXIT_INTERNAL

    def __init__(self, message: str) -> None:
        super().__init__(one_line(message))
        self.message = one_line(message)


class DataError(TrainerError):
    """The input data cannot be used (exit 1)."""

    exit_code = EXIT_DATA


class SpecError(TrainerError):
    """The spec is invalid (exit 2)."""

    exit_code = EXIT_SPEC


class InternalError(TrainerError):
    """Something that should not happen with valid input (exit 3)."""

    exit_code = EXIT_INTERNAL


def one_line(message: str) -> str:
    """Collapses all whitespace runs (newlines included) to single spaces."""
    return " ".join(message.split())
