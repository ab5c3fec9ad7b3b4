"""Generated Kubernetes manifests and Dockerfiles for the deploy check's tests and benchmark.

Text is written by hand-shaped templates (not a YAML dumper) so that tests can state
exact line numbers; ``marked_lines`` finds the lines a case labels with ``# <- RULE``.
"""

from __future__ import annotations

import random
from pathlib import Path

HARDENED_CONTAINER = """\
        - name: {name}
          image: registry.example.com/{name}:1.2.3@sha256:{digest}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
          resources:
            limits: {{cpu: 500m, memory: 512Mi}}
          livenessProbe: {{httpGet: {{path: /healthz, port: 8080}}}}
          readinessProbe: {{httpGet: {{path: /ready, port: 8080}}}}
"""


def deployment(name: str, *, namespace: str = "prod", container: str | None = None) -> str:
    """A Deployment whose pod runs as a non-root UID; ``container`` replaces the hardened one."""
    body = (
        container
        if container is not None
        else HARDENED_CONTAINER.format(name=name, digest="a" * 64)
    )
    return (
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        f"metadata: {{name: {name}, namespace: {namespace}}}\n"
        "spec:\n"
        "  template:\n"
        "    spec:\n"
        "      securityContext: {runAsNonRoot: true, runAsUser: 10001}\n"
        "      containers:\n"
        f"{body}"
    )


def risky_deployment(name: str, seed: int) -> str:
    """A Deployment with a seeded mix of the usual misconfigurations (benchmark input)."""
    rng = random.Random(seed)  # noqa: S311  # test data, not cryptography
    lines = [
        f"        - name: {name}",
        f"          image: repo/{name}:{rng.choice(['latest', '1.0', '2.3.1'])}",
        "          securityContext:",
        f"            privileged: {rng.choice(['true', 'false'])}",
        f"            runAsUser: {rng.choice([0, 1000])}",
        f"            allowPrivilegeEscalation: {rng.choice(['true', 'false'])}",
    ]
    if rng.random() < 0.5:
        lines.append("          resources: {limits: {cpu: 100m, memory: 64Mi}}")
    return deployment(name, container="\n".join(lines) + "\n")


def write_tree(root: Path, files: dict[str, str]) -> None:
    """Write ``files`` (relative path -> text) under ``root``."""
    for relative, text in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def marked_lines(files: dict[str, str], rule_id: str) -> frozenset[tuple[str, int]]:
    """``(path, line)`` of every line carrying the marker ``<- rule_id``."""
    marker = f"<- {rule_id}"
    return frozenset(
        (path, number)
        for path, text in files.items()
        for number, line in enumerate(text.splitlines(), start=1)
        if marker in line
    )
