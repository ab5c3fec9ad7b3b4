from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace

from hypothesis import given, settings

from builders.report_schemas import validate_junit
from builders.verdicts import (
    HOSTILE,
    passing_verdict,
    realistic_verdict,
    verdicts,
    warn_mode_verdict,
)
from mlgate.core.verdict import Verdict
from mlgate.reporters.junit import JunitReporter


def _render(verdict: Verdict) -> ET.Element:
    data = JunitReporter().render(verdict)
    validate_junit(data)
    return ET.fromstring(data)  # noqa: S314  # parsing our own output in a test


def test_one_suite_per_gate_one_case_per_check() -> None:
    root = _render(realistic_verdict())
    assert root.tag == "testsuites"
    assert dict(root.attrib) == {
        "name": "mlgate",
        "tests": "4",
        "failures": "3",
        "errors": "1",
        "time": "605.250",
    }
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["pre-merge", "post-train"]
    assert [c.get("name") for c in suites[0].findall("testcase")] == ["sast", "secrets"]
    properties = {p.get("name"): p.get("value") for p in suites[0].iter("property")}
    assert properties == {"mode": "enforce", "fail_on": "high", "outcome": "error"}


def test_blocking_finding_is_a_failure_with_fix_and_waiver() -> None:
    sast = _render(realistic_verdict()).findall("testsuite")[0].findall("testcase")[0]
    failures = sast.findall("failure")
    assert len(failures) == 1
    failure = failures[0]
    assert failure.get("type") == "PY001"
    assert failure.get("message") == "PY001 at app/db.py:42"
    body = failure.text or ""
    assert body.startswith("PY001 sql-injection (critical, fail_on high) at app/db.py:42\n")
    assert "  2. app/service.py:22: find_user(name)\n" in body
    assert "Fix: Pass user input as query parameters" in body
    assert '    fingerprint: "5f1c0c9a2b7e4d3a8e6f1b2c3d4e5f60"' in body
    out = sast.find("system-out")
    assert out is not None
    assert (out.text or "").splitlines() == [
        "blocking: PY001 (critical) at app/db.py:42",
        "waived: PY002 (high) at scripts/run.py:7",
        "baselined: PY003 (high) at legacy/calc.py:15",
        "below-threshold: PY004 (low) at app/util.py:3",
    ]


def test_check_error_metric_failure_and_skipped_inputs() -> None:
    suites = _render(realistic_verdict()).findall("testsuite")
    secrets = suites[0].findall("testcase")[1]
    error = secrets.find("error")
    assert error is not None
    assert (error.get("type"), error.get("message")) == ("check-error", "timed out after 600 s")
    out = secrets.find("system-out")
    assert out is not None
    assert "skipped input models/big.bin: larger than the 2 GiB read budget" in (out.text or "")
    model = suites[1].findall("testcase")[0]
    metric = model.find("failure")
    assert metric is not None
    assert metric.get("type") == "metric"
    assert metric.get("message", "").startswith(
        "auc = 0.81 (95% CI 0.79 to 0.83, n=1200); must be >="
    )
    suite_out = suites[0].find("system-out")
    assert suite_out is not None
    assert "waiver EXPIRED (no longer applies): #1 PY003" in (suite_out.text or "")


def test_warn_mode_lists_would_block_findings_without_failing() -> None:
    root = _render(warn_mode_verdict())
    case = root.find("testsuite/testcase")
    assert case is not None
    assert case.find("failure") is None
    out = case.find("system-out")
    assert out is not None
    assert "would block (warn mode): PY001 (critical) at app/db.py:42" in (out.text or "")


def test_allowed_empty_check_is_skipped() -> None:
    verdict = passing_verdict()
    check = replace(verdict.gates[0].checks[0], inputs=0)
    gate = replace(verdict.gates[0], checks=(check,))
    root = _render(replace(verdict, gates=(gate,)))
    skipped = root.find("testsuite/testcase/skipped")
    assert skipped is not None
    assert skipped.get("message") == "no inputs were examined (allow_empty)"
    assert root.find("testsuite").get("skipped") == "1"  # type: ignore[union-attr]


def test_control_characters_and_terminators_survive_as_text() -> None:
    verdict = realistic_verdict()
    check = replace(verdict.gates[0].checks[1], errors=tuple(HOSTILE))
    gate = replace(verdict.gates[0], checks=(check,))
    root = _render(replace(verdict, gates=(gate,)))
    messages = [e.get("message") for e in root.iter("error")]
    assert "]]>" in messages
    assert "<script>alert(1)</script>" in messages
    assert "\\x00\\x01\\x1b[31mred\\x1b[0m\x7f\x85" in messages


@settings(max_examples=60, deadline=None)
@given(verdicts)
def test_every_verdict_is_valid_junit(verdict: Verdict) -> None:
    root = _render(verdict)
    assert len(root.findall("testsuite")) == len(verdict.gates)
