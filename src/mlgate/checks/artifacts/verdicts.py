"""Turn what the pickle machine saw into findings: the allowlist decides, the denylist grades."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence

from mlgate.checks.artifacts.findings import Detail, FileScan
from mlgate.checks.artifacts.policies.allowlists import is_torchscript_global
from mlgate.checks.artifacts.policies.denylist import danger_of
from mlgate.checks.artifacts.rules import (
    BUILD_ON_GLOBAL,
    COMPUTED_GLOBAL,
    GLOBAL_CODE_EXECUTION,
    GLOBAL_NOT_ALLOWLISTED,
    PARSE_ERROR,
    RESOURCE_LIMIT,
    TRAILING_DATA,
)
from mlgate.formats.pickle_records import CallSite, GlobalRef, StreamReport

_DOTTED = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")
# A payload's path is short; a benign-looking object graph may call one class thousands
# of times (APPEND on a list subclass): the first steps explain, the rest only count.
_MAX_STEPS = 4
# Calls of a stream by the offset of the opcode that imported their callable.
CallIndex = Mapping[int, Sequence[CallSite]]


def index_calls(report: StreamReport) -> CallIndex:
    """The stream's call sites grouped by the import they call (for opcode paths)."""
    index: defaultdict[int, list[CallSite]] = defaultdict(list)
    for call in report.calls:
        if call.target_offset is not None:
            index[call.target_offset].append(call)
    return index


def opcode_path(ref: GlobalRef, calls: CallIndex, origin: int) -> str:
    """``GLOBAL os system @2 -> REDUCE @17``: the import, then what the stream does with it."""
    head = f"{ref.opcode} {ref.module} {ref.name} @{ref.offset - origin}"
    steps = [f"{call.kind} @{call.offset - origin}" for call in calls.get(ref.offset, ())]
    if len(steps) > _MAX_STEPS:
        steps[_MAX_STEPS:] = [f"... {len(steps) - _MAX_STEPS} more"]
    return " -> ".join([head, *steps])


def judge_global(
    scan: FileScan, ref: GlobalRef, member: str | None, origin: int, calls: CallIndex
) -> None:
    """One finding for a global outside the allowlist, graded by the denylist.

    The evidence and the ``opcode_path`` property show the import and the calls made
    with it, offsets relative to ``member``.
    """
    computed = ref.how == "computed"
    if not computed and ref.qualname in scan.settings.allowlist:
        # The allowlist decides; the denylist's suffix matching only grades a block
        # (``numpy.random._pickle`` is not the ``_pickle`` module).
        return
    if (
        not computed
        and scan.settings.torchscript
        and scan.in_torchscript(member)
        and is_torchscript_global(ref.qualname)
    ):
        return
    path = opcode_path(ref, calls, origin)
    properties = (("global", ref.qualname), ("opcode_path", path))
    via = f" via {ref.opcode}" if ref.opcode != "GLOBAL" else ""
    danger = None if computed else danger_of(ref.qualname)
    if computed:
        rule, subject, evidence = COMPUTED_GLOBAL, ref.opcode, path
        message = f"{ref.opcode} imports a global computed at load time: {ref.qualname}"
    elif danger is not None:
        rule, subject = GLOBAL_CODE_EXECUTION, ref.qualname
        evidence = f"{path} ({danger.family}: {danger.entry})"
        message = f"pickle imports {ref.qualname}{via}, which {danger.explanation}"
    else:
        rule, subject, evidence = GLOBAL_NOT_ALLOWLISTED, ref.qualname, path
        message = f"pickle imports {ref.qualname}{via}, which no active allowlist admits"
    scan.add(rule, member=member, offset=ref.offset - origin, message=message, subject=subject,
             detail=Detail(evidence=evidence, properties=properties))  # fmt: skip


def judge_stream(
    scan: FileScan, report: StreamReport, member: str | None, origin: int, *, strict: bool
) -> None:
    """Findings for every pickle of a stream.

    ``strict`` is false for data that merely happens to look like a pickle (tensor
    bytes): then only complete pickles count and broken ones are not reported.
    """
    if not strict and report.complete_count == 0:
        return
    calls = index_calls(report)
    for ref in report.globals:
        judge_global(scan, ref, member, origin, calls)
    _judge_builds(scan, report, member, origin)
    if strict:
        judge_ending(scan, report, member, origin)


def _judge_builds(scan: FileScan, report: StreamReport, member: str | None, origin: int) -> None:
    """ART005 for each BUILD whose receiver is an imported module or class itself."""
    imports = {ref.offset: ref for ref in report.globals}
    for call in report.calls:
        if call.kind != "BUILD" or not call.target_is_global:
            continue
        imported = imports.get(call.target_offset if call.target_offset is not None else -1)
        path = f"{opcode_path(imported, {}, origin)} -> " if imported is not None else ""
        path += f"BUILD @{call.offset - origin}"
        scan.add(
            BUILD_ON_GLOBAL,
            member=member,
            offset=call.offset - origin,
            message=f"BUILD sets attributes on the imported object {call.target}",
            subject=call.target or "",
            detail=Detail(
                evidence=f"{path} with state {call.arguments}",
                properties=(("global", call.target or ""), ("opcode_path", path)),
            ),
        )


def judge_ending(scan: FileScan, report: StreamReport, member: str | None, origin: int) -> None:
    """Parse failures, trailing bytes and exhausted budgets of a stream."""
    if report.failure is not None:
        scan.add(
            PARSE_ERROR,
            member=member,
            offset=report.failure.offset - origin,
            message=f"malformed pickle: {report.failure.message}",
            subject=report.failure.message,
        )
    trailing = report.trailing
    if trailing is not None and trailing.message != "not scanned":
        scan.add(
            TRAILING_DATA,
            member=member,
            offset=trailing.offset - origin,
            message=f"{trailing.length} bytes follow the last complete pickle",
            subject="trailing",
            detail=Detail(evidence=trailing.message),
        )
    if report.limit is not None:
        hit = report.limit
        message = f"{hit.what}: limit {hit.limit:g}, reached {hit.actual:g}"
        scan.add(
            RESOURCE_LIMIT,
            member=member,
            offset=hit.offset - origin,
            message=message,
            subject=hit.what,
        )
        scan.error(member, message)


def extra_plain_globals(joblib_view: StreamReport, plain_view: StreamReport) -> list[GlobalRef]:
    """Globals a plain ``pickle.load`` would import that joblib's reading skips.

    Array bytes read as opcodes are noise, so only importable dotted names count: a
    payload must use them, random bytes rarely form them.
    """
    seen = {(ref.module, ref.name) for ref in joblib_view.globals}
    return [
        ref
        for ref in plain_view.globals
        if (ref.module, ref.name) not in seen
        and _DOTTED.fullmatch(ref.module)
        and _DOTTED.fullmatch(ref.name)
    ]
