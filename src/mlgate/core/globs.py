"""Glob patterns over forward-slash relative paths, with ``**`` spanning directories.

A pattern without a slash matches a name at any depth (``*.pkl``), as in ``.gitignore``.

One matcher serves input selection, excludes and waiver scopes, so a pattern means
the same thing everywhere in a policy file.
"""

from __future__ import annotations

import re
from functools import lru_cache

_GLOB_CHARS = frozenset("*?[")


def is_glob(pattern: str) -> bool:
    """Whether the pattern has wildcard characters (else it names one path)."""
    return any(char in _GLOB_CHARS for char in pattern)


@lru_cache(maxsize=512)
def _compile(pattern: str) -> re.Pattern[str]:
    pattern = pattern.strip().removeprefix("./")
    if "/" not in pattern.rstrip("/"):
        # As in .gitignore: a bare name or wildcard matches at any depth.
        pattern = "**/" + pattern
    pattern = pattern.rstrip("/")
    parts: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if pattern.startswith("**/", index):
            parts.append("(?:.*/)?")
            index += 3
            continue
        if pattern.startswith("**", index):
            parts.append(".*")
            index += 2
            continue
        if char == "*":
            parts.append("[^/]*")
        elif char == "?":
            parts.append("[^/]")
        elif char == "[":
            end = pattern.find("]", index + 1)
            if end == -1:
                parts.append(re.escape(char))
            else:
                body = pattern[index + 1 : end].replace("\\", "\\\\")
                if body.startswith("!"):
                    body = "^" + body[1:]
                parts.append(f"[{body}]")
                index = end
        else:
            parts.append(re.escape(char))
        index += 1
    # A pattern naming a directory also matches everything below it.
    return re.compile("".join(parts) + "(?:/.*)?", re.DOTALL)


def matches(path: str, pattern: str) -> bool:
    """Whether the relative posix ``path`` matches ``pattern`` (or lies below a match)."""
    return _compile(pattern).fullmatch(path.removeprefix("./")) is not None


def matches_any(path: str, patterns: list[str] | tuple[str, ...]) -> bool:
    """Whether ``path`` matches at least one pattern."""
    return any(matches(path, pattern) for pattern in patterns)
