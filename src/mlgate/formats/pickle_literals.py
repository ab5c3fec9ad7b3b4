"""Opcode handlers that push literals: numbers, text and bytes.

They mirror C ``_pickle``'s parsing, including its quirks (``INT`` reads a leading
zero as octal like ``strtol``); text longer than the decoding budget is stepped over
and pushed as an opaque value, so tensor bytes are never copied.
"""

from __future__ import annotations

import codecs
import re
import struct

from mlgate.formats.pickle_machine import MachineState
from mlgate.formats.pickle_values import OpaqueValue

# C ``load_int`` parses with strtol(base 0), which reads a leading 0 as octal.
_C_OCTAL = re.compile(rb"[+-]?0[0-7]+")


class LiteralOps(MachineState):
    """Handlers of the opcodes that push numbers, strings and bytes."""

    # -- numbers -------------------------------------------------------------------

    def op_int(self) -> None:
        """INT: decimal line; ``00``/``01`` are the protocol 0 booleans."""
        line = self.readline()
        if line in (b"00", b"01"):
            self.push(line == b"01")
            return
        self.push(self.parse_int(line, octal=True))

    def op_long(self) -> None:
        """LONG: decimal line with an optional Python 2 ``L`` suffix."""
        line = self.readline()
        self.push(self.parse_int(line.removesuffix(b"L"), octal=False))

    def parse_int(self, line: bytes, *, octal: bool) -> int:
        """A decimal (or C-octal) literal, failing where ``_pickle`` fails."""
        try:
            if octal and _C_OCTAL.fullmatch(line.strip()):
                return int(line, 8)
            return int(line, 0)
        except ValueError:
            raise self.fail(f"invalid integer literal {line[:40]!r}") from None

    def op_binint(self) -> None:
        """BININT: signed 4-byte integer."""
        self.push(self.read_int4())

    def op_binint1(self) -> None:
        """BININT1: unsigned byte."""
        self.push(self.read_uint(1))

    def op_binint2(self) -> None:
        """BININT2: unsigned 2-byte integer."""
        self.push(self.read_uint(2))

    def op_long1(self) -> None:
        """LONG1: two's complement little-endian of up to 255 bytes."""
        self.push(int.from_bytes(self.read(self.read_uint(1)), "little", signed=True))

    def op_long4(self) -> None:
        """LONG4: like LONG1 with a signed 4-byte length."""
        size = self.read_int4()
        if size < 0:
            raise self.fail("LONG pickle has negative byte count")
        self.push(int.from_bytes(self.read(size), "little", signed=True))

    def op_float(self) -> None:
        """FLOAT: decimal line."""
        line = self.readline()
        try:
            self.push(float(line))
        except ValueError:
            raise self.fail(f"invalid float literal {line[:40]!r}") from None

    def op_binfloat(self) -> None:
        """BINFLOAT: big-endian IEEE double."""
        self.push(struct.unpack(">d", self.read(8))[0])

    def op_none(self) -> None:
        """NONE."""
        self.push(None)

    def op_newtrue(self) -> None:
        """NEWTRUE."""
        self.push(True)

    def op_newfalse(self) -> None:
        """NEWFALSE."""
        self.push(False)

    # -- strings and bytes -----------------------------------------------------------

    def push_text(self, size: int, *, kind: str) -> None:
        """Read a length-prefixed str/bytes argument; huge ones stay opaque and unread."""
        if size > self.budget.limits.max_decoded_text:
            self.skip(size)
            self.push(OpaqueValue(f"large {kind}", f"{size} bytes"))
            return
        raw = self.read(size)
        value: str | bytes
        if kind == "str":
            try:
                value = raw.decode("utf-8", "surrogatepass")
            except UnicodeDecodeError as error:
                raise self.fail(f"undecodable BINUNICODE: {error.reason}") from None
        else:
            # Python 2 str (BINSTRING) is bytes that unpickle as latin-1 text or bytes.
            value = raw.decode("latin-1") if kind == "str8" else raw
        self.note_text(value)
        self.push(value)

    def op_string(self) -> None:
        """STRING: a quoted, backslash-escaped Python 2 str literal."""
        line = self.readline()
        if len(line) < 2 or line[0] != line[-1] or line[0] not in b"\"'":
            raise self.fail("the STRING opcode argument must be quoted")
        try:
            raw = codecs.escape_decode(line[1:-1])[0]
        except ValueError as error:
            raise self.fail(f"bad STRING escape: {error}") from None
        text = raw.decode("latin-1")
        self.note_text(text)
        self.push(text)

    def op_binstring(self) -> None:
        """BINSTRING: signed 4-byte length."""
        size = self.read_int4()
        if size < 0:
            raise self.fail("BINSTRING pickle has negative byte count")
        self.push_text(size, kind="str8")

    def op_short_binstring(self) -> None:
        """SHORT_BINSTRING: 1-byte length."""
        self.push_text(self.read_uint(1), kind="str8")

    def op_binbytes(self) -> None:
        """BINBYTES: 4-byte length."""
        self.push_text(self.read_uint(4), kind="bytes")

    def op_short_binbytes(self) -> None:
        """SHORT_BINBYTES: 1-byte length."""
        self.push_text(self.read_uint(1), kind="bytes")

    def op_binbytes8(self) -> None:
        """BINBYTES8: 8-byte length."""
        self.push_text(self.read_uint(8), kind="bytes")

    def op_bytearray8(self) -> None:
        """BYTEARRAY8: 8-byte length, a bytearray."""
        self.push_text(self.read_uint(8), kind="bytes")

    def op_unicode(self) -> None:
        """UNICODE: a raw-unicode-escape line."""
        line = self.readline()
        try:
            text = line.decode("raw-unicode-escape")
        except UnicodeDecodeError as error:
            raise self.fail(f"undecodable UNICODE: {error.reason}") from None
        self.note_text(text)
        self.push(text)

    def op_short_binunicode(self) -> None:
        """SHORT_BINUNICODE: 1-byte length, UTF-8."""
        self.push_text(self.read_uint(1), kind="str")

    def op_binunicode(self) -> None:
        """BINUNICODE: 4-byte length, UTF-8."""
        self.push_text(self.read_uint(4), kind="str")

    def op_binunicode8(self) -> None:
        """BINUNICODE8: 8-byte length, UTF-8."""
        self.push_text(self.read_uint(8), kind="str")

    def op_next_buffer(self) -> None:
        """NEXT_BUFFER: out-of-band data supplied by the loader, unknown here."""
        self.push(OpaqueValue("out-of-band buffer"))

    def op_readonly_buffer(self) -> None:
        """READONLY_BUFFER: a view of the top; nothing to model."""
        self.top()
