"""Helpers for the sast tests: scan in-memory sources and list (rule, path, line)."""

from __future__ import annotations

import textwrap
from collections.abc import Callable

import pytest

from mlgate.checks.sast.engine import SourceFile, scan_sources
from mlgate.core.finding import Finding, location_line

Hit = tuple[str, int]
Scan = Callable[[str], list[Hit]]
ScanProject = Callable[[dict[str, str]], list[tuple[str, str, int]]]
# Test modules repeat these aliases: conftest is not importable under mypy's path.


def _source(code: str) -> bytes:
    return textwrap.dedent(code).lstrip("\n").encode()


@pytest.fixture
def scan() -> Scan:
    """Scan one module (dedented); returns sorted (rule, line) pairs."""

    def run(code: str) -> list[Hit]:
        findings = scan_sources([SourceFile(path="app.py", data=_source(code))])
        return sorted((f.rule_id, location_line(f.location) or 0) for f in findings)

    return run


@pytest.fixture
def scan_project() -> ScanProject:
    """Scan several modules as one project; returns sorted (rule, path, line)."""

    def run(files: dict[str, str]) -> list[tuple[str, str, int]]:
        sources = [SourceFile(path=p, data=_source(c)) for p, c in files.items()]
        return sorted(
            (f.rule_id, f.location.path or "", location_line(f.location) or 0)
            for f in scan_sources(sources)
        )

    return run


@pytest.fixture
def findings_of() -> Callable[[str], tuple[Finding, ...]]:
    """Scan one module and return the findings themselves."""

    def run(code: str) -> tuple[Finding, ...]:
        return scan_sources([SourceFile(path="app.py", data=_source(code))])

    return run
