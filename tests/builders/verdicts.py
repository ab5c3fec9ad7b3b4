"""Verdicts for reporter tests: one realistic run, small variants, and hypothesis strategies.

The realistic verdict holds one of everything a reporter must explain: a blocking SQL
injection with a three-step taint flow, a waived, a baselined and a below-threshold
finding, a check that timed out, skipped inputs, a failing metric with a confidence
interval, an expired waiver, an artifact finding and a dataset finding.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from hypothesis import strategies as st

from mlgate.core.finding import (
    ArtifactLocation,
    DatasetLocation,
    Finding,
    FlowStep,
    Location,
    Severity,
    SkippedInput,
    SourceLocation,
)
from mlgate.core.metric import Comparison, ConfidenceInterval, Metric
from mlgate.core.rule import Rule
from mlgate.core.verdict import (
    CheckVerdict,
    Disposition,
    GateVerdict,
    JudgedFinding,
    JudgedMetric,
    Mode,
    Outcome,
    Verdict,
    WaiverRecord,
)

SQLI_FINGERPRINT = "5f1c0c9a2b7e4d3a8e6f1b2c3d4e5f60"
SQLI_RULE = Rule(
    id="PY001",
    slug="sql-injection",
    severity=Severity.CRITICAL,
    summary="SQL query built from untrusted input.",
    remediation="Pass user input as query parameters (cursor.execute(sql, params)).",
    cwe=(89,),
    help_uri="https://mlgate.example/rules/PY001",
    tags=("injection",),
)
SUBPROCESS_RULE = Rule(
    id="PY002",
    slug="shell-injection",
    severity=Severity.HIGH,
    summary="Shell command built from untrusted input.",
    remediation="Call subprocess with a list of arguments and shell=False.",
    cwe=(78,),
)
EVAL_RULE = Rule(
    id="PY003",
    slug="eval-of-input",
    severity=Severity.HIGH,
    summary="eval() of untrusted input.",
    remediation="Parse the input with ast.literal_eval or a real parser.",
    cwe=(95,),
)
PICKLE_RULE = Rule(
    id="ART001",
    slug="pickle-global-os-system",
    severity=Severity.CRITICAL,
    summary="Pickle imports os.system and would run a command when loaded.",
    remediation="Re-export the model as safetensors; never load this file.",
    cwe=(502,),
)
ACTIVE_WAIVER = WaiverRecord(
    index=0,
    rule="PY002",
    reason="build script runs only on trusted CI input",
    owner="alice",
    expires=date(2099, 12, 31),
    path="scripts/*.py",
)
EXPIRED_WAIVER = WaiverRecord(
    index=1,
    rule="PY003",
    reason="legacy calculator, rewrite planned",
    owner="bob",
    expires=date(2024, 1, 31),
    fingerprint="0123456789abcdef0123456789abcdef",
)


def source(path: str, line: int, column: int | None = None) -> SourceLocation:
    """A source location on one line."""
    return SourceLocation(path=path, start_line=line, start_column=column, end_line=line)


def sqli_finding() -> Finding:
    """A critical SQL injection with a source -> call -> sink flow."""
    return Finding(
        rule_id="PY001",
        severity=Severity.CRITICAL,
        message="SQL query built from request data reaches cursor.execute",
        location=SourceLocation(
            path="app/db.py", start_line=42, start_column=9, end_line=42, end_column=61
        ),
        fingerprint=SQLI_FINGERPRINT,
        cwe=(89,),
        evidence='cursor.execute(f"SELECT * FROM users WHERE name = {name}")',
        flow=(
            FlowStep(location=source("app/api.py", 10, 12), message="request.args['name']"),
            FlowStep(location=source("app/service.py", 22, 5), message="find_user(name)"),
            FlowStep(location=source("app/db.py", 42, 9), message="cursor.execute(query)"),
        ),
    )


def finding(
    rule_id: str, severity: Severity, location: Location, fingerprint: str, message: str
) -> Finding:
    """A plain finding."""
    return Finding(
        rule_id=rule_id,
        severity=severity,
        message=message,
        location=location,
        fingerprint=fingerprint,
    )


def _sast_check() -> CheckVerdict:
    judged = (
        JudgedFinding(finding=sqli_finding(), disposition=Disposition.BLOCKING),
        JudgedFinding(
            finding=finding(
                "PY002", Severity.HIGH, source("scripts/run.py", 7), "f" * 32, "shell=True"
            ),
            disposition=Disposition.WAIVED,
            waiver=ACTIVE_WAIVER,
        ),
        JudgedFinding(
            finding=finding(
                "PY003", Severity.HIGH, source("legacy/calc.py", 15), "e" * 32, "eval of input"
            ),
            disposition=Disposition.BASELINED,
            expired_waiver=EXPIRED_WAIVER,
        ),
        JudgedFinding(
            finding=finding(
                "PY004", Severity.LOW, source("app/util.py", 3), "d" * 32, "assert used"
            ),
            disposition=Disposition.BELOW_THRESHOLD,
        ),
    )
    return CheckVerdict(
        check_id="sast",
        outcome=Outcome.BLOCK,
        duration_seconds=1.25,
        findings=judged,
        inputs=12,
        rules=(SQLI_RULE, SUBPROCESS_RULE, EVAL_RULE),
    )


def _secrets_check() -> CheckVerdict:
    return CheckVerdict(
        check_id="secrets",
        outcome=Outcome.ERROR,
        duration_seconds=600.0,
        errors=("timed out after 600 s",),
        skipped=(
            SkippedInput(path="models/big.bin", reason="larger than the 2 GiB read budget"),
            SkippedInput(path="notebooks/eda.ipynb", reason="not valid JSON"),
        ),
        inputs=30,
    )


def pre_merge_gate() -> GateVerdict:
    """An enforcing gate with a blocking finding and a check that timed out."""
    return GateVerdict(
        name="pre-merge",
        mode=Mode.ENFORCE,
        fail_on="high",
        outcome=Outcome.ERROR,
        would_block=True,
        checks=(_sast_check(), _secrets_check()),
        reasons=("secrets: timed out after 600 s", "sast: PY001 (critical) at app/db.py:42"),
        waivers_applied=(ACTIVE_WAIVER,),
        waivers_expired=(EXPIRED_WAIVER,),
    )


AUC = Metric(
    name="auc",
    value=0.81,
    threshold=0.85,
    comparison=Comparison.GE,
    ci=ConfidenceInterval(low=0.79, high=0.83, level=0.95),
    n=1200,
    decide_on="ci_high",
)
PARITY = Metric(name="demographic_parity_difference", value=0.03, threshold=0.1)


def _model_check() -> CheckVerdict:
    return CheckVerdict(
        check_id="model",
        outcome=Outcome.BLOCK,
        duration_seconds=3.5,
        metrics=(
            JudgedMetric(metric=AUC, acceptable=False),
            JudgedMetric(metric=PARITY, acceptable=True),
        ),
        inputs=2,
    )


def _artifacts_check() -> CheckVerdict:
    location = ArtifactLocation(path="models/model.pkl", member="archive/data.pkl", offset=120)
    pickle = finding("ART001", Severity.CRITICAL, location, "c" * 32, "GLOBAL os.system")
    dataset = finding(
        "DS001",
        Severity.MEDIUM,
        DatasetLocation(dataset_id="churn-2024", path="data/churn.parquet", column="email"),
        "b" * 32,
        "dataset digest differs from the registry",
    )
    return CheckVerdict(
        check_id="artifacts",
        outcome=Outcome.BLOCK,
        duration_seconds=0.5,
        findings=(
            JudgedFinding(finding=pickle, disposition=Disposition.BLOCKING),
            JudgedFinding(finding=dataset, disposition=Disposition.BELOW_THRESHOLD),
        ),
        inputs=3,
        rules=(PICKLE_RULE,),
    )


def post_train_gate() -> GateVerdict:
    """An enforcing gate blocked by a metric and a malicious pickle."""
    return GateVerdict(
        name="post-train",
        mode=Mode.ENFORCE,
        fail_on="high",
        outcome=Outcome.BLOCK,
        would_block=True,
        checks=(_model_check(), _artifacts_check()),
        reasons=("model: metric auc = 0.83 fails >= 0.85",),
    )


def realistic_verdict() -> Verdict:
    """Two gates holding one of everything a reporter must explain."""
    return Verdict(
        gates=(pre_merge_gate(), post_train_gate()),
        tool_version="0.1.0",
        created_at="2025-03-01T12:00:00Z",
        baseline=".mlgate-baseline.json",
    )


def passing_verdict() -> Verdict:
    """One gate whose only check passed cleanly."""
    check = CheckVerdict(check_id="sast", outcome=Outcome.PASS, duration_seconds=0.2, inputs=4)
    gate = GateVerdict(
        name="pre-merge",
        mode=Mode.ENFORCE,
        fail_on="high",
        outcome=Outcome.PASS,
        would_block=False,
        checks=(check,),
    )
    return Verdict(gates=(gate,), tool_version="0.1.0", created_at="2025-03-01T12:00:00Z")


def warn_mode_verdict() -> Verdict:
    """The pre-merge gate in warn mode without the errored check: passes, would block."""
    gate = replace(
        pre_merge_gate(),
        mode=Mode.WARN,
        outcome=Outcome.PASS,
        checks=(_sast_check(),),
    )
    return replace(realistic_verdict(), gates=(gate,))


def many_findings_verdict(count: int, message: str = "finding") -> Verdict:
    """One enforcing gate with ``count`` blocking high findings in distinct files."""
    judged = tuple(
        JudgedFinding(
            finding=finding(
                "PY001", Severity.HIGH, source(f"app/m{i}.py", i + 1), f"{i:032x}", message
            ),
            disposition=Disposition.BLOCKING,
        )
        for i in range(count)
    )
    check = CheckVerdict(
        check_id="sast", outcome=Outcome.BLOCK, duration_seconds=1.0, findings=judged, inputs=count
    )
    gate = replace(pre_merge_gate(), outcome=Outcome.BLOCK, checks=(check,))
    return replace(realistic_verdict(), gates=(gate,))


# Strings that broke reporters elsewhere: markup, escapes, XML terminators, controls.
HOSTILE = (
    "",
    "<script>alert(1)</script>",
    "]]>",
    "%0A::error::injected",
    "a|b\n| c |",
    "line1\r\nline2\n::warning::x",
    "\x00\x01\x1b[31mred\x1b[0m\x7f\x85",
    "[bold]rich markup[/bold] [link=https://x]x[/link]",
    "C:\\Users\\x\\a,b:c.py",
    "/etc/passwd",
    "../../outside.py",
    "\u202eevil\u200b",
    "\ud800 lone surrogate",
    "emoji \U0001f600 and ümlaut",
    "`code` *em* _u_ ![img](x) [a](javascript:alert(1))",
    "\ufffe\uffff",
)
hostile_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=30),
    # Very long messages, built by repetition: cheap for hypothesis to generate.
    st.builds(lambda part, times: part * times, st.sampled_from(HOSTILE[1:]), st.integers(50, 400)),
)
short_text = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=12))
floats = st.floats(allow_nan=True, allow_infinity=True)
small_ints = st.one_of(st.none(), st.integers(min_value=-3, max_value=10**6))

source_locations = st.builds(
    SourceLocation,
    path=short_text,
    start_line=small_ints,
    start_column=small_ints,
    end_line=small_ints,
    end_column=small_ints,
    snippet=st.none() | short_text,
)
locations = st.one_of(
    source_locations,
    st.builds(ArtifactLocation, path=short_text, member=st.none() | short_text, offset=small_ints),
    st.builds(
        DatasetLocation,
        dataset_id=short_text,
        path=st.none() | short_text,
        column=st.none() | short_text,
    ),
)
findings = st.builds(
    Finding,
    rule_id=short_text,
    severity=st.sampled_from(Severity),
    message=hostile_text,
    location=locations,
    fingerprint=short_text,
    cwe=st.lists(st.integers(min_value=1, max_value=2000), max_size=2).map(tuple),
    evidence=st.none() | short_text,
    remediation=st.none() | short_text,
    flow=st.lists(
        st.builds(FlowStep, location=source_locations, message=short_text), max_size=3
    ).map(tuple),
    tags=st.lists(short_text, max_size=2).map(tuple),
    properties=st.lists(st.tuples(short_text, short_text), max_size=2).map(tuple),
)
waivers = st.builds(
    WaiverRecord,
    index=st.integers(min_value=0, max_value=99),
    rule=short_text,
    reason=short_text,
    owner=short_text,
    expires=st.dates(),
    path=st.none() | short_text,
    fingerprint=st.none() | short_text,
    artifact=st.none() | short_text,
    gates=st.lists(short_text, max_size=2).map(tuple),
)
judged_findings = st.builds(
    JudgedFinding,
    finding=findings,
    disposition=st.sampled_from(Disposition),
    waiver=st.none() | waivers,
    expired_waiver=st.none() | waivers,
)
metrics = st.builds(
    Metric,
    name=short_text,
    value=floats,
    threshold=st.none() | floats,
    comparison=st.sampled_from(Comparison),
    ci=st.none() | st.builds(ConfidenceInterval, low=floats, high=floats, level=floats),
    n=small_ints,
    description=st.none() | short_text,
    decide_on=st.sampled_from(["value", "ci_low", "ci_high"]),
)
rules = st.builds(
    Rule,
    id=short_text,
    slug=short_text,
    severity=st.sampled_from(Severity),
    summary=short_text,
    remediation=short_text,
    cwe=st.lists(st.integers(min_value=1, max_value=2000), max_size=2).map(tuple),
    help_uri=st.none() | st.sampled_from(["https://example.org/r", "javascript:alert(1)"]),
    tags=st.lists(short_text, max_size=2).map(tuple),
)
check_verdicts = st.builds(
    CheckVerdict,
    check_id=short_text,
    outcome=st.sampled_from(Outcome),
    duration_seconds=floats,
    findings=st.lists(judged_findings, max_size=4).map(tuple),
    metrics=st.lists(
        st.builds(JudgedMetric, metric=metrics, acceptable=st.booleans()), max_size=2
    ).map(tuple),
    skipped=st.lists(st.builds(SkippedInput, path=short_text, reason=short_text), max_size=2).map(
        tuple
    ),
    errors=st.lists(hostile_text, max_size=2).map(tuple),
    inputs=st.integers(min_value=0, max_value=100),
    rules=st.lists(rules, max_size=2).map(tuple),
)
gate_verdicts = st.builds(
    GateVerdict,
    name=short_text,
    mode=st.sampled_from(Mode),
    fail_on=st.sampled_from([s.label for s in Severity]),
    outcome=st.sampled_from(Outcome),
    would_block=st.booleans(),
    checks=st.lists(check_verdicts, max_size=3).map(tuple),
    reasons=st.lists(short_text, max_size=2).map(tuple),
    waivers_applied=st.lists(waivers, max_size=2).map(tuple),
    waivers_expired=st.lists(waivers, max_size=2).map(tuple),
)
verdicts = st.builds(
    Verdict,
    gates=st.lists(gate_verdicts, max_size=3).map(tuple),
    tool_version=short_text,
    created_at=short_text,
    root=st.sampled_from([".", "/srv/repo", "C:\\repo"]),
    baseline=st.none() | short_text,
    baseline_unmatched=st.integers(min_value=0, max_value=5),
)
