"""A file seen as a blob through one bounded memory-mapped window at a time.

Mapping a whole file costs its full size in address space, and the runner's workers
run under an address-space limit (``memory_mb``): a multi-GB checkpoint would fail to
map at all. :class:`FileWindow` indexes, slices and searches like ``bytes`` or an
``mmap`` (what :data:`mlgate.formats.pickle_machine.Blob` readers use), but maps at most
:data:`WINDOW_BYTES` of the file at once, moving the window where it is read. Pages the
readers never touch (tensor bytes that are only sniffed) are never read from disk.
"""

from __future__ import annotations

import mmap
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import overload

WINDOW_BYTES = 64 << 20
# Up to this size a file is mapped whole: C-speed indexing (the pickle machine reads
# byte by byte) for a bounded cost in address space, the same order as one window.
MAP_WHOLE_BYTES = 256 << 20
_GRAIN = mmap.ALLOCATIONGRANULARITY


@contextmanager
def open_blob(fileno: int, size: int) -> Iterator[bytes | mmap.mmap | FileWindow]:
    """The open file ``fileno`` of ``size`` bytes as a blob of bounded address space.

    A file up to :data:`MAP_WHOLE_BYTES` is one mapping; a larger one is a
    :class:`FileWindow`, so a checkpoint of any size fits a ``memory_mb`` budget.
    """
    if size <= 0:
        # An empty file cannot be mapped (one truncated since it was listed).
        yield b""
    elif size <= MAP_WHOLE_BYTES:
        with mmap.mmap(fileno, 0, access=mmap.ACCESS_READ) as mapped:
            yield mapped
    else:
        with FileWindow(fileno, size) as window:
            yield window


class FileWindow:
    """A read-only blob over an open file descriptor; the caller keeps the file open."""

    def __init__(self, fileno: int, size: int, *, window: int = WINDOW_BYTES) -> None:
        self._fd = fileno
        self._size = size
        # Window offsets must be multiples of the granularity; two grains at least so a
        # window always reaches past the position it was loaded for.
        self._window = max(2 * _GRAIN, window - window % _GRAIN)
        self._map: mmap.mmap | None = None
        self._base = 0
        self._stop = 0

    @classmethod
    def of_file(cls, fileno: int, *, window: int = WINDOW_BYTES) -> FileWindow:
        """A window over the whole of the open file ``fileno`` (its size now)."""
        return cls(fileno, os.fstat(fileno).st_size, window=window)

    def __len__(self) -> int:
        """The file's size when the window was made."""
        return self._size

    def __enter__(self) -> FileWindow:
        """Use as a context manager: the mapping is released on exit."""
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        """Release the current mapping."""
        self.close()

    def close(self) -> None:
        """Release the current mapping (the next read maps again)."""
        if self._map is not None:
            self._map.close()
            self._map = None
            self._base = self._stop = 0

    def _load(self, pos: int) -> mmap.mmap:
        """The window holding ``pos`` (``0 <= pos < len``), mapping it if needed."""
        if self._map is not None and self._base <= pos < self._stop:
            return self._map
        self.close()
        base = pos - pos % _GRAIN
        length = min(self._window, self._size - base)
        self._map = mmap.mmap(self._fd, length, access=mmap.ACCESS_READ, offset=base)
        self._base, self._stop = base, base + length
        return self._map

    @overload
    def __getitem__(self, key: int) -> int: ...

    @overload
    def __getitem__(self, key: slice) -> bytes: ...

    def __getitem__(self, key: int | slice) -> int | bytes:
        """A byte as an int, or a contiguous slice as ``bytes`` (steps are not supported)."""
        if isinstance(key, slice):
            start, stop, step = key.indices(self._size)
            if step != 1:
                raise ValueError("FileWindow slices take no step")
            return self._slice(start, stop)
        index = key + self._size if key < 0 else key
        if not 0 <= index < self._size:
            raise IndexError("FileWindow index out of range")
        if self._base <= index < self._stop and self._map is not None:
            return self._map[index - self._base]
        return self._load(index)[index - self._base]

    def _covering(self, low: int, high: int) -> mmap.mmap:
        """A window holding ``[low, high)``; ``high - low`` is at most a window less a grain."""
        if self._map is not None and self._base <= low and high <= self._stop:
            return self._map
        self.close()
        return self._load(low)

    def _slice(self, start: int, stop: int) -> bytes:
        if stop <= start:
            return b""
        if stop - start > self._reach:
            # A copy this large was asked for by name (``Span.tobytes`` of a member the
            # caller bounded); reading it does not need a mapping that large.
            return _pread_all(self._fd, stop - start, start)
        view = self._covering(start, stop)
        return view[start - self._base : stop - self._base]

    @property
    def _reach(self) -> int:
        """How far past any position a window loaded for it is sure to reach."""
        return self._window - _GRAIN

    def find(self, sub: bytes, start: int = 0, end: int | None = None) -> int:
        """The lowest offset of ``sub`` in ``[start, end)``, or -1, like ``bytes.find``."""
        start, end = self._bounds(start, end)
        if not sub:
            return start if start <= end else -1
        if len(sub) > self._window // 4:
            return self._find_long(sub, start, end)
        pos = start
        while end - pos >= len(sub):
            limit = min(end, pos + self._reach)
            view = self._covering(pos, limit)
            found = view.find(sub, pos - self._base, limit - self._base)
            if found >= 0:
                return self._base + found
            # The next window keeps the last len(sub)-1 bytes: a match across two is found.
            pos = limit - len(sub) + 1 if limit < end else end
        return -1

    def _find_long(self, sub: bytes, start: int, end: int) -> int:
        """A needle longer than a quarter window: find its head, then compare the rest."""
        head = sub[: self._window // 4]
        pos = start
        while True:
            found = self.find(head, pos, end)
            if found < 0 or found + len(sub) > end:
                return -1
            if self._slice(found, found + len(sub)) == sub:
                return found
            pos = found + 1

    def rfind(self, sub: bytes, start: int = 0, end: int | None = None) -> int:
        """The highest offset of ``sub`` in ``[start, end)``, or -1, like ``bytes.rfind``."""
        start, end = self._bounds(start, end)
        if not sub:
            return end if start <= end else -1
        if len(sub) > self._window // 4:
            raise ValueError("FileWindow.rfind takes needles up to a quarter window")
        stop = end
        while stop - start >= len(sub):
            low = max(start, stop - self._reach)
            view = self._covering(low, stop)
            found = view.rfind(sub, low - self._base, stop - self._base)
            if found >= 0:
                return self._base + found
            if low == start:
                return -1
            stop = low + len(sub) - 1
        return -1

    def search(self, pattern: re.Pattern[bytes], start: int, end: int, *, longest: int) -> int:
        """Offset of the first match of ``pattern`` in ``[start, end)``, or -1.

        ``longest`` bounds the length of a match, so that one across two windows is
        still found (consecutive windows overlap by ``longest - 1`` bytes).
        """
        start, end = self._bounds(start, end)
        if longest > self._window // 4:
            raise ValueError("FileWindow.search takes matches up to a quarter window")
        pos = start
        while pos < end:
            limit = min(end, pos + self._reach)
            view = self._covering(pos, limit)
            found = pattern.search(view, pos - self._base, limit - self._base)
            if found is not None:
                return self._base + found.start()
            pos = max(pos + 1, limit - longest + 1) if limit < end else end
        return -1

    def _bounds(self, start: int, end: int | None) -> tuple[int, int]:
        stop = self._size if end is None else min(end, self._size)
        return max(0, start), stop


def _pread_all(fd: int, size: int, offset: int) -> bytes:
    """``size`` bytes from ``offset`` (fewer at the end of the file)."""
    parts: list[bytes] = []
    while size > 0:
        chunk = os.pread(fd, min(size, 1 << 30), offset)
        if not chunk:
            break
        parts.append(chunk)
        size -= len(chunk)
        offset += len(chunk)
    return b"".join(parts)
