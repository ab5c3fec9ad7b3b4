"""Strings of 7z archives, legacy Keras ``.h5`` files and SavedModels reach the detectors."""

from __future__ import annotations

from pathlib import PurePath

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hst

from builders import secrets_tokens as st
from builders.model_formats import pb_bytes, pb_int
from corpus.secrets import model_carriers as mc
from mlgate.checks.secrets.check import catalogue
from mlgate.checks.secrets.scan import FileScan, scan_bytes
from mlgate.core.finding import ArtifactLocation
from mlgate.formats.span import Span
from mlgate.formats.strings import StringBlock, StringIssue, iter_strings
from mlgate.formats.tf_strings import residual_runs, saved_model_pieces

MATCHER = catalogue(())
_LIMIT = 64 << 20


def _scan(filename: str, data: bytes) -> FileScan:
    return scan_bytes(PurePath(filename), data, filename, MATCHER, _LIMIT)


def _rules(scan: FileScan) -> list[str]:
    return [hit.match.detector.rule.id for hit in scan.hits]


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("builder", [*mc.BUILDERS.values(), mc.zipped_saved_model])
def test_each_model_format_reports_its_token_once_in_its_member(
    builder: mc.Builder, seed: int
) -> None:
    rng = st.seeded(seed)
    token = st.github(rng)
    planted = builder("GITHUB_TOKEN", token, rng)
    scan = _scan(planted.filename, planted.data)
    assert scan.problems == ()
    assert _rules(scan) == ["SEC007"]
    [hit] = scan.hits
    assert isinstance(hit.location, ArtifactLocation)
    assert hit.location.member == planted.member
    assert hit.match.secret == token


def test_a_generic_password_in_a_graph_constant_is_named_by_its_node() -> None:
    rng = st.seeded(7)
    password = st.generic_password(rng)
    planted = mc.saved_model("db_password", password, st.seeded(0))  # a graph constant
    [block, _] = list(iter_strings(Span.of(planted.data), name="saved_model.pb"))
    assert isinstance(block, StringBlock) and block.origin == "metadata"
    assert f"db_password = {password}" in [p.text for p in block.pieces]
    assert _rules(_scan(planted.filename, planted.data)) == ["SEC026"]


def test_the_7z_member_is_decoded_not_read_as_printable_runs() -> None:
    rng = st.seeded(3)
    token = st.huggingface(rng)
    planted = mc.sevenzip("HF_TOKEN", token, rng)
    assert token.encode() not in planted.data  # LZMA2 coded it
    assert _rules(_scan(planted.filename, planted.data)) == ["SEC017"]


def test_a_truncated_7z_is_a_problem_not_a_clean_file() -> None:
    planted = mc.sevenzip("HF_TOKEN", st.huggingface(st.seeded(4)), st.seeded(4))
    scan = _scan(planted.filename, planted.data[: len(planted.data) // 2])
    assert scan.problems and scan.hits == ()


def test_h5_hits_point_at_the_config_bytes() -> None:
    rng = st.seeded(5)
    token = st.openai(rng)
    planted = mc.keras_h5("OPENAI_KEY", token, rng)
    [hit] = _scan(planted.filename, planted.data).hits
    assert isinstance(hit.location, ArtifactLocation) and hit.location.member is None
    offset = hit.location.offset or 0
    assert token.encode() in planted.data[offset : offset + 4096]


def test_strings_outside_the_decoded_values_stay_visible_once() -> None:
    token = st.github(st.seeded(6))
    planted = mc.saved_model("GITHUB_TOKEN", token, st.seeded(0))
    # A token in a field the reader does not decode (the meta graph's tags).
    stray = st.github(st.seeded(8))
    data = planted.data + pb_bytes(2, pb_bytes(1, pb_bytes(4, stray)))
    span = Span.of(data)
    explained = saved_model_pieces(span)
    decoded = [p.text for p in explained.pieces]
    runs = [p.text for p in residual_runs(span, explained.covered)]
    assert sum(token in text for text in decoded + runs) == 1
    assert any(stray in text for text in runs)
    assert sorted(h.match.secret for h in _scan("saved_model.pb", data).hits) == sorted(
        [token, stray]
    )


def test_a_file_named_saved_model_that_is_no_protobuf_gives_its_printable_runs() -> None:
    token = st.github(st.seeded(9))
    data = b"\x00\xff" + pb_int(0, 1) + f" export GITHUB_TOKEN={token}\n".encode()
    scan = _scan("saved_model.pb", data)
    assert scan.problems == () and [h.match.secret for h in scan.hits] == [token]


_PLANTED = [
    builder("GITHUB_TOKEN", st.github(st.seeded(seed)), st.seeded(seed))
    for seed, builder in enumerate([*mc.BUILDERS.values(), mc.saved_model, mc.saved_model])
]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hst.data())
def test_damaged_model_files_never_raise(data: hst.DataObject) -> None:
    planted = data.draw(hst.sampled_from(_PLANTED))
    raw = bytearray(planted.data)
    for _ in range(data.draw(hst.integers(1, 8))):
        position = data.draw(hst.integers(0, len(raw) - 1))
        raw[position] = data.draw(hst.integers(0, 255))
    cut = data.draw(hst.integers(1, len(raw)))
    scan = _scan(planted.filename, bytes(raw[:cut]))
    assert all(isinstance(problem, str) for problem in scan.problems)
    assert all(hit.match.secret for hit in scan.hits)


@settings(max_examples=150, deadline=None)
@given(hst.binary(max_size=2048), hst.sampled_from(["saved_model.pb", "keras_metadata.pb"]))
def test_arbitrary_bytes_under_a_protobuf_name_never_raise(data: bytes, name: str) -> None:
    for item in iter_strings(Span.of(data), name=name):
        assert isinstance(item, StringBlock | StringIssue)
