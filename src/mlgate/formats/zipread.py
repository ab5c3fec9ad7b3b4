"""A tolerant zip reader that sees what every other zip reader might see.

Loaders disagree about zips: PyTorch's reader trusts the central directory and the
local header it points to; Python's ``zipfile`` shifts offsets by prefixed bytes; a
streaming reader walks local headers front to back. A payload hidden in the gap
between two views evades a scanner that reads only one. This reader reads both, lists
the union of members, and reports every disagreement as a :class:`ZipIssue`.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, replace
from typing import Literal

from mlgate.formats.span import Span

IssueKind = Literal[
    "prefixed-data",
    "no-central-directory",
    "local-only-entry",
    "missing-local-header",
    "name-mismatch",
    "method-mismatch",
    "size-mismatch",
    "duplicate-name",
    "unaccounted-bytes",
    "encrypted",
    "trailing-data",
]

_LOCAL = b"PK\x03\x04"
_CENTRAL = b"PK\x01\x02"
_EOCD = b"PK\x05\x06"
_EOCD64 = b"PK\x06\x06"
_LOCATOR64 = b"PK\x06\x07"
_DESCRIPTOR = b"PK\x07\x08"
_LOCAL_FMT = struct.Struct("<4s5H3I2H")
_CENTRAL_FMT = struct.Struct("<4s6H3I5H2I")
_EOCD_FMT = struct.Struct("<4s4H2IH")
_EOCD64_FMT = struct.Struct("<4sQ2H2I4Q")
_MAX_COMMENT = 65535
FLAG_ENCRYPTED = 0x1
FLAG_DESCRIPTOR = 0x8
FLAG_UTF8 = 0x800
_U32 = 0xFFFFFFFF


@dataclass(frozen=True, slots=True, kw_only=True)
class ZipEntry:
    """A member as one view (or both) describes it; offsets are relative to the span."""

    name: str
    header_offset: int
    data_offset: int
    method: int
    flags: int
    crc: int
    compressed_size: int
    size: int
    in_central: bool = False
    in_local: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ZipIssue:
    """A disagreement between views, or a structure no honest writer produces."""

    kind: IssueKind
    offset: int
    member: str | None
    detail: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ZipListing:
    """Every member either view knows, and every inconsistency found on the way.

    ``end`` is the offset just past the end record and its comment (``None`` without
    one): bytes from there on belong to no part of the archive.
    """

    entries: tuple[ZipEntry, ...]
    issues: tuple[ZipIssue, ...]
    end: int | None = None


def _decode_name(raw: bytes, flags: int) -> str:
    return raw.decode("utf-8" if flags & FLAG_UTF8 else "cp437", "replace")


def _zip64_fields(extra: bytes, wanted: int) -> list[int]:
    """The first ``wanted`` 8-byte values of the zip64 extra field (id 1)."""
    pos = 0
    while pos + 4 <= len(extra):
        tag, size = struct.unpack_from("<2H", extra, pos)
        if tag == 1:
            body = extra[pos + 4 : pos + 4 + size]
            count = min(wanted, len(body) // 8)
            return list(struct.unpack_from(f"<{count}Q", body))
        pos += 4 + size
    return []


def _widen(values: list[int], extra: bytes) -> list[int]:
    """Replace 0xFFFFFFFF placeholders, in order, by their zip64 values."""
    large = _zip64_fields(extra, sum(1 for v in values if v == _U32))
    return [large.pop(0) if value == _U32 and large else value for value in values]


def _parse_local(span: Span, offset: int) -> ZipEntry | None:
    raw = span.read(offset, _LOCAL_FMT.size)
    if len(raw) < _LOCAL_FMT.size or not raw.startswith(_LOCAL):
        return None
    _, _, flags, method, _, _, crc, csize, usize, name_len, extra_len = _LOCAL_FMT.unpack(raw)
    name = span.read(offset + _LOCAL_FMT.size, name_len)
    extra = span.read(offset + _LOCAL_FMT.size + name_len, extra_len)
    usize, csize = _widen([usize, csize], extra)
    return ZipEntry(
        name=_decode_name(name, flags),
        header_offset=offset,
        data_offset=offset + _LOCAL_FMT.size + name_len + extra_len,
        method=method,
        flags=flags,
        crc=crc,
        compressed_size=csize,
        size=usize,
        in_local=True,
    )


def _parse_central(span: Span, offset: int, concat: int) -> tuple[ZipEntry, int] | None:
    """One central record at ``offset``: the entry and the offset of the next record."""
    raw = span.read(offset, _CENTRAL_FMT.size)
    if len(raw) < _CENTRAL_FMT.size or not raw.startswith(_CENTRAL):
        return None
    fields = _CENTRAL_FMT.unpack(raw)
    flags, method, crc, csize, usize = fields[3], fields[4], fields[7], fields[8], fields[9]
    name_len, extra_len, comment_len, local_offset = fields[10], fields[11], fields[12], fields[16]
    name = span.read(offset + _CENTRAL_FMT.size, name_len)
    extra = span.read(offset + _CENTRAL_FMT.size + name_len, extra_len)
    usize, csize, local_offset = _widen([usize, csize, local_offset], extra)
    entry = ZipEntry(
        name=_decode_name(name, flags),
        header_offset=local_offset + concat,
        data_offset=-1,
        method=method,
        flags=flags,
        crc=crc,
        compressed_size=csize,
        size=usize,
        in_central=True,
    )
    return entry, offset + _CENTRAL_FMT.size + name_len + extra_len + comment_len


@dataclass(frozen=True, slots=True)
class _Directory:
    entries: list[ZipEntry]
    start: int
    concat: int
    end: int


def _find_eocd(span: Span) -> int | None:
    """The last end record whose comment length fits the data, as ``zipfile`` picks it."""
    window_start = max(0, span.size - _MAX_COMMENT - _EOCD_FMT.size)
    tail = span.read(window_start, span.size - window_start)
    pos = tail.rfind(_EOCD)
    while pos >= 0:
        record = tail[pos : pos + _EOCD_FMT.size]
        if len(record) == _EOCD_FMT.size:
            comment_len = _EOCD_FMT.unpack(record)[-1]
            if pos + _EOCD_FMT.size + comment_len <= len(tail):
                return window_start + pos
        pos = tail.rfind(_EOCD, 0, pos)
    return None


def _directory_bounds(span: Span, eocd: int) -> tuple[int, int, int]:
    """``(record position, directory size, directory offset)``, zip64-aware."""
    _, _, _, _, _, cd_size, cd_offset, _ = _EOCD_FMT.unpack(span.read(eocd, _EOCD_FMT.size))
    locator = span.read(eocd - 20, 20) if eocd >= 20 else b""
    record_pos = eocd - 20 - _EOCD64_FMT.size
    if locator.startswith(_LOCATOR64) and record_pos >= 0:
        record = span.read(record_pos, _EOCD64_FMT.size)
        if record.startswith(_EOCD64):
            fields = _EOCD64_FMT.unpack(record)
            return record_pos, fields[-2], fields[-1]
    return eocd, cd_size, cd_offset


def _read_directory(span: Span, max_entries: int) -> _Directory | None:
    eocd = _find_eocd(span)
    if eocd is None:
        return None
    record_pos, cd_size, cd_offset = _directory_bounds(span, eocd)
    # Bytes before the archive (a stub, a prefix) shift every offset, as zipfile computes.
    concat = max(0, record_pos - cd_size - cd_offset)
    entries: list[ZipEntry] = []
    pos = cd_offset + concat
    while len(entries) < max_entries:
        parsed = _parse_central(span, pos, concat)
        if parsed is None:
            break
        entries.append(parsed[0])
        pos = parsed[1]
    comment_len = _EOCD_FMT.unpack(span.read(eocd, _EOCD_FMT.size))[-1]
    return _Directory(entries, cd_offset + concat, concat, eocd + _EOCD_FMT.size + comment_len)


def _deflated_length(span: Span, start: int) -> int | None:
    """Length of the raw deflate stream at ``start`` (output is discarded)."""
    decoder = zlib.decompressobj(-zlib.MAX_WBITS)
    pos = start
    while not decoder.eof and pos < span.size:
        chunk = span.read(pos, 1 << 20)
        try:
            decoder.decompress(chunk, 1 << 20)
            while decoder.unconsumed_tail and not decoder.eof:
                decoder.decompress(decoder.unconsumed_tail, 1 << 20)
        except zlib.error:
            return None
        pos += len(chunk)
    return pos - len(decoder.unused_data) - start if decoder.eof else None


def _stored_length(span: Span, entry: ZipEntry) -> int | None:
    """Find a stored member's end: a descriptor whose size field matches the distance."""
    pos = entry.data_offset
    for _ in range(1000):
        found = span.blob.find(_DESCRIPTOR, span.start + pos, span.end)
        if found < 0:
            return None
        pos = found - span.start
        size = int.from_bytes(span.read(pos + 8, 4), "little")
        if size == pos - entry.data_offset:
            return size
        pos += 1
    return None


def _descriptor_end(span: Span, data_end: int) -> int:
    """Offset after the data descriptor that follows member data at ``data_end``."""
    start = data_end + (4 if span.read(data_end, 4) == _DESCRIPTOR else 0)
    for size in (12, 20):
        if span.read(start + size, 2) == b"PK":
            return start + size
    return start + 12


def _walk_local(span: Span, max_entries: int) -> tuple[list[ZipEntry], int, int]:
    """Walk local headers front to back: (entries, first header offset, end offset)."""
    first = span.blob.find(_LOCAL, span.start, span.end)
    if first < 0:
        return [], -1, 0
    pos = first = first - span.start
    entries: list[ZipEntry] = []
    while len(entries) < max_entries:
        entry = _parse_local(span, pos)
        if entry is None:
            break
        size: int | None = entry.compressed_size
        has_descriptor = bool(entry.flags & FLAG_DESCRIPTOR)
        if has_descriptor and size in (0, _U32):
            size = _unknown_length(span, entry)
        if size is None or entry.data_offset + size > span.size:
            break
        entries.append(replace(entry, compressed_size=size))
        pos = entry.data_offset + size
        if has_descriptor:
            pos = _descriptor_end(span, pos)
    return entries, first, pos


def _unknown_length(span: Span, entry: ZipEntry) -> int | None:
    if entry.method == 8:
        return _deflated_length(span, entry.data_offset)
    return _stored_length(span, entry)


def _compare(central: ZipEntry, local: ZipEntry) -> list[ZipIssue]:
    """What a central record and the local header it points at disagree on."""
    issues = []
    where = central.header_offset
    if central.name != local.name:
        detail = f"central {central.name!r}, local {local.name!r}"
        issues.append(
            ZipIssue(kind="name-mismatch", offset=where, member=central.name, detail=detail)
        )
    if central.method != local.method:
        detail = f"central method {central.method}, local method {local.method}"
        issues.append(
            ZipIssue(kind="method-mismatch", offset=where, member=central.name, detail=detail)
        )
    sizes_known = not local.flags & FLAG_DESCRIPTOR
    if sizes_known and (central.compressed_size, central.size) != (
        local.compressed_size,
        local.size,
    ):
        detail = (
            f"central sizes {central.compressed_size}/{central.size}, "
            f"local {local.compressed_size}/{local.size}"
        )
        issues.append(
            ZipIssue(kind="size-mismatch", offset=where, member=central.name, detail=detail)
        )
    return issues


def _join(span: Span, central: ZipEntry, issues: list[ZipIssue]) -> ZipEntry:
    """A central entry with its data located through its local header."""
    local = _parse_local(span, central.header_offset)
    if local is None:
        issues.append(
            ZipIssue(
                kind="missing-local-header",
                offset=central.header_offset,
                member=central.name,
                detail="the central directory points at no local header",
            )
        )
        return central
    issues.extend(_compare(central, local))
    return replace(central, data_offset=local.data_offset, in_local=True)


def read_zip(span: Span, *, max_entries: int = 100_000) -> ZipListing:
    """List the members of both views of a zip, with every inconsistency."""
    issues: list[ZipIssue] = []
    directory = _read_directory(span, max_entries)
    walked, first_local, walk_end = _walk_local(span, max_entries)
    entries: dict[int, ZipEntry] = {}
    if directory is None:
        issues.append(
            ZipIssue(kind="no-central-directory", offset=0, member=None, detail="no end record")
        )
    else:
        for central in directory.entries:
            entries.setdefault(central.header_offset, _join(span, central, issues))
        issues.extend(_layout_issues(directory, first_local, walk_end))
        if directory.end < span.size:
            detail = f"{span.size - directory.end} bytes after the end-of-central-directory record"
            issues.append(
                ZipIssue(kind="trailing-data", offset=directory.end, member=None, detail=detail)
            )
    for local in walked:
        if local.header_offset not in entries:
            entries[local.header_offset] = local
            if directory is not None:
                issues.append(_local_only(local))
    issues.extend(_duplicates(list(entries.values())))
    issues.extend(_encrypted(list(entries.values())))
    end = None if directory is None else directory.end
    return ZipListing(entries=tuple(entries.values()), issues=tuple(issues), end=end)


def _local_only(entry: ZipEntry) -> ZipIssue:
    return ZipIssue(
        kind="local-only-entry",
        offset=entry.header_offset,
        member=entry.name,
        detail="a local header the central directory does not list",
    )


def _layout_issues(directory: _Directory, first_local: int, walk_end: int) -> list[ZipIssue]:
    issues = []
    prefix = max(directory.concat, first_local)
    if prefix > 0:
        detail = f"{prefix} bytes before the first local header"
        issues.append(ZipIssue(kind="prefixed-data", offset=0, member=None, detail=detail))
    if 0 <= walk_end < directory.start and directory.entries:
        detail = f"{directory.start - walk_end} bytes belong to no member"
        issues.append(
            ZipIssue(kind="unaccounted-bytes", offset=walk_end, member=None, detail=detail)
        )
    return issues


def _duplicates(entries: list[ZipEntry]) -> list[ZipIssue]:
    seen: set[str] = set()
    issues = []
    for entry in entries:
        if entry.name in seen:
            detail = "two members share this name; loaders disagree on which one wins"
            issues.append(
                ZipIssue(
                    kind="duplicate-name",
                    offset=entry.header_offset,
                    member=entry.name,
                    detail=detail,
                )
            )
        seen.add(entry.name)
    return issues


def _encrypted(entries: list[ZipEntry]) -> list[ZipIssue]:
    return [
        ZipIssue(
            kind="encrypted",
            offset=entry.header_offset,
            member=entry.name,
            detail="encryption flag set (PyTorch ignores it and reads a stored member as is)",
        )
        for entry in entries
        if entry.flags & FLAG_ENCRYPTED
    ]
