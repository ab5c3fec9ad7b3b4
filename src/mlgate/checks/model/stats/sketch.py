"""Per-feature sketches for drift: exact value counts of a numeric or categorical column.

A numeric sketch keeps each distinct value with its count (an exact empirical
distribution: KS, Wasserstein and decile bins are exact functions of it); a categorical
sketch keeps each category's count. Both count nulls (None and NaN) apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Self

import numpy as np

from mlgate.checks.model.stats.scores import FloatArray, IntArray


@dataclass(frozen=True, slots=True, kw_only=True)
class NumericSketch:
    """Distinct non-null values in increasing order, their counts, and the null count."""

    values: FloatArray
    counts: IntArray
    nulls: int

    @classmethod
    def from_values(cls, column: FloatArray) -> NumericSketch:
        """Sketch one batch; NaN marks a null."""
        is_null = np.isnan(column)
        values, counts = np.unique(column[~is_null], return_counts=True)
        return cls(
            values=values.astype(np.float64),
            counts=counts.astype(np.int64),
            nulls=int(is_null.sum()),
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
    """The sketch of all parts at once: one sort, however many parts."""
    values, inverse = np.unique(np.concatenate([s.values for s in sketches]), return_inverse=True)
    weights = np.concatenate([s.counts for s in sketches]).astype(np.float64)
    counts = np.bincount(inverse, weights=weights, minlength=values.size)
    return NumericSketch(
        values=values,
        counts=np.asarray(np.rint(counts), dtype=np.int64),
        nulls=sum(s.nulls for s in sketches),
    )
