"""Verdicts: what each gate decided about each check's findings and metrics, and why."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from mlgate.core.changes import ChangeScope
from mlgate.core.figure import Figure, check_figure_count
from mlgate.core.finding import Finding, SkippedInput
from mlgate.core.metric import Metric
from mlgate.core.rule import Rule


class Outcome(StrEnum):
    """The result of a check, a gate or a whole run."""

    PASS = "pass"  # noqa: S105  # an outcome name, not a password
    BLOCK = "block"
    ERROR = "error"

    @property
    def rank(self) -> int:
        """Seriousness: an incomplete answer (error) outranks a clean block."""
        return _RANK[self]

    @staticmethod
    def worst(outcomes: Iterable[Outcome]) -> Outcome:
        """The most serious outcome; an empty set passes."""
        return max(outcomes, key=lambda outcome: outcome.rank, default=Outcome.PASS)


_RANK = {Outcome.PASS: 0, Outcome.BLOCK: 1, Outcome.ERROR: 2}


class Mode(StrEnum):
    """Whether a gate's blocks stop the pipeline (enforce) or are only reported (warn)."""

    ENFORCE = "enforce"
    WARN = "warn"


class Disposition(StrEnum):
    """Why a finding does or does not block."""

    BLOCKING = "blocking"
    BELOW_THRESHOLD = "below-threshold"
    WAIVED = "waived"
    BASELINED = "baselined"


@dataclass(frozen=True, slots=True, kw_only=True)
class WaiverRecord:
    """A reviewed exception as the verdict reports it."""

    index: int
    rule: str
    reason: str
    owner: str
    expires: date
    path: str | None = None
    fingerprint: str | None = None
    artifact: str | None = None
    gates: tuple[str, ...] = ()

    def scope(self) -> str:
        """The scope fields in one human string."""
        parts = [
            f"{name}={value}"
            for name, value in (
                ("path", self.path),
                ("fingerprint", self.fingerprint),
                ("artifact", self.artifact),
            )
            if value
        ]
        return ", ".join(parts)


@dataclass(frozen=True, slots=True, kw_only=True)
class JudgedFinding:
    """A finding with the gate's decision about it."""

    finding: Finding
    disposition: Disposition
    waiver: WaiverRecord | None = None
    expired_waiver: WaiverRecord | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class JudgedMetric:
    """A metric with whether it met its threshold."""

    metric: Metric
    acceptable: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckVerdict:
    """One check's outcome within a gate."""

    check_id: str
    outcome: Outcome
    duration_seconds: float
    findings: tuple[JudgedFinding, ...] = ()
    metrics: tuple[JudgedMetric, ...] = ()
    skipped: tuple[SkippedInput, ...] = ()
    errors: tuple[str, ...] = ()
    inputs: int = 0
    rules: tuple[Rule, ...] = ()
    figures: tuple[Figure, ...] = ()

    def __post_init__(self) -> None:
        check_figure_count(self.figures)

    def blocking(self) -> tuple[JudgedFinding, ...]:
        """The findings that block."""
        return tuple(f for f in self.findings if f.disposition is Disposition.BLOCKING)

    def failed_metrics(self) -> tuple[JudgedMetric, ...]:
        """The metrics that missed their thresholds."""
        return tuple(m for m in self.metrics if not m.acceptable)


@dataclass(frozen=True, slots=True, kw_only=True)
class GateVerdict:
    """One gate's decision, with every reason for it.

    In ``warn`` mode a gate that would block passes, ``would_block`` is set, and the
    reasons are still listed. An error is never softened. In pull-request mode
    ``findings_outside_changes`` counts the findings left out because they touch no
    changed line or file.
    """

    name: str
    mode: Mode
    fail_on: str
    outcome: Outcome
    would_block: bool
    checks: tuple[CheckVerdict, ...]
    reasons: tuple[str, ...] = ()
    waivers_applied: tuple[WaiverRecord, ...] = ()
    waivers_expired: tuple[WaiverRecord, ...] = ()
    findings_outside_changes: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class Verdict:
    """Every gate of one run and the overall outcome.

    ``changed_since`` is set in pull-request mode: the ref and merge base that the
    reported findings were limited to.
    """

    gates: tuple[GateVerdict, ...]
    tool_version: str
    created_at: str
    root: str = "."
    baseline: str | None = None
    baseline_unmatched: int = 0
    changed_since: ChangeScope | None = None

    @property
    def outcome(self) -> Outcome:
        """The most serious gate outcome."""
        return Outcome.worst(gate.outcome for gate in self.gates)
