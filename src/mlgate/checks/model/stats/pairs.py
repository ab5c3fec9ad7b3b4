"""Paired interval of the average-precision difference from a bounded, mergeable row sample.

AP's paired bootstrap needs each row's (label, candidate score, champion score); the score
tables keep one table per model and lose the pairing. So each row gets a pseudo-random
priority, a seeded hash of its position in the input (a function of the files, not of how
they are split into batches or partitions), and the sample is the ``capacity`` rows of
smallest priority: a uniform sample without replacement, and merging the samples of parts
(union, then keep the smallest priorities) gives exactly the sample of the whole.

The interval is a paired Poisson percentile bootstrap of AP(candidate) - AP(champion) on
the sample, centred on the exact full-data difference from the score tables. When the
sample holds all ``n`` rows it is the plain bootstrap on every row. When it holds
``m < n`` rows, the bootstrap's spread is that of an ``m``-row holdout; AP is
asymptotically normal with variance proportional to ``1/n``, so deviations from the
sample's own difference are scaled by ``sqrt(m / n)`` to the spread of the full holdout.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Self

import numpy as np
import numpy.typing as npt

from mlgate.checks.model.stats.intervals import Interval
from mlgate.checks.model.stats.scores import FloatArray

U64 = npt.NDArray[np.uint64]
BoolArray = npt.NDArray[np.bool_]
# Bootstrap weights are drawn in blocks of at most this many cells, bounding memory.
_BLOCK_CELLS = 2_000_000


def _mix(values: U64) -> U64:
    # splitmix64's finaliser: a bijection on 64 bits whose outputs look independent.
    z = values.copy()
    z ^= z >> np.uint64(30)
    z *= np.uint64(0xBF58476D1CE4E5B9)
    z ^= z >> np.uint64(27)
    z *= np.uint64(0x94D049BB133111EB)
    z ^= z >> np.uint64(31)
    return z


def row_priorities(seed: int, start: int, count: int) -> U64:
    """Seeded pseudo-random priorities of rows ``start`` to ``start + count - 1``."""
    key = _mix(np.array([seed], dtype=np.uint64))
    index = np.arange(start, start + count, dtype=np.uint64)
    return _mix(index ^ key)


@dataclass(frozen=True, slots=True, kw_only=True)
class PairSample:
    """The rows of smallest priority: labels and both models' scores, paired."""

    capacity: int
    priority: U64
    positive: BoolArray
    scores: FloatArray  # (rows, 2): candidate, champion

    @classmethod
    def from_rows(
        cls,
        capacity: int,
        priority: U64,
        positive: BoolArray,
        scores: FloatArray,
    ) -> PairSample:
        """The sample of one batch (all its rows if it has at most ``capacity``)."""
        keep = _smallest(priority, capacity)
        return cls(
            capacity=capacity, priority=priority[keep], positive=positive[keep], scores=scores[keep]
        )

    @classmethod
    def empty(cls, capacity: int) -> PairSample:
        """The sample of no rows."""
        return cls(
            capacity=capacity,
            priority=np.empty(0, np.uint64),
            positive=np.empty(0, np.bool_),
            scores=np.empty((0, 2), np.float64),
        )

    @property
    def rows(self) -> int:
        """Rows held."""
        return int(self.priority.size)

    def merge(self, other: PairSample) -> Self:
        """The sample of both parts' rows (exact: smallest priorities of the union)."""
        if other.capacity != self.capacity:
            raise ValueError("pair samples of different capacities cannot be merged")
        priority = np.concatenate([self.priority, other.priority])
        keep = _smallest(priority, self.capacity)
        positive = np.concatenate([self.positive, other.positive])[keep]
        scores = np.concatenate([self.scores, other.scores])[keep]
        return type(self)(
            capacity=self.capacity, priority=priority[keep], positive=positive, scores=scores
        )


def _smallest(priority: U64, capacity: int) -> npt.NDArray[np.intp]:
    # In priority order, so a sample's rows do not depend on the order parts were merged.
    if priority.size > capacity:
        part = np.argpartition(priority, capacity - 1)[:capacity]
        return part[np.argsort(priority[part], kind="stable")]
    return np.argsort(priority, kind="stable")


def weighted_average_precision(
    scores: FloatArray, positive: BoolArray, weights: FloatArray
) -> FloatArray:
    """``average_precision_score`` with row weights, one value per row of ``weights``.

    Sum over distinct thresholds (ties form one step, as in scikit-learn) of the recall
    step times the precision; NaN where a weight row gives the positives no weight.
    """
    order = np.argsort(-scores, kind="stable")
    ordered = scores[order]
    # Last row of each run of equal scores: the thresholds of the curve.
    ends = np.flatnonzero(np.append(ordered[1:] != ordered[:-1], True))
    w = weights[:, order]
    hits = positive[order].astype(np.float64)
    tps = np.cumsum(w * hits, axis=1)[:, ends]
    alls = np.cumsum(w, axis=1)[:, ends]
    total = tps[:, -1:]
    steps = np.diff(tps, axis=1, prepend=0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        # A threshold with no weight adds no recall; its precision is then irrelevant.
        precision = np.where(alls > 0, tps / np.where(alls > 0, alls, 1.0), 0.0)
        values = np.sum(steps * precision, axis=1) / total[:, 0]
    return np.asarray(values, dtype=np.float64)


@dataclass(frozen=True, slots=True, kw_only=True)
class PairedAP:
    """The paired interval of AP(candidate) - AP(champion) and its standard error."""

    interval: Interval
    standard_error: float
    sample_rows: int


def paired_interval(
    sample: PairSample,
    rows: int,
    difference: float,
    *,
    replicates: int,
    seed: int,
    confidence: float,
) -> PairedAP:
    """Percentile interval of the AP difference on ``rows`` rows (see the module doc)."""
    m = sample.rows
    if m == 0 or not np.any(sample.positive):
        raise ValueError("the paired sample of average precision holds no positive rows")
    rng = np.random.default_rng([seed, 0xA9])
    block = max(1, _BLOCK_CELLS // m)
    deltas: list[FloatArray] = []
    for first in range(0, replicates, block):
        weights = rng.poisson(1.0, (min(block, replicates - first), m)).astype(np.float64)
        candidate = weighted_average_precision(sample.scores[:, 0], sample.positive, weights)
        champion = weighted_average_precision(sample.scores[:, 1], sample.positive, weights)
        deltas.append(candidate - champion)
    replicated = np.concatenate(deltas)
    finite = replicated[np.isfinite(replicated)]
    if finite.size < replicates // 2:
        raise ValueError("too few bootstrap replicates of average precision had a positive row")
    ones = np.ones((1, m))
    on_sample = float(
        weighted_average_precision(sample.scores[:, 0], sample.positive, ones)[0]
        - weighted_average_precision(sample.scores[:, 1], sample.positive, ones)[0]
    )
    scale = math.sqrt(m / rows) if m < rows else 1.0
    tail = (1 - confidence) / 2
    low, high = np.quantile(finite, [tail, 1 - tail])
    return PairedAP(
        interval=Interval(
            low=difference + scale * (float(low) - on_sample),
            high=difference + scale * (float(high) - on_sample),
            level=confidence,
        ),
        standard_error=scale * float(np.std(finite, ddof=1)),
        sample_rows=m,
    )
