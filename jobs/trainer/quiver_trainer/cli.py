"""Command line: ``python -m quiver_trainer --spec spec.json``.

stderr gets progress lines and, on failure, one ``quiver-trainer: error: ...`` line;
stdout gets exactly one JSON line (the summary) on success and nothing otherwise.
Exit codes: 0 success, 1 bad input data, 2 bad spec or usage, 3 internal error,
143 terminated by SIGTERM (partial output removed).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
import threading
import traceback
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn, TextIO

from quiver_trainer import TRAINER_VERSION
from quiver_trainer.errors import EXIT_INTERNAL, EXIT_OK, EXIT_SPEC, TrainerError, one_line

PROG = "quiver-trainer"


class _UsageError(Exception):
    pass


class _Terminated(BaseException):
    """Raised in the main thread on SIGTERM, so that partial output is cleaned up."""


EXIT_TERMINATED = 143


def _on_sigterm(signum: int, frame: object) -> None:
    raise _Terminated()


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _UsageError(message)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m quiver_trainer",
        description="Train a Quiver model from feature Parquet and export it to ONNX.",
    )
    parser.add_argument("--spec", required=True, type=Path, help="the training spec (JSON)")
    parser.add_argument("--version", action="version", version=f"quiver-trainer {TRAINER_VERSION}")
    return parser


def main(argv: Sequence[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Runs the trainer; returns the exit code."""
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr

    def log(message: str) -> None:
        print(f"{PROG}: {message}", file=err, flush=True)

    def fail(message: str, code: int) -> int:
        print(f"{PROG}: error: {one_line(message)}", file=err, flush=True)
        return code

    try:
        args = _parser().parse_args(list(argv) if argv is not None else None)
    except _UsageError as e:
        return fail(f"{e} (usage: python -m quiver_trainer --spec spec.json)", EXIT_SPEC)

    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        return _run(args.spec, out, err, log, fail)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _run(
    spec_path: Path,
    out: TextIO,
    err: TextIO,
    log: Callable[[str], None],
    fail: Callable[[str, int], int],
) -> int:
    try:
        with contextlib.redirect_stdout(err), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("default")
            # Imported here so that a broken environment is reported like any other error.
            from quiver_trainer.spec import load_spec
            from quiver_trainer.train import run

            spec = load_spec(spec_path)
            summary = run(spec, log)
        for w in caught:
            log(f"warning: {one_line(f'{w.category.__name__}: {w.message}')}")
    except TrainerError as e:
        return fail(e.message, e.exit_code)
    except KeyboardInterrupt:
        return fail("interrupted", EXIT_INTERNAL)
    except _Terminated:
        return fail("terminated (SIGTERM)", EXIT_TERMINATED)
    except Exception as e:  # noqa: BLE001 - reported as one line; the traceback on request
        if os.environ.get("QUIVER_TRAINER_DEBUG"):
            traceback.print_exc(file=err)
        return fail(f"internal error: {type(e).__name__}: {e} (set QUIVER_TRAINER_DEBUG=1 for a traceback)", EXIT_INTERNAL)

    print(json.dumps(summary, sort_keys=True), file=out, flush=True)
    return EXIT_OK
