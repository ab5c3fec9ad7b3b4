"""The gate's paired intervals, validated by simulation (short runs of the calibration study).

``scripts/model_calibration.py`` runs the same study with more trials and prints the
figures; these seeded runs keep CI fast and still catch an interval that is too narrow
(equal models blocked), too wide, or centred wrong (true difference not covered).
"""

from __future__ import annotations

import numpy as np
import pytest

from mlgate.checks.model.config import PerformanceMetric
from mlgate.checks.model.simulation import (
    CLASSIFICATION,
    REGRESSION,
    Process,
    coverage,
    differences,
    false_blocks,
    study_config,
    tail_ratios,
)

NOMINAL = 0.025


@pytest.mark.parametrize(("task", "trials"), [("classification", 100), ("regression", 150)])
def test_equal_models_are_blocked_no_more_than_the_nominal_rate(task: str, trials: int) -> None:
    found = false_blocks(Process(task=task), rows=300, trials=trials, seed=3)
    assert {s.metric for s in found} == set(CLASSIFICATION if task != "regression" else REGRESSION)
    for summary in found:
        # Not significantly above 2.5 %: the exact binomial interval reaches down to it.
        assert summary.rate.bounds()[0] <= NOMINAL, summary
        assert summary.width > 0, summary
    pooled = sum(s.rate.events for s in found) / (trials * len(found))
    assert pooled <= 2 * NOMINAL


@pytest.mark.parametrize(("task", "trials"), [("classification", 80), ("regression", 120)])
def test_intervals_cover_the_true_difference(task: str, trials: int) -> None:
    process = Process(task=task, candidate_noise=1.3)
    truth = differences(process.draw(200_000, np.random.default_rng(5)), study_config(task))
    # A real difference: the candidate sees the signal through more noise.
    assert truth[REGRESSION[0] if task == "regression" else PerformanceMetric.ROC_AUC] != 0
    for summary in coverage(process, rows=300, trials=trials, seed=6, truth=truth):
        low, high = summary.rate.bounds()
        assert low <= 0.95 <= high or summary.rate.value > 0.95, summary


@pytest.mark.parametrize("task", ["classification", "regression"])
def test_small_cells_draw_both_tails_like_the_row_level_bootstrap(task: str) -> None:
    # 100 rows over up to 800 cells: nearly every cell holds fewer than 5 rows, where the
    # normal draw of a cell's sums is at its crudest; each limit must still match.
    for ratio in tail_ratios(Process(task=task), rows=100, holdouts=6, replicates=1000):
        assert abs(ratio.lower - 1) < 0.1, ratio
        assert abs(ratio.upper - 1) < 0.1, ratio
