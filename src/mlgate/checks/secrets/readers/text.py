"""Plain text: source code, configs (.env, YAML, JSON, TOML, INI), Dockerfiles, Terraform.

Configs are matched as text rather than parsed: the detectors understand ``key: value``,
``key = "value"`` and ``"key": "value"`` alike, and the raw text gives exact lines and
columns (a parsed YAML value would lose them).
"""

from __future__ import annotations

import mmap

from mlgate.checks.secrets.readers.hits import Hit, LineIndex
from mlgate.core.finding import SourceLocation
from mlgate.credentials.matcher import Matcher


def decode_text(data: bytes | mmap.mmap) -> str:
    """Text of a file: UTF-16 with its BOM, else UTF-8 with undecodable bytes replaced.

    A memory map is decoded in place (``str`` reads any buffer), without a bytes copy.
    """
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return str(data, "utf-16", "replace")
    return str(data, "utf-8", "replace")


def text_hits(text: str, path: str, matcher: Matcher) -> list[Hit]:
    """Credentials in a text file, with line/column spans and inline suppressions."""
    matches = matcher.find(text)
    if not matches:
        return []
    index = LineIndex(text)
    hits = []
    for match in matches:
        line, column = index.position(match.start)
        end_line, end_column = index.position(match.end)
        location = SourceLocation(
            path=path,
            start_line=line,
            start_column=column,
            end_line=end_line,
            end_column=end_column,
        )
        hits.append(Hit(match, location, ignore=index.ignore_at(line)))
    return hits
