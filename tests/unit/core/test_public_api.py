"""The public surface is deliberate: adding or removing a name must change this test."""

from __future__ import annotations

import pytest

import mlgate
import mlgate.plugin


def test_top_level_exports() -> None:
    assert sorted(mlgate.__all__) == sorted([
        "ArtifactLocation", "Comparison", "ConfidenceInterval", "DatasetLocation", "Finding",
        "FlowStep", "GateVerdict", "Metric", "Outcome", "Severity", "SourceLocation", "Verdict",
        "__version__", "load_policy", "run",
    ])  # fmt: skip
    for name in mlgate.__all__:
        assert getattr(mlgate, name) is not None


def test_plugin_exports() -> None:
    for name in mlgate.plugin.__all__:
        assert getattr(mlgate.plugin, name) is not None
    assert "CheckConfig" in mlgate.plugin.__all__ and "fingerprint" in mlgate.plugin.__all__


def test_unknown_attribute() -> None:
    with pytest.raises(AttributeError, match="nothing"):
        getattr(mlgate, "nothing")  # noqa: B009  # the name is deliberately dynamic
