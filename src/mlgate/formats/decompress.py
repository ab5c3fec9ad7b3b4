"""Bounded streaming decompression of gzip, bz2, xz, lzma, zlib, raw deflate and LZ4 frames.

Output is produced in chunks and accounted against an :class:`UnpackBudget` as it
grows, so a bomb stops at the limit instead of filling memory. LZ4 goes through the C
``lz4`` package when it is installed (the ``artifacts`` extra) and through the
tolerant pure-Python decoder otherwise, or when the C decoder refuses a stream.
"""

from __future__ import annotations

import bz2
import lzma
import zlib
from dataclasses import dataclass
from typing import Literal, Protocol

from mlgate.formats.limits import UnpackBudget
from mlgate.formats.lz4 import Lz4Error, decode_frames
from mlgate.formats.span import Span

Codec = Literal["gzip", "zlib", "deflate", "bzip2", "xz", "lzma", "zip-lzma", "lz4"]
_CHUNK = 1 << 20


class DecompressError(ValueError):
    """The compressed stream is corrupt or of an unsupported kind."""


class _Decompressor(Protocol):
    @property
    def eof(self) -> bool: ...

    @property
    def unused_data(self) -> bytes: ...

    def decompress(self, data: bytes, max_length: int = -1) -> bytes: ...


@dataclass(frozen=True, slots=True)
class Inflated:
    """Decompressed bytes, and how much compressed input the stream really used."""

    data: bytes
    consumed: int
    complete: bool
    members: int


_ZLIB_WBITS = {"gzip": 16 + zlib.MAX_WBITS, "zlib": zlib.MAX_WBITS, "deflate": -zlib.MAX_WBITS}


def _make(codec: Codec, head: bytes) -> tuple[_Decompressor, int]:
    """A fresh decompressor and how many header bytes to skip before feeding it."""
    if codec in _ZLIB_WBITS:
        return zlib.decompressobj(_ZLIB_WBITS[codec]), 0
    if codec == "bzip2":
        return bz2.BZ2Decompressor(), 0
    if codec == "xz":
        return lzma.LZMADecompressor(lzma.FORMAT_XZ), 0
    if codec == "lzma":
        return lzma.LZMADecompressor(lzma.FORMAT_ALONE), 0
    if codec == "lz4":
        decoder = _lz4_frame_decompressor()
        if decoder is None:
            raise DecompressError("no C LZ4 decoder installed")
        return decoder, 0
    return _zip_lzma(head)


def _zip_lzma(head: bytes) -> tuple[_Decompressor, int]:
    """Zip method 14: version (2), properties size (2), LZMA1 properties, raw stream."""
    if len(head) < 9:
        raise DecompressError("zip LZMA header truncated")
    props_size = int.from_bytes(head[2:4], "little")
    props = head[4 : 4 + props_size]
    if props_size < 5 or len(props) < 5 or props[0] >= 9 * 5 * 5:
        raise DecompressError("bad zip LZMA properties")
    pb, rest = divmod(props[0], 45)
    lp, lc = divmod(rest, 9)
    filters = [
        {
            "id": lzma.FILTER_LZMA1,
            "dict_size": int.from_bytes(props[1:5], "little"),
            "lc": lc,
            "lp": lp,
            "pb": pb,
        }
    ]
    return lzma.LZMADecompressor(lzma.FORMAT_RAW, filters=filters), 4 + props_size


def inflate(span: Span, codec: Codec, budget: UnpackBudget) -> Inflated:
    """Decompress ``span``; gzip/bz2/xz read on into concatenated streams like their tools.

    Raises:
        DecompressError: corrupt data before any complete stream.
        ResourceLimitError: output or ratio beyond the budget.
    """
    if codec == "lz4":
        return _inflate_lz4(span, budget)
    return _inflate_streams(span, codec, budget)


def _inflate_streams(span: Span, codec: Codec, budget: UnpackBudget) -> Inflated:
    out = bytearray()
    pos, members = 0, 0
    while pos < span.size:
        decoder, skip = _make(codec, span.read(pos, 64))
        used, complete = _run(decoder, span, pos + skip, out, budget)
        if not complete and members:
            break  # garbage after a complete stream: tools ignore or reject it
        if not complete:
            return Inflated(bytes(out), used, complete=False, members=0)
        members, pos = members + 1, used
        if codec not in ("gzip", "bzip2", "xz", "lz4"):
            break
    return Inflated(bytes(out), pos, complete=members > 0, members=members)


def _inflate_lz4(span: Span, budget: UnpackBudget) -> Inflated:
    """LZ4 frames through the C decoder when installed, else (or on refusal) in Python."""
    if _lz4_frame_decompressor() is not None:
        before = budget.total_bytes
        try:
            return _inflate_streams(span, "lz4", budget)
        except DecompressError:
            # The C decoder verifies checksums before it returns a block; the loader
            # streams blocks to pickle first, so the tolerant decoder reads on instead.
            budget.total_bytes = before
    return _inflate_lz4_python(span, budget)


def _lz4_frame_decompressor() -> _Decompressor | None:
    try:
        from lz4.frame import LZ4FrameDecompressor  # type: ignore[import-untyped]  # optional C decoder, lazily; no type information
    except ImportError:
        return None
    decoder: _Decompressor = LZ4FrameDecompressor()
    return decoder


def _inflate_lz4_python(span: Span, budget: UnpackBudget) -> Inflated:
    """LZ4 frames through the pure-Python decoder, accounted block by block."""
    accounted = 0

    def account(produced: int, consumed: int) -> None:
        nonlocal accounted
        budget.add_bytes(produced - accounted, member_bytes=produced, consumed=consumed)
        accounted = produced

    try:
        result = decode_frames(span, account)
    except Lz4Error as error:
        raise DecompressError(str(error)) from None
    return Inflated(result.data, result.consumed, complete=result.complete, members=result.frames)


def _run(
    decoder: _Decompressor, span: Span, pos: int, out: bytearray, budget: UnpackBudget
) -> tuple[int, bool]:
    """Feed one stream from ``pos``; returns (offset after it, reached its end)."""
    start_len = len(out)
    while not decoder.eof:
        feed, pos = _next_feed(decoder, span, pos)
        produced = _call(decoder, feed)
        if not feed and not produced and (pos >= span.size or not _needs_input(decoder)):
            # Out of input (a truncated stream), or a decoder that makes no progress. lz4
            # may return nothing for an empty feed and only then ask for more input.
            break
        out += produced
        budget.add_bytes(len(produced), member_bytes=len(out) - start_len, consumed=pos)
    # lz4 leaves ``unused_data`` None when the frame used all of its input.
    return (pos - len(decoder.unused_data or b"") if decoder.eof else pos), decoder.eof


def _needs_input(decoder: _Decompressor) -> bool:
    return bool(getattr(decoder, "needs_input", True))


def _next_feed(decoder: _Decompressor, span: Span, pos: int) -> tuple[bytes, int]:
    """The next input chunk to feed.

    zlib keeps capped input in ``unconsumed_tail``; bz2 and lzma buffer it internally
    and want nothing new while ``needs_input`` is false.
    """
    tail: bytes = getattr(decoder, "unconsumed_tail", b"")
    if tail or not _needs_input(decoder) or pos >= span.size:
        return tail, pos
    chunk = span.read(pos, _CHUNK)
    return chunk, pos + len(chunk)


def _call(decoder: _Decompressor, feed: bytes) -> bytes:
    try:
        return decoder.decompress(feed, _CHUNK)
    except (OSError, ValueError, EOFError, RuntimeError, lzma.LZMAError, zlib.error) as error:
        raise DecompressError(str(error) or type(error).__name__) from None
