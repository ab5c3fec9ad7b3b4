"""CVSS v3.x base scores computed from the vector, with the specification's formula.

Reference: CVSS v3.1 Specification Document, section 7.1 (base metrics equations) and
Appendix A (``Roundup``). v3.0 vectors use the same equations; the only difference is
the older ``Roundup``, which rounds up on floating-point noise the v3.1 version absorbs.
"""

from __future__ import annotations

import math

from mlgate.core.finding import Severity

_WEIGHTS: dict[str, dict[str, float]] = {
    "AV": {"N": 0.85, "A": 0.62, "L": 0.55, "P": 0.2},
    "AC": {"L": 0.77, "H": 0.44},
    "UI": {"N": 0.85, "R": 0.62},
    "C": {"H": 0.56, "L": 0.22, "N": 0.0},
    "I": {"H": 0.56, "L": 0.22, "N": 0.0},
    "A": {"H": 0.56, "L": 0.22, "N": 0.0},
}
# Privileges Required weighs more when the scope changes (spec table 16).
_PRIVILEGES = {"U": {"N": 0.85, "L": 0.62, "H": 0.27}, "C": {"N": 0.85, "L": 0.68, "H": 0.5}}
_BASE = ("AV", "AC", "PR", "UI", "S", "C", "I", "A")


class CvssError(ValueError):
    """The vector is not a complete CVSS v3 base vector."""


def _roundup_v31(value: float) -> float:
    """Appendix A: the smallest one-decimal number >= value, immune to float noise."""
    integer = round(value * 100_000)
    if integer % 10_000 == 0:
        return integer / 100_000.0
    return (math.floor(integer / 10_000) + 1) / 10.0


def _roundup_v30(value: float) -> float:
    return math.ceil(value * 10) / 10


def parse_vector(vector: str) -> tuple[str, dict[str, str]]:
    """The version (``3.0``/``3.1``) and the metric values of a v3 vector."""
    prefix, _, rest = vector.strip().partition("/")
    if prefix not in ("CVSS:3.0", "CVSS:3.1"):
        raise CvssError(f"not a CVSS v3 vector: {vector[:60]!r}")
    metrics: dict[str, str] = {}
    for part in rest.split("/"):
        key, _, value = part.partition(":")
        if key in metrics:
            raise CvssError(f"metric {key} appears twice")
        metrics[key] = value
    missing = [key for key in _BASE if key not in metrics]
    if missing:
        raise CvssError(f"base metrics missing: {', '.join(missing)}")
    return prefix[5:], metrics


def _weight(metrics: dict[str, str], key: str) -> float:
    try:
        if key == "PR":
            return _PRIVILEGES[metrics["S"]][metrics["PR"]]
        return _WEIGHTS[key][metrics[key]]
    except KeyError:
        raise CvssError(f"invalid value {metrics.get(key)!r} for metric {key}") from None


def base_score_v3(vector: str) -> float:
    """The CVSS v3.0/v3.1 base score (0.0 to 10.0) of ``vector``."""
    version, metrics = parse_vector(vector)
    if metrics["S"] not in ("U", "C"):
        raise CvssError(f"invalid value {metrics['S']!r} for metric S")
    changed = metrics["S"] == "C"
    iss = 1 - math.prod(1 - _weight(metrics, key) for key in ("C", "I", "A"))
    impact = 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15 if changed else 6.42 * iss
    exploitability = 8.22 * math.prod(_weight(metrics, key) for key in ("AV", "AC", "PR", "UI"))
    if impact <= 0:
        return 0.0
    roundup = _roundup_v31 if version == "3.1" else _roundup_v30
    total = impact + exploitability
    return roundup(min(1.08 * total if changed else total, 10.0))


def severity_of_score(score: float) -> Severity:
    """The qualitative rating (spec table 14), with ``None`` (0.0) as info."""
    if score >= 9.0:
        return Severity.CRITICAL
    if score >= 7.0:
        return Severity.HIGH
    if score >= 4.0:
        return Severity.MEDIUM
    if score > 0.0:
        return Severity.LOW
    return Severity.INFO
