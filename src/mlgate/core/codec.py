"""JSON-ready conversion of the core value types, and back.

One codec serves the JSON report, ``mlgate report`` (re-rendering a saved verdict)
and the pipe between the runner and its check processes. Decoding is driven by the
dataclasses' own type hints, so a new field needs no codec change.
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from datetime import date
from enum import Enum, IntEnum
from typing import Any, TypeVar

from mlgate.core.finding import ArtifactLocation, DatasetLocation, SourceLocation

T = TypeVar("T")

_LOCATION_KINDS: dict[str, type[Any]] = {
    "source": SourceLocation,
    "artifact": ArtifactLocation,
    "dataset": DatasetLocation,
}
_KIND_OF = {cls: kind for kind, cls in _LOCATION_KINDS.items()}
# JSON has no NaN or infinity; a metric can be NaN (an empty group), so these spellings
# (JavaScript's) keep documents standard JSON and decode back to the same float.
_NON_FINITE = ("NaN", "Infinity", "-Infinity")


class DecodeError(ValueError):
    """A document does not have the shape of the type it should decode to."""


def encode(value: Any) -> Any:
    """Turn a core value into JSON-ready data (dicts, lists, str, numbers, None)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data = {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        kind = _KIND_OF.get(type(value))
        return {"kind": kind, **data} if kind else data
    if isinstance(value, IntEnum):
        return value.name.lower()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [encode(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return _encode_scalar(value)


def _encode_scalar(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    return value


_HINTS: dict[type[Any], dict[str, Any]] = {}


def _hints(cls: type[Any]) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def _decode_dataclass(data: Any, cls: type[T]) -> T:
    if not isinstance(data, dict):
        raise DecodeError(f"expected an object for {cls.__name__}, got {type(data).__name__}")
    hints = _hints(cls)
    kwargs: dict[str, Any] = {}
    for field in dataclasses.fields(cls):  # type: ignore[arg-type]  # cls is a dataclass here
        if field.name in data:
            kwargs[field.name] = decode(data[field.name], hints[field.name])
    try:
        return cls(**kwargs)
    except TypeError as error:
        raise DecodeError(f"{cls.__name__}: {error}") from None


def _decode_union(data: Any, options: tuple[Any, ...]) -> Any:
    if data is None and type(None) in options:
        return None
    concrete = [o for o in options if o is not type(None)]
    if all(o in _KIND_OF for o in concrete):
        kind = data.get("kind") if isinstance(data, dict) else None
        if kind not in _LOCATION_KINDS:
            raise DecodeError(f"unknown location kind {kind!r}")
        payload = {k: v for k, v in data.items() if k != "kind"}
        return _decode_dataclass(payload, _LOCATION_KINDS[kind])
    if len(concrete) == 1:
        return decode(data, concrete[0])
    raise DecodeError(f"cannot decode a union of {concrete}")


def _decode_enum(data: Any, cls: type[Enum]) -> Enum:
    try:
        if issubclass(cls, IntEnum) and isinstance(data, str):
            return cls[data.upper()]
        return cls(data)
    except (KeyError, ValueError):
        raise DecodeError(f"{data!r} is not a valid {cls.__name__}") from None


def _decode_scalar(data: Any, cls: type[Any]) -> Any:
    if cls is float and isinstance(data, int | float) and not isinstance(data, bool):
        return float(data)
    if cls is float and data in _NON_FINITE:
        return float(data)
    if cls is date and isinstance(data, str):
        try:
            return date.fromisoformat(data)
        except ValueError:
            raise DecodeError(f"{data!r} is not an ISO date") from None
    if cls is Any or (isinstance(data, cls) and not (cls is int and isinstance(data, bool))):
        return data
    raise DecodeError(f"expected {cls.__name__}, got {type(data).__name__}")


def _decode_tuple(data: Any, args: tuple[Any, ...]) -> tuple[Any, ...]:
    if not isinstance(data, list):
        raise DecodeError(f"expected a list, got {type(data).__name__}")
    if len(args) == 2 and args[1] is Ellipsis:
        return tuple(decode(item, args[0]) for item in data)
    if len(args) != len(data):
        raise DecodeError(f"expected {len(args)} items, got {len(data)}")
    return tuple(decode(item, arg) for item, arg in zip(data, args, strict=True))


def _decode_literal(data: Any, options: tuple[Any, ...]) -> Any:
    if data not in options:
        raise DecodeError(f"{data!r} is not one of {options}")
    return data


def decode(data: Any, annotation: Any) -> Any:
    """Rebuild a value of type ``annotation`` from :func:`encode`'s output."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return _decode_union(data, typing.get_args(annotation))
    if origin is typing.Literal:
        return _decode_literal(data, typing.get_args(annotation))
    if origin is tuple:
        return _decode_tuple(data, typing.get_args(annotation))
    if isinstance(annotation, type) and dataclasses.is_dataclass(annotation):
        return _decode_dataclass(data, annotation)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return _decode_enum(data, annotation)
    return _decode_scalar(data, annotation)
