"""Decision stability statistics: flips, rank agreement and top-k overlap, as mergeable sums.

Per row the champion's and the candidate's decisions at the threshold give an outcome
``2 * champion + candidate`` (0 both negative, 1 the candidate newly selects, 2 the
candidate drops, 3 both positive); counting it per sensitive group reuses
:class:`GroupCounts`. Ranks need the whole holdout: the score tables of pass 1 give each
distinct score its mid-rank (ties get the average rank, as ``scipy.stats.spearmanr``), so
a second pass sums centred rank products per batch. Spearman's rho is the Pearson
correlation of those ranks; centring by the known mean rank ``(n + 1) / 2`` keeps the
sums free of cancellation at 10M rows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from mlgate.checks.model import arrays
from mlgate.checks.model.engine import Grouping, Plan, group_counts, parallel_map
from mlgate.checks.model.reader import iter_batches
from mlgate.checks.model.stats.groups import GroupCounts
from mlgate.checks.model.stats.scores import FloatArray, IntArray, ScoreTable


@dataclass(frozen=True, slots=True, kw_only=True)
class Ranking:
    """Mid-ranks of every distinct score of one model and its top-k cutoff score."""

    values: FloatArray
    midranks: FloatArray
    cutoff: float
    rows: int

    @classmethod
    def from_table(cls, table: ScoreTable, top_share: float) -> Ranking:
        """Ranks from a complete score table; the top ``top_share`` of rows sets the cutoff."""
        counts = (table.positives + table.negatives).astype(np.float64)
        below = np.concatenate([[0.0], np.cumsum(counts)[:-1]])
        rows = int(counts.sum())
        top = max(math.ceil(top_share * rows), 1)
        from_top = np.cumsum(counts[::-1])
        cutoff = table.values[::-1][int(np.searchsorted(from_top, top, side="left"))]
        return cls(
            values=table.values,
            midranks=below + (counts + 1) / 2,
            cutoff=float(cutoff),
            rows=rows,
        )

    def centred(self, scores: FloatArray) -> FloatArray:
        """Each row's mid-rank minus the mean rank ``(rows + 1) / 2``."""
        index = np.searchsorted(self.values, scores)
        return np.asarray(self.midranks[index] - (self.rows + 1) / 2, dtype=np.float64)

    def in_top(self, scores: FloatArray) -> npt.NDArray[np.bool_]:
        """Rows at or above the cutoff (ties at the cutoff are all in)."""
        return np.asarray(scores >= self.cutoff)


@dataclass(frozen=True, slots=True, kw_only=True)
class DecisionSums:
    """Merged decision statistics of the candidate (``a``) against the champion (``b``).

    Attributes:
        overall: counts of the outcomes 0 to 3 over all rows.
        groups: the same counts per group of each grouping.
        ranks: sums of ``ca * ca``, ``cb * cb`` and ``ca * cb`` over centred mid-ranks.
        top: rows in the champion's top-k, and those of them outside the candidate's.
    """

    overall: IntArray
    groups: dict[Grouping, GroupCounts]
    ranks: FloatArray
    top: IntArray

    def merge(self, other: DecisionSums) -> DecisionSums:
        """The sums of both parts."""
        both = (self.groups, other.groups)
        groups = {
            key: reduce(GroupCounts.merge, [part[key] for part in both if key in part])
            for key in dict.fromkeys([*self.groups, *other.groups])
        }
        return DecisionSums(
            overall=self.overall + other.overall,
            groups=groups,
            ranks=self.ranks + other.ranks,
            top=self.top + other.top,
        )

    @property
    def rows(self) -> int:
        """Rows counted."""
        return int(self.overall.sum())

    @property
    def flips(self) -> int:
        """Rows whose decision changed, either way."""
        return int(self.overall[1] + self.overall[2])

    def spearman(self) -> float:
        """Spearman's rank correlation (NaN when a model gives every row the same score)."""
        aa, bb, ab = self.ranks.tolist()
        return ab / math.sqrt(aa * bb) if aa > 0 and bb > 0 else math.nan


def empty_sums() -> DecisionSums:
    """The sums of no rows."""
    return DecisionSums(
        overall=np.zeros(4, np.int64), groups={}, ranks=np.zeros(3), top=np.zeros(2, np.int64)
    )


def batch_sums(
    pair: tuple[FloatArray, FloatArray], rankings: tuple[Ranking, Ranking], threshold: float
) -> tuple[IntArray, FloatArray, IntArray]:
    """Outcome per row, rank sums and top-k counts of one batch (candidate first)."""
    candidate, champion = pair
    outcome = (2 * (champion >= threshold) + (candidate >= threshold)).astype(np.int64)
    ca, cb = rankings[0].centred(candidate), rankings[1].centred(champion)
    ranks = np.array([np.dot(ca, ca), np.dot(cb, cb), np.dot(ca, cb)])
    in_champion = rankings[1].in_top(champion)
    left = np.count_nonzero(in_champion & ~rankings[0].in_top(candidate))
    top = np.array([np.count_nonzero(in_champion), left], dtype=np.int64)
    return outcome, ranks, top


def _batch(batch: pa.RecordBatch, plan: Plan, rankings: tuple[Ranking, Ranking]) -> DecisionSums:
    assert plan.champion is not None  # noqa: S101  # the caller requires a champion
    pair = (
        arrays.scores(batch.column(plan.candidate), plan.candidate),
        arrays.scores(batch.column(plan.champion), plan.champion),
    )
    outcome, ranks, top = batch_sums(pair, rankings, plan.bootstrap.threshold)
    return DecisionSums(
        overall=np.bincount(outcome, minlength=4).astype(np.int64),
        groups=group_counts(batch, plan, outcome),
        ranks=ranks,
        top=top,
    )


def read_decisions(
    paths: Sequence[Path], plan: Plan, tables: tuple[ScoreTable, ScoreTable], top_share: float
) -> DecisionSums:
    """A pass over the holdout given both models' complete score tables (pass 1's)."""
    assert plan.champion is not None  # noqa: S101  # the caller requires a champion
    rankings = (Ranking.from_table(tables[0], top_share), Ranking.from_table(tables[1], top_share))
    columns = tuple(dict.fromkeys((plan.candidate, plan.champion, *plan.sensitive())))
    types = {c: t for c, t in plan.types().items() if c in columns}
    batches = (
        batch for path in paths for batch in iter_batches(path, columns, types, plan.batch_rows)
    )
    parts = parallel_map(lambda batch: _batch(batch, plan, rankings), batches)
    return reduce(DecisionSums.merge, parts, empty_sums())
