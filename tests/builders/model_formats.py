"""safetensors, Keras v3, ONNX and GGUF files built byte by byte, honest or tricked.

ONNX is written as raw protobuf with the field numbers of ``onnx.proto3``; GGUF with
the llama.cpp layout (version 3). Nothing here is ever loaded by a framework.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass, field

from builders import archives as zb

# --- safetensors -------------------------------------------------------------------


def safetensors_file(
    tensors: dict[str, tuple[str, list[int], list[int]]],
    *,
    data_size: int | None = None,
    metadata: object = None,
    raw_header: bytes | None = None,
) -> bytes:
    """A safetensors file; ``tensors`` maps names to (dtype, shape, [begin, end])."""
    header: dict[str, object] = {
        name: {"dtype": dtype, "shape": shape, "data_offsets": offsets}
        for name, (dtype, shape, offsets) in tensors.items()
    }
    if metadata is not None:
        header["__metadata__"] = metadata
    text = raw_header if raw_header is not None else json.dumps(header).encode()
    size = (
        data_size if data_size is not None else max((o[1] for *_, o in tensors.values()), default=0)
    )
    return struct.pack("<Q", len(text)) + text + bytes(size)


# --- Keras v3 ----------------------------------------------------------------------


def keras_layer(class_name: str, name: str, **extra: object) -> dict[str, object]:
    """A layer as Keras 3 serialises it."""
    layer: dict[str, object] = {
        "module": "keras.layers",
        "class_name": class_name,
        "config": {"name": name, "trainable": True, "dtype": "float32"},
        "registered_name": None,
    }
    layer.update(extra)
    return layer


def lambda_layer(name: str = "lambda") -> dict[str, object]:
    """A ``Lambda`` layer with its marshalled function (bytes are inert placeholders)."""
    function = {
        "class_name": "__lambda__",
        "config": {"code": "4wEAAAAAAAAAAAAAAAEAAAADAAAA", "defaults": None, "closure": None},
    }
    layer = keras_layer("Lambda", name)
    layer["config"] = {"name": name, "function": function, "output_shape": None}
    return layer


def keras_archive(layers: list[dict[str, object]]) -> bytes:
    """A ``.keras`` zip: config.json of a Sequential model, metadata.json, weights."""
    config = {
        "module": "keras",
        "class_name": "Sequential",
        "config": {"name": "sequential", "layers": layers},
        "registered_name": None,
    }
    metadata = {"keras_version": "3.10.0", "date_saved": "2026-01-01@00:00:00"}
    return zb.make_zip(
        [
            zb.Member(name="metadata.json", data=json.dumps(metadata).encode()),
            zb.Member(name="config.json", data=json.dumps(config).encode(), deflate=True),
            zb.Member(name="model.weights.h5", data=b"\x89HDF\r\n\x1a\n" + bytes(504)),
        ]
    )


# --- ONNX (protobuf) ---------------------------------------------------------------


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def pb_int(number: int, value: int) -> bytes:
    """A varint field."""
    return _varint(number << 3) + _varint(value)


def pb_bytes(number: int, value: bytes | str) -> bytes:
    """A length-delimited field."""
    data = value.encode() if isinstance(value, str) else value
    return _varint(number << 3 | 2) + _varint(len(data)) + data


@dataclass(frozen=True, slots=True)
class OnnxNode:
    """A node: operator, domain, and optional subgraph attribute (an If branch)."""

    op_type: str
    domain: str = ""
    subgraph: list[OnnxNode] = field(default_factory=list)
    strings: tuple[str, ...] = ()
    doc_string: str = ""


def _node(node: OnnxNode) -> bytes:
    data = pb_bytes(1, "x") + pb_bytes(2, "y") + pb_bytes(4, node.op_type)
    if node.domain:
        data += pb_bytes(7, node.domain)
    if node.subgraph:
        graph = b"".join(pb_bytes(1, _node(inner)) for inner in node.subgraph)
        data += pb_bytes(5, pb_bytes(1, "then_branch") + pb_int(20, 5) + pb_bytes(6, graph))
    if node.strings:
        # AttributeProto: name (1), type STRINGS (20 = 8), strings (9), as LabelEncoder has.
        values = b"".join(pb_bytes(9, text) for text in node.strings)
        data += pb_bytes(5, pb_bytes(1, "keys_strings") + pb_int(20, 8) + values)
    if node.doc_string:
        data += pb_bytes(6, node.doc_string)
    return data


def _initializer(name: str, location: str | None) -> bytes:
    data = pb_int(1, 4) + pb_int(2, 1) + pb_bytes(8, name)
    if location is None:
        return data + pb_bytes(9, struct.pack("<4f", 1, 2, 3, 4))
    entry = pb_bytes(13, pb_bytes(1, "location") + pb_bytes(2, location))
    return data + entry + pb_bytes(13, pb_bytes(1, "offset") + pb_bytes(2, "0")) + pb_int(14, 1)


def onnx_model(
    *,
    opsets: tuple[tuple[str, int], ...] = (("", 17),),
    nodes: tuple[OnnxNode, ...] = (OnnxNode("Relu"),),
    external: tuple[str, ...] = (),
    doc_string: str = "",
    metadata_props: tuple[tuple[str, str], ...] = (),
) -> bytes:
    """A ModelProto: ir_version, producer, graph (nodes + initializers), opset imports."""
    graph = b"".join(pb_bytes(1, _node(n)) for n in nodes) + pb_bytes(2, "main")
    graph += pb_bytes(5, _initializer("w", None))
    graph += b"".join(pb_bytes(5, _initializer(f"e{i}", loc)) for i, loc in enumerate(external))
    model = pb_int(1, 8) + pb_bytes(2, "pytorch") + pb_bytes(3, "2.5.0") + pb_bytes(7, graph)
    for domain, version in opsets:
        model += pb_bytes(8, (pb_bytes(1, domain) if domain else b"") + pb_int(2, version))
    if doc_string:
        model += pb_bytes(6, doc_string)
    for key, value in metadata_props:
        model += pb_bytes(14, pb_bytes(1, key) + pb_bytes(2, value))
    return model


# --- GGUF --------------------------------------------------------------------------

LLAMA3_TEMPLATE = (
    "{% set loop_messages = messages %}{% for message in loop_messages %}"
    "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'"
    " + message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}"
    "{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}"
    "{% endif %}"
)


def _gguf_string(text: str) -> bytes:
    data = text.encode()
    return struct.pack("<Q", len(data)) + data


def gguf_file(strings: dict[str, str], *, vocab: int = 3, tensors: int = 0) -> bytes:
    """A version 3 GGUF file with string metadata, a token array and a u32 key."""
    kv = [_gguf_string("general.architecture") + struct.pack("<I", 8) + _gguf_string("llama")]
    kv.append(_gguf_string("llama.context_length") + struct.pack("<II", 4, 8192))
    tokens = b"".join(_gguf_string(f"tok{i}") for i in range(vocab))
    kv.append(_gguf_string("tokenizer.ggml.tokens") + struct.pack("<IIQ", 9, 8, vocab) + tokens)
    kv.append(
        _gguf_string("tokenizer.ggml.scores") + struct.pack("<IIQ", 9, 6, vocab) + bytes(4 * vocab)
    )
    kv += [_gguf_string(k) + struct.pack("<I", 8) + _gguf_string(v) for k, v in strings.items()]
    head = b"GGUF" + struct.pack("<IQQ", 3, tensors, len(kv))
    return head + b"".join(kv)
