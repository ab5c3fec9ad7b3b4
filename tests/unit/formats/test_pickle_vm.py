"""The symbolic pickle machine: CPython parity, exact records, failures kept apart."""

from __future__ import annotations

import _compat_pickle
import collections
import datetime
import pickle
import pickletools

import pytest

from builders import benign_pickles as bp
from builders import pickles as pk
from mlgate.formats.limits import PickleLimits
from mlgate.formats.pickle_compat import IMPORT_MAPPING, NAME_MAPPING
from mlgate.formats.pickle_ops import OPCODES
from mlgate.formats.pickle_records import GlobalRef, LimitHit, ParseFailure, TrailingData
from mlgate.formats.pickle_stream import scan_pickles


def test_opcode_table_matches_pickletools() -> None:
    expected = {
        ord(op.code): (op.name, op.arg.name if op.arg else "none", op.proto)
        for op in pickletools.opcodes
    }
    assert {code: (i.name, i.arg, i.proto) for code, i in OPCODES.items()} == expected


def test_compat_tables_match_the_interpreter() -> None:
    assert IMPORT_MAPPING == _compat_pickle.IMPORT_MAPPING
    assert NAME_MAPPING == _compat_pickle.NAME_MAPPING


SAMPLES: list[object] = [
    None, True, -1, 2**80, 1.25, "é", b"ab", bytearray(b"z"), (1,), (1, 2, 3, 4), {"a": [1, {2}]},
    frozenset({3}), collections.OrderedDict(a=1), datetime.date(2020, 1, 2),
    [b"x" * 300, "y" * 70000],
]  # fmt: skip


@pytest.mark.parametrize("proto", range(6))
def test_everything_pickle_writes_parses_completely(proto: int) -> None:
    cyclic: list[object] = [1]
    cyclic.append(cyclic)
    report = scan_pickles(pickle.dumps([*SAMPLES, cyclic], protocol=proto))
    assert report.complete_count == 1
    assert (report.failure, report.trailing, report.limit) == (None, None, None)


def test_global_records_module_name_offset_and_opcode() -> None:
    report = scan_pickles(pk.call_global("os", "system"))
    assert report.globals == (
        GlobalRef(module="os", name="system", offset=2, opcode="GLOBAL", how="literal"),
    )
    assert [(c.kind, c.target, c.arguments) for c in report.calls] == [
        ("REDUCE", "os.system", "('true',)")
    ]


def test_protocol_0_names_are_mapped_like_find_class() -> None:
    (ref,) = scan_pickles(pk.call_global("__builtin__", "eval", proto=0)).globals
    assert (ref.qualname, ref.original) == ("builtins.eval", ("__builtin__", "eval"))


def test_protocol_3_names_are_not_mapped() -> None:
    (ref,) = scan_pickles(pk.call_global("__builtin__", "eval", proto=3)).globals
    assert (ref.qualname, ref.original) == ("__builtin__.eval", None)


def test_stack_global_from_computed_values_is_computed() -> None:
    refs = scan_pickles(pk.computed_global()).globals
    assert [(r.qualname, r.how, r.opcode) for r in refs] == [
        ("builtins.str", "literal", "GLOBAL"),
        ("builtins.str('os').'system'", "computed", "STACK_GLOBAL"),
    ]


def test_ext_resolves_through_the_streams_own_registration() -> None:
    refs = scan_pickles(pk.extension_payload()).globals
    assert [(r.qualname, r.how, r.opcode) for r in refs] == [
        ("copyreg.add_extension", "literal", "GLOBAL"),
        ("os.system", "extension", "EXT1"),
    ]


def test_unregistered_ext_is_computed() -> None:
    (ref,) = scan_pickles(pk.unregistered_extension()).globals
    assert (ref.how, ref.name, ref.offset) == ("computed", "1337", 2)


def test_memoize_stores_under_the_entry_count_not_the_last_index() -> None:
    # PUT 5, then MEMOIZE stores at len(memo) == 1; GET 1 must find the second value.
    w = pk.PickleWriter().proto(4).text("a").binput(5).text("b").memoize().pop().pop().binget(1)
    assert scan_pickles(w.stop().data).pickles[0].value == "'b'"


def test_pop_with_empty_stack_pops_the_mark() -> None:
    data = pk.PickleWriter().proto(2).none().mark().pop().stop().data
    assert scan_pickles(data).pickles[0].value == "None"


def test_a_parse_failure_keeps_the_payload_seen_before_it() -> None:
    data = pk.call_global("os", "system")[:-1] + b"\x00junk"
    report = scan_pickles(data)
    assert report.failure == ParseFailure(offset=len(data) - 5, message="invalid load key 0x00")
    assert [r.qualname for r in report.globals] == ["os.system"]


def test_trailing_bytes_after_a_complete_pickle_are_not_a_parse_failure() -> None:
    first = pk.call_global("collections", "OrderedDict")
    report = scan_pickles(first + b"\x00\x01")
    assert report.failure is None
    assert report.trailing == TrailingData(
        offset=len(first), length=2, message="invalid load key 0x00"
    )


def test_every_pickle_of_a_stream_is_scanned() -> None:
    first = pk.call_global("collections", "OrderedDict")
    report = scan_pickles(first + pk.call_global("os", "system"))
    assert [(r.qualname, r.offset) for r in report.globals] == [
        ("collections.OrderedDict", 2),
        ("os.system", len(first) + 2),
    ]


def test_opcode_budget_is_recorded_as_a_limit() -> None:
    data = pk.PickleWriter().proto(2).raw(b"N0" * 100).none().stop().data
    report = scan_pickles(data, limits=PickleLimits(max_opcodes=50))
    assert report.limit == LimitHit(offset=51, what="pickle opcodes", limit=50, actual=51)


def test_pickle_count_budget_is_recorded_as_a_limit() -> None:
    one = pickle.dumps([1, 2], protocol=2)
    report = scan_pickles(
        one * 3 + pk.call_global("os", "system"), limits=PickleLimits(max_pickles=3)
    )
    assert report.complete_count == 3
    assert report.limit == LimitHit(
        offset=3 * len(one), what="pickles per stream", limit=3, actual=4
    )


def test_pickle_count_budget_admits_exactly_the_limit() -> None:
    one = pickle.dumps([1, 2], protocol=2)
    report = scan_pickles(one * 3, limits=PickleLimits(max_pickles=3))
    assert (report.complete_count, report.limit) == (3, None)


def test_joblib_array_bytes_are_stepped_over() -> None:
    report = scan_pickles(bp.joblib_arrays(2), inline_arrays=True)
    assert report.complete_count == 1
    assert report.pickles[0].inline_arrays == 2


def test_legacy_torch_stops_after_its_five_pickles() -> None:
    report = scan_pickles(bp.torch_legacy(bp.torch_state_dict(1)), stop_after=5)
    assert report.complete_count == 5
    assert report.trailing is not None and report.trailing.message == "not scanned"


def test_strings_are_recovered_with_offsets() -> None:
    strings = scan_pickles(pk.call_global("os", "system", proto=0)).strings
    assert [(s.offset, s.text, s.kind) for s in strings] == [(12, "true", "str")]
