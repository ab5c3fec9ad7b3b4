"""OSV advisory records, advisory databases and dependency files, generated in ``tmp_path``.

Records follow the OSV 1.6 schema in the shapes GHSA, PYSEC and the malicious-packages
feed write. Lock files follow each tool's current layout; hashes are derived from the
package name so they are stable and never real.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator
from referencing import Registry, Resource

Json = dict[str, Any]
Pair = tuple[str, str]


@dataclass(frozen=True, kw_only=True)
class Rec:
    """One OSV record affecting ``package`` in ``ecosystem``; ``json()`` renders it."""

    id: str
    package: str
    ranges: Sequence[Sequence[Pair]] = ((("introduced", "0"), ("fixed", "2.0")),)
    versions: Sequence[str] = ()
    aliases: Sequence[str] = ()
    cvss: str | None = None
    rating: str | None = None
    withdrawn: bool = False
    ecosystem: str = "PyPI"
    summary: str | None = None

    def json(self) -> Json:
        """The OSV JSON object."""
        record: Json = {
            "schema_version": "1.6.0",
            "id": self.id,
            "modified": "2025-01-01T00:00:00Z",
            "aliases": list(self.aliases),
            "summary": self.summary if self.summary is not None else f"Flaw in {self.package}",
            "affected": [self._affected()],
        }
        if self.cvss:
            kind = "CVSS_V4" if self.cvss.startswith("CVSS:4.0/") else "CVSS_V3"
            record["severity"] = [{"type": kind, "score": self.cvss}]
        if self.rating:
            record["database_specific"] = {"severity": self.rating}
        if self.withdrawn:
            record["withdrawn"] = "2025-02-01T00:00:00Z"
        return record

    def _affected(self) -> Json:
        affected: Json = {
            "package": {"ecosystem": self.ecosystem, "name": self.package},
            "ranges": [
                {"type": "ECOSYSTEM", "events": [{kind: version} for kind, version in events]}
                for events in self.ranges
            ],
        }
        if self.versions:
            affected["versions"] = list(self.versions)
        return affected


def _as_json(record: Rec | Json) -> Json:
    return record.json() if isinstance(record, Rec) else record


def write_db_dir(directory: Path, records: Iterable[Rec | Json]) -> Path:
    """A directory of ``<id>.json`` records (OSV's per-record layout)."""
    directory.mkdir(parents=True, exist_ok=True)
    for record in map(_as_json, records):
        (directory / f"{record['id']}.json").write_text(json.dumps(record), encoding="utf-8")
    return directory


def write_db_zip(path: Path, records: Iterable[Rec | Json]) -> Path:
    """An ``all.zip`` archive as OSV publishes per ecosystem."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for record in map(_as_json, records):
            archive.writestr(f"{record['id']}.json", json.dumps(record))
    return path


def fake_hash(name: str, version: str) -> str:
    """A stable sha256 hex digest standing in for an artifact hash."""
    return hashlib.sha256(f"{name}=={version}".encode()).hexdigest()


def poetry_lock(packages: Sequence[Pair]) -> str:
    """A Poetry 2 lock file."""
    blocks = [
        f'[[package]]\nname = "{n}"\nversion = "{v}"\ndescription = ""\noptional = false\n'
        f'python-versions = ">=3.8"\nfiles = [\n'
        f'    {{file = "{n}-{v}.tar.gz", hash = "sha256:{fake_hash(n, v)}"}},\n]\n'
        for n, v in packages
    ]
    return "\n".join(blocks) + '\n[metadata]\nlock-version = "2.1"\npython-versions = ">=3.11"\n'


def uv_lock(packages: Sequence[Pair], project: str = "app") -> str:
    """A uv lock file (version 1) whose root project is editable."""
    head = f'version = 1\nrequires-python = ">=3.11"\n\n[[package]]\nname = "{project}"\n'
    head += 'version = "0.1.0"\nsource = { editable = "." }\n'
    blocks = [
        f'[[package]]\nname = "{n}"\nversion = "{v}"\n'
        f'source = {{ registry = "https://pypi.org/simple" }}\n'
        f'sdist = {{ url = "https://x/{n}-{v}.tar.gz", hash = "sha256:{fake_hash(n, v)}" }}\n'
        for n, v in packages
    ]
    return "\n".join([head, *blocks])


def pipfile_lock(packages: Sequence[Pair], develop: Sequence[Pair] = ()) -> str:
    """A Pipfile.lock (JSON) with ``default`` and ``develop`` sections."""

    def section(pairs: Sequence[Pair]) -> Json:
        return {n: {"hashes": [f"sha256:{fake_hash(n, v)}"], "version": f"=={v}"} for n, v in pairs}

    document = {
        "_meta": {"hash": {"sha256": "0" * 64}, "pipfile-spec": 6},
        "default": section(packages),
        "develop": section(develop),
    }
    return json.dumps(document, indent=4)


def pylock(packages: Sequence[Pair]) -> str:
    """A PEP 751 ``pylock.toml``."""
    blocks = [
        f'[[packages]]\nname = "{n}"\nversion = "{v}"\n'
        f'sdist = {{ url = "https://x/{n}-{v}.tar.gz", '
        f'hashes = {{ sha256 = "{fake_hash(n, v)}" }} }}\n'
        for n, v in packages
    ]
    return "\n".join(['lock-version = "1.0"\ncreated-by = "tests"\n', *blocks])


def pip_audit_report(entries: Sequence[Json]) -> str:
    """A pip-audit ``-f json`` report."""
    return json.dumps({"dependencies": list(entries), "fixes": []}, indent=2)


def write_distribution(site: Path, name: str, version: str, *metadata_lines: str) -> Path:
    """An installed distribution: ``<name>-<version>.dist-info/METADATA`` under ``site``.

    ``metadata_lines`` are extra core-metadata headers (``License-Expression: MIT``).
    """
    info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    headers = ["Metadata-Version: 2.4", f"Name: {name}", f"Version: {version}", *metadata_lines]
    (info / "METADATA").write_text("\n".join(headers) + "\n\n", encoding="utf-8")
    return info


CYCLONEDX_SCHEMAS = Path(__file__).resolve().parents[1] / "schemas" / "cyclonedx"


@cache
def _cyclonedx_validator() -> Draft7Validator:
    documents = {p.name: json.loads(p.read_text()) for p in CYCLONEDX_SCHEMAS.glob("*.json")}
    registry: Registry[Any] = Registry().with_resources(
        (doc["$id"], Resource.from_contents(doc)) for doc in documents.values()
    )
    return Draft7Validator(documents["bom-1.6.schema.json"], registry=registry)


def cyclonedx_errors(document: Json) -> list[str]:
    """Every CycloneDX 1.6 schema violation of ``document``, as sorted messages."""
    return sorted(str(error.message) for error in _cyclonedx_validator().iter_errors(document))
