"""Findings of the model check, located in the holdout dataset and column they concern."""

from __future__ import annotations

from mlgate.core.finding import DatasetLocation, Finding
from mlgate.core.fingerprint import fingerprint
from mlgate.core.rule import Rule


def dataset_finding(dataset_id: str, rule: Rule, column: str, key: str, message: str) -> Finding:
    """A finding of ``rule`` about ``column``; ``key`` names what was judged."""
    # The fingerprint names what was judged (group and rate, statistic, model input), never
    # the measured numbers, so a waiver survives the next night's retraining.
    return Finding(
        rule_id=rule.id,
        severity=rule.severity,
        message=message,
        location=DatasetLocation(dataset_id=dataset_id, column=column),
        fingerprint=fingerprint(rule.id, dataset_id, column, key),
        remediation=rule.remediation,
    )
