"""Where per-file analysis results persist between runs, keyed by content hash.

An entry is addressed by the hash of the engine version, the file's path and its
bytes, so an edited, moved or re-analysed-by-a-newer-engine file never meets a stale
entry. The engine version digests the analyser's own source and the rules in use:
changing a rule, or enabling ``sources: [env]``, starts a new cache.

The store is a seam (:class:`ResultCache`): :class:`DirectoryCache` keeps one JSON file
per entry under ``.mlgate-cache/sast/<version>/``; tests use :class:`MemoryCache`.
A cache only ever saves time: unreadable or malformed entries are misses and a failed
write is dropped, so the findings are the same with or without it.

Entries are addressed by public inputs, so whoever can write the directory can forge
one that hides a finding. With a secret ``key`` each entry carries an HMAC-SHA256 tag
over its address and text; an entry whose tag does not verify is a miss.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import hmac
import json
import re
import shutil
import tempfile
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Protocol

from mlgate.checks.sast.rules import RuleSet
from mlgate.checks.sast.serialise import CachedModule, CacheFormatError, decode_module
from mlgate.checks.sast.serialise import encode_module as _encode

# Bumped when the entry layout changes in a way the source digest would not show.
CACHE_FORMAT = 1
_VERSION_DIR = re.compile(r"^[0-9a-f]{16}$")


class ResultCache(Protocol):
    """Per-file analysis results of earlier runs."""

    def get(self, key: str) -> CachedModule | None:
        """The entry stored under ``key``, or ``None`` (absent or unreadable)."""
        ...

    def put(self, key: str, module: CachedModule) -> None:
        """Store ``module`` under ``key`` (best effort: failures are dropped)."""
        ...


def entry_key(version: str, path: str, data: bytes) -> str:
    """The cache key of a file's bytes at a path, for one engine version."""
    digest = hashlib.sha256(version.encode())
    digest.update(b"\0" + path.encode("utf-8", "surrogatepass") + b"\0")
    digest.update(data)
    return digest.hexdigest()


def engine_version(rules: RuleSet) -> str:
    """A digest of the analyser's source code and of ``rules`` (16 hex digits)."""
    digest = hashlib.sha256(f"{CACHE_FORMAT}\0{_source_digest()}\0".encode())
    digest.update(json.dumps(_canonical(rules), sort_keys=True).encode())
    return digest.hexdigest()[:16]


@cache
def _source_digest() -> str:
    """The analyser's own ``.py`` files: an engine change invalidates every entry."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _canonical(value: object) -> object:
    """Rule data as JSON with a stable order (set iteration order varies by process)."""
    if isinstance(value, enum.Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _canonical(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return sorted([repr(k), _canonical(v)] for k, v in value.items())
    if isinstance(value, frozenset | set):
        return sorted(repr(_canonical(v)) for v in value)
    if isinstance(value, tuple | list):
        return [_canonical(v) for v in value]
    return value if isinstance(value, str | int | float | bool | None) else repr(value)


class MemoryCache:
    """An in-memory cache (entries are encoded and decoded, exactly as on disk)."""

    __slots__ = ("entries",)

    def __init__(self) -> None:
        """Start empty."""
        self.entries: dict[str, str] = {}

    def get(self, key: str) -> CachedModule | None:
        """The entry stored under ``key``, or ``None``."""
        text = self.entries.get(key)
        return _decoded(text) if text is not None else None

    def put(self, key: str, module: CachedModule) -> None:
        """Store ``module`` under ``key``."""
        self.entries[key] = json.dumps(_encode(module), separators=(",", ":"))


class DirectoryCache:
    """One JSON file per entry in ``<directory>/<version>/<key[:2]>/<key>.json``."""

    __slots__ = ("_directory", "_secret")

    def __init__(self, directory: Path, version: str, *, secret: bytes | None = None) -> None:
        """Use ``directory`` for entries of engine ``version``; older versions are removed.

        With ``secret``, entries are written with an HMAC tag and read only if it verifies.
        """
        self._directory = directory / version
        self._secret = secret
        _prune_versions(directory, keep=version)

    def get(self, key: str) -> CachedModule | None:
        """The entry stored under ``key``, or ``None`` (absent, unreadable, forged or malformed)."""
        try:
            text = self._path(key).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        if self._secret is not None:
            tag, _, text = text.partition("\n")
            if not hmac.compare_digest(tag, _tag(self._secret, key, text)):
                return None
        return _decoded(text)

    def put(self, key: str, module: CachedModule) -> None:
        """Write the entry atomically (concurrent runs never see half a file)."""
        target = self._path(key)
        text = json.dumps(_encode(module), separators=(",", ":"))
        if self._secret is not None:
            text = _tag(self._secret, key, text) + "\n" + text
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(
                "w", encoding="utf-8", dir=target.parent, suffix=".tmp", delete=False
            ) as handle:
                handle.write(text)
            Path(handle.name).replace(target)
        except OSError:
            # A read-only or full disk costs the next run time, never correctness.
            return

    def _path(self, key: str) -> Path:
        return self._directory / key[:2] / f"{key}.json"


def _tag(secret: bytes, key: str, text: str) -> str:
    # The address is authenticated too: a valid entry moved under another key is a miss.
    message = key.encode() + b"\0" + text.encode("utf-8")
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def _decoded(text: str) -> CachedModule | None:
    try:
        return decode_module(json.loads(text))
    except (CacheFormatError, ValueError, RecursionError):
        return None


def _prune_versions(directory: Path, *, keep: str) -> None:
    """Remove entries of other engine versions: they can never be hit again."""
    try:
        stale = [
            child
            for child in directory.iterdir()
            if child.name != keep and _VERSION_DIR.match(child.name) and not child.is_symlink()
        ]
    except OSError:
        return
    for child in stale:
        shutil.rmtree(child, ignore_errors=True)
