"""Hypothesis: readers never raise except their declared errors, and stay bounded."""

from __future__ import annotations

import contextlib
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builders import archives as zb
from builders import benign_pickles as bp
from builders import pickles as pk
from mlgate.core.errors import ResourceLimitError
from mlgate.formats.containers import ContainerError, read_tar, unwrap
from mlgate.formats.limits import ContainerLimits, PickleLimits, UnpackBudget
from mlgate.formats.npy import NpyError, read_npy_header
from mlgate.formats.pickle_stream import scan_pickles
from mlgate.formats.sniff import COMPRESSED, sniff
from mlgate.formats.span import Span
from mlgate.formats.zipread import read_zip

SEEDS = [
    pk.call_global("os", "system"),
    pk.extension_payload(),
    pk.computed_global(),
    bp.estimator("sklearn.svm._classes", "SVC", proto=4),
    bp.joblib_arrays(1),
    zb.torch_zip(bp.torch_state_dict(1)),
]
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LIMITS = PickleLimits(max_opcodes=20_000, max_seconds=2.0)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(0, 6))):
        index = draw(st.integers(0, len(data) - 1))
        data[index] = draw(st.integers(0, 255))
    cut = draw(st.integers(0, len(data)))
    return bytes(data[:cut]) + draw(st.binary(max_size=16))


inputs = st.one_of(st.binary(max_size=512), mutated())


@FAST
@given(inputs, st.booleans())
def test_pickle_machine_never_raises_and_is_bounded(data: bytes, inline: bool) -> None:
    started = time.monotonic()
    report = scan_pickles(data, limits=LIMITS, inline_arrays=inline)
    assert sum(p.opcodes for p in report.pickles) <= LIMITS.max_opcodes
    assert time.monotonic() - started < 5


@FAST
@given(inputs)
def test_sniff_and_zip_reader_never_raise(data: bytes) -> None:
    sniff(data)
    listing = read_zip(Span.of(data), max_entries=100)
    assert len(listing.entries) <= 200


@FAST
@given(inputs)
def test_unwrapping_and_tar_raise_only_declared_errors(data: bytes) -> None:
    budget = UnpackBudget(ContainerLimits(max_total_bytes=1 << 24))
    for fmt in COMPRESSED:
        with contextlib.suppress(ContainerError, ResourceLimitError):
            unwrap(Span.of(data), fmt, budget)
    with contextlib.suppress(ContainerError, ResourceLimitError):
        read_tar(Span.of(data), budget)


@FAST
@given(st.binary(max_size=200))
def test_npy_header_raises_only_npy_error(tail: bytes) -> None:
    with contextlib.suppress(NpyError):
        read_npy_header(Span.of(b"\x93NUMPY\x01\x00" + tail))
