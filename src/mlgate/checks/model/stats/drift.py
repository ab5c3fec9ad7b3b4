"""Drift statistics between a reference and a current sketch of one feature.

Definitions (documented once, here):

- **PSI** over reference deciles: bin edges are ``numpy.quantile(reference, [0.1 ..
  0.9])`` (repeated edges merged), bins are right-closed ``(-inf, q10], (q10, q20], ...,
  (q90, inf)``; categories are their own bins. ``PSI = sum (c - r) ln(c / r)`` with both
  shares floored at ``1e-4`` so an empty bin counts as rare, not impossible.
- **Jensen-Shannon distance** (base 2, in [0, 1]) over the same bins or categories, as
  ``scipy.spatial.distance.jensenshannon(r, c, base=2)``.
- **KS**: ``scipy.stats.ks_2samp`` with its default ``method="auto"``: when both samples
  have at most 10,000 values the rows are rebuilt from the sketch (bounded by that size)
  and scipy computes its exact p-value; above, the statistic comes from the sketch's CDFs
  and the p-value from Smirnov's distribution, exactly as scipy's ``auto`` switches.
- **Chi-square**: Pearson's test of the 2 x K table reference/current by category
  (``scipy.stats.chi2_contingency(correction=False)``; categories absent from both dropped).
- **Normalised Wasserstein**: ``scipy.stats.wasserstein_distance(reference, current)``
  divided by the reference's population standard deviation (1 when it is constant).

A numeric feature with more than ``sketch.CAPACITY`` distinct values is compacted (values
move by at most 0.1 %, see :mod:`.sketch`); when one side is compacted, both are compared
on the same grid, and the statistics above are exact functions of the compacted values.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
from scipy import stats

from mlgate.checks.model.stats.scores import FloatArray
from mlgate.checks.model.stats.sketch import CategorySketch, NumericSketch, on_one_grid

PSI_FLOOR = 1e-4
# scipy's ks_2samp(method="auto") is exact up to this many values per sample.
KS_EXACT_MAX = 10_000
DECILES = np.linspace(0.1, 0.9, 9)


@dataclass(frozen=True, slots=True, kw_only=True)
class Drift:
    """Every drift number of one feature; fields that do not apply are NaN."""

    psi: float
    jensen_shannon: float
    ks_statistic: float = math.nan
    ks_pvalue: float = math.nan
    chi2_statistic: float = math.nan
    chi2_pvalue: float = math.nan
    wasserstein: float = math.nan
    unseen_share: float = math.nan  # categorical features only
    null_share_reference: float
    null_share_current: float
    n_reference: int
    n_current: int


def _shares(counts: FloatArray) -> FloatArray:
    total = float(np.sum(counts))
    return counts / total if total > 0 else np.zeros_like(counts, dtype=np.float64)


def psi(reference: FloatArray, current: FloatArray) -> float:
    """Population stability index of two count vectors over the same bins."""
    r = np.maximum(_shares(reference), PSI_FLOOR)
    c = np.maximum(_shares(current), PSI_FLOOR)
    return float(np.sum((c - r) * np.log(c / r)))


def jensen_shannon(reference: FloatArray, current: FloatArray) -> float:
    """Jensen-Shannon distance (base 2) of two count vectors over the same bins."""
    p, q = _shares(reference), _shares(current)
    m = (p + q) / 2

    def kl(a: FloatArray) -> float:
        mask = a > 0
        return float(np.sum(a[mask] * np.log(a[mask] / m[mask])))

    return math.sqrt(max((kl(p) + kl(q)) / 2, 0.0) / math.log(2))


def decile_counts(reference: NumericSketch, sketch: NumericSketch) -> FloatArray:
    """Counts of ``sketch`` in the reference-decile bins (see the module docstring)."""
    edges = np.unique(reference.quantiles(DECILES))
    cumulative = np.concatenate([[0.0], sketch.cdf_at(edges) * sketch.n, [float(sketch.n)]])
    return np.asarray(np.diff(cumulative), dtype=np.float64)


def _rows(sketch: NumericSketch) -> FloatArray:
    return np.repeat(sketch.values, sketch.counts)


def ks_2samp(reference: NumericSketch, current: NumericSketch) -> tuple[float, float]:
    """Two-sample KS statistic and two-sided p-value, as ``scipy.stats.ks_2samp``."""
    if max(reference.n, current.n) <= KS_EXACT_MAX:
        with warnings.catch_warnings():
            # scipy falls back to the asymptotic p-value when the exact one overflows
            # and warns; that fallback is its documented default, so it is ours too.
            warnings.simplefilter("ignore", RuntimeWarning)
            result = stats.ks_2samp(_rows(reference), _rows(current))
        return float(result.statistic), float(result.pvalue)
    points = np.union1d(reference.values, current.values)
    statistic = float(np.max(np.abs(reference.cdf_at(points) - current.cdf_at(points))))
    m, n = sorted([float(reference.n), float(current.n)], reverse=True)
    pvalue = float(np.clip(stats.kstwo.sf(statistic, np.round(m * n / (m + n))), 0, 1))
    return statistic, pvalue


def wasserstein(reference: NumericSketch, current: NumericSketch) -> float:
    """First Wasserstein distance of the two empirical distributions."""
    points = np.union1d(reference.values, current.values)
    gaps = np.abs(reference.cdf_at(points[:-1]) - current.cdf_at(points[:-1]))
    return float(np.sum(gaps * np.diff(points)))


def numeric_drift(reference: NumericSketch, current: NumericSketch) -> Drift:
    """All drift statistics of a numeric feature (both sides need a non-null value)."""
    reference, current = on_one_grid(reference, current)
    ref_bins, cur_bins = decile_counts(reference, reference), decile_counts(reference, current)
    ks, pvalue = ks_2samp(reference, current)
    _, scale = reference.mean_std()
    return Drift(
        psi=psi(ref_bins, cur_bins),
        jensen_shannon=jensen_shannon(ref_bins, cur_bins),
        ks_statistic=ks,
        ks_pvalue=pvalue,
        wasserstein=wasserstein(reference, current) / (scale if scale > 0 else 1.0),
        null_share_reference=reference.nulls / max(reference.rows, 1),
        null_share_current=current.nulls / max(current.rows, 1),
        n_reference=reference.rows,
        n_current=current.rows,
    )


def chi_square(reference: FloatArray, current: FloatArray) -> tuple[float, float]:
    """Pearson chi-square of the 2 x K table, without continuity correction."""
    table = np.vstack([reference, current])
    table = table[:, table.sum(axis=0) > 0]
    if table.shape[1] < 2 or np.any(table.sum(axis=1) == 0):
        return 0.0, 1.0
    result = stats.chi2_contingency(table, correction=False)
    return float(result.statistic), float(result.pvalue)


def categorical_drift(reference: CategorySketch, current: CategorySketch) -> Drift:
    """All drift statistics of a categorical feature."""
    categories = sorted(set(reference.categories) | set(current.categories))
    ref = reference.counts_for(categories).astype(np.float64)
    cur = current.counts_for(categories).astype(np.float64)
    statistic, pvalue = chi_square(ref, cur)
    unseen = float(cur[ref == 0].sum()) / max(current.n, 1)
    return Drift(
        psi=psi(ref, cur),
        jensen_shannon=jensen_shannon(ref, cur),
        chi2_statistic=statistic,
        chi2_pvalue=pvalue,
        unseen_share=unseen,
        null_share_reference=reference.nulls / max(reference.rows, 1),
        null_share_current=current.nulls / max(current.rows, 1),
        n_reference=reference.rows,
        n_current=current.rows,
    )
