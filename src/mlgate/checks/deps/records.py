"""Neutral records of a dependency declaration, shared by every reader.

A reader turns one file into :class:`Dependency` records; matching and policy work on
these alone, so adding a lock format never touches the rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

SourceKind = Literal[
    "requirements",
    "pyproject",
    "poetry.lock",
    "uv.lock",
    "Pipfile.lock",
    "pylock",
    "pip-audit",
    "environment",
]
_SEPARATORS = re.compile(r"[-_.]+")


def normalize_name(name: str) -> str:
    """The PEP 503 normal form of a project name (``Foo.Bar_baz`` -> ``foo-bar-baz``)."""
    return _SEPARATORS.sub("-", name).lower()


@dataclass(frozen=True, slots=True, kw_only=True)
class Dependency:
    """One declared or locked dependency.

    ``version`` is set only when exactly one version is selected (``==1.2``, a lock
    entry); ``specifier`` keeps the declared text for messages. ``hashes`` are the
    ``algorithm:hex`` digests the file pins, empty when none.
    """

    name: str
    version: str | None
    specifier: str
    path: str
    line: int | None
    source: SourceKind
    hashes: tuple[str, ...] = ()
    marker: str | None = None
    is_local: bool = False

    @property
    def is_pinned(self) -> bool:
        """Whether the file selects exactly one version."""
        return self.version is not None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadResult:
    """What one input file yielded: dependencies, and problems that lost some of them."""

    dependencies: tuple[Dependency, ...] = ()
    problems: tuple[str, ...] = ()
    files: tuple[str, ...] = ()


class DependencyFileError(ValueError):
    """The file cannot be read as the format its name promises; the message says why."""
