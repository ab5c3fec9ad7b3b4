"""Corpus cases for formats that hold no pickle (Keras, ONNX, GGUF, safetensors), and
payloads written through real numpy (an object array carrying a ``__reduce__`` gadget).

The gadget class below is only ever *pickled*: ``pickle.dumps`` calls ``__reduce__``,
which returns a tuple and runs nothing. Nothing here is ever loaded.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator

import numpy as np

from builders import archives as zb
from builders import model_formats as mf
from corpus.artifacts.cases import Case

_TEMPLATES = {
    "cycler-globals": "{{ cycler.__init__.__globals__.os.popen('true').read() }}",
    "subclasses": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "attr-filter": "{{ lipsum|attr('__globals__') }}",
    "self-context": "{% for m in messages %}{{ self._TemplateReference__context }}{% endfor %}",
    "import-os": "{% set x = namespace(a=1) %}{{ x.__init__.__globals__['__builtins__'] }}",
    "escaped-dunder": "{{ request|attr('\\x5f\\x5fclass\\x5f\\x5f') }}",
}
_CHATML = (
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + "
    "message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}"
    "{{ '<|im_start|>assistant\\n' }}{% endif %}"
)


class _Gadget:
    """Pickles as ``os.system("true")``; never instantiated outside ``pickle.dumps``."""

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, ("true",))


def _npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=True)
    return buffer.getvalue()


def _malicious() -> Iterator[Case]:
    keras = mf.keras_archive([mf.keras_layer("Dense", "d"), mf.lambda_layer()])
    yield Case("keras", "lambda-layer", "model.keras", keras, True)
    foreign = mf.keras_layer("exec", "d", module="builtins")
    yield Case("keras", "foreign-module", "model.keras", mf.keras_archive([foreign]), True)
    custom = mf.onnx_model(
        opsets=(("", 17), ("com.evil", 1)), nodes=(mf.OnnxNode("Pwn", "com.evil"),)
    )
    yield Case("onnx", "custom-domain", "model.onnx", custom, True)
    for location in ("../../../var/lib/keys/id_rsa", "/etc/passwd", "..\\..\\win.ini"):
        yield Case(
            "onnx",
            f"external-{location[:6]}",
            "model.onnx",
            mf.onnx_model(external=(location,)),
            True,
        )
    for name, template in _TEMPLATES.items():
        data = mf.gguf_file({"tokenizer.chat_template": template})
        yield Case("gguf-template", name, "model.gguf", data, True)
    objects = np.array([_Gadget(), "label"], dtype=object)
    yield Case("numpy-object", "real-np-save-reduce", "labels.npy", _npy(objects), True)
    npz = zb.make_zip([zb.Member(name="labels.npy", data=_npy(objects), deflate=True)])
    yield Case("numpy-object", "real-npz-reduce", "arrays.npz", npz, True)


def _benign() -> Iterator[Case]:
    tensors = {
        "embed.weight": ("BF16", [4, 2], [0, 16]),
        "head.bias": ("F32", [2], [16, 24]),
        "mask": ("BOOL", [3], [24, 27]),
    }
    for name, metadata in (("plain", None), ("metadata", {"format": "pt", "note": "v2"})):
        data = mf.safetensors_file(tensors, metadata=metadata)
        yield Case("benign-safetensors", name, "model.safetensors", data, False)
    layers = [mf.keras_layer("InputLayer", "in"), mf.keras_layer("Dense", "d")]
    yield Case("benign-keras", "dense", "model.keras", mf.keras_archive(layers), False)
    for name, data in (
        ("standard", mf.onnx_model()),
        ("ml-domain", mf.onnx_model(opsets=(("", 17), ("ai.onnx.ml", 3)))),
        ("external-data", mf.onnx_model(external=("model.onnx.data", "weights/part1.bin"))),
        ("if-subgraph", mf.onnx_model(nodes=(mf.OnnxNode("If", subgraph=[mf.OnnxNode("Add")]),))),
    ):
        yield Case("benign-onnx", name, "model.onnx", data, False)
    for name, template in (("llama3", mf.LLAMA3_TEMPLATE), ("chatml", _CHATML)):
        data = mf.gguf_file({"tokenizer.chat_template": template}, vocab=50)
        yield Case("benign-gguf", name, "model.gguf", data, False)


def format_cases() -> Iterator[Case]:
    """Payload and benign cases of the non-pickle formats."""
    yield from _malicious()
    yield from _benign()
