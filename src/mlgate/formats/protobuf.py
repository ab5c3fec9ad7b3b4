"""Protocol Buffers wire format, read field by field without a schema or a copy.

Length-delimited fields come back as :class:`Span` views, so a 2 GB initializer of an
ONNX model is skipped, never read. Group wire types (3, 4) are obsolete and refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from mlgate.formats.span import Span

__all__ = ["Field", "ProtobufError", "iter_fields"]

VARINT, FIXED64, LENGTH, FIXED32 = 0, 1, 2, 5
_MAX_VARINT_BYTES = 10


class ProtobufError(ValueError):
    """The bytes are not a well-formed protobuf message."""


@dataclass(frozen=True, slots=True)
class Field:
    """One field: its number, wire type, and an integer or a span of bytes."""

    number: int
    wire_type: int
    value: int | Span
    offset: int

    @property
    def data(self) -> Span:
        """The bytes of a length-delimited field.

        Raises:
            ProtobufError: the field is not length-delimited.
        """
        if not isinstance(self.value, Span):
            raise ProtobufError(f"field {self.number} is not length-delimited")
        return self.value

    @property
    def number_value(self) -> int:
        """The integer of a varint or fixed field.

        Raises:
            ProtobufError: the field is length-delimited.
        """
        if isinstance(self.value, Span):
            raise ProtobufError(f"field {self.number} is not a number")
        return self.value

    def text(self, limit: int = 1 << 20) -> str:
        """A string field, decoded leniently and cut at ``limit`` bytes."""
        return self.data.read(0, limit).decode("utf-8", "replace")


def _varint(span: Span, pos: int) -> tuple[int, int]:
    chunk = span.read(pos, _MAX_VARINT_BYTES)
    value = 0
    for index, byte in enumerate(chunk):
        value |= (byte & 0x7F) << (7 * index)
        if not byte & 0x80:
            return value, pos + index + 1
    raise ProtobufError(f"unterminated varint at {pos}")


def iter_fields(span: Span) -> Iterator[Field]:
    """Yield the fields of the message in ``span`` in order.

    Raises:
        ProtobufError: a truncated field, a bad wire type or field number zero.
    """
    pos = 0
    while pos < span.size:
        key, after = _varint(span, pos)
        number, wire_type = key >> 3, key & 7
        if number == 0:
            raise ProtobufError(f"field number 0 at {pos}")
        value, end = _value(span, after, wire_type)
        if end > span.size:
            raise ProtobufError(f"field {number} at {pos} runs past the message")
        yield Field(number, wire_type, value, span.start + pos)
        pos = end


def _value(span: Span, pos: int, wire_type: int) -> tuple[int | Span, int]:
    if wire_type == VARINT:
        return _varint(span, pos)
    if wire_type == FIXED64:
        return int.from_bytes(span.read(pos, 8), "little"), pos + 8
    if wire_type == FIXED32:
        return int.from_bytes(span.read(pos, 4), "little"), pos + 4
    if wire_type == LENGTH:
        length, start = _varint(span, pos)
        return Span(span.blob, span.start + start, span.start + start + length), start + length
    raise ProtobufError(f"unsupported wire type {wire_type} at {pos}")
