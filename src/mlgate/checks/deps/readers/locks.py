"""Lock files: ``poetry.lock``, ``uv.lock``, ``Pipfile.lock`` and ``pylock.toml`` (PEP 751).

Every locked package selects one version, so each becomes a pinned dependency with the
hashes the lock records. Packages built from a local path, a VCS checkout or the
project itself carry no index version an advisory could name: they are marked local.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from mlgate.checks.deps.readers.text import (
    LineIndex,
    as_dict,
    as_list,
    as_str,
    read_text,
    read_toml,
)
from mlgate.checks.deps.records import (
    Dependency,
    DependencyFileError,
    ReadResult,
    SourceKind,
    normalize_name,
)

_LOCAL_SOURCES = frozenset({"editable", "virtual", "path", "directory", "git"})


def _hash_values(entries: Iterable[Any], key: str = "hash") -> list[str]:
    return [h for entry in entries if (h := as_str(as_dict(entry).get(key)))]


def _pylock_hashes(entries: Iterable[Any]) -> list[str]:
    return [
        f"{algorithm}:{digest}"
        for entry in entries
        for algorithm, digest in as_dict(as_dict(entry).get("hashes")).items()
        if isinstance(digest, str)
    ]


def _locked(
    package: dict[str, Any], *, kind: SourceKind, path: str, index: LineIndex
) -> Dependency | None:
    name = as_str(package.get("name"))
    if name is None:
        return None
    version = as_str(package.get("version"))
    is_local = bool(_LOCAL_SOURCES & set(as_dict(package.get("source"))))
    is_local = is_local or any(k in package for k in ("vcs", "directory"))
    return Dependency(
        name=normalize_name(name),
        version=None if is_local else version,
        specifier=f"=={version}" if version else "",
        path=path,
        line=index.find(name, key="name"),
        source=kind,
        hashes=tuple(_package_hashes(package, kind)),
        marker=as_str(package.get("marker")) or as_str(package.get("markers")),
        is_local=is_local,
    )


def _package_hashes(package: dict[str, Any], kind: SourceKind) -> list[str]:
    if kind == "poetry.lock":
        return _hash_values(as_list(package.get("files")))
    if kind == "uv.lock":
        return _hash_values([package.get("sdist"), *as_list(package.get("wheels"))])
    return _pylock_hashes(
        [package.get("sdist"), package.get("archive"), *as_list(package.get("wheels"))]
    )


def read_toml_lock(path: Path, *, kind: SourceKind, display: str) -> ReadResult:
    """``poetry.lock``, ``uv.lock`` (``[[package]]``) or ``pylock.toml`` (``[[packages]]``)."""
    document, text = read_toml(path)
    table = "packages" if kind == "pylock" else "package"
    packages = [as_dict(p) for p in as_list(document.get(table))]
    if kind == "poetry.lock":
        _merge_legacy_poetry_files(document, packages)
    index = LineIndex(text)
    dependencies = [_locked(p, kind=kind, path=display, index=index) for p in packages]
    problems = [f"{display}: a [[{table}]] entry has no name" for d in dependencies if d is None]
    return ReadResult(
        dependencies=tuple(d for d in dependencies if d is not None),
        problems=tuple(problems),
        files=(display,),
    )


def _merge_legacy_poetry_files(document: dict[str, Any], packages: list[dict[str, Any]]) -> None:
    """Poetry before 1.2 kept hashes in ``[metadata.files]``, keyed by package name."""
    legacy = as_dict(as_dict(document.get("metadata")).get("files"))
    for package in packages:
        if "files" not in package and (name := as_str(package.get("name"))):
            package["files"] = as_list(legacy.get(name))


def read_pipfile_lock(path: Path, *, display: str) -> ReadResult:
    """``Pipfile.lock``: the ``default`` and ``develop`` sections."""
    text = read_text(path)
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        raise DependencyFileError(f"invalid JSON: {error}") from None
    index = LineIndex(text)
    dependencies = []
    for section in ("default", "develop"):
        for name, entry in as_dict(as_dict(document).get(section)).items():
            dependencies.append(_pipfile_entry(name, as_dict(entry), display, index))
    return ReadResult(dependencies=tuple(dependencies), files=(display,))


def _pipfile_entry(name: str, entry: dict[str, Any], path: str, index: LineIndex) -> Dependency:
    specifier = as_str(entry.get("version")) or ""
    is_local = any(k in entry for k in ("path", "git", "file", "editable"))
    version = specifier[2:] if specifier.startswith("==") and not is_local else None
    return Dependency(
        name=normalize_name(name),
        version=version,
        specifier=specifier,
        path=path,
        line=index.find(name),
        source="Pipfile.lock",
        hashes=tuple(h for h in as_list(entry.get("hashes")) if isinstance(h, str)),
        marker=as_str(entry.get("markers")),
        is_local=is_local,
    )
