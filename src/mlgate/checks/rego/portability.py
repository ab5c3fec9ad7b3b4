"""Rego that OPA (and so Conftest) evaluates but regopy would silently leave undefined.

In OPA a variable first seen as an index inside a function call's arguments
(``startswith(input.items[j], "x")``, ``f(xs) { contains(xs[k], "y") }``) ranges over
the collection. regopy 1.5 (rego-cpp) neither iterates it nor reports an error: the
expression is undefined, so a ``deny`` written that way never fires, a silent pass.
``some j;`` does not help there; binding the variable before the call does
(``some item in input.items`` then ``startswith(item, "x")``, or ``input.items[j]`` on
its own line first).

:func:`unbound_call_indexes` finds those places lexically, statement by statement
(a rule with its head and body), so the check fails closed with the line to fix
instead of passing. A variable is bound when it is a function's parameter, when the
statement uses it as an index
outside any call, assigns it (``:=``/``=``) or names it in ``some ... in`` /
``every ... in``, wherever in the statement (both engines reorder a body); indexes
inside a comprehension are the comprehension's own and are not judged. ``f(x[_])``
is left to regopy, which refuses it at compile time ("Invalid bracket argument").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(
    r'(?P<string>"(?:\\.|[^"\\\n])*"|`[^`]*`)|(?P<comment>#[^\n]*)|(?P<newline>\n)'
    r"|(?P<ident>[A-Za-z_][A-Za-z0-9_]*)|(?P<assign>:=|==|!=|<=|>=|=)|(?P<punct>[\[\](){}|,;.])"
    r"|(?P<other>\S)"
)
_BINDERS = frozenset({"some", "every"})


@dataclass(frozen=True, slots=True)
class UnboundIndex:
    """A variable regopy cannot iterate: its name, line and the call it is an index in."""

    name: str
    line: int
    call: str


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str
    text: str
    line: int


def _tokens(source: str) -> list[_Token]:
    tokens: list[_Token] = []
    line = 1
    for match in _TOKEN.finditer(source):
        kind, text = match.lastgroup or "other", match.group()
        if kind not in ("comment", "string"):
            tokens.append(_Token(kind, text, line))
        elif kind == "string":
            tokens.append(_Token("string", '""', line))
        line += text.count("\n")
    return tokens


def _statements(tokens: list[_Token]) -> list[list[_Token]]:
    """Top-level statements: split at newlines outside every bracket."""
    statements: list[list[_Token]] = [[]]
    depth = 0
    for token in tokens:
        if token.kind == "newline" and depth == 0:
            statements.append([])
            continue
        if token.text in ("(", "[", "{"):
            depth += 1
        elif token.text in (")", "]", "}"):
            depth = max(depth - 1, 0)
        statements[-1].append(token)
    return [s for s in statements if s]


class _Scope:
    """The stack of open brackets of one statement."""

    def __init__(self) -> None:
        self.stack: list[list[str]] = []  # [kind, call name]; kind: call, group, comprehension

    def in_call(self) -> str | None:
        for kind, name in reversed(self.stack):
            if kind == "comprehension":
                return None
            if kind == "call":
                return name
        return None


def _binder_names(statement: list[_Token], index: int) -> list[str]:
    """The names after ``some``/``every`` when an ``in`` follows them."""
    names: list[str] = []
    for token in statement[index + 1 :]:
        if token.kind == "ident" and token.text == "in":
            return names
        if token.kind == "ident":
            names.append(token.text)
        elif token.text != ",":
            return []
    return []


def _indexes(statement: list[_Token]) -> list[tuple[_Token, str | None]]:
    """Each ``[name]`` index of a statement and the call it sits in (``None``: outside)."""
    scope, found = _Scope(), []
    for index, token in enumerate(statement):
        before = statement[index - 1] if index else None
        after = statement[index + 1] if index + 1 < len(statement) else None
        if token.text == "(":
            is_call = before is not None and before.kind == "ident"
            scope.stack.append(["call" if is_call else "group", before.text if before else ""])
        elif token.text in ("[", "{"):
            scope.stack.append(["group", ""])
        elif token.text == "|" and scope.stack:
            scope.stack[-1][0] = "comprehension"
        elif token.text in (")", "]", "}") and scope.stack:
            scope.stack.pop()
        elif token.kind == "ident" and before is not None and before.text == "[" \
                and after is not None and after.text == "]" and token.text != "_":  # fmt: skip
            found.append((token, scope.in_call()))
    return found


def _parameters(statement: list[_Token]) -> set[str]:
    """The parameters of a function definition ``name(a, b) { ... }``."""
    if len(statement) < 2 or statement[0].kind != "ident" or statement[1].text != "(":
        return set()
    names: set[str] = set()
    for token in statement[2:]:
        if token.text == ")":
            break
        if token.kind == "ident":
            names.add(token.text)
    return names


def _bound(statement: list[_Token], indexes: list[tuple[_Token, str | None]]) -> set[str]:
    """Names the statement binds anywhere (OPA and regopy both reorder a body)."""
    bound = {token.text for token, call in indexes if call is None} | _parameters(statement)
    for index, token in enumerate(statement):
        after = statement[index + 1] if index + 1 < len(statement) else None
        if token.kind == "ident" and token.text in _BINDERS:
            bound.update(_binder_names(statement, index))
        elif token.kind == "ident" and after is not None and after.text in (":=", "="):
            bound.add(token.text)
    return bound


def _scan(statement: list[_Token], globals_: frozenset[str]) -> list[UnboundIndex]:
    indexes = _indexes(statement)
    bound = _bound(statement, indexes) | globals_
    found: dict[str, UnboundIndex] = {}
    for token, call in indexes:
        if call is not None and token.text not in bound:
            found.setdefault(token.text, UnboundIndex(token.text, token.line, call))
    return list(found.values())


def unbound_call_indexes(source: str) -> list[UnboundIndex]:
    """Each variable of a module first met as an index inside a call's arguments."""
    statements = _statements(_tokens(source))
    globals_ = frozenset(s[0].text for s in statements if s[0].kind == "ident")
    return [hit for statement in statements for hit in _scan(statement, globals_)]
