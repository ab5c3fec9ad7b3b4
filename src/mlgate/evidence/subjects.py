"""Subjects: the artifacts a statement is about, named and identified by SHA-256 digest.

A directory stands for every regular file below it. Symbolic links are never followed
(a link could point out of the tree, or at a file that changes under the gate), so a
link named as a subject is an input error rather than a silent substitute.

A container image is a subject by its manifest digest, named by its repository without
tag, as cosign names image subjects, so that Kyverno and policy-controller match a
statement to the image a pod runs. Only a digest reference names an image: a tag can
be moved to other content after the gate judged it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from mlgate.core.digest import sha256_file
from mlgate.core.errors import UsageError


@dataclass(frozen=True, slots=True, kw_only=True)
class Subject:
    """One artifact: a display name and its lower-case hex SHA-256 digest."""

    name: str
    sha256: str

    def as_descriptor(self) -> dict[str, object]:
        """The in-toto ResourceDescriptor ``{"name": ..., "digest": {"sha256": ...}}``."""
        return {"name": self.name, "digest": {"sha256": self.sha256}}


def _files_below(directory: Path) -> Iterator[Path]:
    for path in sorted(directory.rglob("*")):
        if path.is_file() and not path.is_symlink() and not _under_link(path, directory):
            yield path


def _under_link(path: Path, top: Path) -> bool:
    # rglob does not descend into linked directories, but check every parent anyway.
    return any(parent.is_symlink() for parent in path.relative_to(top).parents if parent.name)


def _name(path: Path, base: Path | None) -> str:
    if base is not None:
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def expand(paths: Iterable[Path]) -> list[Path]:
    """The regular files the given paths stand for; a missing path or a link is an error."""
    files: list[Path] = []
    for path in paths:
        if path.is_symlink():
            raise UsageError(f"subject {path}: is a symbolic link (name the file it points at)")
        if path.is_dir():
            files.extend(_files_below(path))
        elif path.is_file():
            files.append(path)
        else:
            raise UsageError(f"subject {path}: no such file or directory")
    return files


def subjects_of(paths: Iterable[Path], *, base: Path | None = None) -> tuple[Subject, ...]:
    """Subjects for files and directories, named relative to ``base`` when inside it.

    Duplicates (the same name and digest reached twice) appear once, in first-seen order.
    """
    unique: dict[tuple[str, str], Subject] = {}
    for path in expand(paths):
        subject = Subject(name=_name(path, base), sha256=sha256_file(path).sha256)
        unique.setdefault((subject.name, subject.sha256), subject)
    return tuple(unique.values())


# REPOSITORY[:TAG]@sha256:HEX; the repository may start with a registry host and port.
_IMAGE = re.compile(
    r"^(?P<repository>[^\s@]+?)(?::[\w][\w.-]{0,127})?@sha256:(?P<hex>[0-9a-fA-F]{64})$"
)


def image_subject(reference: str) -> Subject:
    """An image as a subject: ``REPO[:TAG]@sha256:HEX`` -> name ``REPO``, that digest."""
    match = _IMAGE.match(reference.strip())
    if match is None or match.group("repository").endswith("/"):
        raise UsageError(
            f"image {reference!r}: name the image by digest, like REPOSITORY@sha256:<64 hex> "
            "(a tag can be moved after the gate judged it)"
        )
    return Subject(name=match.group("repository"), sha256=match.group("hex").lower())
