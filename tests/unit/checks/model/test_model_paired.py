"""Paired DeLong sums and the cell-wise Poisson bootstrap: exact, mergeable, faithful."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import metrics

from mlgate.checks.model.stats import bootstrap
from mlgate.checks.model.stats import classification as cls
from mlgate.checks.model.stats.bootstrap import BootstrapPlan
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
@given(st.integers(0, 2**32), st.lists(st.integers(1, 299), min_size=1, max_size=3))
def test_bootstrap_does_not_depend_on_the_split(seed: int, cuts: list[int]) -> None:
    a, b, y = paired(4, 300)
    plan = BootstrapPlan(replicates=16, seed=seed)
    positive = y.astype(np.float64)
    whole = plan.moments([a, b], positive)
    merged = plan.empty_moments(2)
    for chunk in np.split(np.arange(300), sorted(set(cuts))):
        merged = merged.merge(plan.moments([a[chunk], b[chunk]], positive[chunk]))
    assert np.array_equal(merged.counts, whole.counts)
    assert np.allclose(merged.products, whole.products, rtol=1e-12, atol=1e-12)
    drawn, expected = deltas(plan.draw(merged, 2)), deltas(plan.draw(whole, 2))
    for name, values in drawn.items():
        # Equal up to rounding of the summed moments (1e-9 of a metric at most).
        assert np.allclose(values, expected[name], rtol=0, atol=1e-9), name


def row_bootstrap(
    a: npt.NDArray[np.float64], b: npt.NDArray[np.float64], y: npt.NDArray[np.bool_], reps: int
) -> bootstrap.BootstrapSums:
    """The textbook Poisson bootstrap: one Poisson(1) weight per row and replicate."""
    weights = np.random.default_rng(99).poisson(1.0, size=(reps, y.size)).astype(np.float64)
    positive = y.astype(np.float64)
    columns = []
    for s in (a, b):
        outcome = (2 * positive + (s >= 0.5)).astype(np.intp)
        bins = np.eye(10)[cls.ece_bins(s, 10)]
        columns.append(
            np.hstack(
                [
                    np.eye(4)[outcome],
                    cls.log_loss_terms(s, positive)[:, None],
                    cls.brier_terms(s, positive)[:, None],
                    bins,
                    bins * positive[:, None],
                    bins * s[:, None],
                ]
            )
        )
    sums = np.stack([weights @ c for c in columns], axis=1)
    return bootstrap.BootstrapSums(sums=sums, n_bins=10)


def deltas(sums: bootstrap.BootstrapSums) -> dict[str, npt.NDArray[np.float64]]:
    return {
        "accuracy": cls.accuracy(sums.confusion(0)) - cls.accuracy(sums.confusion(1)),
        "f1": cls.f1(sums.confusion(0)) - cls.f1(sums.confusion(1)),
        "log_loss": sums.mean_loss(0, 0) - sums.mean_loss(1, 0),
        "brier": sums.mean_loss(0, 1) - sums.mean_loss(1, 1),
        "ece": cls.ece_from_bins(*sums.ece_sums(0)) - cls.ece_from_bins(*sums.ece_sums(1)),
    }


def test_cell_draws_match_the_row_level_poisson_bootstrap() -> None:
    rng = np.random.default_rng(6)
    n = 3000
    y = rng.uniform(size=n) < 0.3
    signal = rng.normal(size=n) + y
    a = 1 / (1 + np.exp(-(signal + rng.normal(0, 0.8, n))))
    b = 1 / (1 + np.exp(-(signal + rng.normal(0, 1.0, n))))
    plan = BootstrapPlan(replicates=3000, seed=5)
    cells = deltas(plan.draw(plan.moments([a, b], y.astype(np.float64)), 2))
    rows = deltas(row_bootstrap(a, b, y, 3000))
    for name in cells:
        # Same distribution: centres within a tenth of a spread, spreads within 10 %.
        spread = float(np.std(rows[name]))
        assert abs(float(np.mean(cells[name]) - np.mean(rows[name]))) < 0.1 * spread, name
        assert abs(float(np.std(cells[name])) / spread - 1) < 0.1, name


def test_drawn_counts_are_poisson_and_centred_on_the_data() -> None:
    a, b, y = paired(5, 400)
    plan = BootstrapPlan(replicates=4000, seed=1)
    sums = plan.draw(plan.moments([a, b], y.astype(np.float64)), 2)
    table = ScoreTable.from_rows(a, y)
    confusion = np.array(table.confusion_at(0.5), dtype=np.float64)
    drawn = sums.confusion(0)
    assert np.all(drawn == np.round(drawn))
    # Poisson(n): mean n and variance n, within five standard errors over 4,000 draws.
    assert np.all(np.abs(drawn.mean(axis=0) - confusion) < 5 * np.sqrt(confusion / 4000))
    assert np.all(np.abs(drawn.var(axis=0) / confusion - 1) < 0.1)
    log_loss = sums.mean_loss(0, 0)
    assert abs(float(np.mean(log_loss)) - metrics.log_loss(y, a)) < 5 * float(np.std(log_loss))
    ece = cls.ece_from_bins(*sums.ece_sums(0))
    assert abs(float(np.median(ece)) - cls.expected_calibration_error(table)) < 0.05


def test_wilson_and_newcombe_match_published_values() -> None:
    # Newcombe (1998), example (a): 56/70 vs 48/80 -> 0.0524 to 0.3339.
    interval = newcombe_difference((56, 70), (48, 80), 0.95)
    assert round(interval.low, 4) == 0.0524
    assert round(interval.high, 4) == 0.3339
    low, high = wilson(0, 10, 0.95)
    assert abs(low) < 1e-15
    assert round(high, 4) == 0.2775


def test_inconsistent_moments_draw_without_spread_instead_of_failing() -> None:
    # A variance below zero (impossible for real rows) is clipped to zero, not a crash.
    moments = bootstrap.CellMoments(
        counts=np.array([4.0]), sums=np.array([[4.0]]), products=np.array([[[1.0]]])
    )
    drawn = bootstrap.draw_cells(moments, 50, 0)
    assert np.array_equal(drawn.sums[:, :, 0], drawn.counts)
