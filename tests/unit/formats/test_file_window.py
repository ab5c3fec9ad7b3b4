"""``FileWindow`` answers exactly as ``bytes`` does, across the edges of its windows."""

from __future__ import annotations

import mmap
import random
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlgate.formats.pickle_stream import scan_pickles
from mlgate.formats.sniff import Format, sniff
from mlgate.formats.window import MAP_WHOLE_BYTES, FileWindow, open_blob

GRAIN = mmap.ALLOCATIONGRANULARITY
# The smallest window there is: two grains, so every search crosses several windows.
SMALL = 2 * GRAIN
SIZE = 5 * GRAIN + 123
FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                HealthCheck.function_scoped_fixture])  # fmt: skip


def _content() -> bytes:
    rng = random.Random(7)  # noqa: S311  # seeded filler, not a secret
    data = bytearray(rng.choice(b"abc\n") for _ in range(SIZE))
    # Needles straddling every window edge a two-grain window can have.
    for edge in range(GRAIN, SIZE, GRAIN):
        data[edge - 2 : edge + 2] = b"PK\x05\x06"
    return bytes(data)


DATA = _content()


@pytest.fixture
def window(tmp_path: Path) -> Iterator[FileWindow]:
    path = tmp_path / "blob.bin"
    path.write_bytes(DATA)
    with path.open("rb") as handle, FileWindow.of_file(handle.fileno(), window=SMALL) as opened:
        yield opened


positions = st.integers(min_value=-10, max_value=SIZE + 10)
needles = st.sampled_from([b"PK\x05\x06", b"\n", b"ab", b"abc\nabc", b"zz", DATA[GRAIN - 50 :
                           GRAIN + 50], DATA[100 : 100 + SMALL]])  # fmt: skip


@FAST
@given(start=positions, stop=positions)
def test_slices_and_indexes_match_bytes(window: FileWindow, start: int, stop: int) -> None:
    assert window[start:stop] == DATA[start:stop]
    if -SIZE <= start < SIZE:
        assert window[start] == DATA[start]
    assert len(window) == SIZE


@FAST
@given(needle=needles, start=positions, stop=positions)
def test_find_and_rfind_match_bytes(
    window: FileWindow, needle: bytes, start: int, stop: int
) -> None:
    start, stop = max(0, start), max(0, stop)
    assert window.find(needle, start, stop) == DATA.find(needle, start, stop)
    if len(needle) <= SMALL // 4:
        assert window.rfind(needle, start, stop) == DATA.rfind(needle, start, stop)


@FAST
@given(start=positions, stop=positions)
def test_search_matches_re(window: FileWindow, start: int, stop: int) -> None:
    start, stop = max(0, start), max(0, stop)
    pattern = re.compile(rb"\x05\x06")
    found = pattern.search(DATA, start, stop)
    assert window.search(pattern, start, stop, longest=2) == (found.start() if found else -1)


def test_out_of_range_and_steps_are_refused(window: FileWindow) -> None:
    with pytest.raises(IndexError):
        window[SIZE]
    with pytest.raises(ValueError, match="step"):
        window[0:10:2]
    with pytest.raises(ValueError, match="quarter"):
        window.rfind(DATA[:SMALL], 0, SIZE)


def test_readers_take_a_window_as_they_take_bytes(tmp_path: Path) -> None:
    """The pickle machine and the sniffer give the same answer over a window."""
    body = b"\x80\x02cposix\nsystem\nq\x00X\x04\x00\x00\x00trueq\x01\x85q\x02Rq\x03."
    blob = bytes(3 * GRAIN - 7) + body
    path = tmp_path / "late.pkl"
    path.write_bytes(blob)
    with path.open("rb") as handle, FileWindow.of_file(handle.fileno(), window=SMALL) as opened:
        assert sniff(opened) is sniff(blob) is Format.UNKNOWN
        over_window = scan_pickles(opened, start=3 * GRAIN - 7)
        over_bytes = scan_pickles(blob, start=3 * GRAIN - 7)
    assert over_window == over_bytes
    (record,) = over_window.pickles
    assert [(ref.qualname, ref.offset) for ref in record.globals] == [
        ("posix.system", 3 * GRAIN - 5)
    ]


@pytest.mark.parametrize("size", [0, 10, MAP_WHOLE_BYTES + 1])
def test_open_blob_maps_small_files_and_windows_large_ones(tmp_path: Path, size: int) -> None:
    path = tmp_path / "sparse.bin"
    with path.open("wb") as out:
        out.truncate(size)
    with path.open("rb") as handle, open_blob(handle.fileno(), size) as blob:
        assert len(blob) == size
        assert isinstance(blob, FileWindow) is (size > MAP_WHOLE_BYTES)
        assert blob[max(0, size - 4) : size] == bytes(min(4, size))
