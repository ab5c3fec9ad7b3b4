"""Decision-stability metrics: each blocks only on evidence beyond its tolerance.

A flip rate or top-k change blocks when even the lower end of its Wilson interval is
above the tolerance (``decide_on="ci_low"``); the rank correlation blocks when even the
upper end of its Fisher-z interval is below the floor. A change concentrated on one group
is judged like a fairness disparity (``fairness_rules``): the flip-rate gap between the
extreme eligible groups, with a Newcombe interval at the Holm-adjusted level over every
pair, must exceed the tolerance and exclude zero.
"""

from __future__ import annotations

import math

import numpy as np

from mlgate.checks.model.config import DecisionStability, ModelConfig
from mlgate.checks.model.fairness_rules import disparity, family_pvalues
from mlgate.checks.model.stability.decisions import DecisionSums
from mlgate.checks.model.stability.shares import share_metric
from mlgate.checks.model.stats.fairness import GroupRate, successes_trials
from mlgate.checks.model.stats.groups import GroupCounts
from mlgate.checks.model.stats.intervals import (
    holm_level,
    newcombe_difference,
    newcombe_pvalues,
    normal_interval,
    wilson,
)
from mlgate.core.metric import Comparison, ConfidenceInterval, Metric


def _pct(value: float) -> str:
    return f"{value * 100:.2f}%"


def _ci(low: float, high: float, level: float) -> ConfidenceInterval:
    return ConfidenceInterval(low=low, high=high, level=level)


def flip_view(groups: GroupCounts) -> GroupCounts:
    """The groups recounted so that their *selection rate* is their flip rate.

    Rows that kept their decision become ``tn`` and flipped rows ``fp``, so the fairness
    machinery (eligibility, extreme pair, Holm family) applies to flips unchanged.
    """
    counts = groups.counts
    kept, flipped = counts[:, 0] + counts[:, 3], counts[:, 1] + counts[:, 2]
    zeros = np.zeros_like(kept)
    recounted = np.stack([kept, flipped, zeros, zeros], axis=1)
    return GroupCounts(attributes=groups.attributes, keys=groups.keys, counts=recounted)


def flip_rate_metric(sums: DecisionSums, rules: DecisionStability, config: ModelConfig) -> Metric:
    """``stability.flip_rate``: the share of rows whose decision changed."""
    rows, flips = sums.rows, sums.flips
    low, high = wilson(flips, rows, config.confidence)
    value = flips / rows
    text = (
        f"The candidate changes the decision at threshold {config.threshold:g} for "
        f"{_pct(value)} of {rows:,} rows ({config.confidence * 100:g}% CI {_pct(low)} to "
        f"{_pct(high)}, Wilson; {int(sums.overall[1]):,} newly selected, "
        f"{int(sums.overall[2]):,} dropped)"
    )
    if rules.max_flip_rate is not None:
        text += f"; tolerance {_pct(rules.max_flip_rate)}"
    return Metric(
        name="stability.flip_rate",
        value=value,
        threshold=rules.max_flip_rate,
        comparison=Comparison.LE,
        ci=_ci(low, high, config.confidence),
        n=rows,
        description=text,
        decide_on="ci_low",
    )


def group_flip_metrics(groups: GroupCounts, config: ModelConfig) -> list[Metric]:
    """``stability.flip_rate[group]`` with Wilson intervals: context, no threshold."""
    hits, trials = successes_trials(flip_view(groups).counts, GroupRate.SELECTION_RATE)
    metrics: list[Metric] = []
    for index, key in enumerate(groups.keys):
        low, high = wilson(int(hits[index]), int(trials[index]), config.confidence)
        metrics.append(
            Metric(
                name=f"stability.flip_rate[{groups.label(key)}]",
                value=float(hits[index] / trials[index]),
                ci=_ci(low, high, config.confidence),
                n=int(trials[index]),
            )
        )
    return metrics


def _count(view: GroupCounts, index: int) -> tuple[int, int]:
    hits, trials = successes_trials(view.counts, GroupRate.SELECTION_RATE)
    return int(hits[index]), int(trials[index])


def _describe(view: GroupCounts, index: int) -> str:
    hits, trials = _count(view, index)
    return f"{view.label(view.keys[index])} ({_pct(hits / trials)} of {trials:,} rows)"


def flip_gap_metric(
    groups: GroupCounts, rules: DecisionStability, config: ModelConfig
) -> Metric | None:
    """``stability.flip_rate_difference[attrs]``; None without two eligible groups."""
    view = flip_view(groups)
    found = disparity(view, GroupRate.SELECTION_RATE, config.min_group_size)
    if found is None:
        return None
    pvalues = family_pvalues(view, [found], config.min_group_size)
    high, low = _count(view, found.high), _count(view, found.low)
    target = newcombe_pvalues(
        (np.array([float(high[0])]), np.array([float(high[1])])),
        (np.array([float(low[0])]), np.array([float(low[1])])),
    )
    level = holm_level(pvalues, float(target[0]), config.confidence)
    ci = newcombe_difference(high, low, level)
    text = (
        f"Decision changes concentrate on {_describe(view, found.high)} against "
        f"{_describe(view, found.low)}: gap {_pct(found.gap)}, {level * 100:.4g}% CI "
        f"{_pct(ci.low)} to {_pct(ci.high)} (Newcombe, Holm-adjusted over {pvalues.size} "
        "comparisons)"
    )
    if rules.max_group_flip_gap is not None:
        text += f"; tolerance {_pct(rules.max_group_flip_gap)}"
    return Metric(
        name=f"stability.flip_rate_difference[{' x '.join(groups.attributes)}]",
        value=found.gap,
        threshold=rules.max_group_flip_gap,
        comparison=Comparison.LE,
        ci=_ci(ci.low, ci.high, level),
        n=int(groups.counts.sum()),
        description=text,
        null_value=0.0,
    )


def spearman_interval(rho: float, rows: int, level: float) -> tuple[float, float]:
    """Fisher-z interval of Spearman's rho with Bonett & Wright's (2000) variance.

    ``var(atanh(rho)) = (1 + rho^2 / 2) / (n - 3)``; at ``|rho| = 1`` the interval is the
    point itself, as no resampling of the rows could change a perfect agreement.
    """
    if rows <= 3 or math.isnan(rho):
        return -1.0, 1.0
    if abs(rho) >= 1:
        return rho, rho
    se = math.sqrt((1 + rho * rho / 2) / (rows - 3))
    z = normal_interval(math.atanh(rho), se, level)
    return math.tanh(z.low), math.tanh(z.high)


def rank_metric(sums: DecisionSums, rules: DecisionStability, config: ModelConfig) -> Metric:
    """``stability.rank_correlation``: Spearman's rho of the two models' scores."""
    rho = sums.spearman()
    low, high = spearman_interval(rho, sums.rows, config.confidence)
    text = (
        f"Spearman rank correlation of candidate and champion scores is {rho:.4f} "
        f"({config.confidence * 100:g}% CI {low:.4f} to {high:.4f}, Fisher z, "
        f"{sums.rows:,} rows)"
    )
    if rules.min_rank_correlation is not None:
        text += f"; it must be at least {rules.min_rank_correlation:g}"
    return Metric(
        name="stability.rank_correlation",
        value=rho,
        threshold=rules.min_rank_correlation,
        comparison=Comparison.GE,
        ci=_ci(low, high, config.confidence),
        n=sums.rows,
        description=text,
        decide_on="ci_high",
    )


def top_metric(sums: DecisionSums, rules: DecisionStability, config: ModelConfig) -> Metric:
    """``stability.top_changed``: share of the champion's top-k the candidate leaves out."""
    top, left = int(sums.top[0]), int(sums.top[1])
    return share_metric(
        name="stability.top_changed",
        count=left,
        rows=top,
        limit=rules.max_top_changed,
        level=config.confidence,
        sentence=f"{_pct(left / top)} of the champion's top {_pct(rules.top_share)} "
        f"({top:,} rows) are not in the candidate's",
    )


def decision_metrics(
    sums: DecisionSums, rules: DecisionStability, config: ModelConfig
) -> list[Metric]:
    """Every decision-stability metric: overall, per group, ranks and top-k."""
    metrics = [flip_rate_metric(sums, rules, config)]
    for groups in sums.groups.values():
        gap = flip_gap_metric(groups, rules, config)
        metrics.extend([gap] if gap is not None else [])
        metrics.extend(group_flip_metrics(groups, config))
    metrics.extend([rank_metric(sums, rules, config), top_metric(sums, rules, config)])
    return metrics
