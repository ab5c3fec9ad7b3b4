"""Champion/challenger comparison: metrics with paired intervals and one-sentence reasons.

A change blocks only when it is worse than the tolerance **and** its paired confidence
interval excludes zero (``Metric.null_value = 0``): DeLong for ROC AUC, the paired Poisson
bootstrap (percentile interval) for the others, regression's RMSE, MAE and R2 included.
Average precision's bootstrap runs on a seeded uniform sample of row pairs, centred on the
exact difference and scaled to the whole holdout (see ``stats.pairs``).
Each change also reports the smallest drop this holdout can detect (80 % power), so a
pass on a tiny holdout reads as weak.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from mlgate.checks.model.config import (
    LOWER_IS_BETTER,
    REGRESSION_METRICS,
    ModelConfig,
    PerformanceMetric,
    PerformanceRule,
)
from mlgate.checks.model.engine import HoldoutStats
from mlgate.checks.model.stats import classification as cls
from mlgate.checks.model.stats.bootstrap import BootstrapSums
from mlgate.checks.model.stats.delong import delong
from mlgate.checks.model.stats.intervals import Interval, minimum_detectable, normal_interval
from mlgate.checks.model.stats.pairs import paired_interval
from mlgate.checks.model.stats.regression import RegressionSums
from mlgate.checks.model.stats.scores import FloatArray, ScoreTable
from mlgate.core.metric import Comparison, ConfidenceInterval, Metric

LABELS = {
    PerformanceMetric.ROC_AUC: "ROC AUC",
    PerformanceMetric.AVERAGE_PRECISION: "Average precision",
    PerformanceMetric.LOG_LOSS: "Log loss",
    PerformanceMetric.BRIER: "Brier score",
    PerformanceMetric.ACCURACY: "Accuracy",
    PerformanceMetric.PRECISION: "Precision",
    PerformanceMetric.RECALL: "Recall",
    PerformanceMetric.F1: "F1",
    PerformanceMetric.ECE: "Calibration error (ECE)",
    PerformanceMetric.RMSE: "RMSE",
    PerformanceMetric.MAE: "MAE",
    PerformanceMetric.R2: "R2",
}
# Errors in the target's own units: no natural percentage scale.
_IN_UNITS = frozenset({PerformanceMetric.LOG_LOSS, PerformanceMetric.RMSE, PerformanceMetric.MAE})
_CONFUSION: dict[PerformanceMetric, Callable[[FloatArray], FloatArray]] = {
    PerformanceMetric.ACCURACY: cls.accuracy,
    PerformanceMetric.PRECISION: cls.precision,
    PerformanceMetric.RECALL: cls.recall,
    PerformanceMetric.F1: cls.f1,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    """Candidate minus champion with its paired interval and standard error."""

    candidate: float
    champion: float
    interval: Interval
    standard_error: float
    method: str

    @property
    def delta(self) -> float:
        """Candidate minus champion."""
        return self.candidate - self.champion


def point_value(metric: PerformanceMetric, table: ScoreTable, config: ModelConfig) -> float:
    """The metric of one model on the whole holdout (scikit-learn's definition)."""
    if metric in _CONFUSION:
        confusion = np.array(table.confusion_at(config.threshold), dtype=np.float64)
        return float(_CONFUSION[metric](confusion))
    functions: dict[PerformanceMetric, Callable[[ScoreTable], float]] = {
        PerformanceMetric.ROC_AUC: cls.roc_auc,
        PerformanceMetric.AVERAGE_PRECISION: cls.average_precision,
        PerformanceMetric.LOG_LOSS: cls.log_loss,
        PerformanceMetric.BRIER: cls.brier,
        PerformanceMetric.ECE: lambda t: cls.expected_calibration_error(t, config.ece_bins),
    }
    return functions[metric](table)


def regression_value(metric: PerformanceMetric, sums: RegressionSums, model: int) -> float:
    """RMSE, MAE or R2 of one model (scikit-learn's definitions)."""
    functions = {
        PerformanceMetric.RMSE: sums.rmse,
        PerformanceMetric.MAE: sums.mae,
        PerformanceMetric.R2: sums.r2,
    }
    return functions[metric](model)


def candidate_value(metric: PerformanceMetric, stats: HoldoutStats, config: ModelConfig) -> float:
    """The candidate's value of ``metric`` on the whole holdout."""
    if metric in REGRESSION_METRICS:
        if stats.regression is None:
            raise ValueError(f"{metric} needs a regression holdout")
        return regression_value(metric, stats.regression, 0)
    return point_value(metric, stats.tables[0], config)


def replicate_values(metric: PerformanceMetric, sums: BootstrapSums, model: int) -> FloatArray:
    """The metric in every bootstrap replicate (not defined for AUC and AP)."""
    if metric in _CONFUSION:
        return _CONFUSION[metric](sums.confusion(model))
    if metric is PerformanceMetric.LOG_LOSS:
        return sums.mean_loss(model, 0)
    if metric is PerformanceMetric.BRIER:
        return sums.mean_loss(model, 1)
    if metric is PerformanceMetric.ECE:
        return cls.ece_from_bins(*sums.ece_sums(model))
    raise ValueError(f"{metric} has no bootstrap replicate form")


def _bootstrap_change(
    metric: PerformanceMetric, stats: HoldoutStats, config: ModelConfig
) -> Change:
    if metric in REGRESSION_METRICS:
        if stats.regression is None or stats.replicates is None:
            raise ValueError(f"{metric} needs a regression holdout")
        sums, name = stats.regression, metric.value
        deltas = stats.replicates.values(name, 0) - stats.replicates.values(name, 1)
        values = (regression_value(metric, sums, 0), regression_value(metric, sums, 1))
    else:
        deltas = replicate_values(metric, stats.bootstrap, 0) - replicate_values(
            metric, stats.bootstrap, 1
        )
        values = (
            point_value(metric, stats.tables[0], config),
            point_value(metric, stats.tables[1], config),
        )
    tail = (1 - config.confidence) / 2
    low, high = np.quantile(deltas, [tail, 1 - tail])
    return Change(
        candidate=values[0],
        champion=values[1],
        interval=Interval(low=float(low), high=float(high), level=config.confidence),
        standard_error=float(np.std(deltas, ddof=1)),
        method=f"paired bootstrap, {config.bootstrap_replicates} replicates",
    )


def _average_precision_change(stats: HoldoutStats, config: ModelConfig) -> Change:
    if stats.pairs is None:
        raise ValueError("the paired sample of average precision is kept only with a champion")
    values = [point_value(PerformanceMetric.AVERAGE_PRECISION, t, config) for t in stats.tables]
    found = paired_interval(
        stats.pairs,
        stats.rows,
        values[0] - values[1],
        replicates=config.bootstrap_replicates,
        seed=config.seed,
        confidence=config.confidence,
    )
    sampled = "" if found.sample_rows >= stats.rows else f" on {found.sample_rows:,} sampled rows"
    return Change(
        candidate=values[0],
        champion=values[1],
        interval=found.interval,
        standard_error=found.standard_error,
        method=f"paired bootstrap, {config.bootstrap_replicates} replicates{sampled}",
    )


def change(metric: PerformanceMetric, stats: HoldoutStats, config: ModelConfig) -> Change:
    """The paired change of ``metric`` (the holdout must have a champion)."""
    if metric is PerformanceMetric.AVERAGE_PRECISION:
        return _average_precision_change(stats, config)
    if metric is not PerformanceMetric.ROC_AUC:
        return _bootstrap_change(metric, stats, config)
    if stats.delong is None:
        raise ValueError("DeLong sums are computed only with a champion")
    result = delong(stats.delong)
    return Change(
        candidate=result.auc_a,
        champion=result.auc_b,
        interval=normal_interval(result.difference, result.se_difference, config.confidence),
        standard_error=result.se_difference,
        method="DeLong",
    )


def tolerance(rule: PerformanceRule, champion: float) -> float | None:
    """The tighter of the absolute and relative tolerances, in metric units."""
    limits = [rule.max_drop] if rule.max_drop is not None else []
    if rule.max_relative_drop is not None:
        limits.append(rule.max_relative_drop * abs(champion))
    return min(limits) if limits else None


def _amount(metric: PerformanceMetric, value: float, *, signed: bool = False) -> str:
    # Bounded rates read best in percentage points; losses and errors have no natural scale.
    if metric in _IN_UNITS:
        return f"{value:+.4g}" if signed else f"{value:.4g}"
    points = value * 100
    return f"{points:+.2f} pts" if signed else f"{points:.2f} pts"


def _level(metric: PerformanceMetric, value: float) -> str:
    return f"{value:.4g}" if metric in _IN_UNITS - {PerformanceMetric.LOG_LOSS} else f"{value:.3f}"


def change_sentence(
    metric: PerformanceMetric, found: Change, rows: int, limit: float | None
) -> str:
    """``ROC AUC fell from 0.739 to 0.725 (-1.41 pts, 95% CI ..., DeLong, 20,000 rows); ...``."""
    verb = "fell" if found.delta < 0 else "rose" if found.delta > 0 else "stayed"
    ci = found.interval
    level = f"{ci.level * 100:g}%"
    text = (
        f"{LABELS[metric]} {verb} from {_level(metric, found.champion)} to "
        f"{_level(metric, found.candidate)} "
        f"({_amount(metric, found.delta, signed=True)}, {level} CI "
        f"{_amount(metric, ci.low, signed=True)} to {_amount(metric, ci.high, signed=True)}, "
        f"{found.method}, {rows:,} rows)"
    )
    if limit is not None:
        text += f"; tolerance {_amount(metric, limit)}"
    detectable = minimum_detectable(found.standard_error, ci.level)
    return text + f"; smallest detectable change {_amount(metric, detectable)}"


def champion_metric(metric: PerformanceMetric, value: float, rows: int) -> Metric:
    """``model.<metric>.champion``: the champion's value, context with no threshold."""
    return Metric(
        name=f"model.{metric.value}.champion",
        value=value,
        n=rows,
        description=f"{LABELS[metric]} of the champion is {value:.4f} on {rows:,} rows",
    )


def context_metrics(metric: PerformanceMetric, found: Change, rows: int) -> list[Metric]:
    """The champion's value and the smallest detectable change, as numbers for JSON."""
    detectable = minimum_detectable(found.standard_error, found.interval.level)
    return [
        champion_metric(metric, found.champion, rows),
        Metric(
            name=f"model.{metric.value}.detectable_change",
            value=detectable,
            n=rows,
            description=(
                f"Smallest change of {LABELS[metric]} this holdout detects with 80% power "
                f"({found.method}): {_amount(metric, detectable)}"
            ),
        ),
    ]


def change_metric(
    metric: PerformanceMetric,
    rule: PerformanceRule,
    stats: HoldoutStats,
    config: ModelConfig,
    found: Change | None = None,
) -> Metric:
    """``model.<metric>.change``: blocks on a significant change beyond the tolerance."""
    found = change(metric, stats, config) if found is None else found
    limit = tolerance(rule, found.champion)
    worse_is_up = metric in LOWER_IS_BETTER
    threshold = None if limit is None else (limit if worse_is_up else -limit)
    return Metric(
        name=f"model.{metric.value}.change",
        value=found.delta,
        threshold=threshold,
        comparison=Comparison.LE if worse_is_up else Comparison.GE,
        ci=ConfidenceInterval(
            low=found.interval.low, high=found.interval.high, level=found.interval.level
        ),
        n=stats.rows,
        description=change_sentence(metric, found, stats.rows, limit),
        null_value=0.0,
    )


def value_metric(
    metric: PerformanceMetric, rule: PerformanceRule, stats: HoldoutStats, config: ModelConfig
) -> Metric:
    """``model.<metric>``: the candidate's value against its absolute minimum, if any."""
    value = candidate_value(metric, stats, config)
    worse_is_up = metric in LOWER_IS_BETTER
    text = f"{LABELS[metric]} of the candidate is {value:.4f} on {stats.rows:,} rows"
    if rule.minimum is not None:
        bound = "at most" if worse_is_up else "at least"
        text += f"; it must be {bound} {rule.minimum:.4f}"
    return Metric(
        name=f"model.{metric.value}",
        value=value,
        threshold=rule.minimum,
        comparison=Comparison.LE if worse_is_up else Comparison.GE,
        n=stats.rows,
        description=text,
    )


def performance_metrics(stats: HoldoutStats, config: ModelConfig) -> list[Metric]:
    """Every configured performance metric; changes only when a champion is present."""
    metrics: list[Metric] = []
    for metric, rule in config.performance.items():
        metrics.append(value_metric(metric, rule, stats, config))
        if config.columns.champion is None:
            continue
        found = change(metric, stats, config)
        metrics.append(change_metric(metric, rule, stats, config, found))
        metrics.extend(context_metrics(metric, found, stats.rows))
    return metrics
