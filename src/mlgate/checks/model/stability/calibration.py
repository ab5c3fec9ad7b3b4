"""Calibration: ECE, MCE and the Brier decomposition from per-bin sums.

Bins are the uniform, right-closed bins of ``sklearn.calibration.calibration_curve``
(:func:`ece_bins`); per bin the sums of rows, labels and scores are exact functions of the
score table, and of each bootstrap replicate's sums, so the point values and their
intervals come from one definition. With ``o_b`` the observed rate and ``s_b`` the mean
score of bin ``b`` and ``o`` the overall rate (Murphy 1973)::

    reliability = sum_b n_b (s_b - o_b)^2 / n     resolution = sum_b n_b (o_b - o)^2 / n
    uncertainty = o (1 - o)

``Brier = reliability - resolution + uncertainty`` holds exactly when every score equals its
bin's mean; otherwise the within-bin terms of Stephenson et al. (2008) make up the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlgate.checks.model.stats.scores import FloatArray


def _rate(numerator: FloatArray, count: FloatArray) -> FloatArray:
    # An empty bin has no rate; 0 keeps it out of every weighted sum and maximum.
    return np.divide(numerator, count, out=np.zeros_like(numerator), where=count > 0)


def mce_from_bins(count: FloatArray, label_sum: FloatArray, score_sum: FloatArray) -> FloatArray:
    """Maximum calibration error: the largest ``|o_b - s_b|`` over non-empty bins (last axis)."""
    gap = np.abs(_rate(label_sum, count) - _rate(score_sum, count))
    return np.asarray(np.max(np.where(count > 0, gap, 0.0), axis=-1), dtype=np.float64)


@dataclass(frozen=True, slots=True, kw_only=True)
class BrierParts:
    """Murphy's decomposition of the Brier score over the calibration bins."""

    reliability: float
    resolution: float
    uncertainty: float

    @property
    def binned_brier(self) -> float:
        """The Brier score of the scores replaced by their bins' means."""
        return self.reliability - self.resolution + self.uncertainty


def brier_parts(count: FloatArray, label_sum: FloatArray, score_sum: FloatArray) -> BrierParts:
    """Reliability, resolution and uncertainty from per-bin sums."""
    rows = float(count.sum())
    observed, mean_score = _rate(label_sum, count), _rate(score_sum, count)
    base_rate = float(label_sum.sum()) / rows
    return BrierParts(
        reliability=float(np.dot(count, np.square(mean_score - observed))) / rows,
        resolution=float(np.dot(count, np.square(observed - base_rate))) / rows,
        uncertainty=base_rate * (1 - base_rate),
    )


def bin_edges(n_bins: int) -> FloatArray:
    """The ``n_bins + 1`` edges of the uniform bins of [0, 1]."""
    return np.linspace(0.0, 1.0, n_bins + 1)


def interval(replicates: FloatArray, level: float) -> tuple[float, float]:
    """Percentile interval of bootstrap replicate values."""
    tail = (1 - level) / 2
    low, high = np.quantile(replicates, [tail, 1 - tail])
    return float(low), float(high)
