"""The header and metadata key/values of a GGUF model (llama.cpp), tensors never read.

Layout (little-endian): ``GGUF``, version (u32), tensor count and key/value count (u64;
u32 in version 1), then each key (string) with a typed value. Strings are a length
(u64; u32 in version 1) and UTF-8 bytes; arrays an element type, a count and the
elements. Numeric arrays are skipped by size; string arrays (a tokenizer's vocabulary)
are walked but only string *values* of scalar keys are kept, bounded in length.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from mlgate.formats.span import Span

__all__ = ["GgufError", "GgufHeader", "GgufValue", "read_gguf"]

MAGIC = b"GGUF"
_STRING, _ARRAY = 8, 9
# Byte size of each fixed-size value type.
_FIXED = {0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8}
_MAX_KEYS = 1 << 20
_MAX_KEY_LENGTH = 1 << 16
_MAX_KEPT_TEXT = 16 * 1024 * 1024


class GgufError(ValueError):
    """The header or metadata is malformed or beyond its bounds."""


@dataclass(frozen=True, slots=True, kw_only=True)
class GgufValue:
    """A metadata key with a string value (other types are only counted)."""

    key: str
    text: str
    offset: int


@dataclass(frozen=True, slots=True, kw_only=True)
class GgufHeader:
    """Version, counts, and the string-valued metadata."""

    version: int
    tensor_count: int
    key_count: int
    strings: tuple[GgufValue, ...]


class _Cursor:
    def __init__(self, span: Span, version: int) -> None:
        self.span = span
        self.pos = 0
        self.wide = version >= 2

    def take(self, size: int) -> bytes:
        if size < 0 or self.pos + size > self.span.size:
            raise GgufError(f"metadata runs past the end of the file at {self.pos}")
        data = self.span.read(self.pos, size)
        self.pos += size
        return data

    def skip(self, size: int) -> None:
        if size < 0 or self.pos + size > self.span.size:
            raise GgufError(f"metadata runs past the end of the file at {self.pos}")
        self.pos += size

    def uint(self, size: int) -> int:
        return int.from_bytes(self.take(size), "little")

    def length(self) -> int:
        return self.uint(8 if self.wide else 4)

    def string(self, keep: int) -> str:
        size = self.length()
        if size > keep:
            self.skip(size)
            return ""
        return self.take(size).decode("utf-8", "replace")


def read_gguf(span: Span) -> GgufHeader:
    """Read the header and the string metadata of the GGUF content in ``span``.

    Raises:
        GgufError: bad magic or version, truncation, or counts beyond the bounds.
    """
    if span.head(4) != MAGIC or span.size < 8:
        raise GgufError("not a GGUF file")
    version = struct.unpack("<I", span.read(4, 4))[0]
    if version not in (1, 2, 3):
        raise GgufError(f"unsupported GGUF version {version}")
    cursor = _Cursor(span, version)
    cursor.skip(8)
    tensors, keys = cursor.length(), cursor.length()
    if keys > _MAX_KEYS:
        raise GgufError(f"{keys} metadata keys exceed the bound of {_MAX_KEYS}")
    strings = []
    for _ in range(keys):
        offset = cursor.pos
        key = cursor.string(_MAX_KEY_LENGTH)
        kind = cursor.uint(4)
        if kind == _STRING:
            strings.append(GgufValue(key=key, text=cursor.string(_MAX_KEPT_TEXT), offset=offset))
        else:
            _skip_value(cursor, kind)
    return GgufHeader(version=version, tensor_count=tensors, key_count=keys, strings=tuple(strings))


def _skip_value(cursor: _Cursor, kind: int) -> None:
    if kind in _FIXED:
        cursor.skip(_FIXED[kind])
    elif kind == _STRING:
        cursor.skip(cursor.length())
    elif kind == _ARRAY:
        element, count = cursor.uint(4), cursor.length()
        if element in _FIXED:
            cursor.skip(_FIXED[element] * count)
        elif element == _STRING:
            for _ in range(count):
                cursor.skip(cursor.length())
        else:
            # Nested arrays are legal but no writer uses them; refusing bounds the work.
            raise GgufError(f"array of type {element} is not supported")
    else:
        raise GgufError(f"unknown metadata value type {kind}")
