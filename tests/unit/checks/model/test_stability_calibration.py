"""Calibration (issue 10): ECE, MCE and the Brier decomposition against scikit-learn."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from sklearn.calibration import calibration_curve
from sklearn.metrics import brier_score_loss

from builders.check_results import blocking, named
from builders.churn import calibrated, champion_scores, churn_table, with_candidate, write_parquet
from mlgate.checks.model import ModelCheck, ModelConfig
from mlgate.checks.model.stability.calibration import brier_parts, mce_from_bins
from mlgate.checks.model.stats.classification import ece_bins, ece_from_bins, table_bin_sums
from mlgate.checks.model.stats.scores import FloatArray, ScoreTable
from mlgate.core.check import CheckContext, CheckResult

COLUMNS: dict[str, Any] = {
    "label": "churn",
    "candidate": "candidate_score",
    "champion": "champion_score",
}


def reference(labels: FloatArray, scores: FloatArray, n_bins: int) -> tuple[float, float]:
    """ECE and MCE from scikit-learn's calibration curve (which drops empty bins)."""
    observed, predicted = calibration_curve(labels, scores, n_bins=n_bins, strategy="uniform")
    binned = np.searchsorted(np.linspace(0, 1, n_bins + 1)[1:-1], scores)
    counts = np.bincount(binned, minlength=n_bins)
    weights = counts[counts > 0] / scores.size
    gaps = np.abs(observed - predicted)
    return float(np.dot(weights, gaps)), float(np.max(gaps))


def sample(rows: int, seed: int) -> tuple[FloatArray, FloatArray]:
    rng = np.random.default_rng(seed)
    scores = np.round(rng.beta(2, 5, rows), 3)  # ties, and scores exactly on bin edges
    labels = (rng.uniform(size=rows) < scores**0.7).astype(np.float64)
    return labels, scores


@pytest.mark.parametrize("n_bins", [5, 10, 15])
def test_ece_and_mce_equal_the_calibration_curve_reference(n_bins: int) -> None:
    labels, scores = sample(3000, n_bins)
    sums = table_bin_sums(ScoreTable.from_rows(scores, labels > 0), n_bins)
    ece, mce = reference(labels, scores, n_bins)
    assert float(ece_from_bins(*sums)) == pytest.approx(ece, abs=1e-12)
    assert float(mce_from_bins(*sums)) == pytest.approx(mce, abs=1e-12)


def test_brier_decomposition_is_exact_on_binned_predictions() -> None:
    labels, scores = sample(4000, 7)
    parts = brier_parts(*table_bin_sums(ScoreTable.from_rows(scores, labels > 0), 10))
    bins = ece_bins(scores, 10)
    means = np.bincount(bins, weights=scores, minlength=10) / np.maximum(
        np.bincount(bins, minlength=10), 1
    )
    binned = means[bins]
    assert parts.binned_brier == pytest.approx(brier_score_loss(labels, binned), abs=1e-12)
    base = labels.mean()
    assert parts.uncertainty == pytest.approx(base * (1 - base), abs=1e-15)
    # On the raw scores the within-bin terms are small but not zero.
    assert abs(parts.binned_brier - brier_score_loss(labels, scores)) < 2e-3


def run(root: Path, holdout: pa.Table, **calibration: Any) -> CheckResult:
    write_parquet(holdout, root / "data" / "holdout.parquet")
    config = ModelConfig(
        paths=["data"],
        columns=COLUMNS,
        stability={"decisions": None, "calibration": calibration},
    )
    context = CheckContext(root=root, gate="post-train", today=date(2026, 1, 1))
    return ModelCheck().run(context, config)


def columns(table: pa.Table) -> tuple[FloatArray, FloatArray]:
    labels = np.asarray(table.column("churn").to_numpy(), dtype=np.float64)
    return labels, np.asarray(table.column("candidate_score").to_numpy(), dtype=np.float64)


def test_a_calibrated_candidate_passes_with_numbers_equal_to_sklearn(tmp_path: Path) -> None:
    table = calibrated(churn_table(rows=8000, seed=21), seed=1)
    table = with_candidate(table, champion_scores(table))
    result = run(tmp_path, table)
    assert blocking(result) == []
    ece, mce = reference(*columns(table), 10)
    assert named(result, "calibration.ece").value == pytest.approx(ece, abs=1e-12)
    assert named(result, "calibration.mce").value == pytest.approx(mce, abs=1e-12)
    change = named(result, "calibration.ece.change")
    assert change.value == 0.0
    # Replicates of identical models differ only by summation rounding.
    assert change.ci is not None
    assert (change.ci.low, change.ci.high) == pytest.approx((0.0, 0.0), abs=1e-6)


def test_a_miscalibrated_candidate_blocks_on_ece_and_its_change(tmp_path: Path) -> None:
    table = calibrated(churn_table(rows=8000, seed=22), seed=2)
    table = with_candidate(table, np.sqrt(champion_scores(table)))
    result = run(tmp_path, table)
    assert blocking(result) == ["calibration.ece", "calibration.ece.change"]
    ece, _ = reference(*columns(table), 10)
    metric = named(result, "calibration.ece")
    assert metric.value == pytest.approx(ece, abs=1e-12)
    assert metric.ci is not None and metric.ci.low > 0.05
    assert metric.description is not None
    assert metric.description.startswith("Expected calibration error (ECE) of the candidate is ")
    labels, scores = columns(table)
    parts = {
        p: named(result, f"calibration.brier.{p}").value for p in ("reliability", "resolution")
    }
    binned = brier_parts(*table_bin_sums(ScoreTable.from_rows(scores, labels > 0), 10))
    assert parts == {"reliability": binned.reliability, "resolution": binned.resolution}


def test_reliability_diagram_bins_carry_observed_rates_and_mean_scores(tmp_path: Path) -> None:
    table = calibrated(churn_table(rows=3000, seed=23), seed=3)
    result = run(tmp_path, table, max_ece=None, max_ece_increase=None)
    observed, predicted = calibration_curve(*columns(table), n_bins=10)
    bins = [m for m in result.metrics if m.name.startswith("calibration.observed_rate[")]
    assert [m.value for m in bins] == pytest.approx(observed.tolist(), abs=1e-12)
    means = [float(m.description.removeprefix("mean score ")) for m in bins if m.description]
    assert means == pytest.approx(predicted.tolist(), abs=5e-5)
    _, scores = columns(table)
    counts = np.bincount(ece_bins(scores, 10), minlength=10)
    assert [m.n for m in bins] == [int(c) for c in counts if c > 0]
