"""Legacy Keras ``.h5`` files written by the real ``h5py`` in the shape Keras 2 saves.

``save_model_to_hdf5`` stores ``model_config`` and ``training_config`` as JSON bytes
(fixed-length string attributes) and ``keras_version``/``backend`` as str (variable-
length strings in the global heap) on the root group, and weights under
``model_weights``. Lambda bytes are inert placeholders; nothing is ever loaded.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from typing import Any

import h5py  # type: ignore[import-untyped]  # h5py ships no type information

Layer = dict[str, Any]


def legacy_layer(class_name: str, name: str, **config: object) -> Layer:
    """A layer as Keras 2.13+ writes it in ``model_config``."""
    return {
        "module": "keras.layers",
        "class_name": class_name,
        "config": {"name": name, "trainable": True, "dtype": "float32", **config},
        "registered_name": None,
    }


def legacy_lambda(name: str = "lambda") -> Layer:
    """A Keras 2 Lambda layer: marshalled bytecode as base64, ``function_type`` lambda."""
    return legacy_layer(
        "Lambda",
        name,
        function=["4wEAAAAAAAAAAAAAAAEAAAADAAAA", None, None],
        function_type="lambda",
        module="__main__",
    )


def keras_h5(
    layers: list[Layer],
    *,
    training: Mapping[str, object] | None = None,
    config_as_str: bool = False,
    libver: str | None = None,
    userblock: int = 0,
) -> bytes:
    """An ``.h5`` model file; ``config_as_str`` stores the JSON as a vlen string."""
    config = {"class_name": "Sequential", "config": {"name": "sequential", "layers": layers}}
    text = json.dumps(config)
    options: dict[str, Any] = {}
    if libver:
        options["libver"] = libver
    if userblock:
        options["userblock_size"] = userblock
    buffer = io.BytesIO()
    with h5py.File(buffer, "w", **options) as handle:
        handle.attrs["backend"] = "tensorflow"
        handle.attrs["keras_version"] = "2.15.0"
        handle.attrs["model_config"] = text if config_as_str else text.encode()
        if training is not None:
            handle.attrs["training_config"] = json.dumps(training).encode()
        weights = handle.create_group("model_weights")
        for index, layer in enumerate(layers):
            group = weights.create_group(str(layer["config"]["name"]))
            group.create_dataset(f"kernel_{index}", data=[[0.5, -0.5], [0.25, 1.0]])
    return buffer.getvalue()


def weights_only_h5() -> bytes:
    """What ``model.save_weights("w.h5")`` writes: layer groups and datasets only."""
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as handle:
        handle.attrs["layer_names"] = [b"dense"]
        handle.create_group("dense").create_dataset("kernel", data=[[1.0, 2.0]])
    return buffer.getvalue()


def many_attributes_h5() -> bytes:
    """Root attributes past the compact limit with the newest format: dense storage."""
    buffer = io.BytesIO()
    with h5py.File(buffer, "w", libver="latest") as handle:
        for index in range(12):
            handle.attrs[f"note_{index}"] = "x"
        handle.attrs["model_config"] = json.dumps({"class_name": "Sequential"}).encode()
    return buffer.getvalue()
