"""Fairness decisions: disparities over groups with enough data, and their significance.

Per grouping (one attribute or a declared intersection) the gate uses only groups with at
least ``min_group_size`` rows (and, for TPR/FPR, that many positives/negatives); smaller
groups are reported as insufficient data (``MODEL001``, low) instead of being used or
silently dropped. A disparity blocks only when it exceeds its threshold **and** the two
extreme groups differ significantly after a multiple-comparison correction: every pair of
eligible groups (for both rates under equalized odds) gets the p-value of its Newcombe
interval, Holm's step-down runs over that family, and the extreme pair's interval is
reported at the level that makes "excludes zero" equal "Holm rejects"
(``Metric.null_value = 0``). The demographic parity ratio uses the same pair, family and
level with a MOVER-R interval of the ratio, which must exclude 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from mlgate.checks.model.config import FairnessMetric, ModelConfig
from mlgate.checks.model.stats.fairness import GroupRate, group_rates, successes_trials
from mlgate.checks.model.stats.groups import GroupCounts
from mlgate.checks.model.stats.intervals import (
    Interval,
    holm_level,
    mover_ratio,
    newcombe_difference,
    newcombe_pvalues,
    wilson,
)
from mlgate.checks.model.stats.scores import FloatArray
from mlgate.core.metric import Comparison, ConfidenceInterval, Metric

RATES: dict[FairnessMetric, tuple[GroupRate, ...]] = {
    FairnessMetric.DEMOGRAPHIC_PARITY_DIFFERENCE: (GroupRate.SELECTION_RATE,),
    FairnessMetric.DEMOGRAPHIC_PARITY_RATIO: (GroupRate.SELECTION_RATE,),
    FairnessMetric.EQUAL_OPPORTUNITY_DIFFERENCE: (GroupRate.TRUE_POSITIVE_RATE,),
    FairnessMetric.EQUALIZED_ODDS_DIFFERENCE: (
        GroupRate.TRUE_POSITIVE_RATE,
        GroupRate.FALSE_POSITIVE_RATE,
    ),
}
RATE_WORDS = {
    GroupRate.SELECTION_RATE: "Selection rate",
    GroupRate.TRUE_POSITIVE_RATE: "True positive rate",
    GroupRate.FALSE_POSITIVE_RATE: "False positive rate",
    GroupRate.PRECISION: "Precision",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Shortfall:
    """A group with too little data for one rate."""

    group: str
    rate: GroupRate
    trials: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Disparity:
    """The largest gap of one rate between eligible groups."""

    rate: GroupRate
    gap: float
    high: int
    low: int
    eligible: int


def eligible(groups: GroupCounts, rate: GroupRate, minimum: int) -> npt.NDArray[np.bool_]:
    """Groups with at least ``minimum`` rows in the rate's denominator."""
    _, trials = successes_trials(groups.counts, rate)
    return np.asarray(trials >= minimum)


def shortfalls(groups: GroupCounts, rates: tuple[GroupRate, ...], minimum: int) -> list[Shortfall]:
    """Every (group, rate) whose denominator is below ``minimum``."""
    found: list[Shortfall] = []
    for rate in rates:
        _, trials = successes_trials(groups.counts, rate)
        found.extend(
            Shortfall(group=groups.label(groups.keys[i]), rate=rate, trials=int(trials[i]))
            for i in np.flatnonzero(trials < minimum)
        )
    return found


def disparity(groups: GroupCounts, rate: GroupRate, minimum: int) -> Disparity | None:
    """The gap of ``rate`` between the extreme eligible groups; None below two groups."""
    mask = eligible(groups, rate, minimum)
    if int(mask.sum()) < 2:
        return None
    values = np.where(mask, group_rates(groups.counts, rate), np.nan)
    high, low = int(np.nanargmax(values)), int(np.nanargmin(values))
    return Disparity(
        rate=rate,
        gap=float(values[high] - values[low]),
        high=high,
        low=low,
        eligible=int(mask.sum()),
    )


def _pair(groups: GroupCounts, found: Disparity, index: int) -> tuple[int, int]:
    hits, trials = successes_trials(groups.counts, found.rate)
    return int(hits[index]), int(trials[index])


def _describe_group(groups: GroupCounts, found: Disparity, index: int) -> str:
    hits, trials = _pair(groups, found, index)
    return f"{groups.label(groups.keys[index])} ({hits / trials:.3f}, {trials:,} rows)"


def _holm_words(pairs: int) -> str:
    return f"Holm-adjusted over {pairs} comparison{'s' if pairs != 1 else ''}"


def _sentence(groups: GroupCounts, worst: Disparity, ci: Interval, pairs: int) -> str:
    high = _describe_group(groups, worst, worst.high)
    low = _describe_group(groups, worst, worst.low)
    return (
        f"{RATE_WORDS[worst.rate]} differs by {worst.gap:.3f} between {high} and {low}, "
        f"{ci.level * 100:.4g}% CI {ci.low:.3f} to {ci.high:.3f} "
        f"(Newcombe, {_holm_words(pairs)})"
    )


def family_pvalues(groups: GroupCounts, found: list[Disparity], minimum: int) -> FloatArray:
    """Newcombe p-values of every pair of eligible groups, for each rate of the metric."""
    parts: list[FloatArray] = []
    for disparity_found in found:
        hits, trials = successes_trials(groups.counts, disparity_found.rate)
        index = np.flatnonzero(eligible(groups, disparity_found.rate, minimum))
        first, second = np.triu_indices(index.size, 1)
        s, n = hits[index].astype(np.float64), trials[index].astype(np.float64)
        parts.append(newcombe_pvalues((s[first], n[first]), (s[second], n[second])))
    return np.concatenate(parts)


def _worst_and_level(
    groups: GroupCounts, metric: FairnessMetric, config: ModelConfig
) -> tuple[Disparity, float, int] | None:
    found = [d for r in RATES[metric] if (d := disparity(groups, r, config.min_group_size))]
    if len(found) < len(RATES[metric]):
        return None
    worst = max(found, key=lambda d: d.gap)
    pvalues = family_pvalues(groups, found, config.min_group_size)
    high, low = _pair(groups, worst, worst.high), _pair(groups, worst, worst.low)
    target = newcombe_pvalues(
        (np.array([float(high[0])]), np.array([float(high[1])])),
        (np.array([float(low[0])]), np.array([float(low[1])])),
    )
    return worst, holm_level(pvalues, float(target[0]), config.confidence), int(pvalues.size)


def _ratio_metric(
    groups: GroupCounts, worst: Disparity, level: float, pairs: int, threshold: float
) -> Metric:
    high, low = _pair(groups, worst, worst.high), _pair(groups, worst, worst.low)
    ci = mover_ratio(low, high, level)
    value = (low[0] / low[1]) / (high[0] / high[1]) if high[0] else 1.0
    text = (
        f"Selection rate of {_describe_group(groups, worst, worst.low)} is {value:.3f} times "
        f"that of {_describe_group(groups, worst, worst.high)}, {level * 100:.4g}% CI "
        f"{ci.low:.3f} to {ci.high:.3f} (MOVER-R, {_holm_words(pairs)}); "
        f"must be at least {threshold:g}"
    )
    return Metric(
        name=f"fairness.demographic_parity_ratio[{' x '.join(groups.attributes)}]",
        value=value,
        threshold=threshold,
        comparison=Comparison.GE,
        ci=ConfidenceInterval(low=ci.low, high=ci.high, level=level),
        n=int(groups.counts.sum()),
        description=text,
        null_value=1.0,
    )


def too_few_groups(groups: GroupCounts) -> str | None:
    """Why no disparity can exist over ``groups`` (fewer than two groups at all), or None.

    An all-null or single-valued attribute leaves one group: a configured fairness check
    over it cannot be computed, and passing it would hide exactly the bias it looks for.
    """
    if len(groups.keys) >= 2:
        return None
    found = ", ".join(groups.label(k) for k in groups.keys) or "none"
    return (
        f"fairness over {' x '.join(groups.attributes)} cannot be judged: the holdout has "
        f"{len(groups.keys)} group(s) ({found}) and a disparity needs at least two; check "
        "that the sensitive column is filled"
    )


def unjudged_message(metric: FairnessMetric, groups: GroupCounts, config: ModelConfig) -> str:
    """Why ``metric`` was not decided: fewer than two groups with enough data per rate."""
    counts = ", ".join(
        f"{int(eligible(groups, r, config.min_group_size).sum())} for its {RATE_WORDS[r].lower()}"
        for r in RATES[metric]
    )
    return (
        f"{metric.value} over {' x '.join(groups.attributes)} not judged: groups with at "
        f"least min_group_size {config.min_group_size} rows: {counts} (two needed); "
        "insufficient data, the disparity is unknown"
    )


def disparity_metric(
    metric: FairnessMetric, groups: GroupCounts, config: ModelConfig
) -> Metric | None:
    """The metric of one disparity over one grouping, or None without two eligible groups."""
    judged = _worst_and_level(groups, metric, config)
    if judged is None:
        return None
    worst, level, pairs = judged
    threshold = config.fairness[metric]
    if metric is FairnessMetric.DEMOGRAPHIC_PARITY_RATIO:
        return _ratio_metric(groups, worst, level, pairs, threshold)
    ci = newcombe_difference(
        _pair(groups, worst, worst.high), _pair(groups, worst, worst.low), level
    )
    text = _sentence(groups, worst, ci, pairs) + f"; threshold {threshold:g}"
    return Metric(
        name=f"fairness.{metric.value}[{' x '.join(groups.attributes)}]",
        value=worst.gap,
        threshold=threshold,
        comparison=Comparison.LE,
        ci=ConfidenceInterval(low=ci.low, high=ci.high, level=level),
        n=int(groups.counts.sum()),
        description=text,
        null_value=0.0,
    )


def group_metrics(groups: GroupCounts, config: ModelConfig) -> list[Metric]:
    """Per-group rates with Wilson intervals: context for reports, no threshold."""
    metrics: list[Metric] = []
    for rate in GroupRate:
        hits, trials = successes_trials(groups.counts, rate)
        for index, key in enumerate(groups.keys):
            low, high = wilson(int(hits[index]), int(trials[index]), config.confidence)
            value = float(hits[index] / trials[index]) if trials[index] else float("nan")
            metrics.append(
                Metric(
                    name=f"fairness.{rate.value}[{groups.label(key)}]",
                    value=value,
                    ci=ConfidenceInterval(low=low, high=high, level=config.confidence),
                    n=int(trials[index]),
                )
            )
    return metrics
