"""The deploy check's rules, with the ids other tools give the same rule.

``external_ids`` pairs are (tool, id): ``checkov``, ``trivy`` (AVD ``KSV``/``DS``
ids), ``hadolint`` (``DL``) and Docker's own build checks, so a team that knows
Checkov's ``CKV_K8S_23`` recognises :data:`K8S_ROOT`.
"""

from __future__ import annotations

from mlgate.core.finding import Severity
from mlgate.core.rule import Rule

_HIGH, _MEDIUM, _LOW, _CRITICAL = Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.CRITICAL


def _rule(
    rule_id: str, slug: str, severity: Severity, summary: str, remediation: str, *ids: str
) -> Rule:
    pairs = tuple(_external(i) for i in ids)
    return Rule(
        id=rule_id, slug=slug, severity=severity, summary=summary, remediation=remediation,
        external_ids=pairs, tags=("deploy",),
    )  # fmt: skip


def _external(tool_id: str) -> tuple[str, str]:
    tool, _, native = tool_id.partition(":")
    return tool, native


DKR_ROOT = _rule(
    "DKR001", "dockerfile-user-root", _HIGH,
    "The image's final stage runs as root (USER root, USER 0, root:root, or inherited).",
    "Create an unprivileged user and end the final stage with `USER app` (or a UID > 0).",
    "hadolint:DL3002", "checkov:CKV_DOCKER_8", "trivy:DS002",
)  # fmt: skip
DKR_NO_USER = _rule(
    "DKR002", "dockerfile-user-missing", _MEDIUM,
    "The final stage never sets USER, so the container runs as the base image's user "
    "(root for most images).",
    "Add `USER <non-root user>` after the last instruction that needs root.",
    "checkov:CKV_DOCKER_3", "trivy:DS002",
)  # fmt: skip
DKR_HEALTHCHECK = _rule(
    "DKR003", "dockerfile-healthcheck-missing", _LOW,
    "The final stage has no HEALTHCHECK (or HEALTHCHECK NONE).",
    "Add `HEALTHCHECK CMD <command that fails when the service is unhealthy>`.",
    "checkov:CKV_DOCKER_2", "trivy:DS026",
)  # fmt: skip
DKR_ADD = _rule(
    "DKR004", "dockerfile-add-instead-of-copy", _LOW,
    "ADD copies local files (or downloads URLs without a checksum); COPY is explicit.",
    "Use COPY for files and folders; for downloads use `ADD --checksum=sha256:...` or "
    "curl with verification.",
    "hadolint:DL3020", "checkov:CKV_DOCKER_4", "trivy:DS005",
)  # fmt: skip
DKR_LATEST = _rule(
    "DKR005", "dockerfile-image-unpinned", _MEDIUM,
    "A FROM image uses the `latest` tag or no tag, so builds are not reproducible.",
    "Pin a version tag (`python:3.11.9-slim`), better a digest (`@sha256:...`).",
    "hadolint:DL3006", "hadolint:DL3007", "checkov:CKV_DOCKER_7", "trivy:DS001",
)  # fmt: skip
DKR_DIGEST = _rule(
    "DKR006", "dockerfile-image-not-digest", _LOW,
    "A FROM image is not pinned by digest (required by this policy).",
    "Append the digest: `FROM python:3.11-slim@sha256:<digest>`.",
)  # fmt: skip
DKR_SECRET = _rule(
    "DKR007", "dockerfile-secret-in-env-or-arg", _HIGH,
    "An ENV or ARG whose name says it holds a secret: its value stays in the image "
    "metadata and history.",
    "Use a build secret mount (`RUN --mount=type=secret,id=...`) or inject the value at "
    "run time from a secret store.",
    "docker:SecretsUsedInArgOrEnv",
)  # fmt: skip
K8S_ROOT = _rule(
    "K8S001", "k8s-runs-as-root", _HIGH,
    "A container may run as root: runAsUser is 0, or runAsNonRoot is not true and no "
    "non-zero runAsUser is set (pod and container securityContext combined).",
    "Set `securityContext.runAsNonRoot: true` and `runAsUser: <UID > 0>` on the pod or "
    "the container.",
    "checkov:CKV_K8S_23", "trivy:KSV012",
)  # fmt: skip
K8S_PRIVILEGED = _rule(
    "K8S002", "k8s-privileged", _CRITICAL,
    "A privileged container has every capability and device of the host.",
    "Remove `privileged: true`; add only the capability the workload needs.",
    "checkov:CKV_K8S_16", "trivy:KSV017",
)  # fmt: skip
K8S_ESCALATION = _rule(
    "K8S003", "k8s-privilege-escalation", _MEDIUM,
    "allowPrivilegeEscalation is not false, so setuid binaries can gain privileges.",
    "Set `securityContext.allowPrivilegeEscalation: false` on the container.",
    "checkov:CKV_K8S_20", "trivy:KSV001",
)  # fmt: skip
K8S_WRITABLE_ROOT = _rule(
    "K8S004", "k8s-writable-root-filesystem", _LOW,
    "The container's root filesystem is writable (readOnlyRootFilesystem is not true).",
    "Set `securityContext.readOnlyRootFilesystem: true`; mount an emptyDir where the "
    "process must write.",
    "checkov:CKV_K8S_22", "trivy:KSV014",
)  # fmt: skip
K8S_CAPABILITIES = _rule(
    "K8S005", "k8s-capabilities-added", _MEDIUM,
    "The container adds Linux capabilities (SYS_ADMIN and ALL are near-root).",
    "Drop ALL and add back only what is needed, ideally nothing.",
    "checkov:CKV_K8S_25", "checkov:CKV_K8S_39", "trivy:KSV022", "trivy:KSV005",
)  # fmt: skip
K8S_HOST_NAMESPACE = _rule(
    "K8S006", "k8s-host-namespace", _HIGH,
    "The pod shares the host's PID, IPC or network namespace.",
    "Remove hostPID / hostIPC / hostNetwork from the pod spec.",
    "checkov:CKV_K8S_17", "checkov:CKV_K8S_18", "checkov:CKV_K8S_19",
    "trivy:KSV010", "trivy:KSV008", "trivy:KSV009",
)  # fmt: skip
K8S_RUNTIME_SOCKET = _rule(
    "K8S007", "k8s-container-runtime-socket", _CRITICAL,
    "A hostPath volume mounts the container runtime's socket (docker.sock and the like): "
    "root on the node.",
    "Remove the hostPath volume; build images with a rootless builder instead.",
    "checkov:CKV_K8S_27", "trivy:KSV006",
)  # fmt: skip
K8S_RESOURCES = _rule(
    "K8S008", "k8s-resources-missing", _MEDIUM,
    "A container lacks CPU or memory requests or limits.",
    "Set `resources.requests` and `resources.limits` for both cpu and memory.",
    "checkov:CKV_K8S_10", "checkov:CKV_K8S_11", "checkov:CKV_K8S_12", "checkov:CKV_K8S_13",
    "trivy:KSV015", "trivy:KSV011", "trivy:KSV016", "trivy:KSV018",
)  # fmt: skip
K8S_LATEST = _rule(
    "K8S009", "k8s-image-unpinned", _MEDIUM,
    "A container image uses the `latest` tag or no tag.",
    "Pin a version tag, better a digest (`image: repo/app:1.4.2@sha256:...`).",
    "checkov:CKV_K8S_14", "trivy:KSV013",
)  # fmt: skip
K8S_DIGEST = _rule(
    "K8S010", "k8s-image-not-digest", _LOW,
    "A container image is not pinned by digest (required by this policy).",
    "Append the digest: `image: repo/app:1.4.2@sha256:<digest>`.",
    "checkov:CKV_K8S_43",
)  # fmt: skip
K8S_PROBES = _rule(
    "K8S011", "k8s-probes-missing", _LOW,
    "A long-running container has no liveness or readiness probe.",
    "Add `livenessProbe` and `readinessProbe` (httpGet on the health endpoint).",
    "checkov:CKV_K8S_8", "checkov:CKV_K8S_9",
)  # fmt: skip
RATE_LIMIT = _rule(
    "RL001", "api-rate-limit-missing", _HIGH,
    "An exposed model-serving API has no request rate limit that is actually enforced.",
    "Add a request rate limit with the mechanism the API already uses (the finding shows "
    "the minimal change).",
)  # fmt: skip

RULES: tuple[Rule, ...] = (
    DKR_ROOT, DKR_NO_USER, DKR_HEALTHCHECK, DKR_ADD, DKR_LATEST, DKR_DIGEST, DKR_SECRET,
    K8S_ROOT, K8S_PRIVILEGED, K8S_ESCALATION, K8S_WRITABLE_ROOT, K8S_CAPABILITIES,
    K8S_HOST_NAMESPACE, K8S_RUNTIME_SOCKET, K8S_RESOURCES, K8S_LATEST, K8S_DIGEST,
    K8S_PROBES, RATE_LIMIT,
)  # fmt: skip
