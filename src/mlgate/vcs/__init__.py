"""Version control: the lines a pull request changed, for ``mlgate run --changed-since``."""

from __future__ import annotations

from mlgate.vcs.diff import parse_unified_diff
from mlgate.vcs.git import AUTO, changes_since, ci_base_ref, merge_base, resolve_since

__all__ = [
    "AUTO",
    "changes_since",
    "ci_base_ref",
    "merge_base",
    "parse_unified_diff",
    "resolve_since",
]
