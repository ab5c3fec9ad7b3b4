from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hst

from builders import archives as zb
from builders import secrets_carriers as sc
from builders import secrets_tokens as st
from mlgate.credentials.matcher import Matcher
from mlgate.credentials.rules import DETECTORS
from mlgate.formats.limits import ContainerLimits
from mlgate.formats.span import Span
from mlgate.formats.strings import StringBlock, StringIssue, StringLimits, iter_strings

MATCHER = Matcher(DETECTORS)


def blocks(data: bytes, limits: StringLimits | None = None) -> list[StringBlock | StringIssue]:
    return list(iter_strings(Span.of(data), limits=limits))


def test_pickle_strings_come_decoded_at_their_opcode_offsets() -> None:
    data = sc.dict_pickle([("alpha", "beta")])
    [block] = blocks(data)
    assert isinstance(block, StringBlock) and block.origin == "pickle"
    assert [(p.offset, p.text) for p in block.pieces] == [
        (4, "alpha"),
        (11, "beta"),
    ]  # opcode offsets


def test_npz_utf32_strings_and_nested_zip_members() -> None:
    inner = zb.make_zip([zb.Member(name="meta.npy", data=sc.utf32_array(["héllo", "w"]))])
    outer = zb.make_zip([zb.Member(name="inner.npz", data=inner, deflate=True)])
    [block] = blocks(outer)
    assert isinstance(block, StringBlock)
    assert block.member == "inner.npz/meta.npy" and block.origin == "npy"
    assert [p.text for p in block.pieces] == ["héllo", "w"]


def test_depth_budget_is_an_issue_not_an_exception() -> None:
    data = b"plain text member"
    for level in range(4):
        data = zb.make_zip([zb.Member(name=f"l{level}.zip", data=data)])
    limits = StringLimits(containers=ContainerLimits(max_depth=2))
    issues = [b for b in blocks(data, limits) if isinstance(b, StringIssue)]
    assert len(issues) == 1 and issues[0].is_limit and "depth" in issues[0].message


def test_safetensors_metadata_is_read() -> None:
    token = st.huggingface(st.seeded(1))
    [block] = blocks(zb.safetensors({"hub_token": token}))
    assert isinstance(block, StringBlock) and block.origin == "metadata"
    assert token in block.pieces[0].text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hst.binary(max_size=2048))
def test_extraction_never_raises_on_arbitrary_bytes(data: bytes) -> None:
    for item in blocks(data):
        assert isinstance(item, StringBlock | StringIssue)


@settings(max_examples=100, deadline=None)
@given(hst.sampled_from([b"PK\x03\x04", b"\x80\x04\x95", b"\x93NUMPY\x01\x00", b"\x1f\x8b"]),
       hst.binary(max_size=1024))  # fmt: skip
def test_extraction_never_raises_on_broken_containers(magic: bytes, tail: bytes) -> None:
    for item in blocks(magic + tail):
        assert isinstance(item, StringBlock | StringIssue)


@settings(max_examples=200, deadline=None)
@given(hst.text(max_size=600))
def test_matches_are_spans_of_the_text(text: str) -> None:
    for match in MATCHER.find(text):
        assert text[match.start : match.end] == match.secret
