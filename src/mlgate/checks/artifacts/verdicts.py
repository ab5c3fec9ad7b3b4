"""Turn what the pickle machine saw into findings: the allowlist decides, the denylist grades."""

from __future__ import annotations

import re

from mlgate.checks.artifacts.findings import FileScan
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
from mlgate.formats.pickle_records import GlobalRef, StreamReport

_DOTTED = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")


def judge_global(scan: FileScan, ref: GlobalRef, member: str | None, origin: int) -> None:
    """One finding for a global outside the allowlist, graded by the denylist."""
    offset = ref.offset - origin
    if ref.how == "computed":
        scan.add(
            COMPUTED_GLOBAL,
            member=member,
            offset=offset,
            message=f"{ref.opcode} imports a global computed at load time: {ref.qualname}",
            subject=ref.opcode,
            evidence=ref.qualname,
        )
        return
    if ref.qualname in scan.settings.allowlist:
        # The allowlist decides; the denylist's suffix matching only grades a block
        # (``numpy.random._pickle`` is not the ``_pickle`` module).
        return
    via = f" via {ref.opcode}" if ref.opcode != "GLOBAL" else ""
    danger = danger_of(ref.qualname)
    if danger is not None:
        scan.add(
            GLOBAL_CODE_EXECUTION,
            member=member,
            offset=offset,
            message=f"pickle imports {ref.qualname}{via}, which {danger.explanation}",
            subject=ref.qualname,
            evidence=f"{danger.family}: {danger.entry}",
        )
    else:
        scan.add(
            GLOBAL_NOT_ALLOWLISTED,
            member=member,
            offset=offset,
            message=f"pickle imports {ref.qualname}{via}, which no active allowlist admits",
            subject=ref.qualname,
        )


def judge_stream(
    scan: FileScan, report: StreamReport, member: str | None, origin: int, *, strict: bool
) -> None:
    """Findings for every pickle of a stream.

    ``strict`` is false for data that merely happens to look like a pickle (tensor
    bytes): then only complete pickles count and broken ones are not reported.
    """
    if not strict and report.complete_count == 0:
        return
    for ref in report.globals:
        judge_global(scan, ref, member, origin)
    for call in report.calls:
        if call.kind == "BUILD" and call.target_is_global:
            scan.add(
                BUILD_ON_GLOBAL,
                member=member,
                offset=call.offset - origin,
                message=f"BUILD sets attributes on the imported object {call.target}",
                subject=call.target or "",
                evidence=call.arguments,
            )
    if strict:
        judge_ending(scan, report, member, origin)


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
            evidence=trailing.message,
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
