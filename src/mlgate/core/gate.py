"""A gate as the runner executes it: resolved checks with validated configs."""

from __future__ import annotations

from dataclasses import dataclass

from mlgate.core.check import CheckConfig
from mlgate.core.finding import Severity
from mlgate.core.verdict import Mode


@dataclass(frozen=True, slots=True, kw_only=True)
class PlannedCheck:
    """One check of a gate: its id, where its class lives, and its validated config."""

    check_id: str
    target: str
    config: CheckConfig
    fail_on: Severity | None = None
    load_error: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class GatePlan:
    """A gate ready to run: decision settings and its checks."""

    name: str
    mode: Mode = Mode.ENFORCE
    fail_on: Severity = Severity.HIGH
    allow_empty: bool = False
    checks: tuple[PlannedCheck, ...] = ()
