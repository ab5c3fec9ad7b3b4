"""Bounded text reading and line lookup shared by the dependency readers."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from mlgate.checks.deps.records import DependencyFileError
from mlgate.core.errors import ResourceLimitError

MAX_FILE_BYTES = 32 * 1024 * 1024


def read_text(path: Path, max_bytes: int = MAX_FILE_BYTES) -> str:
    """The UTF-8 text of ``path``, refusing files larger than ``max_bytes``."""
    with path.open("rb") as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ResourceLimitError(f"{path.name} size", limit=max_bytes, actual=len(data))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DependencyFileError(f"not UTF-8 text ({error.reason})") from None


def read_toml(path: Path) -> tuple[dict[str, Any], str]:
    """The parsed TOML document and its text (for line lookup)."""
    text = read_text(path)
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as error:
        raise DependencyFileError(f"invalid TOML: {error}") from None
    except RecursionError:
        raise DependencyFileError("invalid TOML: nested too deeply") from None


class LineIndex:
    """Finds the first line at or after a position where a quoted name is written.

    tomllib and json keep no positions; lock files write each package name quoted, so
    the first quoted occurrence of the name after the previous hit is its line.
    """

    def __init__(self, text: str) -> None:
        self._lines = text.splitlines()
        self._cursor = 0

    def find(self, name: str, *, key: str | None = None) -> int | None:
        """1-based line of ``key = "name"`` (TOML), ``"key": "name"`` or ``"name":`` (JSON)."""
        quoted = re.escape(name)
        if key is None:
            return self._search(re.compile(rf'^\s*"{quoted}"\s*:', re.IGNORECASE))
        return self._search(
            re.compile(rf'(^\s*|"){re.escape(key)}"?\s*[=:]\s*"{quoted}"', re.IGNORECASE)
        )

    def _search(self, pattern: re.Pattern[str]) -> int | None:
        for start in (self._cursor, 0):
            for index in range(start, len(self._lines)):
                if pattern.search(self._lines[index]):
                    self._cursor = index + 1
                    return index + 1
        return None


def as_dict(value: Any) -> dict[str, Any]:
    """``value`` if it is a table, else an empty one (a wrong type counts as absent)."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    """``value`` if it is an array, else an empty one."""
    return value if isinstance(value, list) else []


def as_str(value: Any) -> str | None:
    """``value`` if it is a non-empty string."""
    return value if isinstance(value, str) and value else None
