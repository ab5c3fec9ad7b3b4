"""The gate's Metrics artifact for Kubeflow Pipelines, shared by both component forms.

The lightweight component logs :func:`gate_metrics` through KFP's ``Metrics`` artifact.
The container component has no KFP SDK in its image, so it writes the same values the
way KFP's own Python executor does: as the Metrics artifact's metadata in the executor
output file named by the executor input (``{{$}}``), which the KFP launcher records
and the UI shows. This module imports no ``kfp``: it runs inside the mlgate image as
``python3 -m mlgate.integrations.kfp_outputs EXECUTOR_INPUT VERDICT_JSON``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mlgate.core.errors import InputError
from mlgate.core.verdict import Verdict
from mlgate.reporters.json import load_verdict
from mlgate.reporters.summary import tally_gate

METRICS_OUTPUT = "metrics"
USAGE = "mlgate.integrations.kfp_outputs EXECUTOR_INPUT VERDICT_JSON"


def gate_metrics(verdict: Verdict) -> dict[str, float]:
    """Per gate: blocking findings, failed metrics, check errors, and every measured metric."""
    values: dict[str, float] = {}
    for judged in verdict.gates:
        tally = tally_gate(judged)
        values[f"{judged.name}.blocking_findings"] = tally.blocking
        values[f"{judged.name}.failed_metrics"] = tally.failed_metrics
        values[f"{judged.name}.check_errors"] = tally.errors
        for check in judged.checks:
            for measured in check.metrics:
                values[f"{judged.name}.{measured.metric.name}"] = measured.metric.value
    return values


def _metrics_artifact(executor_input: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The runtime Metrics artifact (name, uri) and the executor output file's path."""
    outputs = executor_input.get("outputs")
    if not isinstance(outputs, dict) or not isinstance(outputs.get("outputFile"), str):
        raise InputError("executor input names no outputs.outputFile")
    artifacts = outputs.get("artifacts")
    entry = artifacts.get(METRICS_OUTPUT) if isinstance(artifacts, dict) else None
    runtime = entry.get("artifacts") if isinstance(entry, dict) else None
    if not isinstance(runtime, list) or not runtime or not isinstance(runtime[0], dict):
        raise InputError(f"executor input has no {METRICS_OUTPUT!r} output artifact")
    return runtime[0], outputs["outputFile"]


def write_executor_output(executor_input: str, verdict: Verdict) -> Path:
    """Write the Metrics artifact's metadata to the executor output file; return its path."""
    try:
        document = json.loads(executor_input)
    except ValueError as error:
        raise InputError(f"executor input is not JSON ({error})") from None
    if not isinstance(document, dict):
        raise InputError("executor input is not a JSON object")
    artifact, output_file = _metrics_artifact(document)
    runtime = {
        "name": artifact.get("name", ""),
        "uri": artifact.get("uri", ""),
        "metadata": gate_metrics(verdict),
    }
    destination = Path(output_file)
    destination.parent.mkdir(parents=True, exist_ok=True)
    destination.write_text(
        json.dumps({"artifacts": {METRICS_OUTPUT: {"artifacts": [runtime]}}}), encoding="utf-8"
    )
    return destination


def main(argv: Sequence[str]) -> int:
    """``EXECUTOR_INPUT VERDICT_JSON``: write the metrics; 2 with one line on bad input."""
    if len(argv) != len(("EXECUTOR_INPUT", "VERDICT_JSON")):
        sys.stderr.write(f"usage: python3 -m {USAGE}\n")
        return 2
    try:
        verdict = load_verdict(Path(argv[1]).read_bytes())
        write_executor_output(argv[0], verdict)
    except (OSError, InputError) as error:
        sys.stderr.write(f"mlgate: error: {error}\n")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
