"""JSON carries every number: the champion's value and the smallest detectable change."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from sklearn import metrics as skm

from builders.churn import churn_table, write_parquet
from builders.report_schemas import validate_verdict_json
from builders.verdicts import realistic_verdict
from mlgate.checks.model import ModelCheck, ModelConfig
from mlgate.checks.model.config import PerformanceMetric
from mlgate.checks.model.performance import LABELS
from mlgate.core.check import CheckContext, CheckResult
from mlgate.core.verdict import JudgedMetric
from mlgate.reporters.json import JsonReporter

COLUMNS: dict[str, Any] = {
    "label": "churn",
    "candidate": "candidate_score",
    "champion": "champion_score",
}
PERFORMANCE: dict[str, Any] = {
    "roc_auc": {"max_drop": 0.01},
    "f1": {"max_drop": 0.02},
    "log_loss": {"max_relative_drop": 0.05},
    "average_precision": {"minimum": 0.2},
}


def run(root: Path) -> CheckResult:
    table = churn_table(rows=5000, seed=11, candidate="regressed")
    write_parquet(table, root / "data" / "holdout.parquet")
    config = ModelConfig(paths=["data"], columns=COLUMNS, performance=PERFORMANCE, fairness={})
    return ModelCheck().run(
        CheckContext(root=root, gate="post-train", today=date(2026, 1, 1)), config
    )


def test_champion_values_and_detectable_changes_are_metrics(tmp_path: Path) -> None:
    result = run(tmp_path)
    assert result.errors == ()
    by_name = {m.name: m for m in result.metrics}
    table = churn_table(rows=5000, seed=11, candidate="regressed")
    labels, champion = table.column("churn").to_numpy(), table.column("champion_score").to_numpy()
    auc = skm.roc_auc_score(labels, champion)
    ap = skm.average_precision_score(labels, champion)
    assert abs(by_name["model.roc_auc.champion"].value - auc) < 1e-12
    assert abs(by_name["model.average_precision.champion"].value - ap) < 1e-12
    for metric in ("roc_auc", "f1", "log_loss", "average_precision"):
        change = by_name[f"model.{metric}.change"]
        before = by_name[f"model.{metric}.champion"]
        detectable = by_name[f"model.{metric}.detectable_change"]
        # Context only: neither can block, and both agree with the change's own numbers.
        assert before.threshold is None and detectable.threshold is None
        assert abs(by_name[f"model.{metric}"].value - before.value - change.value) < 1e-12
        assert detectable.value > 0 and detectable.n == change.n == 5000
        assert (change.description or "").startswith(LABELS[PerformanceMetric(metric)])


def test_the_verdict_with_context_metrics_validates(tmp_path: Path) -> None:
    result = run(tmp_path)
    base = realistic_verdict()
    judged = tuple(JudgedMetric(metric=m, acceptable=m.is_acceptable()) for m in result.metrics)
    model = replace(base.gates[1].checks[0], metrics=judged)
    verdict = replace(base, gates=(base.gates[0], replace(base.gates[1], checks=(model,))))
    document = validate_verdict_json(JsonReporter().render(verdict))
    names = {m["metric"]["name"] for m in document["gates"][1]["checks"][0]["metrics"]}
    assert {"model.roc_auc.champion", "model.roc_auc.detectable_change"} <= names
