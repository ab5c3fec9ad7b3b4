"""Readers of safetensors, Keras v3 configs, ONNX, GGUF and Jinja chat templates."""

from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builders import model_formats as mf
from mlgate.formats.gguf import GgufError, read_gguf
from mlgate.formats.jinja_reach import find_reaches
from mlgate.formats.keras import KerasError, KerasReach, read_keras_config
from mlgate.formats.onnx import ExternalData, OnnxError, OperatorUse, read_onnx
from mlgate.formats.protobuf import ProtobufError, iter_fields
from mlgate.formats.safetensors import (
    HeaderIssue,
    SafetensorsError,
    TensorEntry,
    read_safetensors_header,
)
from mlgate.formats.span import Span

FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _kinds(data: bytes) -> list[tuple[str, str]]:
    header = read_safetensors_header(Span.of(data))
    return [(issue.kind, issue.name) for issue in header.issues]


def test_safetensors_valid_header_places_tensors_and_metadata() -> None:
    data = mf.safetensors_file(
        {"b": ("F16", [3], [8, 14]), "w": ("F32", [2], [0, 8])}, metadata={"format": "pt"}
    )
    header = read_safetensors_header(Span.of(data))
    start = 8 + header.header_size
    assert header.tensors == (
        TensorEntry(name="w", dtype="F32", shape=(2,), begin=start, end=start + 8),
        TensorEntry(name="b", dtype="F16", shape=(3,), begin=start + 8, end=start + 14),
    )
    assert (header.metadata, header.issues) == ((("format", "pt"),), ())


def test_safetensors_overlap_gap_range_size_and_dtype_issues() -> None:
    tensors = {
        "a": ("F32", [2], [0, 8]),
        "b": ("F32", [2], [4, 12]),
        "c": ("F32", [1], [16, 20]),
        "d": ("I64", [1], [20, 24]),
        "e": ("Q4", [1], [24, 26]),
        "f": ("U8", [4], [26, 40]),
    }
    assert _kinds(mf.safetensors_file(tensors, data_size=32)) == [
        ("size-mismatch", "d"),
        ("bad-dtype", "e"),
        ("size-mismatch", "f"),
        ("overlap", "b"),
        ("gap", "c"),
        ("out-of-range", "f"),
    ]


def test_safetensors_metadata_duplicates_and_bad_entries() -> None:
    raw = b'{"w": {"dtype": "U8", "shape": [1], "data_offsets": [0, 1]}, "w": 3, "x": {"shape": 1}}'
    assert _kinds(mf.safetensors_file({}, data_size=1, raw_header=raw)) == [
        ("duplicate-key", "w"),
        ("bad-entry", "w"),
        ("bad-entry", "x"),
        ("gap", "<end>"),
    ]
    assert _kinds(mf.safetensors_file({}, metadata={"n": 1})) == [("bad-metadata", "__metadata__")]
    issue = read_safetensors_header(Span.of(mf.safetensors_file({}, metadata=[]))).issues[0]
    assert issue == HeaderIssue(
        kind="bad-metadata", name="__metadata__", detail="must map strings to strings"
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff" * 8 + b"{}", "header length 18446744073709551615 exceeds"),
        (mf.safetensors_file({}, raw_header=b"{oops"), "header is not JSON: JSONDecodeError"),
        (mf.safetensors_file({}, raw_header=b"[1, 2]"), "header is not a JSON object"),
    ],
)
def test_safetensors_unusable_headers_raise(data: bytes, message: str) -> None:
    with pytest.raises(SafetensorsError, match=message):
        read_safetensors_header(Span.of(data))


def test_keras_config_lists_lambda_foreign_modules_and_registered_names() -> None:
    layers = [
        mf.keras_layer("Dense", "ok"),
        mf.keras_layer("Custom", "c", module="evil.layers", registered_name="evil>Custom"),
        mf.lambda_layer("lam"),
        mf.keras_layer("Dense", "hub", module="keras_hub.layers", registered_name="keras_hub>X"),
    ]
    config = {"module": "keras", "class_name": "Sequential", "config": {"layers": layers}}
    assert read_keras_config(json.dumps(config).encode()) == [
        KerasReach(kind="module", path="$.config.layers[1]", value="evil.layers.Custom"),
        KerasReach(kind="registered-name", path="$.config.layers[1]", value="evil>Custom"),
        KerasReach(kind="lambda", path="$.config.layers[2]", value="Lambda"),
    ]


def test_keras_config_survives_deep_nesting_and_refuses_non_objects() -> None:
    deep = "[" * 100_000 + "]" * 100_000
    with pytest.raises(KerasError, match="not JSON: RecursionError"):
        read_keras_config(deep.encode())
    with pytest.raises(KerasError, match="not a JSON object"):
        read_keras_config(b"[]")


def test_onnx_reads_domains_subgraphs_and_external_locations() -> None:
    data = mf.onnx_model(
        opsets=(("", 17), ("com.evil", 1)),
        nodes=(mf.OnnxNode("If", subgraph=[mf.OnnxNode("Pwn", "com.evil")]),),
        external=("../x.bin",),
    )
    model = read_onnx(Span.of(data))
    assert [(u.domain, u.op_type) for u in model.nodes] == [("com.evil", "Pwn"), ("", "If")]
    assert [u.domain for u in model.opsets] == ["", "com.evil"]
    assert model.external == (
        ExternalData(tensor="e0", location="../x.bin", offset=data.index(b"\x6a\x14\x0a\x08loc")),
    )
    assert model.opsets[1] == OperatorUse(
        domain="com.evil", op_type="", offset=data.rindex(b"\x42\x0c")
    )


def test_onnx_refuses_truncated_and_too_deep_models() -> None:
    with pytest.raises(OnnxError, match="unterminated varint at 68"):
        read_onnx(Span.of(mf.onnx_model()[:-3]))
    with pytest.raises(OnnxError, match="field 8 at 67 runs past the message"):
        read_onnx(Span.of(mf.onnx_model()[:-1]))
    node = mf.OnnxNode("Relu")
    for _ in range(70):
        node = mf.OnnxNode("If", subgraph=[node])
    with pytest.raises(OnnxError, match="nested deeper than 64"):
        read_onnx(Span.of(mf.onnx_model(nodes=(node,))))


def test_protobuf_fields_are_views_and_bad_wire_types_raise() -> None:
    fields = list(iter_fields(Span.of(mf.pb_int(1, 300) + mf.pb_bytes(2, "ab"))))
    assert [(f.number, f.wire_type) for f in fields] == [(1, 0), (2, 2)]
    assert (fields[0].number_value, fields[1].text(), fields[1].offset) == (300, "ab", 3)
    with pytest.raises(ProtobufError, match="unsupported wire type 3"):
        list(iter_fields(Span.of(b"\x0b")))


def test_gguf_keeps_string_metadata_and_skips_arrays() -> None:
    data = mf.gguf_file({"tokenizer.chat_template": "{{ x }}"}, vocab=5, tensors=2)
    header = read_gguf(Span.of(data))
    assert (header.version, header.tensor_count, header.key_count) == (3, 2, 5)
    assert [(v.key, v.text) for v in header.strings] == [
        ("general.architecture", "llama"),
        ("tokenizer.chat_template", "{{ x }}"),
    ]
    assert header.strings[1].offset == data.index(b"\x17\x00\x00\x00\x00\x00\x00\x00tokenizer.c")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"GGUF\x07\x00\x00\x00", "unsupported GGUF version 7"),
        (mf.gguf_file({"a": "b"})[:-1], "runs past the end"),
        (b"GGUF" + bytes([3, 0, 0, 0]) + bytes(8) + b"\xff" * 8, "metadata keys exceed"),
    ],
)
def test_gguf_malformed_headers_raise(data: bytes, message: str) -> None:
    with pytest.raises(GgufError, match=message):
        read_gguf(Span.of(data))


def test_jinja_reaches_dunders_filters_and_globals_but_not_words_in_strings() -> None:
    template = "{{ 'import os' }}{{ x|attr('__class__') }}{% set s = lipsum.__globals__ %}"
    assert [(r.construct, r.offset) for r in find_reaches(template)] == [
        ("|attr", template.index("|attr")),
        ("__class__", template.index("__class__")),
        ("lipsum", template.index("lipsum")),
        ("__globals__", template.index("__globals__")),
    ]
    assert find_reaches(mf.LLAMA3_TEMPLATE) == []
    assert [r.construct for r in find_reaches("{{ '\\x5f\\x5fclass' }}")] == ["\\x5f", "\\x5f"]


inputs = st.one_of(
    st.binary(max_size=300),
    st.sampled_from(
        [
            mf.onnx_model(external=("a",)),
            mf.gguf_file({"tokenizer.chat_template": "{{ a }}"}),
            mf.safetensors_file({"w": ("F32", [2], [0, 8])}),
        ]
    ).flatmap(lambda seed: st.integers(0, len(seed)).map(lambda cut: seed[:cut])),
)


@FAST
@given(inputs)
def test_model_format_readers_raise_only_their_declared_errors(data: bytes) -> None:
    span = Span.of(data)
    with contextlib.suppress(OnnxError):
        read_onnx(span)
    with contextlib.suppress(GgufError):
        read_gguf(span)
    with contextlib.suppress(SafetensorsError):
        read_safetensors_header(span)
    with contextlib.suppress(KerasError):
        read_keras_config(data)
