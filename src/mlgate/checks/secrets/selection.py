"""Which files the secrets check scans, and which ``.gitignore`` left out.

``.gitignore`` describes what a project does not track, not what a user asked to scan:
a path named explicitly (a literal entry of ``paths``, or a ``mlgate scan`` argument) is
scanned even when git ignores it or a directory above it, while rules that ignore files
further below it still apply. Every file left out is reported as skipped, so a scan that
reads nothing never passes silently.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from pathlib import Path

from mlgate.checks.secrets.gitignore import GitIgnore
from mlgate.checks.secrets.parallel import Job
from mlgate.core.finding import SkippedInput
from mlgate.core.fs import iter_input_entries
from mlgate.core.globs import is_glob

# Reports list this many ignored files by name; the rest are counted in one entry.
MAX_LISTED = 50
_IGNORED = "ignored by .gitignore"
IGNORED_REASON = f"{_IGNORED} (set `respect_gitignore: false` to scan it)"


def named_paths(patterns: list[str]) -> tuple[str, ...]:
    """The root-relative paths the patterns name, deepest first; the root is not one.

    A literal pattern names its path; a glob names the directories before its first
    wildcard (``model/*.pkl`` names ``model``).
    """
    named = {_fixed_part(posixpath.normpath(p.replace("\\", "/"))) for p in patterns}
    named -= {".", ""}
    return tuple(sorted(named, key=len, reverse=True))


def _fixed_part(pattern: str) -> str:
    if not is_glob(pattern):
        return pattern
    fixed = []
    for segment in pattern.split("/"):
        if is_glob(segment):
            break
        fixed.append(segment)
    return "/".join(fixed)


def innermost_named(relative: str, named: tuple[str, ...]) -> str | None:
    """The deepest named path that is ``relative`` or one of its directories."""
    for path in named:
        if relative == path or relative.startswith(path + "/"):
            return path
    return None


class Selection:
    """The files to scan, yielded lazily as the walk finds them, minus what git ignores."""

    def __init__(
        self,
        root: Path,
        patterns: list[str],
        exclude: list[str],
        include: list[str],
        *,
        respect_gitignore: bool,
    ) -> None:
        self.root = root
        self.patterns = patterns
        self.exclude = exclude
        self.include = include
        self.ignore = GitIgnore(root) if respect_gitignore else None
        self.ignored: list[str] = []
        self.ignored_count = 0

    def __iter__(self) -> Iterator[Job]:
        """Each selected file once; ignored ones are recorded instead."""
        named = named_paths(self.patterns)
        entries = iter_input_entries(self.root, self.patterns, self.exclude, self.include)
        for entry in entries:
            if self._ignored(entry.relative, innermost_named(entry.relative, named)):
                self.ignored_count += 1
                if len(self.ignored) < MAX_LISTED:
                    self.ignored.append(entry.relative)
                continue
            yield Job(entry.path, entry.relative, entry.size)

    def _ignored(self, relative: str, named: str | None) -> bool:
        if self.ignore is None or named == relative:
            return False
        return self.ignore.is_ignored(relative, named or "")

    def skipped(self) -> tuple[SkippedInput, ...]:
        """The ignored files by name, then one entry counting those not listed."""
        listed = [SkippedInput(path=p, reason=IGNORED_REASON) for p in self.ignored]
        more = self.ignored_count - len(self.ignored)
        if more:
            listed.append(
                SkippedInput(path=".", reason=f"{more} more files {_IGNORED}, not listed")
            )
        return tuple(listed)
