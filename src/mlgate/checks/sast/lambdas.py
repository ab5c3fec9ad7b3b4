"""Calls through a ``lambda``: ``run = lambda cmd: subprocess.run(cmd, shell=True)``.

A name bound to a lambda (or a dict literal of lambdas, a dispatch table called as
``handlers[k](x)`` or ``handlers.get(k, default)(x)``), in the function or at module
level, is found syntactically; calling it analyses each candidate lambda's body in
place, with its parameters bound to the call's arguments, so a sink inside the lambda
is reported there with the flow through the call.
"""

from __future__ import annotations

import ast

from mlgate.checks.sast import assign, exprs
from mlgate.checks.sast.frame import Frame
from mlgate.checks.sast.ir import lambda_table
from mlgate.checks.sast.labels import EMPTY, Taint, extend, join
from mlgate.checks.sast.state import UNKNOWN, Shape, State


def call_lambdas(node: ast.Call, state: State, frame: Frame) -> Taint | None:
    """The result of calling lambdas ``node`` may denote, or ``None`` when it names none."""
    candidates = _candidates(node.func, state, frame)
    active = [c for c in candidates if id(c) not in frame.inlining]
    if not active:
        return None
    into = frame.step(node, "passed into a lambda")
    args: list[tuple[Taint, Shape | None]] = []
    for argument in node.args:
        taint, shape = assign.evaluate_with_shape(argument, state, frame)
        args.append((extend(taint, into), shape))
    keywords = {k.arg: extend(exprs.evaluate(k.value, state, frame), into) for k in node.keywords}
    results: list[Taint] = []
    for candidate in active:
        inner = state.copy()
        _bind(candidate.args, args, keywords, inner)
        frame.inlining.add(id(candidate))
        try:
            results.append(exprs.evaluate(candidate.body, inner, frame))
        finally:
            frame.inlining.discard(id(candidate))
    return join(*results)


def _candidates(func: ast.expr, state: State, frame: Frame) -> tuple[ast.Lambda, ...]:
    if not frame.module.has_lambdas:
        return ()
    if isinstance(func, ast.Name):
        return _bound(func.id, state, frame, tables=False)
    container: ast.expr | None = None
    if isinstance(func, ast.Subscript):
        container = func.value
    elif (
        isinstance(func, ast.Call)
        and isinstance(func.func, ast.Attribute)
        and func.func.attr == "get"
    ):
        container = func.func.value
    if isinstance(container, ast.Name):
        return _bound(container.id, state, frame, tables=True)
    return ()


def _bound(name: str, state: State, frame: Frame, *, tables: bool) -> tuple[ast.Lambda, ...]:
    """Lambdas ``name`` is bound to: the function's own for a local, else the module's."""
    if frame.local_lambdas is None:
        frame.local_lambdas = lambda_table(frame.function.body)
    local, module = frame.local_lambdas, frame.module.lambdas
    local_found = (local.tables if tables else local.direct).get(name, ())
    module_found = (module.tables if tables else module.direct).get(name, ())
    if not (local_found or module_found):
        return ()
    return local_found if frame.is_local(name, state) else module_found


def _bind(
    arguments: ast.arguments,
    args: list[tuple[Taint, Shape | None]],
    keywords: dict[str | None, Taint],
    state: State,
) -> None:
    """Bind the lambda's parameters; a literal list argument keeps its shape."""
    positional = [*arguments.posonlyargs, *arguments.args]
    unpacked = keywords.get(None, EMPTY)
    for parameter in (*positional, *arguments.kwonlyargs, arguments.vararg, arguments.kwarg):
        if parameter is not None:
            state.consts[parameter.arg] = UNKNOWN
    for index, parameter in enumerate(positional):
        path = (parameter.arg,)
        if index < len(args):
            taint, shape = args[index]
            if shape is not None:
                state.write_shape(path, shape)
                continue
        else:
            taint = keywords.get(parameter.arg, EMPTY)
        state.write(path, join(taint, unpacked))
    for parameter in arguments.kwonlyargs:
        state.write((parameter.arg,), join(keywords.get(parameter.arg, EMPTY), unpacked))
    if arguments.vararg is not None:
        state.write((arguments.vararg.arg,), join(*(t for t, _ in args[len(positional) :])))
    if arguments.kwarg is not None:
        state.write((arguments.kwarg.arg,), join(*keywords.values()))
