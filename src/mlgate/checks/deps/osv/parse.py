"""OSV JSON (schema 1.x) to :class:`Advisory` records, PyPI entries only.

Every field is type-checked; a field of the wrong type counts as absent. A record that
is not an OSV object at all (no string ``id``) raises :class:`OsvFormatError`.
"""

from __future__ import annotations

import json
from typing import Any

from mlgate.checks.deps.osv.records import EVENT_KINDS, Advisory, Affected, Event
from mlgate.checks.deps.readers.text import as_dict, as_list, as_str
from mlgate.checks.deps.records import normalize_name

MAX_SUMMARY = 300
_RANGE_TYPES = frozenset({"ECOSYSTEM", "SEMVER"})  # GIT ranges name commits, not releases


class OsvFormatError(ValueError):
    """The document is not an OSV record."""


def is_pypi(ecosystem: Any) -> bool:
    """``PyPI`` (OSV may add a ``:suffix`` to an ecosystem name)."""
    return isinstance(ecosystem, str) and ecosystem.split(":", 1)[0] == "PyPI"


def _events(raw: Any) -> tuple[Event, ...]:
    events = []
    for entry in as_list(raw):
        for kind in EVENT_KINDS:
            version = as_str(as_dict(entry).get(kind))
            if version is not None:
                events.append(Event(kind=kind, version=version))
    return tuple(events)


def _affected(raw: Any) -> Affected | None:
    entry = as_dict(raw)
    package = as_dict(entry.get("package"))
    name = as_str(package.get("name"))
    if name is None or not is_pypi(package.get("ecosystem")):
        return None
    ranges = tuple(
        _events(as_dict(r).get("events"))
        for r in as_list(entry.get("ranges"))
        if as_dict(r).get("type") in _RANGE_TYPES
    )
    rating = as_str(as_dict(entry.get("ecosystem_specific")).get("severity")) or as_str(
        as_dict(entry.get("database_specific")).get("severity")
    )
    return Affected(
        name=normalize_name(name),
        ranges=ranges,
        versions=tuple(v for v in as_list(entry.get("versions")) if isinstance(v, str)),
        rating=rating,
    )


def advisory_from_json(document: Any) -> Advisory:
    """The advisory an OSV JSON object describes (non-PyPI ``affected`` dropped)."""
    record = as_dict(document)
    advisory_id = as_str(record.get("id"))
    if advisory_id is None:
        raise OsvFormatError("no string `id`: not an OSV record")
    vectors = tuple(
        (kind, score)
        for entry in as_list(record.get("severity"))
        if (kind := as_str(as_dict(entry).get("type")))
        and (score := as_str(as_dict(entry).get("score")))
    )
    affected = (_affected(a) for a in as_list(record.get("affected")))
    summary = as_str(record.get("summary")) or as_str(record.get("details")) or ""
    return Advisory(
        id=advisory_id,
        aliases=tuple(a for a in as_list(record.get("aliases")) if isinstance(a, str)),
        summary=" ".join(summary.split())[:MAX_SUMMARY],
        withdrawn=record.get("withdrawn") is not None,
        affected=tuple(a for a in affected if a is not None),
        vectors=vectors,
        rating=as_str(as_dict(record.get("database_specific")).get("severity")),
    )


def parse_document(data: bytes) -> dict[str, Any]:
    """Decode one OSV JSON document, checking only that it is an object with an ``id``."""
    try:
        document = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as error:
        raise OsvFormatError(f"invalid JSON: {error}") from None
    if not isinstance(document, dict) or as_str(document.get("id")) is None:
        raise OsvFormatError("no string `id`: not an OSV record")
    return document


def parse_advisory(data: bytes) -> Advisory:
    """Parse one OSV JSON document into a record."""
    return advisory_from_json(parse_document(data))
