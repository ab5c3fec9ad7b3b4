"""Finding rule metadata across installed checks (for ``mlgate explain`` and docs)."""

from __future__ import annotations

from typing import Any

from mlgate.core.registry import Registry
from mlgate.core.rule import Rule


def find_rule(registry: Registry[type[Any]], key: str) -> tuple[str, Rule] | None:
    """The check id and rule whose id or slug equals ``key`` (case-insensitive)."""
    wanted = key.strip().lower()
    for name in registry.names():
        try:
            rules: tuple[Rule, ...] = registry.load(name).rules
        except Exception:  # noqa: BLE001, S112  # one broken plug-in must not hide the others' rules
            continue
        for rule in rules:
            if wanted in (rule.id.lower(), rule.slug.lower()):
                return name, rule
    return None


def rule_text(check_id: str, rule: Rule) -> str:
    """A plain-text rule page."""
    lines = [
        f"{rule.id} {rule.slug}  (check: {check_id}, default severity: {rule.severity.label})",
        "",
        rule.summary,
        "",
        f"How to fix: {rule.remediation}",
    ]
    if rule.cwe:
        lines.append("CWE: " + ", ".join(f"CWE-{c}" for c in rule.cwe))
    if rule.external_ids:
        lines.append("Also known as: " + ", ".join(f"{t} {i}" for t, i in rule.external_ids))
    if rule.help_uri:
        lines.append(f"More: {rule.help_uri}")
    lines.extend(["", "Examples:", *(f"  {e}" for e in rule.examples)] if rule.examples else [])
    lines += [
        "",
        "To accept a specific finding for a while, add a waiver to the policy:",
        f'  - rule: "{rule.id}"',
        '    fingerprint: "<fingerprint from the report>"',
        '    reason: "<why this risk is accepted>"',
        '    owner: "<who reviewed it>"',
        "    expires: <YYYY-MM-DD>",
    ]
    return "\n".join(lines)
