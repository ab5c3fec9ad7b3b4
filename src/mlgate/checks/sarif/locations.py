"""SARIF artifact locations to root-relative paths, and the source lines they point at.

SARIF writers express paths in many ways: relative URIs, URIs relative to a named
base (``%SRCROOT%``) that ``run.originalUriBaseIds`` may or may not define,
``file://`` URIs, percent-encoding, Windows drive letters. Everything that lands
inside the project root becomes a root-relative POSIX path, so waivers, baselines and
reporters see the same path whichever tool wrote it; anything else is kept as written.
"""

from __future__ import annotations

import posixpath
import re
from collections import OrderedDict
from pathlib import Path
from urllib.parse import unquote, urlsplit

from mlgate.checks.sarif.reader import clean_text
from mlgate.checks.sarif.records import PhysicalLocation, Run, Step, UriRef
from mlgate.core.finding import FlowStep, SourceLocation

# Base ids may refer to other base ids; a chain longer than this is broken or hostile.
MAX_BASE_HOPS = 8
MAX_SOURCE_BYTES = 1024 * 1024
SOURCE_CACHE_FILES = 32
PATH_CACHE_ENTRIES = 4096
_DRIVE = re.compile(r"^/?([A-Za-z]:)[/\\]")


def _join(base: str, relative: str) -> str:
    return base if not relative else base.rstrip("/") + "/" + relative.lstrip("/")


def _is_absolute(uri: str) -> bool:
    return uri.startswith("/") or bool(_DRIVE.match(uri)) or "://" in uri or uri.startswith("file:")


def _uri_to_path(uri: str) -> str:
    """A file path from a URI or a plain path: decode ``file:`` and percent-escapes."""
    if _DRIVE.match(uri):
        return uri  # "C:/x" would otherwise parse as scheme "c"
    parts = urlsplit(uri)
    if parts.scheme == "file":
        path = unquote(parts.path)
        host = parts.netloc
        return f"//{host}{path}" if host and host != "localhost" else path
    if parts.scheme:
        return uri  # http(s), or a scheme we do not know: keep it as the tool wrote it
    return unquote(uri)


def _normalise(path: str) -> str:
    drive = _DRIVE.match(path)
    if drive:
        # Windows path: forward slashes, no leading slash before the drive letter.
        path = drive.group(1) + "/" + path[drive.end() :].replace("\\", "/")
    normal = posixpath.normpath(path) if path else path
    return "" if normal == "." else normal


class LocationResolver:
    """Turns one run's locations into :class:`SourceLocation` values under ``root``."""

    def __init__(self, *, root: Path, run: Run, fallback_path: str) -> None:
        self._run = run
        self._fallback = fallback_path
        self._roots = tuple(dict.fromkeys((root.absolute().as_posix(), root.resolve().as_posix())))
        # Thousands of results usually name a few hundred files: resolve each URI once.
        self._paths: dict[UriRef, str] = {}

    def path(self, artifact: UriRef) -> str:
        """The root-relative path of an artifact location, or the SARIF file's own path."""
        path = self._paths.get(artifact)
        if path is None:
            if len(self._paths) >= PATH_CACHE_ENTRIES:
                self._paths.clear()
            path = self._paths[artifact] = self._resolve(artifact)
        return path

    def _resolve(self, artifact: UriRef) -> str:
        uri = self._absolute_uri(self._via_artifacts(artifact))
        if uri is None:
            return self._fallback
        parts = urlsplit(uri) if not _DRIVE.match(uri) else None
        if parts is not None and parts.scheme not in ("", "file"):
            return clean_text(uri, 2000)
        path = _normalise(_uri_to_path(uri))
        return clean_text(self._relative(path), 2000) or self._fallback

    def source(self, physical: PhysicalLocation | None, snippet: str | None) -> SourceLocation:
        """A source location; no physical location means the SARIF file itself."""
        if physical is None:
            return SourceLocation(path=self._fallback)
        region = physical.region
        if region is None:
            return SourceLocation(path=self.path(physical.artifact))
        return SourceLocation(
            path=self.path(physical.artifact),
            start_line=region.start_line,
            start_column=region.start_column,
            end_line=region.end_line,
            end_column=region.end_column,
            snippet=snippet,
        )

    def flow(self, steps: tuple[Step, ...]) -> tuple[FlowStep, ...]:
        """The code flow as mlgate flow steps (steps without a location are dropped)."""
        return tuple(
            FlowStep(location=self.source(step.location, None), message=step.message or "")
            for step in steps
            if step.location is not None
        )

    def _via_artifacts(self, artifact: UriRef) -> UriRef:
        # An artifactLocation may name only an index into run.artifacts.
        if artifact.uri is not None or artifact.index is None:
            return artifact
        if artifact.index < len(self._run.artifacts):
            return self._run.artifacts[artifact.index] or artifact
        return artifact

    def _absolute_uri(self, artifact: UriRef) -> str | None:
        """Prefix the URI with its chain of bases; an unknown base ends the chain.

        A cyclic or overlong chain is broken input: the URI is then kept as written
        rather than prefixed with an arbitrary part of the loop.
        """
        uri, base_id = artifact.uri, artifact.base_id
        if uri is None:
            return None
        seen: set[str] = set()
        while base_id is not None and not _is_absolute(uri):
            base = self._run.base_uris.get(base_id)
            if base is None or base.uri is None:
                break
            if base_id in seen or len(seen) >= MAX_BASE_HOPS:
                return artifact.uri
            seen.add(base_id)
            uri, base_id = _join(base.uri, uri), base.base_id
        return uri

    def _relative(self, path: str) -> str:
        if not path.startswith("/") and not _DRIVE.match(path):
            return path
        for root in self._roots:
            if path == root:
                return ""
            if path.startswith(root.rstrip("/") + "/"):
                return path[len(root.rstrip("/")) + 1 :]
        return path


class SourceLines:
    """Reads flagged lines of small files inside the root, for content fingerprints.

    Bounded: files larger than ``MAX_SOURCE_BYTES`` are not read, at most
    ``SOURCE_CACHE_FILES`` files are held at once, and nothing outside the root (by
    ``..`` or by a symlink) is opened.
    """

    def __init__(self, root: Path) -> None:
        self._root = root.resolve()
        self._cache: OrderedDict[str, list[str] | None] = OrderedDict()

    def line(self, path: str, number: int | None) -> str | None:
        """Line ``number`` (1-based) of root-relative ``path``, if it can be read safely."""
        if number is None:
            return None
        lines = self._lines(path)
        if lines is None or number > len(lines):
            return None
        return lines[number - 1]

    def _lines(self, path: str) -> list[str] | None:
        if path in self._cache:
            self._cache.move_to_end(path)
            return self._cache[path]
        lines = self._load(path)
        self._cache[path] = lines
        if len(self._cache) > SOURCE_CACHE_FILES:
            self._cache.popitem(last=False)
        return lines

    def _load(self, path: str) -> list[str] | None:
        if not path or path.startswith(("/", "../")) or path == ".." or _DRIVE.match(path):
            return None
        try:
            target = (self._root / path).resolve()
            target.relative_to(self._root)
            # is_file() first: opening a FIFO or device would block or never end.
            if not target.is_file() or target.stat().st_size > MAX_SOURCE_BYTES:
                return None
            return target.read_bytes().decode("utf-8", "replace").splitlines()
        except (OSError, ValueError):
            return None
