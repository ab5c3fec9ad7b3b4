"""Fairlearn's group metrics and disparities as functions of :class:`GroupCounts`.

Definitions follow ``fairlearn.metrics`` (``method="between_groups"``): a difference is
the largest group value minus the smallest, a ratio the smallest over the largest, and
equalized odds takes the worse of the TPR and FPR differences. Like Fairlearn, a group
without positives has TPR 0 and one without negatives FPR 0; the gate itself keeps such
groups out of its decisions (see ``fairness_rules``), but these functions stay faithful.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

import numpy as np

from mlgate.checks.model.stats.classification import (
    false_positive_rate,
    precision,
    recall,
    selection_rate,
)
from mlgate.checks.model.stats.scores import FloatArray, IntArray


class GroupRate(StrEnum):
    """A per-group rate of the predictions."""

    SELECTION_RATE = "selection_rate"
    TRUE_POSITIVE_RATE = "true_positive_rate"
    FALSE_POSITIVE_RATE = "false_positive_rate"
    PRECISION = "precision"


RATE_FUNCTIONS: dict[GroupRate, Callable[[FloatArray], FloatArray]] = {
    GroupRate.SELECTION_RATE: selection_rate,
    GroupRate.TRUE_POSITIVE_RATE: recall,
    GroupRate.FALSE_POSITIVE_RATE: false_positive_rate,
    GroupRate.PRECISION: precision,
}
# Which rows each rate is a proportion of: (successes, trials) as indices into
# (tn, fp, fn, tp), so intervals and significance tests use the right denominators.
RATE_COUNTS: dict[GroupRate, tuple[tuple[int, ...], tuple[int, ...]]] = {
    GroupRate.SELECTION_RATE: ((1, 3), (0, 1, 2, 3)),
    GroupRate.TRUE_POSITIVE_RATE: ((3,), (2, 3)),
    GroupRate.FALSE_POSITIVE_RATE: ((1,), (0, 1)),
    GroupRate.PRECISION: ((3,), (1, 3)),
}


def group_rates(counts: IntArray, rate: GroupRate) -> FloatArray:
    """The rate of every group (rows of ``counts`` are ``(tn, fp, fn, tp)``)."""
    return RATE_FUNCTIONS[rate](counts.astype(np.float64))


def successes_trials(counts: IntArray, rate: GroupRate) -> tuple[IntArray, IntArray]:
    """Per group, the numerator and denominator counts of ``rate``."""
    hits, trials = RATE_COUNTS[rate]
    return counts[:, list(hits)].sum(axis=1), counts[:, list(trials)].sum(axis=1)


def difference(values: FloatArray) -> float:
    """Largest minus smallest group value (``MetricFrame.difference()``)."""
    return float(np.max(values) - np.min(values)) if values.size else float("nan")


def ratio(values: FloatArray) -> float:
    """Smallest over largest group value (``MetricFrame.ratio()``); 1 when all are 0."""
    if not values.size:
        return float("nan")
    largest = float(np.max(values))
    return float(np.min(values)) / largest if largest > 0 else 1.0


def demographic_parity_difference(counts: IntArray) -> float:
    """``fairlearn.metrics.demographic_parity_difference``."""
    return difference(group_rates(counts, GroupRate.SELECTION_RATE))


def demographic_parity_ratio(counts: IntArray) -> float:
    """``fairlearn.metrics.demographic_parity_ratio``."""
    return ratio(group_rates(counts, GroupRate.SELECTION_RATE))


def equal_opportunity_difference(counts: IntArray) -> float:
    """``fairlearn.metrics.equal_opportunity_difference``: the TPR difference."""
    return difference(group_rates(counts, GroupRate.TRUE_POSITIVE_RATE))


def equalized_odds_difference(counts: IntArray) -> float:
    """``fairlearn.metrics.equalized_odds_difference`` (worst of TPR and FPR differences)."""
    return max(
        equal_opportunity_difference(counts),
        difference(group_rates(counts, GroupRate.FALSE_POSITIVE_RATE)),
    )
