"""The attributes of an HDF5 file's root group, read by a small bounded reader.

Legacy Keras ``.h5`` models keep their architecture as JSON in the root attributes
``model_config`` and ``training_config``; that is all a scanner needs. ``h5py`` is not
used: it binds the C HDF5 library, whose object-header and datatype decoders have a
long record of memory-safety flaws on crafted files, parses far more of the file than
these few attributes, and weighs about ten megabytes. This reader follows the
published file format (superblock versions 0-3, object header versions 1 and 2 with
continuation blocks, attribute message versions 1-3, fixed-length and variable-length
string values through the global heap) over :class:`Span` views, with every count,
size and offset checked against the data before use.

Attributes kept in dense storage (a fractal heap, written only past eight attributes
with the newest file format) are not read: :attr:`RootAttributes.dense` says so, and
the caller decides whether that leaves something unexamined.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mlgate.formats.span import Span

__all__ = ["HDF5_SIGNATURE", "Hdf5Error", "RootAttributes", "read_root_attributes"]

HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
MAX_MESSAGES = 4096
MAX_CONTINUATIONS = 256
MAX_VALUE_BYTES = 64 * 1024 * 1024
_ATTRIBUTE, _CONTINUATION, _ATTRIBUTE_INFO = 0x0C, 0x10, 0x15
_STRING, _VLEN = 3, 9


class Hdf5Error(ValueError):
    """The file is not a readable HDF5 file (or lies about its own structure)."""


@dataclass(slots=True)
class RootAttributes:
    """String attributes of the root group, and what could not be read."""

    strings: dict[str, bytes] = field(default_factory=dict)
    unreadable: dict[str, str] = field(default_factory=dict)
    dense: bool = False


@dataclass(frozen=True, slots=True)
class _Layout:
    """Where the file starts and how wide its offsets and lengths are."""

    span: Span
    base: int
    offset_size: int
    length_size: int

    def uint(self, pos: int, size: int) -> int:
        raw = self.span.read(pos, size)
        if len(raw) < size:
            raise Hdf5Error(f"structure at {pos} runs past the end of the file")
        return int.from_bytes(raw, "little")

    def address(self, pos: int) -> int:
        return self.uint(pos, self.offset_size)

    def undefined(self, address: int) -> bool:
        return address == (1 << (8 * self.offset_size)) - 1

    def at(self, address: int) -> int:
        """A file address as a position in the span (addresses count from the base)."""
        pos = self.base + address
        if not 0 <= pos < self.span.size:
            raise Hdf5Error(f"address {address} lies outside the file")
        return pos


def read_root_attributes(span: Span) -> RootAttributes:
    """The root group's string attributes (bounded; values over 64 MiB are unreadable).

    Raises:
        Hdf5Error: no superblock, an unsupported version, or a structure that runs
            outside the file.
    """
    layout, root = _superblock(span)
    attributes = RootAttributes()
    for kind, body in _header_messages(layout, root):
        if kind == _ATTRIBUTE:
            _attribute(layout, body, attributes)
        elif kind == _ATTRIBUTE_INFO:
            attributes.dense = attributes.dense or _has_dense_storage(layout, body)
    return attributes


def _superblock(span: Span) -> tuple[_Layout, int]:
    """The layout and the root group's object header position."""
    base = 0
    while base < span.size and span.read(base, 8) != HDF5_SIGNATURE:
        # The library looks at 0, 512, 1024, 2048... (a user block may come first).
        base = 512 if base == 0 else base * 2
    if base >= span.size:
        raise Hdf5Error("no HDF5 superblock signature")
    version = span.read(base + 8, 1)[0] if span.size > base + 8 else -1
    if version in (0, 1):
        sizes = span.read(base + 13, 2)
        layout = _Layout(span, base, _width(sizes, 0), _width(sizes, 1))
        # v0: 24 bytes of fixed fields; v1 adds 4; then four addresses, then the root
        # symbol table entry: link name offset, object header address.
        fixed = 24 + (4 if version == 1 else 0)
        entry = base + fixed + 4 * layout.offset_size
        return layout, layout.at(layout.address(entry + layout.offset_size))
    if version in (2, 3):
        sizes = span.read(base + 9, 2)
        layout = _Layout(span, base, _width(sizes, 0), _width(sizes, 1))
        return layout, layout.at(layout.address(base + 12 + 3 * layout.offset_size))
    raise Hdf5Error(f"unsupported superblock version {version}")


def _width(sizes: bytes, index: int) -> int:
    if len(sizes) <= index or sizes[index] not in (2, 4, 8):
        raise Hdf5Error("bad offset or length size in the superblock")
    return sizes[index]


def _header_messages(layout: _Layout, pos: int) -> list[tuple[int, Span]]:
    """Every message of an object header, following continuation blocks (bounded)."""
    span = layout.span
    if span.read(pos, 4) == b"OHDR":
        messages, pending = _v2_block(layout, pos, first=True)
    elif span.read(pos, 1) == b"\x01":
        size = layout.uint(pos + 8, 4)
        messages, pending = _v1_block(layout, pos + 16, size)
    else:
        raise Hdf5Error(f"no object header at {pos}")
    seen: set[int] = set()
    while pending:
        address, length = pending.pop()
        if address in seen or len(seen) >= MAX_CONTINUATIONS:
            raise Hdf5Error("object header continuations loop or run too long")
        seen.add(address)
        start = layout.at(address)
        if span.read(start, 4) == b"OCHK":
            more, later = _v2_block(layout, start, first=False, length=length)
        else:
            more, later = _v1_block(layout, start, length)
        messages.extend(more)
        pending.extend(later)
        if len(messages) > MAX_MESSAGES:
            raise Hdf5Error(f"more than {MAX_MESSAGES} object header messages")
    return messages


Block = tuple[list[tuple[int, Span]], list[tuple[int, int]]]


def _v1_block(layout: _Layout, pos: int, size: int) -> Block:
    """Version 1 messages: type (2), size (2), flags (1), reserved (3), data."""
    messages: list[tuple[int, Span]] = []
    continuations: list[tuple[int, int]] = []
    end = pos + size
    if end > layout.span.size:
        raise Hdf5Error("object header runs past the end of the file")
    while pos + 8 <= end and len(messages) <= MAX_MESSAGES:
        kind, length = layout.uint(pos, 2), layout.uint(pos + 2, 2)
        body = _body(layout, pos + 8, length, end)
        _collect(layout, kind, body, messages, continuations)
        pos += 8 + length
    return messages, continuations


def _v2_block(layout: _Layout, pos: int, *, first: bool, length: int = 0) -> Block:
    """Version 2 messages: type (1), size (2), flags (1), [creation order (2)], data."""
    span = layout.span
    if first:
        flags = layout.uint(pos + 5, 1)
        cursor = pos + 6 + (16 if flags & 0x20 else 0) + (4 if flags & 0x10 else 0)
        width = 1 << (flags & 0x03)
        end = cursor + width + layout.uint(cursor, width)
        cursor += width
    else:
        flags = 0
        cursor, end = pos + 4, pos + length - 4  # signature, then a checksum at the end
    if end > span.size:
        raise Hdf5Error("object header runs past the end of the file")
    order = 2 if flags & 0x04 else 0
    messages: list[tuple[int, Span]] = []
    continuations: list[tuple[int, int]] = []
    while cursor + 4 + order <= end and len(messages) <= MAX_MESSAGES:
        kind, size = layout.uint(cursor, 1), layout.uint(cursor + 1, 2)
        start = cursor + 4 + order
        _collect(layout, kind, _body(layout, start, size, end), messages, continuations)
        cursor = start + size
    return messages, continuations


def _body(layout: _Layout, start: int, size: int, end: int) -> Span:
    if start + size > end:
        raise Hdf5Error(f"object header message at {start} runs past its block")
    return Span(layout.span.blob, layout.span.start + start, layout.span.start + start + size)


def _collect(
    layout: _Layout,
    kind: int,
    body: Span,
    messages: list[tuple[int, Span]],
    continuations: list[tuple[int, int]],
) -> None:
    if kind == _CONTINUATION:
        address = int.from_bytes(body.read(0, layout.offset_size), "little")
        length = int.from_bytes(body.read(layout.offset_size, layout.length_size), "little")
        continuations.append((address, length))
    else:
        messages.append((kind, body))


def _has_dense_storage(layout: _Layout, body: Span) -> bool:
    """Attribute Info: version, flags, [max creation index], fractal heap address."""
    flags = body.read(1, 1)
    offset = 2 + (2 if flags and flags[0] & 0x01 else 0)
    heap = int.from_bytes(body.read(offset, layout.offset_size), "little")
    return not layout.undefined(heap)


def _attribute(layout: _Layout, body: Span, into: RootAttributes) -> None:
    """Decode one attribute message; only string values are kept."""
    head = body.read(0, 8)
    if len(head) < 8 or head[0] not in (1, 2, 3):
        raise Hdf5Error("bad attribute message")
    version, flags = head[0], head[1]
    name_size = int.from_bytes(head[2:4], "little")
    type_size = int.from_bytes(head[4:6], "little")
    space_size = int.from_bytes(head[6:8], "little")
    align = 8 if version == 1 else 1  # version 1 pads each part to eight bytes
    pos = 8 + (1 if version == 3 else 0)
    name = body.read(pos, name_size).split(b"\x00", 1)[0].decode("utf-8", "replace")
    pos += _aligned(name_size, align)
    datatype = body.read(pos, type_size)
    pos += _aligned(type_size, align)
    dataspace = body.read(pos, space_size)
    pos += _aligned(space_size, align)
    if flags & 0x03:
        into.unreadable[name] = "shared datatype or dataspace"
        return
    try:
        value = _string_value(layout, datatype, dataspace, body, pos)
    except Hdf5Error as error:
        into.unreadable[name] = str(error)
        return
    if value is not None:
        into.strings[name] = value


def _aligned(size: int, align: int) -> int:
    return -(-size // align) * align


def _string_value(
    layout: _Layout, datatype: bytes, dataspace: bytes, body: Span, pos: int
) -> bytes | None:
    """A scalar (or one-element) string attribute's bytes; ``None`` for other types."""
    if len(datatype) < 8 or _elements(dataspace, layout.length_size) != 1:
        return None
    kind, size = datatype[0] & 0x0F, int.from_bytes(datatype[4:8], "little")
    if kind == _STRING:
        if size > MAX_VALUE_BYTES or pos + size > body.size:
            raise Hdf5Error("string value runs past its message or the size bound")
        return body.read(pos, size).split(b"\x00", 1)[0]
    if kind == _VLEN and datatype[1] & 0x0F == 1:
        length = int.from_bytes(body.read(pos, 4), "little")
        heap = int.from_bytes(body.read(pos + 4, layout.offset_size), "little")
        index = int.from_bytes(body.read(pos + 4 + layout.offset_size, 4), "little")
        return _global_heap_object(layout, heap, index, length)
    return None


def _elements(dataspace: bytes, width: int) -> int:
    """Elements of a dataspace message (versions 1 and 2); -1 when unreadable."""
    if len(dataspace) < 4 or dataspace[0] not in (1, 2):
        return -1
    rank = dataspace[1]
    if dataspace[0] == 2 and dataspace[3] != 1:
        return 1 if dataspace[3] == 0 else 0  # scalar, or the null dataspace
    start = 8 if dataspace[0] == 1 else 4
    count = 1
    for index in range(rank):
        dimension = dataspace[start + width * index : start + width * (index + 1)]
        if len(dimension) < width:
            return -1
        count *= int.from_bytes(dimension, "little")
    return count


def _global_heap_object(layout: _Layout, address: int, index: int, length: int) -> bytes:
    """Object ``index`` of the global heap collection at ``address``."""
    if length > MAX_VALUE_BYTES:
        raise Hdf5Error("variable-length string over the size bound")
    start = layout.at(address)
    if layout.span.read(start, 4) != b"GCOL":
        raise Hdf5Error(f"no global heap collection at {address}")
    end = min(layout.span.size, start + layout.uint(start + 8, layout.length_size))
    pos = start + 8 + layout.length_size
    header = 8 + layout.length_size
    while pos + header <= end:
        number = layout.uint(pos, 2)
        size = layout.uint(pos + 8, layout.length_size)
        if number == 0:
            break  # free space: the rest of the collection holds no objects
        if number == index:
            return layout.span.read(pos + header, min(size, length))
        pos += header + ((size + 7) & ~7)
    raise Hdf5Error(f"global heap object {index} not found")
