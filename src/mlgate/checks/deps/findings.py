"""Findings of the ``deps`` check, built from matches, pip-audit entries and policy."""

from __future__ import annotations

from dataclasses import replace

from mlgate.checks.deps.matching import Vulnerability
from mlgate.checks.deps.osv.severity import Rated
from mlgate.checks.deps.readers.pip_audit import AuditedDependency
from mlgate.checks.deps.records import Dependency
from mlgate.checks.deps.rules import MALICIOUS, MISSING_HASHES, NOT_AUDITED, UNPINNED, VULNERABLE
from mlgate.core.finding import Finding, Severity, SourceLocation
from mlgate.core.fingerprint import fingerprint
from mlgate.core.rule import Rule

Properties = tuple[tuple[str, str], ...]


def _location(dependency: Dependency) -> SourceLocation:
    return SourceLocation(path=dependency.path, start_line=dependency.line)


def _finding(
    rule: Rule, dependency: Dependency, *, message: str, severity: Severity, key: str = ""
) -> Finding:
    return Finding(
        rule_id=rule.id,
        severity=severity,
        message=message,
        location=_location(dependency),
        # The package and the vulnerability, never the version or line: a bump to a
        # still-affected version is the same debt.
        fingerprint=fingerprint(rule.id, dependency.path, dependency.name, key),
        cwe=rule.cwe,
        remediation=rule.remediation,
        properties=(("package", dependency.name), ("version", dependency.version or "")),
    )


def vulnerability_finding(
    vulnerability: Vulnerability, rated: Rated | None, unknown: Severity
) -> Finding:
    """DEPS001 (or DEPS002 for a malicious package) for one merged vulnerability."""
    dependency = vulnerability.dependency
    rule = MALICIOUS if vulnerability.is_malicious else VULNERABLE
    primary = vulnerability.primary
    aliases = sorted(vulnerability.ids - {primary})
    summary = next((r.summary for r in vulnerability.records if r.summary), "")
    fix = f" Fixed in {vulnerability.fixed_in}." if vulnerability.fixed_in else ""
    also = f" ({', '.join(aliases)})" if aliases else ""
    message = f"{dependency.name} {dependency.version} is affected by {primary}{also}"
    base = _finding(
        rule,
        dependency,
        message=f"{message}: {summary.rstrip('.')}.{fix}" if summary else f"{message}.{fix}",
        severity=rated.severity if rated else unknown,
        key=primary,
    )
    extra = [
        ("advisory", primary),
        ("aliases", ",".join(aliases)),
        ("severity_basis", rated.basis if rated else "unknown"),
    ]
    if vulnerability.fixed_in:
        extra.append(("fixed_in", vulnerability.fixed_in))
    return _with_properties(base, extra)


def _with_properties(finding: Finding, extra: list[tuple[str, str]]) -> Finding:
    return replace(finding, properties=(*finding.properties, *extra))


def unpinned_finding(dependency: Dependency) -> Finding:
    """DEPS003 for a requirement that selects more than one version."""
    declared = dependency.specifier or "any version"
    return _finding(
        UNPINNED,
        dependency,
        message=f"{dependency.name} is not pinned ({declared}).",
        severity=UNPINNED.severity,
    )


def missing_hashes_finding(dependency: Dependency) -> Finding:
    """DEPS004 for a pinned dependency without artifact hashes."""
    return _finding(
        MISSING_HASHES,
        dependency,
        message=f"{dependency.name} {dependency.version} has no artifact hash.",
        severity=MISSING_HASHES.severity,
    )


def not_audited_finding(entry: AuditedDependency) -> Finding:
    """DEPS005 for a dependency pip-audit skipped."""
    dependency = entry.dependency
    return _finding(
        NOT_AUDITED,
        dependency,
        message=f"pip-audit skipped {dependency.name}: {entry.skip_reason}",
        severity=NOT_AUDITED.severity,
    )
