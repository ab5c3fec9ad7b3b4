"""Running the model check: statistics in, metrics and findings out (needs the extra)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from mlgate.checks.model.check import DRIFT_WARNING, INSUFFICIENT_DATA, RULES, table_file
from mlgate.checks.model.config import ModelConfig
from mlgate.checks.model.drift_rules import DriftWarning, drift_metrics, feature_drift
from mlgate.checks.model.engine import (
    HoldoutStats,
    Plan,
    Sketch,
    holdout_roles,
    read_holdout,
    read_sketches,
    reference_columns,
)
from mlgate.checks.model.fairness_rules import (
    RATE_WORDS,
    RATES,
    disparity_metric,
    group_metrics,
    shortfalls,
    too_few_groups,
    unjudged_message,
)
from mlgate.checks.model.figures import (
    drift_figure,
    fairness_figures,
    reliability_figure,
    score_figure,
    strongest_drift,
)
from mlgate.checks.model.findings import dataset_finding
from mlgate.checks.model.performance import performance_metrics
from mlgate.checks.model.profile import read_profile
from mlgate.checks.model.reader import ModelInputError
from mlgate.checks.model.scoring import scored_holdout
from mlgate.checks.model.stability.results import StabilityResults
from mlgate.checks.model.stability.run import stability_results
from mlgate.checks.model.stats.fairness import GroupRate
from mlgate.core.check import CheckContext, CheckResult
from mlgate.core.figure import Figure
from mlgate.core.finding import Finding, SkippedInput
from mlgate.core.metric import Metric

FIRST_RUN = (
    "no champion column configured: first-run rule, only the candidate's absolute minimums "
    "were checked"
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
        reason = too_few_groups(groups) if config.fairness else None
        if reason is not None:
            raise ModelInputError(reason)
        for short in shortfalls(groups, rates, config.min_group_size):
            message = (
                f"group {short.group} has {short.trials:,} rows for its "
                f"{RATE_WORDS[short.rate].lower()} (< min_group_size {config.min_group_size}): "
                "insufficient data, left out of fairness decisions"
            )
            key = f"{short.group} {short.rate.value}"
            findings.append(
                dataset_finding(config.dataset_id, INSUFFICIENT_DATA, column, key, message)
            )
        for metric in config.fairness:
            found = disparity_metric(metric, groups, config)
            if found is not None:
                metrics.append(found)
            else:
                # Never silent: an undecided disparity is an insufficient-data warning.
                message = unjudged_message(metric, groups, config)
                findings.append(
                    dataset_finding(
                        config.dataset_id, INSUFFICIENT_DATA, column, metric.value, message
                    )
                )
        metrics.extend(group_metrics(groups, config))
    return metrics, findings


def _reference_paths(ctx: CheckContext, entries: Sequence[str]) -> list[Path]:
    paths = [ctx.root / entry for entry in entries]
    missing = [ctx.display_path(p) for p in paths if not p.is_file()]
    if missing:
        raise ModelInputError(f"reference file(s) not found: {', '.join(missing)}")
    return paths


def load_reference(ctx: CheckContext, config: ModelConfig, plan: Plan) -> dict[str, Sketch]:
    """Reference sketches: from an in-memory table, the stored profile or the raw files."""
    if config.reference_table is not None:
        found = table_file(config, config.reference_table)
        if isinstance(found, str):
            raise ModelInputError(found)
        return read_sketches([found], reference_columns([found], plan), plan.batch_rows)
    if config.reference_profile is not None:
        (path,) = _reference_paths(ctx, [config.reference_profile])
        sketches = read_profile(path).sketches
        wanted = (*plan.numeric, *plan.categorical)
        missing = [c for c in wanted if c not in sketches]
        if missing:
            raise ModelInputError(
                f"{path.name}: the profile has no sketch of {', '.join(map(repr, missing))}"
            )
        return sketches
    paths = _reference_paths(ctx, config.reference)
    return read_sketches(paths, reference_columns(paths, plan), plan.batch_rows)


def _skipped_roles(
    config: ModelConfig, plan: Plan, reference: dict[str, Sketch]
) -> list[SkippedInput]:
    roles = {plan.label: "label drift", plan.candidate: "prediction drift"}
    return [
        SkippedInput(
            path=config.dataset_id,
            reason=f"{what} not computed: the reference has no {column!r} column",
        )
        for column, what in roles.items()
        if column not in reference
    ]


def _compare(
    feature: str, reference: Sketch, current: Sketch, config: ModelConfig
) -> tuple[list[Metric], list[DriftWarning]]:
    try:
        drift = feature_drift(reference, current)
    except TypeError:
        raise ModelInputError(
            f"{feature!r} is numeric on one side and categorical on the other"
        ) from None
    return drift_metrics(feature, drift, config.drift)


def drift_results(
    ctx: CheckContext, config: ModelConfig, plan: Plan, stats: HoldoutStats
) -> tuple[list[Metric], list[Finding], list[SkippedInput], list[Figure]]:
    """Drift metrics per feature, label and prediction against the reference.

    Also returns warn-band findings, notes on label or prediction drift the reference
    could not support, and the per-feature histograms.
    """
    if not config.reference and config.reference_profile is None and not config.reference_table:
        if stats.features:
            raise ModelInputError("features are configured for drift but no `reference` data is")
        return [], [], [], []
    reference = load_reference(ctx, config, plan)
    current = {**stats.features, **holdout_roles(stats, plan)}
    metrics: list[Metric] = []
    warnings: list[DriftWarning] = []
    figures: list[Figure] = []
    for feature, sketch in current.items():
        if feature in reference:
            found, warned = _compare(feature, reference[feature], sketch, config)
            metrics.extend(found)
            warnings.extend(warned)
            figure = drift_figure(feature, reference[feature], sketch, found)
            figures.extend([figure] if figure is not None else [])
    findings = [
        dataset_finding(config.dataset_id, DRIFT_WARNING, w.feature, w.statistic, w.message)
        for w in warnings
    ]
    return metrics, findings, _skipped_roles(config, plan, reference), strongest_drift(figures)


def evaluate(ctx: CheckContext, config: ModelConfig, paths: Sequence[Path]) -> CheckResult:
    """The check's result on the given holdout files, scored first by ``scoring`` models."""
    try:
        with scored_holdout(ctx, config, paths) as scored:
            return evaluate_scored(ctx, config, scored)
    except ModelInputError as error:
        return CheckResult(errors=(str(error),), inputs=len(paths))


def evaluate_scored(ctx: CheckContext, config: ModelConfig, paths: Sequence[Path]) -> CheckResult:
    """The check's result on holdout files that hold every score column."""
    plan = Plan.from_config(config)
    try:
        stats = read_holdout(paths, plan)
        fair_metrics, fair_findings = fairness_results(stats, config)
        drift_found, drift_findings, drift_skipped, drift_charts = drift_results(
            ctx, config, plan, stats
        )
        stable: StabilityResults = stability_results(ctx, config, paths, stats)
    except ModelInputError as error:
        return CheckResult(errors=(str(error),), inputs=len(paths))
    first_run = () if plan.champion else (SkippedInput(path=config.dataset_id, reason=FIRST_RUN),)
    return CheckResult(
        metrics=(
            *performance_metrics(stats, config),
            *fair_metrics,
            *drift_found,
            *stable.metrics,
        ),
        findings=(*fair_findings, *drift_findings, *stable.findings),
        skipped=(*first_run, *drift_skipped, *stable.skipped),
        inputs=len(paths),
        rules=RULES,
        figures=(
            # Score bins and calibration describe probabilities: a regressor has neither.
            *(
                ()
                if plan.regression
                else (
                    score_figure(stats, plan, config),
                    *fairness_figures(stats, config, fair_metrics),
                    reliability_figure(stats, plan, config),
                )
            ),
            *drift_charts,
        ),
    )
