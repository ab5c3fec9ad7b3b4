"""The offline OSV database: a directory of OSV JSON records or OSV's ``all.zip``.

Reading is bounded: record count, bytes per record and total bytes, so a hostile or
corrupt archive cannot exhaust memory. Withdrawn records are dropped on load. Records
that cannot be parsed are listed in :attr:`OsvDatabase.problems`; the check turns them
into errors, because a database with holes cannot vouch for a clean result.
"""

from __future__ import annotations

import os
import zipfile
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


def _zip_documents(path: Path, budget: _Budget) -> Iterator[tuple[str, bytes | None]]:
    limit = budget.limits.max_record_bytes
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if info.is_dir() or not info.filename.endswith(".json"):
                continue
            if info.file_size > limit:
                yield info.filename, None
                continue
            # zipfile stops at the declared size, so a lying header cannot inflate this.
            with archive.open(info) as member:
                data = member.read(limit + 1)
            budget.take(len(data))
            yield info.filename, data


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


def load_database(path: Path, limits: DatabaseLimits | None = None) -> OsvDatabase:
    """Read every record under ``path`` (a directory, or a zip such as ``all.zip``)."""
    budget = _Budget(limits or DatabaseLimits())
    try:
        documents = _zip_documents if path.is_file() else _dir_documents
        records: list[dict[str, Any]] = []
        problems: list[str] = []
        for name, data in documents(path, budget):
            if data is None:
                problems.append(f"{name}: larger than {budget.limits.max_record_bytes} bytes")
                continue
            try:
                records.append(parse_document(data))
            except OsvFormatError as error:
                problems.append(f"{name}: {error}")
    except zipfile.BadZipFile as error:
        raise OsvFormatError(f"{path.name}: not a readable zip archive ({error})") from None
    return OsvDatabase(records, problems)
