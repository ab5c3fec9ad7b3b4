"""Readers of dependency files, chosen by file name."""

from __future__ import annotations

from collections.abc import Callable
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Literal

from mlgate.checks.deps.readers.locks import read_pipfile_lock, read_toml_lock
from mlgate.checks.deps.readers.pyproject import read_pyproject
from mlgate.checks.deps.readers.requirements import read_requirements
from mlgate.checks.deps.records import ReadResult

FileKind = Literal[
    "requirements", "pyproject", "poetry.lock", "uv.lock", "Pipfile.lock", "pylock", "pip-audit"
]
# Ordered: the first matching pattern decides (pylock.*.toml before anything generic).
_PATTERNS: tuple[tuple[str, FileKind], ...] = (
    ("requirements*.txt", "requirements"),
    ("pyproject.toml", "pyproject"),
    ("poetry.lock", "poetry.lock"),
    ("uv.lock", "uv.lock"),
    ("Pipfile.lock", "Pipfile.lock"),
    ("pylock.toml", "pylock"),
    ("pylock.*.toml", "pylock"),
    ("pip-audit*.json", "pip-audit"),
)
DEFAULT_INCLUDE = tuple(pattern for pattern, _ in _PATTERNS)


def classify(path: Path) -> FileKind | None:
    """Which reader ``path`` needs, by its file name; ``None`` when it is not ours."""
    return next((kind for pattern, kind in _PATTERNS if fnmatchcase(path.name, pattern)), None)


def read_dependency_file(
    path: Path, kind: FileKind, *, root: Path, display: Callable[[Path], str]
) -> ReadResult:
    """Dependencies declared or locked in ``path`` (not pip-audit reports)."""
    shown = display(path)
    if kind == "requirements":
        return read_requirements(path, root=root, display=display)
    if kind == "pyproject":
        return read_pyproject(path, display=shown)
    if kind == "Pipfile.lock":
        return read_pipfile_lock(path, display=shown)
    if kind == "pip-audit":
        raise ValueError("pip-audit reports are read with read_pip_audit")
    return read_toml_lock(path, kind=kind, display=shown)
