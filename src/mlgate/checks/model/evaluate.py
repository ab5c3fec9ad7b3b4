"""Running the model check: statistics in, metrics and findings out (needs the extra)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from mlgate.checks.model.check import DRIFT_WARNING, INSUFFICIENT_DATA
from mlgate.checks.model.config import ModelConfig
from mlgate.checks.model.drift_rules import DriftWarning, drift_metrics, feature_drift
from mlgate.checks.model.engine import HoldoutStats, Plan, Sketch, read_holdout, read_reference
from mlgate.checks.model.fairness_rules import (
    RATE_WORDS,
    RATES,
    disparity_metric,
    group_metrics,
    shortfalls,
)
from mlgate.checks.model.performance import performance_metrics
from mlgate.checks.model.reader import ModelInputError
from mlgate.checks.model.stats.fairness import GroupRate
from mlgate.core.check import CheckContext, CheckResult
from mlgate.core.finding import DatasetLocation, Finding, SkippedInput
from mlgate.core.fingerprint import fingerprint
from mlgate.core.metric import Metric
from mlgate.core.rule import Rule

FIRST_RUN = (
    "no champion column configured: first-run rule, only the candidate's absolute minimums "
    "were checked"
)


def _finding(config: ModelConfig, rule: Rule, column: str, key: str, message: str) -> Finding:
    # The fingerprint names what was judged (group and rate, or statistic), never the
    # measured numbers, so a waiver survives the next night's retraining.
    return Finding(
        rule_id=rule.id,
        severity=rule.severity,
        message=message,
        location=DatasetLocation(dataset_id=config.dataset_id, column=column),
        fingerprint=fingerprint(rule.id, config.dataset_id, column, key),
        remediation=rule.remediation,
    )


def fairness_results(
    stats: HoldoutStats, config: ModelConfig
) -> tuple[list[Metric], list[Finding]]:
    """Disparity and per-group metrics, and insufficient-data findings."""
    metrics: list[Metric] = []
    findings: list[Finding] = []
    rates = tuple(
        dict.fromkeys((GroupRate.SELECTION_RATE, *(r for m in config.fairness for r in RATES[m])))
    )
    for grouping, groups in stats.groups.items():
        column = " x ".join(grouping)
        for short in shortfalls(groups, rates, config.min_group_size):
            message = (
                f"group {short.group} has {short.trials:,} rows for its "
                f"{RATE_WORDS[short.rate].lower()} (< min_group_size {config.min_group_size}): "
                "insufficient data, left out of fairness decisions"
            )
            key = f"{short.group} {short.rate.value}"
            findings.append(_finding(config, INSUFFICIENT_DATA, column, key, message))
        for metric in config.fairness:
            found = disparity_metric(metric, groups, config)
            if found is not None:
                metrics.append(found)
        metrics.extend(group_metrics(groups, config))
    return metrics, findings


def _reference_paths(ctx: CheckContext, config: ModelConfig) -> list[Path]:
    paths = [ctx.root / entry for entry in config.reference]
    missing = [ctx.display_path(p) for p in paths if not p.is_file()]
    if missing:
        raise ModelInputError(f"reference file(s) not found: {', '.join(missing)}")
    return paths


def drift_results(
    ctx: CheckContext, config: ModelConfig, plan: Plan, current: dict[str, Sketch]
) -> tuple[list[Metric], list[Finding]]:
    """Drift metrics per feature against the reference, and warn-band findings."""
    if not current:
        return [], []
    if not config.reference:
        raise ModelInputError("features are configured for drift but no `reference` data is")
    reference = read_reference(_reference_paths(ctx, config), plan)
    metrics: list[Metric] = []
    warnings: list[DriftWarning] = []
    for feature, sketch in current.items():
        found, warned = drift_metrics(
            feature, feature_drift(reference[feature], sketch), config.drift
        )
        metrics.extend(found)
        warnings.extend(warned)
    findings = [
        _finding(config, DRIFT_WARNING, w.feature, w.statistic, w.message) for w in warnings
    ]
    return metrics, findings


def evaluate(ctx: CheckContext, config: ModelConfig, paths: Sequence[Path]) -> CheckResult:
    """The check's result on the given holdout files."""
    plan = Plan.from_config(config)
    try:
        stats = read_holdout(paths, plan)
        fair_metrics, fair_findings = fairness_results(stats, config)
        drift_found, drift_findings = drift_results(ctx, config, plan, stats.features)
    except ModelInputError as error:
        return CheckResult(errors=(str(error),), inputs=len(paths))
    skipped = () if plan.champion else (SkippedInput(path=config.dataset_id, reason=FIRST_RUN),)
    return CheckResult(
        metrics=(*performance_metrics(stats, config), *fair_metrics, *drift_found),
        findings=(*fair_findings, *drift_findings),
        skipped=skipped,
        inputs=len(paths),
        rules=(INSUFFICIENT_DATA, DRIFT_WARNING),
    )
