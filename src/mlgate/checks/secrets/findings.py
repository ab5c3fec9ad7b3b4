"""Turning hits into findings: redacted evidence, fingerprints from the secret's hash.

A finding never holds the secret: not in the message, the evidence, the snippet or the
fingerprint. The fingerprint hashes rule, path, container member and the secret's slow
digest, so it survives line shifts and re-saved artifacts, and a baseline or waiver
names the secret without containing it.

Secrets found in the git history are keyed by rule and value: one that is still in the
working tree is reported there, with the commit where it first appeared added; one that
only the history holds gets its own finding at the path of its first commit, and a
fingerprint from the value alone, so it stays the same whichever commits are scanned.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from mlgate.checks.secrets.history import HistoryHit, Origin
from mlgate.checks.secrets.readers.hits import Hit
from mlgate.core.finding import Finding, SourceLocation, location_line, location_path
from mlgate.core.fingerprint import disambiguate, fingerprint
from mlgate.credentials.redact import redact, secret_digest

_UNREASONED = " (an inline ignore marker is present but gives no reason, so it is not honoured)"
# Stands for the path in the fingerprint of a history-only secret: the value names it.
HISTORY_SCOPE = "<git-history>"

Key = tuple[str, str]


def is_suppressed(hit: Hit) -> bool:
    """Whether an inline marker with a reason silences this hit."""
    marker = hit.ignore
    return marker is not None and marker.covers(hit.match.detector.rule.id) and bool(marker.reason)


def _key(hit: Hit) -> Key:
    return hit.match.detector.rule.id, hit.match.secret


def _provenance(origin: Origin | None, *, in_tree: bool) -> tuple[str, list[tuple[str, str]]]:
    """The message tail and properties that say where the secret entered the history."""
    if origin is None:
        return "", []
    status = "" if in_tree else "; deleted from the tree but still in the git history"
    tail = f"; first committed in {origin.commit[:12]} ({origin.date}) at {origin.path}{status}"
    return tail, [("commit", origin.commit), ("author_date", origin.date),
                  ("history_path", origin.path)]  # fmt: skip


def to_finding(hit: Hit, origin: Origin | None = None, *, in_tree: bool = True) -> Finding:
    """The finding for one hit, with the value redacted everywhere."""
    match = hit.match
    rule = match.detector.rule
    path = location_path(hit.location) or ""
    where = f" ({hit.where})" if hit.where else ""
    decoded = f" (decoded from {match.encoding})" if match.encoding else ""
    note = _UNREASONED if hit.ignore is not None and hit.ignore.covers(rule.id) else ""
    tail, history = _provenance(origin, in_tree=in_tree)
    message = f"{rule.summary.rstrip('.')} [{match.validity.value}]{where}{decoded}{tail}{note}"
    properties = [("provider", match.detector.provider), ("validation", match.validity.value)]
    properties += [("where", hit.where)] if hit.where else []
    properties += [("encoding", match.encoding)] if match.encoding else []
    return Finding(
        rule_id=rule.id,
        severity=rule.severity,
        message=message,
        location=hit.location,
        fingerprint=fingerprint(rule.id, path, hit.member, secret_digest(match.secret)),
        cwe=rule.cwe,
        evidence=redact(match.secret),
        remediation=rule.remediation,
        tags=("secrets", rule.slug, match.detector.provider),
        properties=(*properties, *history),
    )


def history_finding(sighting: HistoryHit) -> Finding:
    """A secret only the history holds, at the path and line of its first commit."""
    hit, origin = sighting.hit, sighting.origin
    base = to_finding(hit, origin, in_tree=False)
    rule_id = hit.match.detector.rule.id
    return replace(
        base,
        location=SourceLocation(path=origin.path, start_line=location_line(hit.location)),
        fingerprint=fingerprint(rule_id, HISTORY_SCOPE, secret_digest(hit.match.secret)),
        tags=(*base.tags, "git-history"),
    )


def first_sightings(history: Iterable[HistoryHit]) -> dict[Key, HistoryHit]:
    """Per rule and value, the sighting in the oldest commit (parents before children)."""
    first: dict[Key, HistoryHit] = {}
    for sighting in history:
        key = _key(sighting.hit)
        known = first.get(key)
        if known is None or sighting.origin.rank < known.origin.rank:
            first[key] = sighting
    return first


def build_findings(
    hits: Iterable[Hit], history: Sequence[HistoryHit] = ()
) -> tuple[tuple[Finding, ...], int]:
    """Findings of the unsuppressed hits (each place once), and how many were suppressed."""
    tree = list(hits)
    first = first_sightings(history)
    findings: dict[tuple[str, object, str], Finding] = {}
    suppressed = 0
    for hit in tree:
        if is_suppressed(hit):
            suppressed += 1
            continue
        sighting = first.get(_key(hit))
        _add(findings, to_finding(hit, sighting.origin if sighting else None))
    in_tree = {_key(hit) for hit in tree}
    for key, sighting in first.items():
        if key in in_tree:
            continue  # reported (or deliberately suppressed) where it still is
        if is_suppressed(sighting.hit):
            suppressed += 1
        else:
            _add(findings, history_finding(sighting))
    return disambiguate(findings.values()), suppressed


def _add(findings: dict[tuple[str, object, str], Finding], finding: Finding) -> None:
    findings.setdefault((finding.fingerprint, finding.location, finding.rule_id), finding)
