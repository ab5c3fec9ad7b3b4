"""Regression metrics (RMSE, MAE, R2) as mergeable sums, and their paired bootstrap.

Point values come from :class:`RegressionSums`: per model the sums of squared and absolute
errors, and the target's count, mean and sum of squared deviations, merged with Chan et
al.'s update (no cancellation, however far the target's mean is from 0). They equal
``sklearn.metrics.root_mean_squared_error``, ``mean_absolute_error`` and ``r2_score``
(with its ``force_finite`` rule for a constant target).

The paired bootstrap uses the cell-wise Poisson draws of :mod:`.bootstrap`: a row's cell
is the binary order of magnitude of each model's absolute error, so the rare large errors
sit in their own cells, whose counts are drawn exactly, and the sums within a cell (rows of
similar error) are close to normal. Terms per row: each model's squared and absolute
error, then the target and its square, both after subtracting a shift (the first target
value of the input, the same for every batch), so a target whose mean dwarfs its spread
loses no precision in the replicates' deviations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from mlgate.checks.model.stats.bootstrap import CellMoments, draw_cells
from mlgate.checks.model.stats.scores import FloatArray

# Binary orders of magnitude of |error| kept apart: 2**-20 and below share the first
# cell, 2**20 and above the last.
_LOW, _HIGH = -20, 20
_MAGNITUDES = _HIGH - _LOW + 1


@dataclass(frozen=True, slots=True, kw_only=True)
class RegressionSums:
    """Sufficient sums of the point metrics; ``squared``/``absolute`` per model."""

    n: int
    mean: float  # of the target
    deviations: float  # sum of squared deviations of the target from its mean
    squared: FloatArray  # per model: sum of squared errors
    absolute: FloatArray  # per model: sum of absolute errors

    @classmethod
    def empty(cls, models: int) -> RegressionSums:
        """The sums of no rows."""
        return cls(
            n=0, mean=0.0, deviations=0.0, squared=np.zeros(models), absolute=np.zeros(models)
        )

    @classmethod
    def from_rows(cls, target: FloatArray, predictions: list[FloatArray]) -> RegressionSums:
        """Sums of one batch."""
        errors = [p - target for p in predictions]
        mean = float(np.mean(target)) if target.size else 0.0
        return cls(
            n=int(target.size),
            mean=mean,
            deviations=float(np.sum(np.square(target - mean))),
            squared=np.array([np.sum(np.square(e)) for e in errors], dtype=np.float64),
            absolute=np.array([np.sum(np.abs(e)) for e in errors], dtype=np.float64),
        )

    def merge(self, other: RegressionSums) -> RegressionSums:
        """Sums of both batches (Chan, Golub & LeVeque's pairwise update of the target)."""
        n = self.n + other.n
        if n == 0:
            return self
        delta = other.mean - self.mean
        return RegressionSums(
            n=n,
            mean=self.mean + delta * other.n / n,
            deviations=self.deviations + other.deviations + delta**2 * self.n * other.n / n,
            squared=self.squared + other.squared,
            absolute=self.absolute + other.absolute,
        )

    def rmse(self, model: int) -> float:
        """``root_mean_squared_error``."""
        return float(np.sqrt(self.squared[model] / self.n))

    def mae(self, model: int) -> float:
        """``mean_absolute_error``."""
        return float(self.absolute[model] / self.n)

    def r2(self, model: int) -> float:
        """``r2_score``: 1 - SSE / SST; for a constant target 1 if perfect, else 0."""
        return float(r2_from(np.array(self.squared[model]), np.array(self.deviations)))


def r2_from(squared: FloatArray, deviations: FloatArray) -> FloatArray:
    """R2 from sums of squared errors and squared target deviations, elementwise."""
    constant = deviations <= 0
    ratio = np.divide(squared, deviations, out=np.zeros_like(squared), where=~constant)
    perfect = np.where(squared == 0, 1.0, 0.0)
    return np.asarray(np.where(constant, perfect, 1 - ratio), dtype=np.float64)


def cells(errors: list[FloatArray]) -> npt.NDArray[np.intp]:
    """Cell of each row: per model the binary magnitude of its absolute error."""
    cell = np.zeros(errors[0].size if errors else 0, dtype=np.intp)
    for error in errors:
        magnitude = np.abs(error)
        with np.errstate(divide="ignore"):
            exponent = np.floor(np.log2(np.where(magnitude > 0, magnitude, 2.0**_LOW)))
        cell = cell * _MAGNITUDES + (np.clip(exponent, _LOW, _HIGH) - _LOW).astype(np.intp)
    return cell


def cell_count(models: int) -> int:
    """Number of cells for ``models`` models."""
    return int(_MAGNITUDES**models)


def moments(target: FloatArray, predictions: list[FloatArray], shift: float = 0.0) -> CellMoments:
    """Cell moments of one batch (terms: per model e^2 and |e|, then y - shift, squared).

    ``shift`` must be the same for every batch merged; a value near the target's mean
    keeps the replicates' target deviations free of cancellation.
    """
    errors = [p - target for p in predictions]
    centred = target - shift
    terms = [t for e in errors for t in (np.square(e), np.abs(e))] + [centred, np.square(centred)]
    return CellMoments.from_rows(cells(errors), np.stack(terms, axis=1), cell_count(len(errors)))


@dataclass(frozen=True, slots=True, kw_only=True)
class RegressionReplicates:
    """Per replicate: weight, per model SSE and SAE, and the target's deviations."""

    weight: FloatArray
    squared: FloatArray  # replicates x models
    absolute: FloatArray  # replicates x models
    deviations: FloatArray

    def values(self, metric: str, model: int) -> FloatArray:
        """``rmse``, ``mae`` or ``r2`` of ``model`` in every replicate."""
        if metric == "rmse":
            return np.asarray(np.sqrt(self.squared[:, model] / self.weight), dtype=np.float64)
        if metric == "mae":
            return np.asarray(self.absolute[:, model] / self.weight, dtype=np.float64)
        return r2_from(self.squared[:, model], self.deviations)


def draw(
    cell_moments: CellMoments, models: int, replicates: int, seed: int
) -> RegressionReplicates:
    """Paired bootstrap replicates of the regression sums."""
    drawn = draw_cells(cell_moments, replicates, seed)
    totals = drawn.sums.sum(axis=1)  # replicates x terms
    weight = drawn.counts.sum(axis=1)
    squared = totals[:, 0 : 2 * models : 2]
    absolute = totals[:, 1 : 2 * models : 2]
    target, squares = totals[:, 2 * models], totals[:, 2 * models + 1]
    deviations = squares - np.square(target) / weight
    return RegressionReplicates(
        weight=weight, squared=squared, absolute=absolute, deviations=deviations
    )
