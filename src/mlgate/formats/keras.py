"""What a Keras v3 ``config.json`` makes the loader import or run.

``keras.saving.load_model`` rebuilds every object of the config from ``module`` +
``class_name`` (importing the module) or from ``registered_name`` (custom objects), and
a ``Lambda`` layer carries marshalled Python bytecode that runs when the model is built
(with ``safe_mode=False``, or through the escapes fixed in Keras 3.9). Objects of the
Keras namespaces are the benign vocabulary; everything else is listed here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "KERAS_JSON_MEMBERS",
    "KERAS_PACKAGES",
    "KerasError",
    "KerasReach",
    "is_keras_archive",
    "read_keras_config",
]

# Packages whose serialised objects a stock Keras install can rebuild itself.
KERAS_PACKAGES = frozenset({"keras", "keras_hub", "keras_nlp", "keras_cv", "keras_rs", "tf_keras"})
_LAMBDA_CLASSES = frozenset({"Lambda", "__lambda__"})
MAX_CONFIG_BYTES = 64 * 1024 * 1024
# Keras v3 keeps only weights in this member; the config says what runs.
KERAS_WEIGHTS = "model.weights.h5"
# The JSON members at the root of a ``.keras`` archive.
KERAS_JSON_MEMBERS = frozenset({"config.json", "metadata.json"})

ReachKind = Literal["lambda", "module", "registered-name"]


class KerasError(ValueError):
    """The config is not a JSON object (or is too large or deep to read)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class KerasReach:
    """An object of the config that imports or runs code outside Keras."""

    kind: ReachKind
    path: str
    value: str


def is_keras_archive(names: set[str]) -> bool:
    """The Keras v3 ``.keras`` layout: a root ``config.json`` beside its metadata or weights."""
    return "config.json" in names and bool({"metadata.json", KERAS_WEIGHTS} & names)


def read_keras_config(raw: bytes) -> list[KerasReach]:
    """Every Lambda layer and non-Keras module or registered name in a ``config.json``.

    Raises:
        KerasError: not JSON, not an object, too large or too deeply nested.
    """
    if len(raw) > MAX_CONFIG_BYTES:
        raise KerasError(f"config.json of {len(raw)} bytes exceeds {MAX_CONFIG_BYTES}")
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise KerasError(f"config.json is not JSON: {type(error).__name__}") from None
    if not isinstance(document, dict):
        raise KerasError("config.json is not a JSON object")
    reaches: list[KerasReach] = []
    # An explicit stack instead of recursion: nesting depth is the attacker's choice.
    stack: list[tuple[str, object]] = [("$", document)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            reaches.extend(_inspect(path, node))
            stack.extend((f"{path}.{key}", value) for key, value in node.items())
        elif isinstance(node, list):
            stack.extend((f"{path}[{index}]", value) for index, value in enumerate(node))
    lambdas = [r.path for r in reaches if r.kind == "lambda"]
    # A Lambda layer's own ``__lambda__`` function object is the same finding.
    return sorted(
        (r for r in reaches if not any(r.path.startswith(f"{p}.") for p in lambdas)),
        key=lambda r: r.path,
    )


def _inspect(path: str, node: dict[str, object]) -> list[KerasReach]:
    found: list[KerasReach] = []
    class_name, module, registered = (
        node.get("class_name"),
        node.get("module"),
        node.get("registered_name"),
    )
    if class_name in _LAMBDA_CLASSES:
        found.append(KerasReach(kind="lambda", path=path, value=str(class_name)))
    if isinstance(module, str) and module.split(".")[0] not in KERAS_PACKAGES:
        found.append(KerasReach(kind="module", path=path, value=f"{module}.{class_name}"))
    if isinstance(registered, str) and ">" in registered:
        package = registered.split(">", 1)[0]
        if package not in KERAS_PACKAGES:
            found.append(KerasReach(kind="registered-name", path=path, value=registered))
    return found
