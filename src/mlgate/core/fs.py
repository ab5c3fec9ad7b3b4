"""Safe selection of input files: never leaves the scanned tree, never follows symlinks."""

from __future__ import annotations

import os
from collections.abc import Iterator
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


def _relative(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _walk(root: Path, start: Path) -> Iterator[Path]:
    for directory, subdirs, files in os.walk(start, followlinks=False):
        subdirs[:] = sorted(d for d in subdirs if d not in PRUNED_DIRECTORIES)
        base = Path(directory)
        for name in sorted(files):
            candidate = base / name
            if not candidate.is_symlink() and candidate.is_file():
                yield candidate


def _inside(root: Path, path: Path) -> bool:
    try:
        path.resolve().relative_to(root)
    except ValueError:
        return False
    return True


def _select(root: Path, pattern: str, include: list[str]) -> Iterator[Path]:
    if is_glob(pattern):
        for candidate in _walk(root, root):
            relative = _relative(root, candidate)
            if matches(relative, pattern) and (not include or matches_any(relative, include)):
                yield candidate
        return
    target = root / pattern
    if target.is_symlink():
        raise UsageError(f"input path {pattern!r} is a symlink; mlgate never follows symlinks")
    if not _inside(root, target):
        raise UsageError(f"input path {pattern!r} lies outside the project root {root}")
    if target.is_dir():
        for candidate in _walk(root, target):
            if not include or matches_any(_relative(root, candidate), include):
                yield candidate
    elif target.is_file():
        yield target
    else:
        raise UsageError(f"input path {pattern!r} does not exist under {root}")


def iter_input_files(
    root: Path, patterns: list[str], exclude: list[str], include: list[str] | None = None
) -> Iterator[Path]:
    """Yield each selected regular file once, in a stable order.

    A literal pattern names a file or directory (walked recursively); a glob is
    matched against root-relative paths. Files found by walking must also match
    ``include`` when it is given; a file named literally is always taken. Symlinks
    are skipped, so a scan never reads outside the tree it was given.
    """
    root = root.resolve()
    seen: set[Path] = set()
    for pattern in patterns:
        for path in _select(root, pattern, include or []):
            relative = _relative(root, path)
            if path in seen or matches_any(relative, exclude):
                continue
            seen.add(path)
            yield path


def missing_literal_paths(root: Path, patterns: list[str]) -> list[str]:
    """The literal (non-glob) patterns that name nothing under root."""
    return [p for p in patterns if not is_glob(p) and not (root / p).exists()]
