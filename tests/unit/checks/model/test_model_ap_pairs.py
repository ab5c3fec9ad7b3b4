"""Average precision's paired interval: exact AP, an exactly mergeable sample, calibration."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pytest
import sklearn.metrics as skm

from builders.churn import churn_table, write_parquet
from mlgate.checks.model import ModelCheck, ModelConfig
from mlgate.checks.model.config import PerformanceMetric
from mlgate.checks.model.engine import Plan, read_holdout
from mlgate.checks.model.simulation import (
    Process,
    coverage,
    differences,
    false_blocks,
    study_config,
)
from mlgate.checks.model.stats.pairs import (
    PairSample,
    paired_interval,
    row_priorities,
    weighted_average_precision,
)
from mlgate.core.check import CheckContext

AP = PerformanceMetric.AVERAGE_PRECISION
COLUMNS = {"label": "churn", "candidate": "candidate_score", "champion": "champion_score"}
NOMINAL = 0.025


def rows(seed: int, n: int, decimals: int) -> tuple[np.ndarray[Any, Any], ...]:
    rng = np.random.default_rng(seed)
    positive = rng.uniform(size=n) < 0.3
    # Rounded scores: many ties, which scikit-learn collapses into one threshold.
    candidate = np.round(rng.uniform(size=n) + 0.4 * positive, decimals)
    champion = np.round(rng.uniform(size=n) + 0.5 * positive, decimals)
    return positive, candidate, champion


@pytest.mark.parametrize(("seed", "decimals"), [(0, 1), (1, 2), (2, 8)])
def test_weighted_average_precision_equals_scikit_learn(seed: int, decimals: int) -> None:
    positive, scores, _ = rows(seed, 700, decimals)
    rng = np.random.default_rng(seed)
    weights = np.vstack([np.ones(700), rng.poisson(1.0, (4, 700))]).astype(np.float64)
    found = weighted_average_precision(scores, positive, weights)
    for value, w in zip(found, weights, strict=True):
        assert abs(value - skm.average_precision_score(positive, scores, sample_weight=w)) < 1e-9


def test_no_weight_on_the_positives_gives_nan() -> None:
    positive = np.array([True, False, False])
    weights = np.array([[0.0, 1.0, 2.0]])
    assert np.isnan(weighted_average_precision(np.array([0.9, 0.5, 0.1]), positive, weights)[0])


def whole_sample(capacity: int, n: int, seed: int) -> PairSample:
    positive, a, b = rows(seed, n, 3)
    return PairSample.from_rows(
        capacity, row_priorities(seed, 0, n), positive, np.stack([a, b], axis=1)
    )


@pytest.mark.parametrize(("capacity", "n"), [(1000, 5000), (1000, 800), (64, 64)])
@pytest.mark.parametrize("seed", [0, 7])
def test_merged_partial_samples_equal_the_sample_of_the_whole(
    capacity: int, n: int, seed: int
) -> None:
    positive, a, b = rows(seed, n, 3)
    scores = np.stack([a, b], axis=1)
    rng = np.random.default_rng(seed)
    cuts = np.sort(rng.choice(np.arange(1, n), size=6, replace=False))
    parts = [
        PairSample.from_rows(
            capacity, row_priorities(seed, lo, hi - lo), positive[lo:hi], scores[lo:hi]
        )
        for lo, hi in zip([0, *cuts], [*cuts, n], strict=True)
    ]
    order = rng.permutation(len(parts))
    merged = PairSample.empty(capacity)
    for k in order:
        merged = merged.merge(parts[k])
    whole = whole_sample(capacity, n, seed)
    assert merged.rows == whole.rows == min(capacity, n)
    np.testing.assert_array_equal(merged.priority, whole.priority)
    np.testing.assert_array_equal(merged.positive, whole.positive)
    np.testing.assert_array_equal(merged.scores, whole.scores)


def test_priorities_are_uniform_and_seeded() -> None:
    first = row_priorities(3, 0, 100_000)
    assert np.unique(first).size == first.size
    assert not np.array_equal(first, row_priorities(4, 0, 100_000))
    # The top bit splits rows in half: a sample that favours no region of the input.
    assert abs(np.mean(first >> np.uint64(63)) - 0.5) < 0.01


def test_below_the_cap_the_interval_is_the_bootstrap_on_every_row() -> None:
    sample = whole_sample(2000, 1500, 5)
    exact = [skm.average_precision_score(sample.positive, sample.scores[:, k]) for k in range(2)]
    found = paired_interval(
        sample, 1500, exact[0] - exact[1], replicates=400, seed=1, confidence=0.95
    )
    rng = np.random.default_rng([1, 0xA9])
    weights = rng.poisson(1.0, (400, 1500)).astype(np.float64)
    deltas = [
        skm.average_precision_score(sample.positive, sample.scores[:, 0], sample_weight=w)
        - skm.average_precision_score(sample.positive, sample.scores[:, 1], sample_weight=w)
        for w in weights
    ]
    low, high = np.quantile(deltas, [0.025, 0.975])
    assert abs(found.interval.low - low) < 1e-9 and abs(found.interval.high - high) < 1e-9
    assert abs(found.standard_error - np.std(deltas, ddof=1)) < 1e-9


def test_above_the_cap_the_interval_is_centred_and_scaled_to_all_rows() -> None:
    sample = whole_sample(1000, 1000, 5)
    small = paired_interval(sample, 1000, 0.0, replicates=300, seed=2, confidence=0.95)
    large = paired_interval(sample, 16_000, 0.01, replicates=300, seed=2, confidence=0.95)
    # A quarter of the width (sqrt(1000 / 16000)), around the full-data difference.
    width = small.interval.high - small.interval.low
    assert abs((large.interval.high - large.interval.low) - width / 4) < 1e-12
    assert abs(large.standard_error - small.standard_error / 4) < 1e-12
    assert large.interval.low < 0.01 < large.interval.high


@pytest.mark.parametrize(("rows_", "trials"), [(600, 120), (4000, 120)])
def test_equal_models_are_blocked_near_the_nominal_rate(rows_: int, trials: int) -> None:
    # The sample holds 1,000 rows: 600 is below the cap (exact), 4,000 above it (scaled).
    config = study_config("classification", 100, metrics=(AP,), average_precision_sample_rows=1000)
    (summary,) = false_blocks(
        Process(task="classification"), rows=rows_, trials=trials, seed=3, config=config
    )
    assert summary.rate.bounds()[0] <= NOMINAL, summary
    assert summary.rate.value <= 2 * NOMINAL, summary


@pytest.mark.parametrize(("rows_", "trials"), [(600, 120), (4000, 120)])
def test_ap_intervals_cover_the_true_difference(rows_: int, trials: int) -> None:
    config = study_config("classification", 100, metrics=(AP,), average_precision_sample_rows=1000)
    process = Process(task="classification", candidate_noise=1.3)
    truth = differences(process.draw(400_000, np.random.default_rng(5)), config)
    assert truth[AP] < -0.02
    (summary,) = coverage(process, rows=rows_, trials=trials, seed=6, truth=truth, config=config)
    low, high = summary.rate.bounds()
    assert low <= 0.95 <= high, summary


def run_gate(
    root: Path, candidate: Literal["equal", "regressed"], **settings: Any
) -> dict[str, Any]:
    table = churn_table(rows=20_000, seed=4, candidate=candidate)
    write_parquet(table, root / "data" / "holdout.parquet")
    config = ModelConfig(
        paths=["data"],
        columns=COLUMNS,
        performance={"average_precision": {"max_drop": 0.005}},
        fairness={},
        **settings,
    )
    result = ModelCheck().run(CheckContext(root=root, gate="g", today=date(2026, 1, 1)), config)
    assert result.errors == ()
    return {m.name: m for m in result.metrics}


def test_a_real_ap_drop_blocks_with_its_numbers_in_one_sentence(tmp_path: Path) -> None:
    by_name = run_gate(tmp_path, "regressed", average_precision_sample_rows=5000)
    change = by_name["model.average_precision.change"]
    table = churn_table(rows=20_000, seed=4, candidate="regressed")
    labels = table.column("churn").to_numpy()
    ap = [
        skm.average_precision_score(labels, table.column(c).to_numpy())
        for c in ("candidate_score", "champion_score")
    ]
    assert abs(change.value - (ap[0] - ap[1])) < 1e-9
    assert change.ci is not None and change.ci.high < 0 and change.value < -0.005
    assert not change.is_acceptable()
    text = change.description or ""
    assert text.startswith(f"Average precision fell from {ap[1]:.3f} to {ap[0]:.3f} (")
    assert f"95% CI {change.ci.low * 100:+.2f} pts to {change.ci.high * 100:+.2f} pts" in text
    assert "paired bootstrap, 200 replicates on 5,000 sampled rows, 20,000 rows)" in text
    assert "; tolerance 0.50 pts; smallest detectable change " in text
    assert abs(by_name["model.average_precision.champion"].value - ap[1]) < 1e-9
    assert by_name["model.average_precision.detectable_change"].value > 0


def test_equal_models_pass_the_ap_drop_limit(tmp_path: Path) -> None:
    change = run_gate(tmp_path, "equal")["model.average_precision.change"]
    assert change.is_acceptable(), change.description


def test_the_sample_does_not_depend_on_how_the_input_is_batched(tmp_path: Path) -> None:
    table = churn_table(rows=9000, seed=8, candidate="equal")
    write_parquet(table, tmp_path / "holdout.parquet")
    samples = []
    for batch_rows in (1024, 4096, 65536):
        config = ModelConfig(
            paths=["holdout.parquet"],
            columns=COLUMNS,
            performance={"average_precision": {}},
            fairness={},
            batch_rows=batch_rows,
            average_precision_sample_rows=2000,
        )
        found = read_holdout([tmp_path / "holdout.parquet"], Plan.from_config(config)).pairs
        assert found is not None and found.rows == 2000
        samples.append(found)
    for other in samples[1:]:
        np.testing.assert_array_equal(other.priority, samples[0].priority)
        np.testing.assert_array_equal(other.scores, samples[0].scores)
