"""Pull-request mode: which lines changed, and which findings touch them.

A :class:`ChangeSet` lists the files changed since a base commit and, for text files,
the changed line spans of their new version. The decision keeps a finding when its
location, or any step of its flow, lies on a changed line; a finding without a line
(an artifact member, a whole file) is kept when its file changed. A finding that names
no file at all cannot be placed, so it is kept: pull-request mode narrows what is
reported, it never hides what it cannot judge. Checks always analyse the whole
project; only their findings are narrowed, before waivers, baseline and thresholds.

A finding tagged :data:`FAIL_CLOSED` says part of the input was not analysed at all (a
file that does not parse, one over a size limit, a function past a depth budget). What
that part hides may flow into any changed line, wherever the gap itself lies, so such
a finding is always kept.

Reading the changes from git lives in :mod:`mlgate.vcs`; this module is pure.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from mlgate.core.finding import Finding, Location, SourceLocation

Span = tuple[int, int]

FAIL_CLOSED = "fail-closed"
"""Finding tag: input left unanalysed; never narrowed away, blocks unless waived."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangedFile:
    """One changed file: its root-relative path and its changed lines (inclusive spans).

    ``whole`` marks a file whose lines cannot be told apart (binary, untracked): any
    finding in it counts as changed.
    """

    path: str
    spans: tuple[Span, ...] = ()
    whole: bool = False

    def touches(self, start: int | None, end: int | None) -> bool:
        """Whether lines ``start..end`` overlap a changed span (no line: the file changed)."""
        if self.whole or start is None:
            return True
        last = end if end is not None and end >= start else start
        starts = [span[0] for span in self.spans]
        index = bisect_right(starts, last) - 1
        return index >= 0 and self.spans[index][1] >= start


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangeScope:
    """What a pull-request-mode verdict was limited to, as the verdict records it."""

    since: str
    base: str
    changed_files: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangeSet:
    """Files changed since ``base`` (the commit ``since`` resolved to), root-relative.

    Spans of each file are sorted and do not overlap (see :func:`merge_spans`).
    """

    since: str
    base: str
    files: tuple[ChangedFile, ...] = ()

    def scope(self) -> ChangeScope:
        """The record of this change set that a verdict keeps."""
        return ChangeScope(since=self.since, base=self.base, changed_files=len(self.files))

    def select(self, findings: Sequence[Finding]) -> tuple[Finding, ...]:
        """The findings that touch a changed line or changed file, in their order."""
        index = {changed.path: changed for changed in self.files}
        return tuple(f for f in findings if _is_changed(f, index))


def merge_spans(spans: Sequence[Span]) -> tuple[Span, ...]:
    """Sort spans and join the ones that overlap or touch: ``(1,2),(3,4)`` -> ``(1,4)``."""
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def normal_path(path: str) -> str:
    """A path as change sets spell it: forward slashes, no leading ``./``."""
    text = path.replace("\\", "/")
    while text.startswith("./"):
        text = text[2:]
    return str(PurePosixPath(text)) if text else text


def _places(finding: Finding) -> Iterator[Location]:
    yield finding.location
    for step in finding.flow:
        yield step.location


def _is_changed(finding: Finding, index: dict[str, ChangedFile]) -> bool:
    if FAIL_CLOSED in finding.tags:
        return True
    for location in _places(finding):
        if location.path is None:
            return True  # nothing to place it by: keep it rather than hide it
        changed = index.get(normal_path(location.path))
        if changed is None:
            continue
        if not isinstance(location, SourceLocation):
            return True
        if changed.touches(location.start_line, location.end_line):
            return True
    return False
