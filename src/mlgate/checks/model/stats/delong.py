"""Paired DeLong test of two ROC AUCs on the same rows, as mergeable sums.

DeLong et al. (1988): each positive row's placement ``V`` is the share of negatives it
outranks (ties one half), each negative's ``W`` the share of positives outranking it;
``AUC = mean V = mean W`` and the variance of ``AUC_a - AUC_b`` is
``var(V_a - V_b) / P + var(W_a - W_b) / N``. Placements need the whole score tables, so
the sums are a second pass over the rows, after the tables of the first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Self

import numpy as np
import numpy.typing as npt

from mlgate.checks.model.stats.scores import FloatArray, ScoreTable

# Columns of the sums: count, a, a^2, b, b^2, d, d^2 with d = a - b; rows: positives,
# negatives.
_COLUMNS = 7


@dataclass(frozen=True, slots=True, kw_only=True)
class PlacementTable:
    """Per distinct score of a complete table: ``V`` of a positive and ``W`` of a negative.

    Computed once per table, then looked up for every batch of the second pass.
    """

    values: FloatArray
    v: FloatArray
    w: FloatArray

    @classmethod
    def of(cls, table: ScoreTable) -> PlacementTable:
        """The placements of every distinct score of ``table``."""
        below = table.negatives_below() + 0.5 * table.negatives
        above = table.positives_above() + 0.5 * table.positives
        return cls(
            values=table.values,
            v=below / max(table.n_negative, 1),
            w=above / max(table.n_positive, 1),
        )

    def placements(self, scores: FloatArray, positive: npt.NDArray[np.bool_]) -> FloatArray:
        """``V`` for positive rows and ``W`` for negative rows (scores must be in the table)."""
        # Looking up the batch's distinct scores in order walks the table once; looking up
        # every row in file order would jump around a table of up to millions of entries.
        distinct, inverse = np.unique(scores, return_inverse=True)
        index = np.searchsorted(self.values, distinct)[inverse]
        return np.where(positive, self.v[index], self.w[index])


def placements(
    table: ScoreTable, scores: FloatArray, positive: npt.NDArray[np.bool_]
) -> FloatArray:
    """``V`` for positive rows and ``W`` for negative rows (scores must be in the table)."""
    return PlacementTable.of(table).placements(scores, positive)


@dataclass(frozen=True, slots=True, kw_only=True)
class DeLongSums:
    """Sums of placements of models ``a`` (candidate) and ``b`` (champion) by class."""

    sums: FloatArray

    @classmethod
    def empty(cls) -> DeLongSums:
        """No rows yet."""
        return cls(sums=np.zeros((2, _COLUMNS)))

    @classmethod
    def from_rows(
        cls,
        tables: tuple[ScoreTable, ScoreTable],
        scores: tuple[FloatArray, FloatArray],
        positive: npt.NDArray[np.bool_],
    ) -> DeLongSums:
        """Sums over one batch, given both models' complete score tables."""
        lookups = (PlacementTable.of(tables[0]), PlacementTable.of(tables[1]))
        return cls.from_lookups(lookups, scores, positive)

    @classmethod
    def from_lookups(
        cls,
        lookups: tuple[PlacementTable, PlacementTable],
        scores: tuple[FloatArray, FloatArray],
        positive: npt.NDArray[np.bool_],
    ) -> DeLongSums:
        """Sums over one batch, given both models' precomputed placement tables."""
        a = lookups[0].placements(scores[0], positive)
        b = lookups[1].placements(scores[1], positive)
        d = a - b
        columns = np.stack([np.ones_like(a), a, a * a, b, b * b, d, d * d], axis=1)
        sums = np.stack([columns[positive].sum(axis=0), columns[~positive].sum(axis=0)])
        return cls(sums=sums)

    def merge(self, other: DeLongSums) -> Self:
        """Sums of both batches."""
        return type(self)(sums=self.sums + other.sums)


@dataclass(frozen=True, slots=True, kw_only=True)
class DeLongResult:
    """Both AUCs, their difference ``a - b`` and standard errors."""

    auc_a: float
    auc_b: float
    difference: float
    se_difference: float
    se_a: float


def _variance(count: float, total: float, squares: float) -> float:
    # Sample variance (ddof 1) from sums, as DeLong's covariance estimator uses.
    if count < 2:
        return math.nan
    return max((squares - total * total / count) / (count - 1), 0.0)


def delong(sums: DeLongSums) -> DeLongResult:
    """The paired DeLong estimate from complete sums."""
    (p, a_p, aa_p, b_p, _, d_p, dd_p), (n, a_n, aa_n, _, _, d_n, dd_n) = sums.sums.tolist()
    if p < 2 or n < 2:
        nan = math.nan
        return DeLongResult(auc_a=nan, auc_b=nan, difference=nan, se_difference=nan, se_a=nan)
    var_d = _variance(p, d_p, dd_p) / p + _variance(n, d_n, dd_n) / n
    var_a = _variance(p, a_p, aa_p) / p + _variance(n, a_n, aa_n) / n
    return DeLongResult(
        auc_a=a_p / p,
        auc_b=b_p / p,
        difference=d_p / p,
        se_difference=math.sqrt(var_d),
        se_a=math.sqrt(var_a),
    )
