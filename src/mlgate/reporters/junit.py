"""JUnit XML: one ``<testsuite>`` per gate, one ``<testcase>`` per check.

CI systems (GitLab, Jenkins, Azure) show failures as failed tests, so each blocking
finding and failing metric is a ``<failure>`` and each check error an ``<error>``.
In ``warn`` mode the gate passes, so its would-be failures are listed in
``<system-out>`` instead of failing the test. The layout follows the Surefire XSD
that most consumers validate against.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET  # only writes XML; nothing here parses untrusted XML
from typing import ClassVar

from mlgate.core.finding import Finding, describe_location
from mlgate.core.verdict import CheckVerdict, GateVerdict, Mode, Outcome, Verdict
from mlgate.reporters.base import find_rule
from mlgate.reporters.escaping import xml_safe
from mlgate.reporters.explain import (
    fix_for,
    metric_sentence,
    rule_title,
    waiver_hint,
    waiver_sentence,
)
from mlgate.reporters.summary import check_errors, gate_status


def _element(tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.Element(tag, {key: xml_safe(value) for key, value in attributes.items()})
    if text is not None:
        element.text = xml_safe(text)
    return element


def _seconds(value: float) -> str:
    # The Surefire XSD only accepts plain non-negative decimals.
    return f"{value:.3f}" if math.isfinite(value) and value >= 0 else "0.000"


def _failure_body(gate: GateVerdict, check: CheckVerdict, finding: Finding) -> str:
    rule = find_rule(check, finding.rule_id)
    lines = [
        f"{rule_title(finding.rule_id, rule)} ({finding.severity.label}, "
        f"fail_on {gate.fail_on}) at {describe_location(finding.location)}",
        finding.message,
    ]
    if finding.flow:
        lines.append("Flow (source to sink):")
        lines.extend(
            f"  {number}. {describe_location(step.location)}: {step.message}"
            for number, step in enumerate(finding.flow, start=1)
        )
    lines += [
        f"Fix: {fix_for(finding, rule) or 'see the rule documentation'}",
        "Or waive it (paste into mlgate.yaml and fill in the placeholders):",
        waiver_hint(finding, gate.name),
    ]
    return "\n".join(lines)


def _failures(gate: GateVerdict, check: CheckVerdict) -> list[ET.Element]:
    failures = []
    for judged in check.blocking():
        finding = judged.finding
        message = f"{finding.rule_id} at {describe_location(finding.location)}"
        body = _failure_body(gate, check, finding)
        failures.append(_element("failure", body, message=message, type=finding.rule_id))
    for judged_metric in check.failed_metrics():
        sentence = metric_sentence(judged_metric.metric)
        failures.append(_element("failure", sentence, message=sentence, type="metric"))
    return failures


def _system_out(gate: GateVerdict, check: CheckVerdict, softened: bool) -> str:
    lines = []
    for judged in check.findings:
        finding = judged.finding
        where = describe_location(finding.location)
        label = judged.disposition.value
        if softened and label == "blocking":
            label = "would block (warn mode)"
        lines.append(f"{label}: {finding.rule_id} ({finding.severity.label}) at {where}")
    if softened:
        lines.extend(
            f"would block (warn mode): {metric_sentence(m.metric)}" for m in check.failed_metrics()
        )
    lines.extend(f"skipped input {s.path}: {s.reason}" for s in check.skipped)
    return "\n".join(lines)


def _testcase(gate: GateVerdict, check: CheckVerdict) -> ET.Element:
    case = _element(
        "testcase",
        name=check.check_id,
        classname=f"mlgate.{gate.name}",
        time=_seconds(check.duration_seconds),
    )
    softened = gate.mode is Mode.WARN
    if not softened:
        case.extend(_failures(gate, check))
    for message in check_errors(check):
        case.append(_element("error", message, message=message, type="check-error"))
    if check.outcome is Outcome.PASS and check.inputs == 0 and not check.findings:
        case.append(_element("skipped", message="no inputs were examined (allow_empty)"))
    out = _system_out(gate, check, softened)
    if out:
        case.append(_element("system-out", out))
    return case


def _suite(gate: GateVerdict) -> ET.Element:
    cases = [_testcase(gate, check) for check in gate.checks]
    count = {tag: sum(1 for c in cases if c.find(tag) is not None) for tag in ("failure", "error")}
    suite = _element(
        "testsuite",
        name=gate.name,
        tests=str(len(cases)),
        failures=str(count["failure"]),
        errors=str(count["error"]),
        skipped=str(sum(1 for c in cases if c.find("skipped") is not None)),
        time=_seconds(sum(check.duration_seconds for check in gate.checks)),
    )
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("mode", gate.mode.value),
        ("fail_on", gate.fail_on),
        ("outcome", gate_status(gate)),
    ):
        properties.append(_element("property", name=name, value=value))
    suite.extend(cases)
    waivers = [f"waiver applied: {waiver_sentence(w)}" for w in gate.waivers_applied]
    waivers += [
        f"waiver EXPIRED (no longer applies): {waiver_sentence(w)}" for w in gate.waivers_expired
    ]
    if waivers:
        suite.append(_element("system-out", "\n".join(waivers)))
    return suite


class JunitReporter:
    """JUnit XML valid against the Surefire XSD."""

    format_id: ClassVar[str] = "junit"
    media_type: ClassVar[str] = "application/xml"
    default_filename: ClassVar[str] = "mlgate-junit.xml"

    def render(self, verdict: Verdict) -> bytes:
        """The ``<testsuites>`` document, UTF-8 with an XML declaration."""
        suites = [_suite(gate) for gate in verdict.gates]
        root = _element(
            "testsuites",
            name="mlgate",
            tests=str(sum(int(s.get("tests", "0")) for s in suites)),
            failures=str(sum(int(s.get("failures", "0")) for s in suites)),
            errors=str(sum(int(s.get("errors", "0")) for s in suites)),
            time=_seconds(sum(c.duration_seconds for g in verdict.gates for c in g.checks)),
        )
        root.extend(suites)
        ET.indent(root)
        document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
        return document + b"\n"
