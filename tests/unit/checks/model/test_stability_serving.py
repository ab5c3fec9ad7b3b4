"""Serving readiness (issue 10): ONNX contract, robustness and latency on skl2onnx models."""

from __future__ import annotations

import shutil
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
from mlgate.checks.model.reader import ModelInputError
from mlgate.checks.model.stability.latency import (
    PERCENTILES,
    block_indices,
    calls_needed,
    latency_metric,
    latency_metrics,
    measure,
    measure_confirmed,
    timed_pairs,
)
from mlgate.checks.model.stability.onnx_model import OnnxModel, positive_scores
from mlgate.core.check import CheckResult

COLUMNS = {"label": "churn", "candidate": "candidate_score"}


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
    """Time that moves only when a fake model call says so; it logs which model ran."""

    def __init__(self) -> None:
        self.now = 0.0
        self.log: list[str] = []

    def __call__(self) -> float:
        return self.now

    def model(self, name: str, durations: list[float]) -> Callable[[], object]:
        calls = iter(durations)

        def call() -> object:
            self.log.append(name)
            self.now += next(calls)
            return None

        return call


def test_calls_are_interleaved_and_ratios_are_numpy_percentiles_with_warmup_excluded() -> None:
    clock = FakeClock()
    rules = Serving(
        candidate_model="c.onnx",
        calls=10,
        warmup=2,
        repetitions=3,
        max_latency_ratio=None,
        max_latency_seconds=1e9,  # fake seconds: the warm-up calls take 1,000 each
    )
    timed = [float(d) for d in range(1, 11)]
    candidate = clock.model("c", [1000.0, 1000.0, *timed] * 3)  # warm-up calls are slow
    champion = clock.model("k", [1000.0, 1000.0, *[2.0] * 10] * 3)
    found = measure(
        (candidate, champion), 1, rules, clock, ModelConfig(paths=["d"], columns=COLUMNS)
    )
    pairs = [("c", "k") if row % 2 == 0 else ("k", "c") for row in range(30)]
    rounds = [
        ["c", "k"] * 2 + [c for p in pairs[r * 10 : r * 10 + 10] for c in p] for r in range(3)
    ]
    expected_log = [call for calls in rounds for call in calls]
    assert clock.log == expected_log
    expected = np.percentile(np.array(timed * 3), list(PERCENTILES.values()))
    assert found.candidate.tolist() == expected.tolist()
    assert found.champion.tolist() == [2.0, 2.0, 2.0]
    assert found.pairs == 30
    metrics = {m.name: m for m in latency_metrics([found], rules)}
    for index, name in enumerate(PERCENTILES):
        metric = metrics[f"serving.latency_ratio[{name},batch=1]"]
        assert metric.value == expected[index] / 2
        assert metric.ci is not None and metric.ci.low <= metric.value <= metric.ci.high
        assert (metric.threshold, metric.null_value, metric.decide_on) == (None, 1.0, "ci_low")
    assert metrics["serving.throughput_ratio[batch=1]"].value == 2.0 / expected[0]


def test_the_interval_gates_a_real_slowdown_and_not_a_matching_spread() -> None:
    rng = np.random.default_rng(4)
    rules = Serving(candidate_model="c.onnx", calls=20, warmup=0, latency_percentile="p95")
    config = ModelConfig(paths=["d"], columns=COLUMNS)
    assert timed_pairs(rules) == (5, 40)  # 20 x 5 calls raised to 200 for p95
    base = rng.lognormal(-9.0, 0.5, size=200).tolist()
    clock = FakeClock()
    double = measure(
        (clock.model("c", [2 * d for d in base]), clock.model("k", base)), 1, rules, clock, config
    )
    slow = latency_metric(double, "p95", rules)
    assert slow.ci is not None and slow.ci.low == pytest.approx(2.0)  # every pair is 2x slower
    assert slow.ci.high == pytest.approx(2.0) and not slow.is_acceptable()
    clock = FakeClock()
    twin = rng.permutation(np.array(base)).tolist()  # the same spread, other order
    same = latency_metric(
        measure((clock.model("c", twin), clock.model("k", base)), 1, rules, clock, config),
        "p95",
        rules,
    )
    assert same.ci is not None and same.ci.low < 1.0 < same.ci.high
    assert same.value == pytest.approx(1.0) and same.is_acceptable()


def test_a_block_is_confirmed_by_a_second_measurement() -> None:
    rules = Serving(candidate_model="c.onnx", calls=20, warmup=0, latency_percentile="p95")
    config = ModelConfig(paths=["d"], columns=COLUMNS)
    base = np.random.default_rng(5).lognormal(-9.0, 0.5, size=200).tolist()
    burst = [2 * d for d in base]
    clock = FakeClock()  # slow once (a burst of load), then like the champion
    once = measure_confirmed(
        (clock.model("c", burst + base), clock.model("k", base + base)), 1, rules, clock, config
    )
    passed = latency_metric(once, "p95", rules)
    assert once.measurements == 2 and passed.is_acceptable()
    assert passed.value == pytest.approx(1.0)
    assert passed.description is not None
    assert "; the milder of 2 measurements; blocks when" in passed.description
    clock = FakeClock()  # slow both times: a real slowdown
    twice = measure_confirmed(
        (clock.model("c", burst + burst), clock.model("k", base + base)), 1, rules, clock, config
    )
    assert not latency_metric(twice, "p95", rules).is_acceptable()
    clock = FakeClock()  # a first measurement that passes is not repeated
    fine = measure_confirmed(
        (clock.model("c", base), clock.model("k", base)), 1, rules, clock, config
    )
    assert fine.measurements == 1 and len(clock.log) == 400


def test_enough_calls_are_derived_for_the_gated_percentile() -> None:
    assert [calls_needed(p) for p in PERCENTILES] == [20, 200, 1000]
    assert timed_pairs(Serving(candidate_model="c.onnx")) == (5, 200)  # p99: 1,000 pairs
    ungated = Serving(candidate_model="c.onnx", max_latency_ratio=None)
    assert timed_pairs(ungated) == (5, 50)  # nothing gated: the calls as configured
    many = Serving(candidate_model="c.onnx", calls=300, repetitions=4, latency_percentile="p50")
    assert timed_pairs(many) == (4, 300)


def test_a_measurement_over_its_time_budget_is_an_error_not_a_guess(tmp_path: Path) -> None:
    rules = Serving(candidate_model="c.onnx", warmup=0, max_latency_seconds=100.0)
    config = ModelConfig(paths=["d"], columns=COLUMNS)
    clock = FakeClock()  # 1 s per call: 1,000 pairs of p99 would take 2,000 s
    with pytest.raises(
        ModelInputError, match=r"1,000 call pairs per model would take about 2,000 s"
    ):
        measure(
            (clock.model("c", [1.0] * 400), clock.model("k", [1.0] * 400)), 1, rules, clock, config
        )
    assert len(clock.log) == 102  # stopped once past 100 s, at the 51st pair
    rules = Serving(candidate_model="c.onnx", warmup=0, max_latency_seconds=1000.0)
    clock = FakeClock()
    with pytest.raises(ModelInputError, match=r"would take about 2,000 s, over .* \(1000 s\)"):
        measure(
            (clock.model("c", [1.0] * 400), clock.model("k", [1.0] * 400)), 1, rules, clock, config
        )
    assert len(clock.log) == 400  # the first round of 200 pairs showed the rest would not fit
    onnx_linear(tmp_path / "champion.onnx", [1.0, 1.0, 1.0])
    settings: dict[str, Any] = {"champion_model": "champion.onnx", "features": list(FEATURES)}
    settings |= {"robustness": None, "measure_memory": False, "max_latency_seconds": 1e-4}
    result = run(tmp_path, candidate_model="champion.onnx", **settings)
    assert len(result.errors) == 1
    assert result.errors[0].startswith("latency not measured: 1,000 call pairs per model")


def test_circular_blocks_are_consecutive_pairs() -> None:
    rows = 30
    indices = block_indices(rows, 7, np.random.default_rng(0))
    assert indices.shape == (7, rows)
    length = 4  # ceil(30 ** (1/3))
    for row in indices:
        for start in range(0, rows, length):
            block = row[start : start + length]
            assert ((block - block[0]) % rows).tolist() == list(range(block.size))


def test_identical_models_pass_the_default_latency_gate_repeatedly(tmp_path: Path) -> None:
    onnx_linear(tmp_path / "champion.onnx", [1.0, 1.0, 1.0])
    shutil.copy(tmp_path / "champion.onnx", tmp_path / "copy.onnx")
    table = feature_table(500, seed=1)
    settings: dict[str, Any] = {"champion_model": "champion.onnx", "features": list(FEATURES)}
    settings |= {"robustness": None, "measure_memory": False}  # latency alone, defaults
    for _ in range(10):
        result = run_serving(tmp_path, table, candidate_model="copy.onnx", **settings)
        assert result.errors == ()
        assert blocking(result) == []
        gated = named(result, "serving.latency_ratio[p99,batch=1]")
        assert (gated.threshold, gated.n) == (1.2, 1000)


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
