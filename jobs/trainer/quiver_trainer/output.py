"""Writing the output directory atomically."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from quiver_trainer.errors import DataError, InternalError


def check_output_free(output: Path) -> None:
    """Fails early if ``output`` exists and is not an empty directory."""
    if output.is_symlink() or output.is_file():
        raise DataError(f"output {output} already exists and is not a directory")
    if output.is_dir() and any(output.iterdir()):
        raise DataError(f"output directory {output} already exists and is not empty")


def write_atomically(output: Path, write: Callable[[Path], None]) -> None:
    """Calls ``write(tmp)`` on a new sibling temporary directory, then renames it to ``output``.

    If anything fails, the temporary directory is removed and nothing is left at
    ``output``. An existing empty directory at ``output`` is replaced.
    """
    output = output.absolute()
    check_output_free(output)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{output.name}.tmp-", dir=output.parent))
    except OSError as e:
        raise DataError(f"cannot create the output directory next to {output}: {e}") from None
    try:
        try:
            write(tmp)
        except OSError as e:
            raise InternalError(f"cannot write the results next to {output}: {e}") from None
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o777 & ~umask)
        for entry in tmp.iterdir():
            _fsync(entry)
        _fsync(tmp)
        check_output_free(output)
        try:
            os.rename(tmp, output)
        except OSError as e:
            raise DataError(f"cannot move the results to {output}: {e}") from None
        _fsync(output.parent)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def json_bytes(value: Any) -> bytes:
    """Stable JSON: sorted keys, two-space indent, a final newline; non-finite numbers are rejected."""
    return (json.dumps(value, indent=2, sort_keys=True, allow_nan=False) + "\n").encode("utf-8")
