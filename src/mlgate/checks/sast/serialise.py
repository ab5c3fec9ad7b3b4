"""JSON-ready encoding of what a cached module restores: its index and function results.

Everything is encoded field by field (never pickled), so a cache file is plain data that
cannot run code when read. A malformed entry makes :func:`decode_module` raise
:class:`CacheFormatError`, which the cache treats as a miss.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mlgate.checks.sast.ir import ModuleIndex, ParamName, PartialDef, Scalar, Signature
from mlgate.checks.sast.labels import EMPTY, Origin, ParamOrigin, SourceOrigin, Step, Taint, Trace
from mlgate.checks.sast.results import (
    ParamFlow,
    ParamSink,
    SinkHit,
    SinkSite,
    Summary,
    WeaknessHit,
)
from mlgate.checks.sast.rules.model import Condition, SinkSpec, VulnClass, Weakness
from mlgate.checks.sast.summaries import FunctionResult
from mlgate.core.finding import Severity

Json = Any  # what json.loads returns: checked field by field while decoding


class CacheFormatError(ValueError):
    """A cache entry does not have the expected shape (corrupt or foreign)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CachedModule:
    """What an earlier run learnt of one file: index, resolved imports, function results.

    ``deps`` pairs the path of every project module the results were computed against
    (modules it imports from, modules of the functions it calls) with that module's
    cache key then: results are valid only while each still has the same key.
    ``imports`` are the paths its imports resolved to, which an added or renamed
    module can change without any key changing.
    """

    index: ModuleIndex
    imports: tuple[str, ...]
    deps: tuple[tuple[str, str], ...]
    results: Mapping[str, FunctionResult]


def encode_module(module: CachedModule) -> Json:
    """A cached module as JSON data."""
    return {
        "index": encode_index(module.index),
        "imports": list(module.imports),
        "deps": [list(pair) for pair in module.deps],
        "results": {q: encode_result(r) for q, r in module.results.items()},
    }


def decode_module(data: Json) -> CachedModule:
    """The cached module :func:`encode_module` wrote; :class:`CacheFormatError` if malformed."""
    try:
        return CachedModule(
            index=decode_index(data["index"]),
            imports=tuple(str(path) for path in data["imports"]),
            deps=tuple((str(path), str(key)) for path, key in data["deps"]),
            results={str(q): decode_result(r) for q, r in data["results"].items()},
        )
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise CacheFormatError(f"malformed cache entry: {error!r}") from error


def encode_index(index: ModuleIndex) -> Json:
    """A module index as JSON data."""
    return {
        "name": index.name,
        "path": index.path,
        "imports": dict(index.imports),
        "classes": {k: list(v) for k, v in index.classes.items()},
        "functions": [
            [
                s.qualname,
                s.name,
                s.line,
                [[p.name, p.index, p.is_variadic, p.is_keywords, p.is_input] for p in s.params],
            ]
            for s in index.functions
        ],
        "partials": {
            name: [p.target, p.bound, [list(k) for k in p.keywords], list(p.unknown)]
            for name, p in index.partials.items()
        },
    }


def decode_index(data: Json) -> ModuleIndex:
    """The module index :func:`encode_index` wrote."""
    return ModuleIndex(
        name=str(data["name"]),
        path=str(data["path"]),
        imports={str(k): str(v) for k, v in data["imports"].items()},
        classes={str(k): tuple(str(b) for b in v) for k, v in data["classes"].items()},
        functions=tuple(_signature(s) for s in data["functions"]),
        partials={str(k): _partial(v) for k, v in data.get("partials", {}).items()},
    )


def _partial(data: Json) -> PartialDef:
    target, bound, keywords, unknown = data
    constants: list[tuple[str, Scalar]] = []
    for name, value in keywords:
        if not isinstance(value, Scalar):
            raise CacheFormatError("a partial keyword is not a constant")
        constants.append((str(name), value))
    return PartialDef(
        target=str(target),
        bound=int(bound),
        keywords=tuple(constants),
        unknown=tuple(str(u) for u in unknown),
    )


def _signature(data: Json) -> Signature:
    qualname, name, line, params = data
    return Signature(
        qualname=str(qualname),
        name=str(name),
        line=int(line),
        params=tuple(
            ParamName(
                name=str(n),
                index=int(i),
                is_variadic=bool(v),
                is_keywords=bool(k),
                is_input=bool(d),
            )
            for n, i, v, k, d in params
        ),
    )


def encode_result(result: FunctionResult) -> Json:
    """One function's analysis outcome as JSON data (empty parts left out)."""
    data: dict[str, Json] = {}
    summary = _encode_summary(result.summary)
    if summary:
        data["summary"] = summary
    if result.hits:
        data["hits"] = [_encode_hit(h) for h in result.hits]
    if result.callees:
        data["callees"] = sorted(result.callees)
    if result.weaknesses:
        data["weak"] = [[w.weakness.value, _encode_site(w.site), w.hint] for w in result.weaknesses]
    if result.is_incomplete:
        data["incomplete"] = True
    return data


def decode_result(data: Json) -> FunctionResult:
    """The function result :func:`encode_result` wrote."""
    return FunctionResult(
        summary=_decode_summary(data.get("summary", {})),
        hits=tuple(_decode_hit(h) for h in data.get("hits", ())),
        callees=frozenset(str(c) for c in data.get("callees", ())),
        weaknesses=tuple(
            WeaknessHit(weakness=Weakness(w), site=_decode_site(s), hint=str(h))
            for w, s, h in data.get("weak", ())
        ),
        is_incomplete=bool(data.get("incomplete", False)),
    )


def _encode_summary(summary: Summary) -> Json:
    data: dict[str, Json] = {}
    if summary.returns:
        data["returns"] = [
            [_encode_param(f.index, f.key), sorted(f.cleared), _encode_trace(f.trace)]
            for f in summary.returns
        ]
    if summary.source_returns:
        data["sources"] = _encode_taint(summary.source_returns)
    if summary.sinks:
        data["sinks"] = [
            [
                _encode_param(s.index, s.key),
                _encode_sink(s.sink),
                _encode_site(s.site),
                _encode_trace(s.trace),
            ]
            for s in summary.sinks
        ]
    return data


def _decode_summary(data: Json) -> Summary:
    return Summary(
        returns=tuple(
            ParamFlow(
                index=_decode_param(i).index,
                key=_decode_param(i).key,
                cleared=frozenset(c),
                trace=_decode_trace(t),
            )
            for i, c, t in data.get("returns", ())
        ),
        source_returns=_decode_taint(data.get("sources", ())),
        sinks=tuple(
            ParamSink(
                index=_decode_param(i).index,
                key=_decode_param(i).key,
                sink=_decode_sink(k),
                site=_decode_site(s),
                trace=_decode_trace(t),
            )
            for i, k, s, t in data.get("sinks", ())
        ),
    )


def _encode_hit(hit: SinkHit) -> Json:
    return [
        _encode_sink(hit.sink),
        _encode_site(hit.site),
        _encode_origin(hit.origin),
        _encode_trace(hit.trace),
    ]


def _decode_hit(data: Json) -> SinkHit:
    sink, site, origin, trace = data
    return SinkHit(
        sink=_decode_sink(sink),
        site=_decode_site(site),
        origin=_decode_origin(origin),
        trace=_decode_trace(trace),
    )


def _encode_sink(sink: SinkSpec) -> Json:
    return [
        sink.callee,
        sink.vuln.value,
        list(sink.args),
        list(sink.kwargs),
        sink.condition.value,
        sink.hint,
        list(sink.excludes),
        None if sink.severity is None else int(sink.severity),
        list(sink.cwe),
    ]


def _decode_sink(data: Json) -> SinkSpec:
    callee, vuln, args, kwargs, condition, hint, excludes, severity, cwe = data
    return SinkSpec(
        callee=str(callee),
        vuln=VulnClass(vuln),
        args=tuple(int(a) for a in args),
        kwargs=tuple(str(k) for k in kwargs),
        condition=Condition(condition),
        hint=str(hint),
        excludes=tuple(str(e) for e in excludes),
        severity=None if severity is None else Severity(int(severity)),
        cwe=tuple(int(c) for c in cwe),
    )


def _encode_site(site: SinkSite) -> Json:
    return [_encode_step(site.step), site.code]


def _decode_site(data: Json) -> SinkSite:
    step, code = data
    return SinkSite(step=_decode_step(step), code=str(code))


def _encode_param(index: int, key: str | None) -> Json:
    return index if key is None else [index, key]


def _decode_param(data: Json) -> ParamOrigin:
    if isinstance(data, int):
        return ParamOrigin(data)
    index, key = data
    return ParamOrigin(int(index), str(key))


def _encode_origin(origin: Origin) -> Json:
    if isinstance(origin, ParamOrigin):
        return _encode_param(origin.index, origin.key)
    return [origin.description, origin.code, _encode_step(origin.step)]


def _decode_origin(data: Json) -> Origin:
    if isinstance(data, int) or len(data) == 2:
        return _decode_param(data)
    description, code, step = data
    return SourceOrigin(description=str(description), code=str(code), step=_decode_step(step))


def _encode_taint(taint: Taint) -> Json:
    return [
        [_encode_origin(origin), sorted(cleared), _encode_trace(trace)]
        for (origin, cleared), trace in taint.flows.items()
    ]


def _decode_taint(data: Json) -> Taint:
    if not data:
        return EMPTY
    flows = {(_decode_origin(o), frozenset(c)): _decode_trace(t) for o, c, t in data}
    return Taint(flows)


def _encode_trace(trace: Trace) -> Json:
    return [_encode_step(s) for s in trace]


def _decode_trace(data: Json) -> Trace:
    return tuple(_decode_step(s) for s in data)


def _encode_step(step: Step) -> Json:
    return [step.path, step.line, step.column, step.message]


def _decode_step(data: Json) -> Step:
    path, line, column, message = data
    return Step(str(path), int(line), int(column), str(message))
