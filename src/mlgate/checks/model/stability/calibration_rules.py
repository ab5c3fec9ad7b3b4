"""Calibration metrics: the candidate's ECE and MCE, the Brier parts, and the ECE change.

ECE and MCE block when even the lower end of their bootstrap interval is above the limit
(``decide_on="ci_low"``): a finite holdout inflates both, and a gate must not block on that
alone. The ECE change vs the champion is the model check's own paired bootstrap change
(:func:`performance.change`), blocking only beyond its tolerance with an interval that
excludes zero.
"""

from __future__ import annotations

from collections.abc import Callable

from mlgate.checks.model.config import Calibration, ModelConfig, PerformanceMetric
from mlgate.checks.model.engine import HoldoutStats
from mlgate.checks.model.performance import change, change_sentence
from mlgate.checks.model.stability.calibration import (
    bin_edges,
    brier_parts,
    interval,
    mce_from_bins,
)
from mlgate.checks.model.stats.classification import ece_from_bins, table_bin_sums
from mlgate.checks.model.stats.scores import FloatArray
from mlgate.core.metric import Comparison, ConfidenceInterval, Metric

BinFunction = Callable[[FloatArray, FloatArray, FloatArray], FloatArray]
_ERRORS: dict[str, tuple[str, BinFunction]] = {
    "ece": ("Expected calibration error (ECE)", ece_from_bins),
    "mce": ("Maximum calibration error (MCE)", mce_from_bins),
}


def error_metric(
    kind: str, stats: HoldoutStats, limit: float | None, config: ModelConfig
) -> Metric:
    """``calibration.ece`` or ``calibration.mce`` of the candidate with a bootstrap interval."""
    words, function = _ERRORS[kind]
    value = float(function(*table_bin_sums(stats.tables[0], config.ece_bins)))
    low, high = interval(function(*stats.bootstrap.ece_sums(0)), config.confidence)
    text = (
        f"{words} of the candidate is {value:.4f} over {config.ece_bins} uniform bins "
        f"({config.confidence * 100:g}% CI {low:.4f} to {high:.4f}, bootstrap, "
        f"{stats.rows:,} rows)"
    )
    if limit is not None:
        text += f"; it must be at most {limit:g}"
    return Metric(
        name=f"calibration.{kind}",
        value=value,
        threshold=limit,
        comparison=Comparison.LE,
        ci=ConfidenceInterval(low=low, high=high, level=config.confidence),
        n=stats.rows,
        description=text,
        decide_on="ci_low",
    )


def brier_metrics(stats: HoldoutStats, config: ModelConfig) -> list[Metric]:
    """Reliability, resolution and uncertainty of the candidate: context, no threshold."""
    parts = brier_parts(*table_bin_sums(stats.tables[0], config.ece_bins))
    values = {
        "reliability": parts.reliability,
        "resolution": parts.resolution,
        "uncertainty": parts.uncertainty,
    }
    return [
        Metric(name=f"calibration.brier.{name}", value=value, n=stats.rows)
        for name, value in values.items()
    ]


def reliability_metrics(stats: HoldoutStats, config: ModelConfig) -> list[Metric]:
    """The reliability diagram: per non-empty bin, the observed rate and the mean score."""
    count, labels, scores = table_bin_sums(stats.tables[0], config.ece_bins)
    edges = bin_edges(config.ece_bins)
    return [
        Metric(
            name=f"calibration.observed_rate[{edges[b]:.2f}-{edges[b + 1]:.2f}]",
            value=float(labels[b] / count[b]),
            n=int(count[b]),
            description=f"mean score {scores[b] / count[b]:.4f}",
        )
        for b in range(config.ece_bins)
        if count[b] > 0
    ]


def ece_change_metric(stats: HoldoutStats, rules: Calibration, config: ModelConfig) -> Metric:
    """``calibration.ece.change``: candidate minus champion ECE, paired bootstrap."""
    found = change(PerformanceMetric.ECE, stats, config)
    limit = rules.max_ece_increase
    return Metric(
        name="calibration.ece.change",
        value=found.delta,
        threshold=limit,
        comparison=Comparison.LE,
        ci=ConfidenceInterval(
            low=found.interval.low, high=found.interval.high, level=found.interval.level
        ),
        n=stats.rows,
        description=change_sentence(PerformanceMetric.ECE, found, stats.rows, limit),
        null_value=0.0,
    )


def calibration_metrics(
    stats: HoldoutStats, rules: Calibration, config: ModelConfig
) -> list[Metric]:
    """Every calibration metric; the change only with a champion."""
    metrics = [
        error_metric("ece", stats, rules.max_ece, config),
        error_metric("mce", stats, rules.max_mce, config),
        *brier_metrics(stats, config),
        *reliability_metrics(stats, config),
    ]
    if config.columns.champion is not None:
        metrics.append(ece_change_metric(stats, rules, config))
    return metrics
