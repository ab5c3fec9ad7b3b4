"""Zips (honest and tricked), tars, compressed wrappers and ``.npy`` files, built in memory.

The zip writer is our own so that each trick a loader tolerates can be produced
exactly: local/central name mismatches, bad CRCs, data descriptors, prefixed bytes,
local-only members, duplicate names, zip64 records.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import random
import struct
import tarfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from mlgate.formats.lz4 import FRAME_MAGIC, xxh32


@dataclass(frozen=True, slots=True, kw_only=True)
class Member:
    """One member and the tricks to apply when writing it."""

    name: str
    data: bytes
    deflate: bool = False
    central_name: str | None = None
    bad_crc: bool = False
    descriptor: bool = False
    in_central: bool = True
    flags: int = 0


def _local(member: Member, payload: bytes, crc: int) -> bytes:
    flags = (0x8 if member.descriptor else 0) | member.flags
    sizes = (0, 0, 0) if member.descriptor else (crc, len(payload), len(member.data))
    name = member.name.encode()
    method = 8 if member.deflate else 0
    header = struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, flags, method, 0, 0, *sizes, len(name), 0)
    trailer = (
        struct.pack("<4s3I", b"PK\x07\x08", crc, len(payload), len(member.data))
        if member.descriptor
        else b""
    )
    return header + name + payload + trailer


def _central(member: Member, payload: bytes, crc: int, offset: int) -> bytes:
    name = (member.central_name or member.name).encode()
    flags = (0x8 if member.descriptor else 0) | member.flags
    method = 8 if member.deflate else 0
    return struct.pack(
        "<4s6H3I5H2I", b"PK\x01\x02", 20, 20, flags, method, 0, 0, crc, len(payload),
        len(member.data), len(name), 0, 0, 0, 0, 0, offset,
    ) + name  # fmt: skip


def make_zip(members: list[Member], *, prefix: bytes = b"", zip64: bool = False) -> bytes:
    """A zip of ``members``; ``prefix`` bytes come first (offsets stay archive-relative)."""
    body = bytearray()
    directory = bytearray()
    count = 0
    for member in members:
        payload = _compress(member.data) if member.deflate else member.data
        crc = zlib.crc32(member.data) ^ (0xFFFF if member.bad_crc else 0)
        offset = len(body)
        body += _local(member, payload, crc)
        if member.in_central:
            directory += _central(member, payload, crc, offset)
            count += 1
    end = _end_records(len(body), len(directory), count, zip64=zip64)
    return prefix + bytes(body) + bytes(directory) + end


def _end_records(cd_offset: int, cd_size: int, count: int, *, zip64: bool) -> bytes:
    if not zip64:
        return struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, count, count, cd_size, cd_offset, 0)
    record_offset = cd_offset + cd_size
    record = struct.pack(
        "<4sQ2H2I4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, count, count, cd_size, cd_offset
    )
    locator = struct.pack("<4sIQI", b"PK\x06\x07", 0, record_offset, 1)
    eocd = struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    return record + locator + eocd


def _compress(data: bytes) -> bytes:
    encoder = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return encoder.compress(data) + encoder.flush()


def torch_zip(
    data_pkl: bytes,
    *,
    root: str = "archive",
    storages: int = 1,
    deflate: bool = False,
    bad_crc: bool = False,
    descriptor: bool = False,
) -> bytes:
    """The ``torch.save`` zip layout: data.pkl, byteorder, data/<key>, version, serialization id."""
    pkl = Member(
        name=f"{root}/data.pkl",
        data=data_pkl,
        deflate=deflate,
        bad_crc=bad_crc,
        descriptor=descriptor,
    )
    members = [pkl]
    members.append(Member(name=f"{root}/byteorder", data=b"little"))
    members += [
        Member(name=f"{root}/data/{key}", data=_tensor_bytes(key)) for key in range(storages)
    ]
    members.append(Member(name=f"{root}/version", data=b"3\n"))
    members.append(
        Member(
            name=f"{root}/.data/serialization_id", data=b"1234567890123456789012345678901234567890"
        )
    )
    return make_zip(members)


def _tensor_bytes(key: int) -> bytes:
    # float32 values whose bytes start with 0x80 0x02: tensor data that *looks* like PROTO 2.
    return b"\x80\x02" + struct.pack("<46f", *(float(key + i) for i in range(46)))


def make_tar(members: dict[str, bytes]) -> bytes:
    """An uncompressed tar of the given files."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.GNU_FORMAT) as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def compress(data: bytes, codec: str) -> bytes:
    """``joblib.dump(..., compress=codec)`` writes these stream formats."""
    if codec == "zlib":
        return zlib.compress(data, 3)
    if codec == "gzip":
        return gzip.compress(data, 3, mtime=0)
    if codec == "bz2":
        return bz2.compress(data, 3)
    if codec == "xz":
        return lzma.compress(data, lzma.FORMAT_XZ)
    if codec == "lzma":
        return lzma.compress(data, lzma.FORMAT_ALONE)
    if codec == "lz4":
        return lz4_frame(data)
    raise ValueError(codec)


# --- LZ4 (joblib's ``compress="lz4"`` writes LZ4 frames) ----------------------------


def _lz4_extra(out: bytearray, value: int) -> None:
    while value >= 255:
        out.append(255)
        value -= 255
    out.append(value)


def _lz4_sequence(out: bytearray, literals: bytes, offset: int, match: int) -> None:
    extra = match - 4
    out.append(min(len(literals), 15) << 4 | (min(extra, 15) if offset else 0))
    if len(literals) >= 15:
        _lz4_extra(out, len(literals) - 15)
    out += literals
    if offset:
        out += offset.to_bytes(2, "little")
        if extra >= 15:
            _lz4_extra(out, extra - 15)


def lz4_block(data: bytes) -> bytes:
    """A greedy LZ4 block compressor (spec: the last 5 bytes are literals, last match
    starts at least 12 bytes before the end)."""
    out, table = bytearray(), dict[bytes, int]()
    anchor = pos = 0
    while pos < len(data) - 12:
        key = data[pos : pos + 4]
        candidate, table[key] = table.get(key), pos
        if candidate is None or pos - candidate > 65535:
            pos += 1
            continue
        match = 4
        while pos + match < len(data) - 5 and data[candidate + match] == data[pos + match]:
            match += 1
        _lz4_sequence(out, data[anchor:pos], pos - candidate, match)
        pos = anchor = pos + match
    _lz4_sequence(out, data[anchor:], 0, 4)
    return bytes(out)


@dataclass(frozen=True, slots=True, kw_only=True)
class Lz4Options:
    """Frame descriptor flags and block layout of :func:`lz4_frame`."""

    block_code: int = 4
    independent: bool = True
    block_checksum: bool = False
    content_checksum: bool = True
    content_size: bool = False
    stored: bool = False


def lz4_frame(data: bytes, options: Lz4Options | None = None) -> bytes:
    """An LZ4 frame of ``data`` as ``lz4.frame.compress`` writes it (checksums included)."""
    opts = options or Lz4Options()
    flg = 0x40 | opts.independent << 5 | opts.block_checksum << 4
    flg |= opts.content_size << 3 | opts.content_checksum << 2
    descriptor = bytes([flg, opts.block_code << 4])
    if opts.content_size:
        descriptor += len(data).to_bytes(8, "little")
    out = bytearray(FRAME_MAGIC + descriptor + bytes([xxh32(descriptor) >> 8 & 0xFF]))
    size = 1 << (8 + 2 * opts.block_code)
    for start in range(0, len(data), size):
        chunk = data[start : start + size]
        body = chunk if opts.stored else lz4_block(chunk)
        # Incompressible data is stored, as the reference writer does: a compressed block
        # may not exceed the block maximum size.
        stored = opts.stored or len(body) >= len(chunk)
        body = chunk if stored else body
        out += (len(body) | (0x80000000 if stored else 0)).to_bytes(4, "little") + body
        if opts.block_checksum:
            out += xxh32(body).to_bytes(4, "little")
    out += bytes(4)
    if opts.content_checksum:
        out += xxh32(data).to_bytes(4, "little")
    return bytes(out)


def npy(descr: object, shape: tuple[int, ...], body: bytes, *, version: int = 1) -> bytes:
    """A ``.npy`` file: magic, version, padded header dict, then the data (or a pickle)."""
    header = f"{{'descr': {descr!r}, 'fortran_order': False, 'shape': {shape!r}, }}"
    size_bytes = 2 if version == 1 else 4
    total = 6 + 2 + size_bytes + len(header) + 1
    header += " " * ((64 - total % 64) % 64) + "\n"
    length = len(header).to_bytes(size_bytes, "little")
    return b"\x93NUMPY" + bytes([version, 0]) + length + header.encode("latin-1") + body


def safetensors(metadata: dict[str, str] | None = None) -> bytes:
    """A minimal safetensors file with one float32 tensor."""
    import json

    header = {"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}
    if metadata:
        header["__metadata__"] = metadata  # type: ignore[assignment]  # safetensors allows it
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + struct.pack("<2f", 1.0, 2.0)


def write_torch_zip_file(
    path: Path, data_pkl: bytes, tensor_bytes: list[int], *, root: str = "archive"
) -> int:
    """Stream a ``torch.save`` zip with big stored tensors to ``path``; returns its size.

    Tensor members are written in 4 MiB chunks; their CRC is computed in a first pass
    over the same chunks so the local header carries sizes and CRC, as torch's writer
    (miniz ``add_mem``) does. A multi-GB checkpoint never sits in memory. Each member
    must stay below 4 GiB (no zip64 here).
    """
    block = random.Random(len(tensor_bytes)).randbytes(1 << 22)  # noqa: S311  # seeded filler, not a secret
    members: list[tuple[str, int, Callable[[], Iterator[bytes]]]] = [
        (f"{root}/data.pkl", len(data_pkl), partial(iter, [data_pkl])),
        *((f"{root}/data/{i}", n, partial(_chunks, block, n)) for i, n in enumerate(tensor_bytes)),
        (f"{root}/version", 2, partial(iter, [b"3\n"])),
    ]
    directory = bytearray()
    with path.open("wb") as out:
        for name, size, chunks in members:
            offset, encoded, crc = out.tell(), name.encode(), 0
            for chunk in chunks():
                crc = zlib.crc32(chunk, crc)
            out.write(struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, 0, 0, 0, crc, size, size,
                                  len(encoded), 0) + encoded)  # fmt: skip
            for chunk in chunks():
                out.write(chunk)
            directory += _central_record(encoded, 0, crc, size, offset)
        start = out.tell()
        out.write(directory)
        out.write(_end_records(start, len(directory), len(members), zip64=False))
        return out.tell()


def _central_record(name: bytes, flags: int, crc: int, size: int, offset: int) -> bytes:
    return struct.pack(
        "<4s6H3I5H2I", b"PK\x01\x02", 20, 20, flags, 0, 0, 0, crc, size, size, len(name),
        0, 0, 0, 0, 0, offset,
    ) + name  # fmt: skip


def _chunks(block: bytes, size: int) -> Iterator[bytes]:
    while size > 0:
        yield block[: min(size, len(block))]
        size -= len(block)


_U32 = 0xFFFFFFFF


def _zip64_extra(*values: int) -> bytes:
    return struct.pack(f"<2H{len(values)}Q", 1, 8 * len(values), *values)


def _zero_crc(size: int) -> int:
    zeros, crc = bytes(1 << 26), 0
    for start in range(0, size, len(zeros)):
        crc = zlib.crc32(zeros[: min(len(zeros), size - start)], crc)
    return crc


def write_sparse_zip64_checkpoint(
    path: Path, data_pkl: bytes, hole_bytes: int, *, root: str = "archive"
) -> int:
    """A ``torch.save`` zip64 whose first tensor is a ``hole_bytes`` hole; returns the size.

    The tensor member's bytes are never written (the file system keeps a hole of zeros,
    which is what its CRC is computed over), so a checkpoint past 4 GiB costs no disk.
    ``data.pkl`` and ``version`` follow it, near the end of the file; every size and
    offset past 32 bits goes through zip64 extra fields and end records.
    """
    big = f"{root}/data/0".encode()
    directory = bytearray()
    with path.open("wb") as out:
        extra = _zip64_extra(hole_bytes, hole_bytes)
        crc = _zero_crc(hole_bytes)
        out.write(struct.pack("<4s5H3I2H", b"PK\x03\x04", 45, 0, 0, 0, 0, crc, _U32, _U32,
                              len(big), len(extra)) + big + extra)  # fmt: skip
        out.seek(hole_bytes, io.SEEK_CUR)
        directory += _central64(big, crc, (hole_bytes, hole_bytes), 0, (_U32, _U32, 0))
        for name, data in ((f"{root}/data.pkl", data_pkl), (f"{root}/version", b"3\n")):
            offset, encoded, crc = out.tell(), name.encode(), zlib.crc32(data)
            out.write(struct.pack("<4s5H3I2H", b"PK\x03\x04", 45, 0, 0, 0, 0, crc, len(data),
                                  len(data), len(encoded), 0) + encoded + data)  # fmt: skip
            sizes = (len(data), len(data))
            directory += _central64(encoded, crc, sizes, offset, (*sizes, _U32))
        start = out.tell()
        out.write(directory)
        out.write(_end_records(start, len(directory), 3, zip64=True))
        return out.tell()


def _central64(
    name: bytes, crc: int, sizes: tuple[int, int], offset: int, fields: tuple[int, int, int]
) -> bytes:
    """A central record; ``fields`` (csize, usize, offset) of 0xFFFFFFFF go to zip64."""
    wide = [real for real, field in zip((sizes[1], sizes[0], offset), (fields[1], fields[0],
            fields[2]), strict=True) if field == _U32]  # fmt: skip
    extra = _zip64_extra(*wide) if wide else b""
    return struct.pack(
        "<4s6H3I5H2I", b"PK\x01\x02", 45, 45, 0, 0, 0, 0, crc, fields[0], fields[1], len(name),
        len(extra), 0, 0, 0, 0, fields[2],
    ) + name + extra  # fmt: skip
