"""Confusion counts per sensitive group: the sufficient statistic of group fairness.

One ``bincount`` over ``group code * 4 + label * 2 + prediction`` gives, per group, the
counts ``(tn, fp, fn, tp)``; every Fairlearn group metric (selection rate, TPR, FPR,
precision) and every disparity is a function of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Self

import numpy as np
import numpy.typing as npt

from mlgate.checks.model.stats.scores import IntArray

GroupKey = tuple[str, ...]
# The group name of rows whose attribute is null: they are a group, not dropped rows.
MISSING = "<missing>"


@dataclass(frozen=True, slots=True, kw_only=True)
class GroupCounts:
    """Per group (one value per attribute), the counts ``(tn, fp, fn, tp)``, keys sorted."""

    attributes: tuple[str, ...]
    keys: tuple[GroupKey, ...]
    counts: IntArray

    @classmethod
    def from_codes(
        cls,
        attributes: Sequence[str],
        codes: Sequence[npt.NDArray[np.integer]],
        vocabularies: Sequence[Sequence[str]],
        outcome: npt.NDArray[np.integer],
    ) -> GroupCounts:
        """Count one batch.

        Args:
            attributes: names of the sensitive attributes, in key order.
            codes: per attribute, each row's index into its vocabulary.
            vocabularies: per attribute, the value of each code.
            outcome: per row ``2 * label + prediction`` (0 tn, 1 fp, 2 fn, 3 tp).
        """
        dims = tuple(max(len(v), 1) for v in vocabularies)
        group = np.ravel_multi_index(tuple(np.asarray(c, np.intp) for c in codes), dims)
        flat = np.bincount(group * 4 + outcome, minlength=int(np.prod(dims)) * 4)
        table = flat.reshape(-1, 4)
        present = np.flatnonzero(table.sum(axis=1))
        keys = [
            tuple(vocabularies[a][int(i)] for a, i in enumerate(np.unravel_index(g, dims)))
            for g in present
        ]
        return cls._sorted(tuple(attributes), keys, table[present])

    @classmethod
    def _sorted(
        cls,
        attributes: tuple[str, ...],
        keys: Sequence[GroupKey],
        counts: npt.NDArray[np.integer] | Sequence[IntArray],
    ) -> GroupCounts:
        order = sorted(range(len(keys)), key=lambda i: keys[i])
        return cls(
            attributes=attributes,
            keys=tuple(keys[i] for i in order),
            counts=np.asarray(counts, np.int64)[order].reshape(-1, 4),
        )

    def merge(self, other: GroupCounts) -> Self:
        """The counts of both batches; keys are matched by value, not by code."""
        if other.attributes != self.attributes:
            raise ValueError(f"cannot merge groups of {other.attributes} into {self.attributes}")
        totals: dict[GroupKey, IntArray] = {}
        for keys, counts in ((self.keys, self.counts), (other.keys, other.counts)):
            for key, row in zip(keys, counts, strict=True):
                totals[key] = totals[key] + row if key in totals else row.copy()
        merged = type(self)._sorted(self.attributes, list(totals), list(totals.values()))
        return type(self)(attributes=merged.attributes, keys=merged.keys, counts=merged.counts)

    def sizes(self) -> IntArray:
        """Rows per group."""
        return np.asarray(self.counts.sum(axis=1), dtype=np.int64)

    def label(self, key: GroupKey) -> str:
        """``sex=F, age=30-39``: how reports name a group."""
        return ", ".join(f"{a}={v}" for a, v in zip(self.attributes, key, strict=True))
