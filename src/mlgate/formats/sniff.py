"""Magic-byte detection: what a file or member *is*, whatever its name says.

:func:`sniff` looks at a blob's head (and, for zips with prefixed bytes, its tail). The
extension of a file only says what it is *expected* to be; comparing the two is the
caller's job.
"""

from __future__ import annotations

import zlib
from enum import StrEnum

from mlgate.formats.limits import PickleLimits
from mlgate.formats.pickle_machine import Blob
from mlgate.formats.pickle_ops import OPCODES
from mlgate.formats.pickle_stream import scan_pickles

HEAD_SIZE = 64 * 1024
_EOCD = b"PK\x05\x06"
# The longest zip comment is 65535 bytes; the end record is 22 bytes before it.
_EOCD_WINDOW = 65535 + 22
# ``torch.save(..., _use_new_zipfile_serialization=False)`` starts with this pickle
# (protocol 2, LONG1 of the magic number 0x1950a86a20f9469cfc6c).
TORCH_LEGACY_MAGIC = b"\x80\x02\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19."
_TRIAL_LIMITS = PickleLimits(max_opcodes=200_000, max_seconds=5.0)


class Format(StrEnum):
    """Content formats mlgate recognises by their bytes."""

    ZIP = "zip"
    SEVEN_ZIP = "7z"
    TAR = "tar"
    GZIP = "gzip"
    BZIP2 = "bzip2"
    XZ = "xz"
    LZMA = "lzma"
    ZLIB = "zlib"
    LZ4 = "lz4"
    NPY = "npy"
    HDF5 = "hdf5"
    ONNX = "onnx"
    SAFETENSORS = "safetensors"
    GGUF = "gguf"
    PICKLE = "pickle"
    UNKNOWN = "unknown"


COMPRESSED = frozenset({Format.GZIP, Format.BZIP2, Format.XZ, Format.LZMA, Format.ZLIB, Format.LZ4})
ARCHIVES = frozenset({Format.ZIP, Format.SEVEN_ZIP, Format.TAR})

_PREFIXES: tuple[tuple[bytes, Format], ...] = (
    (b"PK\x03\x04", Format.ZIP),
    (b"PK\x05\x06", Format.ZIP),
    (b"PK\x07\x08", Format.ZIP),
    (b"7z\xbc\xaf\x27\x1c", Format.SEVEN_ZIP),
    (b"\x1f\x8b", Format.GZIP),
    (b"\xfd7zXZ\x00", Format.XZ),
    (b"\x04\x22\x4d\x18", Format.LZ4),
    (b"\x93NUMPY", Format.NPY),
    (b"\x89HDF\r\n\x1a\n", Format.HDF5),
    (b"GGUF", Format.GGUF),
)


def sniff(blob: Blob, start: int = 0, end: int | None = None) -> Format:
    """Detect the format of ``blob[start:end]`` from its content alone."""
    stop = len(blob) if end is None else end
    head = bytes(blob[start : min(stop, start + HEAD_SIZE)])
    for magic, found in _PREFIXES:
        if head.startswith(magic):
            return found
    detected = _sniff_structured(head, stop - start)
    if detected is not Format.UNKNOWN:
        return detected
    if _has_end_of_central_directory(blob, start, stop):
        return Format.ZIP
    return (
        Format.PICKLE if looks_like_pickle(head, complete=stop - start <= HEAD_SIZE) else detected
    )


def _sniff_structured(head: bytes, size: int) -> Format:
    checks = (
        (_is_bzip2, Format.BZIP2),
        (_is_lzma_alone, Format.LZMA),
        (_is_zlib, Format.ZLIB),
        (_is_tar, Format.TAR),
        (lambda h: h[512:520] == b"\x89HDF\r\n\x1a\n", Format.HDF5),
        (lambda h: _is_safetensors(h, size), Format.SAFETENSORS),
        (_is_onnx, Format.ONNX),
    )
    for check, found in checks:
        if check(head):
            return found
    return Format.UNKNOWN


def _is_bzip2(head: bytes) -> bool:
    return head[:3] == b"BZh" and head[3:4].isdigit() and head[3:4] != b"0"


def _is_lzma_alone(head: bytes) -> bool:
    # .lzma "alone" files (joblib's 'lzma' compressor): properties byte 0x5d in
    # practice, then a little-endian dictionary size that is a power of two.
    if len(head) < 13 or head[0] != 0x5D:
        return False
    dict_size = int.from_bytes(head[1:5], "little")
    return dict_size >= 4096 and dict_size & (dict_size - 1) == 0


def _is_zlib(head: bytes) -> bool:
    # Only the 32 KiB window (0x78) that every writer uses: smaller windows' header bytes
    # collide with protocol 0 pickles ("(S" is a valid zlib header). A trial inflate of
    # the head must then succeed.
    if len(head) < 2 or head[0] != 0x78 or (head[0] << 8 | head[1]) % 31 or head[1] & 0x20:
        return False
    try:
        zlib.decompressobj().decompress(head, 64)
    except zlib.error:
        return False
    return True


def _is_tar(head: bytes) -> bool:
    if len(head) < 512:
        return False
    if head[257:262] == b"ustar":
        return True
    # Old (v7) tar has no magic: trust the header checksum instead.
    field = head[148:156].split(b"\x00", 1)[0].strip()
    if not field or not all(c in b"01234567" for c in field):
        return False
    expected = int(field, 8)
    actual = sum(head[:148]) + 8 * 32 + sum(head[156:512])
    return expected == actual and head[0] != 0


def _is_safetensors(head: bytes, size: int) -> bool:
    if len(head) < 10:
        return False
    header_len = int.from_bytes(head[:8], "little")
    return 2 <= header_len <= size - 8 and head[8:9] == b"{"


def _is_onnx(head: bytes) -> bool:
    # ModelProto starts with ir_version (field 1, varint) and then a length-delimited
    # field: producer_name (2), producer_version (3), domain (4), graph (7), opset (8).
    return (
        len(head) >= 3
        and head[0] == 0x08
        and 1 <= head[1] <= 12
        and head[2] in {0x12, 0x1A, 0x22, 0x2A, 0x3A, 0x42, 0x52}
    )


def _has_end_of_central_directory(blob: Blob, start: int, stop: int) -> bool:
    """A zip whose local headers do not start at byte 0 (prefixed data, a stub)."""
    window = max(start, stop - _EOCD_WINDOW)
    return blob.rfind(_EOCD, window, stop) >= 0


def looks_like_pickle(head: bytes, *, complete: bool) -> bool:
    """Whether ``head`` starts a pickle, including protocol 0/1 ones without PROTO.

    A PROTO opcode is decisive. Otherwise a bounded trial run must reach STOP, or run
    out of data only because ``head`` is a prefix of a larger blob.
    """
    if not head:
        return False
    if head[0] == 0x80:
        return len(head) > 1 and head[1] <= 5
    if head[0] not in OPCODES or head[0] in b".0123abeghijopqrsu":
        return False
    report = scan_pickles(head, limits=_TRIAL_LIMITS, stop_after=1)
    if report.complete_count:
        return True
    failure = report.failure
    return (
        not complete
        and failure is not None
        and failure.message.startswith("pickle data was truncated")
        and report.pickles[0].opcodes >= 8
    )
