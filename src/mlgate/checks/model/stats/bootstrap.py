"""Paired Poisson bootstrap of threshold, loss and calibration metrics, as mergeable sums.

Each replicate gives every row a Poisson(1) weight (the streaming form of resampling
with replacement; Hanley & MacGibbon 2006, Chamandy et al. 2012). The weight is a hash
of ``(seed, replicate, row id)``, so it does not depend on how the rows were split into
batches: merging the sums of parts gives the sums of the whole. Both models see the same
weights on the same row, which makes the comparison paired. One matrix product per
batch (weights x per-row design) yields every replicate's sufficient sums.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Self

import numpy as np
import numpy.typing as npt

from mlgate.checks.model.stats.classification import (
    brier_terms,
    ece_bins,
    log_loss_terms,
)
from mlgate.checks.model.stats.scores import FloatArray

# Rows hashed per matrix product: bounds the weight matrix at replicates x CHUNK floats.
CHUNK = 8192
_POISSON_CDF = np.cumsum([math.exp(-1) / math.factorial(k) for k in range(24)])
# Inverse-CDF lookup on the top 16 bits of the hash: a cell holds one weight unless a
# CDF step falls inside it (a few dozen of 65,536 cells); only rows in those cells are
# searched exactly, so the weights equal a full ``searchsorted`` at a fraction of its cost.
_CELL_BITS = 16
_EDGES = np.arange(2**_CELL_BITS + 1, dtype=np.float64) / 2**_CELL_BITS
_CELL_WEIGHT = np.searchsorted(_POISSON_CDF, _EDGES[:-1], side="right").astype(np.float64)
_CELL_AMBIGUOUS = np.searchsorted(_POISSON_CDF, _EDGES[1:], side="left") != _CELL_WEIGHT
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


def _splitmix(x: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    # SplitMix64's finaliser; uint64 array arithmetic wraps modulo 2**64 by design.
    z = x + _GOLDEN
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    return z ^ (z >> np.uint64(31))


def poisson_weights(seed: int, replicates: int, row_ids: npt.NDArray[np.uint64]) -> FloatArray:
    """A ``replicates x rows`` matrix of Poisson(1) weights, a pure function of its inputs."""
    keys = _splitmix(
        np.arange(replicates, dtype=np.uint64) ^ _splitmix(np.array([seed], np.uint64))
    )
    hashed = _splitmix(row_ids[None, :] ^ keys[:, None])
    cells = (hashed >> np.uint64(64 - _CELL_BITS)).astype(np.intp)
    weights: FloatArray = _CELL_WEIGHT[cells]
    exact = np.nonzero(_CELL_AMBIGUOUS[cells])
    uniform = (hashed[exact] >> np.uint64(11)).astype(np.float64) * 2.0**-53
    weights[exact] = np.searchsorted(_POISSON_CDF, uniform, side="right")
    return weights


def _design(scores: FloatArray, positive: FloatArray, threshold: float, n_bins: int) -> FloatArray:
    """Per-row columns of one model: confusion one-hot (4), log loss, Brier, ECE sums."""
    outcome = (2 * positive + (scores >= threshold)).astype(np.intp)
    confusion = np.eye(4)[outcome]
    bins = np.eye(n_bins)[ece_bins(scores, n_bins)]
    losses = np.stack([log_loss_terms(scores, positive), brier_terms(scores, positive)], axis=1)
    return np.hstack([confusion, losses, bins, bins * positive[:, None], bins * scores[:, None]])


@dataclass(frozen=True, slots=True, kw_only=True)
class BootstrapSums:
    """Per replicate and model, the weighted sums of :func:`_design`'s columns."""

    sums: FloatArray  # replicates x models x columns
    n_bins: int

    def merge(self, other: BootstrapSums) -> Self:
        """Sums of both batches."""
        return type(self)(sums=self.sums + other.sums, n_bins=self.n_bins)

    def confusion(self, model: int) -> FloatArray:
        """``(tn, fp, fn, tp)`` per replicate."""
        return self.sums[:, model, 0:4]

    def mean_loss(self, model: int, column: int) -> FloatArray:
        """Weighted mean log loss (column 0) or Brier score (column 1) per replicate."""
        weight = self.sums[:, model, 0:4].sum(axis=1)
        return np.asarray(self.sums[:, model, 4 + column] / weight, dtype=np.float64)

    def ece_sums(self, model: int) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Per replicate and bin: weighted count, label sum, score sum."""
        start, k = 6, self.n_bins
        block = self.sums[:, model, start:]
        return block[:, :k], block[:, k : 2 * k], block[:, 2 * k :]


@dataclass(frozen=True, slots=True, kw_only=True)
class BootstrapPlan:
    """How replicates are drawn: count, seed, the decision threshold and ECE bins."""

    replicates: int = 200
    seed: int = 0
    threshold: float = 0.5
    n_bins: int = 10

    def empty(self, models: int) -> BootstrapSums:
        """Sums of no rows."""
        columns = 6 + 3 * self.n_bins
        return BootstrapSums(sums=np.zeros((self.replicates, models, columns)), n_bins=self.n_bins)

    def sums(
        self, scores: list[FloatArray], positive: FloatArray, row_ids: npt.NDArray[np.uint64]
    ) -> BootstrapSums:
        """Replicate sums of one batch for each model's scores on the same rows."""
        total = self.empty(len(scores)).sums
        for start in range(0, positive.size, CHUNK):
            part = slice(start, start + CHUNK)
            weights = poisson_weights(self.seed, self.replicates, row_ids[part])
            for model, model_scores in enumerate(scores):
                design = _design(model_scores[part], positive[part], self.threshold, self.n_bins)
                total[:, model, :] += weights @ design
        return BootstrapSums(sums=total, n_bins=self.n_bins)
