"""Calls: sources, sinks, sanitizers, container mutation, and project functions.

A call to a project function uses that function's summary (parameters to return,
parameters to sinks, sources it returns). A call to anything else returns the union
of its receiver's and arguments' taint, unless a sanitizer or a clean-result method
says otherwise: unknown library code is assumed to pass data through.

Calling a module-level ``functools.partial`` global is calling its target with the fixed
arguments first (``sh = partial(subprocess.run, shell=True)``), and a dispatcher such
as ``BackgroundTasks.add_task(f, x)`` or ``asyncio.to_thread(f, x)`` also calls ``f(x)``.
"""

from __future__ import annotations

import ast
from collections.abc import Hashable

from mlgate.checks.sast import credentials, exprs, lambdas, weakness
from mlgate.checks.sast.frame import Frame
from mlgate.checks.sast.inputs import call_source
from mlgate.checks.sast.ir import PartialDef, Signature
from mlgate.checks.sast.labels import EMPTY, Step, Taint, clear, extend, join, restore
from mlgate.checks.sast.paths import access_path, constant_key
from mlgate.checks.sast.results import EMPTY_SUMMARY
from mlgate.checks.sast.rules.model import ALL_CLASSES
from mlgate.checks.sast.rules.queries import SESSION_METHODS
from mlgate.checks.sast.rules.sanitizers import CLEAN_METHODS, CONFIG_PARSERS
from mlgate.checks.sast.rules.sinks import DISPATCHERS
from mlgate.checks.sast.sinkcheck import CallArgs, check_sinks
from mlgate.checks.sast.state import UNKNOWN, DictShape, ListShape, State, Unknown

_CONTAINER_WRITES = frozenset(
    {
        "add",
        "update",
        "setdefault",
        "extend",
        "insert",
        "appendleft",
        "read_string",
        "read_dict",
        "read_file",
    }
)


def evaluate_call(node: ast.Call, state: State, frame: Frame) -> Taint:
    """Taint of a call's result, recording any sink it reaches."""
    attribute = _getattr_constant(node, state, frame)
    if attribute is not None:
        return exprs.evaluate(attribute, state, frame)
    converted = _converted_get(node)
    if converted is not None:
        value, default = converted
        return join(exprs.evaluate(value, state, frame), exprs.evaluate(default, state, frame))
    bound = frame.partial_for(node.func, state)
    if bound is not None:
        return _call_partial(node, bound, state, frame)
    inlined = lambdas.call_lambdas(node, state, frame)
    if inlined is not None:
        return inlined
    func = node.func
    method = func.attr if isinstance(func, ast.Attribute) else None
    receiver = (
        exprs.evaluate(func.value, state, frame) if isinstance(func, ast.Attribute) else EMPTY
    )
    values = CallArgs(
        receiver=receiver,
        args=tuple(exprs.evaluate(a, state, frame) for a in node.args),
        kwargs={k.arg or "**": exprs.evaluate(k.value, state, frame) for k in node.keywords},
    )
    found = call_source(node, state, frame)
    if found:
        return found
    qualname = frame.qualify(func, state)
    credentials.check_call(node, qualname, method, frame)
    _run_callback(node, qualname, method, state, frame)
    return _dispatch(node, qualname, method, values, state, frame)


def _run_callback(
    node: ast.Call, qualname: str | None, method: str | None, state: State, frame: Frame
) -> None:
    """``tasks.add_task(f, x)`` / ``asyncio.to_thread(f, x)`` call ``f(x)`` later."""
    index = DISPATCHERS.get(qualname or "")
    if index is None and method is not None:
        index = DISPATCHERS.get("." + method)
    if index is None or len(node.args) <= index:
        return
    if any(isinstance(a, ast.Starred) for a in node.args[: index + 1]):
        return
    call = ast.Call(func=node.args[index], args=node.args[index + 1 :], keywords=node.keywords)
    evaluate_call(ast.copy_location(call, node), state, frame)


def _dispatch(
    node: ast.Call,
    qualname: str | None,
    method: str | None,
    values: CallArgs,
    state: State,
    frame: Frame,
) -> Taint:
    """Sinks, weaknesses, container updates and the result of a call to ``qualname``."""
    func = node.func
    # A method of a project class is analysed through its summary: its name alone
    # (``service.search``) says nothing about an LDAP or SQL driver.
    by_name = None if _is_project_method(func, state, frame) else method
    specs = frame.rules.sinks_for(qualname, by_name)
    if specs:
        check_sinks(node, specs, values, state, frame)
    weakness.check_call(node, qualname, method, state, frame)
    if method is not None and isinstance(func, ast.Attribute):
        if method in SESSION_METHODS and weakness.is_session(func.value, state, frame):
            weakness.check_session_write(node, values.everything(), frame)
        _mutate(func.value, method, node, values, state)
    return _result(node, qualname, method, values, state, frame)


def _call_partial(node: ast.Call, bound: PartialDef, state: State, frame: Frame) -> Taint:
    """``run(x)`` where ``run = partial(target, a, k=v)`` is ``target(a, x, k=v)``.

    The fixed arguments were module-level values (constants where known); a fixed
    keyword whose value is not a constant stays unknown, so ``shell=flag`` counts as
    a shell like it does in a direct call.
    """
    fixed = [ast.Constant(value=None) for _ in range(bound.bound)]
    keywords = [ast.keyword(arg=k, value=ast.Constant(value=v)) for k, v in bound.keywords]
    keywords.extend(ast.keyword(arg=k, value=ast.Name(id=_UNKNOWN_NAME)) for k in bound.unknown)
    given = {k.arg for k in node.keywords}
    call = ast.Call(
        func=node.func,
        args=[*fixed, *node.args],
        keywords=[*(k for k in keywords if k.arg not in given), *node.keywords],
    )
    for part in (call, *fixed, *(k.value for k in keywords)):
        ast.copy_location(part, node)
    values = CallArgs(
        receiver=EMPTY,
        args=tuple(exprs.evaluate(a, state, frame) for a in call.args),
        kwargs={k.arg or "**": exprs.evaluate(k.value, state, frame) for k in call.keywords},
    )
    return _dispatch(call, bound.target, None, values, state, frame)


# Never a Python identifier, so it folds to nothing and names no source.
_UNKNOWN_NAME = "<partial keyword>"


def _is_project_method(func: ast.expr, state: State, frame: Frame) -> bool:
    if not isinstance(func, ast.Attribute):
        return False
    owner = frame.instance_class(func.value, state)
    return owner is not None and frame.project.method(owner, func.attr) is not None


def _getattr_constant(node: ast.Call, state: State, frame: Frame) -> ast.expr | None:
    """``getattr(obj, "name")`` is ``obj.name`` (``getattr(request, "args")`` is a source)."""
    args = node.args
    if not (
        len(args) == 2
        and not node.keywords
        and isinstance(args[1], ast.Constant)
        and isinstance(args[1].value, str)
        and args[1].value.isidentifier()
        and frame.qualify(node.func, state) == "getattr"
    ):
        return None
    attribute = ast.Attribute(value=args[0], attr=args[1].value, ctx=ast.Load())
    return ast.copy_location(attribute, node)


def _converted_get(node: ast.Call) -> tuple[ast.Call, ast.expr] | None:
    """``args.get("n", 0, type=int)`` is ``int(args.get("n"))`` (or the default).

    Werkzeug's ``MultiDict.get`` applies its ``type`` converter (third positional or
    keyword) and falls back to the default when it raises, so the result is the
    converter's result: a number for ``int``, a summary's result for a project
    function, the input itself for ``str``.
    """
    func = node.func
    if not (isinstance(func, ast.Attribute) and func.attr == "get" and node.args):
        return None
    if any(isinstance(a, ast.Starred) for a in node.args) or len(node.args) > 3:
        return None
    keywords = {k.arg: k.value for k in node.keywords}
    converter = node.args[2] if len(node.args) == 3 else keywords.get("type")
    if converter is None or None in keywords:
        return None
    default = node.args[1] if len(node.args) > 1 else keywords.get("default")
    lookup = ast.copy_location(ast.Call(func=func, args=[node.args[0]], keywords=[]), node)
    value = ast.copy_location(ast.Call(func=converter, args=[lookup], keywords=[]), node)
    return value, default if default is not None else ast.Constant(value=None)


def _result(
    node: ast.Call,
    qualname: str | None,
    method: str | None,
    values: CallArgs,
    state: State,
    frame: Frame,
) -> Taint:
    # An exact-name sanitizer (a user's own escape helper) beats the helper's summary;
    # the summary beats guesses by method name (a project ``find`` is not ``str.find``).
    sanitizer = frame.rules.sanitizer_for(qualname, None)
    target = _resolve(node.func, qualname, state, frame) if sanitizer is None else None
    if target is not None:
        return apply_summary(node, target, values, frame)
    sanitizer = sanitizer or frame.rules.sanitizer_for(None, method)
    if sanitizer is not None:
        if sanitizer.clears >= ALL_CLASSES:
            return EMPTY
        return restore(clear(values.everything(), sanitizer.clears), sanitizer.restores)
    if method in CLEAN_METHODS:
        return EMPTY
    if method in {"get", "pop"} and isinstance(node.func, ast.Attribute):
        is_config = (qualname or "").rpartition(".")[0] in CONFIG_PARSERS
        looked_up = _lookup(node, node.func.value, state, frame, is_config=is_config)
        if looked_up is not None:
            return join(looked_up, *values.args[2 if is_config else 1 :])
    exprs_prefix = _format_prefix(node, method, state, frame)
    return clear(values.everything(), exprs_prefix) if exprs_prefix else values.everything()


def _format_prefix(
    node: ast.Call, method: str | None, state: State, frame: Frame
) -> frozenset[str]:
    """``"https://api.x/{}".format(v)`` fixes the host like an f-string does."""
    if method != "format" or not isinstance(node.func, ast.Attribute):
        return frozenset()
    receiver = node.func.value
    literal = receiver.value if isinstance(receiver, ast.Constant) else None
    return exprs.prefix_cleared(literal)


def _lookup(
    node: ast.Call, container: ast.expr, state: State, frame: Frame, *, is_config: bool
) -> Taint | None:
    """``d.get("k")`` / ``items.pop(0)`` / ``config.get("s", "k")`` on a known shape."""
    if isinstance(container, ast.Name) and (container.id,) not in state.vars:
        table = frame.module.constants.get(container.id)
        if isinstance(table, dict) and container.id not in state.consts:
            return EMPTY  # a value of a constant table, whatever the (tainted) key
    path = access_path(container)
    if path is None or path not in state.shapes or not node.args:
        return None
    key = _item_key(node.args, is_config=is_config)
    return None if key is UNKNOWN else state.read_item(path, key)


def _item_key(args: list[ast.expr], *, is_config: bool) -> Hashable | Unknown:
    """A constant key, or the ``(section, option)`` pair of a config parser."""
    if not is_config:
        return constant_key(args[0])
    if len(args) < 2:
        return UNKNOWN
    section, option = constant_key(args[0]), constant_key(args[1])
    return UNKNOWN if UNKNOWN in (section, option) else (section, option)


def _mutate(
    container: ast.expr, method: str, node: ast.Call, values: CallArgs, state: State
) -> None:
    """Keep container shapes honest under ``append``/``pop``/``update``..."""
    path = access_path(container)
    if path is None or (path not in state.shapes and path not in state.vars):
        if path is not None and method in _CONTAINER_WRITES | {"append"}:
            state.weaken(path, join(*values.args, *values.kwargs.values()))
        return
    shape = state.shapes.get(path)
    if method == "append" and isinstance(shape, ListShape) and len(values.args) == 1:
        state.write_shape(path, ListShape((*shape.items, values.args[0])))
    elif method == "pop" and shape is not None:
        _pop(path, shape, node, state)
    elif method == "set" and isinstance(shape, DictShape) and len(node.args) == 3:
        key = _item_key(node.args, is_config=True)
        state.write_item(path, key, values.args[2])
    elif method in _CONTAINER_WRITES or method == "append":
        state.weaken(path, join(*values.args, *values.kwargs.values()))


def _pop(path: tuple[str, ...], shape: ListShape | DictShape, node: ast.Call, state: State) -> None:
    key = constant_key(node.args[0]) if node.args else -1
    if isinstance(shape, ListShape) and isinstance(key, int) and shape.items:
        items = list(shape.items)
        if -len(items) <= key < len(items):
            del items[key]
            state.write_shape(path, ListShape(tuple(items)))
            return
    if isinstance(shape, DictShape) and key is not UNKNOWN:
        state.write_shape(path, DictShape({k: v for k, v in shape.items.items() if k != key}))
        return
    state.weaken(path, EMPTY)


def _resolve(
    func: ast.expr, qualname: str | None, state: State, frame: Frame
) -> tuple[Signature, bool] | None:
    """The project function called, and whether ``self`` is bound to the receiver."""
    project = frame.project
    if qualname is not None:
        found = project.resolve(qualname)
        return (found[1], False) if found is not None else None
    if isinstance(func, ast.Name):
        nested = project.functions.get(f"{frame.function.qualname}.{func.id}")
        return (nested[1], False) if nested is not None else None
    if not isinstance(func, ast.Attribute):
        return None
    owner = frame.instance_class(func.value, state)
    method = project.method(owner, func.attr) if owner is not None else None
    return (method[1], True) if method is not None else None


def apply_summary(
    node: ast.Call, target: tuple[Signature, bool], values: CallArgs, frame: Frame
) -> Taint:
    """The result of calling a project function through its summary (sinks recorded)."""
    function, is_bound = target
    frame.callees.add(function.qualname)
    summary = frame.summaries.get(function.qualname, EMPTY_SUMMARY)
    actuals = _actuals(function, values, is_bound=is_bound)
    keywords = _extra_keywords(function, values)
    into = frame.step(node, f"passed into {function.name}()")
    back = frame.step(node, f"returned from {function.name}()")
    results = [extend(summary.source_returns, back)]
    for flow in summary.returns:
        given = _actual(actuals, keywords, flow.index, flow.key)
        carried = clear(given, flow.cleared)
        results.append(extend(_with_steps(carried, (into, *flow.trace)), back))
    for reach in summary.sinks:
        for origin, trace in _actual(actuals, keywords, reach.index, reach.key).live(
            reach.sink.vuln
        ):
            frame.record(reach.sink, reach.site, origin, (*trace, into, *reach.trace))
    return join(*results)


def _with_steps(taint: Taint, steps: tuple[Step, ...]) -> Taint:
    for step in steps:
        taint = extend(taint, step)
    return taint


def _extra_keywords(function: Signature, values: CallArgs) -> dict[str, Taint]:
    """Keyword arguments no parameter names: what ``**kwargs`` collects, by key."""
    if not any(p.is_keywords for p in function.params):
        return {}
    named = {p.name for p in function.params if not p.is_keywords}
    return {k: t for k, t in values.kwargs.items() if k not in named}


def _actual(
    actuals: dict[int, Taint], keywords: dict[str, Taint], index: int, key: str | None
) -> Taint:
    """The taint a caller gives parameter ``index`` (one keyword of it, for ``**kwargs``)."""
    if key is None:
        return actuals.get(index, EMPTY)
    # ``**options`` unpacked by the caller may hold any key.
    return join(keywords.get(key, EMPTY), keywords.get("**", EMPTY))


def _actuals(function: Signature, values: CallArgs, *, is_bound: bool) -> dict[int, Taint]:
    """Map call arguments to the callee's parameter indices."""
    params = function.params
    offset = 1 if is_bound else 0
    actuals: dict[int, Taint] = {0: values.receiver} if is_bound and params else {}
    variadic = next(
        (p.index for p in params if p.is_variadic and not p.is_keywords and p.index >= offset),
        None,
    )
    for position, taint in enumerate(values.args):
        index = position + offset
        if variadic is not None and index >= variadic:
            actuals[variadic] = join(actuals.get(variadic, EMPTY), taint)
        elif index < len(params):
            actuals[index] = taint
    by_name = {p.name: p.index for p in params if not p.is_keywords}
    collector = next((p.index for p in params if p.is_keywords), None)
    for name, taint in values.kwargs.items():
        if name in by_name:
            actuals[by_name[name]] = taint
        elif collector is not None:
            actuals[collector] = join(actuals.get(collector, EMPTY), taint)
    return actuals
