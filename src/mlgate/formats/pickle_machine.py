"""The state of the symbolic pickle machine: input, stack, marks, memo and records.

The opcode handlers live in :mod:`mlgate.formats.pickle_vm`; this module holds what
they share: argument readers that fail exactly where C ``_pickle`` fails, the stack and
memo discipline, ``find_class`` with protocol < 3 name mapping, and the recorders.
"""

from __future__ import annotations

import mmap
from collections.abc import Callable

from mlgate.core.errors import ResourceLimitError
from mlgate.formats.limits import PickleLimits, check_limit
from mlgate.formats.pickle_compat import map_python2_name
from mlgate.formats.pickle_inline import inline_array, is_array_wrapper
from mlgate.formats.pickle_ops import OPCODES
from mlgate.formats.pickle_records import (
    CallKind,
    CallSite,
    GlobalRef,
    PickleRecord,
    Provenance,
    RecoveredString,
)
from mlgate.formats.pickle_values import (
    GlobalValue,
    Value,
    callable_name,
    origin_name,
    origin_offset,
    render,
)
from mlgate.formats.window import FileWindow

_ADD_EXTENSION = frozenset({"copyreg.add_extension", "copy_reg.add_extension"})
_CLOCK_EVERY = 1 << 14


# What the machine reads: all four index to ints, slice to bytes and ``find`` in place,
# so a file is scanned without being copied (a large one through a bounded window).
Blob = bytes | bytearray | mmap.mmap | FileWindow


class PickleParseError(Exception):
    """The stream is not a valid pickle at ``offset`` (the unpickler would fail there)."""

    def __init__(self, offset: int, message: str) -> None:
        self.offset = offset
        self.message = message
        super().__init__(f"offset {offset}: {message}")


class Budget:
    """Opcode, time and recovered-text budgets shared by every pickle of one stream."""

    def __init__(self, limits: PickleLimits) -> None:
        self.limits = limits
        self.opcodes = 0
        self.recovered = 0
        self.deadline = limits.clock() + limits.max_seconds

    def tick(self) -> None:
        """Count one opcode; look at the clock every few thousand."""
        self.opcodes += 1
        check_limit("pickle opcodes", self.limits.max_opcodes, self.opcodes)
        if self.opcodes % _CLOCK_EVERY == 0:
            now = self.limits.clock()
            if now > self.deadline:
                raise ResourceLimitError(
                    "pickle scan seconds",
                    limit=self.limits.max_seconds,
                    actual=now - self.deadline + self.limits.max_seconds,
                )


class MachineState:
    """One pickle being evaluated from ``start``; subclasses supply ``op_*`` handlers."""

    def __init__(
        self, data: Blob, *, start: int, end: int, budget: Budget, inline_arrays: bool
    ) -> None:
        self.data = data
        self.pos = self.start = start
        self.end = end
        self.budget = budget
        self.inline_arrays = inline_arrays
        self.stack: list[Value] = []
        self.metastack: list[list[Value]] = []
        self.memo: dict[int, Value] = {}
        self.proto = 0
        self.offset = start
        self.result: Value = None
        self.globals: list[GlobalRef] = []
        self.calls: list[CallSite] = []
        self.strings: list[RecoveredString] = []
        self.extensions: dict[int, tuple[str, str]] = {}
        self.inline_count = 0
        self.opcodes = 0
        self.handlers: dict[int, Callable[[], bool | None]] = {
            code: getattr(self, f"op_{info.name.lower()}") for code, info in OPCODES.items()
        }

    # -- driving -------------------------------------------------------------------

    def run(self) -> None:
        """Evaluate opcodes until STOP; raises PickleParseError or ResourceLimitError."""
        while True:
            if self.pos >= self.end:
                raise PickleParseError(self.pos, "pickle data was truncated (no STOP)")
            self.offset = self.pos
            code = self.data[self.pos]
            self.pos += 1
            handler = self.handlers.get(code)
            if handler is None:
                raise PickleParseError(self.offset, f"invalid load key {code:#04x}")
            self.budget.tick()
            self.opcodes += 1
            if handler():
                return

    def record(self, *, complete: bool) -> PickleRecord:
        """What this pickle did so far."""
        return PickleRecord(
            start=self.start,
            end=self.pos,
            complete=complete,
            protocol=self.proto,
            opcodes=self.opcodes,
            value=render(self.result) if complete else "",
            globals=tuple(self.globals),
            calls=tuple(self.calls),
            strings=tuple(self.strings),
            inline_arrays=self.inline_count,
        )

    def fail(self, message: str) -> PickleParseError:
        """A parse error at the current opcode."""
        return PickleParseError(self.offset, message)

    # -- reading arguments -----------------------------------------------------------

    def read(self, size: int) -> bytes:
        """The next ``size`` bytes; a parse error if the data ends first."""
        check_limit("pickle argument bytes", self.budget.limits.max_argument_bytes, size)
        if size < 0 or self.pos + size > self.end:
            raise self.fail("pickle data was truncated")
        chunk = bytes(self.data[self.pos : self.pos + size])
        self.pos += size
        return chunk

    def skip(self, size: int) -> None:
        """Step over ``size`` bytes without copying them (tensor data)."""
        check_limit("pickle argument bytes", self.budget.limits.max_argument_bytes, size)
        if size < 0 or self.pos + size > self.end:
            raise self.fail("pickle data was truncated")
        self.pos += size

    def readline(self) -> bytes:
        """The next line without its newline; C ``_pickle`` requires the newline."""
        stop = self.data.find(b"\n", self.pos, self.end)
        if stop < 0:
            raise self.fail("pickle data was truncated (line without newline)")
        line = self.read(stop - self.pos)
        self.pos += 1
        return line

    def read_uint(self, size: int) -> int:
        """A little-endian unsigned integer of ``size`` bytes."""
        return int.from_bytes(self.read(size), "little")

    def read_int4(self) -> int:
        """A little-endian signed 4-byte integer."""
        return int.from_bytes(self.read(4), "little", signed=True)

    def read_text_line(self, encoding: str) -> str:
        """A line decoded strictly, as ``_pickle`` decodes names."""
        line = self.readline()
        try:
            return line.decode(encoding)
        except UnicodeDecodeError as error:
            raise self.fail(f"undecodable {encoding} line: {error.reason}") from None

    # -- stack, marks, memo ----------------------------------------------------------

    def push(self, value: Value) -> None:
        """Push onto the current (post-mark) stack."""
        self.stack.append(value)
        if len(self.stack) > self.budget.limits.max_stack:
            check_limit("pickle stack depth", self.budget.limits.max_stack, len(self.stack))

    def pop(self) -> Value:
        """Pop from the current stack; underflow below the last mark is an error."""
        if not self.stack:
            raise self.fail("unpickling stack underflow")
        return self.stack.pop()

    def top(self) -> Value:
        """The top of the current stack."""
        if not self.stack:
            raise self.fail("unpickling stack underflow")
        return self.stack[-1]

    def pop_mark(self) -> list[Value]:
        """Everything above the last mark, restoring the stack below it."""
        if not self.metastack:
            raise self.fail("could not find MARK")
        items = self.stack
        self.stack = self.metastack.pop()
        return items

    def memo_put(self, index: int) -> None:
        """Store the stack top under ``index``."""
        if index < 0:
            raise self.fail("negative PUT argument")
        self.memo[index] = self.top()
        check_limit("pickle memo entries", self.budget.limits.max_memo, len(self.memo))

    def memo_get(self, index: int) -> None:
        """Push the memo entry ``index``."""
        if index not in self.memo:
            raise self.fail(f"memo value not found at index {index}")
        self.push(self.memo[index])

    # -- recording -------------------------------------------------------------------

    def find_class(
        self, module: str, name: str, opcode: str, how: Provenance = "literal"
    ) -> GlobalValue:
        """Record a global the way ``Unpickler.find_class`` would resolve it."""
        original: tuple[str, str] | None = None
        if self.proto < 3 and how != "computed":
            mapped = map_python2_name(module, name)
            if mapped != (module, name):
                original, (module, name) = (module, name), mapped
        self.globals.append(
            GlobalRef(
                module=module,
                name=name,
                offset=self.offset,
                opcode=opcode,
                how=how,
                original=original,
            )
        )
        return GlobalValue(module, name, computed=how == "computed", offset=self.offset)

    def note_call(self, kind: CallKind, receiver: Value, arguments: Value) -> None:
        """Record a call site whose callable (or receiver) is ``receiver``."""
        target = callable_name(receiver) if kind != "BUILD" else origin_name(receiver)
        self.calls.append(
            CallSite(
                kind=kind,
                offset=self.offset,
                target=target,
                arguments=render(arguments),
                target_is_global=isinstance(receiver, GlobalValue),
                target_offset=origin_offset(receiver),
            )
        )

    def note_text(self, text: str | bytes) -> None:
        """Keep a string literal for detectors, within the recovered-text budget."""
        self.budget.recovered += len(text)
        if self.budget.recovered > self.budget.limits.max_recovered_bytes:
            return
        if isinstance(text, str):
            self.strings.append(RecoveredString(offset=self.offset, text=text, kind="str"))
        else:
            decoded = text.decode("latin-1")
            self.strings.append(RecoveredString(offset=self.offset, text=decoded, kind="bytes"))

    def after_build(self, instance: Value, state: Value) -> None:
        """joblib: step over the array bytes its wrapper object announced."""
        if not (self.inline_arrays and is_array_wrapper(instance)):
            return
        try:
            array = inline_array(state)
        except ValueError as error:
            raise self.fail(f"cannot size joblib array: {error}") from None
        self.inline_count += 1
        if array.is_object:
            self.nested_pickle()
            return
        if array.has_padding:
            self.skip(self.read_uint(1))
        self.skip(array.nbytes)

    def nested_pickle(self) -> None:
        """Joblib object arrays it is loaded right here."""
        inner = type(self)(
            self.data, start=self.pos, end=self.end, budget=self.budget, inline_arrays=False
        )
        try:
            inner.run()
        finally:
            self.globals.extend(inner.globals)
            self.calls.extend(inner.calls)
            self.strings.extend(inner.strings)
        self.pos = inner.pos
