"""Safe selection of input files: never leaves the scanned tree, never follows symlinks.

The walk reads each directory once with ``os.scandir``, whose entries already know
whether they are regular files, directories or symlinks (the kernel's directory
listing says so), and stats each selected file once, for its size.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from mlgate.core.errors import UsageError
from mlgate.core.globs import is_glob, matches, matches_any

# Directories that hold tools' state, never the project's own inputs.
PRUNED_DIRECTORIES = frozenset(
    {
        ".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", ".tox",
        ".nox", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".hypothesis",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class InputFile:
    """A selected regular file: its path, its root-relative POSIX name and its size."""

    path: Path
    relative: str
    size: int


def _relative(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _walk(start: Path, prefix: str) -> Iterator[tuple[os.DirEntry[str], str]]:
    """Regular files under ``start`` with their relative names, in ``os.walk`` order.

    A directory's files come first (sorted), then its subdirectories (sorted), each
    walked the same way; symlinks, sockets and unreadable directories are skipped.
    """
    pending: list[tuple[str, str]] = [(str(start), prefix)]
    while pending:
        directory, relative = pending.pop()
        try:
            with os.scandir(directory) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError:
            continue
        subdirs: list[tuple[str, str]] = []
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name not in PRUNED_DIRECTORIES:
                        subdirs.append((entry.path, f"{relative}{entry.name}/"))
                elif entry.is_file(follow_symlinks=False):
                    yield entry, relative + entry.name
            except OSError:
                continue
        # Last pushed, first walked: reversed so subdirectories come out sorted.
        pending.extend(reversed(subdirs))


def _walked(start: Path, prefix: str) -> Iterator[InputFile]:
    for entry, relative in _walk(start, prefix):
        try:
            size = entry.stat(follow_symlinks=False).st_size
        except OSError:
            continue  # gone since it was listed
        yield InputFile(Path(entry.path), relative, size)


def _inside(root: Path, path: Path) -> bool:
    try:
        path.resolve().relative_to(root)
    except ValueError:
        return False
    return True


def _select(root: Path, pattern: str, include: list[str]) -> Iterator[InputFile]:
    if is_glob(pattern):
        for candidate in _walked(root, ""):
            relative = candidate.relative
            if matches(relative, pattern) and (not include or matches_any(relative, include)):
                yield candidate
        return
    target = root / pattern
    if target.is_symlink():
        raise UsageError(f"input path {pattern!r} is a symlink; mlgate never follows symlinks")
    if not _inside(root, target):
        raise UsageError(f"input path {pattern!r} lies outside the project root {root}")
    if target.is_dir():
        start = _relative(root, target)
        for candidate in _walked(target, "" if start == "." else f"{start}/"):
            if not include or matches_any(candidate.relative, include):
                yield candidate
    elif target.is_file():
        yield InputFile(target, _relative(root, target), target.stat().st_size)
    else:
        raise UsageError(f"input path {pattern!r} does not exist under {root}")


def iter_input_entries(
    root: Path, patterns: list[str], exclude: list[str], include: list[str] | None = None
) -> Iterator[InputFile]:
    """Yield each selected regular file once, in a stable order, with its size.

    A literal pattern names a file or directory (walked recursively); a glob is
    matched against root-relative paths. Files found by walking must also match
    ``include`` when it is given; a file named literally is always taken. Symlinks
    are skipped, so a scan never reads outside the tree it was given.
    """
    root = root.resolve()
    seen: set[str] = set()
    for pattern in patterns:
        for selected in _select(root, pattern, include or []):
            relative = selected.relative
            if relative in seen or matches_any(relative, exclude):
                continue
            seen.add(relative)
            yield selected


def iter_input_files(
    root: Path, patterns: list[str], exclude: list[str], include: list[str] | None = None
) -> Iterator[Path]:
    """The paths of :func:`iter_input_entries` (same selection, same order)."""
    for selected in iter_input_entries(root, patterns, exclude, include):
        yield selected.path


def missing_literal_paths(root: Path, patterns: list[str]) -> list[str]:
    """The literal (non-glob) patterns that name nothing under root."""
    return [p for p in patterns if not is_glob(p) and not (root / p).exists()]
