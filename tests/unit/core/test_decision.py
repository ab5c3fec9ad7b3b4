from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from mlgate.core.baseline import Baseline
from mlgate.core.check import CheckConfig, CheckResult
from mlgate.core.decision import CheckRun, DecisionInputs, decide
from mlgate.core.finding import Finding, Severity, SourceLocation
from mlgate.core.gate import GatePlan, PlannedCheck
from mlgate.core.metric import Comparison, ConfidenceInterval, Metric
from mlgate.core.verdict import Disposition, Mode, Outcome, WaiverRecord

TODAY = date(2026, 11, 26)


def finding(rule: str = "R1", severity: Severity = Severity.HIGH, path: str = "app.py") -> Finding:
    return Finding(
        rule_id=rule,
        severity=severity,
        message=f"{rule} in {path}",
        location=SourceLocation(path=path, start_line=3),
        fingerprint=f"fp-{rule}-{path}-{severity.label}",
    )


def plan(mode: Mode = Mode.ENFORCE, fail_on: Severity = Severity.HIGH, **kw: bool) -> GatePlan:
    check = PlannedCheck(check_id="c", target="x:y", config=CheckConfig())
    return GatePlan(name="g", mode=mode, fail_on=fail_on, checks=(check,), **kw)


def run(*findings: Finding, inputs: int = 1, **kw: object) -> CheckRun:
    return CheckRun(check_id="c", result=CheckResult(findings=findings, inputs=inputs, **kw))  # type: ignore[arg-type]  # test helper forwards keywords


def waiver(expires: date, path: str | None = None, fingerprint: str | None = None) -> WaiverRecord:
    return WaiverRecord(
        index=0,
        rule="R1",
        reason="accepted",
        owner="me",
        expires=expires,
        path=path,
        fingerprint=fingerprint,
    )


def test_high_finding_blocks_and_explains() -> None:
    verdict = decide(plan(), [run(finding())], DecisionInputs(today=TODAY))
    assert verdict.outcome is Outcome.BLOCK and verdict.would_block
    assert verdict.reasons == ("c: R1 (high) at app.py:3: R1 in app.py",)
    assert verdict.checks[0].findings[0].disposition is Disposition.BLOCKING


def test_below_fail_on_is_reported_but_passes() -> None:
    verdict = decide(plan(), [run(finding(severity=Severity.MEDIUM))], DecisionInputs(today=TODAY))
    assert verdict.outcome is Outcome.PASS
    assert verdict.checks[0].findings[0].disposition is Disposition.BELOW_THRESHOLD


def test_per_check_fail_on_overrides_gate() -> None:
    runs = [
        CheckRun(
            check_id="c",
            result=CheckResult(findings=(finding(severity=Severity.LOW),), inputs=1),
            fail_on=Severity.LOW,
        )
    ]
    assert decide(plan(), runs, DecisionInputs(today=TODAY)).outcome is Outcome.BLOCK


def test_warn_mode_passes_but_keeps_reasons() -> None:
    verdict = decide(plan(mode=Mode.WARN), [run(finding())], DecisionInputs(today=TODAY))
    assert verdict.outcome is Outcome.PASS and verdict.would_block
    assert len(verdict.reasons) == 1


def test_errors_are_never_softened_by_warn_mode() -> None:
    verdict = decide(
        plan(mode=Mode.WARN), [run(errors=("timed out",))], DecisionInputs(today=TODAY)
    )
    assert verdict.outcome is Outcome.ERROR
    assert verdict.reasons == ("c: timed out",)


def test_empty_scan_is_an_error_unless_allowed() -> None:
    empty = run(inputs=0)
    assert decide(plan(), [empty], DecisionInputs(today=TODAY)).outcome is Outcome.ERROR
    allowed = decide(plan(allow_empty=True), [empty], DecisionInputs(today=TODAY))
    assert allowed.outcome is Outcome.PASS


def test_gate_without_checks_is_an_error() -> None:
    assert decide(plan(), [], DecisionInputs(today=TODAY)).outcome is Outcome.ERROR


def test_active_waiver_applies_through_its_expiry_day() -> None:
    inputs = DecisionInputs(waivers=(waiver(TODAY, path="app.py"),), today=TODAY)
    verdict = decide(plan(), [run(finding())], inputs)
    assert verdict.outcome is Outcome.PASS
    judged = verdict.checks[0].findings[0]
    assert judged.disposition is Disposition.WAIVED and judged.waiver is not None
    assert verdict.waivers_applied == (judged.waiver,)
    assert verdict.waivers_expired == ()


def test_expired_waiver_stops_applying_and_is_reported() -> None:
    old = waiver(TODAY - timedelta(days=1), path="app.py")
    verdict = decide(plan(), [run(finding())], DecisionInputs(waivers=(old,), today=TODAY))
    assert verdict.outcome is Outcome.BLOCK
    assert verdict.checks[0].findings[0].expired_waiver == old
    assert verdict.waivers_expired == (old,)


def test_waiver_scope_must_match_every_field() -> None:
    other_path = waiver(TODAY, path="other.py")
    wrong_fp = waiver(TODAY, path="app.py", fingerprint="nope")
    for w in (other_path, wrong_fp):
        verdict = decide(plan(), [run(finding())], DecisionInputs(waivers=(w,), today=TODAY))
        assert verdict.outcome is Outcome.BLOCK


def test_baseline_accepts_known_findings_only() -> None:
    known, new = finding("R1"), finding("R2")
    inputs = DecisionInputs(baseline=Baseline(frozenset({known.fingerprint})), today=TODAY)
    verdict = decide(plan(), [run(known, new)], inputs)
    dispositions = [j.disposition for j in verdict.checks[0].findings]
    assert dispositions == [Disposition.BASELINED, Disposition.BLOCKING]
    assert verdict.outcome is Outcome.BLOCK


def test_failing_metric_blocks_with_measured_and_threshold() -> None:
    metric = Metric(
        name="auc_drop",
        value=0.01,
        threshold=0.02,
        comparison=Comparison.LE,
        ci=ConfidenceInterval(low=-0.01, high=0.035, level=0.95),
        decide_on="ci_high",
    )
    verdict = decide(plan(), [run(metrics=(metric,))], DecisionInputs(today=TODAY))
    assert verdict.outcome is Outcome.BLOCK
    assert verdict.reasons == ("c: metric auc_drop = 0.035 fails <= 0.02",)


severities = st.sampled_from(list(Severity))


@given(
    st.lists(severities, max_size=6),
    st.lists(severities, max_size=3),
    st.booleans(),
    st.sampled_from(list(Mode)),
)
def test_decide_is_monotone(
    before: list[Severity], added: list[Severity], add_error: bool, mode: Mode
) -> None:
    # Adding findings or an error never turns a block or an error into a pass.
    base = [finding(f"R{i}", s) for i, s in enumerate(before)]
    more = base + [finding(f"N{i}", s) for i, s in enumerate(added)]
    errors = ("boom",) if add_error else ()
    first = decide(plan(mode=mode), [run(*base)], DecisionInputs(today=TODAY))
    second = decide(plan(mode=mode), [run(*more, errors=errors)], DecisionInputs(today=TODAY))
    assert second.outcome.rank >= first.outcome.rank
    assert second.would_block >= first.would_block
