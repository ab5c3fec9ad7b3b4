"""What a third-party check author needs, in one import: ``from mlgate.plugin import ...``.

Register the check class under the ``mlgate.checks`` entry-point group; its entry-point
name must equal its ``id``.
"""

from __future__ import annotations

from mlgate.core.check import Check, CheckConfig, CheckContext, CheckResult
from mlgate.core.finding import (
    ArtifactLocation,
    DatasetLocation,
    Finding,
    FlowStep,
    Severity,
    SkippedInput,
    SourceLocation,
)
from mlgate.core.fingerprint import fingerprint
from mlgate.core.metric import Comparison, ConfidenceInterval, Metric
from mlgate.core.rule import Rule

__all__ = [
    "ArtifactLocation",
    "Check",
    "CheckConfig",
    "CheckContext",
    "CheckResult",
    "Comparison",
    "ConfidenceInterval",
    "DatasetLocation",
    "Finding",
    "FlowStep",
    "Metric",
    "Rule",
    "Severity",
    "SkippedInput",
    "SourceLocation",
    "fingerprint",
]
