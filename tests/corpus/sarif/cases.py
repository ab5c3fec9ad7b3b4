"""Labelled SARIF corpus: each case writes scanner output and lists its exact findings.

An expected finding is ``(rule id, path, line, severity, cwe)``. The documents come
from :mod:`builders.sarif` (one style per tool) plus a hand-shaped case for the
reference tricks of the SARIF format. Safe cases expect nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from builders.sarif import (
    BANDIT_RULES,
    CODEQL_RULES,
    Hit,
    RuleSpec,
    bandit_run,
    checkov_run,
    codeql_run,
    eslint_run,
    fake_aws_key,
    fake_token,
    gitleaks_run,
    sarif_log,
    semgrep_run,
    trivy_run,
    write_sarif,
    write_source,
)

Expected = tuple[str, str, int | None, str, tuple[int, ...]]


@dataclass(frozen=True)
class Case:
    """One corpus case: how to lay it out under a root, and what must be found."""

    name: str
    build: Callable[[Path], None]
    expected: frozenset[Expected]


def _codeql(root: Path) -> None:
    hits = [
        Hit(rule="py/sql-injection", path="app/db.py", line=12, message="SQL built here."),
        Hit(rule="py/command-line-injection", path="app/run.py", line=20),
        Hit(rule="py/weak-sensitive-data-hashing", path="app/auth.py", line=30),
        Hit(rule="py/unused-import", path="app/db.py", line=1),
    ]
    write_sarif(root / "results", "python.sarif", sarif_log(codeql_run(hits, CODEQL_RULES)))


SEMGREP_RULES = (
    RuleSpec(id="python.flask.security.injection.tainted-sql-string", cwe=(89,), level="error"),
    RuleSpec(id="python.lang.security.audit.subprocess-shell-true", cwe=(78,)),
)


def _semgrep(root: Path) -> None:
    sql, shell = (rule.id for rule in SEMGREP_RULES)
    hits = [
        Hit(rule=sql, path="api/views.py", line=41, snippet='db.execute(f"... {name}")'),
        Hit(rule=shell, path="api/tasks.py", line=7, snippet="subprocess.run(cmd, shell=True)"),
        Hit(rule=shell, path="api/tasks.py", line=19, suppressed=True),
    ]
    write_sarif(root, "semgrep.sarif", sarif_log(semgrep_run(hits, SEMGREP_RULES)))


def _bandit(root: Path) -> None:
    hits = [
        Hit(rule="B608", path="svc/query.py", line=8, level="warning"),
        Hit(rule="B105", path="svc/settings.py", line=3, level="note"),
        Hit(rule="B602", path="svc/query.py", line=15, level="error"),
    ]
    write_sarif(
        root / "reports", "bandit.sarif.json", sarif_log(bandit_run(hits, BANDIT_RULES, root))
    )


def _gitleaks(root: Path) -> None:
    hits = [
        Hit(rule="aws-access-token", path="config/settings.py", line=3, snippet=fake_aws_key(1)),
        Hit(rule="github-pat", path=".env", line=1, column=14, snippet=fake_token(2)),
    ]
    write_sarif(root, "gitleaks.sarif", sarif_log(gitleaks_run(hits)))


TRIVY_RULES = (
    RuleSpec(id="CVE-2024-0001", level="error", security_severity="9.8"),
    RuleSpec(id="CVE-2023-0002", level="error", security_severity="5.3"),
)


def _trivy(root: Path) -> None:
    hits = [
        Hit(rule="CVE-2024-0001", path="requirements.txt", line=4),
        Hit(rule="CVE-2023-0002", path="requirements.txt", line=9),
    ]
    write_sarif(root, "trivy.sarif", sarif_log(trivy_run(hits, TRIVY_RULES, root)))


def _eslint_and_checkov(root: Path) -> None:
    web = [
        Hit(rule="no-eval", path="web/app.js", line=3),
        Hit(rule="no-unused-vars", path="web/app.js", line=9, level="warning"),
    ]
    deploy = [
        Hit(rule="CKV_DOCKER_3", path="deploy/Dockerfile", line=1),
        Hit(rule="CKV_K8S_23", path="deploy/deployment.yaml", line=5),
    ]
    write_sarif(root, "eslint.sarif", sarif_log(eslint_run(web, ("no-eval", "no-unused-vars"))))
    write_sarif(root, "checkov.sarif", sarif_log(checkov_run(deploy)))


def _tricky_run(root: Path) -> dict[str, Any]:
    """Reference tricks: index out of range, message ids, base chains, kinds, no location."""
    rules = [
        {"id": "T001", "messageStrings": {"default": {"text": "Value {0} reaches {1}."}},
         "properties": {"cwe": ["CWE-79"]}, "defaultConfiguration": {"level": "error"}},
        {"id": "T002", "shortDescription": {"text": "Summary of T002."}},
    ]  # fmt: skip
    located = {
        "physicalLocation": {
            "artifactLocation": {"uri": "my%20app/main.py", "uriBaseId": "SRC"},
            "region": {"startLine": 5},
        }
    }
    return {
        "tool": {"driver": {"name": "Tricky", "rules": rules}},
        "originalUriBaseIds": {
            "SRC": {"uri": "src/", "uriBaseId": "ROOT"},
            "ROOT": {"uri": root.absolute().as_uri() + "/"},
        },
        "results": [
            {"ruleId": "T001/sub", "ruleIndex": 99, "locations": [located],
             "message": {"id": "default", "arguments": ["name", "html"]}},
            {"ruleId": "T002", "message": {}},
            {"ruleId": "T002", "kind": "pass", "message": {"text": "fine"}},
            {"ruleId": "T002", "kind": "review", "message": {"text": "look"},
             "locations": [located]},
            {"ruleId": "T001", "message": {"text": "scored"}, "locations": [located],
             "properties": {"security-severity": "0.1"}},
        ],
    }  # fmt: skip


def _tricky(root: Path) -> None:
    write_source(root, "src/my app/main.py", [f"line_{n} = {n}" for n in range(1, 10)])
    write_sarif(root / "out", "tricky.sarif", sarif_log(_tricky_run(root)))


def _safe(root: Path) -> None:
    passing = Hit(rule="py/sql-injection", path="app/db.py", line=3, extra={"kind": "pass"})
    semgrep_clean = semgrep_run([], SEMGREP_RULES)
    codeql_passing = codeql_run([passing])
    write_sarif(root, "clean.sarif", sarif_log(semgrep_clean, codeql_passing))


CASES: tuple[Case, ...] = (
    Case("codeql-python", _codeql, frozenset({
        ("CodeQL/py/sql-injection", "app/db.py", 12, "high", (89,)),
        ("CodeQL/py/command-line-injection", "app/run.py", 20, "critical", (78, 88)),
        ("CodeQL/py/weak-sensitive-data-hashing", "app/auth.py", 30, "medium", (327, 328)),
        ("CodeQL/py/unused-import", "app/db.py", 1, "low", ()),
    })),
    Case("semgrep-flask", _semgrep, frozenset({
        ("Semgrep-OSS/python.flask.security.injection.tainted-sql-string", "api/views.py", 41,
         "high", (89,)),
        ("Semgrep-OSS/python.lang.security.audit.subprocess-shell-true", "api/tasks.py", 7,
         "medium", (78,)),
    })),
    Case("bandit-file-uris", _bandit, frozenset({
        ("Bandit/B608", "svc/query.py", 8, "medium", (89,)),
        ("Bandit/B105", "svc/settings.py", 3, "low", (259,)),
        ("Bandit/B602", "svc/query.py", 15, "high", (78,)),
    })),
    Case("gitleaks-secrets", _gitleaks, frozenset({
        ("gitleaks/aws-access-token", "config/settings.py", 3, "medium", ()),
        ("gitleaks/github-pat", ".env", 1, "medium", ()),
    })),
    Case("trivy-cves", _trivy, frozenset({
        ("Trivy/CVE-2024-0001", "requirements.txt", 4, "critical", ()),
        ("Trivy/CVE-2023-0002", "requirements.txt", 9, "medium", ()),
    })),
    Case("eslint-and-checkov", _eslint_and_checkov, frozenset({
        ("ESLint/no-eval", "/project/web/app.js", 3, "high", ()),
        ("ESLint/no-unused-vars", "/project/web/app.js", 9, "medium", ()),
        ("Checkov/CKV_DOCKER_3", "deploy/Dockerfile", 1, "high", ()),
        ("Checkov/CKV_K8S_23", "deploy/deployment.yaml", 5, "high", ()),
    })),
    Case("reference-tricks", _tricky, frozenset({
        ("Tricky/T001/sub", "src/my app/main.py", 5, "high", (79,)),
        ("Tricky/T002", "out/tricky.sarif", None, "medium", ()),
        ("Tricky/T002", "src/my app/main.py", 5, "info", ()),
        ("Tricky/T001", "src/my app/main.py", 5, "low", (79,)),
    })),
    Case("safe-clean-runs", _safe, frozenset()),
)  # fmt: skip
