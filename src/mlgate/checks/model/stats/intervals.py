"""Confidence intervals and the power figure the gate reports.

Pure standard library: normal quantiles come from :class:`statistics.NormalDist`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

# Power at which the minimum detectable difference is reported (the usual 80 %).
POWER = 0.8


@dataclass(frozen=True, slots=True, kw_only=True)
class Interval:
    """A two-sided interval at ``level``."""

    low: float
    high: float
    level: float

    def excludes(self, value: float) -> bool:
        """Whether ``value`` lies outside the interval."""
        return value < self.low or value > self.high


def z_two_sided(level: float) -> float:
    """The normal quantile of a two-sided interval at ``level`` (1.96 for 0.95)."""
    return NormalDist().inv_cdf(0.5 + level / 2)


def normal_interval(estimate: float, standard_error: float, level: float) -> Interval:
    """``estimate +- z * se``."""
    half = z_two_sided(level) * standard_error
    return Interval(low=estimate - half, high=estimate + half, level=level)


def minimum_detectable(standard_error: float, level: float, power: float = POWER) -> float:
    """Smallest true difference a two-sided test at ``level`` detects with ``power``."""
    return (z_two_sided(level) + NormalDist().inv_cdf(power)) * standard_error


def wilson(successes: int, trials: int, level: float) -> tuple[float, float]:
    """Wilson score interval of a proportion (``(0, 1)`` without trials)."""
    if trials == 0:
        return 0.0, 1.0
    z = z_two_sided(level)
    p = successes / trials
    centre = (p + z * z / (2 * trials)) / (1 + z * z / trials)
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials))
    half /= 1 + z * z / trials
    return max(centre - half, 0.0), min(centre + half, 1.0)


def newcombe_difference(first: tuple[int, int], second: tuple[int, int], level: float) -> Interval:
    """Newcombe's hybrid score interval of ``p1 - p2`` from ``(successes, trials)`` pairs.

    It keeps its coverage for small groups and rates near 0 or 1, where the Wald
    interval does not (Newcombe 1998, method 10).
    """
    p1, p2 = first[0] / first[1], second[0] / second[1]
    l1, u1 = wilson(*first, level)
    l2, u2 = wilson(*second, level)
    delta = p1 - p2
    return Interval(
        low=delta - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2),
        high=delta + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2),
        level=level,
    )


def bonferroni_level(level: float, comparisons: int) -> float:
    """Per-comparison confidence level keeping the family-wise error at ``1 - level``."""
    return 1 - (1 - level) / max(comparisons, 1)
