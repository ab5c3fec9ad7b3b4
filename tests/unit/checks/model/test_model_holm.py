"""Holm-corrected fairness decisions, CI-consistent p-values and the gated parity ratio."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import fairlearn.metrics as flm
import numpy as np
import pyarrow.parquet as pq
import pytest

from builders.churn import churn_table, write_parquet
from mlgate.checks.model import ModelCheck, ModelConfig
from mlgate.checks.model.stats.intervals import (
    holm_level,
    mover_ratio,
    newcombe_bounds,
    newcombe_pvalues,
    z_two_sided,
)
from mlgate.core.check import CheckContext

COLUMNS = {"label": "churn", "candidate": "candidate_score", "sensitive": ["sex", "region"]}


def arrays(*values: float) -> np.ndarray:
    return np.array(values, dtype=np.float64)


def test_newcombe_pvalue_is_where_the_interval_touches_zero() -> None:
    first = (arrays(56, 30, 12, 40), arrays(70, 100, 50, 80))
    second = (arrays(48, 20, 20, 40), arrays(80, 100, 50, 80))
    pvalues = newcombe_pvalues(first, second)
    assert pvalues[3] == 1.0  # equal proportions: no evidence at all
    z = np.array([z_two_sided(1 - p) for p in pvalues[:3]])
    low, high = newcombe_bounds((first[0][:3], first[1][:3]), (second[0][:3], second[1][:3]), z)
    nearest = np.where(low > 0, low, np.where(high < 0, high, np.minimum(-low, high)))
    assert np.all(np.abs(nearest) < 1e-9)
    assert 0.008 < pvalues[0] < 0.0082  # Newcombe's example (a): 95% interval from 0.052


def test_holm_level_steps_down_and_stops() -> None:
    pvalues = arrays(0.01, 0.04, 0.03, 0.005)
    # Sorted 0.005, 0.01, 0.03, 0.04 against 0.05/4, 0.05/3, 0.05/2, 0.05/1: Holm rejects
    # the first two and stops at 0.03, so 0.04 is judged at 0.03's level (and kept).
    assert holm_level(pvalues, 0.005, 0.95) == pytest.approx(1 - 0.05 / 4)
    assert holm_level(pvalues, 0.01, 0.95) == pytest.approx(1 - 0.05 / 3)
    assert holm_level(pvalues, 0.03, 0.95) == pytest.approx(1 - 0.05 / 2)
    assert holm_level(pvalues, 0.04, 0.95) == pytest.approx(1 - 0.05 / 2)
    # Bonferroni keeps 0.02 of three (0.02 > 0.05/3); Holm rejects all three.
    assert holm_level(arrays(0.005, 0.015, 0.02), 0.02, 0.95) == pytest.approx(0.95)


def test_mover_ratio_agrees_with_katz_on_large_counts_and_handles_zero() -> None:
    interval = mover_ratio((200, 1000), (300, 1000), 0.95)
    se = math.sqrt(1 / 200 - 1 / 1000 + 1 / 300 - 1 / 1000)
    katz = (2 / 3 * math.exp(-1.959964 * se), 2 / 3 * math.exp(1.959964 * se))
    assert interval.low == pytest.approx(katz[0], rel=2e-3)
    assert interval.high == pytest.approx(katz[1], rel=2e-3)
    zero = mover_ratio((0, 50), (10, 50), 0.95)
    assert zero.low == 0.0 and 0 < zero.high < 1


@pytest.mark.parametrize(("candidate", "blocked"), [("biased", True), ("equal", False)])
def test_demographic_parity_ratio_equals_fairlearn_and_gates(
    tmp_path: Path, candidate: str, blocked: bool
) -> None:
    table = churn_table(rows=6000, seed=21, candidate=candidate)  # type: ignore[arg-type]
    write_parquet(table, tmp_path / "data" / "h.parquet")
    config = ModelConfig(
        paths=["data"], columns=COLUMNS, fairness={"demographic_parity_ratio": 0.8}
    )
    context = CheckContext(root=tmp_path, gate="post-train", today=date(2026, 1, 1))
    result = ModelCheck().run(context, config)
    (ratio,) = [m for m in result.metrics if m.name == "fairness.demographic_parity_ratio[sex]"]
    rows = pq.read_table(tmp_path / "data" / "h.parquet")
    expected = flm.demographic_parity_ratio(
        rows["churn"].to_numpy(),
        rows["candidate_score"].to_numpy() >= 0.5,
        sensitive_features=rows["sex"].to_numpy(),
    )
    assert abs(ratio.value - expected) < 1e-12
    assert ratio.is_acceptable() is not blocked
    assert ratio.ci is not None and ratio.ci.low <= ratio.value <= ratio.ci.high
    assert (
        ratio.description is not None
        and "(MOVER-R, Holm-adjusted over 1 comparison)" in ratio.description
    )
