"""The pydantic model of the policy file.

Check settings are validated in a second step against each check's own ``Config``
(see :mod:`mlgate.core.policy.load`), because checks are plug-ins.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mlgate.core.finding import Severity
from mlgate.core.severity_field import SeverityName
from mlgate.core.verdict import Mode

GATE_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WaiverSpec(_Strict):
    """A reviewed exception. It needs a rule, a scope, a reason, an owner and an expiry."""

    rule: str = Field(min_length=1, description="Rule id or glob (e.g. 'SARIF/py/sql-*').")
    path: str | None = Field(default=None, description="Glob of file paths it covers.")
    fingerprint: str | None = Field(default=None, description="Exact finding fingerprint.")
    artifact: str | None = Field(default=None, description="Glob of artifact paths or members.")
    reason: str = Field(min_length=1, description="Why this risk is accepted.")
    owner: str = Field(min_length=1, description="Who reviewed it and answers for it.")
    expires: date = Field(description="Last day it applies (YYYY-MM-DD).")
    gates: list[str] = Field(
        default_factory=list, description="Gates it applies to (all if empty)."
    )

    @model_validator(mode="after")
    def _needs_scope(self) -> WaiverSpec:
        if self.path is None and self.fingerprint is None and self.artifact is None:
            raise ValueError("a waiver needs a scope: set path, fingerprint or artifact")
        return self


class GateSpec(_Strict):
    """A named checkpoint: which checks run and what blocks."""

    description: str = ""
    mode: Mode = Field(default=Mode.ENFORCE, description="enforce blocks; warn only reports.")
    fail_on: SeverityName = Field(
        default=Severity.HIGH, description="Findings at or above this severity block."
    )
    allow_empty: bool = Field(
        default=False, description="Pass a check that found no inputs instead of erroring."
    )
    checks: dict[str, dict[str, Any]] = Field(
        min_length=1, description="Check id -> that check's settings."
    )


class ReportsSpec(_Strict):
    """Reports written by every `mlgate run`, in addition to the terminal."""

    directory: str = Field(default="mlgate-reports", description="Where report files go.")
    formats: list[str] = Field(default_factory=list, description="Report formats to write.")


class PolicySpec(_Strict):
    """The whole policy file."""

    version: Literal[1] = 1
    gates: dict[Annotated[str, Field(pattern=GATE_NAME_PATTERN)], GateSpec] = Field(min_length=1)
    waivers: list[WaiverSpec] = Field(default_factory=list)
    baseline: str | None = Field(
        default=None, description="Baseline file (relative to the policy); only new findings block."
    )
    reports: ReportsSpec = Field(default_factory=ReportsSpec)
