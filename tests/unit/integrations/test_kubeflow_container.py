"""The container form of the Kubeflow gate: compiled structure, and its script run locally.

No ``from __future__ import annotations``: KFP reads component annotations at runtime.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from kfp import compiler, dsl  # type: ignore[import-untyped]  # kfp ships no type information
from kfp.dsl import Model, Output  # type: ignore[import-untyped]  # same package

from builders.cli import declare, sqli
from builders.verdicts import passing_verdict
from mlgate.integrations import kfp_outputs
from mlgate.integrations.kubeflow import (
    CONTAINER_SCRIPT,
    MLGATE_IMAGE,
    gate_container_component,
    gate_task,
)
from mlgate.reporters.json import JsonReporter

REPO = Path(__file__).resolve().parents[3]
POLICY = "version: 1\ngates:\n  post-train:\n    checks:\n      findings: {paths: [model]}\n"
container_gate = gate_container_component()


@dsl.component(base_image="python:3.11-slim")  # type: ignore[untyped-decorator]  # kfp is untyped
def make_model(model: Output[Model]) -> None:
    """Writes a candidate model."""
    from pathlib import Path

    Path(model.path).write_bytes(b"{}")


@dsl.pipeline(name="container-gate")  # type: ignore[untyped-decorator]  # kfp is untyped
def container_pipeline() -> None:
    """Train, then the container gate."""
    trained = make_model()
    gate_task(container_gate, policy_yaml=POLICY, gate="post-train", model=trained.outputs["model"])


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    target = tmp_path_factory.mktemp("kfp") / "container.yaml"
    compiler.Compiler().compile(container_pipeline, str(target))
    document: dict[str, Any] = yaml.safe_load(target.read_text())
    return document


def test_container_form_runs_the_mlgate_image_with_caching_off(compiled: dict[str, Any]) -> None:
    executor = compiled["deploymentSpec"]["executors"]["exec-mlgate-gate-container"]
    assert executor["container"] == {
        "image": MLGATE_IMAGE,
        "command": ["sh", "-c", CONTAINER_SCRIPT, "mlgate-gate"],
        "args": [
            "{{$.inputs.parameters['policy_yaml']}}",
            "{{$.inputs.parameters['gate']}}",
            "{{$.inputs.artifacts['model'].path}}",
            "{{$.outputs.artifacts['markdown_report'].path}}",
            "{{$.outputs.artifacts['html_report'].path}}",
            "{{$.outputs.parameters['verdict'].output_file}}",
            "{{$.inputs.parameters['enforce']}}",
            "{{$}}",  # the executor input: its outputFile receives the Metrics
        ],
    }
    task = compiled["root"]["dag"]["tasks"]["mlgate-gate-container"]
    assert (task["cachingOptions"], task["dependentTasks"]) == ({}, ["make-model"])
    outputs = compiled["components"]["comp-mlgate-gate-container"]["outputDefinitions"]
    assert {name: a["artifactType"]["schemaTitle"] for name, a in outputs["artifacts"].items()} == {
        "markdown_report": "system.Markdown",
        "html_report": "system.HTML",
        "metrics": "system.Metrics",
    }
    assert outputs["parameters"] == {"verdict": {"parameterType": "STRING"}}


def executor_input(out: Path) -> str:
    """The ``{{$}}`` KFP hands the pod, reduced to the outputs the script reads."""
    metrics = {
        "artifacts": [{
            "name": "projects/p/locations/l/metadataStores/default/artifacts/42",
            "type": {"schemaTitle": "system.Metrics", "schemaVersion": "0.0.1"},
            "uri": "minio://mlpipeline/v2/artifacts/churn/run/mlgate-gate-container/metrics",
            "metadata": {},
        }]
    }  # fmt: skip
    return json.dumps({
        "inputs": {"parameterValues": {"gate": "post-train", "enforce": True}},
        "outputs": {
            "artifacts": {"metrics": metrics},
            "parameters": {"verdict": {"outputFile": str(out / "verdict")}},
            "outputFile": str(out / "kfp" / "executor_output.json"),
        },
    })  # fmt: skip


def run_script(tmp_path: Path, severity: str, enforce: str) -> tuple[int, str]:
    """Run the container's command as the pod would, with this checkout's mlgate."""
    declare(tmp_path / "trained", sqli(severity=severity))
    out = tmp_path / "outputs"
    paths = [out / "md" / "report.md", out / "html" / "report.html", out / "verdict"]
    environment = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONPATH": os.pathsep.join(str(REPO / p) for p in ("tests/plugins", "tests", "src")),
    }
    environment.pop("GITHUB_ACTIONS", None)
    done = subprocess.run(
        ["sh", "-c", CONTAINER_SCRIPT, "mlgate-gate", POLICY, "post-train",
         str(tmp_path / "trained"), *map(str, paths), enforce, executor_input(out)],
        cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert paths[0].read_text().startswith("# mlgate verdict")
    assert "<html" in paths[1].read_text().lower()
    return done.returncode, paths[2].read_text()


def logged_metrics(tmp_path: Path) -> Any:
    """What the KFP launcher would record for the Metrics artifact."""
    output = json.loads((tmp_path / "outputs" / "kfp" / "executor_output.json").read_text())
    (artifact,) = output["artifacts"]["metrics"]["artifacts"]
    assert artifact["uri"].endswith("/mlgate-gate-container/metrics")
    return artifact["metadata"]


def test_container_script_passes_blocks_and_reports(tmp_path: Path) -> None:
    assert run_script(tmp_path / "pass", "low", "true") == (0, "pass")
    assert run_script(tmp_path / "block", "high", "true") == (1, "block")
    assert run_script(tmp_path / "warn", "high", "false") == (0, "block")
    # The same Metrics as the lightweight form logs (test_kubeflow_pipeline.py).
    assert logged_metrics(tmp_path / "pass") == {
        "post-train.blocking_findings": 0,
        "post-train.failed_metrics": 0,
        "post-train.check_errors": 0,
    }
    assert logged_metrics(tmp_path / "block")["post-train.blocking_findings"] == 1


def test_metrics_writer_refuses_an_executor_input_without_the_artifact(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    verdict = tmp_path / "verdict.json"
    verdict.write_bytes(JsonReporter().render(passing_verdict()))
    no_metrics = json.dumps({"outputs": {"outputFile": str(tmp_path / "out.json")}})
    assert kfp_outputs.main([no_metrics, str(verdict)]) == 2
    assert kfp_outputs.main(["[]", str(verdict)]) == 2
    assert kfp_outputs.main([executor_input(tmp_path), str(tmp_path / "none.json")]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "mlgate: error: executor input has no 'metrics' output artifact",
        "mlgate: error: executor input is not a JSON object",
        f"mlgate: error: [Errno 2] No such file or directory: '{tmp_path / 'none.json'}'",
    ]
    assert not (tmp_path / "out.json").exists()
