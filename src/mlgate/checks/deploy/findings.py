"""Building the deploy check's findings: one place for location, fingerprint and fix text."""

from __future__ import annotations

from mlgate.core.finding import Finding, SourceLocation
from mlgate.core.fingerprint import fingerprint
from mlgate.core.rule import Rule


def deploy_finding(
    rule: Rule,
    at: tuple[str, int],
    *,
    message: str,
    identity: str,
    remediation: str | None = None,
    evidence: str | None = None,
) -> Finding:
    """A finding of ``rule`` at ``at`` (path, line).

    ``identity`` names the offending thing without its line (``Deployment/prod/api
    container web``), so the fingerprint survives edits elsewhere in the file.
    """
    return Finding(
        rule_id=rule.id,
        severity=rule.severity,
        message=message,
        location=SourceLocation(path=at[0], start_line=at[1]),
        fingerprint=fingerprint(rule.id, at[0], identity),
        cwe=rule.cwe,
        evidence=evidence,
        remediation=remediation or rule.remediation,
        tags=rule.tags,
    )
