from __future__ import annotations

import io
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from quiver_trainer.cli import main  # noqa: E402
from synth import Synth, make_rows, table_for, write_feature_dir  # noqa: E402

ALL_FEATURES = ["failed_logins", "distinct_users", "fail_ratio", "root_attempt"]


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str

    @property
    def summary(self) -> dict[str, Any]:
        lines = self.stdout.splitlines()
        assert len(lines) == 1, self.stdout
        value: dict[str, Any] = json.loads(lines[0])
        return value

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith("quiver-trainer: error:")]


def run_spec(spec: dict[str, Any], tmp: Path, name: str = "spec.json") -> Result:
    """Runs the trainer in process on a spec written to ``tmp/name``."""
    path = tmp / name
    path.write_text(json.dumps(spec))
    out, err = io.StringIO(), io.StringIO()
    code = main(["--spec", str(path)], stdout=out, stderr=err)
    return Result(code=code, stdout=out.getvalue(), stderr=err.getvalue())


@pytest.fixture(scope="session")
def synth() -> Synth:
    return make_rows()


@pytest.fixture(scope="session")
def feature_dir(tmp_path_factory: pytest.TempPathFactory, synth: Synth) -> Path:
    """One input holding all four features."""
    return write_feature_dir(tmp_path_factory.mktemp("features") / "ssh_auth_daily", table_for(synth, ALL_FEATURES))


def one_input(path: Path, features: list[str] | None = None) -> list[dict[str, Any]]:
    return [{"name": "ssh_auth_daily", "path": str(path), "features": features or ALL_FEATURES}]
