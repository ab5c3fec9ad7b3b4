"""mlgate: security and quality gates for ML delivery pipelines.

The public API is small and locked by a test: run a policy's gates and get a
:class:`Verdict`, or build findings in a check of your own (see :mod:`mlgate.plugin`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mlgate.core.finding import (
    ArtifactLocation,
    DatasetLocation,
    Finding,
    FlowStep,
    Severity,
    SourceLocation,
)
from mlgate.core.metric import Comparison, ConfidenceInterval, Metric
from mlgate.core.verdict import GateVerdict, Outcome, Verdict

if TYPE_CHECKING:
    from mlgate.api import load_policy, run

__version__ = "0.1.0"

__all__ = [
    "ArtifactLocation",
    "Comparison",
    "ConfidenceInterval",
    "DatasetLocation",
    "Finding",
    "FlowStep",
    "GateVerdict",
    "Metric",
    "Outcome",
    "Severity",
    "SourceLocation",
    "Verdict",
    "__version__",
    "load_policy",
    "run",
]


def __getattr__(name: str) -> Any:
    # run() pulls in pydantic and the runner; importing them lazily keeps
    # `mlgate --version` and `import mlgate` instant.
    if name in ("run", "load_policy"):
        from mlgate import api

        return getattr(api, name)
    raise AttributeError(f"module 'mlgate' has no attribute {name!r}")
