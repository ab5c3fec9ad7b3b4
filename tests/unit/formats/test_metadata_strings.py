"""Strings out, secrets in: format metadata reaches string detectors through iter_strings."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hst

from builders import archives as zb
from builders import model_formats as mf
from builders import secrets_tokens as st
from mlgate.credentials.matcher import Matcher
from mlgate.credentials.rules import DETECTORS
from mlgate.formats.json_strings import JsonString, json_strings
from mlgate.formats.onnx import read_onnx
from mlgate.formats.span import Span
from mlgate.formats.strings import StringBlock, iter_strings

MATCHER = Matcher(DETECTORS)
TOKEN = st.huggingface(st.seeded("metadata"))


def _keras_with(value: str) -> bytes:
    layer = mf.keras_layer("Dense", "dense", config={"name": "dense", "api_key": value})
    return mf.keras_archive([layer])


def _keras_escaped(value: str) -> bytes:
    """A config.json whose token is spelled with JSON escapes only (``\\u0068f_...``)."""
    escaped = "".join(f"\\u{ord(c):04x}" for c in value)
    config = b'{"class_name": "Sequential", "config": {"hub_token": "' + escaped.encode() + b'"}}'
    return zb.make_zip(
        [zb.Member(name="config.json", data=config), zb.Member(name="metadata.json", data=b"{}")]
    )


CARRIERS: dict[str, tuple[Callable[[str], bytes], str | None, str]] = {
    "safetensors": (lambda t: zb.safetensors({"hub_token": t}), None, "hub_token = "),
    "gguf": (lambda t: mf.gguf_file({"general.hub_token": t}), None, "general.hub_token = "),
    "gguf-template": (
        lambda t: mf.gguf_file({"tokenizer.chat_template": "{{ '" + t + "' }}"}),
        None,
        "tokenizer.chat_template = {{ '",
    ),
    "onnx-props": (
        lambda t: mf.onnx_model(metadata_props=(("hub_token", t),)),
        None,
        "hub_token = ",
    ),
    "onnx-doc": (lambda t: mf.onnx_model(doc_string=f"pushed with {t}"), None, "pushed with "),
    "onnx-attribute": (
        lambda t: mf.onnx_model(nodes=(mf.OnnxNode("LabelEncoder", "ai.onnx.ml", strings=(t,)),)),
        None,
        "",
    ),
    "keras-config": (_keras_with, "config.json", "api_key = "),
    "keras-escaped": (_keras_escaped, "config.json", "hub_token = "),
}


def _metadata_blocks(data: bytes, member: str | None = None) -> list[StringBlock]:
    found = list(iter_strings(Span.of(data)))
    return [
        b
        for b in found
        if isinstance(b, StringBlock) and b.origin == "metadata" and b.member == member
    ]


@pytest.mark.parametrize("carrier", sorted(CARRIERS))
def test_a_token_in_format_metadata_is_a_decoded_labelled_piece(carrier: str) -> None:
    build, member, prefix = CARRIERS[carrier]
    [block] = _metadata_blocks(build(TOKEN), member)
    texts = [piece.text for piece in block.pieces]
    assert any(text.startswith(prefix) and TOKEN in text for text in texts), texts
    matched = [m.secret for p in block.pieces for m in MATCHER.find(p.text)]
    assert TOKEN in matched


@pytest.mark.parametrize("carrier", ["safetensors", "gguf", "onnx-props", "keras-config"])
def test_metadata_pieces_point_at_the_value_bytes(carrier: str) -> None:
    build, member, _ = CARRIERS[carrier]
    data = build(TOKEN)
    [block] = _metadata_blocks(data, member)
    [piece] = [p for p in block.pieces if TOKEN in p.text]
    window = data if carrier != "keras-config" else _member(data, "config.json")
    assert TOKEN.encode() in window[piece.offset : piece.offset + 4096]


def _member(archive: bytes, name: str) -> bytes:
    import zipfile
    from io import BytesIO

    with zipfile.ZipFile(BytesIO(archive)) as opened:
        return opened.read(name)


def test_safetensors_metadata_comes_before_tensor_entries() -> None:
    data = mf.safetensors_file({"w": ("F32", [2], [0, 8])}, metadata={"note": "hello"})
    [block] = _metadata_blocks(data)
    assert [p.text for p in block.pieces] == ["note = hello", "dtype = F32"]


def test_broken_gguf_falls_back_to_printable_runs() -> None:
    valid = mf.gguf_file({"general.hub_token": TOKEN})
    # One more key announced than present: the reader runs past the end.
    count = int.from_bytes(valid[16:24], "little") + 1
    data = valid[:16] + count.to_bytes(8, "little") + valid[24:]
    found = [b for b in iter_strings(Span.of(data)) if isinstance(b, StringBlock)]
    assert [b.origin for b in found] == ["binary"]
    assert any(TOKEN in p.text for p in found[0].pieces)


def test_onnx_string_attributes_are_text_not_tensors() -> None:
    # Regression: AttributeProto field 9 is ``strings``; reading it as tensors made every
    # LabelEncoder model (skl2onnx) unreadable. Tensors and graphs lists are 10 and 11.
    node = mf.OnnxNode("LabelEncoder", "ai.onnx.ml", strings=("cat", "dog"), doc_string="d")
    model = read_onnx(Span.of(mf.onnx_model(nodes=(node,))))
    assert [(t.where, t.text) for t in model.texts] == [
        ("producer_name", "pytorch"),
        ("producer_version", "2.5.0"),
        ("attribute", "cat"),
        ("attribute", "dog"),
        ("doc_string", "d"),
    ]


def test_json_strings_keys_tops_offsets_and_broken_input() -> None:
    raw = b'{"a": "x", "m": {"k": ["y", "z"]}, "b": "\\u0041", "bad": "\\q"'
    got = list(json_strings(raw, base=10))

    def at(literal: bytes) -> int:
        return 10 + raw.index(literal) + 1

    assert got == [
        JsonString(key="a", top="a", text="x", offset=at(b'"x"')),
        JsonString(key="k", top="m", text="y", offset=at(b'"y"')),
        JsonString(key="k", top="m", text="z", offset=at(b'"z"')),
        JsonString(key="b", top="b", text="A", offset=at(b'"\\u0041"')),
        JsonString(key="bad", top="bad", text="\\q", offset=at(b'"\\q"')),
    ]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hst.recursive(hst.text(max_size=8), lambda inner: hst.lists(inner, max_size=3)
       | hst.dictionaries(hst.text(max_size=4), inner, max_size=3), max_leaves=12))  # fmt: skip
def test_json_strings_finds_every_string_value_json_loads_finds(document: object) -> None:
    raw = json.dumps(document).encode()
    expected: list[str] = []
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            expected.append(node)
        elif isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    assert sorted(s.text for s in json_strings(raw)) == sorted(expected)


@settings(max_examples=150, deadline=None)
@given(hst.binary(max_size=512))
def test_json_strings_never_raises(raw: bytes) -> None:
    for found in json_strings(raw):
        assert isinstance(found.text, str)
