"""LZ4 frames (joblib's ``compress="lz4"``), decoded in pure Python, bounded.

Written from the LZ4 Frame Format Description 1.6.x and the LZ4 Block Format
Description: a frame is a magic number, a descriptor (FLG, BD, optional content size
and dictionary id, a header checksum byte), data blocks (a 4-byte size whose high bit
marks a stored block, optional block checksum), an end mark and an optional content
checksum. Skippable frames are stepped over; concatenated frames are decoded in turn.

Block and content checksums are stepped over, not verified: the reference loader
streams each block to ``pickle`` before it compares the checksum at the end, so a
payload in a block with a wrong checksum still runs, and the scan must see it either
way. The header checksum is verified: the reference loader refuses a frame whose
descriptor it cannot trust before producing anything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from mlgate.formats.span import Span

__all__ = ["FRAME_MAGIC", "Lz4Error", "Lz4Result", "decode_block", "decode_frames", "xxh32"]

FRAME_MAGIC = b"\x04\x22\x4d\x18"
_SKIPPABLE_BASE = 0x184D2A50
_BLOCK_MAX = {4: 1 << 16, 5: 1 << 18, 6: 1 << 20, 7: 1 << 22}
_STORED = 0x80000000
_MIN_MATCH = 4
_M32 = 0xFFFFFFFF
_P1, _P2, _P3, _P4, _P5 = 2654435761, 2246822519, 3266489917, 668265263, 374761393

# Called after each block with (bytes produced so far, compressed bytes consumed so far):
# the caller's budget raises there when the output or the ratio grows too large.
OutputHook = Callable[[int, int], None]


class Lz4Error(ValueError):
    """The frame or one of its blocks is malformed, or uses an unsupported feature."""


@dataclass(frozen=True, slots=True)
class Lz4Result:
    """Decoded bytes; ``consumed`` input bytes; ``complete`` when every frame ended."""

    data: bytes
    consumed: int
    complete: bool
    frames: int


@dataclass(frozen=True, slots=True)
class _Frame:
    independent: bool
    block_checksum: bool
    content_checksum: bool
    block_max: int
    data_start: int


def _rotl(value: int, count: int) -> int:
    return ((value << count) | (value >> (32 - count))) & _M32


def _lane_round(acc: int, lane: int) -> int:
    return _rotl((acc + lane * _P2) & _M32, 13) * _P1 & _M32


def xxh32(data: bytes, seed: int = 0) -> int:
    """XXH32 of ``data`` (the LZ4 frame checksum), as the xxHash specification defines it."""
    size, pos = len(data), 0
    if size >= 16:
        lanes = [(seed + _P1 + _P2) & _M32, (seed + _P2) & _M32, seed, (seed - _P1) & _M32]
        while pos + 16 <= size:
            for index in range(4):
                word = int.from_bytes(data[pos + 4 * index : pos + 4 * index + 4], "little")
                lanes[index] = _lane_round(lanes[index], word)
            pos += 16
        acc = sum(_rotl(lane, shift) for lane, shift in zip(lanes, (1, 7, 12, 18), strict=True))
    else:
        acc = seed + _P5
    acc = (acc + size) & _M32
    while pos + 4 <= size:
        acc = _rotl((acc + int.from_bytes(data[pos : pos + 4], "little") * _P3) & _M32, 17)
        acc, pos = acc * _P4 & _M32, pos + 4
    for byte in data[pos:]:
        acc = _rotl((acc + byte * _P5) & _M32, 11) * _P1 & _M32
    acc = (acc ^ (acc >> 15)) * _P2 & _M32
    acc = (acc ^ (acc >> 13)) * _P3 & _M32
    return acc ^ (acc >> 16)


def decode_frames(span: Span, on_output: OutputHook) -> Lz4Result:
    """Decode every LZ4 frame at the start of ``span``; bytes after the last one are left.

    Raises:
        Lz4Error: a malformed first frame (later bad frames end the stream instead).
    """
    out = bytearray()
    pos, frames, complete = 0, 0, True
    while pos + 4 <= span.size:
        magic = int.from_bytes(span.read(pos, 4), "little")
        if _SKIPPABLE_BASE <= magic <= _SKIPPABLE_BASE + 15:
            pos += 8 + int.from_bytes(span.read(pos + 4, 4), "little")
            continue
        if span.read(pos, 4) != FRAME_MAGIC:
            if not frames:
                raise Lz4Error("not an LZ4 frame (legacy and other magics are unsupported)")
            break
        frame = _descriptor(span, pos + 4)
        pos, complete = _blocks(span, frame, out, on_output)
        frames += 1
        if not complete:
            break
    return Lz4Result(bytes(out), min(pos, span.size), complete and frames > 0, frames)


def _descriptor(span: Span, pos: int) -> _Frame:
    """Read and check FLG, BD, the optional fields and the header checksum."""
    flg, bd = (span.read(pos, 2) + b"\x00\x00")[:2]
    if flg >> 6 != 1 or flg & 0x02 or bd & 0x8F:
        raise Lz4Error(f"unsupported frame descriptor FLG={flg:#04x} BD={bd:#04x}")
    if flg & 0x01:
        # A dictionary frame cannot be decoded by joblib either: nothing of it would run.
        raise Lz4Error("frames that need a dictionary are unsupported")
    block_max = _BLOCK_MAX.get(bd >> 4 & 7)
    if block_max is None:
        raise Lz4Error(f"invalid block maximum size code {bd >> 4 & 7}")
    size = 2 + (8 if flg & 0x08 else 0)
    descriptor, checksum = span.read(pos, size), span.read(pos + size, 1)
    if len(descriptor) < size or not checksum:
        raise Lz4Error("frame descriptor truncated")
    if (xxh32(descriptor) >> 8) & 0xFF != checksum[0]:
        raise Lz4Error("frame header checksum mismatch")
    return _Frame(
        independent=bool(flg & 0x20),
        block_checksum=bool(flg & 0x10),
        content_checksum=bool(flg & 0x04),
        block_max=block_max,
        data_start=pos + size + 1,
    )


def _blocks(span: Span, frame: _Frame, out: bytearray, on_output: OutputHook) -> tuple[int, bool]:
    """Decode the data blocks of one frame; returns (offset after it, reached its end mark)."""
    pos, frame_start = frame.data_start, len(out)
    while True:
        header = span.read(pos, 4)
        if len(header) < 4:
            return pos, False
        word, pos = int.from_bytes(header, "little"), pos + 4
        if word == 0:
            return pos + (4 if frame.content_checksum else 0), True
        size = word & ~_STORED
        if size > frame.block_max:
            raise Lz4Error(f"block of {size} bytes exceeds the frame's {frame.block_max}")
        data = span.read(pos, size)
        if len(data) < size:
            return span.size, False
        pos += size + (4 if frame.block_checksum else 0)
        if word & _STORED:
            out += data
        else:
            # Linked blocks may copy from earlier blocks of the same frame, never before it.
            window = len(out) if frame.independent else frame_start
            decode_block(data, out, block_max=frame.block_max, window=window)
        on_output(len(out), min(pos, span.size))


def decode_block(src: bytes, out: bytearray, *, block_max: int, window: int) -> None:
    """Append the decoded sequences of one compressed block to ``out``.

    Matches may copy from ``out[window:]`` only (the 16-bit offset bounds them too).

    Raises:
        Lz4Error: a length past the block, a zero or out-of-window offset, or more output
            than ``block_max``.
    """
    # The hot loop of the decoder: lengths below 15 and offsets are read inline, because a
    # call per sequence halves the throughput on float tensors (many short sequences).
    limit, pos, end = len(out) + block_max, 0, len(src)
    while pos < end:
        token = src[pos]
        literals, pos = token >> 4, pos + 1
        if literals == 15:
            literals, pos = _length(src, pos, 15)
        if pos + literals > end or len(out) + literals > limit:
            raise Lz4Error("literals run past the block")
        out += src[pos : pos + literals]
        pos += literals
        if pos == end:
            return
        offset, pos = src[pos] | src[pos + 1] << 8 if pos + 1 < end else 0, pos + 2
        if offset == 0 or len(out) - offset < window:
            raise Lz4Error(f"match offset {offset} outside the window")
        length = token & 15
        if length == 15:
            length, pos = _length(src, pos, 15)
        if len(out) + length + _MIN_MATCH > limit:
            raise Lz4Error("block decodes to more than its maximum size")
        _copy_match(out, offset, length + _MIN_MATCH)
    raise Lz4Error("block ends without its last literals")


def _length(src: bytes, pos: int, nibble: int) -> tuple[int, int]:
    """A 4-bit length of 15, extended by bytes while they are 255 (then one more)."""
    length = nibble
    while pos < len(src):
        byte, pos = src[pos], pos + 1
        length += byte
        if byte != 255:
            return length, pos
    raise Lz4Error("length runs past the block")


def _copy_match(out: bytearray, offset: int, length: int) -> None:
    """Copy ``length`` bytes from ``offset`` back; an overlap repeats the pattern."""
    start = len(out) - offset
    if offset >= length:
        out += out[start : start + length]
        return
    pattern = bytes(out[start:])
    out += (pattern * (length // offset + 1))[:length]
