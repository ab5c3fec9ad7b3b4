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


def _in_process(capsys: pytest.CaptureFixture[str]) -> Callable[..., Completed]:
    def run(*argv: str) -> Completed:
        code = main(list(argv))
        captured = capsys.readouterr()
        return Completed(code, captured.out, captured.err)

    return run


def _as_process(*argv: str, cwd: Path | None = None) -> Completed:
    # The test plug-in distribution (misbehaving checks) is found through PYTHONPATH,
    # exactly as an installed third-party package would be.
    environment = {**os.environ, "PYTHONPATH": str(PLUGINS)}
    done = subprocess.run(
        [str(MLGATE), *argv], cwd=cwd or Path.cwd(), env=environment, capture_output=True,
        text=True, timeout=120, check=False,
    )  # fmt: skip
    return Completed(done.returncode, done.stdout, done.stderr)


@pytest.fixture(params=["in-process", "subprocess"])
def cli(
    request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str]
) -> Callable[..., Completed]:
    """Run ``mlgate`` both ways: main(argv) in-process, and the real console script."""
    if request.param == "in-process":
        return _in_process(capsys)
    return _as_process


@pytest.fixture
def process() -> Callable[..., Completed]:
    """Run the real ``mlgate`` console script as a subprocess."""
    return _as_process
