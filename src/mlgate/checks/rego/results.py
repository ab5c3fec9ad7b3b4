"""Reading rule values the way Conftest reads them.

A rule's value is a set of results (v1 ``deny contains msg if``), a string, ``true``
or an object. A result is a message string or an object with a string ``msg`` (other
keys are metadata; ``severity`` may raise or lower the default). regopy has no v0
mode: a v0 partial set ``deny[msg] { ... }`` compiles as a partial object
``{msg: true}``, so an object whose values are all ``true`` is read as the set of its
keys (keys that are not strings come back JSON-encoded and are decoded here).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from mlgate.checks.rego.policies import exception_name, rule_kind


class ResultShapeError(ValueError):
    """A rule produced a value Conftest would refuse (an object without a string ``msg``)."""


@dataclass(frozen=True, slots=True)
class RuleResult:
    """One failure or warning: rule, its kind, the message and its optional severity."""

    namespace: str
    rule: str
    kind: str
    message: str
    severity: str | None


def _decode_key(key: str) -> Any:
    if key[:1] in ("{", "["):
        try:
            return json.loads(key)
        except ValueError:
            return key
    return key


def members(value: Any) -> list[Any]:
    """The results a rule value holds (v0 partial sets read back from their keys)."""
    if value is None or value is False:
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, dict) and all(v is True for v in value.values()):
        return [_decode_key(key) for key in value]
    return [value]


def _message(rule: str, item: Any) -> tuple[str, str | None]:
    if isinstance(item, str):
        return item, None
    if item is True:
        return f"rule {rule} is true", None
    if isinstance(item, dict) and isinstance(item.get("msg"), str):
        severity = item.get("severity")
        return item["msg"], severity if isinstance(severity, str) else None
    raise ResultShapeError(f"rule {rule} returned {json.dumps(item)[:200]}: expected a string "
                           "or an object with a string `msg`")  # fmt: skip


def _exception_entries(value: Any) -> list[Any]:
    """The collections ``exception[_]`` ranges over (an object rule's values included)."""
    if isinstance(value, dict) and not all(v is True for v in value.values()):
        return list(value.values())
    return members(value)


def exception_matches(rules: dict[str, Any], name: str) -> int:
    """How many times ``data.<ns>.exception[_][_] == name`` holds for this input.

    Conftest reports one exception per solution of that query; a string entry is not
    a collection, so Rego's ``entry[_]`` is undefined on it and it never matches.
    """
    count = 0
    for entry in _exception_entries(rules.get("exception")):
        items = list(entry.values()) if isinstance(entry, dict) else entry
        if isinstance(items, list):
            count += sum(1 for item in items if item == name)
    return count


@dataclass(frozen=True, slots=True)
class Excepted:
    """A rule an ``exception`` switched off for one input: Conftest's exception result."""

    namespace: str
    rule: str
    count: int

    @property
    def query(self) -> str:
        """The query Conftest prints as the exception's message."""
        return f'data.{self.namespace}.exception[_][_] == "{exception_name(self.rule)}"'


@dataclass(frozen=True, slots=True)
class NamespaceOutcome:
    """Failures and warnings of one namespace on one input, and the rules excepted."""

    results: tuple[RuleResult, ...]
    excepted: tuple[Excepted, ...]


def rule_results(namespace: str, rules: dict[str, Any]) -> NamespaceOutcome:
    """Failures and warnings of one namespace on one input, exceptions applied.

    As in Conftest, an excepted rule is reported as an exception whether or not it
    produced results for this input, and its results neither fail nor warn.

    Raises:
        ResultShapeError: a result has a shape Conftest refuses.
    """
    found: list[RuleResult] = []
    excepted: list[Excepted] = []
    for rule in sorted(rules):
        kind = rule_kind(rule)
        if kind is None:
            continue
        matches = exception_matches(rules, exception_name(rule))
        if matches:
            excepted.append(Excepted(namespace, rule, matches))
            continue
        for item in members(rules[rule]):
            message, severity = _message(rule, item)
            found.append(RuleResult(namespace, rule, kind, message, severity))
    return NamespaceOutcome(tuple(found), tuple(excepted))
