"""Corpus cases for 7z containers (written by the real ``py7zr``), legacy Keras ``.h5``
files (written by the real ``h5py``) and TensorFlow SavedModel graphs.

Payload pickles are written opcode by opcode with harmless arguments; nothing here is
ever loaded or extracted to disk.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import py7zr

from builders import archives as zb
from builders import benign_pickles as bp
from builders import pickles as pk
from corpus.artifacts import keras_h5 as kh
from corpus.artifacts import tf_graphs as tg
from corpus.artifacts.cases import Case

_FILTERS: dict[str, list[dict[str, int]]] = {
    "lzma2": [{"id": py7zr.FILTER_LZMA2, "preset": 6}],
    "bzip2": [{"id": py7zr.FILTER_BZIP2}],
    "deflate": [{"id": py7zr.FILTER_DEFLATE}],
    "copy": [{"id": py7zr.FILTER_COPY}],
}


def seven_zip(members: dict[str, bytes], *, method: str = "lzma2") -> bytes:
    """A 7z archive of ``members`` written by py7zr with the named filter chain."""
    buffer = io.BytesIO()
    with py7zr.SevenZipFile(buffer, "w", filters=_FILTERS[method]) as archive:
        for name, data in members.items():
            archive.writestr(data, name)
    return buffer.getvalue()


def _seven_zip_payloads() -> Iterator[Case]:
    payload = pk.call_global("os", "system")
    for method in _FILTERS:
        data = seven_zip({"data.pkl": payload}, method=method)
        yield Case("seven-zip", f"pickle-{method}", "model.7z", data, True)
    innocent = seven_zip(
        {"README.txt": b"weights\n", "notes.txt": pk.call_global("os", "system", proto=0)}
    )
    yield Case("seven-zip", "innocent-member-name", "bundle.7z", innocent, True)
    torch = seven_zip({"model.pt": zb.torch_zip(payload)})
    yield Case("seven-zip", "torch-zip-inside", "bundle.7z", torch, True)
    inner = seven_zip({"data.pkl": payload})
    outer = zb.make_zip([zb.Member(name="inner.7z", data=inner)])
    yield Case("seven-zip", "7z-inside-zip", "bundle.zip", outer, True)
    yield Case("seven-zip", "7z-named-pt", "model.pt", inner, True)
    yield Case("seven-zip", "truncated", "model.7z", inner[: len(inner) // 2], True)


def _saved_model_payloads() -> Iterator[Case]:
    for op in ("PyFunc", "PyFuncStateless", "EagerPyFunc"):
        graph = tg.saved_model(nodes=(*tg.BENIGN_NODES, ("hook", op)))
        yield Case("tf-savedmodel", f"{op}-graph", "saved_model.pb", graph, True)
        library = tg.saved_model(
            nodes=tg.BENIGN_NODES,
            functions={**tg.BENIGN_FUNCTIONS, "__inference_f_3": (("h", op),)},
        )
        yield Case("tf-savedmodel", f"{op}-function", "saved_model.pb", library, True)
    for op in ("ReadFile", "WriteFile", "MatchingFiles", "ImmutableConst"):
        functions = {**tg.BENIGN_FUNCTIONS, "__inference_serve_42": (("io", op),)}
        data = tg.saved_model(nodes=tg.BENIGN_NODES, functions=functions)
        yield Case("tf-savedmodel", f"{op}-function", "saved_model.pb", data, True)
    for name, literal in (("plain", '"PyFunc"'), ("escaped", r'"Eager\x50yFunc"'),
                          ("split", "'Read' \"File\"")):  # fmt: skip
        yield Case("tf-savedmodel", f"pbtxt-{name}", "saved_model.pbtxt", _pbtxt(literal), True)


_PBTXT = """saved_model_schema_version: 1
meta_graphs {{
  meta_info_def {{ tags: "serve" }}
  graph_def {{
    node {{ name: "serving_default_x" op: "Placeholder" }}
    library {{ function {{ signature {{ name: "__inference_serve_1" }}
      node_def {{ name: "dense/MatMul" op: "MatMul" }}
      node_def {{ name: "hook" op: {op} }} }} }}
  }}
}}
"""


def _pbtxt(op_literal: str) -> bytes:
    return _PBTXT.format(op=op_literal).encode()


def _keras_h5_payloads() -> Iterator[Case]:
    dense = kh.legacy_layer("Dense", "d", units=2)
    for libver in ("earliest", "latest"):
        data = kh.keras_h5([dense, kh.legacy_lambda()], libver=libver)
        yield Case("keras-h5", f"lambda-{libver}", "model.h5", data, True)
    as_str = kh.keras_h5([kh.legacy_lambda()], config_as_str=True)
    yield Case("keras-h5", "lambda-vlen-config", "model.h5", as_str, True)
    foreign = kh.legacy_layer("Pwn", "p", module="os")
    yield Case("keras-h5", "foreign-module", "model.hdf5", kh.keras_h5([foreign]), True)
    registered = kh.legacy_layer("Custom", "c", registered_name="evilpkg>Custom")
    yield Case("keras-h5", "registered-name", "model.h5", kh.keras_h5([registered]), True)
    training = {"loss": {"module": "evil_losses", "class_name": "Steal", "config": {}}}
    data = kh.keras_h5([dense], training=training)
    yield Case("keras-h5", "training-config-loss", "model.h5", data, True)
    hidden = kh.keras_h5([kh.legacy_lambda()], userblock=65536)
    yield Case("keras-h5", "behind-user-block", "model.h5", hidden, True)
    yield Case(
        "keras-h5", "named-weights-bin", "weights.bin", kh.keras_h5([kh.legacy_lambda()]), True
    )
    model = {"class_name": "Sequential", "config": {"layers": [dense, kh.legacy_lambda()]}}
    metadata = tg.keras_metadata([("root", "_tf_keras_sequential", model)])
    yield Case("keras-savedmodel", "lambda-metadata", "keras_metadata.pb", metadata, True)
    custom = kh.legacy_layer("Pwn", "p", module="subprocess")
    metadata = tg.keras_metadata([("root.layer-0", "_tf_keras_layer", custom)])
    yield Case("keras-savedmodel", "foreign-module", "keras_metadata.pb", metadata, True)


def _benign() -> Iterator[Case]:
    state = zb.torch_zip(bp.torch_state_dict(2), storages=2)
    for method in ("lzma2", "deflate"):
        data = seven_zip({"model.pt": state, "config.json": b'{"lr": 0.1}'}, method=method)
        yield Case("benign-7z", f"torch-{method}", "model.7z", data, False)
    sklearn = seven_zip({"model.pkl": bp.pipeline(4)})
    yield Case("benign-7z", "sklearn-pipeline", "model.7z", sklearn, False)
    dense = kh.legacy_layer("Dense", "d", units=2)
    for libver in ("earliest", "latest"):
        yield Case(
            "benign-keras-h5",
            f"dense-{libver}",
            "model.h5",
            kh.keras_h5([dense], libver=libver),
            False,
        )
    training = {
        "loss": "binary_crossentropy",
        "metrics": [["accuracy"]],
        "optimizer_config": {"class_name": "Adam", "config": {"learning_rate": 0.001}},
    }
    yield Case(
        "benign-keras-h5",
        "with-training",
        "model.h5",
        kh.keras_h5([dense], training=training),
        False,
    )
    yield Case("benign-keras-h5", "weights-only", "weights.h5", kh.weights_only_h5(), False)
    plain = tg.saved_model(nodes=tg.BENIGN_NODES, functions=tg.BENIGN_FUNCTIONS)
    yield Case("benign-savedmodel", "keras-export", "saved_model.pb", plain, False)
    layers = [kh.legacy_layer("Dense", "d", units=2)]
    sequential = {"class_name": "Sequential", "config": {"layers": layers}}
    metadata = tg.keras_metadata(
        [
            ("root", "_tf_keras_sequential", sequential),
            ("root.layer-0", "_tf_keras_layer", layers[0]),
        ]
    )
    yield Case("benign-savedmodel", "keras-metadata", "keras_metadata.pb", metadata, False)
    text = _pbtxt('"BiasAdd"')
    yield Case("benign-savedmodel", "pbtxt", "saved_model.pbtxt", text, False)
    graph_only = tg.saved_model(nodes=(("x", "Placeholder"), ("y", "MatMul"), ("z", "Softmax")))
    yield Case("benign-savedmodel", "tf1-graph", "saved_model.pb", graph_only, False)


def container_cases() -> Iterator[Case]:
    """7z and SavedModel payloads, and their benign counterparts."""
    yield from _seven_zip_payloads()
    yield from _saved_model_payloads()
    yield from _keras_h5_payloads()
    yield from _benign()
