"""Text hidden in binary data: printable runs, UTF-32 runs and numpy string arrays.

These are the fallbacks of :mod:`mlgate.formats.strings` for bytes that no structured
reader explains (ONNX protobufs, HDF5 attributes, array bytes joblib writes inline), and
the exact decoder of ``.npy`` arrays whose dtype is ``<U``/``>U`` (UTF-32) or ``S``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from mlgate.formats.npy import NpyHeader
from mlgate.formats.span import Span

# Printable ASCII (plus tab) runs, as strings(1) finds them.
_ASCII_RUN = re.compile(rb"[\t\x20-\x7e]{8,}")
# Printable ASCII stored as little-endian UTF-32 code units: numpy's ``<U`` arrays.
_UTF32_RUN = re.compile(rb"(?:[\t\x20-\x7e]\x00\x00\x00){8,}")
_STRING_DTYPE = re.compile(r"([<>|=]?)([US])(\d+)")
_CHUNK = 1 << 24


@dataclass(frozen=True, slots=True)
class Piece:
    """One string recovered from a blob, at its byte offset relative to the blob's start."""

    offset: int
    text: str


def ascii_runs(span: Span, *, min_run: int = 8) -> Iterator[Piece]:
    """Printable ASCII runs of at least ``min_run`` bytes, chunk by chunk (bounded memory)."""
    pattern = _ASCII_RUN if min_run == 8 else re.compile(rb"[\t\x20-\x7e]{%d,}" % min_run)
    yield from _runs(span, pattern, lambda raw: raw.decode("ascii"))


def utf32_runs(span: Span) -> Iterator[Piece]:
    """Printable ASCII text stored as UTF-32LE code units (at least 8 characters)."""
    yield from _runs(span, _UTF32_RUN, lambda raw: raw.decode("utf-32-le"))


def _runs(
    span: Span, pattern: re.Pattern[bytes], decode: Callable[[bytes], str]
) -> Iterator[Piece]:
    # Chunks overlap by a margin so a run crossing a chunk boundary is still found whole
    # up to the margin; longer runs are split, which detectors tolerate (tokens are short).
    margin = 4096
    pos = 0
    while pos < span.size:
        chunk = span.read(pos, _CHUNK + margin)
        limit = _CHUNK if pos + len(chunk) < span.size else len(chunk)
        for match in pattern.finditer(chunk):
            if match.start() >= limit:
                break
            yield Piece(pos + match.start(), decode(match.group()))
        pos += _CHUNK


def is_string_array(header: NpyHeader) -> bool:
    """Whether the array holds fixed-width text (``U``) or bytes (``S``) elements."""
    return _STRING_DTYPE.fullmatch(header.descr) is not None


def npy_strings(span: Span, header: NpyHeader, *, max_bytes: int) -> Iterator[Piece]:
    """The non-empty elements of a ``U``/``S`` array, trailing NULs stripped.

    Raises:
        ValueError: the data is shorter than the header announces, or beyond ``max_bytes``.
    """
    match = _STRING_DTYPE.fullmatch(header.descr)
    if match is None:
        return
    order, kind, width = match.groups()
    itemsize = int(width) * (4 if kind == "U" else 1)
    total = math.prod(header.shape) * itemsize
    if header.data_offset + total > span.size:
        raise ValueError(f"npy data holds fewer than the {total} bytes its header announces")
    if total > max_bytes:
        raise ValueError(f"npy string array of {total} bytes exceeds {max_bytes}")
    codec = ("utf-32-be" if order == ">" else "utf-32-le") if kind == "U" else "latin-1"
    for index in range(math.prod(header.shape) if itemsize else 0):
        offset = header.data_offset + index * itemsize
        text = span.read(offset, itemsize).decode(codec, "replace").rstrip("\x00")
        if text:
            yield Piece(offset, text)
