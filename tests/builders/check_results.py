"""Reading a check result in tests: one metric by name, and the names of blocking metrics."""

from __future__ import annotations

from mlgate.core.check import CheckResult
from mlgate.core.metric import Metric


def named(result: CheckResult, name: str) -> Metric:
    """The one metric of ``result`` called ``name`` (a missing or repeated name fails)."""
    (metric,) = [m for m in result.metrics if m.name == name]
    return metric


def blocking(result: CheckResult) -> list[str]:
    """Sorted names of the metrics that block; the check itself must not have errored."""
    assert result.errors == ()
    return sorted(m.name for m in result.metrics if not m.is_acceptable())
