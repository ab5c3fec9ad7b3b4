"""``pyproject.toml`` declarations: PEP 621 ``[project]``, PEP 735 groups and Poetry.

Declarations are ranges more often than pins; a dependency is pinned only when its
declaration selects exactly one version (``==1.2``, or a bare Poetry ``"1.2"``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from mlgate.checks.deps.readers.requirements import parse_requirement
from mlgate.checks.deps.readers.text import as_dict, as_list, as_str, read_toml
from mlgate.checks.deps.records import Dependency, DependencyFileError, ReadResult, normalize_name

_POETRY_EXACT = re.compile(r"^\s*(?:==\s*)?(\d[\w.+!-]*)\s*$")


def _pep508_lines(document: dict[str, Any]) -> list[str]:
    project = as_dict(document.get("project"))
    lines = [v for v in as_list(project.get("dependencies")) if isinstance(v, str)]
    for extra in as_dict(project.get("optional-dependencies")).values():
        lines.extend(v for v in as_list(extra) if isinstance(v, str))
    for group in as_dict(document.get("dependency-groups")).values():
        lines.extend(v for v in as_list(group) if isinstance(v, str))  # include-group tables
    return lines


def _line_of(text_lines: list[str], needle: str) -> int | None:
    for number, line in enumerate(text_lines, start=1):
        if needle in line:
            return number
    return None


def _key_line(text_lines: list[str], key: str) -> int | None:
    pattern = re.compile(rf'^\s*"?{re.escape(key)}"?\s*=', re.IGNORECASE)
    return next((n for n, line in enumerate(text_lines, 1) if pattern.match(line)), None)


def _poetry_tables(document: dict[str, Any]) -> list[dict[str, Any]]:
    poetry = as_dict(as_dict(document.get("tool")).get("poetry"))
    tables = [as_dict(poetry.get("dependencies")), as_dict(poetry.get("dev-dependencies"))]
    tables.extend(
        as_dict(as_dict(group).get("dependencies"))
        for group in as_dict(poetry.get("group")).values()
    )
    return tables


def _poetry_dependency(name: str, value: Any, *, path: str, line: int | None) -> Dependency:
    """A Poetry constraint: ``"1.2"`` is exact, ``"^1.2"``/``"~1.2"``/``"*"`` are ranges."""
    table = as_dict(value)
    constraint = as_str(value) or as_str(table.get("version")) or ""
    exact = _POETRY_EXACT.match(constraint)
    is_local = any(key in table for key in ("path", "git", "url"))
    return Dependency(
        name=normalize_name(name),
        version=exact.group(1) if exact and not is_local else None,
        specifier=constraint,
        path=path,
        line=line,
        source="pyproject",
        marker=as_str(table.get("markers")),
        is_local=is_local,
    )


def read_pyproject(path: Path, *, display: str) -> ReadResult:
    """Declared dependencies of a ``pyproject.toml`` (PEP 621, PEP 735 and Poetry)."""
    document, text = read_toml(path)
    text_lines = text.splitlines()
    dependencies: list[Dependency] = []
    problems: list[str] = []
    for requirement in _pep508_lines(document):
        line = _line_of(text_lines, requirement)
        try:
            dependencies.append(
                parse_requirement(requirement, path=display, number=line, source="pyproject")
            )
        except DependencyFileError as error:
            problems.append(f"{display}: {error}")
    for table in _poetry_tables(document):
        for name, value in table.items():
            if name.lower() == "python":
                continue  # the interpreter constraint, not a package
            line = _key_line(text_lines, name)
            dependencies.append(_poetry_dependency(name, value, path=display, line=line))
    return ReadResult(
        dependencies=tuple(dependencies),
        problems=tuple(problems),
        files=(display,),
    )
