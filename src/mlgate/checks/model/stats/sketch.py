"""Per-feature sketches for drift: value counts of a numeric or categorical column.

A numeric sketch keeps each distinct value with its count: an exact empirical
distribution (KS, Wasserstein and decile bins are exact functions of it) while the column
has at most :data:`CAPACITY` distinct values. Beyond that it **compacts**: every value is
replaced by the representative of its bucket on a logarithmic grid of relative accuracy
:data:`ALPHA` (the DDSketch mapping, Masson et al. 2019), and equal representatives merge.

Documented error of a compacted sketch: every value moves by at most ``ALPHA`` (0.1 %) of
its magnitude, never across zero and never past another value (the mapping is monotone).
So quantiles, and hence the PSI decile edges, are within 0.1 % of the exact ones; the CDF
at a point is exact except for the rows whose value shares the point's bucket; the
Wasserstein distance moves by at most ``ALPHA`` times the mean absolute value. Its size
is bounded by the values' range, not the rows: ``ln(max|x| / min|x|) / ln(gamma)`` buckets
per sign, about 7,000 for values spanning six orders of magnitude.

Compaction is a fixed function of each value, so it commutes with merging: a sketch is
compacted exactly when the whole column has more than ``CAPACITY`` distinct values, and
merging parts (compacted or not) equals sketching the whole, whatever the split. A
categorical sketch keeps each category's count. Both count nulls (None and NaN) apart.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Self

import numpy as np

from mlgate.checks.model.stats.scores import FloatArray, IntArray, merge_sorted

# Distinct values kept exactly; above, the sketch compacts. Above the 10,000 rows where
# the KS test is exact, so an exact KS p-value is always computed from exact values.
CAPACITY = 16384
ALPHA = 1e-3
_GAMMA = (1 + ALPHA) / (1 - ALPHA)
_LOG_GAMMA = math.log(_GAMMA)
_LOG_SHIFT = math.log(2 / (_GAMMA + 1))


def compact_values(values: FloatArray) -> FloatArray:
    """Each value's bucket representative (zero and infinities are kept as they are).

    Bucket ``k`` holds magnitudes in ``(gamma**(k-1), gamma**k]`` and is represented by
    ``2 gamma**k / (gamma + 1)``, within ``ALPHA`` of every magnitude in it; representatives
    map to themselves, so compacting twice changes nothing.
    """
    magnitude = np.abs(values)
    usable = np.isfinite(values) & (magnitude > 0)
    key = np.ceil(np.log(np.where(usable, magnitude, 1.0)) / _LOG_GAMMA)
    with np.errstate(over="ignore"):
        represented = np.sign(values) * np.exp(key * _LOG_GAMMA + _LOG_SHIFT)
    # The top bucket's representative can pass the largest float: such values stay put.
    usable &= np.isfinite(represented)
    return np.asarray(np.where(usable, represented, values), dtype=np.float64)


@dataclass(frozen=True, slots=True, kw_only=True)
class NumericSketch:
    """Distinct non-null values in increasing order, their counts, and the null count."""

    values: FloatArray
    counts: IntArray
    nulls: int
    compacted: bool = False

    @classmethod
    def from_values(cls, column: FloatArray) -> NumericSketch:
        """Sketch one batch; NaN marks a null."""
        is_null = np.isnan(column)
        values, counts = np.unique(column[~is_null], return_counts=True)
        return cls.from_counts(values, counts, int(is_null.sum()))

    @classmethod
    def from_counts(
        cls, values: FloatArray, counts: IntArray, nulls: int, *, compacted: bool = False
    ) -> NumericSketch:
        """A sketch of sorted distinct ``values`` with their counts, compacted if too many."""
        sketch = cls(
            values=np.asarray(values, dtype=np.float64),
            counts=np.asarray(counts, dtype=np.int64),
            nulls=nulls,
            compacted=compacted,
        )
        return sketch.compact() if compacted or values.size > CAPACITY else sketch

    def compact(self) -> NumericSketch:
        """The compacted form of this sketch (see the module docstring)."""
        if self.values.size == 0:
            return replace(self, compacted=True)
        represented = compact_values(self.values)
        starts = np.flatnonzero(np.concatenate([[True], represented[1:] != represented[:-1]]))
        return NumericSketch(
            values=represented[starts],
            counts=np.add.reduceat(self.counts, starts).astype(np.int64),
            nulls=self.nulls,
            compacted=True,
        )

    def merge(self, other: NumericSketch) -> NumericSketch:
        """The sketch of both batches."""
        return merge_numeric([self, other])

    @property
    def n(self) -> int:
        """Non-null rows."""
        return int(self.counts.sum())

    @property
    def rows(self) -> int:
        """All rows, nulls included."""
        return self.n + self.nulls

    def cdf_at(self, points: FloatArray) -> FloatArray:
        """Share of non-null values ``<= point`` for each point."""
        cumulative = np.concatenate([[0], np.cumsum(self.counts)])
        index = np.searchsorted(self.values, points, side="right")
        return np.asarray(cumulative[index] / max(self.n, 1), dtype=np.float64)

    def quantiles(self, probabilities: FloatArray) -> FloatArray:
        """``numpy.quantile(values, probabilities)`` (linear method) from the counts."""
        position = probabilities * (self.n - 1)
        lower = np.floor(position)
        below = self._order_statistic(lower.astype(np.int64))
        above = self._order_statistic(np.minimum(lower + 1, self.n - 1).astype(np.int64))
        return np.asarray(below + (position - lower) * (above - below), dtype=np.float64)

    def _order_statistic(self, rank: IntArray) -> FloatArray:
        # The k-th smallest value (0-based) is the first distinct value whose running
        # count exceeds k.
        index = np.searchsorted(np.cumsum(self.counts), rank, side="right")
        return self.values[index]

    def mean_std(self) -> tuple[float, float]:
        """Mean and population standard deviation (``numpy.std``, ddof 0)."""
        weights = self.counts.astype(np.float64)
        mean = float(np.dot(weights, self.values) / self.n)
        variance = float(np.dot(weights, np.square(self.values - mean)) / self.n)
        return mean, variance**0.5


@dataclass(frozen=True, slots=True, kw_only=True)
class CategorySketch:
    """Category values (sorted) with their counts, and the null count."""

    categories: tuple[str, ...]
    counts: IntArray
    nulls: int

    @classmethod
    def from_counts(cls, categories: Sequence[str], counts: Sequence[int], nulls: int) -> Self:
        """Build from (possibly unsorted, repeated) category counts."""
        totals: dict[str, int] = {}
        for category, count in zip(categories, counts, strict=True):
            totals[category] = totals.get(category, 0) + int(count)
        ordered = sorted(totals)
        return cls(
            categories=tuple(ordered),
            counts=np.array([totals[c] for c in ordered], dtype=np.int64),
            nulls=nulls,
        )

    def merge(self, other: CategorySketch) -> Self:
        """The sketch of both batches."""
        return type(self).from_counts(
            self.categories + other.categories,
            [*self.counts.tolist(), *other.counts.tolist()],
            self.nulls + other.nulls,
        )

    @property
    def n(self) -> int:
        """Non-null rows."""
        return int(self.counts.sum())

    @property
    def rows(self) -> int:
        """All rows, nulls included."""
        return self.n + self.nulls

    def counts_for(self, categories: Sequence[str]) -> IntArray:
        """Counts aligned to ``categories`` (0 where absent)."""
        own = dict(zip(self.categories, self.counts.tolist(), strict=True))
        return np.array([own.get(c, 0) for c in categories], dtype=np.int64)


def merge_numeric(sketches: Sequence[NumericSketch]) -> NumericSketch:
    """The sketch of all parts at once: one run merge, however many parts.

    When any part is compacted, every part is (compaction commutes with merging).
    """
    compacted = any(s.compacted for s in sketches)
    parts = [s.compact() if compacted and not s.compacted else s for s in sketches]
    values, (counts,) = merge_sorted([s.values for s in parts], [[s.counts for s in parts]])
    nulls = sum(s.nulls for s in parts)
    return NumericSketch.from_counts(values, counts, nulls, compacted=compacted)


def on_one_grid(first: NumericSketch, second: NumericSketch) -> tuple[NumericSketch, NumericSketch]:
    """Both sketches compacted when either is, so they are compared on the same grid."""
    if first.compacted == second.compacted:
        return first, second
    return first.compact(), second.compact()
