"""Findings and rule metadata of the team's own policies.

Rule ids name the policy rule (``rego/main.deny_run_as_root``, ``cel/replicas-bounded``),
so waivers and baselines address one rule of one policy. The fingerprint hashes the
message and the document index, never the line.
"""

from __future__ import annotations

import re

from mlgate.checks.rego.cel import CelRule
from mlgate.checks.rego.inputs import PolicyInput
from mlgate.checks.rego.results import RuleResult
from mlgate.core.finding import Finding, Severity, SourceLocation
from mlgate.core.fingerprint import fingerprint
from mlgate.core.rule import Rule

_REMEDIATION = (
    "Change the input as the policy's message says; for an accepted case add an "
    "`exception` rule to the policy or an mlgate waiver with an expiry."
)
_SLUG = re.compile(r"[^a-z0-9]+")


def _slug(text: str) -> str:
    return _SLUG.sub("-", text.lower()).strip("-")


def rego_rule(result: RuleResult, failure: Severity, warning: Severity) -> Rule:
    """The metadata of the Rego rule that produced ``result``."""
    default = failure if result.kind == "failure" else warning
    return Rule(
        id=f"rego/{result.namespace}.{result.rule}",
        slug=_slug(f"rego-{result.namespace}-{result.rule}"),
        severity=default,
        summary=f"Rego {result.kind} rule data.{result.namespace}.{result.rule}.",
        remediation=_REMEDIATION,
        tags=("rego", "policy"),
    )


def _severity(result: RuleResult, default: Severity) -> Severity:
    try:
        return Severity.parse(result.severity) if result.severity else default
    except ValueError:
        return default  # an unknown word is metadata, not a reason to lose the finding


def _finding(rule: Rule, severity: Severity, message: str, subject: PolicyInput) -> Finding:
    return Finding(
        rule_id=rule.id,
        severity=severity,
        message=message,
        location=SourceLocation(path=subject.path, start_line=subject.line),
        fingerprint=fingerprint(rule.id, subject.path, str(subject.document), message),
        remediation=rule.remediation,
        tags=rule.tags,
        properties=(("document", str(subject.document)),),
    )


def rego_finding(rule: Rule, result: RuleResult, subject: PolicyInput) -> Finding:
    """A finding carrying the policy's own message, at the document it judged."""
    return _finding(rule, _severity(result, rule.severity), result.message, subject)


def cel_rule(rule: CelRule) -> Rule:
    """The metadata of one CEL rule of the policy file."""
    return Rule(
        id=f"cel/{rule.id}",
        slug=_slug(f"cel-{rule.id}"),
        severity=rule.severity,
        summary=f"CEL validation `{rule.expression}` must hold.",
        remediation=rule.message,
        tags=("cel", "policy"),
    )


def cel_finding(rule: CelRule, subject: PolicyInput) -> Finding:
    """A finding for a CEL validation that is false on one document."""
    meta = cel_rule(rule)
    return _finding(meta, rule.severity, rule.message, subject)
