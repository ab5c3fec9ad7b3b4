"""What the GitLab reports (SAST security report, Code Quality) share.

Both show the findings a reviewer still has to act on: waived findings are left out
(a reviewed waiver is GitLab's "dismissed"), baselined ones stay (GitLab compares the
merge request with the target branch itself, and its vulnerability report tracks debt).
Each entry gets an id that is stable across runs, from the gate and the fingerprint, so
GitLab can match a finding between pipelines.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from mlgate.core.verdict import Disposition, Verdict
from mlgate.reporters.base import Item, iter_items, line_span, relative_path


def reported_items(verdict: Verdict) -> Iterator[Item]:
    """Every finding but the waived ones, each (gate, fingerprint, rule) at most once."""
    seen: set[str] = set()
    for item in iter_items(verdict):
        if item.disposition is Disposition.WAIVED:
            continue
        key = stable_key(item)
        if key not in seen:
            seen.add(key)
            yield item


def stable_key(item: Item) -> str:
    """A hex SHA-256 naming the finding within its gate, the same in every run."""
    finding = item.finding
    text = "\x00".join((item.gate.name, finding.rule_id, finding.fingerprint))
    return hashlib.sha256(text.encode("utf-8", "backslashreplace")).hexdigest()


def item_path(item: Item, root: str) -> str | None:
    """The finding's file relative to the project root, or ``None`` outside it."""
    return relative_path(item.finding.location.path, root)


def item_lines(item: Item) -> tuple[int, int] | None:
    """``(start, end)`` lines when the finding has a valid source region."""
    span = line_span(item.finding)
    if span is None:
        return None
    start, _, end, _ = span
    return start, end or start
