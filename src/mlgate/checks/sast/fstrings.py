"""Rewrite f-strings and t-strings into calls that Python 3.11's parser accepts.

Python 3.12 (PEP 701) lets an f-string reuse its own quote inside a replacement
field, hold backslashes and comments there, and nest without limit; 3.14 (PEP 750)
adds t-strings. The stdlib parser of older Pythons rejects these, so on that
fallback path every f-string becomes ``__mlgate_fstr__('lit', (expr), ...)`` (t-strings
``__mlgate_tstr__``) and :mod:`mlgate.checks.sast.parse` turns the calls back into
``ast.JoinedStr`` nodes. Newlines are kept in place so line numbers stay exact.
"""

from __future__ import annotations

from dataclasses import dataclass, field

FSTRING_MARKER = "__mlgate_fstr__"
TSTRING_MARKER = "__mlgate_tstr__"
_PREFIXES = frozenset({"r", "u", "b", "br", "rb", "f", "fr", "rf", "t", "tr", "rt"})
_OPEN = "([{"
_CLOSE = ")]}"


@dataclass(slots=True)
class _Scanner:
    text: str
    pos: int = 0
    out: list[str] = field(default_factory=list)
    # Inside a replacement field a comment would swallow the closing parenthesis
    # we add, so comments there are dropped (their newline stays).
    fields: int = 0

    def peek(self, offset: int = 0) -> str:
        index = self.pos + offset
        return self.text[index] if index < len(self.text) else ""


def rewrite_fstrings(text: str) -> str:
    """Return ``text`` with every f-/t-string replaced by a marker call."""
    scanner = _Scanner(text)
    while scanner.pos < len(text):
        _code_unit(scanner)
    return "".join(scanner.out)


def _code_unit(sc: _Scanner) -> None:
    """Copy one token-ish unit of ordinary code, rewriting strings it starts."""
    char = sc.peek()
    if char == "#":
        end = sc.text.find("\n", sc.pos)
        end = len(sc.text) if end < 0 else end
        if not sc.fields:
            sc.out.append(sc.text[sc.pos : end])
        sc.pos = end
    elif char in "\"'":
        sc.out.append(_string(sc, ""))
    elif char.isalpha() or char == "_":
        start = sc.pos
        while sc.peek().isalnum() or sc.peek() == "_":
            sc.pos += 1
        word = sc.text[start : sc.pos]
        is_prefix = word.lower() in _PREFIXES and sc.peek() in "\"'"
        sc.out.append(_string(sc, word) if is_prefix else word)
    else:
        sc.out.append(char)
        sc.pos += 1


def _quote_at(sc: _Scanner) -> str:
    char = sc.peek()
    return char * 3 if sc.text.startswith(char * 3, sc.pos) else char


def _string(sc: _Scanner, prefix: str) -> str:
    """Consume a string literal at ``sc.pos`` (prefix already consumed)."""
    lowered = prefix.lower()
    quote = _quote_at(sc)
    if "f" in lowered or "t" in lowered:
        marker = TSTRING_MARKER if "t" in lowered else FSTRING_MARKER
        return _template(sc, quote, is_raw="r" in lowered, marker=marker)
    start = sc.pos
    sc.pos += len(quote)
    _skip_plain(sc, quote)
    return prefix + sc.text[start : sc.pos]


def _skip_plain(sc: _Scanner, quote: str) -> None:
    """Advance past the closing quote of a plain string (raw or not: both escape quotes)."""
    while sc.pos < len(sc.text):
        if sc.peek() == "\\":
            sc.pos += 2
        elif sc.text.startswith(quote, sc.pos):
            sc.pos += len(quote)
            return
        elif sc.peek() == "\n" and len(quote) == 1:
            return
        else:
            sc.pos += 1


def _template(sc: _Scanner, quote: str, *, is_raw: bool, marker: str) -> str:
    """Consume an f-/t-string and return the marker call that replaces it."""
    sc.pos += len(quote)
    parts: list[str] = []
    literal: list[str] = []
    while sc.pos < len(sc.text) and not sc.text.startswith(quote, sc.pos):
        char = sc.peek()
        if char in "{}" and sc.peek(1) == char:
            literal.append(char)
            sc.pos += 2
        elif char == "{":
            parts.append(_literal(literal))
            literal = []
            sc.pos += 1
            parts.extend(_field(sc))
        elif char == "\\" and not is_raw:
            literal.append(sc.text[sc.pos : sc.pos + 2])
            sc.pos += 2
        else:
            literal.append(char)
            sc.pos += 1
    sc.pos += len(quote)
    parts.append(_literal(literal))
    return f"{marker}({''.join(p for p in parts if p)})"


def _literal(chars: list[str]) -> str:
    """A literal part as an argument, followed by the newlines it spanned."""
    if not chars:
        return ""
    text = "".join(chars)
    return repr(text) + ", " + "\n" * text.count("\n")


def _field(sc: _Scanner) -> list[str]:
    """Consume ``expr[=][!c][:spec]}`` after its ``{``; return the arguments it yields."""
    expression = _expression(sc)
    parts = [f"({_without_debug_equals(expression)}), "] if expression.strip() else []
    if sc.peek() == "!":
        sc.pos += 2
    if sc.peek() == ":":
        sc.pos += 1
        parts.extend(_format_spec(sc))
    if sc.peek() == "}":
        sc.pos += 1
    return parts


def _without_debug_equals(expression: str) -> str:
    """Drop the trailing ``=`` of a self-documenting ``{x=}``, keeping every newline."""
    body = expression.rstrip()
    is_debug = body.endswith("=") and not body.endswith(("==", "!=", "<=", ">="))
    if is_debug:
        body = body[:-1]
    return body + "\n" * expression[len(body) :].count("\n")


def _expression(sc: _Scanner) -> str:
    """Consume a replacement field's expression up to a top-level ``!``, ``:`` or ``}``."""
    saved, sc.out = sc.out, []
    sc.fields += 1
    depth = 0
    while sc.pos < len(sc.text):
        char = sc.peek()
        if depth == 0 and (char == "}" or char == ":" or (char == "!" and sc.peek(1) != "=")):
            break
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth -= 1
        _code_unit(sc)
    text = "".join(sc.out)
    sc.out = saved
    sc.fields -= 1
    return text


def _format_spec(sc: _Scanner) -> list[str]:
    """Consume a format spec; nested ``{expr}`` fields in it become arguments."""
    parts: list[str] = []
    while sc.pos < len(sc.text) and sc.peek() != "}":
        if sc.peek() == "{":
            sc.pos += 1
            parts.extend(_field(sc))
        else:
            sc.pos += 1
    return parts
