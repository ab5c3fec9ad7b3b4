"""One file to hits: each file goes to the reader its name or its content calls for.

Notebooks are decoded cell by cell; files named as text (source, configs, Dockerfiles,
Terraform, whose variable defaults are also matched under the variable's name) are
matched as text unless their head holds NUL bytes (then they are
binaries with a misleading name); everything else is sniffed: artifacts and other
binaries give their strings through :mod:`mlgate.formats.strings`, plain text that is
not named as such is matched as text. Files up to the text limit are memory-mapped, so
a file is read once, by the kernel, straight into the decoder; larger ones are only
read as artifacts, never mapped whole when large (:func:`mlgate.formats.window.open_blob`).
"""

from __future__ import annotations

import mmap
import os
from dataclasses import dataclass
from pathlib import Path, PurePath

from mlgate.checks.secrets.readers.artifact import artifact_hits
from mlgate.checks.secrets.readers.hits import Hit
from mlgate.checks.secrets.readers.notebook import NotebookError, notebook_hits
from mlgate.checks.secrets.readers.terraform import TERRAFORM_SUFFIXES, terraform_hits
from mlgate.checks.secrets.readers.text import decode_text, text_hits
from mlgate.credentials.matcher import Matcher
from mlgate.formats.pickle_machine import Blob
from mlgate.formats.sniff import Format, sniff
from mlgate.formats.span import Span
from mlgate.formats.window import open_blob

TEXT_SUFFIXES = frozenset(
    {".py", ".pyi", ".env", ".yaml", ".yml", ".json", ".toml", ".ini", ".cfg", ".conf", ".txt",
     ".md", ".rst", ".sh", ".bash", ".zsh", ".ps1", ".js", ".ts", ".java", ".go", ".rb",
     ".php", ".cs", ".tf", ".tfvars", ".hcl", ".properties", ".xml", ".html", ".sql", ".r",
     ".scala", ".kt", ".swift", ".c", ".h", ".cpp", ".rs", ".gradle", ".csv", ".log",
     ".dockerfile", ".jsonl", ".lock"}
)  # fmt: skip
TEXT_NAMES = frozenset({"dockerfile", ".npmrc", ".pypirc", ".netrc", ".gitconfig", "makefile"})
_HEAD = 8192
# Below this a plain read beats setting up a mapping.
_MMAP_FROM = 1 << 20
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


@dataclass(frozen=True, slots=True)
class FileScan:
    """Hits of one file and the problems met reading it."""

    hits: tuple[Hit, ...] = ()
    problems: tuple[str, ...] = ()


def is_text_name(path: PurePath) -> bool:
    """Whether the name says the file is text (source, config, notebook aside)."""
    name = path.name.lower()
    return path.suffix.lower() in TEXT_SUFFIXES or name in TEXT_NAMES or name.startswith(".env")


def scan_file(
    path: Path, display: str, matcher: Matcher, max_text_bytes: int, size: int | None = None
) -> FileScan:
    """Hits of one file; a read failure is a problem of that file, never an exception.

    ``size`` is the walk's answer (saving a ``stat``); a file it calls small is read
    whole whatever its size now, a large one is checked again before it is mapped.
    """
    try:
        if size is None:
            size = path.stat().st_size
        if size == 0:
            return FileScan()
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size if size >= _MMAP_FROM else size
            if size < _MMAP_FROM:
                return _route(path, handle.read(), display, matcher, max_text_bytes)
            if size <= max_text_bytes:
                with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
                    return _route(path, mapped, display, matcher, max_text_bytes)
            # Too large to be decoded as text, so only read as an artifact, never through
            # a map of a whole large file: a map counts against ``memory_mb``.
            with open_blob(handle.fileno(), size) as blob:
                return _artifact(blob, display, matcher)
    except OSError as error:
        return FileScan(problems=(f"{display}: cannot read: {error.strerror or error}",))


def scan_bytes(
    name: PurePath, data: bytes | mmap.mmap, display: str, matcher: Matcher, max_text_bytes: int
) -> FileScan:
    """Hits of one file's bytes, routed by its ``name`` and content (git blobs come here too)."""
    if not data:
        return FileScan()
    return _route(name, data, display, matcher, max_text_bytes)


def _route(
    path: PurePath, data: bytes | mmap.mmap, display: str, matcher: Matcher, max_text_bytes: int
) -> FileScan:
    fits = len(data) <= max_text_bytes
    head = data[:_HEAD]
    is_binary_head = b"\x00" in head and not head.startswith(_UTF16_BOMS)
    if fits and path.suffix.lower() == ".ipynb":
        return FileScan(tuple(_notebook(decode_text(data), display, matcher)))
    if fits and is_text_name(path) and not is_binary_head:
        text = decode_text(data)
        hits = text_hits(text, display, matcher)
        if path.suffix.lower() in TERRAFORM_SUFFIXES:
            hits += terraform_hits(text, display, matcher, hits)
        return FileScan(tuple(hits))
    if fits and not is_binary_head and sniff(data) is Format.UNKNOWN:
        return FileScan(tuple(text_hits(decode_text(data), display, matcher)))
    return _artifact(data, display, matcher)


def _artifact(data: Blob, display: str, matcher: Matcher) -> FileScan:
    scan = artifact_hits(Span(data, 0, len(data)), display, matcher)
    return FileScan(scan.hits, scan.problems)


def _notebook(raw: str, display: str, matcher: Matcher) -> list[Hit]:
    try:
        return notebook_hits(raw, display, matcher)
    except NotebookError:
        return text_hits(raw, display, matcher)
