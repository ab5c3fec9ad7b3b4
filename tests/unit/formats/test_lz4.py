"""The pure-Python LZ4 frame decoder: spec vectors, round trips, bombs and fuzzing."""

from __future__ import annotations

import contextlib
import random

import lz4.frame  # type: ignore[import-untyped]  # lz4 ships no type information
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hst

from builders import archives as zb
from mlgate.core.errors import ResourceLimitError
from mlgate.formats.containers import ContainerError, unwrap
from mlgate.formats.limits import MIB, ContainerLimits, UnpackBudget
from mlgate.formats.lz4 import FRAME_MAGIC, Lz4Error, Lz4Result, decode_frames, xxh32
from mlgate.formats.sniff import Format
from mlgate.formats.span import Span

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _decode(frame: bytes) -> Lz4Result:
    return decode_frames(Span.of(frame), lambda produced, consumed: None)


def _frame(descriptor: bytes, blocks: bytes) -> bytes:
    """A frame around hand-written blocks (end mark added, no content checksum)."""
    return FRAME_MAGIC + descriptor + bytes([xxh32(descriptor) >> 8 & 0xFF]) + blocks + bytes(4)


def _block(body: bytes) -> bytes:
    return len(body).to_bytes(4, "little") + body


def test_xxh32_matches_the_reference_vectors() -> None:
    assert xxh32(b"") == 0x02CC5D05
    assert xxh32(b"abc") == 0x32D153FF
    assert xxh32(b"", seed=1) == 0x0B2CB792


@pytest.mark.parametrize(
    "options",
    [
        zb.Lz4Options(),
        zb.Lz4Options(independent=False, block_checksum=True, content_size=True),
        zb.Lz4Options(stored=True, content_checksum=False),
        zb.Lz4Options(block_code=5),
    ],
    ids=["default", "linked-checksums-size", "stored", "256k-blocks"],
)
def test_round_trip_over_descriptor_flags(options: zb.Lz4Options) -> None:
    data = b"joblib pickles repeat themselves " * 5000 + bytes(range(256)) * 300
    frame = zb.lz4_frame(data, options)
    assert _decode(frame) == Lz4Result(data, len(frame), complete=True, frames=1)


def test_overlapping_match_repeats_its_pattern() -> None:
    # "ab" then a match of 10 at offset 2, then the mandatory last literals.
    body = bytes([0x26]) + b"ab" + b"\x02\x00" + bytes([0x50]) + b"tail!"
    frame = _frame(b"\x60\x40", _block(body))
    assert _decode(frame).data == b"ab" + b"ababababab" + b"tail!"


def test_linked_blocks_may_copy_from_the_previous_block_only_when_linked() -> None:
    first = (8 | 0x80000000).to_bytes(4, "little") + b"abcdefgh"
    second = _block(bytes([0x04]) + b"\x08\x00" + bytes([0x10]) + b"z")
    assert _decode(_frame(b"\x40\x40", first + second)).data == b"abcdefghabcdefghz"
    with pytest.raises(Lz4Error, match="outside the window"):
        _decode(_frame(b"\x60\x40", first + second))


def test_skippable_frames_concatenated_frames_and_trailing_bytes() -> None:
    skippable = (0x184D2A53).to_bytes(4, "little") + (3).to_bytes(4, "little") + b"xyz"
    stream = skippable + zb.lz4_frame(b"one") + zb.lz4_frame(b"two")
    result = _decode(stream + b"garbage")
    assert (result.data, result.consumed, result.frames) == (b"onetwo", len(stream), 2)


def test_truncated_stream_keeps_what_was_decoded() -> None:
    frame = zb.lz4_frame(bytes(range(256)) * 1024)  # 256 KiB: four 64 KiB blocks
    result = _decode(frame[: len(frame) // 2])
    assert not result.complete and result.data == (bytes(range(256)) * 1024)[: len(result.data)]
    assert len(result.data) >= 65536


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (FRAME_MAGIC + b"\x60\x40\x00", "header checksum"),
        (FRAME_MAGIC + b"\x80\x40\x00", "unsupported frame descriptor"),
        (FRAME_MAGIC + b"\x61\x40\x00", "dictionary"),
        (_frame(b"\x60\x30", b""), "block maximum size"),
        (_frame(b"\x60\x40", _block(b"\xf0")), "length runs past"),
        (_frame(b"\x60\x40", _block(b"\x10a\x00\x00")), "outside the window"),
        (b"\x02\x21\x4c\x18" + bytes(8), "not an LZ4 frame"),
    ],
    ids=["bad-hc", "version", "dict-id", "block-code", "length", "zero-offset", "legacy"],
)
def test_malformed_frames_are_declared_errors(frame: bytes, message: str) -> None:
    with pytest.raises(Lz4Error, match=message):
        _decode(frame)


def _bomb_block() -> bytes:
    """One 4 MiB block from ~16 KiB: a literal, then a match of offset 1 (RLE)."""
    length = (4 * MIB - 1 - 5) - 4 - 15
    body = bytes([0x1F]) + b"a" + b"\x01\x00" + b"\xff" * (length // 255) + bytes([length % 255])
    return _block(body + bytes([0x50]) + b"tail!")


def test_bomb_stops_at_the_ratio_limit_through_unwrap() -> None:
    frame = _frame(b"\x60\x70", _bomb_block() * 8)
    limits = ContainerLimits(max_ratio=100, ratio_floor_bytes=MIB)
    with pytest.raises(ResourceLimitError, match="compression ratio"):
        unwrap(Span.of(frame), Format.LZ4, UnpackBudget(limits))


def test_bomb_stops_at_the_member_limit_before_decoding_everything() -> None:
    frame = _frame(b"\x60\x70", _bomb_block() * 8)
    limits = ContainerLimits(max_member_bytes=6 * MIB, max_ratio=1e9)
    with pytest.raises(ResourceLimitError, match="member bytes"):
        unwrap(Span.of(frame), Format.LZ4, UnpackBudget(limits))


def test_unwrap_decodes_lz4_and_reports_corruption_as_container_error() -> None:
    inner = unwrap(Span.of(zb.lz4_frame(b"payload")), Format.LZ4, UnpackBudget(ContainerLimits()))
    assert (inner.data.tobytes(), inner.trailing, inner.complete) == (b"payload", 0, True)
    with pytest.raises(ContainerError, match="lz4"):
        unwrap(Span.of(FRAME_MAGIC + b"rest"), Format.LZ4, UnpackBudget(ContainerLimits()))


@FUZZ
@given(hst.binary(max_size=3000), hst.booleans(), hst.booleans(), hst.booleans())
def test_round_trip_of_arbitrary_data(
    data: bytes, independent: bool, checksums: bool, stored: bool
) -> None:
    options = zb.Lz4Options(
        independent=independent, block_checksum=checksums, content_size=checksums, stored=stored
    )
    assert _decode(zb.lz4_frame(data, options)).data == data


@FUZZ
@given(hst.binary(max_size=64), hst.binary(max_size=600))
def test_arbitrary_blocks_raise_only_declared_errors(descriptor: bytes, body: bytes) -> None:
    frame = _frame(b"\x60\x40", _block(body)) if len(descriptor) % 2 else FRAME_MAGIC + descriptor
    try:
        result = _decode(frame + body)
    except Lz4Error:
        return
    assert len(result.data) <= 4 * MIB


@FUZZ
@given(hst.binary(min_size=1, max_size=400), hst.integers(min_value=0, max_value=399))
def test_corrupted_frames_raise_only_declared_errors(data: bytes, flip: int) -> None:
    frame = bytearray(zb.lz4_frame(data * 3))
    frame[flip % len(frame)] ^= 0x5A
    with contextlib.suppress(Lz4Error):
        _decode(bytes(frame))


def test_c_decoder_and_python_decoder_agree_on_what_lz4_frame_writes() -> None:
    data = bytes(range(256)) * 512 + b"tail"
    frames = lz4.frame.compress(data, block_linked=True) + lz4.frame.compress(b"second")
    budget = UnpackBudget(ContainerLimits())
    fast = unwrap(Span.of(frames), Format.LZ4, budget)
    python = decode_frames(Span.of(frames), lambda produced, consumed: None)
    assert fast.data.tobytes() == python.data == data + b"second"
    assert (fast.trailing, fast.complete, budget.total_bytes) == (0, True, len(data) + 6)


def test_c_decoder_reads_on_when_an_empty_feed_yields_nothing() -> None:
    # 6 MiB of low-entropy bytes in 4 MiB blocks: after exactly 4 MiB of output the C
    # decoder answers an empty feed with nothing and only then asks for more input.
    low_entropy = bytes.maketrans(bytes(range(256)), bytes(i % 6 for i in range(256)))
    data = random.Random(0).randbytes(6 * MIB).translate(low_entropy)  # noqa: S311  # seeded test data
    frame = lz4.frame.compress(data, block_size=lz4.frame.BLOCKSIZE_MAX4MB)
    inner = unwrap(Span.of(frame), Format.LZ4, UnpackBudget(ContainerLimits()))
    assert inner.complete
    assert inner.data.tobytes() == lz4.frame.decompress(frame)


def test_a_bad_content_checksum_falls_back_to_the_tolerant_decoder() -> None:
    frame = bytearray(zb.lz4_frame(b"payload " * 100))
    frame[-1] ^= 0xFF  # the content checksum: the loader has streamed every block by then
    budget = UnpackBudget(ContainerLimits())
    inner = unwrap(Span.of(bytes(frame)), Format.LZ4, budget)
    assert inner.data.tobytes() == b"payload " * 100
    assert budget.total_bytes == 800
