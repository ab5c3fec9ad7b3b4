"""Secrets in the model formats and encodings the extractors decode one by one.

Same contract as :mod:`builders.secrets_carriers`: ``(name, value, rng)`` gives the file
and where its value must be reported (a member, a line, or neither for a file whose
strings have no member). The files are built byte by byte with
:mod:`builders.model_formats` and :mod:`builders.archives`: safetensors ``__metadata__``,
ONNX ``metadata_props`` and doc strings, GGUF metadata, a ``.keras`` archive's
``config.json``, Hugging Face ``config.json`` and ``tokenizer_config.json``, tar
members, ``.npy`` string arrays (UTF-32), and text whose assignment is hex- or
percent-encoded.
"""

from __future__ import annotations

import json
import random
import urllib.parse
from collections.abc import Callable

from builders import archives as zb
from builders import model_formats as mf
from builders import secrets_carriers as sc
from builders.secrets_carriers import Planted

Builder = Callable[[str, str, random.Random], Planted]


def safetensors(name: str, value: str, rng: random.Random) -> Planted:
    """A checkpoint whose ``__metadata__`` (string to string) holds the value."""
    metadata = {"format": "pt", name: value, "step": str(rng.randrange(1, 10**5))}
    tensors = {"dense.weight": ("F32", [4, 2], [0, 32]), "dense.bias": ("F32", [2], [32, 40])}
    return Planted("model.safetensors", mf.safetensors_file(tensors, metadata=metadata))


def onnx(name: str, value: str, rng: random.Random) -> Planted:
    """An ONNX model with the value in ``metadata_props`` or in a node's doc string."""
    if rng.random() < 0.5:
        props = (("converted_by", "torch.onnx"), (name, value), ("opset", "17"))
        return Planted("model.onnx", mf.onnx_model(metadata_props=props))
    node = mf.OnnxNode("Relu", doc_string=f"exported with {name}={value}")
    return Planted("model.onnx", mf.onnx_model(nodes=(mf.OnnxNode("MatMul"), node)))


def gguf(name: str, value: str, rng: random.Random) -> Planted:
    """A GGUF file whose string metadata holds the value next to the usual keys."""
    strings = {"general.name": "churn-llm", f"general.{name}": value, "general.license": "mit"}
    return Planted("model.gguf", mf.gguf_file(strings, vocab=rng.randrange(3, 12)))


def keras(name: str, value: str, rng: random.Random) -> Planted:
    """A Keras 3 ``.keras`` archive whose layer config holds the value."""
    dense = mf.keras_layer("Dense", "dense")
    hub = mf.keras_layer("TextVectorization", "vectorize")
    hub["config"] = {"name": "vectorize", "max_tokens": rng.randrange(100, 9000), name: value}
    return Planted("model.keras", mf.keras_archive([dense, hub]), member="config.json")


def _json_lines(filename: str, document: dict[str, object], value: str) -> Planted:
    text = json.dumps(document, indent=2)
    escaped = json.dumps(value)[1:-1]
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if escaped in ln)
    return Planted(filename, (text + "\n").encode(), line=line)


def hf_config(name: str, value: str, rng: random.Random) -> Planted:
    """A Hugging Face model ``config.json`` with the value among task parameters."""
    document: dict[str, object] = {
        "architectures": ["BertForSequenceClassification"],
        "model_type": "bert",
        "hidden_size": 768,
        "num_labels": rng.randrange(2, 6),
        "task_specific_params": {"feedback": {"endpoint": "https://api.example.org", name: value}},
        "transformers_version": "4.44.0",
    }
    return _json_lines("config.json", document, value)


def hf_tokenizer(name: str, value: str, rng: random.Random) -> Planted:
    """A ``tokenizer_config.json`` that saved the arguments it was loaded with."""
    document: dict[str, object] = {
        "tokenizer_class": "BertTokenizerFast",
        "model_max_length": rng.choice([512, 1024]),
        "do_lower_case": True,
        name: value,
        "clean_up_tokenization_spaces": True,
    }
    return _json_lines("tokenizer_config.json", document, value)


def tar(name: str, value: str, rng: random.Random) -> Planted:
    """An uncompressed tar of a model directory whose config holds the value."""
    settings = json.dumps({"replicas": rng.randrange(1, 4), name: value}, indent=2).encode()
    members = {"model/weights.bin": bytes(512), "model/serving.json": settings}
    return Planted("model.tar", zb.make_tar(members), member="model/serving.json")


def npy(name: str, value: str, rng: random.Random) -> Planted:
    """A bare ``.npy`` array of UTF-32 strings (as ``np.save`` of a label list writes it)."""
    return Planted("labels.npy", sc.utf32_array([f"run-{rng.randrange(99)}", name, value, "v1"]))


def hex_encoded(name: str, value: str, rng: random.Random) -> Planted:
    """A settings line whose value is the hex of the whole ``name=value`` assignment."""
    lines = ["[runtime]", f"workers = {rng.randrange(1, 9)}", "", "[secrets]"]
    lines.append(f"blob = {f'{name}={value}'.encode().hex()}")
    return Planted("settings.ini", ("\n".join(lines) + "\n").encode(), line=len(lines))


def percent_encoded(name: str, value: str, rng: random.Random) -> Planted:
    """A callback URL whose query string carries the percent-encoded assignment."""
    query = urllib.parse.quote(f"{name}={value}", safe="")
    lines = [
        "serving:",
        f"  replicas: {rng.randrange(1, 5)}",
        f"  callback: https://hooks.example.org/cb?{query}",
    ]
    return Planted("serving.yaml", ("\n".join(lines) + "\n").encode(), line=3)


BUILDERS: dict[str, Builder] = {
    "safetensors": safetensors,
    "onnx": onnx,
    "gguf": gguf,
    "keras": keras,
    "hf-config": hf_config,
    "hf-tokenizer": hf_tokenizer,
    "tar": tar,
    "npy": npy,
    "hex": hex_encoded,
    "percent": percent_encoded,
}
# Files that ship as (parts of) model artifacts; the encodings are text carriers.
ARTIFACT_CARRIERS = frozenset(BUILDERS) - {"hex", "percent"}
