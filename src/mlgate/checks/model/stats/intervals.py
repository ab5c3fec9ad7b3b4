"""Confidence intervals and the power figure the gate reports.

Normal quantiles come from :class:`statistics.NormalDist`; interval limits are numpy
expressions, so one definition serves a single pair and every pair of groups at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
from scipy.special import ndtr

from mlgate.checks.model.stats.scores import FloatArray

# Power at which the minimum detectable difference is reported (the usual 80 %).
POWER = 0.8
# Bisection of the Newcombe p-value: z beyond 40 means p < 1e-300; 60 halvings of 40
# leave z within 4e-17, far below what any decision can notice.
_Z_MAX = 40.0
_BISECTIONS = 60


def _normal_sf(z: FloatArray) -> FloatArray:
    return np.asarray(ndtr(-z), dtype=np.float64)


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


def wilson_bounds(
    successes: FloatArray, trials: FloatArray, z: FloatArray | float
) -> tuple[FloatArray, FloatArray]:
    """Wilson score limits of proportions, elementwise (``(0, 1)`` without trials)."""
    n = np.asarray(trials, dtype=np.float64)
    safe = np.maximum(n, 1.0)
    p = np.asarray(successes, dtype=np.float64) / safe
    z2 = np.square(z)
    centre = (p + z2 / (2 * safe)) / (1 + z2 / safe)
    half = z * np.sqrt(p * (1 - p) / safe + z2 / (4 * safe * safe)) / (1 + z2 / safe)
    low = np.where(n > 0, np.maximum(centre - half, 0.0), 0.0)
    high = np.where(n > 0, np.minimum(centre + half, 1.0), 1.0)
    return np.asarray(low, dtype=np.float64), np.asarray(high, dtype=np.float64)


def wilson(successes: int, trials: int, level: float) -> tuple[float, float]:
    """Wilson score interval of a proportion (``(0, 1)`` without trials)."""
    low, high = wilson_bounds(np.array(successes), np.array(trials), z_two_sided(level))
    return float(low), float(high)


def newcombe_bounds(
    first: tuple[FloatArray, FloatArray], second: tuple[FloatArray, FloatArray], z: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Newcombe's hybrid score limits of ``p1 - p2``, elementwise (groups need trials)."""
    p1, p2 = first[0] / first[1], second[0] / second[1]
    l1, u1 = wilson_bounds(*first, z)
    l2, u2 = wilson_bounds(*second, z)
    delta = p1 - p2
    low = delta - np.sqrt(np.square(p1 - l1) + np.square(u2 - p2))
    high = delta + np.sqrt(np.square(u1 - p1) + np.square(p2 - l2))
    return np.asarray(low, dtype=np.float64), np.asarray(high, dtype=np.float64)


def newcombe_difference(first: tuple[int, int], second: tuple[int, int], level: float) -> Interval:
    """Newcombe's hybrid score interval of ``p1 - p2`` from ``(successes, trials)`` pairs.

    It keeps its coverage for small groups and rates near 0 or 1, where the Wald
    interval does not (Newcombe 1998, method 10).
    """
    as_arrays = (np.array(first[0], np.float64), np.array(first[1], np.float64))
    other = (np.array(second[0], np.float64), np.array(second[1], np.float64))
    low, high = newcombe_bounds(as_arrays, other, np.array(z_two_sided(level)))
    return Interval(low=float(low), high=float(high), level=level)


def newcombe_pvalues(
    first: tuple[FloatArray, FloatArray], second: tuple[FloatArray, FloatArray]
) -> FloatArray:
    """Two-sided p-values consistent with Newcombe's interval, elementwise.

    The p-value of a pair is ``1 - level`` of the widest Newcombe interval that still
    excludes 0 (the interval inverted into a test), so "interval at level L excludes 0"
    and "p < 1 - L" always agree. The limit nearest 0 moves monotonically towards it as
    ``z`` grows, so a vectorised bisection on ``z`` finds the crossing.
    """
    delta = first[0] / first[1] - second[0] / second[1]
    low, high = np.zeros_like(delta), np.full_like(delta, _Z_MAX)
    for _ in range(_BISECTIONS):
        middle = (low + high) / 2
        lower, upper = newcombe_bounds(first, second, middle)
        excludes = np.where(delta > 0, lower > 0, upper < 0)
        low, high = np.where(excludes, middle, low), np.where(excludes, high, middle)
    pvalues = 2 * _normal_sf(low)
    return np.asarray(np.where(delta == 0, 1.0, pvalues), dtype=np.float64)


def holm_level(pvalues: FloatArray, target: float, level: float) -> float:
    """Confidence level at which to judge the hypothesis with p-value ``target`` (Holm).

    Holm's step-down rejects the ``k``-th smallest p-value when it and all smaller ones
    satisfy ``p_(j) <= alpha / (m - j + 1)``. Reporting the target's interval at level
    ``1 - alpha / (m - min(rank, stop) + 1)`` (``stop``: the first rank Holm keeps) makes
    "the interval excludes 0" equal to "Holm rejects it" (Holm 1979).
    """
    alpha, m = 1 - level, int(pvalues.size)
    ordered = np.sort(pvalues)
    failing = np.flatnonzero(ordered > alpha / (m - np.arange(m)))
    stop = int(failing[0]) if failing.size else m
    rank = int(np.searchsorted(ordered, target, side="left"))
    return 1 - alpha / (m - min(rank, stop))


def _wilson_pair(count: tuple[int, int], z: float) -> tuple[float, float, float]:
    low, high = wilson_bounds(np.array(count[0]), np.array(count[1]), z)
    return count[0] / count[1], float(low), float(high)


def mover_ratio(first: tuple[int, int], second: tuple[int, int], level: float) -> Interval:
    """MOVER-R interval of ``p1 / p2`` from Wilson limits (Donner & Zou 2012).

    Unlike Katz's log interval it needs no continuity correction when ``p1`` is 0; an
    upper limit is infinite when ``p2``'s lower Wilson limit is 0.
    """
    z = z_two_sided(level)
    (p1, l1, u1), (p2, l2, u2) = _wilson_pair(first, z), _wilson_pair(second, z)
    product = p1 * p2
    low_root = math.sqrt(max(product**2 - l1 * u2 * (2 * p1 - l1) * (2 * p2 - u2), 0.0))
    high_root = math.sqrt(max(product**2 - u1 * l2 * (2 * p1 - u1) * (2 * p2 - l2), 0.0))
    high_denominator = l2 * (2 * p2 - l2)
    return Interval(
        low=max((product - low_root) / (u2 * (2 * p2 - u2)), 0.0),
        high=(product + high_root) / high_denominator if high_denominator > 0 else math.inf,
        level=level,
    )
