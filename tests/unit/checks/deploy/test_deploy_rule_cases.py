"""Every hardening rule (DKR001-007, K8S001-011): a positive at its exact line, a negative
(the safe form) and a trap (a look-alike that must not fire, or must fire where a naive
reading would not). Only the rule under test is compared: minimal inputs trip others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

import pytest

from builders.manifests import HARDENED_CONTAINER, deployment, marked_lines, write_tree
from mlgate.checks.deploy import DeployCheck, DeployConfig
from mlgate.core.check import CheckContext
from mlgate.core.finding import location_line

Kind = Literal["positive", "negative", "trap"]


@dataclass(frozen=True, slots=True)
class RuleCase:
    """Files for one rule; expected lines come from ``# <- RULE`` markers or ``lines``."""

    rule: str
    kind: Kind
    name: str
    files: dict[str, str]
    lines: frozenset[tuple[str, int]] | None = None
    options: dict[str, object] = field(default_factory=dict)

    def expected(self) -> frozenset[tuple[str, int]]:
        return self.lines if self.lines is not None else marked_lines(self.files, self.rule)


def docker(rule: str, kind: Kind, name: str, text: str, *lines: int, **options: object) -> RuleCase:
    # Dockerfile comments must start a line, so expected lines are listed, not marked.
    found = frozenset(("Dockerfile", line) for line in lines)
    return RuleCase(rule, kind, name, {"Dockerfile": text}, found, dict(options))


def kube(rule: str, kind: Kind, name: str, text: str, **options: object) -> RuleCase:
    return RuleCase(rule, kind, name, {"k8s.yaml": text}, None, dict(options))


SAFE_TAIL = "USER app\nHEALTHCHECK CMD curl -f http://localhost/ || exit 1\n"

DOCKER_CASES = [
    docker("DKR001", "positive", "user-root-uid", "FROM python:3.11\nRUN true\nUSER 0\n", 3),
    docker("DKR001", "positive", "root-group", "FROM python:3.11\nUSER root:root\n", 2),
    docker("DKR001", "positive", "inherited-root",
           "FROM python:3.11 AS base\nUSER root\nFROM base\nRUN true\n", 2),
    docker("DKR001", "negative", "non-root", "FROM python:3.11\n" + SAFE_TAIL),
    docker("DKR001", "trap", "root-in-build-stage-only",
           "FROM python:3.11 AS build\nUSER 0\nRUN make\nFROM python:3.11\n" + SAFE_TAIL),
    docker("DKR001", "trap", "rootless-name", "FROM python:3.11\nUSER rootless\n"),
    docker("DKR001", "positive", "root-from-inherited-env",
           "FROM python:3.11 AS base\nENV APP_USER=root\nFROM base\nUSER $APP_USER\n", 4),
    docker("DKR001", "positive", "root-from-grandparent-env-and-group",
           "FROM python:3.11 AS a\nENV U=0\nFROM a AS b\nRUN x\nFROM b\nUSER ${U}:0\n", 6),
    docker("DKR001", "positive", "stage-named-by-global-arg",
           "ARG BASE=builder\nFROM python:3.11 AS builder\nUSER root\nFROM ${BASE}\n", 3),
    docker("DKR001", "trap", "build-arg-does-not-cross-stages",
           "FROM python:3.11 AS base\nARG APP_USER=root\nFROM base\nUSER $APP_USER\n"),
    docker("DKR001", "trap", "final-stage-overrides-inherited-root",
           "FROM python:3.11 AS base\nUSER root\nFROM base\nUSER 10001:0\n"),
    docker("DKR002", "positive", "no-user", "FROM python:3.11\nRUN true\n", 1),
    docker("DKR002", "negative", "user-set", "FROM python:3.11\n" + SAFE_TAIL),
    docker("DKR002", "trap", "user-in-parent-stage",
           "FROM python:3.11 AS base\nUSER app\nFROM base\nRUN true\n"),
    docker("DKR002", "positive", "user-in-unrelated-stage",
           "FROM python:3.11 AS build\nUSER app\nFROM python:3.11\nRUN true\n", 3),
    docker("DKR003", "positive", "healthcheck-none",
           "FROM python:3.11\nUSER app\nHEALTHCHECK NONE\n", 1),
    docker("DKR003", "negative", "healthcheck", "FROM python:3.11\n" + SAFE_TAIL),
    docker("DKR003", "trap", "healthcheck-inherited",
           "FROM python:3.11 AS base\nHEALTHCHECK CMD true\nFROM base\nUSER app\n"),
    docker("DKR004", "positive", "add-local-dir", "FROM python:3.11\nADD src/ /app/\n", 2),
    docker("DKR004", "positive", "add-url-unverified",
           "FROM python:3.11\nADD https://example.com/m.bin /m/\n", 2),
    docker("DKR004", "negative", "copy", "FROM python:3.11\nCOPY src/ /app/\n"),
    docker("DKR004", "trap", "add-archive-and-checksum",
           "FROM python:3.11\nADD model.tar.gz /srv/\n"
           "ADD --checksum=sha256:ab https://example.com/m.bin /m/\n"),
    docker("DKR005", "positive", "latest-and-untagged",
           "FROM python:latest AS a\nFROM ubuntu\n", 1, 2),
    docker("DKR005", "negative", "pinned-tag", "FROM python:3.11.9-slim\n"),
    docker("DKR005", "trap", "stage-scratch-port-digest",
           "FROM registry:5000/team/app:1.2 AS build\nFROM build\nFROM scratch\n"
           "FROM python@sha256:" + "a" * 64 + "\n"),
    docker("DKR006", "positive", "tag-without-digest", "FROM python:3.11\n", 1,
           require_digest=True),
    docker("DKR006", "negative", "digest",
           "FROM python:3.11@sha256:" + "b" * 64 + "\n", require_digest=True),
    docker("DKR006", "trap", "digest-not-required", "FROM python:3.11\n"),
    docker("DKR006", "trap", "stage-reference",
           "FROM python:3.11@sha256:" + "c" * 64 + " AS base\nFROM base\n",
           require_digest=True),
    docker("DKR007", "positive", "env-token", "FROM python:3.11\nENV HF_TOKEN=hf_abc\n", 2),
    docker("DKR007", "positive", "arg-password", "ARG DB_PASSWORD\nFROM python:3.11\n", 1),
    docker("DKR007", "negative", "plain-env", "FROM python:3.11\nENV APP_PORT=8080\n"),
    docker("DKR007", "trap", "secret-references",
           "FROM python:3.11\nENV TOKEN_FILE=/run/secrets/t PASSWORD=\nARG PUBLIC_KEY\n"),
]  # fmt: skip


def _pod(
    containers: str, pod_context: str = "runAsNonRoot: true, runAsUser: 10001", extra: str = ""
) -> str:
    return (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
        f"  securityContext: {{{pod_context}}}\n{extra}  containers:\n{containers}"
    )  # fmt: skip


def _context(*entries: str) -> str:
    """A container securityContext, one entry per line (so an entry can carry a marker)."""
    return "      securityContext:\n" + "".join(f"        {entry}\n" for entry in entries)


def _container(name: str = "c", lines: str = "", mark: str = "") -> str:
    return f"    - name: {name}{mark}\n      image: repo/{name}:1.0\n{lines}"


POD_ROOT = """\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext:
    runAsUser: 0  # <- K8S001
  containers:
    - name: c
      image: repo/c:1.0
"""
CONTEXT_SAFE = _context("allowPrivilegeEscalation: false", "readOnlyRootFilesystem: true")
ESCALATION_ON_POD = "runAsNonRoot: true, allowPrivilegeEscalation: false"
LIMITS = "      resources: {limits: {cpu: 1, memory: 1Gi}"

KUBE_CASES = [
    kube("K8S001", "positive", "pod-run-as-root", POD_ROOT),
    kube("K8S001", "positive", "nothing-set", _pod(_container(mark="  # <- K8S001"), "")),
    kube("K8S001", "negative", "non-root", _pod(_container())),
    kube("K8S001", "trap", "pod-root-overridden-by-container",
         _pod(_container(lines="      securityContext: {runAsUser: 1000}\n"), "runAsUser: 0")),
    kube("K8S002", "positive", "privileged",
         _pod(_container(lines=_context("privileged: true  # <- K8S002")))),
    kube("K8S002", "negative", "not-privileged",
         _pod(_container(lines="      securityContext: {privileged: false}\n"))),
    kube("K8S002", "trap", "privileged-on-pod-is-not-a-pod-field",
         _pod(_container(), "runAsNonRoot: true, privileged: true")),
    kube("K8S003", "positive", "escalation-unset", _pod(_container(mark="  # <- K8S003"))),
    kube("K8S003", "negative", "escalation-false", _pod(_container(lines=CONTEXT_SAFE))),
    kube("K8S003", "trap", "false-on-pod-does-not-reach-container",
         _pod(_container(mark="  # <- K8S003"), ESCALATION_ON_POD)),
    kube("K8S003", "trap", "patch-without-image",
         _pod("    - name: c\n      env: [{name: A, value: b}]\n")),
    kube("K8S004", "positive", "writable-root",
         _pod(_container(lines=_context("readOnlyRootFilesystem: false  # <- K8S004")))),
    kube("K8S004", "negative", "read-only-root", _pod(_container(lines=CONTEXT_SAFE))),
    kube("K8S004", "trap", "configmap-text-is-not-a-pod",
         "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"
         "data: {pod.yaml: 'securityContext: {readOnlyRootFilesystem: false}'}\n"),
    kube("K8S005", "positive", "adds-sys-admin",
         _pod(_container(lines=_context("capabilities: {add: [SYS_ADMIN]}  # <- K8S005")))),
    kube("K8S005", "negative", "drops-all",
         _pod(_container(lines="      securityContext: {capabilities: {drop: [ALL]}}\n"))),
    kube("K8S005", "trap", "empty-add-list",
         _pod(_container(lines="      securityContext: {capabilities: {add: [], drop: [ALL]}}\n"))),
    kube("K8S006", "positive", "host-network",
         _pod(_container(), extra="  hostNetwork: true  # <- K8S006\n"
              "  hostIPC: true  # <- K8S006\n")),
    kube("K8S006", "negative", "host-network-false",
         _pod(_container(), extra="  hostPID: false\n")),
    kube("K8S006", "trap", "host-port-is-not-host-network",
         _pod(_container(lines="      ports: [{containerPort: 80, hostPort: 8080}]\n"))),
    kube("K8S007", "positive", "docker-socket",
         _pod(_container(), extra="  volumes:\n    - name: s\n"
              "      hostPath: {path: /var/run/docker.sock}  # <- K8S007\n"
              "    - name: r\n      hostPath: {path: /run/}  # <- K8S007\n")),
    kube("K8S007", "negative", "empty-dir",
         _pod(_container(), extra="  volumes:\n    - name: s\n      emptyDir: {}\n")),
    kube("K8S007", "trap", "other-host-paths-and-socket-named-config",
         _pod(_container(), extra="  volumes:\n    - name: logs\n      hostPath: {path: /var/log}\n"
              "    - name: docker-sock\n      configMap: {name: docker.sock}\n")),
    kube("K8S008", "positive", "no-resources", _pod(_container(mark="  # <- K8S008"))),
    kube("K8S008", "negative", "limits",
         _pod(_container(lines=LIMITS + "}\n"))),
    kube("K8S008", "trap", "requests-default-to-limits",
         _pod(_container(lines=LIMITS + ", requests: {}}\n"))),
    kube("K8S009", "positive", "latest-tag",
         _pod("    - name: c\n      image: repo/c:latest  # <- K8S009\n"
              "    - name: d\n      image: repo/d  # <- K8S009\n")),
    kube("K8S009", "negative", "pinned", _pod(_container())),
    kube("K8S009", "trap", "registry-port-and-digest-only",
         _pod("    - name: c\n      image: registry:5000/team/c:1.2\n"
              "    - name: d\n      image: repo/d@sha256:" + "d" * 64 + "\n")),
    kube("K8S010", "positive", "tag-only",
         _pod("    - name: c\n      image: repo/c:1.0  # <- K8S010\n"), require_digest=True),
    kube("K8S010", "negative", "digest",
         _pod("    - name: c\n      image: repo/c:1.0@sha256:" + "e" * 64 + "\n"),
         require_digest=True),
    kube("K8S010", "trap", "digest-not-required", _pod(_container())),
    kube("K8S011", "positive", "deployment-without-probes",
         deployment("api", container="        - name: api  # <- K8S011\n"
                    "          image: repo/api:1.0\n")),
    kube("K8S011", "negative", "probes",
         deployment("api", container=HARDENED_CONTAINER.format(name="api", digest="f" * 64))),
    kube("K8S011", "trap", "init-container-and-job",
         deployment("api", container=HARDENED_CONTAINER.format(name="api", digest="f" * 64))
         .replace("      containers:\n",
                  "      initContainers:\n        - name: migrate\n          image: repo/m:1\n"
                  "      containers:\n")
         + "---\napiVersion: batch/v1\nkind: Job\nmetadata: {name: train}\nspec:\n"
           "  template:\n    spec:\n      containers:\n        - {name: t, image: repo/t:1}\n"),
]  # fmt: skip

ALL = DOCKER_CASES + KUBE_CASES


@pytest.mark.parametrize("case", ALL, ids=[f"{c.rule}-{c.kind}-{c.name}" for c in ALL])
def test_rule_fires_exactly_where_marked(case: RuleCase, tmp_path: Path) -> None:
    write_tree(tmp_path, case.files)
    context = CheckContext(root=tmp_path, gate="pre-deploy", today=date(2026, 1, 1))
    config = DeployConfig.model_validate({"rate_limits": False, **case.options})
    result = DeployCheck().run(context, config)
    found = {
        (f.location.path or "", location_line(f.location) or 0)
        for f in result.findings
        if f.rule_id == case.rule
    }
    assert found == case.expected()
    assert result.errors == ()
    if case.kind == "negative":
        assert not found


def test_every_rule_has_a_positive_a_negative_and_a_trap() -> None:
    rules = {f"DKR00{i}" for i in range(1, 8)} | {f"K8S0{i:02d}" for i in range(1, 12)}
    kinds = {(c.rule, c.kind) for c in ALL}
    assert {(r, k) for r in rules for k in ("positive", "negative", "trap")} <= kinds
    assert all(c.expected() for c in ALL if c.kind == "positive")
