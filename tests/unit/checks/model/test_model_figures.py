"""The model check's figure data, cross-checked against direct computations and scikit-learn."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from scipy import stats
from sklearn.calibration import calibration_curve

from builders.churn import churn_table, write_parquet
from mlgate.checks.model import ModelCheck, ModelConfig
from mlgate.checks.model.figures import (
    MAX_DRIFT_FIGURES,
    MAX_GROUPS,
    psi_text,
    strongest_drift,
)
from mlgate.core.check import CheckContext, CheckResult
from mlgate.core.figure import MAX_LABEL, Figure, FigureKind, Point, Series

COLUMNS: dict[str, Any] = {
    "label": "churn",
    "candidate": "candidate_score",
    "champion": "champion_score",
    "sensitive": ["sex", "region"],
}
FAIRNESS = {"demographic_parity_difference": 0.1, "equalized_odds_difference": 0.1}


def run(
    root: Path, holdout: pa.Table, reference: pa.Table | None = None, **extra: Any
) -> CheckResult:
    write_parquet(holdout, root / "data" / "holdout.parquet")
    settings: dict[str, Any] = {"paths": ["data"], "columns": dict(COLUMNS), **extra}
    if reference is not None:
        write_parquet(reference, root / "reference" / "train.parquet")
        settings["reference"] = ["reference/train.parquet"]
        features = {"numeric_features": ["tenure"], "categorical_features": ["contract"]}
        settings["columns"] = {**features, **settings["columns"]}
    context = CheckContext(root=root, gate="post-train", today=date(2026, 1, 1))
    result = ModelCheck().run(context, ModelConfig(**settings))
    assert result.errors == ()
    return result


def figure(result: CheckResult, title: str) -> Figure:
    (found,) = [f for f in result.figures if f.title == title]
    return found


def column(table: pa.Table, name: str) -> np.ndarray[Any, Any]:
    return np.asarray(table.column(name).to_pylist())


def wilson(hits: int, trials: int, level: float = 0.95) -> tuple[float, float]:
    """The Wilson score interval, written out from its textbook formula."""
    z = stats.norm.ppf(0.5 + level / 2)
    p = hits / trials
    centre = (p + z * z / (2 * trials)) / (1 + z * z / trials)
    half = (
        z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / (1 + z * z / trials)
    )
    return max(centre - half, 0.0), min(centre + half, 1.0)


def test_group_bars_are_the_group_rates_with_wilson_intervals(tmp_path: Path) -> None:
    table = churn_table(rows=4000, seed=21, candidate="biased", tiny_region_rows=20)
    result = run(tmp_path, table, fairness=FAIRNESS)
    bars = figure(result, "Selection rate by region")
    assert bars.kind is FigureKind.BARS and bars.section == "Fairness"
    predicted = column(table, "candidate_score") >= 0.5
    region = column(table, "region")
    points = {p.label: p for p in bars.series[0].points}
    assert sorted(points) == ["east", "islands", "north", "south", "west"]
    for name, point in points.items():
        rows = region == name
        hits, trials = int(predicted[rows].sum()), int(rows.sum())
        assert point.value == pytest.approx(hits / trials, abs=1e-12)
        assert (point.low, point.high) == pytest.approx(wilson(hits, trials), abs=1e-12)
        assert point.n == trials
        assert point.muted is (trials < 30)
    assert points["islands"].muted and points["islands"].n == 20
    highest = max(p.value for p in points.values() if not p.muted)
    assert [g.label for g in bars.guides] == ["highest group", "floor: highest - 0.1"]
    assert [g.value for g in bars.guides] == pytest.approx([highest, highest - 0.1])
    assert bars.caption is not None
    assert bars.caption.startswith("Demographic parity difference: Selection rate differs by")
    assert bars.caption.endswith("Pale bars: fewer than 30 rows, not judged.")
    # Equalized odds needs both error rates; precision is not configured, so not drawn.
    fpr = figure(result, "False positive rate by sex")
    assert fpr.caption is not None and fpr.caption.startswith("Equalized odds difference: ")
    assert not [f for f in result.figures if f.title.startswith("Precision")]


def test_reliability_points_are_sklearns_calibration_curve(tmp_path: Path) -> None:
    table = churn_table(rows=3000, seed=22)
    result = run(tmp_path, table)
    diagram = figure(result, "Reliability diagram")
    assert diagram.kind is FigureKind.POINTS and diagram.diagonal
    labels = column(table, "churn")
    for series, name in zip(diagram.series, ("candidate_score", "champion_score"), strict=True):
        scores = column(table, name)
        observed, predicted = calibration_curve(labels, scores, n_bins=10, strategy="uniform")
        assert [p.value for p in series.points] == pytest.approx(observed, abs=1e-12)
        assert [p.x for p in series.points] == pytest.approx(predicted, abs=1e-12)
        bins = np.searchsorted(np.linspace(0, 1, 11)[1:-1], scores, side="left")
        counts = np.bincount(bins, minlength=10)
        assert [p.n for p in series.points] == [int(c) for c in counts if c]


def test_score_histogram_shares_match_numpy(tmp_path: Path) -> None:
    table = churn_table(rows=3000, seed=23, candidate="regressed")
    scores = figure(run(tmp_path, table), "Score distribution of the holdout")
    assert [s.name for s in scores.series] == [
        "candidate (candidate_score)",
        "champion (champion_score)",
    ]
    for series, name in zip(scores.series, ("candidate_score", "champion_score"), strict=True):
        values = column(table, name)
        bins = np.searchsorted(np.linspace(0, 1, 21)[1:-1], values, side="left")
        shares = np.bincount(bins, minlength=20) / values.size
        assert [p.value for p in series.points] == pytest.approx(shares, abs=1e-12)
    assert scores.series[0].points[0].label == "0.00-0.05"


def test_drift_histograms_use_reference_deciles_and_title_the_psi(tmp_path: Path) -> None:
    holdout = churn_table(rows=3000, seed=24, drift="covariate")
    reference = churn_table(rows=3000, seed=25)
    result = run(tmp_path, holdout, reference)
    (tenure,) = [f for f in result.figures if f.title.startswith("tenure: PSI ")]
    (psi,) = [m for m in result.metrics if m.name == "drift.psi[tenure]"]
    assert tenure.title == f"tenure: PSI {psi.value:.3f}"
    assert tenure.caption is not None and tenure.caption.startswith(psi.description or "?")
    ref_values, cur_values = column(reference, "tenure"), column(holdout, "tenure")
    edges = np.unique(np.quantile(ref_values, np.linspace(0.1, 0.9, 9)))
    for series, values in zip(tenure.series, (ref_values, cur_values), strict=True):
        counts = np.bincount(np.searchsorted(edges, values, side="left"), minlength=edges.size + 1)
        assert [p.n for p in series.points] == counts.tolist()
        assert [p.value for p in series.points] == pytest.approx(counts / values.size)
    assert tenure.series[0].points[0].label == f"<= {edges[0]:.3g}"
    (contract,) = [f for f in result.figures if f.title.startswith("contract: PSI ")]
    assert [p.label for p in contract.series[0].points] == ["monthly", "one_year", "two_year"]
    current = column(holdout, "contract")
    assert [p.n for p in contract.series[1].points] == [
        int((current == c).sum()) for c in ("monthly", "one_year", "two_year")
    ]


def test_a_null_share_jump_gets_its_own_bin(tmp_path: Path) -> None:
    holdout = churn_table(rows=3000, seed=27, drift="nulls")
    result = run(
        tmp_path,
        holdout,
        churn_table(rows=3000, seed=28),
        columns={**COLUMNS, "numeric_features": ["monthly_charges"]},
    )
    (charges,) = [f for f in result.figures if f.title.startswith("monthly_charges: PSI ")]
    (psi,) = [m for m in result.metrics if m.name == "drift.psi[monthly_charges]"]
    assert charges.title == f"monthly_charges: PSI {psi_text(psi.value)}"
    reference, current = charges.series
    nulls = int(np.isnan(column(holdout, "monthly_charges").astype(np.float64)).sum())
    assert nulls > 0
    assert (reference.points[-1].label, reference.points[-1].n) == ("<missing>", 0)
    assert (current.points[-1].label, current.points[-1].n) == ("<missing>", nulls)
    assert sum(p.value for p in current.points) == pytest.approx(1.0)
    assert current.points[-1].value == pytest.approx(nulls / 3000)
    assert charges.caption is not None and charges.caption.endswith(
        f"Null share 0.0% in the reference, {nulls / 3000:.1%} now."
    )


def test_many_groups_are_capped_but_keep_the_extremes(tmp_path: Path) -> None:
    table = churn_table(rows=6000, seed=26, candidate="biased")
    regions = np.array([f"r{i:02d}" for i in range(60)])[np.arange(table.num_rows) % 60]
    table = table.set_column(table.schema.get_field_index("region"), "region", [regions.tolist()])
    bars = figure(run(tmp_path, table, min_group_size=30), "Selection rate by region")
    shown = [p.label for p in bars.series[0].points]
    assert len(shown) == MAX_GROUPS and shown == sorted(shown)
    predicted = column(table, "candidate_score") >= 0.5
    rates = {r: predicted[regions == r].mean() for r in np.unique(regions)}
    assert max(rates, key=rates.__getitem__) in shown
    assert min(rates, key=rates.__getitem__) in shown
    assert bars.caption is not None and "20 smaller groups not shown." in bars.caption


def test_psi_titles_stay_readable() -> None:
    assert [psi_text(v) for v in (1.99349, 0.0011, 0.000803, 0.0)] == [
        "1.993",
        "0.001",
        "< 0.001",
        "< 0.001",
    ]


def test_long_values_in_the_data_shorten_labels_instead_of_failing(tmp_path: Path) -> None:
    table = churn_table(rows=2000, seed=29)
    long = np.array(["x" * 300 + "-a", "x" * 300 + "-b"])[np.arange(table.num_rows) % 2]
    table = table.set_column(table.schema.get_field_index("region"), "region", [long.tolist()])
    bars = figure(run(tmp_path, table), "Selection rate by region")
    labels = [p.label for p in bars.series[0].points]
    assert len(labels) == 2 and len(set(labels)) == 2
    assert all(len(label) <= MAX_LABEL for label in labels)
    assert labels[0].endswith("\u2026") and labels[1].endswith("\u2026 (2)")


def _histogram(name: str, reference: list[int], current: list[int]) -> Figure:
    def series(label: str, counts: list[int]) -> Series:
        points = tuple(
            Point(label=str(i), value=c / sum(counts), n=c) for i, c in enumerate(counts)
        )
        return Series(name=label, points=points)

    return Figure(
        kind=FigureKind.HISTOGRAM,
        section="Drift",
        title=name,
        x_label="x",
        y_label="share",
        series=(series("reference", reference), series("current", current)),
    )


def test_only_the_strongest_drift_figures_are_kept_in_feature_order() -> None:
    drifted = {7: [90, 10], 30: [10, 90], 44: [50, 50]}
    histograms = [
        _histogram(f"f{i}", [50, 50], drifted.get(i, [50 + i % 3, 50 - i % 3])) for i in range(45)
    ]
    kept = strongest_drift(histograms)
    names = [f.title for f in kept]
    assert len(kept) == MAX_DRIFT_FIGURES
    assert {"f7", "f30"} <= set(names)
    assert names == sorted(names, key=lambda n: int(n[1:]))
