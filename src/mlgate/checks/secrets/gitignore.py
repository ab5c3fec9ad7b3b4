"""``.gitignore`` files of the scanned tree, so the secrets check skips what git ignores.

Patterns mean what :mod:`mlgate.core.globs` makes of them (``*`` stays within a path
segment, ``**`` spans segments, a pattern without a slash matches at any depth), with
git's additions on top: ``!`` re-includes, a trailing ``/`` matches directories only, a
leading ``/`` anchors to the ``.gitignore``'s directory, and the last matching line wins,
deeper files after shallower ones. Unlike git, a negation may re-include a file below an
ignored directory (scanning one file too many is the safe side). ``.git/info/exclude``
and global excludes are not read: they are the user's, not the project's.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path

from mlgate.core.globs import matches

# A first segment no real path has: prefixed to a pattern and a path, it anchors the
# pattern at the .gitignore's directory (core.globs lets slash-less patterns float).
_ANCHOR = "\x00"
_MAX_BYTES = 1 << 20


@dataclass(frozen=True, slots=True)
class IgnoreRule:
    """One line of a ``.gitignore``: where it lives and what it matches."""

    base: str
    pattern: str
    negated: bool
    directory_only: bool
    anchored: bool

    def matches(self, path: str) -> bool:
        """Whether the root-relative posix ``path`` of a file falls under this rule."""
        return self._matches(posixpath.dirname(path) if self.directory_only else path)

    def covers_directory(self, directory: str) -> bool:
        """Whether this rule ignores the root-relative ``directory`` itself (or an ancestor)."""
        return self._matches(directory)

    def _matches(self, path: str) -> bool:
        if self.base:
            if not path.startswith(self.base + "/"):
                return False
            path = path[len(self.base) + 1 :]
        if not path:
            return False
        if self.anchored:
            return matches(f"{_ANCHOR}/{path}", f"{_ANCHOR}/{self.pattern}")
        return matches(path, self.pattern)


def parse_rules(text: str, base: str) -> list[IgnoreRule]:
    """The rules of one ``.gitignore`` whose directory is ``base`` (root-relative)."""
    rules = []
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        line = line[1:] if negated else line.removeprefix("\\")
        directory_only = line.endswith("/")
        line = line.rstrip("/")
        anchored = "/" in line
        line = line.lstrip("/")
        if line:
            rules.append(IgnoreRule(base, line, negated, directory_only, anchored))
    return rules


class GitIgnore:
    """Answers "does git ignore this file?" for files under one root."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._by_directory: dict[str, list[IgnoreRule]] = {}

    def is_ignored(self, relative: str, named: str = "") -> bool:
        """Whether the root-relative posix path is ignored (the last matching rule wins).

        ``named`` is a directory the user named explicitly, holding the file: rules that
        ignore it or one of its ancestors do not apply, since naming a path asks for it.
        """
        ignored = False
        for rule in self._rules_for(posixpath.dirname(relative)):
            if named and not rule.negated and rule.covers_directory(named):
                continue
            if rule.matches(relative):
                ignored = not rule.negated
        return ignored

    def _rules_for(self, directory: str) -> list[IgnoreRule]:
        parts = directory.split("/") if directory else []
        rules: list[IgnoreRule] = []
        for depth in range(len(parts) + 1):
            rules.extend(self._load("/".join(parts[:depth])))
        return rules

    def _load(self, directory: str) -> list[IgnoreRule]:
        cached = self._by_directory.get(directory)
        if cached is None:
            path = self.root / directory / ".gitignore"
            try:
                # A .gitignore that is a symlink or huge is not the project's own file.
                is_plain = path.is_file() and not path.is_symlink()
                text = path.read_bytes()[:_MAX_BYTES].decode("utf-8", "replace") if is_plain else ""
            except OSError:
                text = ""
            cached = parse_rules(text, directory)
            self._by_directory[directory] = cached
        return cached
