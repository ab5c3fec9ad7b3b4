"""Pickles written opcode by opcode; never loaded.

Payload names are real dangerous callables so the scanner must flag them by name, but
their arguments are harmless (``os.system("true")``). Benign builders mimic what torch,
numpy, scikit-learn, pandas and joblib emit, opcode for opcode, because those libraries
are not installed in the test environment.
"""

from __future__ import annotations

import struct
from typing import Self


class PickleWriter:
    """Appends opcodes; every method returns the writer so calls chain."""

    def __init__(self) -> None:
        self.out = bytearray()

    @property
    def data(self) -> bytes:
        """The bytes written so far."""
        return bytes(self.out)

    def offset(self) -> int:
        """Where the next opcode will be written."""
        return len(self.out)

    def raw(self, chunk: bytes) -> Self:
        self.out += chunk
        return self

    def proto(self, version: int) -> Self:
        return self.raw(bytes([0x80, version]))

    def frame(self, size: int) -> Self:
        return self.raw(b"\x95" + struct.pack("<Q", size))

    def glob(self, module: str, name: str) -> Self:
        return self.raw(b"c" + module.encode() + b"\n" + name.encode() + b"\n")

    def inst(self, module: str, name: str) -> Self:
        return self.raw(b"i" + module.encode() + b"\n" + name.encode() + b"\n")

    def stack_global(self, module: str, name: str) -> Self:
        return self.text(module).memoize().text(name).memoize().raw(b"\x93").memoize()

    def text(self, value: str) -> Self:
        encoded = value.encode("utf-8", "surrogatepass")
        if len(encoded) < 256:
            return self.raw(b"\x8c" + bytes([len(encoded)]) + encoded)
        return self.raw(b"X" + struct.pack("<I", len(encoded)) + encoded)

    def binunicode(self, value: str) -> Self:
        encoded = value.encode()
        return self.raw(b"X" + struct.pack("<I", len(encoded)) + encoded)

    def string0(self, value: str) -> Self:
        return self.raw(b"S" + repr(value).encode() + b"\n")

    def binbytes(self, value: bytes) -> Self:
        if len(value) < 256:
            return self.raw(b"C" + bytes([len(value)]) + value)
        return self.raw(b"B" + struct.pack("<I", len(value)) + value)

    def short_binstring(self, value: bytes) -> Self:
        return self.raw(b"U" + bytes([len(value)]) + value)

    def int_(self, value: int) -> Self:
        if 0 <= value < 256:
            return self.raw(b"K" + bytes([value]))
        if 0 <= value < 65536:
            return self.raw(b"M" + struct.pack("<H", value))
        if -(2**31) <= value < 2**31:
            return self.raw(b"J" + struct.pack("<i", value))
        size = (value.bit_length() + 8) // 8
        return self.raw(b"\x8a" + bytes([size]) + value.to_bytes(size, "little", signed=True))

    def bool_(self, value: bool) -> Self:
        return self.raw(b"\x88" if value else b"\x89")

    def none(self) -> Self:
        return self.raw(b"N")

    def mark(self) -> Self:
        return self.raw(b"(")

    def tuple_(self) -> Self:
        return self.raw(b"t")

    def tuple_n(self, count: int) -> Self:
        return self.raw({0: b")", 1: b"\x85", 2: b"\x86", 3: b"\x87"}[count])

    def empty_dict(self) -> Self:
        return self.raw(b"}")

    def empty_list(self) -> Self:
        return self.raw(b"]")

    def setitem(self) -> Self:
        return self.raw(b"s")

    def setitems(self) -> Self:
        return self.raw(b"u")

    def appends(self) -> Self:
        return self.raw(b"e")

    def reduce(self) -> Self:
        return self.raw(b"R")

    def build(self) -> Self:
        return self.raw(b"b")

    def newobj(self) -> Self:
        return self.raw(b"\x81")

    def empty_tuple_newobj(self) -> Self:
        return self.tuple_n(0).newobj()

    def obj(self) -> Self:
        return self.raw(b"o")

    def memoize(self) -> Self:
        return self.raw(b"\x94")

    def binput(self, index: int) -> Self:
        return self.raw(b"q" + bytes([index]))

    def binget(self, index: int) -> Self:
        return self.raw(b"h" + bytes([index]))

    def binpersid(self) -> Self:
        return self.raw(b"Q")

    def pop(self) -> Self:
        return self.raw(b"0")

    def stop(self) -> Self:
        return self.raw(b".")


# -- payloads --------------------------------------------------------------------------


def call_global(module: str, name: str, arg: str = "true", *, proto: int = 2) -> bytes:
    """``module.name(arg)`` via GLOBAL + REDUCE."""
    w = PickleWriter()
    if proto >= 2:
        w.proto(proto)
    return w.glob(module, name).mark().string0(arg).tuple_().reduce().stop().data


def call_stack_global(module: str, name: str, arg: str = "true", *, proto: int = 4) -> bytes:
    """``module.name(arg)`` via STACK_GLOBAL + TUPLE1 + REDUCE."""
    w = PickleWriter().proto(proto).stack_global(module, name).text(arg).tuple_n(1)
    return w.reduce().memoize().stop().data


def call_inst(module: str, name: str, arg: str = "true") -> bytes:
    """Protocol 0 INST: ``(S'true'\\nios\\nsystem\\n.``."""
    return PickleWriter().mark().string0(arg).inst(module, name).stop().data


def call_obj(module: str, name: str, arg: str = "true") -> bytes:
    """Protocol 1 OBJ: class and arguments after a MARK."""
    return PickleWriter().mark().glob(module, name).string0(arg).obj().stop().data


def computed_global() -> bytes:
    """STACK_GLOBAL whose module name is ``builtins.str('os')``: computed at load time."""
    w = PickleWriter().proto(4).glob("builtins", "str").text("os").tuple_n(1).reduce()
    return w.text("system").raw(b"\x93").text("true").tuple_n(1).reduce().stop().data


def extension_payload() -> bytes:
    """Register ``os.system`` as extension 0x42 with copyreg, then call it through EXT1."""
    w = PickleWriter().proto(2).glob("copyreg", "add_extension")
    w.text("os").text("system").int_(0x42).tuple_n(3).reduce().pop()
    return w.raw(b"\x82\x42").text("true").tuple_n(1).reduce().stop().data


def unregistered_extension() -> bytes:
    """EXT2 with a code nothing in the stream registered."""
    return PickleWriter().proto(2).raw(b"\x83\x39\x05").text("true").tuple_n(1).reduce().stop().data


def memo_payload() -> bytes:
    """The callable is stored in the memo and fetched back before the call."""
    w = PickleWriter().proto(2).glob("posix", "system").binput(7).pop()
    return w.binget(7).text("true").tuple_n(1).reduce().stop().data


def build_on_global() -> bytes:
    """BUILD on an imported module: sets attributes on it at load time."""
    w = PickleWriter().proto(2).glob("torch", "_utils").empty_dict()
    return w.text("x").int_(1).setitem().build().stop().data


def framed(proto: int, body: bytes) -> bytes:
    """PROTO, then the body in one FRAME, as pickle writes protocol 4+ streams."""
    if proto < 4:
        return bytes([0x80, proto]) + body
    return bytes([0x80, proto]) + b"\x95" + struct.pack("<Q", len(body)) + body
