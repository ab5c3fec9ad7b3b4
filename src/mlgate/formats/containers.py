"""Members of containers: zip (both views), tar, and single-stream compressed wrappers.

Every function hands back :class:`Span` views; a stored member of a memory-mapped file
is never copied. Budgets bound what decompression may produce.
"""

from __future__ import annotations

import tarfile
import zlib
from dataclasses import dataclass

from mlgate.formats.decompress import Codec, DecompressError, Inflated, inflate
from mlgate.formats.limits import UnpackBudget
from mlgate.formats.sniff import Format
from mlgate.formats.span import Span, SpanFile
from mlgate.formats.zipread import FLAG_ENCRYPTED, ZipEntry

__all__ = [
    "ContainerError",
    "TarMember",
    "crc_matches",
    "open_zip_entry",
    "read_tar",
    "unwrap",
]

_ZIP_CODECS: dict[int, Codec] = {8: "deflate", 12: "bzip2", 14: "zip-lzma"}
_FORMAT_CODECS: dict[Format, Codec] = {
    Format.GZIP: "gzip",
    Format.ZLIB: "zlib",
    Format.BZIP2: "bzip2",
    Format.XZ: "xz",
    Format.LZMA: "lzma",
    Format.LZ4: "lz4",
}


class ContainerError(ValueError):
    """A member cannot be read: unsupported method, encryption, truncation, corruption."""


def open_zip_entry(span: Span, entry: ZipEntry, budget: UnpackBudget) -> Span:
    """The uncompressed bytes of a zip member, read through its local header."""
    # PyTorch's reader ignores the encryption flag and reads a stored member as it is, so
    # a payload behind a fake flag would run: such members are scanned, not refused (the
    # flag itself is reported by ``read_zip``). Real encryption leaves only noise to scan.
    if entry.flags & FLAG_ENCRYPTED and entry.method != 0:
        raise ContainerError("encrypted member")
    if entry.data_offset < 0:
        raise ContainerError("no local header to read the member from")
    end = entry.data_offset + entry.compressed_size
    if end > span.size:
        raise ContainerError("member data runs past the end of the archive")
    raw = Span(span.blob, span.start + entry.data_offset, span.start + end)
    if entry.method == 0:
        return raw
    codec = _ZIP_CODECS.get(entry.method)
    if codec is None:
        raise ContainerError(f"unsupported compression method {entry.method}")
    return Span.of(_inflated(raw, codec, budget).data)


def _inflated(raw: Span, codec: Codec, budget: UnpackBudget) -> Inflated:
    try:
        result = inflate(raw, codec, budget)
    except DecompressError as error:
        raise ContainerError(f"corrupt {codec} data: {error}") from None
    if not result.complete and not result.data:
        raise ContainerError(f"corrupt or truncated {codec} data")
    return result


def crc_matches(data: Span, expected: int) -> bool:
    """Whether the member's CRC-32 is the one its header declares (streamed)."""
    crc, pos = 0, 0
    while pos < data.size:
        chunk = data.read(pos, 1 << 22)
        crc = zlib.crc32(chunk, crc)
        pos += len(chunk)
    return crc == expected


@dataclass(frozen=True, slots=True)
class Unwrapped:
    """The content of a compressed wrapper, and bytes after its last stream, if any."""

    data: Span
    trailing: int
    complete: bool


def unwrap(span: Span, fmt: Format, budget: UnpackBudget) -> Unwrapped:
    """Decompress a gzip/zlib/bz2/xz/lzma wrapper (joblib's ``compress=``).

    Raises:
        ContainerError: an unsupported wrapper, or corrupt data.
    """
    codec = _FORMAT_CODECS.get(fmt)
    if codec is None:
        raise ContainerError(f"cannot decompress {fmt.value} (no decoder installed)")
    result = _inflated(span, codec, budget)
    return Unwrapped(Span.of(result.data), span.size - result.consumed, result.complete)


@dataclass(frozen=True, slots=True)
class TarMember:
    """A regular file in a tar archive, as a view of the archive."""

    name: str
    offset: int
    data: Span


def read_tar(span: Span, budget: UnpackBudget) -> list[TarMember]:
    """The regular files of an uncompressed tar archive.

    Raises:
        ContainerError: the archive is corrupt.
    """
    members: list[TarMember] = []
    try:
        with tarfile.open(fileobj=SpanFile(span), mode="r:") as archive:
            for info in archive:
                budget.add_member()
                if info.isfile() and not info.issparse():
                    end = min(span.size, info.offset_data + info.size)
                    data = Span(span.blob, span.start + info.offset_data, span.start + end)
                    members.append(TarMember(info.name, info.offset, data))
    except tarfile.TarError as error:
        raise ContainerError(f"corrupt tar archive: {error}") from None
    return members
