"""Fixtures for driving the CLI: in-process through main(argv), and as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from mlgate.cli.app import main

PLUGINS = Path(__file__).resolve().parents[1] / "plugins"
MLGATE = Path(sys.executable).with_name("mlgate")


@dataclass
class Completed:
    """What a CLI run left behind."""

    code: int
    out: str
    err: str


def declare(directory: Path, *findings: dict[str, Any], name: str = "scan") -> Path:
    """Write a fixture the `findings` test check reads."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.findings.json"
    path.write_text(json.dumps({"findings": list(findings)}))
    return path


def sqli(line: int = 4, severity: str = "high", path: str = "app.py") -> dict[str, Any]:
    """A declared finding like a SQL injection."""
    return {"path": path, "line": line, "severity": severity, "message": f"SQL built at {path}"}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project directory that is also the working directory."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return tmp_path


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Completed]:
    """Run ``mlgate`` in-process (sigstore-style) and capture its streams."""

    def run(*argv: str) -> Completed:
        code = main(list(argv))
        captured = capsys.readouterr()
        return Completed(code, captured.out, captured.err)

    return run


@pytest.fixture
def process() -> Callable[..., Completed]:
    """Run the real ``mlgate`` console script as a subprocess."""

    def run(*argv: str, cwd: Path, env: dict[str, str] | None = None) -> Completed:
        environment = {**os.environ, "PYTHONPATH": str(PLUGINS), **(env or {})}
        environment.pop("GITHUB_ACTIONS", None)
        environment.update(env or {})
        done = subprocess.run(
            [str(MLGATE), *argv], cwd=cwd, env=environment, capture_output=True, text=True,
            timeout=120, check=False,
        )  # fmt: skip
        return Completed(done.returncode, done.stdout, done.stderr)

    return run
