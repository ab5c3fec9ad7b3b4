"""Binary classification metrics as functions of score tables and confusion counts.

Each metric equals its scikit-learn namesake (ties, clipping and zero divisions
included); the docstrings name the function matched. Functions over confusion counts
take arrays, so one definition serves the point estimate and every bootstrap replicate.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from mlgate.checks.model.stats.scores import FloatArray, ScoreTable

ArrayLike = FloatArray | float


def _ratio(numerator: FloatArray, denominator: FloatArray) -> FloatArray:
    # scikit-learn's zero_division=0: an empty denominator gives 0, not NaN.
    num = np.asarray(numerator, dtype=np.float64)
    den = np.asarray(denominator, dtype=np.float64)
    return np.divide(num, den, out=np.zeros(np.broadcast(num, den).shape), where=den != 0)


def accuracy(confusion: FloatArray) -> FloatArray:
    """``accuracy_score`` from ``confusion[..., (tn, fp, fn, tp)]``."""
    tn, fp, fn, tp = np.moveaxis(np.asarray(confusion, dtype=np.float64), -1, 0)
    return _ratio(tn + tp, tn + fp + fn + tp)


def precision(confusion: FloatArray) -> FloatArray:
    """``precision_score(zero_division=0)`` from ``(tn, fp, fn, tp)`` counts."""
    _, fp, _, tp = np.moveaxis(np.asarray(confusion, dtype=np.float64), -1, 0)
    return _ratio(tp, tp + fp)


def recall(confusion: FloatArray) -> FloatArray:
    """``recall_score(zero_division=0)``, also Fairlearn's true positive rate."""
    _, _, fn, tp = np.moveaxis(np.asarray(confusion, dtype=np.float64), -1, 0)
    return _ratio(tp, tp + fn)


def f1(confusion: FloatArray) -> FloatArray:
    """``f1_score(zero_division=0)``: ``2 tp / (2 tp + fp + fn)``."""
    _, fp, fn, tp = np.moveaxis(np.asarray(confusion, dtype=np.float64), -1, 0)
    return _ratio(2 * tp, 2 * tp + fp + fn)


def false_positive_rate(confusion: FloatArray) -> FloatArray:
    """Fairlearn's ``false_positive_rate`` (0 for a group without negatives)."""
    tn, fp, _, _ = np.moveaxis(np.asarray(confusion, dtype=np.float64), -1, 0)
    return _ratio(fp, fp + tn)


def selection_rate(confusion: FloatArray) -> FloatArray:
    """Fairlearn's ``selection_rate``: the share of rows predicted positive."""
    tn, fp, fn, tp = np.moveaxis(np.asarray(confusion, dtype=np.float64), -1, 0)
    return _ratio(fp + tp, tn + fp + fn + tp)


def log_loss_terms(scores: FloatArray, positive: FloatArray) -> FloatArray:
    """Per-row log loss with scikit-learn's clipping to ``[eps, 1 - eps]``."""
    eps = np.finfo(np.float64).eps
    clipped = np.clip(scores, eps, 1 - eps)
    return np.where(positive > 0, -np.log(clipped), -np.log1p(-clipped))


def brier_terms(scores: FloatArray, positive: FloatArray) -> FloatArray:
    """Per-row squared error of the probability, as ``brier_score_loss`` averages."""
    return np.square(positive - scores)


def _table_mean(table: ScoreTable, terms: FloatArray, *, positive: bool) -> FloatArray:
    counts = table.positives if positive else table.negatives
    return np.asarray(np.dot(counts.astype(np.float64), terms), dtype=np.float64)


def log_loss(table: ScoreTable) -> float:
    """``log_loss`` of the probabilities in the table (labels 0/1)."""
    if table.n == 0:
        return float("nan")
    ones, zeros = np.ones_like(table.values), np.zeros_like(table.values)
    total = _table_mean(table, log_loss_terms(table.values, ones), positive=True)
    total = total + _table_mean(table, log_loss_terms(table.values, zeros), positive=False)
    return float(total) / table.n


def brier(table: ScoreTable) -> float:
    """``brier_score_loss`` of the probabilities in the table."""
    if table.n == 0:
        return float("nan")
    ones, zeros = np.ones_like(table.values), np.zeros_like(table.values)
    total = _table_mean(table, brier_terms(table.values, ones), positive=True)
    total = total + _table_mean(table, brier_terms(table.values, zeros), positive=False)
    return float(total) / table.n


def roc_auc(table: ScoreTable) -> float:
    """``roc_auc_score``: the Mann-Whitney form, a tie counting one half; NaN for one class."""
    n_pos, n_neg = table.n_positive, table.n_negative
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    below = table.negatives_below().astype(np.float64) + 0.5 * table.negatives
    return float(np.dot(table.positives.astype(np.float64), below)) / (n_pos * n_neg)


def average_precision(table: ScoreTable) -> float:
    """``average_precision_score``: sum over distinct thresholds of recall step x precision."""
    n_pos = table.n_positive
    if n_pos == 0:
        return float("nan")
    tps = np.cumsum(table.positives[::-1]).astype(np.float64)
    fps = np.cumsum(table.negatives[::-1]).astype(np.float64)
    step = table.positives[::-1] / n_pos
    return float(np.sum(step * (tps / (tps + fps))))


def ece_bins(scores: FloatArray, n_bins: int) -> npt.NDArray[np.intp]:
    """Bin of each score among ``n_bins`` equal-width bins of [0, 1].

    Bins are right-closed, ``(k/n, (k+1)/n]`` with 0 in the first, exactly the binning of
    ``sklearn.calibration.calibration_curve(strategy="uniform")``.
    """
    inner = np.linspace(0.0, 1.0, n_bins + 1)[1:-1]
    return np.searchsorted(inner, scores, side="left")


def ece_from_bins(count: FloatArray, label_sum: FloatArray, score_sum: FloatArray) -> FloatArray:
    """Expected calibration error from per-bin sums (last axis = bins).

    ``ECE = sum_b n_b / n * |mean label_b - mean score_b|``; empty bins weigh nothing.
    """
    total = np.sum(count, axis=-1)
    gap = np.abs(_ratio(label_sum, count) - _ratio(score_sum, count))
    return _ratio(np.sum(count * gap, axis=-1), total)


def table_bin_sums(table: ScoreTable, n_bins: int) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per :func:`ece_bins` bin of the table: row count, label sum and score sum."""
    bins = ece_bins(table.values, n_bins)
    rows = (table.positives + table.negatives).astype(np.float64)
    count, labels, scores = (
        np.asarray(np.bincount(bins, weights=w, minlength=n_bins), dtype=np.float64)
        for w in (rows, table.positives.astype(np.float64), rows * table.values)
    )
    return count, labels, scores


def expected_calibration_error(table: ScoreTable, n_bins: int = 10) -> float:
    """ECE of the table with :func:`ece_bins` binning."""
    return float(ece_from_bins(*table_bin_sums(table, n_bins)))
