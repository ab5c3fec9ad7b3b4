r"""``.env`` files: ``KEY=value`` lines read the way the common dotenv loaders read them.

``export KEY=value`` and ``KEY: value`` are accepted; ``#`` starts a comment line, and
an unquoted value ends before `` #``. Single-quoted values are literal; double-quoted
values know ``\n``, ``\t``, ``\"`` and ``\\`` escapes and may span lines.
``$NAME`` and ``${NAME}`` in unquoted and double-quoted values expand to keys defined
earlier in the file; any other name expands to the empty string, because a scanner
must never fill values in from its own (CI) environment. A line that is none of these
raises :class:`DotenvSyntaxError`, as a strict loader does.
"""

from __future__ import annotations

import re

_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.\-]*)\s*(?:=|:\s)\s*(.*)$", re.DOTALL)
_VARIABLE = re.compile(r"\\?\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "$": "\\$"}


class DotenvSyntaxError(ValueError):
    """A line of a ``.env`` file is not ``KEY=value``."""


def _expand(text: str, known: dict[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        if match.group(0).startswith("\\"):
            return match.group(0)[1:]
        return known.get(match.group(1) or match.group(2), "")

    return _VARIABLE.sub(replace, text)


def _double_quoted(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), text)


def _closing_quote(text: str, quote: str) -> int:
    """The index of the quote that closes ``text`` (which starts after the opening one)."""
    index = 0
    while index < len(text):
        if text[index] == "\\" and quote == '"':
            index += 2
            continue
        if text[index] == quote:
            return index
        index += 1
    return -1


def read_dotenv(text: str) -> dict[str, str]:
    """The variables of one ``.env`` file, in file order.

    Raises:
        DotenvSyntaxError: a line that is not a comment, blank or an assignment.
    """
    values: dict[str, str] = {}
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        number, line = index + 1, lines[index]
        index += 1
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _LINE.match(line)
        if match is None:
            raise DotenvSyntaxError(f"line {number}: expected KEY=value")
        key, raw = match.group(1), match.group(2).strip()
        quote = raw[:1] if raw[:1] in ("'", '"') else ""
        if quote:
            body = raw[1:]
            end = _closing_quote(body, quote)
            while end < 0 and index < len(lines):  # a quoted value may span lines
                body += "\n" + lines[index]
                index += 1
                end = _closing_quote(body, quote)
            if end < 0:
                raise DotenvSyntaxError(f"line {number}: unterminated {quote} quote")
            inner = body[:end]
            values[key] = inner if quote == "'" else _expand(_double_quoted(inner), values)
        else:
            values[key] = _expand(re.split(r"\s+#", raw, maxsplit=1)[0].strip(), values)
    return values
