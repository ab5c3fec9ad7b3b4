"""Turning a scan report into findings under the policy's settings.

Vulnerabilities pass three filters: ``min_severity``, ``ignore_unfixed`` (no fixed
version yet) and ``min_cvss`` (a vulnerability without any CVSS score is kept: the
score is unknown, not low). A waiver names a vulnerability id and, optionally, the
package; an expired waiver no longer applies. Freshness and image identity are
judged on the report itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from mlgate.checks.images.catalog import (
    MISCONFIGURATION,
    SECRET,
    STALE_REPORT,
    VULNERABILITY,
    WRONG_DIGEST,
)
from mlgate.checks.images.records import ScanReport, Vulnerability
from mlgate.core.durations import describe_duration
from mlgate.core.finding import Finding, Severity, SourceLocation
from mlgate.core.fingerprint import fingerprint
from mlgate.core.rule import Rule


@dataclass(frozen=True, slots=True, kw_only=True)
class VulnerabilityWaiver:
    """An accepted vulnerability: id, optional package, and until when."""

    id: str
    package: str | None
    expires: date


@dataclass(frozen=True, slots=True, kw_only=True)
class Gating:
    """The settings that decide which report entries become findings."""

    min_severity: Severity
    ignore_unfixed: bool
    min_cvss: float | None
    waivers: tuple[VulnerabilityWaiver, ...]
    today: date


def _waived(gating: Gating, vulnerability: Vulnerability) -> bool:
    return any(
        w.id == vulnerability.id
        and (w.package is None or w.package == vulnerability.package)
        and gating.today <= w.expires
        for w in gating.waivers
    )


def is_reported(gating: Gating, vulnerability: Vulnerability) -> bool:
    """Whether a vulnerability passes every filter and no live waiver covers it."""
    if vulnerability.severity < gating.min_severity:
        return False
    if gating.ignore_unfixed and vulnerability.fixed is None:
        return False
    cvss, floor = vulnerability.cvss, gating.min_cvss
    if floor is not None and cvss is not None and cvss < floor:
        return False
    return not _waived(gating, vulnerability)


def _finding(rule: Rule, severity: Severity, where: tuple[str, int | None], message: str,
             *identity: str) -> Finding:  # fmt: skip
    return Finding(
        rule_id=rule.id, severity=severity, message=message,
        location=SourceLocation(path=where[0], start_line=where[1]),
        fingerprint=fingerprint(rule.id, *identity), cwe=rule.cwe,
        remediation=rule.remediation, tags=rule.tags,
    )  # fmt: skip


def _vulnerability(report_path: str, v: Vulnerability) -> Finding:
    fix = f"fixed in {v.fixed}" if v.fixed else "no fix released yet"
    cvss = f", CVSS {v.cvss:g}" if v.cvss is not None else ""
    message = f"{v.id} in {v.package} {v.installed} ({v.target}{cvss}): {fix}."
    return _finding(VULNERABILITY, v.severity, (report_path, None), message,
                    v.target, v.id, v.package, v.installed)  # fmt: skip


def report_findings(report_path: str, report: ScanReport, gating: Gating) -> list[Finding]:
    """Findings for the vulnerabilities, misconfigurations and secrets of one report."""
    found = [
        _vulnerability(report_path, v) for v in report.vulnerabilities if is_reported(gating, v)
    ]
    for m in report.misconfigurations:
        if m.severity >= gating.min_severity:
            message = f"{report.scanner} {m.id}: {m.title}: {m.message} Fix: {m.resolution}"
            found.append(_finding(MISCONFIGURATION, m.severity, (m.target, m.line), message,
                                  m.target, m.id, m.message))  # fmt: skip
    for s in report.secrets:
        message = f"{report.scanner} found a secret ({s.rule}: {s.title}); the value is withheld."
        found.append(_finding(SECRET, s.severity, (s.target, s.line), message,
                              s.target, s.rule, str(s.line)))  # fmt: skip
    return found


def freshness_finding(
    report_path: str, report: ScanReport, max_age: timedelta, now: datetime
) -> Finding | None:
    """A finding when the report is older than ``max_age`` or carries no time."""
    if report.created is None:
        message = f"{report.scanner} report of {report.subject} does not say when it was made."
    elif now - report.created > max_age:
        age, limit = now - report.created, describe_duration(max_age)
        message = (f"{report.scanner} report of {report.subject} is {age.days} d "
                   f"{age.seconds // 3600} h old (max_age {limit}).")  # fmt: skip
    else:
        return None
    return _finding(STALE_REPORT, STALE_REPORT.severity, (report_path, None), message,
                    report_path, "stale")  # fmt: skip


def digest_finding(report_path: str, report: ScanReport, expected: str) -> Finding | None:
    """A finding when the report is not about the image digest being deployed."""
    wanted = expected.rpartition("@")[2].lower()
    if wanted in report.digests:
        return None
    seen = ", ".join(sorted(report.digests)) or "no digest"
    message = (f"{report.scanner} report is for {report.subject} ({seen}), "
               f"not the deployed image {wanted}.")  # fmt: skip
    return _finding(WRONG_DIGEST, WRONG_DIGEST.severity, (report_path, None), message,
                    report_path, wanted)  # fmt: skip
