"""A Kubeflow Pipelines v2 gate component: runs a gate, logs its reports, exits non-zero to block.

Needs the ``kubeflow`` extra (``pip install 'mlgate[kubeflow]'``, which brings ``kfp``).
The component is a lightweight Python component: KFP copies :func:`mlgate_gate`'s source
into the pod and runs it there, so its body imports everything it uses. In the pod it
calls the library (``mlgate.run``), never the CLI, and writes three output artifacts the
KFP UI renders: a Markdown and an HTML report and a Metrics table.

:func:`gate_container_component` is the container form of the same gate, for clusters
that do not install packages at run time: it runs the ``mlgate`` command of a pinned
mlgate image (:data:`CONTAINER_SCRIPT`), writes the Markdown and HTML reports, and logs
the same Metrics through KFP's executor output (:mod:`mlgate.integrations.kfp_outputs`).

Use :func:`gate_task` rather than calling a component directly: it turns caching off,
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
    OutputPath,
)

# The image and package the pod installs; pin both, like any dependency of a pipeline.
BASE_IMAGE = "python:3.11-slim"
MLGATE_PACKAGE = "mlgate[model]==0.1.0"
# Built from docker/Dockerfile and pushed by examples/ci/github/release-image.yml.
MLGATE_IMAGE = "ghcr.io/mlgate/mlgate:0.1.0"

# The container form's command. Arguments: $1 policy text, $2 gate, $3 model path,
# $4 Markdown report, $5 HTML report, $6 verdict file, $7 enforce, $8 the executor input
# (KFP's {{$}}), whose output file receives the Metrics. It stages the model as model/
# beside the policy, like the lightweight form, so policy paths match.
CONTAINER_SCRIPT = """\
set -eu
work=$(mktemp -d)
mkdir "$work/model"
if [ -d "$3" ]; then cp -R "$3/." "$work/model/"; else cp "$3" "$work/model/"; fi
printf '%s' "$1" > "$work/mlgate.yaml"
mkdir -p "$(dirname "$4")" "$(dirname "$5")" "$(dirname "$6")"
set +e
mlgate run "$2" --no-progress --policy "$work/mlgate.yaml" -f markdown="$4" -f html="$5" \
  -f json="$work/verdict.json"
code=$?
set -e
if [ -f "$work/verdict.json" ]; then
  python3 -m mlgate.integrations.kfp_outputs "$8" "$work/verdict.json"
fi
case "$code" in 0) verdict=pass ;; 1) verdict=block ;; *) verdict=error ;; esac
printf '%s' "$verdict" > "$6"
case "$7" in true | True) exit "$code" ;; *) exit 0 ;; esac
"""


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
    from mlgate.integrations.kfp_outputs import gate_metrics
    from mlgate.reporters.html import HtmlReporter
    from mlgate.reporters.markdown import MarkdownReporter

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
    for name, value in gate_metrics(verdict).items():
        metrics.log_metric(name, value)
    outcome = verdict.outcome.value
    if enforce and outcome != "pass":
        print(f"mlgate: gate {gate}: {outcome}", file=sys.stderr)  # noqa: T201  # the pod's log
        sys.exit(1)
    return str(outcome)


def gate_component(*, base_image: str = BASE_IMAGE, package: str = MLGATE_PACKAGE) -> Any:
    """The gate as a KFP component, installing ``package`` on ``base_image`` in the pod."""
    build = dsl.component(base_image=base_image, packages_to_install=[package])
    return build(mlgate_gate)


def gate_container_component(*, image: str = MLGATE_IMAGE) -> Any:
    """The gate as a KFP container component running ``mlgate`` in ``image`` (pin it).

    Its inputs match the lightweight form's (``policy_yaml``, ``gate``, ``model``,
    ``enforce``); its outputs are ``markdown_report``, ``html_report``, ``metrics`` and
    ``verdict``.
    """

    def mlgate_gate_container(  # noqa: PLR0913  # a KFP component's parameters are its interface
        policy_yaml: str,
        gate: str,
        model: Input[Model],
        markdown_report: Output[Markdown],
        html_report: Output[HTML],
        metrics: Output[Metrics],
        verdict: OutputPath(str),  # type: ignore[valid-type]  # KFP's annotation, not a type
        enforce: bool = True,
    ) -> dsl.ContainerSpec:
        del metrics  # written through the executor output file, which {{$}} names
        arguments = [policy_yaml, gate, model.path, markdown_report.path, html_report.path]
        return dsl.ContainerSpec(
            image=image,
            command=["sh", "-c", CONTAINER_SCRIPT, "mlgate-gate"],
            args=[*arguments, verdict, enforce, dsl.PIPELINE_TASK_EXECUTOR_INPUT_PLACEHOLDER],
        )

    return dsl.container_component(mlgate_gate_container)


def gate_task(component: Any, **arguments: Any) -> Any:
    """A gate task inside a pipeline, with caching off (a gate must judge today's inputs)."""
    task = component(**arguments)
    task.set_caching_options(enable_caching=False)
    task.set_display_name("mlgate gate")
    return task
