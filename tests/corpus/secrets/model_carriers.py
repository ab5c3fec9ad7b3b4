"""Secrets in the model formats of issue 4: 7z archives, legacy Keras ``.h5``, SavedModels.

Same contract as :mod:`builders.secrets_carriers`: ``(name, value, rng)`` gives the file
and the member its value must be reported in. The files are real: a 7z written by
``py7zr``, an HDF5 file written by ``h5py`` (configs as variable-length or fixed-length
string attributes, as Keras 2 and older writers did), and ``saved_model.pb`` /
``keras_metadata.pb`` protobufs written field by field (no TensorFlow in the tests).
"""

from __future__ import annotations

import io
import json
import random
from collections.abc import Callable

import h5py  # type: ignore[import-untyped]  # h5py ships no type information
import numpy as np
import py7zr

from builders import archives as zb
from builders.model_formats import pb_bytes, pb_int
from builders.secrets_carriers import Planted
from corpus.artifacts.tf_graphs import BENIGN_NODES, node_def

Builder = Callable[[str, str, random.Random], Planted]
MODEL_CARRIERS = frozenset({"7z", "keras-h5", "saved-model"})
_DT_STRING = 7


def sevenzip(name: str, value: str, rng: random.Random) -> Planted:
    """A 7z bundle: weights and a JSON config holding the value (LZMA2, solid).

    Both members compress well, so LZMA2 codes them (an incompressible chunk would be
    stored as it is, readable without decoding).
    """
    layers = [
        {"name": f"dense_{i}", "units": 8 * (i % 4 + 1)} for i in range(rng.randrange(20, 40))
    ]
    settings = json.dumps({"layers": layers, name: value, "replicas": 2}, indent=2).encode()
    buffer = io.BytesIO()
    with py7zr.SevenZipFile(buffer, "w") as archive:
        archive.writestr(bytes(4096), "model/weights.bin")
        archive.writestr(settings, "model/config.json")
    return Planted("model.7z", buffer.getvalue(), member="model/config.json")


def _keras_configs(name: str, value: str, rng: random.Random) -> dict[str, object]:
    dense = {"class_name": "Dense", "config": {"name": "dense", "units": 8}}
    model: dict[str, object]
    training: dict[str, object]
    if rng.random() < 0.5:
        lambda_layer = {
            "class_name": "Lambda",
            "config": {"name": "fetch", "arguments": {name: value}},
        }
        model = {
            "class_name": "Sequential",
            "config": {"name": "churn", "layers": [dense, lambda_layer]},
        }
        training = {"loss": "binary_crossentropy", "metrics": ["AUC"]}
    else:
        model = {"class_name": "Sequential", "config": {"name": "churn", "layers": [dense]}}
        training = {"loss": "binary_crossentropy", "callbacks": {"tracker": {name: value}}}
    return {"model_config": model, "training_config": training}


def keras_h5(name: str, value: str, rng: random.Random) -> Planted:
    """A legacy Keras ``.h5`` model: weights, and the value inside a config attribute."""
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as model:
        model.attrs["keras_version"] = "2.15.0"
        model.attrs["backend"] = "tensorflow"
        for key, config in _keras_configs(name, value, rng).items():
            text = json.dumps(config)
            # Keras 2 wrote variable-length UTF-8 strings; older writers fixed-length bytes.
            model.attrs[key] = text if rng.random() < 0.5 else np.bytes_(text.encode())
        kernel = np.array(rng.choices(range(100), k=64), dtype="<f4").reshape(8, 8)
        model.create_dataset("model_weights/dense/dense/kernel:0", data=kernel)
    return Planted("model.h5", buffer.getvalue())


def _const(name: str, value: str) -> bytes:
    """A ``Const`` NodeDef of dtype string whose tensor holds ``value``."""
    tensor = pb_int(1, _DT_STRING) + pb_bytes(8, value)
    dtype = pb_bytes(1, "dtype") + pb_bytes(2, pb_int(6, _DT_STRING))
    constant = pb_bytes(1, "value") + pb_bytes(2, pb_bytes(8, tensor))
    return pb_bytes(1, name) + pb_bytes(2, "Const") + pb_bytes(5, dtype) + pb_bytes(5, constant)


def saved_model(name: str, value: str, rng: random.Random) -> Planted:
    """A SavedModel holding the value as a graph constant, in a function, or in Keras metadata."""
    choice = rng.randrange(3)
    if choice == 2:
        layer = {"class_name": "Dense", "config": {"name": "dense", "units": 8, name: value}}
        node = pb_int(1, 0) + pb_bytes(2, "root.layer-0") + pb_bytes(5, json.dumps(layer))
        return Planted("keras_metadata.pb", pb_bytes(1, pb_bytes(2, "root")) + pb_bytes(1, node))
    benign = b"".join(pb_bytes(1, node_def(n, op)) for n, op in BENIGN_NODES)
    if choice == 0:
        graph = benign + pb_bytes(1, _const(name, value))
    else:
        signature = pb_bytes(1, pb_bytes(1, "__inference_serve_42"))
        function = signature + pb_bytes(3, node_def("dense/MatMul", "MatMul"))
        function += pb_bytes(3, _const(name, value))
        graph = benign + pb_bytes(2, pb_bytes(1, function))
    graph += pb_bytes(4, pb_int(1, 1808))
    meta_graph = pb_bytes(1, pb_bytes(4, "serve")) + pb_bytes(2, graph)
    return Planted("saved_model.pb", pb_int(1, 1) + pb_bytes(2, meta_graph))


def zipped_saved_model(name: str, value: str, rng: random.Random) -> Planted:
    """A SavedModel directory shipped as a zip: found by its member's name."""
    planted = saved_model(name, value, rng)
    member = f"export/{planted.filename}"
    data = zb.make_zip([zb.Member(name=member, data=planted.data, deflate=True)])
    return Planted("export.zip", data, member=member)


BUILDERS: dict[str, Builder] = {"7z": sevenzip, "keras-h5": keras_h5, "saved-model": saved_model}
