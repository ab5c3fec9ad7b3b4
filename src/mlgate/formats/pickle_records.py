"""What the symbolic pickle machine reports: globals, calls, strings, failures.

Offsets are absolute byte offsets of the opcode within the scanned blob (the container
member, or the file), so a finding can point at the exact opcode.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# How a global's name was obtained: spelled out in the stream ("literal"), taken from
# values the stream computed at load time ("computed"), or through an EXT opcode whose
# code the stream registered itself with ``copyreg.add_extension`` ("extension").
Provenance = Literal["literal", "computed", "extension"]

CallKind = Literal[
    "REDUCE",
    "NEWOBJ",
    "NEWOBJ_EX",
    "INST",
    "OBJ",
    "BUILD",
    "PERSID",
    "BINPERSID",
    "APPEND",
    "APPENDS",
    "SETITEM",
    "SETITEMS",
    "ADDITEMS",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class GlobalRef:
    """One global the stream makes the unpickler import (``find_class``)."""

    module: str
    name: str
    offset: int
    opcode: str
    how: Provenance
    original: tuple[str, str] | None = None

    @property
    def qualname(self) -> str:
        """``module.name`` after protocol < 3 name mapping."""
        return f"{self.module}.{self.name}"


@dataclass(frozen=True, slots=True, kw_only=True)
class CallSite:
    """One call the unpickler would make, or a method it would call on an object."""

    kind: CallKind
    offset: int
    target: str | None
    arguments: str
    target_is_global: bool = False
    # Offset of the opcode that imported the callable (or the receiver's class): links a
    # call to its :class:`GlobalRef` for the opcode path (``GLOBAL ... @2 -> REDUCE @17``).
    target_offset: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RecoveredString:
    """A text or bytes literal of the stream, for string-based detectors."""

    offset: int
    text: str
    kind: Literal["str", "bytes"]


@dataclass(frozen=True, slots=True, kw_only=True)
class PickleRecord:
    """One pickle of a stream, complete (STOP reached) or cut short by a failure."""

    start: int
    end: int
    complete: bool
    protocol: int
    opcodes: int
    value: str
    globals: tuple[GlobalRef, ...] = ()
    calls: tuple[CallSite, ...] = ()
    strings: tuple[RecoveredString, ...] = ()
    inline_arrays: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class ParseFailure:
    """The first pickle of the stream is malformed at ``offset``."""

    offset: int
    message: str


@dataclass(frozen=True, slots=True, kw_only=True)
class TrailingData:
    """Bytes after the last complete pickle that do not form another one."""

    offset: int
    length: int
    message: str


@dataclass(frozen=True, slots=True, kw_only=True)
class LimitHit:
    """A budget ran out at ``offset``; what was seen before it is kept."""

    offset: int
    what: str
    limit: float
    actual: float


@dataclass(frozen=True, slots=True, kw_only=True)
class StreamReport:
    """Every pickle found in a blob, plus how the stream ended."""

    pickles: tuple[PickleRecord, ...]
    failure: ParseFailure | None = None
    trailing: TrailingData | None = None
    limit: LimitHit | None = None

    @property
    def globals(self) -> tuple[GlobalRef, ...]:
        """All globals of all pickles, in stream order."""
        return tuple(ref for record in self.pickles for ref in record.globals)

    @property
    def calls(self) -> tuple[CallSite, ...]:
        """All call sites of all pickles, in stream order."""
        return tuple(call for record in self.pickles for call in record.calls)

    @property
    def strings(self) -> tuple[RecoveredString, ...]:
        """All recovered strings of all pickles, in stream order."""
        return tuple(text for record in self.pickles for text in record.strings)

    @property
    def complete_count(self) -> int:
        """How many pickles reached STOP."""
        return sum(1 for record in self.pickles if record.complete)
