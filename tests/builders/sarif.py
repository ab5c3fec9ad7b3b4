"""SARIF documents in the shapes real scanners write, generated into ``tmp_path``.

Each ``*_run`` function returns one SARIF ``run`` object in the style of one tool
(CodeQL, Semgrep, Bandit, gitleaks, Trivy, ESLint, Checkov), from a list of :class:`Hit`
records; :func:`sarif_log` wraps runs into a log and :func:`write_sarif` writes it.
Fake secrets are assembled at run time from a seeded generator, never written literally.
"""

from __future__ import annotations

import hashlib
import json
import random
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
Json = dict[str, Any]


@dataclass(frozen=True, kw_only=True)
class RuleSpec:
    """One rule a tool declares."""

    id: str
    name: str | None = None
    summary: str = "A generated rule."
    cwe: tuple[int, ...] = ()
    level: str | None = "warning"
    security_severity: str | None = None
    help_text: str | None = None


@dataclass(frozen=True, kw_only=True)
class Hit:
    """One result: which rule fired where."""

    rule: str
    path: str
    line: int
    message: str = "Generated finding."
    column: int = 1
    level: str | None = None
    snippet: str | None = None
    suppressed: bool = False
    extra: Json = field(default_factory=dict)


CODEQL_RULES = (
    RuleSpec(
        id="py/sql-injection",
        summary="SQL query built from user-controlled sources",
        cwe=(89,),
        level="error",
        security_severity="8.8",
    ),
    RuleSpec(
        id="py/command-line-injection",
        summary="Uncontrolled command line",
        cwe=(78, 88),
        level="error",
        security_severity="9.8",
    ),
    RuleSpec(
        id="py/path-injection",
        summary="Uncontrolled data used in path expression",
        cwe=(22, 23, 36),
        level="error",
        security_severity="7.5",
    ),
    RuleSpec(
        id="py/weak-sensitive-data-hashing",
        summary="Use of a broken hashing algorithm",
        cwe=(327, 328),
        level="warning",
        security_severity="6.5",
    ),
    RuleSpec(id="py/unused-import", summary="Unused import", level="note"),
)


BANDIT_RULES = (
    RuleSpec(id="B608", name="hardcoded_sql_expressions", cwe=(89,)),
    RuleSpec(id="B105", name="hardcoded_password_string", cwe=(259,)),
    RuleSpec(id="B602", name="subprocess_popen_with_shell_equals_true", cwe=(78,)),
)


def write_sarif(directory: Path, name: str, document: Any, *, encoding: str = "utf-8") -> Path:
    """Write ``document`` as JSON to ``directory/name`` and return the path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_bytes(json.dumps(document, indent=2).encode(encoding))
    return path


def write_source(root: Path, relative: str, lines: list[str]) -> Path:
    """Write a small source file the SARIF results can point at."""
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def sarif_log(*runs: Json, version: str = "2.1.0") -> Json:
    """A SARIF log holding ``runs``."""
    return {"$schema": SCHEMA_URI, "version": version, "runs": list(runs)}


def _text(value: str) -> Json:
    return {"text": value}


def _region(hit: Hit, *, with_end: bool = False) -> Json:
    region: Json = {"startLine": hit.line, "startColumn": hit.column}
    if with_end:
        region.update(endLine=hit.line, endColumn=hit.column + 20)
    if hit.snippet is not None:
        region["snippet"] = _text(hit.snippet)
    return region


def _location(uri: str, hit: Hit, base: str | None = None, *, with_end: bool = False) -> Json:
    artifact: Json = {"uri": uri}
    if base is not None:
        artifact["uriBaseId"] = base
    return {
        "physicalLocation": {
            "artifactLocation": artifact,
            "region": _region(hit, with_end=with_end),
        }
    }


def _digest(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()


def _descriptor(spec: RuleSpec, *, cwe_tag: str) -> Json:
    tags = ["security", *(cwe_tag.format(n) for n in spec.cwe)]
    properties: Json = {"tags": tags, "precision": "high"}
    if spec.security_severity is not None:
        properties["security-severity"] = spec.security_severity
    descriptor: Json = {
        "id": spec.id,
        "name": spec.name or spec.id,
        "shortDescription": _text(spec.summary),
        "fullDescription": _text(spec.summary + "."),
        "help": _text(spec.help_text or f"Fix {spec.id}."),
        "properties": properties,
    }
    if spec.level is not None:
        descriptor["defaultConfiguration"] = {"level": spec.level}
    return descriptor


def _hit_fields(hit: Hit) -> Json:
    result: Json = {}
    if hit.level is not None:
        result["level"] = hit.level
    if hit.suppressed:
        result["suppressions"] = [{"kind": "inSource"}]
    return {**result, **hit.extra}


def codeql_run(hits: list[Hit], rules: tuple[RuleSpec, ...] = CODEQL_RULES) -> Json:
    """CodeQL: rules in a query-pack extension, rule references, flows, line hashes."""
    index = {spec.id: i for i, spec in enumerate(rules)}
    results = []
    for hit in hits:
        position = index[hit.rule]
        source = Hit(rule=hit.rule, path=hit.path, line=max(1, hit.line - 2), column=9)
        step = {
            "location": {
                **_location(hit.path, source, "%SRCROOT%"),
                "message": _text("ControlFlowNode for request"),
            }
        }
        sink = {
            "location": {
                **_location(hit.path, hit, "%SRCROOT%"),
                "message": _text("ControlFlowNode for query"),
            }
        }
        results.append(
            {
                "ruleId": hit.rule,
                "ruleIndex": position,
                "rule": {"id": hit.rule, "index": position, "toolComponent": {"index": 0}},
                "message": _text(hit.message + " It depends on a [user-provided value](1)."),
                "locations": [_location(hit.path, hit, "%SRCROOT%")],
                "partialFingerprints": {
                    "primaryLocationLineHash": _digest(hit.rule, hit.path, hit.message)[:16] + ":1",
                    "primaryLocationStartColumnFingerprint": str(hit.column - 1),
                },
                "codeFlows": [{"threadFlows": [{"locations": [step, sink]}]}],
                "relatedLocations": [{"id": 1, **_location(hit.path, source, "%SRCROOT%")}],
                **_hit_fields(hit),
            }
        )
    pack = {
        "name": "codeql/python-queries",
        "semanticVersion": "1.3.0",
        "rules": [_descriptor(s, cwe_tag="external/cwe/cwe-{:03d}") for s in rules],
    }
    driver = {"name": "CodeQL", "organization": "GitHub", "semanticVersion": "2.19.3", "rules": []}
    return {
        "tool": {"driver": driver, "extensions": [pack]},
        "results": results,
        "columnKind": "unicodeCodePoints",
    }


def semgrep_run(hits: list[Hit], rules: tuple[RuleSpec, ...]) -> Json:
    """Semgrep: ``CWE-89: ...`` tags, snippets, match-based fingerprints, ``nosem``."""
    results = [
        {
            "ruleId": hit.rule,
            "message": _text(hit.message),
            "locations": [_location(hit.path, hit, with_end=True)],
            "fingerprints": {"matchBasedId/v1": _digest(hit.rule, hit.path, hit.snippet)},
            "properties": {},
            **_hit_fields(hit),
        }
        for hit in hits
    ]
    descriptors = [_descriptor(s, cwe_tag="CWE-{}: Generated weakness title") for s in rules]
    driver = {"name": "Semgrep OSS", "semanticVersion": "1.99.0", "rules": descriptors}
    return {
        "tool": {"driver": driver},
        "results": results,
        "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": []}],
    }


def bandit_run(hits: list[Hit], rules: tuple[RuleSpec, ...], root: Path) -> Json:
    """Bandit: absolute ``file://`` URIs under the scanned root, confidence properties."""
    index = {spec.id: i for i, spec in enumerate(rules)}
    results = []
    for hit in hits:
        uri = (root / hit.path).absolute().as_uri()
        results.append(
            {
                "ruleId": hit.rule,
                "ruleIndex": index[hit.rule],
                "message": _text(hit.message),
                "locations": [_location(uri, hit)],
                "properties": {"issue_confidence": "HIGH", "issue_severity": "MEDIUM"},
                **_hit_fields(hit),
            }
        )
    descriptors = [_descriptor(s, cwe_tag="external/cwe/cwe-{}") for s in rules]
    for descriptor in descriptors:
        descriptor.pop("defaultConfiguration", None)  # Bandit puts the level on each result
        descriptor["helpUri"] = "https://bandit.readthedocs.io/en/latest/plugins/index.html"
    driver = {"name": "Bandit", "version": "1.8.6", "rules": descriptors}
    return {"tool": {"driver": driver}, "results": results}


def gitleaks_run(hits: list[Hit]) -> Json:
    """gitleaks: no levels, the secret itself as snippet, commit partial fingerprints."""
    rule_ids = sorted({hit.rule for hit in hits})
    rules = [{"id": r, "shortDescription": _text(f"Identified a {r}.")} for r in rule_ids]
    results = [
        {
            "ruleId": hit.rule,
            "message": _text(f"{hit.rule} has detected secret for file {hit.path}."),
            "locations": [_location(hit.path, hit, with_end=True)],
            "partialFingerprints": {
                "commitSha": "",
                "email": "",
                "author": "",
                "date": "",
                "commitMessage": "",
            },
            "properties": {"tags": []},
        }
        for hit in hits
    ]
    return {
        "tool": {"driver": {"name": "gitleaks", "semanticVersion": "v8.21.2", "rules": rules}},
        "results": results,
    }


def trivy_run(hits: list[Hit], rules: tuple[RuleSpec, ...], root: Path) -> Json:
    """Trivy: CVE rules with ``security-severity``, URIs relative to ``ROOTPATH``."""
    index = {spec.id: i for i, spec in enumerate(rules)}
    descriptors = []
    for spec in rules:
        descriptor = _descriptor(spec, cwe_tag="CWE-{}")
        descriptor["name"] = "LanguageSpecificPackageVulnerability"
        descriptor["helpUri"] = f"https://avd.aquasec.com/nvd/{spec.id.lower()}"
        descriptor["properties"]["tags"] = ["vulnerability", "security", "CRITICAL"]
        descriptors.append(descriptor)
    results = [
        {
            "ruleId": hit.rule,
            "ruleIndex": index[hit.rule],
            "level": "error",
            "message": _text(
                f"Package: generated-pkg\nInstalled Version: 1.0.{hit.line}\n"
                f"Vulnerability {hit.rule}\nSeverity: CRITICAL"
            ),
            "locations": [_location(hit.path, hit, "ROOTPATH")],
        }
        for hit in hits
    ]
    driver = {
        "name": "Trivy",
        "fullName": "Trivy Vulnerability Scanner",
        "version": "0.57.0",
        "rules": descriptors,
    }
    bases = {"ROOTPATH": {"uri": root.absolute().as_uri() + "/"}}
    return {"tool": {"driver": driver}, "results": results, "originalUriBaseIds": bases}


def eslint_run(hits: list[Hit], rule_ids: tuple[str, ...]) -> Json:
    """ESLint (``@microsoft/eslint-formatter-sarif``): levels, rule indexes, no CWE."""
    rules = [
        {
            "id": r,
            "shortDescription": _text(f"Rule {r}."),
            "helpUri": f"https://eslint.org/docs/rules/{r}",
        }
        for r in rule_ids
    ]
    index = {r: i for i, r in enumerate(rule_ids)}
    results = [
        {
            "level": hit.level or "error",
            "message": _text(hit.message),
            "ruleId": hit.rule,
            "ruleIndex": index[hit.rule],
            "locations": [_location(f"file:///project/{hit.path}", hit)],
        }
        for hit in hits
    ]
    return {
        "tool": {"driver": {"name": "ESLint", "version": "9.14.0", "rules": rules}},
        "artifacts": [{"location": {"uri": f"file:///project/{h.path}"}} for h in hits],
        "results": results,
    }


def checkov_run(hits: list[Hit]) -> Json:
    """Checkov: ``CKV_*`` rule ids, ``error`` level, paths relative to the scanned dir."""
    rule_ids = sorted({hit.rule for hit in hits})
    rules = [
        {
            "id": r,
            "name": f"Ensure {r} holds",
            "shortDescription": _text(f"Ensure {r}"),
            "defaultConfiguration": {"level": "error"},
        }
        for r in rule_ids
    ]
    results = [
        {
            "ruleId": hit.rule,
            "ruleIndex": rule_ids.index(hit.rule),
            "level": "error",
            "message": _text(f"Ensure {hit.rule}"),
            "locations": [_location(hit.path, hit)],
        }
        for hit in hits
    ]
    return {
        "tool": {"driver": {"name": "Checkov", "version": "3.2.0", "rules": rules}},
        "results": results,
    }


def fake_aws_key(seed: int) -> str:
    """An AWS-access-key-shaped string, different per seed."""
    rng = random.Random(seed)  # noqa: S311  # reproducible fakes, not real secrets
    return "AK" + "IA" + "".join(rng.choices(string.ascii_uppercase + string.digits, k=16))


def fake_token(seed: int, length: int = 36) -> str:
    """A GitHub-token-shaped string, different per seed."""
    rng = random.Random(seed)  # noqa: S311  # reproducible fakes, not real secrets
    return "gh" + "p_" + "".join(rng.choices(string.ascii_letters + string.digits, k=length))
