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


def _as_counts(weights: npt.NDArray[np.floating] | npt.NDArray[np.integer]) -> IntArray:
    # bincount with weights works in float64; counts stay exact below 2**53 rows.
    return np.asarray(np.rint(weights), dtype=np.int64)


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


def merge_tables(tables: Sequence[ScoreTable]) -> ScoreTable:
    """The table of all parts at once: one sort, however many parts."""
    values, inverse = np.unique(np.concatenate([t.values for t in tables]), return_inverse=True)
    pos = np.concatenate([t.positives for t in tables]).astype(np.float64)
    neg = np.concatenate([t.negatives for t in tables]).astype(np.float64)
    return ScoreTable(
        values=values,
        positives=_as_counts(np.bincount(inverse, weights=pos, minlength=values.size)),
        negatives=_as_counts(np.bincount(inverse, weights=neg, minlength=values.size)),
    )
