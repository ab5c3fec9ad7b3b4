"""Pod specs inside Kubernetes objects, wherever each kind nests them.

Built-in workloads keep the pod spec at ``spec`` (Pod), ``spec.template.spec``
(Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job) or
``spec.jobTemplate.spec.template.spec`` (CronJob). KServe ``InferenceService``
components (predictor, transformer, explainer) are pod specs whose framework key
(``sklearn:``, ``model:``...) is one more container with an optional image; Seldon
``SeldonDeployment`` keeps pod specs in ``predictors[].componentSpecs[].spec`` and
Seldon Core 2 ``Server`` in ``spec.podSpec``. ``List`` objects are unpacked.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from mlgate.formats.yamldocs import YamlView

_TEMPLATE = ("spec", "template", "spec")
_POD_PATHS: dict[str, tuple[str, ...]] = {
    "Pod": ("spec",),
    "Deployment": _TEMPLATE,
    "StatefulSet": _TEMPLATE,
    "DaemonSet": _TEMPLATE,
    "ReplicaSet": _TEMPLATE,
    "ReplicationController": _TEMPLATE,
    "Job": _TEMPLATE,
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
    "PodTemplate": ("template", "spec"),
}
# Kinds whose pods serve until stopped, so probes are expected (Jobs finish).
LONG_RUNNING = frozenset(
    {"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController"}
)
KSERVE_COMPONENTS = ("predictor", "transformer", "explainer")
KSERVE_FRAMEWORKS = (
    "model", "sklearn", "xgboost", "tensorflow", "pytorch", "onnx", "triton", "lightgbm",
    "paddle", "pmml", "huggingface", "alibi", "art",
)  # fmt: skip
CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")


@dataclass(frozen=True, slots=True)
class Container:
    """One container of a pod spec."""

    label: str
    view: YamlView
    is_init: bool
    image_optional: bool


@dataclass(frozen=True, slots=True)
class PodSpec:
    """A pod spec found in an object, with the object it belongs to."""

    owner: str
    kind: str
    view: YamlView
    containers: tuple[Container, ...]
    long_running: bool


def object_name(view: YamlView) -> str:
    """``Kind/namespace/name`` of an object (``default`` when no namespace is written)."""
    kind = view.text("kind") or "?"
    namespace = view.text("metadata", "namespace") or "default"
    return f"{kind}/{namespace}/{view.text('metadata', 'name') or '?'}"


def _containers(spec: YamlView, *, framework_keys: tuple[str, ...] = ()) -> tuple[Container, ...]:
    found: list[Container] = []
    for key in CONTAINER_LISTS:
        for item in spec.items(key):
            if isinstance(item.value, dict):
                name = item.text("name") or str(item.path[-1])
                label = f"{key[:-1]} {name}"
                found.append(Container(label, item, key != "containers", image_optional=False))
    for key in framework_keys:
        framework = spec.mapping(key)
        if framework is not None:
            found.append(Container(key, framework, is_init=False, image_optional=True))
    return tuple(found)


def _kserve(view: YamlView, owner: str) -> Iterator[PodSpec]:
    for component in KSERVE_COMPONENTS:
        spec = view.mapping("spec", component)
        if spec is not None:
            containers = _containers(spec, framework_keys=KSERVE_FRAMEWORKS)
            yield PodSpec(f"{owner} {component}", "InferenceService", spec, containers, False)


def _seldon(view: YamlView, owner: str) -> Iterator[PodSpec]:
    for predictor in view.items("spec", "predictors"):
        for component in predictor.items("componentSpecs"):
            spec = component.mapping("spec")
            if spec is not None:
                label = f"{owner} predictor {predictor.text('name') or predictor.path[-1]}"
                yield PodSpec(label, "SeldonDeployment", spec, _containers(spec), False)


def pod_specs(view: YamlView, depth: int = 0) -> Iterator[PodSpec]:
    """Every pod spec in one object (a ``List`` yields those of its items)."""
    kind = view.text("kind") or ""
    owner = object_name(view)
    if kind.endswith("List") and depth < 2:
        for item in view.items("items"):
            yield from pod_specs(item, depth + 1)
    elif kind == "InferenceService":
        yield from _kserve(view, owner)
    elif kind == "SeldonDeployment":
        yield from _seldon(view, owner)
    elif kind == "Server" and (view.text("apiVersion") or "").startswith("mlops.seldon.io"):
        spec = view.mapping("spec", "podSpec")
        if spec is not None:
            yield PodSpec(owner, kind, spec, _containers(spec), False)
    elif kind in _POD_PATHS:
        spec = view.mapping(*_POD_PATHS[kind])
        if spec is not None:
            yield PodSpec(owner, kind, spec, _containers(spec), kind in LONG_RUNNING)
