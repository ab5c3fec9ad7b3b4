"""The Kubeflow gate component runs locally, and the example pipeline compiles as asserted."""

from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from builders.cli import declare, sqli
from mlgate.integrations.kubeflow import mlgate_gate

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "kubeflow" / "churn_pipeline.py"
POLICY = "version: 1\ngates:\n  post-train:\n    checks:\n      findings: {paths: [model]}\n"


@dataclass
class FakeArtifact:
    """What KFP hands a component: a local path, and for Metrics a log method."""

    path: str
    logged: dict[str, float] = field(default_factory=dict)

    def log_metric(self, name: str, value: float) -> None:
        self.logged[name] = value


def artifacts(tmp_path: Path, severity: str) -> tuple[FakeArtifact, ...]:
    declare(tmp_path / "trained", sqli(severity=severity))
    return (
        FakeArtifact(str(tmp_path / "trained")),
        FakeArtifact(str(tmp_path / "report.md")),
        FakeArtifact(str(tmp_path / "report.html")),
        FakeArtifact(str(tmp_path / "metrics.json")),
    )


def test_component_passes_and_logs_reports_and_metrics(tmp_path: Path) -> None:
    model, markdown, html, metrics = artifacts(tmp_path, "low")
    verdict = mlgate_gate(POLICY, "post-train", model, markdown, html, metrics)
    assert verdict == "pass"
    assert Path(markdown.path).read_text().startswith("#")
    assert "<html" in Path(html.path).read_text().lower()
    assert metrics.logged == {
        "post-train.blocking_findings": 0,
        "post-train.failed_metrics": 0,
        "post-train.check_errors": 0,
    }


def test_component_exits_non_zero_to_block(tmp_path: Path) -> None:
    model, markdown, html, metrics = artifacts(tmp_path, "high")
    with pytest.raises(SystemExit) as stopped:
        mlgate_gate(POLICY, "post-train", model, markdown, html, metrics)
    assert stopped.value.code == 1
    assert metrics.logged["post-train.blocking_findings"] == 1
    assert Path(markdown.path).is_file()  # the report exists even when the gate blocks
    assert mlgate_gate(POLICY, "post-train", model, markdown, html, metrics, False) == "block"


def example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("churn_pipeline_example", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    target = tmp_path_factory.mktemp("kfp") / "churn.yaml"
    assert example().main(["churn_pipeline.py", str(target)]) == 0
    document: dict[str, Any] = yaml.safe_load(target.read_text())
    return document


def dag(compiled: dict[str, Any], component: str) -> dict[str, Any]:
    tasks: dict[str, Any] = compiled["components"][component]["dag"]["tasks"]
    return tasks


def test_gate_runs_after_training_with_caching_off(compiled: dict[str, Any]) -> None:
    gate = dag(compiled, "comp-exit-handler-1")["mlgate-gate"]
    assert gate["cachingOptions"] == {}
    assert gate["dependentTasks"] == ["train"]
    assert gate["inputs"]["artifacts"]["model"]["taskOutputArtifact"] == {
        "outputArtifactKey": "model",
        "producerTask": "train",
    }
    assert gate["taskInfo"]["name"] == "mlgate gate"


def test_deploy_only_on_pass_and_notify_otherwise(compiled: dict[str, Any]) -> None:
    branches = dag(compiled, "comp-exit-handler-1")["condition-branches-2"]
    assert branches["dependentTasks"] == ["mlgate-gate"]
    conditions = dag(compiled, "comp-condition-branches-2")
    passed, other = conditions["condition-3"], conditions["condition-4"]
    channel = "inputs.parameter_values['pipelinechannel--mlgate-gate-Output']"
    assert passed["triggerPolicy"]["condition"] == f"{channel} == 'pass'"
    assert other["triggerPolicy"]["condition"] == f"!({channel} == 'pass')"
    assert list(dag(compiled, passed["componentRef"]["name"])) == ["deploy"]
    assert list(dag(compiled, other["componentRef"]["name"])) == ["notify"]


def test_exit_handler_always_publishes_the_report(compiled: dict[str, Any]) -> None:
    root = compiled["root"]["dag"]["tasks"]
    assert root["publish-report"]["dependentTasks"] == ["exit-handler-1"]
    assert root["publish-report"]["triggerPolicy"] == {"strategy": "ALL_UPSTREAM_TASKS_COMPLETED"}
    assert root["exit-handler-1"]["taskInfo"]["name"] == "always-publish-report"


def test_gate_component_outputs_markdown_html_and_metrics(compiled: dict[str, Any]) -> None:
    spec = compiled["components"]["comp-mlgate-gate"]
    outputs = spec["outputDefinitions"]
    assert {name: a["artifactType"]["schemaTitle"] for name, a in outputs["artifacts"].items()} == {
        "markdown_report": "system.Markdown",
        "html_report": "system.HTML",
        "metrics": "system.Metrics",
    }
    assert outputs["parameters"] == {"Output": {"parameterType": "STRING"}}
    executor = compiled["deploymentSpec"]["executors"]["exec-mlgate-gate"]["container"]
    assert executor["image"] == "python:3.11-slim"
    assert "mlgate[model]==0.1.0" in json.dumps(executor["command"])
