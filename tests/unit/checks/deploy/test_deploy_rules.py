"""Exact findings of the Dockerfile and Kubernetes rules, and the check's fail-closed reading."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builders.manifests import HARDENED_CONTAINER, deployment, marked_lines, write_tree
from mlgate.checks.deploy import DeployCheck, DeployConfig
from mlgate.checks.deploy.rules.dockerfile import is_secret_name
from mlgate.core.check import CheckContext, CheckResult
from mlgate.core.finding import location_line
from mlgate.formats.dockerfile import parse_dockerfile


def run(root: Path, files: dict[str, str], **options: object) -> CheckResult:
    write_tree(root, files)
    context = CheckContext(root=root, gate="pre-deploy", today=date(2026, 1, 1))
    return DeployCheck().run(context, DeployConfig.model_validate(options))


def keys(result: CheckResult, prefix: str = "") -> set[tuple[str, str, int]]:
    return {
        (f.rule_id, f.location.path or "", location_line(f.location) or 0)
        for f in result.findings
        if f.rule_id.startswith(prefix)
    }


def expected(files: dict[str, str], *rules: str) -> set[tuple[str, str, int]]:
    return {(rule, path, line) for rule in rules for path, line in marked_lines(files, rule)}


DOCKERFILE = """\
# escape=\\
ARG BASE=python:3.11-slim
FROM ${BASE} AS build
ARG PIP_TOKEN
RUN pip install \\
    # a comment inside a continuation is dropped
    -r requirements.txt
FROM build AS runtime
ADD app/ /srv/app/
ADD model.tar.gz /srv/
ADD https://example.com/x.bin /srv/
ADD --checksum=sha256:00 https://example.com/y.bin /srv/
ENV MODEL_TOKEN_FILE=/run/secrets/token
RUN <<EOF
USER nobody
EOF
USER root:root
FROM runtime
"""


def test_dockerfile_rules_follow_stages_and_heredocs(tmp_path: Path) -> None:
    result = run(tmp_path, {"Dockerfile": DOCKERFILE})
    assert keys(result) == {
        ("DKR007", "Dockerfile", 4),
        ("DKR004", "Dockerfile", 9),
        ("DKR004", "Dockerfile", 11),
        ("DKR001", "Dockerfile", 17),
        ("DKR003", "Dockerfile", 18),
    }
    assert result.errors == () and result.inputs == 1


def test_dockerfile_without_user_and_floating_base(tmp_path: Path) -> None:
    files = {
        "svc/Dockerfile": "FROM python\nHEALTHCHECK CMD true\n",
        "web.Dockerfile": "FROM nginx:latest@sha256:ab AS x\nUSER 1000\nHEALTHCHECK CMD true\n",
    }
    assert keys(run(tmp_path, files)) == {
        ("DKR002", "svc/Dockerfile", 1),
        ("DKR005", "svc/Dockerfile", 1),
        ("DKR005", "web.Dockerfile", 1),
    }


def test_digest_rule_is_opt_in(tmp_path: Path) -> None:
    files = {"Dockerfile": "FROM python:3.11\nUSER app\nHEALTHCHECK CMD true\n"}
    assert keys(run(tmp_path / "off", files)) == set()
    assert keys(run(tmp_path / "on", files, require_digest=True)) == {("DKR006", "Dockerfile", 1)}


def test_user_from_variable_is_resolved_and_unknown_is_not_root(tmp_path: Path) -> None:
    files = {
        "a/Dockerfile": "FROM python:3.11\nARG U=0\nUSER $U\nHEALTHCHECK NONE\n",
        "b/Dockerfile": "FROM python:3.11\nUSER ${APP_UID}\nHEALTHCHECK CMD true\n",
    }
    assert keys(run(tmp_path, files)) == {
        ("DKR001", "a/Dockerfile", 3),
        ("DKR003", "a/Dockerfile", 1),
    }


def test_secret_names() -> None:
    assert is_secret_name("AWS_SECRET_ACCESS_KEY")
    assert is_secret_name("HF_TOKEN") and is_secret_name("db-password")
    assert not is_secret_name("TOKEN_FILE") and not is_secret_name("PUBLIC_KEY")
    assert not is_secret_name("PYTHONUNBUFFERED")


def test_hardened_deployment_has_no_findings(tmp_path: Path) -> None:
    result = run(tmp_path, {"k8s/api.yaml": deployment("api")}, require_digest=True)
    assert result.findings == () and result.inputs == 1


INSECURE = """\
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: ml}
spec:
  template:
    spec:
      hostPID: true  # <- K8S006
      securityContext:
        runAsUser: 0  # <- K8S001
      volumes:
        - name: sock
          hostPath: {path: /var/run/docker.sock}  # <- K8S007
      initContainers:
        - name: init  # <- K8S003 <- K8S008
          image: busybox  # <- K8S009
          securityContext: {runAsUser: 1000, readOnlyRootFilesystem: false}  # <- K8S004
      containers:
        - name: web  # <- K8S004 <- K8S011
          image: repo/web:1.0
          resources: {requests: {cpu: 1, memory: 1Gi}, limits: {cpu: 1, memory: 1Gi}}
          securityContext:
            privileged: true  # <- K8S002
            allowPrivilegeEscalation: true  # <- K8S003
            capabilities: {add: [NET_ADMIN]}  # <- K8S005
"""


def test_pod_and_container_contexts_combine_like_the_kubelet(tmp_path: Path) -> None:
    files = {"sts.yaml": INSECURE}
    rules = [f"K8S00{i}" for i in range(1, 10)] + ["K8S011"]
    result = run(tmp_path, files)
    assert keys(result, "K8S") == expected(files, *rules)
    # The init container's runAsUser: 1000 overrides the pod's 0; `web` inherits the 0.
    root = [f for f in result.findings if f.rule_id == "K8S001"]
    assert len(root) == 1 and "container web" in root[0].message


def test_requests_default_to_limits(tmp_path: Path) -> None:
    container = HARDENED_CONTAINER.format(name="api", digest="b" * 64)
    files = {"d.yaml": deployment("api", container=container)}
    assert keys(run(tmp_path, files)) == set()


NESTED = """\
apiVersion: batch/v1
kind: CronJob
metadata: {name: retrain}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: train  # <- K8S001 <- K8S003 <- K8S004 <- K8S008
              image: repo/train:2
---
apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata: {name: churn, annotations: {networking.kserve.io/visibility: cluster-local}}
spec:
  predictor:
    securityContext: {runAsNonRoot: true}
    sklearn:  # <- K8S003 <- K8S004 <- K8S008
      storageUri: gs://m
---
apiVersion: machinelearning.seldon.io/v1
kind: SeldonDeployment
metadata:
  name: fraud  # <- RL001
spec:
  predictors:
    - name: p
      componentSpecs:
        - spec:
            securityContext: {runAsUser: 1000}
            containers:
              - name: model  # <- K8S003 <- K8S004 <- K8S008
                image: repo/model  # <- K8S009
---
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Pod
    metadata: {name: p}
    spec:
      containers:
        - name: c  # <- K8S001 <- K8S003 <- K8S004 <- K8S008 <- K8S011
          image: repo/c:1
"""


def test_nested_pod_specs_in_every_kind(tmp_path: Path) -> None:
    files = {"all.yaml": NESTED}
    rules = ["K8S001", "K8S003", "K8S004", "K8S008", "K8S009", "K8S011", "RL001"]
    assert keys(run(tmp_path, files)) == expected(files, *rules)


def test_unreadable_yaml_fails_closed_but_templates_are_skipped(tmp_path: Path) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "\n".join(
        f"{c}: &{c} [{', '.join([f'*{p}'] * 10)}]" for p, c in zip("abcde", "bcdef", strict=True)
    )
    files = {
        "broken.yaml": "kind: Pod\nspec: [\n",
        "chart/templates/d.yaml": "kind: Deployment\nmetadata:\n  name: {{ .Values.n }}\n  x: [\n",
        "bomb.yaml": bomb,
    }
    result = run(tmp_path, files, max_yaml_values=50_000)
    assert [e.split(":")[0] for e in result.errors] == ["bomb.yaml", "broken.yaml"]
    assert [s.path for s in result.skipped] == ["chart/templates/d.yaml"]


def test_fingerprints_survive_line_shifts(tmp_path: Path) -> None:
    first = run(tmp_path / "a", {"d.yaml": INSECURE})
    second = run(tmp_path / "b", {"d.yaml": "# a new comment\n\n" + INSECURE})
    assert {f.fingerprint for f in first.findings} == {f.fingerprint for f in second.findings}


DOCKER_ALPHABET = st.sampled_from(list("FROMUSERADDENVARG \\\n<EOF#=:$`{}-\t"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=DOCKER_ALPHABET, max_size=300))
def test_dockerfile_parser_never_raises(text: str) -> None:
    parsed = parse_dockerfile(text)
    assert all(stage.line >= 1 for stage in parsed.stages)
