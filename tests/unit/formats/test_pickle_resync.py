"""Scanning on past a broken pickle: resync on the next PROTO opcode, bounded."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hst

from builders import pickles as pk
from mlgate.formats.limits import PickleLimits
from mlgate.formats.pickle_records import ParseFailure, TrailingData
from mlgate.formats.pickle_stream import scan_pickles

PAYLOAD = pk.call_global("os", "system")
BROKEN = b"\x80\x04\xff"  # PROTO 4, then an invalid opcode
RESYNC = PickleLimits(max_resyncs=64)


def _globals(data: bytes, limits: PickleLimits | None = None) -> list[tuple[str, int]]:
    report = scan_pickles(data, limits=limits)
    return [(ref.qualname, ref.offset) for ref in report.globals]


def test_a_payload_after_a_malformed_first_pickle_is_found() -> None:
    report = scan_pickles(BROKEN + PAYLOAD, limits=RESYNC)
    assert report.failure == ParseFailure(offset=2, message="invalid load key 0xff")
    assert [(r.qualname, r.offset) for r in report.globals] == [("os.system", len(BROKEN) + 2)]
    assert report.complete_count == 1


def test_without_resyncs_the_stream_ends_at_the_failure() -> None:
    assert _globals(BROKEN + PAYLOAD) == []


def test_garbage_after_a_complete_pickle_then_a_payload() -> None:
    first = pk.call_global("collections", "OrderedDict")
    data = first + b"\x00junk" + PAYLOAD
    report = scan_pickles(data, limits=RESYNC)
    assert report.trailing == TrailingData(
        offset=len(first), length=len(data) - len(first), message="invalid load key 0x00"
    )
    assert [r.qualname for r in report.globals] == ["collections.OrderedDict", "os.system"]


def test_proto_lookalikes_that_do_nothing_are_not_kept() -> None:
    data = BROKEN + b"\x80\x02\x00" * 5 + b"\x80\x05\x95"
    report = scan_pickles(data, limits=RESYNC)
    assert len(report.pickles) == 1 and report.failure is not None


def test_resyncs_are_bounded() -> None:
    data = BROKEN * 10 + PAYLOAD
    limits = PickleLimits(max_resyncs=5)
    assert _globals(data, limits=limits) == []
    assert _globals(data, limits=RESYNC) == [("os.system", 10 * len(BROKEN) + 2)]


def test_a_payload_inside_the_broken_pickle_region_is_still_reached() -> None:
    # The failing opcode sits before a nested PROTO: the jump starts at the failure.
    data = b"\x80\x02(\xff" + PAYLOAD
    assert _globals(data, limits=RESYNC) == [("os.system", 4 + 2)]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hst.lists(hst.sampled_from([BROKEN, PAYLOAD, b"\x80\x02", b"\x00", b"N.", b"(\x80"]),
                 max_size=30))  # fmt: skip
def test_resync_terminates_and_reaches_an_intact_payload(parts: list[bytes]) -> None:
    data = b"".join(parts)
    report = scan_pickles(data, limits=PickleLimits(max_resyncs=1000))
    assert len([r for r in report.globals if r.qualname == "os.system"]) >= 1 or (
        PAYLOAD not in data
    )
