"""Pull-request mode in the decision: findings narrowed to changed lines, the rest counted."""

from __future__ import annotations

from datetime import date

from mlgate.core.changes import ChangedFile, ChangeScope, ChangeSet, merge_spans, normal_path
from mlgate.core.check import CheckResult
from mlgate.core.decision import CheckRun, DecisionInputs, decide
from mlgate.core.finding import (
    ArtifactLocation,
    DatasetLocation,
    Finding,
    FlowStep,
    Location,
    Severity,
    SourceLocation,
)
from mlgate.core.gate import GatePlan
from mlgate.core.verdict import Outcome

CHANGES = ChangeSet(
    since="origin/main",
    base="0123456789abcdef",
    files=(
        ChangedFile(path="app/api.py", spans=((10, 12), (40, 40))),
        ChangedFile(path="model/new.pkl", whole=True),
    ),
)


def finding(location: Location, *flow: SourceLocation, name: str = "f") -> Finding:
    steps = tuple(FlowStep(location=step, message="step") for step in flow)
    return Finding(
        rule_id="R1", severity=Severity.HIGH, message=name, location=location,
        fingerprint=name, flow=steps,
    )  # fmt: skip


def src(path: str, line: int | None, end: int | None = None) -> SourceLocation:
    return SourceLocation(path=path, start_line=line, end_line=end)


def test_findings_on_changed_lines_or_changed_files_are_kept() -> None:
    kept = [
        finding(src("app/api.py", 11), name="on a changed line"),
        finding(src("./app/api.py", 40), name="spelled with ./"),
        finding(src("app/api.py", 5, 10), name="span ends on a changed line"),
        finding(src("app/api.py", None), name="no line in a changed file"),
        finding(src("app/old.py", 3), src("app/api.py", 12), name="flow step changed"),
        finding(ArtifactLocation(path="model/new.pkl", member="data.pkl"), name="artifact"),
        finding(src("model/new.pkl", 999), name="binary file changed as a whole"),
        finding(DatasetLocation(dataset_id="churn"), name="no file to place it by"),
    ]
    left_out = [
        finding(src("app/api.py", 13), name="next to a change"),
        finding(src("app/api.py", 1, 9), name="span before the change"),
        finding(src("app/old.py", 11), name="unchanged file"),
        finding(ArtifactLocation(path="model/old.pkl"), name="unchanged artifact"),
        finding(DatasetLocation(dataset_id="churn", path="data/x.csv"), name="unchanged data"),
    ]
    assert CHANGES.select([*left_out, *kept]) == tuple(kept)


def test_merge_spans_sorts_and_joins_touching_spans() -> None:
    assert merge_spans([(5, 6), (1, 2), (3, 4), (10, 12), (11, 11)]) == ((1, 6), (10, 12))
    assert merge_spans([(5, 6), (1, 3)]) == ((1, 3), (5, 6))
    assert merge_spans([]) == ()


def test_normal_path() -> None:
    assert [normal_path(p) for p in ("./a/b.py", "a\\b.py", "a//b.py", "")] == [
        "a/b.py", "a/b.py", "a/b.py", "",
    ]  # fmt: skip


def test_scope_records_ref_base_and_file_count() -> None:
    assert CHANGES.scope() == ChangeScope(
        since="origin/main", base="0123456789abcdef", changed_files=2
    )


def test_decide_judges_only_changed_findings_and_counts_the_rest() -> None:
    old = finding(src("app/old.py", 3), name="old")
    new = finding(src("app/api.py", 10), name="new")
    run = CheckRun(check_id="sast", result=CheckResult(findings=(old, new), inputs=2))
    plan = GatePlan(name="pre-merge")
    full = decide(plan, [run], DecisionInputs(today=date(2025, 1, 1)))
    scoped = decide(plan, [run], DecisionInputs(today=date(2025, 1, 1), changes=CHANGES))
    assert [j.finding.message for j in full.checks[0].findings] == ["old", "new"]
    assert full.findings_outside_changes == 0
    assert [j.finding.message for j in scoped.checks[0].findings] == ["new"]
    assert (scoped.outcome, scoped.findings_outside_changes) == (Outcome.BLOCK, 1)


def test_a_check_whose_findings_are_all_left_out_passes_and_is_not_empty() -> None:
    old = finding(src("app/old.py", 3), name="old")
    run = CheckRun(check_id="sast", result=CheckResult(findings=(old,), inputs=1))
    verdict = decide(
        GatePlan(name="pre-merge"), [run], DecisionInputs(today=date(2025, 1, 1), changes=CHANGES)
    )
    assert (verdict.outcome, verdict.reasons, verdict.findings_outside_changes) == (
        Outcome.PASS, (), 1,
    )  # fmt: skip
