"""Decision stability (issue 10): flips, rank correlation and top-k, against numpy/scipy."""

from __future__ import annotations

import math
from datetime import date
from functools import reduce
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from scipy.stats import spearmanr

from builders.check_results import named
from builders.churn import (
    champion_scores,
    churn_table,
    reorder_group,
    with_candidate,
    write_parquet,
)
from mlgate.checks.model import ModelCheck, ModelConfig
from mlgate.checks.model.stability.decision_rules import spearman_interval
from mlgate.checks.model.stability.decisions import DecisionSums, Ranking, batch_sums
from mlgate.checks.model.stats.scores import ScoreTable
from mlgate.core.check import CheckContext, CheckResult

COLUMNS: dict[str, Any] = {
    "label": "churn",
    "candidate": "candidate_score",
    "champion": "champion_score",
    "sensitive": ["sex", "region"],
}


def run(root: Path, holdout: pa.Table, **stability: Any) -> CheckResult:
    write_parquet(holdout, root / "data" / "holdout.parquet", row_group_rows=1500)
    config = ModelConfig(
        paths=["data"],
        columns=COLUMNS,
        batch_rows=1024,
        stability={"calibration": None, **stability},
    )
    context = CheckContext(root=root, gate="post-train", today=date(2026, 1, 1))
    return ModelCheck().run(context, config)


def blocking(result: CheckResult) -> list[str]:
    assert result.errors == ()
    return sorted(
        m.name for m in result.metrics if not m.is_acceptable() and m.name.startswith("stab")
    )


def split_sums(candidate: np.ndarray, champion: np.ndarray, top_share: float) -> DecisionSums:
    labels = np.zeros(candidate.size, dtype=np.bool_)
    rankings = (
        Ranking.from_table(ScoreTable.from_rows(candidate, labels), top_share),
        Ranking.from_table(ScoreTable.from_rows(champion, labels), top_share),
    )
    parts = []
    for rows in np.array_split(np.arange(candidate.size), 3):
        outcome, ranks, top = batch_sums((candidate[rows], champion[rows]), rankings, 0.5)
        overall = np.bincount(outcome, minlength=4).astype(np.int64)
        parts.append(DecisionSums(overall=overall, groups={}, ranks=ranks, top=top))
    return reduce(DecisionSums.merge, parts)


def test_spearman_with_ties_equals_scipy_whatever_the_split() -> None:
    rng = np.random.default_rng(0)
    champion = np.round(rng.uniform(size=5000), 2)  # about 50 rows per tied value
    candidate = np.round(np.clip(champion + rng.normal(0, 0.2, 5000), 0, 1), 3)
    sums = split_sums(candidate, champion, 0.1)
    expected = spearmanr(candidate, champion).statistic
    assert sums.spearman() == pytest.approx(expected, abs=1e-12)
    flips = np.count_nonzero((candidate >= 0.5) != (champion >= 0.5))
    assert sums.flips == flips
    assert sums.rows == 5000


def test_top_k_change_equals_a_set_difference_of_argsorts() -> None:
    rng = np.random.default_rng(1)
    champion = rng.uniform(size=4000)  # continuous: no ties at the cutoff
    candidate = np.clip(champion + rng.normal(0, 0.1, 4000), 0, 1)
    sums = split_sums(candidate, champion, 0.05)
    k = 200
    top_champion = set(np.argsort(-champion)[:k].tolist())
    top_candidate = set(np.argsort(-candidate)[:k].tolist())
    assert sums.top.tolist() == [k, len(top_champion - top_candidate)]


def test_fisher_interval_of_spearman_uses_bonett_wright_variance() -> None:
    low, high = spearman_interval(0.9, 1003, 0.95)
    se = math.sqrt((1 + 0.81 / 2) / 1000)
    assert low == pytest.approx(math.tanh(math.atanh(0.9) - 1.959963984540054 * se), abs=1e-12)
    assert high == pytest.approx(math.tanh(math.atanh(0.9) + 1.959963984540054 * se), abs=1e-12)
    assert spearman_interval(1.0, 100, 0.95) == (1.0, 1.0)
    assert spearman_interval(float("nan"), 100, 0.95) == (-1.0, 1.0)


def test_an_identical_candidate_has_flip_rate_zero_and_passes(tmp_path: Path) -> None:
    table = churn_table(rows=6000, seed=11)
    result = run(tmp_path, with_candidate(table, champion_scores(table)))
    assert blocking(result) == []
    flip = named(result, "stability.flip_rate")
    assert (flip.value, flip.n) == (0.0, 6000)
    assert flip.ci is not None and flip.ci.low == 0.0
    assert named(result, "stability.rank_correlation").value == pytest.approx(1.0, abs=1e-12)
    assert named(result, "stability.top_changed").value == 0.0
    assert named(result, "stability.flip_rate_difference[sex]").value == 0.0


def test_a_candidate_that_reorders_one_group_blocks_and_names_it(tmp_path: Path) -> None:
    table = churn_table(rows=6000, seed=12)
    candidate = reorder_group(table, "region", "north", seed=5)
    result = run(tmp_path, candidate, decisions={"max_flip_rate": 0.2, "min_rank_correlation": 0.5})
    assert blocking(result) == ["stability.flip_rate_difference[region]"]
    gap = named(result, "stability.flip_rate_difference[region]")
    champion = champion_scores(table) >= 0.5
    new = np.asarray(candidate.column("candidate_score").to_numpy()) >= 0.5
    north = np.asarray(table.column("region").to_numpy(zero_copy_only=False) == "north")
    north_rate = np.count_nonzero((champion != new) & north) / np.count_nonzero(north)
    assert gap.value == pytest.approx(north_rate, abs=1e-12)  # the other regions flip 0
    assert gap.description is not None
    assert gap.description.startswith("Decision changes concentrate on region=north (")
    overall = named(result, "stability.flip_rate")
    assert overall.value == np.count_nonzero(champion != new) / 6000
    expected_rho = spearmanr(candidate.column("candidate_score"), table.column("champion_score"))
    rho = named(result, "stability.rank_correlation")
    assert rho.value == pytest.approx(expected_rho.statistic, abs=1e-12)


def test_the_default_tolerances_block_a_candidate_that_reshuffles_everyone(
    tmp_path: Path,
) -> None:
    table = churn_table(rows=4000, seed=13)
    shuffled = np.random.default_rng(2).permutation(champion_scores(table))
    result = run(tmp_path, with_candidate(table, shuffled))
    names = blocking(result)
    assert {"stability.flip_rate", "stability.rank_correlation", "stability.top_changed"} <= set(
        names
    )


def test_decision_stability_without_a_champion_is_skipped_with_a_reason(tmp_path: Path) -> None:
    write_parquet(churn_table(rows=500, seed=1), tmp_path / "data" / "holdout.parquet")
    columns = {k: v for k, v in COLUMNS.items() if k != "champion"}
    config = ModelConfig(paths=["data"], columns=columns, stability={"calibration": None})
    context = CheckContext(root=tmp_path, gate="post-train", today=date(2026, 1, 1))
    result = ModelCheck().run(context, config)
    assert result.errors == ()
    assert [s.reason for s in result.skipped if "decision" in s.reason] == [
        "decision stability not computed: no champion column (first run)"
    ]
    assert not [m for m in result.metrics if m.name.startswith("stability.")]
