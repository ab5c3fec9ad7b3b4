"""What every reader produces, and the line arithmetic they share."""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from mlgate.core.finding import Location
from mlgate.credentials.allowlist import InlineIgnore, inline_ignore
from mlgate.credentials.matcher import Match


@dataclass(frozen=True, slots=True)
class Hit:
    """A credential found in a file: the match, its location, a human ``where``."""

    match: Match
    location: Location
    where: str = ""
    member: str = ""
    ignore: InlineIgnore | None = None


class LineIndex:
    """Offsets of line starts, so offsets map to 1-based (line, column) quickly."""

    def __init__(self, text: str) -> None:
        self.text = text
        starts = [0]
        position = text.find("\n")
        while position >= 0:
            starts.append(position + 1)
            position = text.find("\n", position + 1)
        self.starts = starts

    def position(self, offset: int) -> tuple[int, int]:
        """The 1-based line and column of ``offset``."""
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1

    def line_text(self, line: int) -> str:
        """The text of a 1-based line, without its newline."""
        start = self.starts[line - 1]
        end = self.starts[line] - 1 if line < len(self.starts) else len(self.text)
        return self.text[start:end]

    def ignore_at(self, line: int) -> InlineIgnore | None:
        """An inline suppression on this line, or alone on the line above it."""
        marker = inline_ignore(self.line_text(line))
        if marker is None and line > 1:
            above = self.line_text(line - 1).strip()
            if above.startswith(("#", "//", "--", ";", "<!--")):
                marker = inline_ignore(above)
        return marker
