"""Every statistic of the model check against scikit-learn, Fairlearn and scipy (1e-9)."""

from __future__ import annotations

from functools import partial

import numpy as np
import numpy.typing as npt
import pytest
from fairlearn import metrics as flm
from scipy import spatial, stats
from sklearn import calibration, metrics

from mlgate.checks.model.config import ModelConfig
from mlgate.checks.model.fairness_rules import group_metrics
from mlgate.checks.model.stats import classification as cls
from mlgate.checks.model.stats import drift, fairness
from mlgate.checks.model.stats.groups import GroupCounts
from mlgate.checks.model.stats.scores import ScoreTable
from mlgate.checks.model.stats.sketch import CategorySketch, NumericSketch

TOL = 1e-9
Data = tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]


def scored(seed: int, n: int, decimals: int) -> Data:
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, n)
    scores = np.clip(rng.normal(0.4 + 0.2 * labels, 0.2), 0, 1)
    # Rounding makes many ties, and 0 and 1 exactly (clipping of log loss).
    return np.round(scores, decimals), labels


CASES = [(1, 500, 2), (2, 3000, 1), (3, 40, 3), (4, 2000, 12)]


def table_of(data: Data) -> ScoreTable:
    scores, labels = data
    return ScoreTable.from_rows(scores, labels == 1)


@pytest.mark.parametrize(("seed", "n", "decimals"), CASES)
def test_score_metrics_equal_sklearn(seed: int, n: int, decimals: int) -> None:
    scores, labels = data = scored(seed, n, decimals)
    table = table_of(data)
    assert abs(cls.roc_auc(table) - metrics.roc_auc_score(labels, scores)) < TOL
    ap = metrics.average_precision_score(labels, scores)
    assert abs(cls.average_precision(table) - ap) < TOL
    assert abs(cls.log_loss(table) - metrics.log_loss(labels, scores)) < TOL
    assert abs(cls.brier(table) - metrics.brier_score_loss(labels, scores)) < TOL


@pytest.mark.parametrize(("seed", "n", "decimals"), CASES)
@pytest.mark.parametrize("threshold", [0.5, 0.3, 0.0, 1.01])
def test_threshold_metrics_equal_sklearn(
    seed: int, n: int, decimals: int, threshold: float
) -> None:
    scores, labels = data = scored(seed, n, decimals)
    predicted = (scores >= threshold).astype(int)
    confusion = np.array(table_of(data).confusion_at(threshold), dtype=np.float64)
    assert tuple(confusion) == tuple(
        metrics.confusion_matrix(labels, predicted, labels=[0, 1]).ravel()
    )
    expected = {
        cls.accuracy: metrics.accuracy_score(labels, predicted),
        cls.precision: metrics.precision_score(labels, predicted, zero_division=0),
        cls.recall: metrics.recall_score(labels, predicted, zero_division=0),
        cls.f1: metrics.f1_score(labels, predicted, zero_division=0),
    }
    for function, value in expected.items():
        assert abs(float(function(confusion)) - value) < TOL


@pytest.mark.parametrize(("seed", "n", "decimals"), CASES)
@pytest.mark.parametrize("n_bins", [10, 7])
def test_ece_uses_calibration_curve_bins(seed: int, n: int, decimals: int, n_bins: int) -> None:
    scores, labels = data = scored(seed, n, decimals)
    prob_true, prob_pred = calibration.calibration_curve(labels, scores, n_bins=n_bins)
    # calibration_curve drops empty bins; its documented binning gives the weights.
    ids = np.searchsorted(np.linspace(0, 1, n_bins + 1)[1:-1], scores, side="left")
    counts = np.bincount(ids, minlength=n_bins)
    weights = counts[counts > 0] / n
    expected = float(np.sum(weights * np.abs(prob_true - prob_pred)))
    assert abs(cls.expected_calibration_error(table_of(data), n_bins) - expected) < TOL


def test_single_class_tables_are_nan_like_sklearn_refuses() -> None:
    table = ScoreTable.from_rows(np.array([0.2, 0.4]), np.array([True, True]))
    assert np.isnan(cls.roc_auc(table))
    assert cls.average_precision(table) == 1.0
    negatives = ScoreTable.from_rows(np.array([0.2, 0.4]), np.array([False, False]))
    assert np.isnan(cls.average_precision(negatives))
    assert np.isnan(cls.log_loss(ScoreTable.empty()))
    assert np.isnan(cls.brier(ScoreTable.empty()))


def grouped(seed: int, n: int) -> tuple[Data, npt.NDArray[np.str_], npt.NDArray[np.str_]]:
    rng = np.random.default_rng(seed)
    sex = rng.choice(np.array(["F", "M"]), n)
    band = rng.choice(np.array(["18-29", "30-49", "50+", "tiny"]), n, p=[0.4, 0.4, 0.19, 0.01])
    labels = rng.integers(0, 2, n)
    # A group with only one class: "tiny" rows are all negatives (Fairlearn: TPR 0).
    labels[band == "tiny"] = 0
    scores = np.round(rng.uniform(0, 1, n) + 0.1 * (sex == "M"), 2)
    return (scores, labels), sex, band


def group_counts(sex: npt.NDArray[np.str_], band: npt.NDArray[np.str_], data: Data) -> GroupCounts:
    scores, labels = data
    codes, vocabularies = [], []
    for column in (sex, band):
        vocabulary, code = np.unique(column, return_inverse=True)
        codes.append(code)
        vocabularies.append([str(v) for v in vocabulary])
    outcome = 2 * labels + (scores >= 0.5)
    return GroupCounts.from_codes(("sex", "band"), codes, vocabularies, outcome)


@pytest.mark.parametrize("seed", [5, 6, 7])
def test_fairness_equals_fairlearn(seed: int) -> None:
    data, sex, band = grouped(seed, 4000)
    scores, labels = data
    predicted = (scores >= 0.5).astype(int)
    counts = group_counts(sex, band, data).counts
    features = {"sex": sex, "band": band}
    kwargs = {"y_true": labels, "y_pred": predicted, "sensitive_features": features}
    expected = {
        fairness.demographic_parity_difference: flm.demographic_parity_difference(**kwargs),
        fairness.demographic_parity_ratio: flm.demographic_parity_ratio(**kwargs),
        fairness.equalized_odds_difference: flm.equalized_odds_difference(**kwargs),
        fairness.equal_opportunity_difference: flm.equal_opportunity_difference(**kwargs),
    }
    for function, value in expected.items():
        assert abs(function(counts) - value) < TOL
    frame = flm.MetricFrame(
        metrics={
            "selection_rate": flm.selection_rate,
            "true_positive_rate": flm.true_positive_rate,
            "false_positive_rate": flm.false_positive_rate,
            # Fairlearn has no precision of its own: MetricFrame takes scikit-learn's.
            "precision": partial(metrics.precision_score, zero_division=0),
        },
        **kwargs,
    )
    for rate in ("selection_rate", "true_positive_rate", "false_positive_rate", "precision"):
        ours = fairness.group_rates(counts, fairness.GroupRate(rate))
        assert np.abs(ours - frame.by_group[rate].to_numpy()).max() < TOL


@pytest.mark.parametrize("seed", [5, 9])
def test_reported_group_precision_equals_metricframe(seed: int) -> None:
    data, sex, band = grouped(seed, 4000)
    scores, labels = data
    frame = flm.MetricFrame(
        metrics={"precision": partial(metrics.precision_score, zero_division=0)},
        y_true=labels,
        y_pred=(scores >= 0.5).astype(int),
        sensitive_features={"sex": sex, "band": band},
    )
    config = ModelConfig(columns={"label": "y", "candidate": "s"})
    reported = {
        m.name: m.value
        for m in group_metrics(group_counts(sex, band, data), config)
        if m.name.startswith("fairness.precision[")
    }
    expected = {
        f"fairness.precision[sex={a}, band={b}]": float(v)
        for (a, b), v in frame.by_group["precision"].items()
    }
    assert reported.keys() == expected.keys()
    for name, value in expected.items():
        assert abs(reported[name] - value) < TOL


def test_group_keys_name_values_not_codes() -> None:
    data, sex, band = grouped(8, 300)
    groups = group_counts(sex, band, data)
    assert groups.keys[0] == ("F", "18-29")
    assert groups.label(groups.keys[0]) == "sex=F, band=18-29"
    assert int(groups.sizes().sum()) == 300


def numeric(seed: int, n: int, shift: float, nan_share: float) -> npt.NDArray[np.float64]:
    rng = np.random.default_rng(seed)
    values = np.round(rng.normal(shift, 1.0, n), 1)
    values[rng.uniform(size=n) < nan_share] = np.nan
    return values


@pytest.mark.parametrize(
    ("n_ref", "n_cur", "shift"),
    # Both sides of scipy's exact/asymptotic switch at 10,000 values per sample.
    [(3000, 2000, 0.3), (500, 800, 0.0), (50, 70, 1), (12000, 9000, 0.02)],
)
def test_numeric_drift_equals_scipy(n_ref: int, n_cur: int, shift: float) -> None:
    ref, cur = numeric(1, n_ref, 0.0, 0.05), numeric(2, n_cur, shift, 0.1)
    result = drift.numeric_drift(NumericSketch.from_values(ref), NumericSketch.from_values(cur))
    ref_ok, cur_ok = ref[~np.isnan(ref)], cur[~np.isnan(cur)]
    ks = stats.ks_2samp(ref_ok, cur_ok)  # scipy's default method, exact up to 10,000
    assert abs(result.ks_statistic - ks.statistic) < TOL
    assert abs(result.ks_pvalue - ks.pvalue) < TOL
    wd = stats.wasserstein_distance(ref_ok, cur_ok) / np.std(ref_ok)
    assert abs(result.wasserstein - wd) < TOL
    edges = np.unique(np.quantile(ref_ok, np.linspace(0.1, 0.9, 9)))
    ref_bins = np.bincount(np.searchsorted(edges, ref_ok, side="left"), minlength=edges.size + 1)
    cur_bins = np.bincount(np.searchsorted(edges, cur_ok, side="left"), minlength=edges.size + 1)
    r = np.maximum(ref_bins / ref_bins.sum(), 1e-4)
    c = np.maximum(cur_bins / cur_bins.sum(), 1e-4)
    assert abs(result.psi - float(np.sum((c - r) * np.log(c / r)))) < TOL
    js = spatial.distance.jensenshannon(ref_bins, cur_bins, base=2)
    assert abs(result.jensen_shannon - js) < TOL
    assert result.null_share_reference == float(np.isnan(ref).mean())
    assert result.null_share_current == float(np.isnan(cur).mean())


def test_quantiles_equal_numpy() -> None:
    values = numeric(3, 1001, 0.0, 0.0)
    probabilities = np.array([0.0, 0.1, 0.25, 0.5, 0.9, 1.0])
    sketch = NumericSketch.from_values(values)
    assert np.abs(sketch.quantiles(probabilities) - np.quantile(values, probabilities)).max() < TOL


def category_sketch(values: list[str | None]) -> CategorySketch:
    present = [v for v in values if v is not None]
    names, counts = np.unique(np.array(present), return_counts=True)
    return CategorySketch.from_counts(
        [str(n) for n in names], counts.tolist(), len(values) - len(present)
    )


def test_categorical_drift_equals_scipy() -> None:
    rng = np.random.default_rng(9)
    ref = list(rng.choice(np.array(["a", "b", "c"]), 900, p=[0.5, 0.3, 0.2]))
    cur = list(rng.choice(np.array(["a", "b", "c", "new"]), 700, p=[0.4, 0.3, 0.2, 0.1]))
    result = drift.categorical_drift(category_sketch(ref + [None] * 10), category_sketch(cur))
    table = np.array(
        [[ref.count(c) for c in "abc"] + [0], [cur.count(c) for c in ("a", "b", "c", "new")]]
    )
    chi = stats.chi2_contingency(table[:, table.sum(axis=0) > 0], correction=False)
    assert abs(result.chi2_statistic - chi.statistic) < TOL
    assert abs(result.chi2_pvalue - chi.pvalue) < TOL
    assert (
        abs(result.jensen_shannon - spatial.distance.jensenshannon(table[0], table[1], base=2))
        < TOL
    )
    assert result.unseen_share == cur.count("new") / 700
    assert result.null_share_reference == 10 / 910
