"""Serving costs (issue 10): peak memory in fresh processes and file size, candidate vs champion."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from builders.check_results import named
from builders.churn import FEATURES, feature_table, onnx_linear
from builders.served_models import onnx_heavy, run_serving, skops_classifier
from mlgate.checks.model.stability import memory
from mlgate.core.check import CheckResult

FAST = {"calls": 5, "repetitions": 1, "warmup": 1, "batch_rows": 64, "robustness": None}
MIB = 2**20

pytestmark = pytest.mark.skipif(not memory.supported(), reason="needs Linux /proc")


def run(root: Path, **serving: Any) -> CheckResult:
    return run_serving(root, feature_table(500, seed=1), **{**FAST, **serving})


def feeds(rows: int) -> dict[str, Any]:
    return {"features": np.random.default_rng(0).normal(size=(rows, 3)).astype(np.float32)}


def test_a_model_carrying_64_mib_more_shows_it_in_peak_memory(tmp_path: Path) -> None:
    light = onnx_linear(tmp_path / "light.onnx", [1.0, 1.0, 1.0])
    heavy = onnx_heavy(tmp_path / "heavy.onnx", megabytes=64)
    ballast = np.zeros(64 * 2**18, dtype=np.float32).nbytes  # what the extra initializer holds
    light_peak = memory.peak_memory(light, [], feeds(64), "probability")
    heavy_peak = memory.peak_memory(heavy, [], feeds(64), "probability")
    assert heavy_peak - light_peak >= ballast  # the file bytes at least, loaded once
    assert light_peak < 32 * MIB


def test_a_memory_hungry_candidate_blocks_on_the_peak_memory_ratio(tmp_path: Path) -> None:
    onnx_linear(tmp_path / "champion.onnx", [1.0, 1.0, 1.0])
    onnx_heavy(tmp_path / "heavy.onnx", megabytes=64)
    settings = {"champion_model": "champion.onnx", "features": list(FEATURES)}
    result = run(tmp_path, candidate_model="heavy.onnx", max_latency_ratio=None, **settings)
    assert result.errors == ()
    ratio = named(result, "serving.peak_memory_ratio")
    assert ratio.value > 1.5 and not ratio.is_acceptable()
    assert ratio.description is not None
    assert ratio.description.startswith(
        "peak resident memory to load the model and score 64 rows, each in a fresh process"
    )
    size = named(result, "serving.file_size_ratio")
    sizes = [(tmp_path / n).stat().st_size for n in ("heavy.onnx", "champion.onnx")]
    assert size.value == sizes[0] / sizes[1]
    assert size.is_acceptable()  # no file-size limit unless the policy sets one
    limited = run(
        tmp_path, candidate_model="heavy.onnx", max_latency_ratio=None, max_memory_ratio=None,
        max_file_size_ratio=2.0, **settings,
    )  # fmt: skip
    assert [m.name for m in limited.metrics if not m.is_acceptable()] == ["serving.file_size_ratio"]


def test_skops_models_are_measured_through_the_same_allowlist(tmp_path: Path) -> None:
    skops_classifier(tmp_path / "a.skops")
    skops_classifier(tmp_path / "b.skops")
    result = run(
        tmp_path, candidate_model="a.skops", champion_model="b.skops", features=list(FEATURES),
        max_latency_ratio=None,
    )  # fmt: skip
    assert result.errors == ()
    assert named(result, "serving.file_size_ratio").value == 1.0
    assert 0.5 < named(result, "serving.peak_memory_ratio").value < 2.0
    skops_classifier(tmp_path / "gb.skops", "boosting")
    refused = run(
        tmp_path, candidate_model="a.skops", champion_model="gb.skops", features=list(FEATURES)
    )
    assert len(refused.errors) == 1
    assert refused.errors[0].startswith("gb.skops: refused to load")
