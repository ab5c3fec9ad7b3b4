"""Serving readiness (issue 10): ONNX contract, robustness and latency on skl2onnx models."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from builders.check_results import blocking, named
from builders.churn import FEATURES, feature_table, onnx_linear, onnx_logistic, write_parquet
from builders.served_models import SERVING_COLUMNS, run_serving
from mlgate.checks.model import ModelConfig
from mlgate.checks.model.config import Serving
from mlgate.checks.model.stability.latency import PERCENTILES, latency_metrics, measure
from mlgate.checks.model.stability.onnx_model import OnnxModel, positive_scores
from mlgate.core.check import CheckResult


def run(root: Path, **serving: Any) -> CheckResult:
    return run_serving(root, feature_table(4000, seed=1), **serving)


def test_scores_equal_scikit_learn_and_the_noise_is_seeded(tmp_path: Path) -> None:
    path = onnx_logistic(tmp_path / "m.onnx", [1.0, -0.5, 0.25])
    model = OnnxModel.load(path)
    table = feature_table(50, seed=2)
    x = np.column_stack([table.column(c).to_numpy() for c in FEATURES]).astype(np.float32)
    raw = model.run({"features": x}, "probabilities")
    expected = 1 / (1 + np.exp(-(x.astype(np.float64) @ np.array([1.0, -0.5, 0.25]))))
    assert positive_scores(raw) == pytest.approx(expected, abs=1e-6)  # float32 inference
    first = run(tmp_path / "a", candidate_model="../m.onnx", features=list(FEATURES))
    second = run(tmp_path / "b", candidate_model="../m.onnx", features=list(FEATURES))
    assert [m.value for m in first.metrics] == [m.value for m in second.metrics]


def test_a_model_leaning_on_a_noisy_feature_fails_while_a_robust_one_passes(
    tmp_path: Path,
) -> None:
    onnx_logistic(tmp_path / "fragile.onnx", [0.0, 0.0, 20.0])
    onnx_logistic(tmp_path / "robust.onnx", [1.0, 1.0, 1.0])
    robustness = {"perturbations": ["noise"], "noise_fraction": 0.25, "max_flip_rate": 0.08}
    settings = {"features": list(FEATURES), "robustness": robustness}
    fragile = run(tmp_path, candidate_model="fragile.onnx", **settings)
    assert blocking(fragile) == ["robustness.noise[x3].flip_rate"]
    metric = named(fragile, "robustness.noise[x3].flip_rate")
    assert metric.description is not None
    assert metric.description.startswith("Noise on 'x3' changes the decision for ")
    robust = run(tmp_path, candidate_model="robust.onnx", **settings)
    assert blocking(robust) == []
    assert len([m for m in robust.metrics if m.name.startswith("robustness.")]) == 6


def test_missing_values_without_an_imputer_are_a_robustness_finding(tmp_path: Path) -> None:
    onnx_logistic(tmp_path / "raw.onnx", [1.0, 1.0, 1.0], imputer=False)
    result = run(
        tmp_path,
        candidate_model="raw.onnx",
        features=list(FEATURES),
        robustness={"perturbations": ["missing"], "missing_share": 0.1},
    )
    assert result.errors == ()
    assert sorted({f.rule_id for f in result.findings}) == ["MODEL004"]
    assert [f.location.column for f in result.findings] == list(FEATURES)  # type: ignore[union-attr]
    assert not [m for m in result.metrics if m.name.startswith("robustness.")]


def test_a_renamed_input_breaks_the_contract_and_names_the_nearest_column(tmp_path: Path) -> None:
    onnx_logistic(tmp_path / "renamed.onnx", [1.0, 1.0, 1.0], inputs=("x1", "x2", "x3_new"))
    result = run(tmp_path, candidate_model="renamed.onnx")
    assert result.errors == ()
    (finding,) = result.findings
    assert (finding.rule_id, finding.severity.name) == ("MODEL003", "HIGH")
    assert finding.message == (
        "renamed.onnx: model input 'x3_new' has no holdout column "
        "(did the column get renamed? nearest: 'x3')"
    )
    assert [s.reason for s in result.skipped][-1].startswith("robustness and latency not measured")


def test_per_column_inputs_and_wrong_width_are_checked(tmp_path: Path) -> None:
    onnx_logistic(tmp_path / "cols.onnx", [1.0, 1.0, 1.0], inputs=FEATURES)
    fine = run(tmp_path, candidate_model="cols.onnx", robustness=None)
    assert fine.findings == () and fine.errors == ()
    onnx_logistic(tmp_path / "wide.onnx", [1.0, 1.0, 1.0])
    narrow = run(tmp_path, candidate_model="wide.onnx", features=["x1", "x2"])
    assert [f.message for f in narrow.findings] == [
        "wide.onnx: model input 'features' takes 3 column(s) but 2 are fed"
    ]


def test_an_unreadable_model_is_an_error_not_a_pass(tmp_path: Path) -> None:
    (tmp_path / "broken.onnx").write_bytes(b"not a protobuf")
    result = run(tmp_path, candidate_model="broken.onnx")
    assert len(result.errors) == 1
    assert result.errors[0].startswith("broken.onnx: cannot load the ONNX model")
    assert run(tmp_path, candidate_model="absent.onnx").errors == (
        "ONNX model not found: absent.onnx",
    )


def test_an_artificially_slow_model_blocks_on_latency_ratio(tmp_path: Path) -> None:
    onnx_linear(tmp_path / "champion.onnx", [1.0, 1.0, 1.0])
    onnx_linear(tmp_path / "slow.onnx", [1.0, 1.0, 1.0], extra_layers=40)
    onnx_linear(tmp_path / "same.onnx", [1.0, 1.0, 1.0], extra_layers=0)
    timing = {"calls": 10, "repetitions": 3, "batch_rows": 16, "robustness": None}
    timing |= {"measure_memory": False}  # measured in test_stability_costs
    settings = {"champion_model": "champion.onnx", "features": list(FEATURES), **timing}
    slow = run(tmp_path, candidate_model="slow.onnx", latency_percentile="p50", **settings)
    assert blocking(slow) == [
        "serving.latency_ratio[p50,batch=16]",
        "serving.latency_ratio[p50,batch=1]",
    ]
    assert named(slow, "serving.latency_ratio[p50,batch=16]").value > 5
    same = run(tmp_path, candidate_model="same.onnx", max_latency_ratio=3.0, **settings)
    assert blocking(same) == []
    assert named(same, "serving.file_size_ratio").value == 1.0


class FakeClock:
    """Time that moves only when a fake model call says so."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def model(self, durations: list[float]) -> Callable[[], object]:
        calls = iter(durations * 100)

        def call() -> object:
            self.now += next(calls)
            return None

        return call


def test_latency_ratios_are_medians_of_numpy_percentiles_with_warmup_excluded() -> None:
    clock = FakeClock()
    rules = Serving(candidate_model="c.onnx", calls=10, warmup=2, repetitions=3)
    candidate = [float(d) for d in range(1, 13)]  # 12 per repetition: 2 warm-up, 10 timed
    found = measure((clock.model(candidate), clock.model([2.0] * 12)), 1, rules, clock)
    expected = np.percentile(np.arange(3, 13, dtype=np.float64), list(PERCENTILES.values()))
    assert found.candidate.tolist() == expected.tolist()
    assert found.champion.tolist() == [2.0, 2.0, 2.0]
    metrics = {m.name: m for m in latency_metrics([found], rules)}
    p99 = metrics["serving.latency_ratio[p99,batch=1]"]
    assert (p99.value, p99.threshold) == (expected[2] / 2, 1.2)
    assert not p99.is_acceptable()
    assert metrics["serving.latency_ratio[p50,batch=1]"].threshold is None
    assert metrics["serving.throughput_ratio[batch=1]"].value == 2.0 / expected[0]


def test_onnx_serving_runs_inside_the_runners_isolated_process(tmp_path: Path) -> None:
    # The runner gives each check its own process and a 4 GiB address-space budget;
    # onnxruntime must load and infer under it exactly as in-process.
    from mlgate.core.gate import PlannedCheck
    from mlgate.core.runner import ExecutionOptions, Task, execute

    onnx_logistic(tmp_path / "m.onnx", [1.0, -0.5, 0.25])
    write_parquet(feature_table(2000, seed=1), tmp_path / "data" / "holdout.parquet")
    config = ModelConfig(
        paths=["data"],
        columns=SERVING_COLUMNS,
        stability={"decisions": None, "calibration": None, "serving": {
            "candidate_model": "m.onnx", "features": list(FEATURES),
        }},
    )  # fmt: skip
    check = PlannedCheck(check_id="model", target="mlgate.checks.model:ModelCheck", config=config)
    options = ExecutionOptions(root=str(tmp_path), today="2026-01-01", jobs=1)
    (outcome,) = execute([Task(gate="pre-deploy", check=check)], options)
    assert outcome.result.errors == ()
    assert any(m.name.startswith("robustness.") for m in outcome.result.metrics)
