"""Jupyter notebooks: cell sources and text outputs, decoded from their JSON.

Matching the raw file would see JSON escapes (escaped quotes and newlines) inside tokens and keys;
decoding first makes a notebook read like the code it holds. Findings say which cell
(1-based, in file order) and which line of that cell, and point at the line of the raw
file where the secret's first line sits. Image outputs (base64 PNG/JPEG/GIF, PDF) are
never matched: they are pictures, not credentials.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from mlgate.checks.secrets.readers.hits import Hit, LineIndex
from mlgate.core.finding import SourceLocation
from mlgate.credentials.matcher import Matcher

_BINARY_MIME_PREFIXES = ("image/", "application/pdf", "video/", "audio/")
# Terminal colour and cursor sequences in logged output: glued to a value, they end or
# start it with letters (``\x1b[32m``) and no pattern's boundary holds.
_ANSI = re.compile(r"\x1b\[[0-9;?]{0,32}[ -/]{0,4}[@-~]")


class NotebookError(ValueError):
    """The file is not a JSON notebook of format 4."""


@dataclass(frozen=True, slots=True)
class Segment:
    """One text of a notebook: a cell's source or one of its outputs."""

    cell: int
    part: str
    text: str


def _joined(value: Any) -> str:
    if isinstance(value, list):
        return "".join(item for item in value if isinstance(item, str))
    return value if isinstance(value, str) else ""


def _output_texts(output: dict[str, Any]) -> Iterator[str]:
    yield _joined(output.get("text"))
    yield "\n".join(_joined(line) for line in output.get("traceback") or [])
    data = output.get("data")
    if isinstance(data, dict):
        for mime, value in data.items():
            if not str(mime).startswith(_BINARY_MIME_PREFIXES):
                yield _joined(value) if not isinstance(value, dict) else json.dumps(value)


def segments(document: Any) -> Iterator[Segment]:
    """Every cell source and text output of a parsed notebook.

    Raises:
        NotebookError: the document has no list of cells.
    """
    cells = document.get("cells") if isinstance(document, dict) else None
    if not isinstance(cells, list):
        raise NotebookError("not a notebook of format 4 (no cell list)")
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict):
            continue
        yield Segment(number, "source", _joined(cell.get("source")))
        for index, output in enumerate(cell.get("outputs") or [], start=1):
            if isinstance(output, dict):
                text = "\n".join(t for t in _output_texts(output) if t)
                yield Segment(number, f"output {index}", _ANSI.sub("", text))


def notebook_hits(raw: str, path: str, matcher: Matcher) -> list[Hit]:
    """Credentials in a notebook's cells, located by cell, cell line and file line.

    Raises:
        NotebookError: the file is not a notebook (the caller scans it as text).
    """
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError) as error:
        raise NotebookError(f"notebook is not valid JSON: {type(error).__name__}") from None
    raw_index = LineIndex(raw)
    cursor = 0
    hits: list[Hit] = []
    for segment in segments(document):
        matches = matcher.find(segment.text)
        if not matches:
            continue
        index = LineIndex(segment.text)
        for match in matches:
            line = index.position(match.start)[0]
            file_line, cursor = _file_line(raw, raw_index, match.secret, cursor)
            where = f"cell {segment.cell} {segment.part}, line {line}"
            location = SourceLocation(path=path, start_line=file_line, start_column=None)
            ignore = index.ignore_at(line) if segment.part == "source" else None
            hits.append(Hit(match, location, where=where, ignore=ignore))
    return hits


def _file_line(raw: str, index: LineIndex, secret: str, cursor: int) -> tuple[int | None, int]:
    """The raw line holding the secret's first line as JSON spells it, searched onwards."""
    first = json.dumps(secret.split("\n", 1)[0], ensure_ascii=False)[1:-1]
    found = raw.find(first, cursor)
    if found < 0:
        found = raw.find(first)
    if found < 0:
        return None, cursor
    return index.position(found)[0], found + 1
