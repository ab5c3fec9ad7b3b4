"""Counts and one-line statuses that every reporter shows the same way."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, fields

from mlgate.core.finding import Finding, Severity
from mlgate.core.verdict import CheckVerdict, Disposition, GateVerdict, Outcome, Verdict

EMPTY_SCAN_ERROR = "no supported inputs were found, so nothing was verified"


@dataclass(frozen=True, slots=True, kw_only=True)
class Tally:
    """How many of each thing a check, a gate or a whole verdict holds."""

    checks: int = 0
    findings: int = 0
    blocking: int = 0
    below_threshold: int = 0
    waived: int = 0
    baselined: int = 0
    metrics: int = 0
    failed_metrics: int = 0
    errors: int = 0
    skipped: int = 0
    inputs: int = 0

    def __add__(self, other: Tally) -> Tally:
        values = {f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        return Tally(**values)


def check_errors(check: CheckVerdict) -> tuple[str, ...]:
    """A check's error messages; an errored check without one is an empty scan.

    The decision marks a check that examined nothing as ``error`` without adding a
    message to the check itself, so reporters name the cause here.
    """
    if check.errors:
        return check.errors
    return (EMPTY_SCAN_ERROR,) if check.outcome is Outcome.ERROR else ()


def tally_check(check: CheckVerdict) -> Tally:
    """The counts of one check."""
    dispositions = Counter(judged.disposition for judged in check.findings)
    return Tally(
        checks=1,
        findings=len(check.findings),
        blocking=dispositions[Disposition.BLOCKING],
        below_threshold=dispositions[Disposition.BELOW_THRESHOLD],
        waived=dispositions[Disposition.WAIVED],
        baselined=dispositions[Disposition.BASELINED],
        metrics=len(check.metrics),
        failed_metrics=len(check.failed_metrics()),
        errors=len(check_errors(check)),
        skipped=len(check.skipped),
        inputs=check.inputs,
    )


def tally_gate(gate: GateVerdict) -> Tally:
    """The counts of every check of a gate."""
    return sum((tally_check(check) for check in gate.checks), Tally())


def tally_verdict(verdict: Verdict) -> Tally:
    """The counts of every gate of a verdict."""
    return sum((tally_gate(gate) for gate in verdict.gates), Tally())


def severity_counts(findings: Iterable[Finding]) -> dict[Severity, int]:
    """Findings per severity, most severe first, only severities that occur."""
    counts = Counter(finding.severity for finding in findings)
    return {severity: counts[severity] for severity in sorted(counts, reverse=True)}


def describe_counts(counts: dict[Severity, int]) -> str:
    """``"2 high, 1 low"``."""
    return ", ".join(f"{count} {severity.label}" for severity, count in counts.items())


def gate_status(gate: GateVerdict) -> str:
    """The gate's outcome, saying when ``warn`` mode turned a block into a pass."""
    if gate.would_block and gate.outcome is Outcome.PASS:
        return "pass (warn mode: would block)"
    return gate.outcome.value


def outcome_line(verdict: Verdict) -> str:
    """``mlgate: block (gates: a=pass, b=block)``."""
    gates = ", ".join(f"{gate.name}={gate.outcome.value}" for gate in verdict.gates)
    return f"mlgate: {verdict.outcome.value} (gates: {gates or 'none'})"


def gate_digest(gate: GateVerdict, limit: int = 6) -> str:
    """One line per gate for the end of a long report: what blocked it, by rule or metric."""
    causes = [j.finding.rule_id for c in gate.checks for j in c.blocking()]
    causes += [m.metric.name for c in gate.checks for m in c.failed_metrics()]
    causes += [f"{c.check_id} error" for c in gate.checks if c.errors]
    unique = list(dict.fromkeys(causes))
    shown = ", ".join(unique[:limit]) + (
        f" and {len(unique) - limit} more" if len(unique) > limit else ""
    )
    return f"{gate.name}: {gate_status(gate)}" + (f" ({shown})" if shown else "")


def plural(count: int, noun: str) -> str:
    """``1 finding``, ``2 findings``."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def verdict_sentence(verdict: Verdict) -> str:
    """The overall verdict in plain words, with the counts that explain it."""
    totals = tally_verdict(verdict)
    parts = [
        plural(totals.blocking, "blocking finding"),
        plural(totals.failed_metrics, "failing metric"),
        plural(totals.errors, "check error"),
    ]
    headline = {
        Outcome.PASS: "Verdict: PASS. Every gate passed",
        Outcome.BLOCK: "Verdict: BLOCK. At least one gate blocked",
        Outcome.ERROR: "Verdict: ERROR. At least one check could not complete, so nothing "
        "is proven",
    }[verdict.outcome]
    return f"{headline} ({', '.join(parts)}; {plural(totals.waived, 'waived finding')})."


def format_seconds(seconds: float) -> str:
    """A duration like ``1.25 s``; nonsense values (negative, NaN) read as unknown."""
    if not math.isfinite(seconds) or seconds < 0:
        return "?"
    return f"{seconds:.2f} s"
