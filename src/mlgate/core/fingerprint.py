"""Stable finding fingerprints.

A fingerprint identifies "the same problem" across commits: it hashes the rule, the
file and the *content* that triggered the finding (whitespace-normalised), never the
line number. Moving code, or reformatting other lines, keeps the fingerprint;
changing the offending code itself produces a new one. When one file holds several
identical occurrences, :func:`disambiguate` numbers them in order.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace

from mlgate.core.finding import Finding

FINGERPRINT_VERSION = "v1"
_WHITESPACE = re.compile(r"\s+")


def normalise_content(text: str) -> str:
    """Collapse every run of whitespace, so reformatting spacing keeps the identity."""
    return _WHITESPACE.sub(" ", text).strip()


def fingerprint(rule_id: str, path: str, *content: str) -> str:
    """Hash rule, path and content parts into a 32-hex-digit identity."""
    digest = hashlib.sha256()
    for part in (FINGERPRINT_VERSION, rule_id, path, *map(normalise_content, content)):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()[:32]


def disambiguate(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """Give repeated fingerprints an occurrence suffix (``…:2``, ``…:3``) in input order."""
    ordered = tuple(findings)
    totals = Counter(f.fingerprint for f in ordered)
    seen: Counter[str] = Counter()
    result: list[Finding] = []
    for finding in ordered:
        if totals[finding.fingerprint] == 1:
            result.append(finding)
            continue
        seen[finding.fingerprint] += 1
        occurrence = seen[finding.fingerprint]
        if occurrence == 1:
            result.append(finding)
        else:
            result.append(replace(finding, fingerprint=f"{finding.fingerprint}:{occurrence}"))
    return tuple(result)
