"""Rule metadata: the typed record behind `mlgate explain` and the rule docs."""

from __future__ import annotations

from dataclasses import dataclass

from mlgate.core.finding import Severity


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    """What a rule detects, how bad it is by default, and how to fix it.

    ``id`` is short and stable (``SARIF001``); ``slug`` is readable
    (``sarif-file-unreadable``). ``external_ids`` maps other tools' names for the
    same rule (``{"checkov": "CKV_K8S_23"}``) so users recognise it.
    """

    id: str
    slug: str
    severity: Severity
    summary: str
    remediation: str
    cwe: tuple[int, ...] = ()
    external_ids: tuple[tuple[str, str], ...] = ()
    help_uri: str | None = None
    examples: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
