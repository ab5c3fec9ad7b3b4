"""The gate decision: pure, no I/O, and it returns every reason, not the first.

``decide`` is monotone: adding a finding, an error or a failing metric never turns
a ``block`` or ``error`` into ``pass``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from mlgate.core.baseline import EMPTY_BASELINE, Baseline
from mlgate.core.changes import FAIL_CLOSED, ChangeSet
from mlgate.core.check import CheckResult
from mlgate.core.finding import Finding, Severity, describe_location
from mlgate.core.gate import GatePlan
from mlgate.core.verdict import (
    CheckVerdict,
    Disposition,
    GateVerdict,
    JudgedFinding,
    JudgedMetric,
    Mode,
    Outcome,
    WaiverRecord,
)
from mlgate.core.waivers import applies_to_gate, is_expired, match_waiver


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckRun:
    """One check's raw result as the runner collected it."""

    check_id: str
    result: CheckResult
    duration_seconds: float = 0.0
    fail_on: Severity | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DecisionInputs:
    """Everything besides the check results that a decision depends on.

    ``changes`` (pull-request mode) limits the judged findings to changed lines and files.
    """

    waivers: tuple[WaiverRecord, ...] = ()
    baseline: Baseline = EMPTY_BASELINE
    today: date
    changes: ChangeSet | None = None


def _judge_finding(
    finding: Finding, fail_on: Severity, gate: str, inputs: DecisionInputs
) -> JudgedFinding:
    match = match_waiver(inputs.waivers, finding, gate=gate, today=inputs.today)
    # Unanalysed input is not debt to accept once: only a reviewed, expiring waiver
    # lets it through, whatever the threshold (see mlgate.core.changes.FAIL_CLOSED).
    fail_closed = FAIL_CLOSED in finding.tags
    if finding.fingerprint in inputs.baseline and not fail_closed:
        disposition = Disposition.BASELINED
    elif match.active is not None:
        disposition = Disposition.WAIVED
    elif finding.severity < fail_on and not fail_closed:
        disposition = Disposition.BELOW_THRESHOLD
    else:
        disposition = Disposition.BLOCKING
    active = match.active if disposition is Disposition.WAIVED else None
    return JudgedFinding(
        finding=finding, disposition=disposition, waiver=active, expired_waiver=match.expired
    )


def _reasons_for(check: CheckVerdict, empty_is_error: bool) -> list[str]:
    reasons = [f"{check.check_id}: {message}" for message in check.errors]
    if empty_is_error:
        reasons.append(
            f"{check.check_id}: no supported inputs were found, so nothing was verified "
            "(fix the check's `paths`, or set `allow_empty: true` on the gate)"
        )
    for judged in check.blocking():
        finding = judged.finding
        where = describe_location(finding.location)
        reasons.append(
            f"{check.check_id}: {finding.rule_id} ({finding.severity.label}) at {where}: "
            f"{finding.message}"
        )
    for judged_metric in check.failed_metrics():
        metric = judged_metric.metric
        reasons.append(
            f"{check.check_id}: metric {metric.name} = {metric.decisive_value():.6g} "
            f"fails {metric.comparison.value} {metric.threshold:.6g}"
        )
    return reasons


def _judge_check(
    run: CheckRun, plan: GatePlan, inputs: DecisionInputs
) -> tuple[CheckVerdict, list[str]]:
    result = run.result
    fail_on = run.fail_on if run.fail_on is not None else plan.fail_on
    findings = result.findings if inputs.changes is None else inputs.changes.select(result.findings)
    judged = tuple(_judge_finding(f, fail_on, plan.name, inputs) for f in findings)
    metrics = tuple(JudgedMetric(metric=m, acceptable=m.is_acceptable()) for m in result.metrics)
    is_empty = result.inputs == 0 and not result.findings and not result.metrics
    empty_is_error = is_empty and not plan.allow_empty and not result.errors
    blocks = any(j.disposition is Disposition.BLOCKING for j in judged) or any(
        not m.acceptable for m in metrics
    )
    if result.errors or empty_is_error:
        outcome = Outcome.ERROR
    else:
        outcome = Outcome.BLOCK if blocks else Outcome.PASS
    verdict = CheckVerdict(
        check_id=run.check_id,
        outcome=outcome,
        duration_seconds=run.duration_seconds,
        findings=judged,
        metrics=metrics,
        skipped=result.skipped,
        errors=result.errors,
        inputs=result.inputs,
        rules=result.rules,
        figures=result.figures,
    )
    return verdict, _reasons_for(verdict, empty_is_error)


def decide(plan: GatePlan, runs: Sequence[CheckRun], inputs: DecisionInputs) -> GateVerdict:
    """Decide one gate from its checks' results, waivers and baseline."""
    checks: list[CheckVerdict] = []
    reasons: list[str] = []
    for run in runs:
        verdict, check_reasons = _judge_check(run, plan, inputs)
        checks.append(verdict)
        reasons.extend(check_reasons)
    if not runs:
        reasons.append("the gate has no checks, so nothing was verified")
    raw = Outcome.worst(c.outcome for c in checks) if runs else Outcome.ERROR
    softened = plan.mode is Mode.WARN and raw is Outcome.BLOCK
    # An error outranks a block, but the blocks found alongside it still count.
    blocks = any(c.blocking() or c.failed_metrics() for c in checks)
    applied = {j.waiver for c in checks for j in c.findings if j.waiver is not None}
    outside = sum(len(r.result.findings) for r in runs) - sum(len(c.findings) for c in checks)
    return GateVerdict(
        name=plan.name,
        mode=plan.mode,
        fail_on=plan.fail_on.label,
        outcome=Outcome.PASS if softened else raw,
        would_block=blocks,
        checks=tuple(checks),
        reasons=tuple(reasons),
        waivers_applied=tuple(sorted(applied, key=lambda w: w.index)),
        waivers_expired=tuple(
            w
            for w in inputs.waivers
            if is_expired(w, inputs.today) and applies_to_gate(w, plan.name)
        ),
        findings_outside_changes=outside,
    )
