"""Paired Poisson bootstrap of threshold, loss and calibration metrics, drawn per cell.

Each replicate gives every row a Poisson(1) weight (the streaming form of resampling with
replacement; Hanley & MacGibbon 2006, Chamandy et al. 2012); both models see the same
weight on the same row, which makes the comparison paired. Every metric here is a function
of weighted sums over the rows of a few discrete **cells** (label, and per model its
prediction at the threshold and its calibration bin) of a few continuous **terms** (per
model its log-loss term, Brier term and score).

Drawing one weight per row and replicate costs ``rows x replicates``. Instead:

- the weighted row count of a cell with ``n`` rows is drawn exactly: a sum of ``n``
  independent Poisson(1) weights is Poisson(``n``), and disjoint cells are independent;
- given that count ``m``, the weighted sums of the terms are the sums of ``m`` rows drawn
  with replacement from the cell, whose mean ``m mu`` and covariance ``m Sigma`` are exact
  functions of the cell's moments; they are drawn from the normal distribution with that
  mean and covariance (the central limit theorem within the cell).

Confusion counts, and so accuracy, precision, recall and F1, are therefore drawn from
exactly the Poisson bootstrap distribution; the loss and calibration sums from its normal
approximation within each cell. The cost is ``cells x replicates``, whatever the rows.
The sufficient statistic is :class:`CellMoments` (count, sums and cross-products of the
terms per cell): integers and sums, so merging the moments of parts gives the moments
of the whole, and the draws (seeded) are the same however the rows were split.
"""

from __future__ import annotations

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

IntpArray = npt.NDArray[np.intp]
# Terms per model in classification cells: log-loss term, Brier term, score.
_TERMS = 3


@dataclass(frozen=True, slots=True, kw_only=True)
class CellMoments:
    """Per cell: the row count, the sums of the terms and of their pairwise products."""

    counts: FloatArray  # cells
    sums: FloatArray  # cells x terms
    products: FloatArray  # cells x terms x terms

    @classmethod
    def empty(cls, cells: int, terms: int) -> CellMoments:
        """The moments of no rows."""
        return cls(
            counts=np.zeros(cells),
            sums=np.zeros((cells, terms)),
            products=np.zeros((cells, terms, terms)),
        )

    @classmethod
    def from_rows(cls, cell: IntpArray, terms: FloatArray, cells: int) -> CellMoments:
        """Moments of one batch: ``cell`` per row, ``terms`` one row per row."""
        width = terms.shape[1]
        counts = np.bincount(cell, minlength=cells).astype(np.float64)
        sums = np.empty((cells, width))
        products = np.empty((cells, width, width))
        for j in range(width):
            sums[:, j] = np.bincount(cell, weights=terms[:, j], minlength=cells)
            for k in range(j + 1):
                product = np.bincount(cell, weights=terms[:, j] * terms[:, k], minlength=cells)
                products[:, j, k] = products[:, k, j] = product
        return cls(counts=counts, sums=sums, products=products)

    def merge(self, other: CellMoments) -> Self:
        """Moments of both batches."""
        return type(self)(
            counts=self.counts + other.counts,
            sums=self.sums + other.sums,
            products=self.products + other.products,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class CellDraws:
    """Replicates of the non-empty cells: weighted counts and weighted term sums."""

    cells: IntpArray  # the non-empty cells' indices
    counts: FloatArray  # replicates x cells
    sums: FloatArray  # replicates x cells x terms


def draw_cells(moments: CellMoments, replicates: int, seed: int) -> CellDraws:
    """``replicates`` Poisson-bootstrap draws of every non-empty cell (see the module)."""
    live = np.flatnonzero(moments.counts)
    n = moments.counts[live]
    mean = moments.sums[live] / n[:, None]
    covariance = moments.products[live] / n[:, None, None] - mean[:, :, None] * mean[:, None, :]
    # Cholesky factors are unique and continuous in the moments, so parts merged in any
    # order draw the same sums. Raw moments lose about 1e-16 of a term's mean square to
    # cancellation; a ridge of 1e-10 of each term's own mean square keeps every cell (one
    # row, identical rows) factorable and adds a spread of 1e-5 of the term's size.
    width = mean.shape[1]
    squares = np.diagonal(moments.products[live], axis1=1, axis2=2) / n[:, None]
    ridge = (1e-10 * squares + 1e-300)[:, :, None] * np.eye(width)
    try:
        root = np.linalg.cholesky(covariance + ridge)
    except np.linalg.LinAlgError:
        # Only if rounding beat the ridge somewhere: a symmetric root of the clipped
        # spectrum is as good a factor, if not continuous in the moments.
        values, vectors = np.linalg.eigh(covariance)
        root = vectors * np.sqrt(np.maximum(values, 0.0))[:, None, :]
    rng = np.random.default_rng(seed)
    counts = rng.poisson(n, size=(replicates, live.size)).astype(np.float64)
    noise = rng.standard_normal((replicates, live.size, mean.shape[1]))
    spread = np.einsum("cij,rcj->rci", root, noise)
    sums = counts[:, :, None] * mean[None] + np.sqrt(counts)[:, :, None] * spread
    return CellDraws(cells=live, counts=counts, sums=sums)


@dataclass(frozen=True, slots=True, kw_only=True)
class BootstrapSums:
    """Per replicate and model, weighted sums of the design columns.

    Columns per model: confusion counts ``(tn, fp, fn, tp)``, log-loss and Brier sums,
    then per calibration bin the weighted count, label sum and score sum.
    """

    sums: FloatArray  # replicates x models x columns
    n_bins: int

    def merge(self, other: BootstrapSums) -> Self:
        """Sums of both parts (replicate draws of disjoint rows add up)."""
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

    def cell_count(self, models: int) -> int:
        """Cells: label, then per model its prediction and calibration bin."""
        return int(2 * (2 * self.n_bins) ** models)

    def empty(self, models: int) -> BootstrapSums:
        """Sums of no replicates (what a batch carries before the final draw)."""
        columns = 6 + 3 * self.n_bins
        return BootstrapSums(sums=np.zeros((self.replicates, models, columns)), n_bins=self.n_bins)

    def empty_moments(self, models: int) -> CellMoments:
        """Cell moments of no rows."""
        return CellMoments.empty(self.cell_count(models), _TERMS * models)

    def moments(self, scores: list[FloatArray], positive: FloatArray) -> CellMoments:
        """Cell moments of one batch for each model's scores on the same rows."""
        cell = positive.astype(np.intp)
        terms = []
        for model_scores in scores:
            cell = cell * 2 + (model_scores >= self.threshold)
            cell = cell * self.n_bins + ece_bins(model_scores, self.n_bins)
            terms += [
                log_loss_terms(model_scores, positive),
                brier_terms(model_scores, positive),
                model_scores,
            ]
        stacked = np.stack(terms, axis=1) if terms else np.empty((positive.size, 0))
        return CellMoments.from_rows(cell, stacked, self.cell_count(len(scores)))

    def draw(self, moments: CellMoments, models: int) -> BootstrapSums:
        """Replicate sums of every model's design columns from the merged moments."""
        total = self.empty(models).sums
        if not np.any(moments.counts):
            return BootstrapSums(sums=total, n_bins=self.n_bins)
        draws = draw_cells(moments, self.replicates, self.seed)
        label, per_model = _decode(draws.cells, models, self.n_bins)
        k = self.n_bins
        for model, (predicted, bins) in enumerate(per_model):
            counts_to_columns = np.zeros((draws.cells.size, 6 + 3 * k))
            rows = np.arange(draws.cells.size)
            counts_to_columns[rows, 2 * label + predicted] = 1.0
            counts_to_columns[rows, 6 + bins] = 1.0
            counts_to_columns[rows, 6 + k + bins] = label
            total[:, model, :] = draws.counts @ counts_to_columns
            terms = draws.sums[:, :, _TERMS * model : _TERMS * (model + 1)]
            total[:, model, 4:6] = terms[:, :, 0:2].sum(axis=1)
            total[:, model, 6 + 2 * k :] = terms[:, :, 2] @ np.eye(k)[bins]
        return BootstrapSums(sums=total, n_bins=self.n_bins)


def _decode(
    cells: IntpArray, models: int, n_bins: int
) -> tuple[IntpArray, list[tuple[IntpArray, IntpArray]]]:
    # Inverse of :meth:`BootstrapPlan.moments`' cell index: the last model is innermost.
    rest = cells.copy()
    per_model: list[tuple[IntpArray, IntpArray]] = []
    for _ in range(models):
        rest, bins = np.divmod(rest, n_bins)
        rest, predicted = np.divmod(rest, 2)
        per_model.append((predicted, bins))
    return rest, per_model[::-1]
