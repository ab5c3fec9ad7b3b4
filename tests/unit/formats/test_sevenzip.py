"""7z members through the real py7zr, under the unpacking budget."""

from __future__ import annotations

import io
import secrets
import sys

import py7zr
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.artifacts.container_cases import seven_zip
from mlgate.core.errors import ResourceLimitError
from mlgate.formats.limits import MIB, ContainerLimits, FileBudgetError, UnpackBudget
from mlgate.formats.sevenzip import SevenZipError, read_7z
from mlgate.formats.span import Span


def _budget(**limits: float) -> UnpackBudget:
    return UnpackBudget(ContainerLimits(**limits))  # type: ignore[arg-type]


@pytest.mark.parametrize("method", ["lzma2", "bzip2", "deflate", "copy"])
def test_members_are_decoded_whatever_their_names(method: str) -> None:
    members = {"weights.dat": b"\x80\x02N.", "dir/notes.txt": b"hello " * 50, "empty": b""}
    listing = read_7z(Span.of(seven_zip(members, method=method)), _budget())
    assert {m.name: m.data.tobytes() for m in listing.members} == members
    assert listing.problem is None


def test_declared_bomb_is_refused_before_decoding() -> None:
    data = seven_zip({"zeros.bin": bytes(64 * MIB)})
    budget = _budget()
    with pytest.raises(ResourceLimitError, match="compression ratio"):
        read_7z(Span.of(data), budget)
    assert budget.total_bytes == 0


def test_decoded_bytes_are_accounted_against_the_file_budget() -> None:
    data = seven_zip({"a": bytes(600_000), "b": bytes(600_000)})
    with pytest.raises(FileBudgetError, match="decompressed bytes"):
        read_7z(Span.of(data), _budget(max_total_bytes=1_000_000))


def test_member_count_is_bounded() -> None:
    data = seven_zip({f"m{i}": b"x" for i in range(5)})
    with pytest.raises(FileBudgetError, match="archive members: limit 3, reached 4"):
        read_7z(Span.of(data), _budget(max_members=3))


def test_encrypted_archive_is_an_error() -> None:
    buffer = io.BytesIO()
    with py7zr.SevenZipFile(buffer, "w", password=secrets.token_hex(8)) as archive:
        archive.writestr(b"\x80\x02N.", "data.pkl")
    with pytest.raises(SevenZipError, match=r"^encrypted 7z archive$"):
        read_7z(Span.of(buffer.getvalue()), _budget())


@pytest.mark.parametrize("cut", [8, 40, 120])
def test_truncated_archive_is_an_error(cut: int) -> None:
    data = seven_zip({"data.pkl": b"\x80\x02N." * 100})
    with pytest.raises(SevenZipError, match="corrupt or unsupported 7z archive"):
        read_7z(Span.of(data[:cut]), _budget())


def test_members_decoded_before_a_crc_failure_are_kept() -> None:
    first, second = b"A" * 4000, b"B" * 4000
    data = bytearray(seven_zip({"first": first, "second": second}, method="copy"))
    data[data.index(second) + 10] ^= 0xFF
    listing = read_7z(Span.of(bytes(data)), _budget())
    assert listing.members[0].data.tobytes() == first
    assert listing.problem is not None and "CrcError" in listing.problem


def test_without_py7zr_a_7z_is_unreadable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "py7zr", None)
    with pytest.raises(SevenZipError, match="need the py7zr package"):
        read_7z(Span.of(seven_zip({"a": b"x"})), _budget())


# Written once: py7zr stamps the current time into each archive.
_FUZZ_SEED = seven_zip({"data.pkl": b"\x80\x02N." * 50, "b.txt": b"text " * 40})


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_corrupted_archives_raise_only_declared_errors(data: st.DataObject) -> None:
    archive = bytearray(_FUZZ_SEED)
    for _ in range(data.draw(st.integers(1, 6))):
        archive[data.draw(st.integers(0, len(archive) - 1))] = data.draw(st.integers(0, 255))
    try:
        listing = read_7z(Span.of(bytes(archive)), _budget(max_total_bytes=MIB, max_members=50))
    except (SevenZipError, ResourceLimitError):
        return
    assert sum(member.data.size for member in listing.members) <= MIB


def test_decoding_stops_at_the_files_deadline() -> None:
    ticks = iter(range(1_000_000))
    budget = UnpackBudget(ContainerLimits(max_seconds=3.0, clock=lambda: float(next(ticks))))
    data = seven_zip({f"m{i}.bin": bytes([i]) * 1000 for i in range(10)})
    with pytest.raises(FileBudgetError, match="unpack seconds: limit 3"):
        read_7z(Span.of(data), budget)
