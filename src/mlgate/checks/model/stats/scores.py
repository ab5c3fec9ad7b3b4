"""Score tables: per distinct score, how many positives and negatives carry it.

A score table is the sufficient statistic of one binary classifier on one dataset:
ROC AUC, average precision, log loss, Brier score, calibration error and the confusion
matrix at any threshold are exact functions of it. Ties collapse into one row, which is
exactly how scikit-learn's ``_binary_clf_curve`` treats them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True, kw_only=True)
class ScoreTable:
    """Distinct scores in increasing order with the positives and negatives at each."""

    values: FloatArray
    positives: IntArray
    negatives: IntArray

    @classmethod
    def empty(cls) -> ScoreTable:
        """The table of no rows."""
        return cls(
            values=np.empty(0, np.float64),
            positives=np.empty(0, np.int64),
            negatives=np.empty(0, np.int64),
        )

    @classmethod
    def from_rows(cls, scores: FloatArray, labels: npt.NDArray[np.bool_]) -> ScoreTable:
        """Tabulate one batch; ``labels`` are True for the positive class."""
        values, inverse = np.unique(scores, return_inverse=True)
        positives = np.bincount(inverse[labels], minlength=values.size).astype(np.int64)
        totals = np.bincount(inverse, minlength=values.size).astype(np.int64)
        return cls(
            values=values.astype(np.float64),
            positives=positives,
            negatives=totals - positives,
        )

    def merge(self, other: ScoreTable) -> ScoreTable:
        """The table of both batches' rows together."""
        return merge_tables([self, other])

    @property
    def n_positive(self) -> int:
        """Rows of the positive class."""
        return int(self.positives.sum())

    @property
    def n_negative(self) -> int:
        """Rows of the negative class."""
        return int(self.negatives.sum())

    @property
    def n(self) -> int:
        """All rows."""
        return self.n_positive + self.n_negative

    def negatives_below(self) -> IntArray:
        """For each distinct score, the negatives with a strictly lower score."""
        return np.concatenate([[0], np.cumsum(self.negatives)[:-1]]).astype(np.int64)

    def positives_above(self) -> IntArray:
        """For each distinct score, the positives with a strictly higher score."""
        above = np.cumsum(self.positives[::-1])[::-1] - self.positives
        return above.astype(np.int64)

    def confusion_at(self, threshold: float) -> tuple[int, int, int, int]:
        """``(tn, fp, fn, tp)`` when a score ``>= threshold`` predicts the positive class."""
        cut = int(np.searchsorted(self.values, threshold, side="left"))
        fn, tn = int(self.positives[:cut].sum()), int(self.negatives[:cut].sum())
        tp, fp = int(self.positives[cut:].sum()), int(self.negatives[cut:].sum())
        return tn, fp, fn, tp


def merge_sorted(
    values: Sequence[FloatArray], counts: Sequence[Sequence[IntArray]]
) -> tuple[FloatArray, list[IntArray]]:
    """Merge sorted distinct-value arrays, adding the counts of equal values.

    A stable sort of the concatenated runs is a run merge (timsort), not a full sort, and
    counts are added as integers, so the result is exact however many parts there are.
    """
    joined = np.concatenate(values) if values else np.empty(0, np.float64)
    order = np.argsort(joined, kind="stable")
    ordered = joined[order]
    starts = np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]]))
    if ordered.size == 0:
        return ordered.astype(np.float64), [np.empty(0, np.int64) for _ in counts]
    totals = [
        np.add.reduceat(np.concatenate(column).astype(np.int64)[order], starts) for column in counts
    ]
    return ordered[starts].astype(np.float64), totals


def merge_tables(tables: Sequence[ScoreTable]) -> ScoreTable:
    """The table of all parts at once: one run merge, however many parts."""
    values, (positives, negatives) = merge_sorted(
        [t.values for t in tables],
        [[t.positives for t in tables], [t.negatives for t in tables]],
    )
    return ScoreTable(values=values, positives=positives, negatives=negatives)
