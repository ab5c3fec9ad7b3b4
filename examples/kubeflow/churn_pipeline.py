"""Nightly churn pipeline: train -> mlgate gate -> deploy, with notify and report steps.

Compile it with ``python examples/kubeflow/churn_pipeline.py churn.yaml`` and upload the
YAML to Kubeflow Pipelines. The gate blocks the deploy by failing (``enforce=True``);
run it with ``enforce=False`` for a report-only night, where ``dsl.If`` / ``dsl.Else``
route a pass to deploy and anything else to the team's notification. The exit handler
publishes the report link however the run ends.
"""

import sys
from typing import Any

from kfp import compiler, dsl  # type: ignore[import-untyped]  # kfp ships no type information
from kfp.dsl import Model, Output  # type: ignore[import-untyped]  # same package

from mlgate.integrations.kubeflow import gate_component, gate_task

POLICY = """\
version: 1
gates:
  post-train:
    fail_on: high
    checks:
      artifacts:
        paths: [model]
      secrets:
        paths: [model]
"""

mlgate_gate = gate_component()


@dsl.component(base_image="python:3.11-slim")  # type: ignore[untyped-decorator]  # kfp is untyped
def train(model: Output[Model]) -> None:
    """Stand-in for the team's training step: writes the candidate model."""
    from pathlib import Path

    Path(model.path).mkdir(parents=True, exist_ok=True)
    (Path(model.path) / "weights.safetensors").write_bytes(b"{}")


@dsl.component(base_image="python:3.11-slim")  # type: ignore[untyped-decorator]  # kfp is untyped
def deploy(verdict: str) -> None:
    """Stand-in for the rollout: runs only after the gate passed."""
    print(f"deploying the candidate (gate verdict: {verdict})")


@dsl.component(base_image="python:3.11-slim")  # type: ignore[untyped-decorator]  # kfp is untyped
def notify(verdict: str) -> None:
    """Stand-in for the team's alert (chat, e-mail, ticket)."""
    print(f"churn model not deployed: gate verdict {verdict}")


@dsl.component(base_image="python:3.11-slim")  # type: ignore[untyped-decorator]  # kfp is untyped
def publish_report(run_name: str) -> None:
    """Always runs: points the team at the gate's Markdown/HTML artifacts of this run."""
    print(f"mlgate report for run {run_name}: see the gate step's artifacts")


@dsl.pipeline(name="churn-nightly", description="Train, gate with mlgate, deploy.")  # type: ignore[untyped-decorator]  # kfp is untyped
def churn_nightly(enforce: bool = True) -> None:
    """The nightly pipeline."""
    report = publish_report(run_name=dsl.PIPELINE_JOB_NAME_PLACEHOLDER)
    with dsl.ExitHandler(report, name="always-publish-report"):
        trained = train()
        gate: Any = gate_task(
            mlgate_gate,
            policy_yaml=POLICY,
            gate="post-train",
            model=trained.outputs["model"],
            enforce=enforce,
        )
        with dsl.If(gate.outputs["Output"] == "pass", name="gate-passed"):
            deploy(verdict=gate.outputs["Output"])
        with dsl.Else(name="gate-did-not-pass"):
            notify(verdict=gate.outputs["Output"])


def main(argv: list[str]) -> int:
    """Compile the pipeline to the YAML file named on the command line."""
    compiler.Compiler().compile(churn_nightly, argv[1] if len(argv) > 1 else "churn.yaml")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
