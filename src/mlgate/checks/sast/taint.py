"""Intraprocedural, flow-sensitive taint propagation over a function's statements.

Branches are analysed separately and joined; a condition that folds to a constant
analyses only the live branch; ``if``/``assert`` conditions refine the state (see
:mod:`mlgate.checks.sast.guards`); ``return``, ``raise`` and no-return calls such as
``abort()`` end a path, so validation guards protect the code after them. Loops run
until their state stops changing (at most :data:`MAX_LOOP_PASSES` passes).
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from mlgate.checks.sast import credentials
from mlgate.checks.sast.assign import bind, evaluate_with_shape, forget
from mlgate.checks.sast.consts import fold
from mlgate.checks.sast.depends import dependency_taint
from mlgate.checks.sast.exprs import evaluate
from mlgate.checks.sast.frame import Frame
from mlgate.checks.sast.guards import refine
from mlgate.checks.sast.handlers import annotation_name
from mlgate.checks.sast.ir import HandlerKind
from mlgate.checks.sast.keywords import bind_keywords
from mlgate.checks.sast.labels import EMPTY, join, param, source
from mlgate.checks.sast.matching import run_match
from mlgate.checks.sast.rules.sanitizers import NO_RETURN_CALLS
from mlgate.checks.sast.rules.sinks import VIEW_RETURN
from mlgate.checks.sast.state import UNKNOWN, State, join_states
from mlgate.checks.sast.weakness import check_assignment

MAX_LOOP_PASSES = 3


def analyse_function(frame: Frame) -> State:
    """Run the function body from its entry state; returns the exit state."""
    return run_block(frame.function.body, entry_state(frame), frame)


def entry_state(frame: Frame) -> State:
    """Parameters: sources for handler inputs, symbolic labels for the rest."""
    state = State()
    function = frame.function
    for parameter in function.params:
        if parameter.index in function.source_params:
            kind = function.handler.value
            origin = frame.source(parameter.node, f"{kind} parameter `{parameter.name}`")
            state.write((parameter.name,), source(origin))
        elif parameter.is_keywords:
            bind_keywords(parameter, function, frame.module.lines, state)
        elif parameter.name not in function.request_params:
            injected = dependency_taint(parameter, state, frame)
            state.write((parameter.name,), join(param(parameter.index), injected))
        state.consts[parameter.name] = UNKNOWN
        annotated = _project_class(parameter.annotation, frame)
        if annotated is not None:
            state.classes[parameter.name] = annotated
    credentials.check_defaults(frame)
    return state


def _project_class(annotation: ast.expr | None, frame: Frame) -> str | None:
    """The project class a parameter is annotated with (``repo: Annotated[Repo, ...]``)."""
    name = annotation_name(annotation)
    if name is None:
        return None
    module = frame.module
    qualname = module.imports.get(name, f"{module.name}.{name}")
    return qualname if frame.project.is_class(qualname) else None


def run_block(statements: list[ast.stmt], state: State, frame: Frame) -> State:
    """Analyse statements in order until the path ends."""
    for statement in statements:
        if state.dead:
            break
        handler = _STATEMENTS.get(type(statement))
        if handler is not None:
            state = handler(statement, state, frame)
    return state


def _assign(node: ast.stmt, state: State, frame: Frame) -> State:
    assert isinstance(node, ast.Assign)  # noqa: S101 - dispatch table guarantees the type
    for target in node.targets:
        if frame.rules.assigns:
            check_assignment(target, node.value, state, frame)
        credentials.check_binding(target, node.value, frame)
    taint, shape = evaluate_with_shape(node.value, state, frame)
    for target in node.targets:
        bind(target, taint, state, frame, node.value, shape)
    return state


def _annotated(node: ast.stmt, state: State, frame: Frame) -> State:
    assert isinstance(node, ast.AnnAssign)  # noqa: S101 - dispatch table guarantees the type
    if node.value is not None:
        if frame.rules.assigns:
            check_assignment(node.target, node.value, state, frame)
        credentials.check_binding(node.target, node.value, frame)
        taint, shape = evaluate_with_shape(node.value, state, frame)
        bind(node.target, taint, state, frame, node.value, shape)
    return state


def _augmented(node: ast.stmt, state: State, frame: Frame) -> State:
    assert isinstance(node, ast.AugAssign)  # noqa: S101 - dispatch table guarantees the type
    combined = ast.BinOp(left=node.target, op=node.op, right=node.value)
    ast.copy_location(combined, node)
    taint = join(evaluate(node.target, state, frame), evaluate(node.value, state, frame))
    bind(node.target, taint, state, frame, combined)
    return state


def _expression(node: ast.stmt, state: State, frame: Frame) -> State:
    assert isinstance(node, ast.Expr)  # noqa: S101 - dispatch table guarantees the type
    evaluate(node.value, state, frame)
    call = node.value
    if isinstance(call, ast.Call) and frame.qualify(call.func, state) in NO_RETURN_CALLS:
        state.dead = True
    return state


def _return(node: ast.stmt, state: State, frame: Frame) -> State:
    assert isinstance(node, ast.Return)  # noqa: S101 - dispatch table guarantees the type
    if node.value is not None:
        frame.returned.append(evaluate(node.value, state, frame))
        if _is_html_view(frame):
            _check_view_body(node.value, state, frame)
    state.dead = True
    return state


def _is_html_view(frame: Frame) -> bool:
    function = frame.function
    return function.handler is HandlerKind.FLASK or function.returns_html


def _check_view_body(value: ast.expr, state: State, frame: Frame) -> None:
    """A Flask view's returned string is the HTML body (dicts and lists become JSON)."""
    body = value.elts[0] if isinstance(value, ast.Tuple) and value.elts else value
    if isinstance(body, ast.Dict | ast.List | ast.ListComp | ast.DictComp):
        return
    if isinstance(body, ast.Name) and (body.id,) in state.shapes:
        return
    taint = evaluate(body, state, frame)
    site = frame.site(body, "the response body")
    for origin, trace in taint.live(VIEW_RETURN.vuln):
        frame.record(VIEW_RETURN, site, origin, (*trace, site.step))


def _raise(node: ast.stmt, state: State, frame: Frame) -> State:
    assert isinstance(node, ast.Raise)  # noqa: S101 - dispatch table guarantees the type
    if node.exc is not None:
        evaluate(node.exc, state, frame)
    state.dead = True
    return state


def _if(node: ast.stmt, state: State, frame: Frame) -> State:
    assert isinstance(node, ast.If)  # noqa: S101 - dispatch table guarantees the type
    test = fold(node.test, state, frame.module.constants)
    if test is not UNKNOWN:
        return run_block(node.body if test else node.orelse, state, frame)
    evaluate(node.test, state, frame)
    taken = state.copy()
    refine(node.test, taken, frame, truth=True)
    refine(node.test, state, frame, truth=False)
    return join_states([run_block(node.body, taken, frame), run_block(node.orelse, state, frame)])


def _assert(node: ast.stmt, state: State, frame: Frame) -> State:
    assert isinstance(node, ast.Assert)  # noqa: S101 - dispatch table guarantees the type
    evaluate(node.test, state, frame)
    refine(node.test, state, frame, truth=True)
    return state


def loop(state: State, frame: Frame, body: Callable[[State], State]) -> State:
    """Iterate ``body`` from ``state`` until the joined state is stable."""
    frame.loop_exits.append([])
    current = state
    for _ in range(MAX_LOOP_PASSES):
        after = body(current.copy())
        merged = join_states([current, after, *frame.loop_exits[-1]])
        stable = merged.same_as(current)
        current = merged
        if stable:
            break
    frame.loop_exits.pop()
    return current


def _for(node: ast.stmt, state: State, frame: Frame) -> State:
    assert isinstance(node, ast.For | ast.AsyncFor)  # noqa: S101 - dispatch guarantees the type
    items = evaluate(node.iter, state, frame)

    def body(entry: State) -> State:
        bind(node.target, items, entry, frame, None)
        return run_block(node.body, entry, frame)

    return run_block(node.orelse, loop(state, frame, body), frame)


def _while(node: ast.stmt, state: State, frame: Frame) -> State:
    assert isinstance(node, ast.While)  # noqa: S101 - dispatch table guarantees the type
    test = fold(node.test, state, frame.module.constants)
    if test is not UNKNOWN and not test:
        return run_block(node.orelse, state, frame)

    def body(entry: State) -> State:
        evaluate(node.test, entry, frame)
        refine(node.test, entry, frame, truth=True)
        return run_block(node.body, entry, frame)

    return run_block(node.orelse, loop(state, frame, body), frame)


def _jump(node: ast.stmt, state: State, frame: Frame) -> State:
    if frame.loop_exits:
        frame.loop_exits[-1].append(state.copy())
    state.dead = True
    return state


def _with(node: ast.stmt, state: State, frame: Frame) -> State:
    assert isinstance(node, ast.With | ast.AsyncWith)  # noqa: S101 - dispatch guarantees the type
    for item in node.items:
        taint = evaluate(item.context_expr, state, frame)
        if item.optional_vars is not None:
            bind(item.optional_vars, taint, state, frame, item.context_expr)
    return run_block(node.body, state, frame)


def _try(node: ast.stmt, state: State, frame: Frame) -> State:
    assert isinstance(node, ast.Try | ast.TryStar)  # noqa: S101 - dispatch guarantees the type
    before = state.copy()
    finished = run_block(node.body, state, frame)
    # An exception can leave the body anywhere: handlers see before and after.
    caught = join_states([before, finished.copy()])
    caught.dead = False
    ends = [run_block(node.orelse, finished, frame)]
    for handler in node.handlers:
        entry = caught.copy()
        if handler.name:
            entry.write((handler.name,), EMPTY)
        ends.append(run_block(handler.body, entry, frame))
    merged = join_states(ends)
    if not node.finalbody:
        return merged
    was_dead, merged.dead = merged.dead, False
    final = run_block(node.finalbody, merged, frame)
    final.dead = final.dead or was_dead
    return final


def _delete(node: ast.stmt, state: State, frame: Frame) -> State:
    assert isinstance(node, ast.Delete)  # noqa: S101 - dispatch table guarantees the type
    for target in node.targets:
        forget(target, state)
    return state


def _class(node: ast.stmt, state: State, frame: Frame) -> State:
    # Methods are analysed as functions of their own; the body's attributes hold settings.
    assert isinstance(node, ast.ClassDef)  # noqa: S101 - dispatch table guarantees the type
    credentials.check_class_body(node, frame)
    return state


def _match(node: ast.stmt, state: State, frame: Frame) -> State:
    assert isinstance(node, ast.Match)  # noqa: S101 - dispatch table guarantees the type
    return run_match(node, state, frame, run_block)


_Handler = Callable[[ast.stmt, State, Frame], State]
_STATEMENTS: dict[type[ast.stmt], _Handler] = {
    ast.Assign: _assign,
    ast.AnnAssign: _annotated,
    ast.AugAssign: _augmented,
    ast.Expr: _expression,
    ast.Return: _return,
    ast.Raise: _raise,
    ast.If: _if,
    ast.Assert: _assert,
    ast.For: _for,
    ast.AsyncFor: _for,
    ast.While: _while,
    ast.Break: _jump,
    ast.Continue: _jump,
    ast.With: _with,
    ast.AsyncWith: _with,
    ast.Try: _try,
    ast.TryStar: _try,
    ast.Delete: _delete,
    ast.Match: _match,
    ast.ClassDef: _class,
}
