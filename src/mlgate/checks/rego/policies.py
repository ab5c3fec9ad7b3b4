"""Rego policy files and data documents, and Conftest's rule-naming conventions.

Conftest judges the rules of each namespace by name: ``deny``, ``violation`` and
``warn``, each optionally followed by ``_suffix`` parts (``deny_run_as_root``).
``exception`` rules list rule names without their ``deny_``/``violation_``/``warn_``
prefix (``""`` for a bare ``deny``, ``violation`` or ``warn``); the named rules' results
do not count for the input the exception was evaluated on.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlgate.core.check import CheckConfig, CheckContext
from mlgate.formats.yamldocs import YamlLimits, YamlSyntaxError, read_yaml_documents

FAILURE_RULE = re.compile(r"^(deny|violation)(_[a-zA-Z0-9]+)*$")
WARNING_RULE = re.compile(r"^warn(_[a-zA-Z0-9]+)*$")
_PACKAGE = re.compile(r"^\s*package\s+([A-Za-z_][\w.]*)", re.MULTILINE)
_PREFIXES = ("violation_", "deny_", "warn_")
_BARE = frozenset({"deny", "warn", "violation"})


@dataclass(frozen=True, slots=True)
class PolicyModule:
    """One ``.rego`` file: its display path, source and package (namespace)."""

    path: str
    source: str
    package: str


@dataclass(frozen=True, slots=True)
class PolicySet:
    """Every module and data document of a run."""

    modules: tuple[PolicyModule, ...]
    data: tuple[Any, ...]

    @property
    def packages(self) -> tuple[str, ...]:
        """The namespaces the modules declare, each once, sorted."""
        return tuple(sorted({m.package for m in self.modules}))


class PolicyLoadError(ValueError):
    """A policy or data file cannot be read."""


def rule_kind(name: str) -> str | None:
    """``failure``, ``warning`` or ``None`` (a helper rule Conftest ignores)."""
    if FAILURE_RULE.match(name):
        return "failure"
    return "warning" if WARNING_RULE.match(name) else None


def exception_name(rule: str) -> str:
    """The name an ``exception`` rule uses for ``rule`` (Conftest: bare names map to "").

    Conftest strips the prefixes one after another, in this order, so
    ``violation_deny_x`` is excepted as ``x``; the same is done here.
    """
    if rule in _BARE:
        return ""
    for prefix in _PREFIXES:
        rule = rule.removeprefix(prefix)
    return rule


def _module(path: str, source: str) -> PolicyModule:
    match = _PACKAGE.search(source)
    if match is None:
        raise PolicyLoadError(f"{path}: no `package` declaration")
    return PolicyModule(path, source, match.group(1))


def _data(path: Path, display: str) -> list[Any]:
    raw = path.read_bytes()
    if path.suffix == ".json":
        try:
            return [json.loads(raw)]
        except ValueError as error:
            raise PolicyLoadError(f"{display}: not JSON: {error}") from None
    try:
        return [document.data for document in read_yaml_documents(raw, YamlLimits())]
    except YamlSyntaxError as error:
        raise PolicyLoadError(f"{display}: {error}") from None


def load_policies(ctx: CheckContext, policies: list[str], data: list[str]) -> PolicySet:
    """Read every ``.rego`` file under ``policies`` and JSON/YAML file under ``data``.

    Raises:
        PolicyLoadError: a file is unreadable or a module declares no package.
    """
    modules: list[PolicyModule] = []
    documents: list[Any] = []
    rego = CheckConfig(paths=policies or ["."], include=["*.rego"], exclude=["*_test.rego"])
    data_files = CheckConfig(paths=data or ["."], include=["*.json", "*.yaml", "*.yml"])
    try:
        if policies:
            for path in ctx.input_files(rego):
                text = path.read_text(encoding="utf-8")
                modules.append(_module(ctx.display_path(path), text))
        if data:
            for path in ctx.input_files(data_files):
                documents += _data(path, ctx.display_path(path))
    except (OSError, UnicodeDecodeError) as error:
        raise PolicyLoadError(f"cannot read policy input: {error}") from None
    return PolicySet(tuple(modules), tuple(documents))
