"""pip-audit's JSON report (``pip-audit -f json``), read into neutral records.

pip-audit reports no severity; the check joins each vulnerability with the offline
database by id and aliases. A dependency pip-audit skipped (not on PyPI, unresolvable)
was not audited, which the check reports rather than treating as clean.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlgate.checks.deps.readers.text import LineIndex, as_dict, as_list, as_str, read_text
from mlgate.checks.deps.records import Dependency, DependencyFileError, normalize_name


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditedVuln:
    """One vulnerability pip-audit attached to a dependency."""

    id: str
    aliases: tuple[str, ...] = ()
    fix_versions: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditedDependency:
    """One dependency of the report: its vulnerabilities, or why pip-audit skipped it."""

    dependency: Dependency
    vulns: tuple[AuditedVuln, ...] = ()
    skip_reason: str | None = None


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(v for v in as_list(value) if isinstance(v, str))


def _vuln(raw: Any) -> AuditedVuln | None:
    entry = as_dict(raw)
    vuln_id = as_str(entry.get("id"))
    if vuln_id is None:
        return None
    return AuditedVuln(
        id=vuln_id,
        aliases=_strings(entry.get("aliases")),
        fix_versions=_strings(entry.get("fix_versions")),
        description=as_str(entry.get("description")) or "",
    )


def _entry(raw: Any, *, display: str, index: LineIndex) -> AuditedDependency | None:
    entry = as_dict(raw)
    name = as_str(entry.get("name"))
    if name is None:
        return None
    version = as_str(entry.get("version"))
    dependency = Dependency(
        name=normalize_name(name),
        version=version,
        specifier=f"=={version}" if version else "",
        path=display,
        line=index.find(name, key="name"),
        source="pip-audit",
    )
    vulns = tuple(v for v in map(_vuln, as_list(entry.get("vulns"))) if v is not None)
    return AuditedDependency(
        dependency=dependency, vulns=vulns, skip_reason=as_str(entry.get("skip_reason"))
    )


def read_pip_audit(path: Path, *, display: str) -> tuple[AuditedDependency, ...]:
    """The dependencies of a pip-audit JSON report (current and pre-2.0 list shape)."""
    text = read_text(path)
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        raise DependencyFileError(f"invalid JSON: {error}") from None
    entries = document if isinstance(document, list) else as_dict(document).get("dependencies")
    if not isinstance(entries, list):
        raise DependencyFileError("not a pip-audit JSON report (no `dependencies` list)")
    index = LineIndex(text)
    audited = (_entry(raw, display=display, index=index) for raw in entries)
    return tuple(a for a in audited if a is not None)
