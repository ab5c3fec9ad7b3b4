"""Kubernetes pod and container rules, with security contexts combined as the kubelet does.

A field of ``PodSecurityContext`` that the container's ``SecurityContext`` also has
(``runAsUser``, ``runAsNonRoot``, ``runAsGroup``, ``seLinuxOptions``,
``seccompProfile``, ``windowsOptions``, ``appArmorProfile``) applies to every
container unless the container sets it; ``privileged``,
``allowPrivilegeEscalation``, ``readOnlyRootFilesystem`` and ``capabilities`` exist
on the container only. A request left out defaults to the limit, so only a
resource with neither is unbounded.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from mlgate.checks.deploy.catalog import (
    K8S_CAPABILITIES,
    K8S_DIGEST,
    K8S_ESCALATION,
    K8S_HOST_NAMESPACE,
    K8S_LATEST,
    K8S_PRIVILEGED,
    K8S_PROBES,
    K8S_RESOURCES,
    K8S_ROOT,
    K8S_RUNTIME_SOCKET,
    K8S_WRITABLE_ROOT,
)
from mlgate.checks.deploy.findings import deploy_finding
from mlgate.checks.deploy.images import parse_image
from mlgate.checks.deploy.readers.kubernetes import Container, PodSpec
from mlgate.core.finding import Finding
from mlgate.core.rule import Rule
from mlgate.formats.yamldocs import YamlView

SHARED_FIELDS = frozenset(
    {
        "runAsUser",
        "runAsNonRoot",
        "runAsGroup",
        "seLinuxOptions",
        "seccompProfile",
        "windowsOptions",
        "appArmorProfile",
    }
)
RUNTIME_SOCKETS = frozenset(
    {
        "/var/run/docker.sock",
        "/run/docker.sock",
        "/var/run/containerd/containerd.sock",
        "/run/containerd/containerd.sock",
        "/var/run/crio/crio.sock",
        "/run/crio/crio.sock",
        "/var/run/cri-dockerd.sock",
        "/var/run",
        "/run",
        "/var/run/docker",
        "/var/run/containerd",
        "/run/containerd",
        "/var/run/crio",
        "/run/crio",
    }
)
HOST_NAMESPACES = ("hostPID", "hostIPC", "hostNetwork")


@dataclass(frozen=True, slots=True)
class _Scope:
    """Where findings of one pod spec go, and the policy options that shape them."""

    path: str
    pod: PodSpec
    require_digest: bool

    def finding(self, rule: Rule, at: YamlView, subject: str, message: str) -> Finding:
        return deploy_finding(
            rule,
            (self.path, at.line),
            identity=f"{self.pod.owner} {subject}",
            message=f"{self.pod.owner} {subject}: {message}",
        )


def effective(pod: PodSpec, container: Container, field: str) -> YamlView | None:
    """The security-context field in force for ``container``: its own, else the pod's."""
    own = container.view.get("securityContext", field)
    if own is not None and own.value is not None:
        return own
    if field in SHARED_FIELDS:
        inherited = pod.view.get("securityContext", field)
        if inherited is not None and inherited.value is not None:
            return inherited
    return None


def _is_uid(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _root(scope: _Scope, container: Container) -> Iterator[Finding]:
    user = effective(scope.pod, container, "runAsUser")
    non_root = effective(scope.pod, container, "runAsNonRoot")
    if user is not None and _is_uid(user.value) and user.value == 0:
        where = (
            "container" if user.path[: len(container.view.path)] == container.view.path else "pod"
        )
        yield scope.finding(
            K8S_ROOT,
            user,
            container.label,
            f"runs as root (runAsUser: 0 in the {where} securityContext)",
        )
    elif (non_root is None or non_root.value is not True) and not (
        user is not None and _is_uid(user.value) and user.value > 0
    ):
        yield scope.finding(
            K8S_ROOT,
            container.view,
            container.label,
            "may run as root: runAsNonRoot is not true and no runAsUser > 0 "
            "is set on the pod or the container",
        )


def _context_flags(scope: _Scope, container: Container) -> Iterator[Finding]:
    privileged = effective(scope.pod, container, "privileged")
    if privileged is not None and privileged.value is True:
        yield scope.finding(K8S_PRIVILEGED, privileged, container.label, "runs privileged")
    escalation = effective(scope.pod, container, "allowPrivilegeEscalation")
    if escalation is None or escalation.value is not False:
        yield scope.finding(
            K8S_ESCALATION,
            escalation or container.view,
            container.label,
            "allowPrivilegeEscalation is not false",
        )
    read_only = effective(scope.pod, container, "readOnlyRootFilesystem")
    if read_only is None or read_only.value is not True:
        yield scope.finding(
            K8S_WRITABLE_ROOT,
            read_only or container.view,
            container.label,
            "the root filesystem is writable",
        )
    added = container.view.get("securityContext", "capabilities", "add")
    if added is not None and isinstance(added.value, list) and added.value:
        names = ", ".join(str(c) for c in added.value)
        yield scope.finding(K8S_CAPABILITIES, added, container.label, f"adds capabilities {names}")


def _missing_resources(container: Container) -> list[str]:
    missing: list[str] = []
    for resource in ("cpu", "memory"):
        has_limit = container.view.get("resources", "limits", resource) is not None
        has_request = container.view.get("resources", "requests", resource) is not None
        if not has_limit:
            missing.append(f"{resource} limit")
        if not has_limit and not has_request:
            missing.append(f"{resource} request")
    return missing


def _resources_and_image(scope: _Scope, container: Container) -> Iterator[Finding]:
    missing = _missing_resources(container)
    if missing:
        yield scope.finding(
            K8S_RESOURCES, container.view, container.label, "no " + ", ".join(missing)
        )
    image = container.view.get("image")
    if image is None or not isinstance(image.value, str):
        return
    reference = parse_image(image.value)
    if reference.is_latest_or_untagged:
        yield scope.finding(
            K8S_LATEST,
            image,
            container.label,
            f"image {image.value} floats ({reference.tag or 'no tag'})",
        )
    if scope.require_digest and reference.digest is None:
        yield scope.finding(
            K8S_DIGEST, image, container.label, f"image {image.value} is not pinned by digest"
        )


def _probes(scope: _Scope, container: Container) -> Iterator[Finding]:
    if not scope.pod.long_running or container.is_init:
        return
    missing = [p for p in ("livenessProbe", "readinessProbe") if container.view.get(p) is None]
    if missing:
        yield scope.finding(
            K8S_PROBES, container.view, container.label, "no " + " and no ".join(missing)
        )


def _pod_level(scope: _Scope) -> Iterator[Finding]:
    spec = scope.pod.view
    for field in HOST_NAMESPACES:
        flag = spec.get(field)
        if flag is not None and flag.value is True:
            yield scope.finding(K8S_HOST_NAMESPACE, flag, f"pod {field}", f"{field}: true")
    for volume in spec.items("volumes"):
        host_path = volume.get("hostPath", "path")
        if host_path is not None and str(host_path.value).rstrip("/") in RUNTIME_SOCKETS:
            name = volume.text("name") or "?"
            yield scope.finding(
                K8S_RUNTIME_SOCKET,
                host_path,
                f"volume {name}",
                f"mounts the container runtime socket {host_path.value}",
            )


def pod_findings(path: str, pod: PodSpec, *, require_digest: bool) -> list[Finding]:
    """Every Kubernetes rule over one pod spec and its containers."""
    scope = _Scope(path, pod, require_digest)
    findings = list(_pod_level(scope))
    for container in pod.containers:
        if container.view.get("image") is None and not container.image_optional:
            continue  # not a runnable container (a partial manifest or a strategic patch)
        findings.extend(_root(scope, container))
        findings.extend(_context_flags(scope, container))
        findings.extend(_resources_and_image(scope, container))
        findings.extend(_probes(scope, container))
    return findings
