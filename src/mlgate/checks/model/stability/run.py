"""The stability section of the model check: its metrics, findings and skipped parts."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from mlgate.checks.model.config import ModelConfig, Ranges, Stability
from mlgate.checks.model.engine import HoldoutStats, Plan
from mlgate.checks.model.stability.calibration_rules import calibration_metrics
from mlgate.checks.model.stability.decision_rules import decision_metrics
from mlgate.checks.model.stability.decisions import read_decisions
from mlgate.checks.model.stability.latency import Clock, default_clock
from mlgate.checks.model.stability.ranges import range_metrics
from mlgate.checks.model.stability.results import StabilityResults, combine
from mlgate.checks.model.stability.serving import serving_results
from mlgate.core.check import CheckContext
from mlgate.core.finding import SkippedInput

NO_CHAMPION = "decision stability not computed: no champion column (first run)"


def _decisions(
    paths: Sequence[Path], plan: Plan, stats: HoldoutStats, config: ModelConfig, rules: Stability
) -> StabilityResults:
    if rules.decisions is None:
        return StabilityResults()
    if plan.champion is None:
        return StabilityResults(skipped=[SkippedInput(path=config.dataset_id, reason=NO_CHAMPION)])
    tables = (stats.tables[0], stats.tables[1])
    sums = read_decisions(paths, plan, tables, rules.decisions.top_share)
    return StabilityResults(metrics=decision_metrics(sums, rules.decisions, config))


NO_REFERENCE = (
    "value ranges not checked: no `reference`, `reference_profile` or `reference_table` configured"
)


def _ranges(
    ctx: CheckContext, config: ModelConfig, stats: HoldoutStats, rules: Ranges
) -> StabilityResults:
    if not config.reference and config.reference_profile is None and not config.reference_table:
        return StabilityResults(skipped=[SkippedInput(path=config.dataset_id, reason=NO_REFERENCE)])
    # Deferred: evaluate imports this module; the reference is read exactly as drift reads it.
    from mlgate.checks.model.evaluate import load_reference

    reference = load_reference(ctx, config, Plan.from_config(config))
    metrics, unjudged = range_metrics(reference, stats.features, rules, config.confidence)
    skipped = [
        SkippedInput(
            path=config.dataset_id,
            reason=f"value range of {feature!r} not checked: it needs a numeric feature "
            "(`columns.numeric_features`) with a numeric reference",
        )
        for feature in unjudged
    ]
    return StabilityResults(metrics=metrics, skipped=skipped)


def stability_results(
    ctx: CheckContext,
    config: ModelConfig,
    paths: Sequence[Path],
    stats: HoldoutStats,
    clock: Clock = default_clock,
) -> StabilityResults:
    """Decision stability, calibration and serving readiness, as configured."""
    rules = config.stability
    if rules is None:
        return StabilityResults()
    parts = [_decisions(paths, Plan.from_config(config), stats, config, rules)]
    if rules.calibration is not None:
        parts.append(
            StabilityResults(metrics=calibration_metrics(stats, rules.calibration, config))
        )
    if rules.ranges is not None:
        parts.append(_ranges(ctx, config, stats, rules.ranges))
    if rules.serving is not None:
        parts.append(serving_results(ctx, config, paths, rules.serving, clock))
    return combine(parts)
