"""Paired DeLong sums and the Poisson bootstrap: exact against direct formulas, mergeable."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import metrics

from mlgate.checks.model.stats import bootstrap
from mlgate.checks.model.stats import classification as cls
from mlgate.checks.model.stats.bootstrap import BootstrapPlan, poisson_weights
from mlgate.checks.model.stats.delong import DeLongSums, delong
from mlgate.checks.model.stats.intervals import newcombe_difference, wilson
from mlgate.checks.model.stats.scores import ScoreTable

Pair = tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.bool_]]


def paired(seed: int, n: int) -> Pair:
    rng = np.random.default_rng(seed)
    positive = rng.uniform(size=n) < 0.3
    signal = rng.normal(size=n) + positive
    a = np.round(1 / (1 + np.exp(-(signal + rng.normal(0, 0.8, n)))), 2)
    b = np.round(1 / (1 + np.exp(-(signal + rng.normal(0, 1.0, n)))), 2)
    return a, b, positive


def direct_delong(
    a: npt.NDArray[np.float64], b: npt.NDArray[np.float64], y: npt.NDArray[np.bool_]
) -> tuple[float, float]:
    def components(
        s: npt.NDArray[np.float64],
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        pos, neg = s[y][:, None], s[~y][None, :]
        psi = (pos > neg) + 0.5 * (pos == neg)
        return psi.mean(axis=1), psi.mean(axis=0)

    (va, wa), (vb, wb) = components(a), components(b)
    s10, s01 = np.cov(np.stack([va, vb])), np.cov(np.stack([wa, wb]))
    var = (s10[0, 0] + s10[1, 1] - 2 * s10[0, 1]) / y.sum()
    var += (s01[0, 0] + s01[1, 1] - 2 * s01[0, 1]) / (~y).sum()
    return float(va.mean() - vb.mean()), float(np.sqrt(var))


def sums_for(
    a: npt.NDArray[np.float64], b: npt.NDArray[np.float64], y: npt.NDArray[np.bool_], parts: int
) -> DeLongSums:
    tables = (ScoreTable.from_rows(a, y), ScoreTable.from_rows(b, y))
    total = DeLongSums.empty()
    for chunk in np.array_split(np.arange(y.size), parts):
        total = total.merge(DeLongSums.from_rows(tables, (a[chunk], b[chunk]), y[chunk]))
    return total


def test_delong_equals_direct_pairwise_computation() -> None:
    a, b, y = paired(1, 600)
    result = delong(sums_for(a, b, y, parts=4))
    difference, se = direct_delong(a, b, y)
    assert abs(result.difference - difference) < 1e-12
    assert abs(result.se_difference - se) < 1e-9
    assert abs(result.auc_a - metrics.roc_auc_score(y, a)) < 1e-12
    assert abs(result.auc_b - metrics.roc_auc_score(y, b)) < 1e-12


def test_delong_of_identical_models_has_zero_difference() -> None:
    a, _, y = paired(2, 300)
    result = delong(sums_for(a, a, y, parts=1))
    assert result.difference == 0.0
    assert result.se_difference == 0.0
    assert result.se_a > 0


def test_delong_without_both_classes_is_nan() -> None:
    a, b, y = paired(3, 50)
    ones = np.ones_like(y)
    assert np.isnan(delong(sums_for(a, b, ones, parts=1)).difference)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**63), st.lists(st.integers(1, 299), min_size=1, max_size=3))
def test_bootstrap_sums_do_not_depend_on_the_split(seed: int, cuts: list[int]) -> None:
    a, b, y = paired(4, 300)
    plan = BootstrapPlan(replicates=16, seed=seed)
    ids = np.arange(300, dtype=np.uint64)
    positive = y.astype(np.float64)
    whole = plan.sums([a, b], positive, ids)
    merged = plan.empty(2)
    for chunk in np.split(np.arange(300), sorted(set(cuts))):
        merged = merged.merge(plan.sums([a[chunk], b[chunk]], positive[chunk], ids[chunk]))
    assert np.array_equal(merged.confusion(0), whole.confusion(0))
    assert np.allclose(merged.sums, whole.sums, rtol=1e-12, atol=0)


def test_poisson_weights_have_poisson_moments_and_are_seeded() -> None:
    weights = poisson_weights(7, 200, np.arange(5000, dtype=np.uint64))
    assert abs(weights.mean() - 1) < 0.01
    assert abs(weights.var() - 1) < 0.02
    assert np.array_equal(weights, poisson_weights(7, 200, np.arange(5000, dtype=np.uint64)))
    assert not np.array_equal(weights, poisson_weights(8, 200, np.arange(5000, dtype=np.uint64)))


def test_unit_weights_reproduce_the_point_metrics() -> None:
    a, _, y = paired(5, 400)
    table = ScoreTable.from_rows(a, y)
    # A replicate whose every weight is 1 is the data itself.
    design = bootstrap._design(a, y.astype(np.float64), 0.5, 10)
    unit = bootstrap.BootstrapSums(sums=design.sum(axis=0)[None, None, :], n_bins=10)
    assert tuple(unit.confusion(0)[0]) == table.confusion_at(0.5)
    assert abs(float(unit.mean_loss(0, 0)[0]) - metrics.log_loss(y, a)) < 1e-12
    assert abs(float(unit.mean_loss(0, 1)[0]) - metrics.brier_score_loss(y, a)) < 1e-12
    ece = float(cls.ece_from_bins(*unit.ece_sums(0))[0])
    assert abs(ece - cls.expected_calibration_error(table)) < 1e-12


def test_wilson_and_newcombe_match_published_values() -> None:
    # Newcombe (1998), example (a): 56/70 vs 48/80 -> 0.0524 to 0.3339.
    interval = newcombe_difference((56, 70), (48, 80), 0.95)
    assert round(interval.low, 4) == 0.0524
    assert round(interval.high, 4) == 0.3339
    low, high = wilson(0, 10, 0.95)
    assert abs(low) < 1e-15
    assert round(high, 4) == 0.2775


def test_lookup_weights_equal_a_full_inverse_cdf_search() -> None:
    ids = np.arange(20000, dtype=np.uint64)
    keys = bootstrap._splitmix(
        np.arange(50, dtype=np.uint64) ^ bootstrap._splitmix(np.array([3], np.uint64))
    )
    hashed = bootstrap._splitmix(ids[None, :] ^ keys[:, None])
    uniform = (hashed >> np.uint64(11)).astype(np.float64) * 2.0**-53
    expected = np.searchsorted(bootstrap._POISSON_CDF, uniform, side="right")
    assert np.array_equal(poisson_weights(3, 50, ids), expected)
    assert int(bootstrap._CELL_AMBIGUOUS.sum()) < 40
