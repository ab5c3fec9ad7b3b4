r"""Scan every pickle in a blob: the entry point of the symbolic pickle machine.

A blob may hold several pickles back to back (legacy ``torch.save`` writes five, then
raw tensor bytes). Each is evaluated in turn. A malformed first pickle is a
:class:`ParseFailure`; bytes after the last complete pickle that do not parse are
:class:`TrailingData`; a budget running out is a :class:`LimitHit`. In every case the
globals and calls seen up to that point are kept: a payload runs as soon as its opcodes
are read, whatever follows.

With ``limits.max_resyncs`` above zero, a parse failure does not end the scan: a loader
that reads pickles in a loop (and catches the error, or reads from the next offset it
knows) would reach the pickles after the broken one, so the scan jumps to the next PROTO
opcode and carries on, a bounded number of times. Pickles found that way count only
when they reach STOP or import something: random bytes that merely start with
``\x80\x02`` do neither.
"""

from __future__ import annotations

import re

from mlgate.core.errors import ResourceLimitError
from mlgate.formats.limits import PickleLimits
from mlgate.formats.pickle_machine import Blob, Budget, PickleParseError
from mlgate.formats.pickle_records import (
    LimitHit,
    ParseFailure,
    PickleRecord,
    StreamReport,
    TrailingData,
)
from mlgate.formats.pickle_vm import Machine
from mlgate.formats.window import FileWindow

__all__ = ["scan_pickles"]

# PROTO with a protocol the C unpickler accepts: where a writer starts a new pickle.
_PROTO = re.compile(rb"\x80[\x00-\x05]")


def scan_pickles(
    data: Blob,
    *,
    start: int = 0,
    end: int | None = None,
    limits: PickleLimits | None = None,
    inline_arrays: bool = False,
    stop_after: int | None = None,
) -> StreamReport:
    """Evaluate every pickle in ``data[start:end]`` symbolically.

    Args:
        data: the blob (``bytes``, ``bytearray``, ``mmap`` or a file window); never
            copied wholesale.
        start: offset of the first opcode.
        end: offset just past the last byte to read (default: the blob's length).
        limits: budgets for the whole stream; ``max_resyncs`` > 0 scans on past parse
            failures from the next PROTO opcode.
        inline_arrays: honour joblib's raw array bytes after ``NumpyArrayWrapper``.
        stop_after: stop after this many complete pickles; the rest is trailing data.

    Returns:
        Every pickle seen (complete or not) and how the stream ended.
    """
    stop, pos = len(data) if end is None else end, start
    budget, state = Budget(limits or PickleLimits()), _StreamState()
    while 0 <= pos < stop:
        if stop_after is not None and state.complete >= stop_after:
            state.trailing = TrailingData(offset=pos, length=stop - pos, message="not scanned")
            break
        if state.runs >= budget.limits.max_pickles:
            # Millions of tiny pickles would otherwise cost a record each, unbounded.
            state.limit = LimitHit(
                offset=pos,
                what="pickles per stream",
                limit=budget.limits.max_pickles,
                actual=state.runs + 1,
            )
            break
        state.runs += 1
        machine = Machine(data, start=pos, end=stop, budget=budget, inline_arrays=inline_arrays)
        failed_at = _run_one(machine, state, stop)
        if failed_at is None:
            pos = machine.pos
        elif failed_at >= 0 and state.resyncs < budget.limits.max_resyncs:
            state.resyncs += 1
            pos = _next_proto(data, max(failed_at, machine.start + 1), stop)
        else:
            break
    return state.report()


def _next_proto(data: Blob, pos: int, stop: int) -> int:
    """The offset of the next PROTO opcode in ``data[pos:stop]``, or -1."""
    if isinstance(data, FileWindow):
        return data.search(_PROTO, pos, stop, longest=2)
    found = _PROTO.search(data, pos, stop)
    return found.start() if found else -1


class _StreamState:
    """Accumulates records while the stream is scanned."""

    def __init__(self) -> None:
        self.pickles: list[PickleRecord] = []
        self.failure: ParseFailure | None = None
        self.trailing: TrailingData | None = None
        self.limit: LimitHit | None = None
        self.complete = 0
        self.resyncs = 0
        self.runs = 0

    def report(self) -> StreamReport:
        return StreamReport(
            pickles=tuple(self.pickles),
            failure=self.failure,
            trailing=self.trailing,
            limit=self.limit,
        )


def _run_one(machine: Machine, state: _StreamState, stop: int) -> int | None:
    """Run one pickle: ``None`` when it completed, else where it failed (-1: a budget)."""
    try:
        machine.run()
    except PickleParseError as error:
        _record_failure(machine, state, stop, error)
        return error.offset
    except ResourceLimitError as error:
        state.pickles.append(machine.record(complete=False))
        state.limit = LimitHit(
            offset=machine.offset, what=error.what, limit=error.limit, actual=error.actual
        )
        return -1
    state.pickles.append(machine.record(complete=True))
    state.complete += 1
    return None


def _record_failure(
    machine: Machine, state: _StreamState, stop: int, error: PickleParseError
) -> None:
    record = machine.record(complete=False)
    if state.resyncs:
        # A later attempt after a resync: the first failure already explains the stream.
        if record.globals or record.calls:
            state.pickles.append(record)
        return
    if state.complete == 0:
        state.failure = ParseFailure(offset=error.offset, message=error.message)
        state.pickles.append(record)
        return
    state.trailing = TrailingData(
        offset=machine.start, length=stop - machine.start, message=error.message
    )
    # Garbage after a pickle usually fails at once; keep the attempt only if it did
    # something, because a loader that reads on would do that too.
    if record.globals or record.calls:
        state.pickles.append(record)
