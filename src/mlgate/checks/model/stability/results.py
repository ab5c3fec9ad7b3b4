"""What each part of the stability section adds to the check's result."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from mlgate.core.finding import Finding, SkippedInput
from mlgate.core.metric import Metric


@dataclass(frozen=True, slots=True, kw_only=True)
class StabilityResults:
    """Metrics, findings and skipped parts."""

    metrics: list[Metric] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    skipped: list[SkippedInput] = field(default_factory=list)


def combine(parts: Iterable[StabilityResults]) -> StabilityResults:
    """All parts' results, in order."""
    total = StabilityResults()
    for part in parts:
        total.metrics.extend(part.metrics)
        total.findings.extend(part.findings)
        total.skipped.extend(part.skipped)
    return total
