"""Regression gates: RMSE, MAE and R2 equal scikit-learn, paired bootstrap, scenarios."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from pydantic import ValidationError
from sklearn import metrics

from mlgate.checks.model import ModelCheck, ModelConfig
from mlgate.checks.model.stats import regression
from mlgate.checks.model.stats.regression import RegressionSums
from mlgate.cli.app import main
from mlgate.core.check import CheckContext, CheckResult
from mlgate.core.metric import Metric

FloatArray = npt.NDArray[np.float64]
COLUMNS = {"label": "price", "candidate": "candidate", "champion": "champion"}
PERFORMANCE = {
    "rmse": {"max_relative_drop": 0.02},
    "mae": {"max_drop": 0.5},
    "r2": {"max_drop": 0.01, "minimum": 0.5},
}


def houses(rows: int, seed: int, candidate_noise: float = 10.0) -> pa.Table:
    """Prices from floor area and age; models see them through noise (more noise, worse)."""
    rng = np.random.default_rng(seed)
    area = rng.gamma(4.0, 30.0, rows)
    age = rng.uniform(0, 80, rows)
    price = 50 + 2.0 * area - 0.8 * age + rng.normal(0, 15, rows)
    expected = 50 + 2.0 * area - 0.8 * age
    return pa.table(
        {
            "area": area,
            "age": age,
            "price": price,
            "champion": expected + rng.normal(0, 10.0, rows),
            "candidate": expected + rng.normal(0, candidate_noise, rows),
        }
    )


def run(root: Path, holdout: pa.Table, **settings: Any) -> CheckResult:
    (root / "data").mkdir(parents=True, exist_ok=True)
    pq.write_table(holdout, root / "data" / "holdout.parquet", row_group_size=4096)
    config: dict[str, Any] = {
        "paths": ["data"],
        "task": "regression",
        "columns": {**COLUMNS},
        "performance": PERFORMANCE,
        **settings,
    }
    context = CheckContext(root=root, gate="post-train", today=date(2026, 1, 1))
    return ModelCheck().run(context, ModelConfig(**config))


def named(result: CheckResult, name: str) -> Metric:
    (metric,) = [m for m in result.metrics if m.name == name]
    return metric


def sums_in_parts(target: FloatArray, predictions: list[FloatArray], parts: int) -> RegressionSums:
    total = RegressionSums.empty(len(predictions))
    for chunk in np.array_split(np.arange(target.size), parts):
        total = total.merge(
            RegressionSums.from_rows(target[chunk], [p[chunk] for p in predictions])
        )
    return total


@pytest.mark.parametrize(("offset", "parts"), [(0.0, 1), (0.0, 7), (1e8, 13)])
def test_metrics_equal_sklearn(offset: float, parts: int) -> None:
    rng = np.random.default_rng(int(offset) % 97 + parts)
    y = offset + rng.normal(0, 3, 5000)
    a, b = y + rng.normal(0, 1, y.size), y + rng.standard_t(3, y.size)
    sums = sums_in_parts(y, [a, b], parts)
    for model, prediction in enumerate((a, b)):
        assert abs(sums.rmse(model) - metrics.root_mean_squared_error(y, prediction)) < 1e-9
        assert abs(sums.mae(model) - metrics.mean_absolute_error(y, prediction)) < 1e-9
        assert abs(sums.r2(model) - metrics.r2_score(y, prediction)) < 1e-9


def test_a_constant_target_follows_sklearn_force_finite() -> None:
    y = np.full(50, 4.0)
    perfect, off = y.copy(), y + 0.5
    sums = sums_in_parts(y, [perfect, off], 3)
    assert sums.r2(0) == metrics.r2_score(y, perfect) == 1.0
    assert sums.r2(1) == metrics.r2_score(y, off) == 0.0


@pytest.mark.parametrize("offset", [0.0, 1e9])
def test_cell_bootstrap_matches_the_row_level_poisson_bootstrap(offset: float) -> None:
    rng = np.random.default_rng(8)
    y = offset + rng.normal(0, 3, 3000)
    a, b = y + rng.normal(0, 1.0, y.size), y + rng.standard_t(4, y.size) * 0.9
    # The shift (the first target) keeps a mean 1e9 times the spread exact enough.
    drawn = regression.draw(regression.moments(y, [a, b], shift=float(y[0])), 2, 3000, 4)
    weights = np.random.default_rng(9).poisson(1.0, (3000, y.size)).astype(np.float64)
    weight = weights.sum(axis=1)

    def rows(metric: str, p: FloatArray) -> FloatArray:
        e = p - y
        if metric == "rmse":
            return np.asarray(np.sqrt(weights @ (e * e) / weight))
        if metric == "mae":
            return np.asarray(weights @ np.abs(e) / weight)
        centred = y - y.mean()
        mean = weights @ centred / weight
        total = weights @ (centred * centred) - weight * mean * mean
        return np.asarray(1 - weights @ (e * e) / total)

    for metric in ("rmse", "mae", "r2"):
        cells = drawn.values(metric, 0) - drawn.values(metric, 1)
        direct = rows(metric, a) - rows(metric, b)
        spread = float(np.std(direct))
        assert abs(float(np.mean(cells) - np.mean(direct))) < 0.1 * spread, metric
        assert abs(float(np.std(cells)) / spread - 1) < 0.1, metric


def test_equal_regressors_pass(tmp_path: Path) -> None:
    result = run(tmp_path, houses(3000, 1))
    assert result.errors == ()
    assert [m.name for m in result.metrics if not m.is_acceptable()] == []
    change = named(result, "model.rmse.change")
    assert change.ci is not None and change.ci.low < 0 < change.ci.high
    assert change.n == 3000


def test_a_worse_regressor_blocks_with_one_sentence(tmp_path: Path) -> None:
    holdout = houses(20000, 2, candidate_noise=13.0)
    result = run(tmp_path, holdout)
    assert result.errors == ()
    y = holdout.column("price").to_numpy()
    candidate, champion = (holdout.column(c).to_numpy() for c in ("candidate", "champion"))
    rmse = named(result, "model.rmse")
    assert abs(rmse.value - metrics.root_mean_squared_error(y, candidate)) < 1e-9
    change = named(result, "model.rmse.change")
    expected = metrics.root_mean_squared_error(y, candidate) - metrics.root_mean_squared_error(
        y, champion
    )
    assert abs(change.value - expected) < 1e-9
    assert change.ci is not None and change.ci.low > 0
    assert not change.is_acceptable()
    sentence = change.description or ""
    assert sentence.startswith("RMSE rose from ")
    assert "paired bootstrap" in sentence and "20,000 rows" in sentence
    # R2 fell too, but by less than its 1-point tolerance: that change alone does not block.
    r2_change = named(result, "model.r2.change")
    expected_r2 = metrics.r2_score(y, candidate) - metrics.r2_score(y, champion)
    assert abs(r2_change.value - expected_r2) < 1e-9
    assert r2_change.ci is not None and r2_change.ci.high < 0
    assert r2_change.is_acceptable()
    assert abs(named(result, "model.r2").value - metrics.r2_score(y, candidate)) < 1e-9


def test_regression_drift_compares_target_and_prediction(tmp_path: Path) -> None:
    (tmp_path / "reference").mkdir()
    pq.write_table(houses(5000, 3), tmp_path / "reference" / "train.parquet")
    result = run(
        tmp_path,
        houses(5000, 4),
        reference=["reference/train.parquet"],
        columns={**COLUMNS, "numeric_features": ["area", "age"]},
    )
    assert result.errors == ()
    names = {m.name for m in result.metrics}
    assert {"drift.psi[price]", "drift.psi[candidate]", "drift.psi[area]"} <= names


def test_first_run_checks_only_minimums(tmp_path: Path) -> None:
    result = run(tmp_path, houses(2000, 5), columns={"label": "price", "candidate": "candidate"})
    assert result.errors == ()
    assert {m.name for m in result.metrics} == {"model.rmse", "model.mae", "model.r2"}
    assert named(result, "model.r2").threshold == 0.5


def test_a_nan_target_is_an_error(tmp_path: Path) -> None:
    holdout = houses(500, 6)
    price = holdout.column("price").to_numpy().copy()
    price[3] = np.nan
    result = run(tmp_path, holdout.set_column(2, "price", pa.array(price)))
    assert len(result.errors) == 1
    assert "target column 'price' has 1 null, NaN or infinite value(s)" in result.errors[0]


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"performance": {"roc_auc": {}}}, "cannot judge roc_auc"),
        ({"performance": {}, "columns": {**COLUMNS, "sensitive": ["sex"]}}, "fairness: {}"),
    ],
)
def test_classification_settings_are_refused_for_regression(
    settings: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        ModelConfig(**{"task": "regression", "columns": COLUMNS, **settings})
    with pytest.raises(ValidationError, match="cannot judge rmse"):
        ModelConfig(columns=COLUMNS, performance={"rmse": {}})


def test_profile_of_a_regression_reference_gives_the_raw_reference_verdict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "reference").mkdir()
    train = tmp_path / "reference" / "train.parquet"
    pq.write_table(houses(4000, 6), train, row_group_size=1500)
    profile = tmp_path / "profile.json"
    args = ["model", "profile", str(train), "-o", str(profile), "--numeric", "area,age"]
    args += ["--label", "price", "--prediction", "candidate"]
    # Without the task, a numeric target is refused as a 0/1 label.
    assert main(args) != 0
    assert not profile.exists()
    capsys.readouterr()
    assert main([*args, "--task", "regression"]) == 0
    assert "4 column(s), 4,000 rows profiled" in capsys.readouterr().out
    settings: dict[str, Any] = {"columns": {**COLUMNS, "numeric_features": ["area", "age"]}}
    holdout = houses(3000, 7)
    raw = run(tmp_path, holdout, reference=["reference/train.parquet"], **settings)
    stored = run(tmp_path, holdout, reference_profile="profile.json", **settings)
    assert raw.errors == stored.errors == ()
    assert raw.metrics == stored.metrics
    assert raw.findings == stored.findings
    assert {"drift.psi[price]", "drift.ks_statistic[candidate]", "drift.psi[age]"} <= {
        m.name for m in stored.metrics
    }
