"""SARIF ``reportingDescriptor`` objects (``tool.driver.rules``) built from rule metadata.

``security-severity`` is what GitHub code scanning sorts and filters alerts by; it
reads the number as CVSS-like bands (>= 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium,
0.1-3.9 low). Each mlgate severity maps to a score inside its own band:

====================  ====================
mlgate severity       security-severity
====================  ====================
critical              "9.5"
high                  "8.0"
medium                "5.5"
low                   "3.0"
info                  "0.0" (no band)
====================  ====================
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from mlgate.core.finding import Finding, Severity
from mlgate.core.rule import Rule
from mlgate.reporters.base import severity_level
from mlgate.reporters.escaping import markdown_inline, one_line, shorten

SECURITY_SEVERITY: dict[Severity, str] = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "0.0",
}
# SARIF's precision vocabulary; a rule opts into another value with a "precision:<v>" tag.
_PRECISIONS = ("very-high", "high", "medium", "low")
_SLUG_NOISE = re.compile(r"[^a-z0-9]+")


def _unique(values: Iterable[str]) -> list[str]:
    # SARIF property-bag tags must be distinct; keep first-seen order for stable output.
    return list(dict.fromkeys(values))


def _precision(rule: Rule, declared: bool) -> str:
    for tag in rule.tags:
        name, _, value = tag.partition(":")
        if name == "precision" and value in _PRECISIONS:
            return value
    # Declared rules come with reviewed metadata; rules only seen in findings (from an
    # ingested SARIF file, say) are of unknown quality.
    return "high" if declared else "medium"


def _tags(rule: Rule) -> list[str]:
    plain = [tag for tag in rule.tags if not tag.startswith("precision:")]
    cwes = [f"external/cwe/cwe-{number}" for number in rule.cwe]
    return _unique(["security", *plain, *cwes])


def _help(rule: Rule) -> dict[str, str]:
    summary = rule.summary or rule.id
    remediation = rule.remediation or "Fix the reported code or configuration."
    waive = f"To accept the risk instead, add a reviewed waiver for rule {rule.id} to mlgate.yaml."
    text = f"{summary}\n\nHow to fix: {remediation}\n\n{waive}"
    markdown = (
        f"{markdown_inline(summary, 4000)}\n\n**How to fix:** "
        f"{markdown_inline(remediation, 4000)}\n\n{markdown_inline(waive, 4000)}"
    )
    return {"text": text, "markdown": markdown}


def _is_web_uri(uri: str | None) -> bool:
    return uri is not None and uri.startswith(("https://", "http://"))


def descriptor(rule: Rule, *, fail_on: str, declared: bool = True) -> dict[str, Any]:
    """The SARIF rule object for ``rule``, its default level set by the gate's ``fail_on``."""
    summary = rule.summary or rule.id
    result: dict[str, Any] = {
        "id": rule.id,
        "name": rule.slug or slug_of(rule.id),
        "shortDescription": {"text": shorten(one_line(summary), 200)},
        "fullDescription": {"text": summary},
        "help": _help(rule),
        "defaultConfiguration": {"level": severity_level(rule.severity, fail_on)},
        "properties": {
            "tags": _tags(rule),
            "precision": _precision(rule, declared),
            "security-severity": SECURITY_SEVERITY[rule.severity],
        },
    }
    if _is_web_uri(rule.help_uri):
        result["helpUri"] = rule.help_uri
    return result


def slug_of(rule_id: str) -> str:
    """A readable name for a rule without metadata: ``SARIF/py.sql`` -> ``sarif-py-sql``."""
    return _SLUG_NOISE.sub("-", rule_id.lower()).strip("-") or "rule"


def rule_from_findings(rule_id: str, findings: Sequence[Finding]) -> Rule:
    """A minimal rule for an id no check described, from what its findings say."""
    remediation = next((f.remediation for f in findings if f.remediation), "")
    return Rule(
        id=rule_id,
        slug=slug_of(rule_id),
        severity=max((f.severity for f in findings), default=Severity.MEDIUM),
        summary=f"Findings reported under rule {rule_id}.",
        remediation=remediation,
        cwe=tuple(_unique_ints(number for f in findings for number in f.cwe)),
        tags=tuple(_unique(tag for f in findings for tag in f.tags)),
    )


def _unique_ints(values: Iterable[int]) -> list[int]:
    return list(dict.fromkeys(values))


def rule_table(
    declared: Iterable[Rule], findings: Sequence[Finding], *, fail_on: str
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """``tool.driver.rules`` and each rule id's index in it (every finding's rule present)."""
    known: dict[str, Rule] = {}
    for rule in declared:
        known.setdefault(rule.id, rule)
    descriptors = [descriptor(rule, fail_on=fail_on) for rule in known.values()]
    missing: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.rule_id not in known:
            missing.setdefault(finding.rule_id, []).append(finding)
    for rule_id, found in missing.items():
        minimal = rule_from_findings(rule_id, found)
        descriptors.append(descriptor(minimal, fail_on=fail_on, declared=False))
    index = {entry["id"]: position for position, entry in enumerate(descriptors)}
    return descriptors, index
