"""Deciding whether a matched sink call is dangerous, and which taint reaches it."""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass

from mlgate.checks.sast.consts import fold
from mlgate.checks.sast.frame import Frame
from mlgate.checks.sast.labels import EMPTY, Taint, join
from mlgate.checks.sast.paths import access_path
from mlgate.checks.sast.rules.model import RECEIVER, Condition, SinkSpec
from mlgate.checks.sast.state import UNKNOWN, ListShape, State

_SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh", "/bin/sh", "/bin/bash", "cmd", "cmd.exe"})
_SHELL_FLAGS = frozenset({"-c", "/c", "/C"})
_SAFE_LOADERS = frozenset({"SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader"})
_CONTENT_TYPE_KEYWORDS = ("mimetype", "content_type", "media_type")


@dataclass(frozen=True, slots=True, kw_only=True)
class CallArgs:
    """The taint of a call's receiver, positional and keyword arguments."""

    receiver: Taint
    args: tuple[Taint, ...]
    kwargs: Mapping[str, Taint]

    def everything(self) -> Taint:
        """Union of all argument taints and the receiver's."""
        return join(self.receiver, *self.args, *self.kwargs.values())


def check_sinks(
    node: ast.Call, specs: tuple[SinkSpec, ...], values: CallArgs, state: State, frame: Frame
) -> None:
    """Record a hit for every spec whose condition holds and whose arguments are tainted."""
    for spec in specs:
        if not _condition_holds(spec.condition, node, state, frame):
            continue
        taint = _reaching(spec, node, values, state)
        if not taint.is_live(spec.vuln):
            continue
        site = frame.site(node, spec.callee.lstrip("."))
        for origin, trace in taint.live(spec.vuln):
            frame.record(spec, site, origin, (*trace, site.step))


def _reaching(spec: SinkSpec, node: ast.Call, values: CallArgs, state: State) -> Taint:
    if spec.condition is Condition.NO_SHELL_PROGRAM:
        return _program_taint(node, values, state)
    parts = [values.kwargs.get(name, EMPTY) for name in spec.kwargs]
    for position in spec.args:
        if position == RECEIVER:
            parts.append(values.receiver)
        elif position < len(values.args):
            parts.append(values.args[position])
    return join(*parts)


def _program_taint(node: ast.Call, values: CallArgs, state: State) -> Taint:
    """Taint that chooses the program run without a shell (or an ``sh -c`` script)."""
    first = node.args[0] if node.args else _keyword(node, "args")
    if first is None:
        return EMPTY
    if isinstance(first, ast.List | ast.Tuple):
        return _argv_taint(first.elts, values.args[0] if values.args else EMPTY, state)
    path = access_path(first)
    shape = state.shapes.get(path) if path is not None else None
    if isinstance(shape, ListShape):
        return shape.items[0] if shape.items else EMPTY
    return values.args[0] if values.args else values.kwargs.get("args", EMPTY)


def _argv_taint(elements: list[ast.expr], whole: Taint, state: State) -> Taint:
    if not elements or any(isinstance(e, ast.Starred) for e in elements[:1]):
        return whole
    words = [e.value if isinstance(e, ast.Constant) else None for e in elements[:2]]
    is_shell = len(words) == 2 and words[0] in _SHELLS and words[1] in _SHELL_FLAGS
    if is_shell:
        return whole
    program = elements[0]
    path = access_path(program)
    if isinstance(program, ast.Constant):
        return EMPTY
    return state.read(path) if path is not None else whole


def _keyword(node: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in node.keywords if k.arg == name), None)


def _condition_holds(condition: Condition, node: ast.Call, state: State, frame: Frame) -> bool:
    if condition is Condition.ALWAYS:
        return True
    constants = frame.module.constants
    if condition in (Condition.SHELL_TRUE, Condition.NO_SHELL_PROGRAM):
        shell = _keyword(node, "shell")
        value = fold(shell, state, constants) if shell is not None else False
        is_shell = value is UNKNOWN or bool(value)
        return is_shell == (condition is Condition.SHELL_TRUE)
    if condition is Condition.UNSAFE_YAML_LOADER:
        loader = _keyword(node, "Loader") or (node.args[1] if len(node.args) > 1 else None)
        name = loader.attr if isinstance(loader, ast.Attribute) else getattr(loader, "id", None)
        return name not in _SAFE_LOADERS
    if condition in (Condition.HTML_CONTENT, Condition.DECLARED_HTML):
        return _is_html(node, state, constants, default=condition is Condition.HTML_CONTENT)
    flag = _keyword(node, "allow_pickle")
    return flag is not None and fold(flag, state, constants) is not False


def _is_html(
    node: ast.Call, state: State, constants: Mapping[str, object], *, default: bool
) -> bool:
    """Whether the declared content type is HTML (an unknown one may be); else ``default``."""
    for name in _CONTENT_TYPE_KEYWORDS:
        declared = _keyword(node, name)
        if declared is not None:
            value = fold(declared, state, constants)
            return not isinstance(value, str) or "html" in value
    return default
