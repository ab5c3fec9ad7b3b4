"""Reading ``git diff --unified=0`` output into changed files and line spans.

Only the new side matters: a hunk ``@@ -a,b +c,d @@`` changed lines ``c .. c+d-1`` of
the new file (``d`` defaults to 1; ``d = 0`` is a pure deletion with no new line). A
binary file has no hunks and counts as changed as a whole. A pure rename (similarity
100 %) has no hunks either: its content is unchanged, so no line of it is new. Paths
that git quotes (C-style, for tabs, quotes or bytes outside ASCII) are unquoted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from mlgate.core.changes import ChangedFile, Span, merge_spans

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}


def unquote(text: str) -> str:
    r"""A path as git wrote it, unquoted when git quoted it (``"a\303\251"`` -> ``aé``)."""
    if not (len(text) >= 2 and text[0] == '"' and text[-1] == '"'):
        return text
    out = bytearray()
    body = text[1:-1]
    position = 0
    while position < len(body):
        char = body[position]
        if char != "\\" or position + 1 >= len(body):
            out += char.encode("utf-8", "surrogateescape")
            position += 1
        elif body[position + 1] in _ESCAPES:
            out.append(_ESCAPES[body[position + 1]])
            position += 2
        else:
            out.append(int(body[position + 1 : position + 4], 8) & 0xFF)
            position += 4
    return out.decode("utf-8", "surrogateescape")


def _header_path(rest: str) -> str | None:
    """The path of ``diff --git a/P b/P`` (old and new path equal, as when not renamed)."""
    if rest.startswith('"'):
        old = unquote(rest[: _closing_quote(rest) + 1])
        return old[2:] if old.startswith("a/") else None
    size = (len(rest) - 5) // 2
    path = rest[2 : 2 + size]
    return path if rest == f"a/{path} b/{path}" else None


def _closing_quote(text: str) -> int:
    """The index of the quote closing the quoted token at the start of ``text``."""
    position = 1
    while position < len(text):
        if text[position] == "\\":
            position += 2
        elif text[position] == '"':
            return position
        else:
            position += 1
    return len(text) - 1


def _strip_side(text: str, prefix: str) -> str | None:
    # git ends the name with a tab when it holds a space (a name ending in a tab is quoted).
    path = unquote(text.removesuffix("\t"))
    if path == "/dev/null":
        return None
    return path[len(prefix) :] if path.startswith(prefix) else path


@dataclass(slots=True)
class _Block:
    """One ``diff --git`` section while it is read."""

    path: str | None
    spans: list[Span] = field(default_factory=list)
    is_binary: bool = False
    is_deleted: bool = False
    in_hunks: bool = False

    def read(self, line: str) -> None:
        # After the first hunk every line is content ("+", "-", " " or "\\" prefixed),
        # so "+++ x" there is an added line "++ x", never a header.
        if line.startswith("@@ "):
            self.in_hunks = True
            self._hunk(line)
        elif self.in_hunks:
            return
        elif line.startswith("+++ "):
            self.path = _strip_side(line[4:], "b/")
            self.is_deleted = self.path is None
        elif line.startswith("rename to ") or line.startswith("copy to "):
            self.path = unquote(line.split(" to ", 1)[1])
        elif line.startswith("deleted file mode"):
            self.is_deleted = True
        elif line.startswith("Binary files ") or line == "GIT binary patch":
            self.is_binary = True

    def _hunk(self, line: str) -> None:
        match = _HUNK.match(line)
        if match is None:
            return
        start = int(match.group(1))
        count = int(match.group(2)) if match.group(2) is not None else 1
        if count > 0:
            self.spans.append((start, start + count - 1))

    def changed(self) -> ChangedFile | None:
        if self.path is None or self.is_deleted:
            return None
        if self.is_binary:
            return ChangedFile(path=self.path, whole=True)
        if not self.spans:
            return None  # a mode change or a pure rename: no new content
        return ChangedFile(path=self.path, spans=merge_spans(self.spans))


def _blocks(lines: Iterable[str]) -> Iterator[_Block]:
    block: _Block | None = None
    for line in lines:
        if line.startswith("diff --git "):
            if block is not None:
                yield block
            block = _Block(path=_header_path(line[len("diff --git ") :]))
        elif block is not None:
            block.read(line)
    if block is not None:
        yield block


def parse_unified_diff(text: str) -> tuple[ChangedFile, ...]:
    """The changed files of a ``git diff`` patch (paths relative to the repository top)."""
    found: dict[str, ChangedFile] = {}
    # split("\n"), not splitlines(): a form feed inside an added line is not a line break.
    for block in _blocks(text.split("\n")):
        changed = block.changed()
        if changed is not None:
            found[changed.path] = changed
    return tuple(found.values())
