"""Turning hits into findings: redacted evidence, fingerprints from the secret's hash.

A finding never holds the secret: not in the message, the evidence, the snippet or the
fingerprint. The fingerprint hashes rule, path, container member and the secret's slow
digest, so it survives line shifts and re-saved artifacts, and a baseline or waiver
names the secret without containing it.
"""

from __future__ import annotations

from collections.abc import Iterable

from mlgate.checks.secrets.readers.hits import Hit
from mlgate.checks.secrets.redact import redact, secret_digest
from mlgate.core.finding import Finding, location_path
from mlgate.core.fingerprint import disambiguate, fingerprint

_UNREASONED = " (an inline ignore marker is present but gives no reason, so it is not honoured)"


def is_suppressed(hit: Hit) -> bool:
    """Whether an inline marker with a reason silences this hit."""
    marker = hit.ignore
    return marker is not None and marker.covers(hit.match.detector.rule.id) and bool(marker.reason)


def to_finding(hit: Hit) -> Finding:
    """The finding for one hit, with the value redacted everywhere."""
    detector = hit.match.detector
    rule = detector.rule
    path = location_path(hit.location) or ""
    where = f" ({hit.where})" if hit.where else ""
    note = _UNREASONED if hit.ignore is not None and hit.ignore.covers(rule.id) else ""
    message = f"{rule.summary.rstrip('.')} [{hit.match.validity.value}]{where}{note}"
    properties = [("provider", detector.provider), ("validation", hit.match.validity.value)]
    if hit.where:
        properties.append(("where", hit.where))
    return Finding(
        rule_id=rule.id,
        severity=rule.severity,
        message=message,
        location=hit.location,
        fingerprint=fingerprint(rule.id, path, hit.member, secret_digest(hit.match.secret)),
        cwe=rule.cwe,
        evidence=redact(hit.match.secret),
        remediation=rule.remediation,
        tags=("secrets", rule.slug, detector.provider),
        properties=tuple(properties),
    )


def build_findings(hits: Iterable[Hit]) -> tuple[tuple[Finding, ...], int]:
    """Findings of the unsuppressed hits (each place once), and how many were suppressed."""
    findings: dict[tuple[str, object, str], Finding] = {}
    suppressed = 0
    for hit in hits:
        if is_suppressed(hit):
            suppressed += 1
            continue
        finding = to_finding(hit)
        findings.setdefault((finding.fingerprint, finding.location, finding.rule_id), finding)
    return disambiguate(findings.values()), suppressed
