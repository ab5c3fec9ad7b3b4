"""Zip (both views), tar, compressed wrappers, npy headers and sniffing."""

from __future__ import annotations

import pytest

from builders import archives as zb
from builders import benign_pickles as bp
from builders import pickles as pk
from mlgate.core.errors import ResourceLimitError
from mlgate.formats.containers import ContainerError, crc_matches, open_zip_entry, read_tar, unwrap
from mlgate.formats.limits import ContainerLimits, UnpackBudget
from mlgate.formats.npy import NpyError, read_npy_header
from mlgate.formats.sniff import Format, sniff
from mlgate.formats.span import Span
from mlgate.formats.zipread import read_zip


def _budget() -> UnpackBudget:
    return UnpackBudget(ContainerLimits())


def test_honest_zip_has_no_issues_and_both_views_agree() -> None:
    listing = read_zip(Span.of(zb.torch_zip(b"x", storages=2)))
    assert listing.issues == ()
    assert all(e.in_central and e.in_local for e in listing.entries)
    assert [e.name for e in listing.entries][:2] == ["archive/data.pkl", "archive/byteorder"]


def test_name_mismatch_is_reported_and_the_data_still_read() -> None:
    data = zb.make_zip([zb.Member(name="archive/data.pkl", data=b"payload", central_name="x")])
    listing = read_zip(Span.of(data))
    assert [(i.kind, i.member, i.offset) for i in listing.issues] == [("name-mismatch", "x", 0)]
    assert open_zip_entry(Span.of(data), listing.entries[0], _budget()).tobytes() == b"payload"


def test_local_only_member_is_listed() -> None:
    data = zb.make_zip(
        [zb.Member(name="a", data=b"1"), zb.Member(name="hidden", data=b"22", in_central=False)]
    )
    listing = read_zip(Span.of(data))
    assert [(i.kind, i.member, i.offset) for i in listing.issues] == [
        ("local-only-entry", "hidden", 32)
    ]
    assert sorted(e.name for e in listing.entries) == ["a", "hidden"]


def test_prefixed_bytes_shift_offsets_like_zipfile() -> None:
    data = zb.make_zip([zb.Member(name="m", data=b"abc")], prefix=b"\x00" * 10)
    listing = read_zip(Span.of(data))
    assert [(i.kind, i.offset) for i in listing.issues] == [("prefixed-data", 0)]
    assert open_zip_entry(Span.of(data), listing.entries[0], _budget()).tobytes() == b"abc"


def test_descriptor_deflate_and_zip64_members_are_read() -> None:
    members = [
        zb.Member(name="d", data=b"q" * 500, deflate=True, descriptor=True),
        zb.Member(name="s", data=b"s", descriptor=True),
    ]
    data = zb.make_zip(members, zip64=True)
    listing = read_zip(Span.of(data))
    assert listing.issues == ()
    contents = [open_zip_entry(Span.of(data), e, _budget()).tobytes() for e in listing.entries]
    assert contents == [b"q" * 500, b"s"]


def test_bad_crc_is_detected() -> None:
    data = zb.make_zip([zb.Member(name="m", data=b"abc", bad_crc=True)])
    (entry,) = read_zip(Span.of(data)).entries
    assert not crc_matches(open_zip_entry(Span.of(data), entry, _budget()), entry.crc)


def test_tar_members_are_views_of_the_archive() -> None:
    members = read_tar(Span.of(zb.make_tar({"a/pickle": b"123", "b": b""})), _budget())
    assert [(m.name, m.data.tobytes()) for m in members] == [("a/pickle", b"123"), ("b", b"")]


@pytest.mark.parametrize(
    ("codec", "fmt"),
    [
        ("zlib", Format.ZLIB),
        ("gzip", Format.GZIP),
        ("bz2", Format.BZIP2),
        ("xz", Format.XZ),
        ("lzma", Format.LZMA),
    ],
)
def test_joblib_compressed_streams_are_sniffed_and_unwrapped(codec: str, fmt: Format) -> None:
    data = zb.compress(bp.joblib_arrays(1), codec)
    assert sniff(data) is fmt
    inner = unwrap(Span.of(data), fmt, _budget())
    assert (inner.data.tobytes(), inner.complete) == (bp.joblib_arrays(1), True)


def test_a_bomb_stops_at_the_ratio_limit() -> None:
    bomb = zb.compress(bytes(64 * 1024 * 1024), "zlib")
    with pytest.raises(ResourceLimitError, match="compression ratio"):
        unwrap(Span.of(bomb), Format.ZLIB, _budget())


def test_corrupt_lz4_frame_is_a_container_error() -> None:
    with pytest.raises(ContainerError, match="corrupt lz4 data"):
        unwrap(Span.of(b"\x04\x22\x4d\x18rest"), Format.LZ4, _budget())


@pytest.mark.parametrize("version", [1, 2, 3])
def test_npy_header_versions(version: int) -> None:
    header = read_npy_header(Span.of(zb.npy("<f8", (3, 2), bytes(48), version=version)))
    assert (header.version, header.descr, header.shape, header.has_object) == (
        (version, 0),
        "<f8",
        (3, 2),
        False,
    )
    assert header.data_offset % 64 == 0


def test_npy_object_arrays_point_at_their_pickle() -> None:
    payload = pk.call_global("os", "system", proto=3)
    data = zb.npy([("a", "<f8"), ("b", "|O")], (1,), payload)
    header = read_npy_header(Span.of(data))
    assert header.has_object and data[header.data_offset :] == payload


def test_npy_header_that_is_not_a_literal_is_an_error() -> None:
    with pytest.raises(NpyError, match="not a literal dict"):
        read_npy_header(Span.of(b"\x93NUMPY\x01\x00\x10\x00__import__('os')"))


@pytest.mark.parametrize(
    ("data", "fmt"),
    [
        (zb.torch_zip(b"x"), Format.ZIP),
        (b"MZ" + zb.torch_zip(b"x"), Format.ZIP),
        (b"7z\xbc\xaf\x27\x1c\x00\x04", Format.SEVEN_ZIP),
        (zb.make_tar({"a": b"1"}), Format.TAR),
        (zb.npy("<f8", (1,), bytes(8)), Format.NPY),
        (b"\x89HDF\r\n\x1a\n" + bytes(8), Format.HDF5),
        (zb.safetensors(), Format.SAFETENSORS),
        (b"GGUF\x03\x00\x00\x00", Format.GGUF),
        (b"\x08\x07\x12\x07pytorch", Format.ONNX),
        (pk.call_global("os", "system"), Format.PICKLE),
        (pk.call_inst("os", "system"), Format.PICKLE),
        (b"(dp0\nS'a'\np1\nI1\ns.", Format.PICKLE),
        (b"# README\n", Format.UNKNOWN),
        (b"", Format.UNKNOWN),
    ],
)
def test_sniff_by_content(data: bytes, fmt: Format) -> None:
    assert sniff(data) is fmt


@pytest.mark.parametrize("zip64", [False, True])
def test_bytes_after_the_end_record_are_trailing_data(zip64: bool) -> None:
    archive = zb.make_zip([zb.Member(name="m", data=b"abc")], zip64=zip64)
    honest = read_zip(Span.of(archive))
    assert (honest.issues, honest.end) == ((), len(archive))
    listing = read_zip(Span.of(archive + b"appended"))
    assert [(i.kind, i.offset, i.member) for i in listing.issues] == [
        ("trailing-data", len(archive), None)
    ]
    assert listing.end == len(archive)
    assert [e.name for e in listing.entries] == ["m"]
