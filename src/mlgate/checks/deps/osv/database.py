"""The offline OSV database: a directory of OSV JSON records or OSV's ``all.zip``.

Reading is bounded: record count, bytes per record and total bytes, so a hostile or
corrupt archive cannot exhaust memory. Withdrawn records are dropped on load. Records
that cannot be parsed are listed in :attr:`OsvDatabase.problems`; the check turns them
into errors, because a database with holes cannot vouch for a clean result.

A run that knows which packages it will look up passes them as ``packages``: every
record is then pre-scanned for its ``"name"`` values (a regular expression over the raw
bytes, a superset of its package names) and only records that may name a wanted package
are decoded, which is most of the cost of PyPI's 25,000-record archive. A record whose
keys use JSON escapes (which could spell ``name`` in a way the scan would not see) is
always decoded, so the filter never drops a record that names a wanted package. So is
a document that does not look like a whole OSV object (``{...}`` with an ``"id"``), so
empty, cut-short or non-object records are still reported. Zip members are CRC-checked;
only the inner JSON syntax of skipped, well-framed records goes unchecked.
"""

from __future__ import annotations

import json
import mmap
import os
import re
import struct
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from mlgate.checks.deps.osv.parse import (
    OsvFormatError,
    advisory_from_json,
    is_pypi,
    parse_document,
)
from mlgate.checks.deps.osv.records import Advisory
from mlgate.checks.deps.readers.text import as_dict, as_list, as_str
from mlgate.checks.deps.records import normalize_name
from mlgate.core.errors import ResourceLimitError


@dataclass(frozen=True, slots=True, kw_only=True)
class DatabaseLimits:
    """Budgets for reading an advisory database."""

    max_records: int = 500_000
    max_record_bytes: int = 4 * 1024 * 1024
    max_total_bytes: int = 4 * 1024 * 1024 * 1024


class AdvisorySource(Protocol):
    """Where advisories come from: the seam tests fill in memory."""

    def for_package(self, name: str) -> Sequence[Advisory]:
        """Advisories naming the (PEP 503 normalised) package."""
        ...

    def by_id(self, advisory_id: str) -> Sequence[Advisory]:
        """Records whose id or alias is ``advisory_id``."""
        ...


Record = Advisory | dict[str, Any]

# Every `"name": "<value>"` pair; inside a JSON string a quote is always escaped, so a
# match starts at a real key (or at an escaped quote closing a key: harmless, a superset).
_NAME_VALUE = re.compile(rb'"name"\s*:\s*"((?:[^"\\]|\\.)*)"', re.DOTALL)
# A key holding an escape (`"n\u0061me":`) that the pattern above would not recognise.
_ESCAPED_KEY = re.compile(rb'"[^"]*\\[^"]*"\s*:')
_ID_KEY = re.compile(rb'"id"\s*:\s*"')


def _looks_whole(data: bytes) -> bool:
    """A JSON object with an ``"id"`` key, not cut short: what every OSV record is."""
    text = data.strip()
    return text[:1] == b"{" and text[-1:] == b"}" and _ID_KEY.search(text) is not None


def may_name(data: bytes, packages: frozenset[str]) -> bool:
    """Whether the raw OSV document ``data`` may name one of ``packages`` (normalised).

    Never false for a document that names one; true for some that do not.
    """
    if _ESCAPED_KEY.search(data) or not _looks_whole(data):
        return True  # decoded, so a broken record is still reported
    for match in _NAME_VALUE.finditer(data):
        raw = match.group(1)
        try:
            value = json.loads(b'"' + raw + b'"') if b"\\" in raw else raw.decode()
        except (ValueError, UnicodeDecodeError):
            return True  # undecodable here: let the full parse report it
        if normalize_name(value) in packages:
            return True
    return False


def _raw_keys(record: dict[str, Any]) -> tuple[set[str], set[str]]:
    """PyPI package names and ids of a raw OSV document, without building the record."""
    names = set()
    for entry in as_list(record.get("affected")):
        package = as_dict(as_dict(entry).get("package"))
        name = as_str(package.get("name"))
        if name is not None and is_pypi(package.get("ecosystem")):
            names.add(normalize_name(name))
    aliases = {a for a in as_list(record.get("aliases")) if isinstance(a, str)}
    return names, {str(record["id"]), *aliases}


class OsvDatabase:
    """Advisories indexed by package name and by every id and alias.

    Raw documents are indexed by their package names and ids only; the full record is
    built the first time a lookup returns it, so a lock file of a few hundred packages
    pays for a few hundred records, not for the whole archive.
    """

    def __init__(self, records: Iterable[Record], problems: Sequence[str] = ()) -> None:
        self._records: list[Record] = []
        self._by_name: dict[str, list[int]] = defaultdict(list)
        self._by_id: dict[str, list[int]] = defaultdict(list)
        self.problems = tuple(problems)
        for record in records:
            self._add(record)

    @property
    def size(self) -> int:
        """How many (not withdrawn) records the database holds."""
        return len(self._records)

    def _add(self, record: Record) -> None:
        if isinstance(record, Advisory):
            if record.withdrawn:
                return
            names, ids = {a.name for a in record.affected}, set(record.ids)
        else:
            if record.get("withdrawn") is not None:
                return
            names, ids = _raw_keys(record)
        index = len(self._records)
        self._records.append(record)
        for name in names:
            self._by_name[name].append(index)
        for key in ids:
            self._by_id[key].append(index)

    def _advisory(self, index: int) -> Advisory:
        record = self._records[index]
        if not isinstance(record, Advisory):
            record = self._records[index] = advisory_from_json(record)
        return record

    def for_package(self, name: str) -> Sequence[Advisory]:
        """Advisories naming the package, in load order."""
        return tuple(self._advisory(i) for i in self._by_name.get(normalize_name(name), ()))

    def by_id(self, advisory_id: str) -> Sequence[Advisory]:
        """Records whose id or alias is ``advisory_id``."""
        return tuple(self._advisory(i) for i in self._by_id.get(advisory_id, ()))


@dataclass(slots=True)
class _Budget:
    limits: DatabaseLimits
    records: int = 0
    total: int = 0

    def take(self, size: int) -> None:
        self.records += 1
        self.total += size
        if self.records > self.limits.max_records:
            raise ResourceLimitError(
                "advisory records", limit=self.limits.max_records, actual=self.records
            )
        if self.total > self.limits.max_total_bytes:
            raise ResourceLimitError(
                "advisory bytes", limit=self.limits.max_total_bytes, actual=self.total
            )


# A local file header: signature, 22 bytes we take from the central directory instead,
# then the name and extra-field lengths that place the member's data.
_LOCAL_HEADER = struct.Struct("<4s22xHH")


def _member(blob: mmap.mmap, info: zipfile.ZipInfo, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of one member, CRC-checked when read whole.

    ``ZipFile.open`` costs more per member than inflating a 3 KB record; PyPI's archive
    has 25,000 of them, so members are inflated straight from the mapped archive.
    """
    signature, name_length, extra_length = _LOCAL_HEADER.unpack_from(blob, info.header_offset)
    if signature != b"PK\x03\x04" or info.flag_bits & 0x1:
        raise zipfile.BadZipFile(f"{info.filename}: no local header, or encrypted")
    start = info.header_offset + _LOCAL_HEADER.size + name_length + extra_length
    raw = blob[start : start + info.compress_size]
    if info.compress_type == zipfile.ZIP_STORED:
        data = raw[: limit + 1]
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        data = zlib.decompressobj(-zlib.MAX_WBITS).decompress(raw, limit + 1)
    else:
        raise zipfile.BadZipFile(f"{info.filename}: compression method {info.compress_type}")
    if len(data) <= limit and zlib.crc32(data) != info.CRC:
        raise zipfile.BadZipFile(f"{info.filename}: CRC mismatch")
    return data


def _zip_documents(path: Path, budget: _Budget) -> Iterator[tuple[str, bytes | None]]:
    limit = budget.limits.max_record_bytes
    with (
        zipfile.ZipFile(path) as archive,
        path.open("rb") as handle,
        mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as blob,
    ):
        for info in archive.infolist():
            if info.is_dir() or not info.filename.endswith(".json"):
                continue
            if info.file_size > limit:
                yield info.filename, None
                continue
            # Inflation stops at limit + 1 bytes, so a lying header cannot inflate this.
            try:
                data = _member(blob, info, limit)
            except (struct.error, zlib.error) as error:
                raise zipfile.BadZipFile(f"{info.filename}: {error}") from None
            budget.take(len(data))
            yield info.filename, None if len(data) > limit else data


def _dir_documents(path: Path, budget: _Budget) -> Iterator[tuple[str, bytes | None]]:
    limit = budget.limits.max_record_bytes
    for directory, subdirs, files in os.walk(path, followlinks=False):
        subdirs.sort()
        for name in sorted(f for f in files if f.endswith(".json")):
            file = Path(directory) / name
            if file.is_symlink() or not file.is_file():
                continue
            if file.stat().st_size > limit:
                yield str(file.relative_to(path)), None
                continue
            data = file.read_bytes()
            budget.take(len(data))
            yield str(file.relative_to(path)), data


def load_database(
    path: Path, limits: DatabaseLimits | None = None, *, packages: frozenset[str] | None = None
) -> OsvDatabase:
    """Read the records under ``path`` (a directory, or a zip such as ``all.zip``).

    With ``packages`` (PEP 503 names), only records that may name one of them are
    decoded and kept; lookups of other packages then find nothing.
    """
    budget = _Budget(limits or DatabaseLimits())
    try:
        documents = _zip_documents if path.is_file() else _dir_documents
        records: list[dict[str, Any]] = []
        problems: list[str] = []
        for name, data in documents(path, budget):
            if data is None:
                problems.append(f"{name}: larger than {budget.limits.max_record_bytes} bytes")
                continue
            if packages is not None and not may_name(data, packages):
                continue
            try:
                records.append(parse_document(data))
            except OsvFormatError as error:
                problems.append(f"{name}: {error}")
    except zipfile.BadZipFile as error:
        raise OsvFormatError(f"{path.name}: not a readable zip archive ({error})") from None
    return OsvDatabase(records, problems)
