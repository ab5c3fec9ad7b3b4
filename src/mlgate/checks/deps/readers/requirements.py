"""``requirements*.txt`` in pip's format: hashes, markers and bounded ``-r`` includes.

Includes are followed only to regular files inside the scanned root, at most
:data:`MAX_INCLUDE_DEPTH` levels deep and :data:`MAX_INCLUDED_FILES` files in all; a
file included twice (or in a cycle) is read once. Constraint files (``-c``) select
versions without adding dependencies, so they are not read as dependencies.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement

from mlgate.checks.deps.readers.text import read_text
from mlgate.checks.deps.records import (
    Dependency,
    DependencyFileError,
    ReadResult,
    SourceKind,
    normalize_name,
)
from mlgate.core.errors import ResourceLimitError

MAX_INCLUDE_DEPTH = 8
MAX_INCLUDED_FILES = 64
_COMMENT = re.compile(r"(^|\s)#.*$")
_HASH = re.compile(r"\s--hash[=\s]+(\S+)")
_INCLUDE = re.compile(r"^(?:-r|--requirement)(?:\s*=\s*|\s+|(?=\S))(\S+)$")
_EDITABLE = re.compile(r"^(?:-e|--editable)\b")


def pinned_version(specifier: str) -> str | None:
    """The single version an ``==``/``===`` specifier selects, else ``None``."""
    parts = [p.strip() for p in specifier.split(",") if p.strip()]
    if len(parts) != 1:
        return None
    match = re.fullmatch(r"(===?)\s*([^\s*]+)", parts[0])
    return match.group(2) if match else None


def logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """Lines without comments, backslash continuations joined, each with its first line."""
    pending: list[str] = []
    start = 1
    for number, raw in enumerate(text.splitlines(), start=1):
        if not pending:
            start = number
        line = _COMMENT.sub("", raw)
        if line.endswith("\\"):
            pending.append(line[:-1])
            continue
        pending.append(line)
        joined = " ".join(pending).strip()
        pending = []
        if joined:
            yield start, joined
    if pending and " ".join(pending).strip():
        yield start, " ".join(pending).strip()


def parse_requirement(
    line: str, *, path: str, number: int | None, source: SourceKind = "requirements"
) -> Dependency:
    """One PEP 508 requirement (options other than ``--hash`` removed) as a dependency."""
    hashes = tuple(_HASH.findall(f" {line}"))
    text = _HASH.sub("", f" {line}").strip()
    try:
        requirement = Requirement(text)
    except InvalidRequirement as error:
        raise DependencyFileError(f"line {number}: not a requirement ({error})") from None
    specifier = str(requirement.specifier)
    return Dependency(
        name=normalize_name(requirement.name),
        version=None if requirement.url else pinned_version(specifier),
        specifier=specifier or (f"@ {requirement.url}" if requirement.url else ""),
        path=path,
        line=number,
        source=source,
        hashes=hashes,
        marker=str(requirement.marker) if requirement.marker else None,
        is_local=requirement.url is not None,
    )


@dataclass(slots=True)
class _Walk:
    """State of one read across includes."""

    root: Path
    display: Callable[[Path], str]
    seen: set[Path] = field(default_factory=set)
    dependencies: list[Dependency] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def read(self, path: Path, depth: int) -> None:
        resolved = path.resolve()
        if resolved in self.seen:
            return
        if len(self.seen) >= MAX_INCLUDED_FILES:
            raise ResourceLimitError(
                "requirements files included", limit=MAX_INCLUDED_FILES, actual=len(self.seen) + 1
            )
        self.seen.add(resolved)
        display = self.display(path)
        for number, line in logical_lines(read_text(path)):
            self._line(path, display, number, line, depth)

    def _line(self, path: Path, display: str, number: int, line: str, depth: int) -> None:
        include = _INCLUDE.match(line)
        if include:
            self._include(path, display, number, include.group(1), depth)
        elif _EDITABLE.match(line) or line.startswith("-"):
            return  # editable checkouts and pip options name no index release
        elif "/" in line.split(";")[0] and "@" not in line:
            return  # a bare path or URL archive: nothing an advisory can name
        else:
            try:
                self.dependencies.append(parse_requirement(line, path=display, number=number))
            except DependencyFileError as error:
                self.problems.append(f"{display}: {error}")

    def _include(self, parent: Path, display: str, number: int, target: str, depth: int) -> None:
        where = f"{display}:{number}"
        candidate = parent.parent / target
        if "://" in target:
            self.problems.append(f"{where}: remote include {target!r} is not read (offline)")
        elif depth >= MAX_INCLUDE_DEPTH:
            self.problems.append(f"{where}: includes nested deeper than {MAX_INCLUDE_DEPTH}")
        elif candidate.is_symlink() or not _inside(self.root, candidate):
            self.problems.append(f"{where}: include {target!r} leaves the scanned tree")
        elif not candidate.is_file():
            self.problems.append(f"{where}: included file {target!r} does not exist")
        else:
            self.read(candidate, depth + 1)


def _inside(root: Path, path: Path) -> bool:
    return path.resolve().is_relative_to(root.resolve())


def read_requirements(path: Path, *, root: Path, display: Callable[[Path], str]) -> ReadResult:
    """Every requirement of ``path`` and of the files it includes."""
    walk = _Walk(root=root, display=display)
    walk.read(path, 0)
    return ReadResult(
        dependencies=tuple(walk.dependencies),
        problems=tuple(walk.problems),
        files=tuple(sorted(display(p) for p in walk.seen)),
    )
