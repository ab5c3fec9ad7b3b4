"""Scan every pickle in a blob: the entry point of the symbolic pickle machine.

A blob may hold several pickles back to back (legacy ``torch.save`` writes five, then
raw tensor bytes). Each is evaluated in turn. A malformed first pickle is a
:class:`ParseFailure`; bytes after the last complete pickle that do not parse are
:class:`TrailingData`; a budget running out is a :class:`LimitHit`. In every case the
globals and calls seen up to that point are kept: a payload runs as soon as its opcodes
are read, whatever follows.
"""

from __future__ import annotations

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

__all__ = ["scan_pickles"]


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
        data: the blob (``bytes``, ``bytearray`` or ``mmap``); never copied wholesale.
        start: offset of the first opcode.
        end: offset just past the last byte to read (default: the blob's length).
        limits: budgets for the whole stream.
        inline_arrays: honour joblib's raw array bytes after ``NumpyArrayWrapper``.
        stop_after: stop after this many complete pickles; the rest is trailing data.

    Returns:
        Every pickle seen (complete or not) and how the stream ended.
    """
    stop = len(data) if end is None else end
    budget = Budget(limits or PickleLimits())
    state = _StreamState()
    pos = start
    while pos < stop:
        if stop_after is not None and state.complete >= stop_after:
            state.trailing = TrailingData(offset=pos, length=stop - pos, message="not scanned")
            break
        machine = Machine(data, start=pos, end=stop, budget=budget, inline_arrays=inline_arrays)
        if not _run_one(machine, state, stop):
            break
        pos = machine.pos
    return state.report()


class _StreamState:
    """Accumulates records while the stream is scanned."""

    def __init__(self) -> None:
        self.pickles: list[PickleRecord] = []
        self.failure: ParseFailure | None = None
        self.trailing: TrailingData | None = None
        self.limit: LimitHit | None = None
        self.complete = 0

    def report(self) -> StreamReport:
        return StreamReport(
            pickles=tuple(self.pickles),
            failure=self.failure,
            trailing=self.trailing,
            limit=self.limit,
        )


def _run_one(machine: Machine, state: _StreamState, stop: int) -> bool:
    """Run one pickle; ``True`` when the stream may continue after it."""
    try:
        machine.run()
    except PickleParseError as error:
        _record_failure(machine, state, stop, error)
        return False
    except ResourceLimitError as error:
        state.pickles.append(machine.record(complete=False))
        state.limit = LimitHit(
            offset=machine.offset, what=error.what, limit=error.limit, actual=error.actual
        )
        return False
    state.pickles.append(machine.record(complete=True))
    state.complete += 1
    return True


def _record_failure(
    machine: Machine, state: _StreamState, stop: int, error: PickleParseError
) -> None:
    record = machine.record(complete=False)
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
