"""Fixtures for driving the CLI: in-process through main(argv), and as a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from builders.cli import Completed
from mlgate.cli.app import main

PLUGINS = Path(__file__).resolve().parents[1] / "plugins"
MLGATE = Path(sys.executable).with_name("mlgate")


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
