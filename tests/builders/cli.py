"""Helpers for driving the CLI in end-to-end tests."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any


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
