"""The severity of an advisory: CVSS vectors first, then the record's own rating."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from mlgate.checks.deps.osv.cvss import CvssError, base_score_v3, severity_of_score
from mlgate.checks.deps.osv.cvss4 import base_score_v4
from mlgate.checks.deps.osv.records import Advisory
from mlgate.core.finding import Severity

# GHSA writes MODERATE; PYSEC and others use CVSS words.
_RATINGS = {
    "low": Severity.LOW,
    "moderate": Severity.MEDIUM,
    "medium": Severity.MEDIUM,
    "high": Severity.HIGH,
    "important": Severity.HIGH,
    "critical": Severity.CRITICAL,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Rated:
    """A severity and where it came from (``CVSS:3.1 9.8``, ``rating``, ``malicious``)."""

    severity: Severity
    basis: str


_SCORERS = {"CVSS_V3": base_score_v3, "CVSS_V4": base_score_v4}


def _from_vectors(advisory: Advisory) -> Rated | None:
    best: Rated | None = None
    for kind, vector in advisory.vectors:
        scorer = _SCORERS.get(kind)
        if scorer is None:
            continue  # CVSS v2 and Ubuntu ratings: the record's own rating stands in
        try:
            score = scorer(vector)
        except CvssError:
            continue
        rated = Rated(severity=severity_of_score(score), basis=f"{vector[:8]} {score:.1f}")
        if best is None or rated.severity > best.severity:
            best = rated
    return best


def _from_rating(advisory: Advisory) -> Rated | None:
    words = [advisory.rating, *(a.rating for a in advisory.affected)]
    levels = [_RATINGS[w.lower()] for w in words if w and w.lower() in _RATINGS]
    return Rated(severity=max(levels), basis="advisory rating") if levels else None


def rate(advisory: Advisory) -> Rated | None:
    """The severity of one record, ``None`` when it states none we can read."""
    if advisory.is_malicious:
        return Rated(severity=Severity.CRITICAL, basis="malicious package")
    return _from_vectors(advisory) or _from_rating(advisory)


def rate_group(advisories: Iterable[Advisory]) -> Rated | None:
    """The highest severity among records describing the same vulnerability."""
    rated = [r for r in map(rate, advisories) if r is not None]
    return max(rated, key=lambda r: r.severity) if rated else None
