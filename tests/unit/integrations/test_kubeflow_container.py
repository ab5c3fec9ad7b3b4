"""The container form of the Kubeflow gate: compiled structure, and its script run locally.

No ``from __future__ import annotations``: KFP reads component annotations at runtime.
"""

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
from mlgate.integrations.kubeflow import (
    CONTAINER_SCRIPT,
    MLGATE_IMAGE,
    gate_container_component,
    gate_task,
)

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
        ],
    }
    task = compiled["root"]["dag"]["tasks"]["mlgate-gate-container"]
    assert (task["cachingOptions"], task["dependentTasks"]) == ({}, ["make-model"])
    outputs = compiled["components"]["comp-mlgate-gate-container"]["outputDefinitions"]
    assert {name: a["artifactType"]["schemaTitle"] for name, a in outputs["artifacts"].items()} == {
        "markdown_report": "system.Markdown",
        "html_report": "system.HTML",
    }
    assert outputs["parameters"] == {"verdict": {"parameterType": "STRING"}}


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
         str(tmp_path / "trained"), *map(str, paths), enforce],
        cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert paths[0].read_text().startswith("# mlgate verdict")
    assert "<html" in paths[1].read_text().lower()
    return done.returncode, paths[2].read_text()


def test_container_script_passes_blocks_and_reports(tmp_path: Path) -> None:
    assert run_script(tmp_path / "pass", "low", "true") == (0, "pass")
    assert run_script(tmp_path / "block", "high", "true") == (1, "block")
    assert run_script(tmp_path / "warn", "high", "false") == (0, "block")
