"""A Kubeflow Pipelines v2 gate component: runs a gate, logs its reports, exits non-zero to block.

Needs the ``kubeflow`` extra (``pip install 'mlgate[kubeflow]'``, which brings ``kfp``).
The component is a lightweight Python component: KFP copies :func:`mlgate_gate`'s source
into the pod and runs it there, so its body imports everything it uses. In the pod it
calls the library (``mlgate.run``), never the CLI, and writes three output artifacts the
KFP UI renders: a Markdown and an HTML report and a Metrics table.

Use :func:`gate_task` rather than calling the component directly: it turns caching off,
because a cached pass of yesterday's gate says nothing about today's model.

This module deliberately has no ``from __future__ import annotations``: KFP reads the
component's parameter annotations (``Input[Model]``, ``Output[Markdown]``) at runtime.
"""

from typing import Any

from kfp import dsl  # type: ignore[import-untyped]  # kfp ships no type information
from kfp.dsl import (  # type: ignore[import-untyped]  # same package
    HTML,
    Input,
    Markdown,
    Metrics,
    Model,
    Output,
)

# The image and package the pod installs; pin both, like any dependency of a pipeline.
BASE_IMAGE = "python:3.11-slim"
MLGATE_PACKAGE = "mlgate[model]==0.1.0"


def mlgate_gate(  # noqa: PLR0913  # a KFP component's parameters are its interface
    policy_yaml: str,
    gate: str,
    model: Input[Model],
    markdown_report: Output[Markdown],
    html_report: Output[HTML],
    metrics: Output[Metrics],
    enforce: bool = True,
) -> str:
    """Run ``gate`` of the policy over the model; return the verdict, exit 1 when enforced.

    The policy text is written next to a copy of the model artifact (as ``model/``), so
    policy paths such as ``paths: [model]`` work unchanged inside the pod.
    """
    import shutil
    import sys
    import tempfile
    from pathlib import Path

    import mlgate
    from mlgate.reporters.html import HtmlReporter
    from mlgate.reporters.markdown import MarkdownReporter
    from mlgate.reporters.summary import tally_gate

    workdir = Path(tempfile.mkdtemp(prefix="mlgate-"))
    source = Path(model.path)
    if source.is_dir():
        shutil.copytree(source, workdir / "model")
    else:
        (workdir / "model").mkdir()
        shutil.copy2(source, workdir / "model" / source.name)
    (workdir / "mlgate.yaml").write_text(policy_yaml)
    verdict = mlgate.run(workdir / "mlgate.yaml", gate=gate)
    Path(markdown_report.path).write_bytes(MarkdownReporter().render(verdict))
    Path(html_report.path).write_bytes(HtmlReporter().render(verdict))
    for judged in verdict.gates:
        tally = tally_gate(judged)
        metrics.log_metric(f"{judged.name}.blocking_findings", tally.blocking)
        metrics.log_metric(f"{judged.name}.failed_metrics", tally.failed_metrics)
        metrics.log_metric(f"{judged.name}.check_errors", tally.errors)
        for check in judged.checks:
            for measured in check.metrics:
                metrics.log_metric(f"{judged.name}.{measured.metric.name}", measured.metric.value)
    outcome = verdict.outcome.value
    if enforce and outcome != "pass":
        print(f"mlgate: gate {gate}: {outcome}", file=sys.stderr)  # noqa: T201  # the pod's log
        sys.exit(1)
    return str(outcome)


def gate_component(*, base_image: str = BASE_IMAGE, package: str = MLGATE_PACKAGE) -> Any:
    """The gate as a KFP component, installing ``package`` on ``base_image`` in the pod."""
    build = dsl.component(base_image=base_image, packages_to_install=[package])
    return build(mlgate_gate)


def gate_task(component: Any, **arguments: Any) -> Any:
    """A gate task inside a pipeline, with caching off (a gate must judge today's inputs)."""
    task = component(**arguments)
    task.set_caching_options(enable_caching=False)
    task.set_display_name("mlgate gate")
    return task
