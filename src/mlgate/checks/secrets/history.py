"""Git history: every blob reachable from the configured refs, scanned once.

A secret deleted by a later commit is still in the repository for anyone who clones it,
so it keeps blocking until it is rotated and waived. The walk is three plumbing calls:

1. ``git log --raw --reverse --topo-order`` over the refs tells, for every blob, the
   oldest commit (parents before children), its author date and the path where the blob
   first appeared: the provenance reported with each secret.
2. ``git rev-list --objects`` lists the reachable objects once each (a blob kept in a
   thousand commits is one object), and ``git cat-file --batch-check`` keeps the blobs
   with their sizes, so the count and size limits apply before any content is read.
3. ``git cat-file --batch`` streams the contents, one request and one reply at a time,
   so memory holds one blob.

``git`` runs on the user's own repository with fixed options (no pager, unquoted paths,
no signature display, no text conversion, no external diff, no renames), so a user's
configuration cannot change what is parsed. Refs cannot start with ``-`` and follow
``--end-of-options``, so a ref is never read as an option. Blob contents are scanned by
the same readers as files; nothing is executed or unpickled.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from mlgate.checks.secrets.readers.hits import Hit
from mlgate.checks.secrets.scan import scan_bytes
from mlgate.core.finding import SkippedInput
from mlgate.core.globs import matches_any
from mlgate.credentials.matcher import Matcher

_TIMEOUT_SECONDS = 600
_GIT = (
    "git", "--no-pager", "--no-optional-locks",
    "-c", "core.quotePath=false", "-c", "log.showSignature=false",
)  # fmt: skip
_LOG_OPTIONS = (
    "--reverse", "--topo-order", "--raw", "--no-abbrev", "--no-renames", "--root", "-m", "-z",
    "--relative", "--no-color", "--no-textconv", "--no-ext-diff", "--no-decorate",
    "--format=%x01%H %aI",
)  # fmt: skip
_SUBMODULE_MODE = "160000"
_MISSING = "missing"
# A ref is one word that cannot be mistaken for an option.
Ref = Annotated[str, Field(pattern=r"^[^\-\s]\S*$", max_length=256)]


class HistorySettings(BaseModel):
    """Which part of the git history to scan, and its bounds."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    refs: list[Ref] = Field(
        default_factory=lambda: ["HEAD"],
        min_length=1,
        description="Refs whose reachable history is scanned (`--all` is not a ref: list "
        "the branches).",
    )
    max_blobs: int = Field(
        default=200_000, gt=0, description="More distinct blobs than this is an error."
    )
    max_blob_mb: int = Field(
        default=16, gt=0, description="Larger blobs are skipped (and reported as skipped)."
    )


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a blob first appeared: commit, author date, path, and the commit's age rank."""

    commit: str
    date: str
    path: str
    rank: int


@dataclass(frozen=True, slots=True)
class HistoryHit:
    """A credential in a blob of the history, with the blob's first appearance."""

    hit: Hit
    origin: Origin


@dataclass(frozen=True, slots=True)
class HistoryScan:
    """What the history walk found, skipped and could not do."""

    hits: tuple[HistoryHit, ...] = ()
    problems: tuple[str, ...] = ()
    skipped: tuple[SkippedInput, ...] = ()
    blobs: int = 0


class GitError(Exception):
    """A git command failed, or git is missing."""


@dataclass(frozen=True, slots=True)
class _Walk:
    """The blobs to read, in rev-list order, and what was left out."""

    blobs: tuple[tuple[str, Origin], ...]
    skipped: tuple[SkippedInput, ...]
    problems: tuple[str, ...]


def scan_history(
    root: Path,
    settings: HistorySettings,
    matcher: Matcher,
    *,
    max_text_bytes: int,
    exclude: Sequence[str] = (),
) -> HistoryScan:
    """Scan every blob reachable from ``settings.refs`` whose path lies under ``root``."""
    try:
        walk = plan_walk(root, settings, tuple(exclude))
        hits, problems = _scan_blobs(root, walk.blobs, matcher, max_text_bytes)
    except GitError as error:
        return HistoryScan(problems=(f"git history: {error}",))
    return HistoryScan(
        hits=tuple(hits),
        problems=walk.problems + tuple(problems),
        skipped=walk.skipped,
        blobs=len(walk.blobs),
    )


def plan_walk(root: Path, settings: HistorySettings, exclude: tuple[str, ...]) -> _Walk:
    """The blobs to read: reachable, under ``root``, not excluded, within the limits."""
    origins = first_appearances(root, settings.refs)
    limit = settings.max_blob_mb << 20
    blobs: list[tuple[str, Origin]] = []
    skipped: list[SkippedInput] = []
    for oid, size in reachable_blobs(root, settings.refs):
        origin = origins.get(oid)
        if origin is None or matches_any(origin.path, exclude):
            continue  # outside the scanned root, or excluded by the policy
        if size > limit:
            reason = f"git blob {oid[:12]} of {size} bytes is above history.max_blob_mb"
            skipped.append(SkippedInput(path=origin.path, reason=reason))
            continue
        blobs.append((oid, origin))
    problems: tuple[str, ...] = ()
    if len(blobs) > settings.max_blobs:
        problems = (
            f"git history: {len(blobs)} blobs to scan, more than history.max_blobs "
            f"({settings.max_blobs}); only the newest {settings.max_blobs} were scanned",
        )
        blobs = blobs[: settings.max_blobs]
    return _Walk(tuple(blobs), tuple(skipped), problems)


def _scan_blobs(
    root: Path, blobs: Sequence[tuple[str, Origin]], matcher: Matcher, max_text_bytes: int
) -> tuple[list[HistoryHit], list[str]]:
    origin_of = dict(blobs)
    hits: list[HistoryHit] = []
    problems: list[str] = []
    for oid, data in read_blobs(root, [oid for oid, _ in blobs]):
        origin = origin_of[oid]
        scan = scan_bytes(PurePosixPath(origin.path), data, origin.path, matcher, max_text_bytes)
        hits.extend(HistoryHit(hit, origin) for hit in scan.hits)
        problems.extend(f"{p} (git blob {oid[:12]}, commit {origin.commit[:12]})"
                        for p in scan.problems)  # fmt: skip
    return hits, problems


def first_appearances(root: Path, refs: Sequence[str]) -> dict[str, Origin]:
    """For each blob under ``root``, the oldest commit and the path where it appeared."""
    output = run_git(root, "log", *_LOG_OPTIONS, "--end-of-options", *refs, "--")
    return parse_raw_log(output.decode("utf-8", "surrogateescape"))


def parse_raw_log(text: str) -> dict[str, Origin]:
    """Parse ``git log --raw -z`` with ``%x01%H %aI`` headers; the first sighting wins.

    Tokens are NUL-separated: a header, then pairs of a raw entry
    (``:old-mode new-mode old-oid new-oid status``) and its path. A path may hold any
    byte but NUL, so paths are recognised by position, never by their content.
    """
    origins: dict[str, Origin] = {}
    commit, date, rank = "", "", -1
    pending: str | None = None
    for token in text.split("\0"):
        if pending is not None:
            if pending not in origins:
                origins[pending] = Origin(commit, date, token, rank)
            pending = None
            continue
        entry = token.lstrip("\n")
        if entry.startswith("\x01"):
            commit, _, date = entry[1:].partition(" ")
            rank += 1
        elif entry.startswith(":"):
            pending = _added_blob(entry)
            if pending is None:
                pending = _MISSING  # still consume the path that follows
    origins.pop(_MISSING, None)
    return origins


def _added_blob(entry: str) -> str | None:
    """The new blob id of a raw entry; ``None`` for deletions and submodules."""
    fields = entry[1:].split()
    if len(fields) < 5 or fields[1] == _SUBMODULE_MODE or fields[4].startswith("D"):
        return None
    new = fields[3]
    return None if not new.strip("0") else new


def reachable_blobs(root: Path, refs: Sequence[str]) -> Iterator[tuple[str, int]]:
    """Each blob reachable from ``refs`` once, with its size, newest commits first."""
    objects = run_git(root, "rev-list", "--objects", "--no-object-names", "--end-of-options", *refs)
    listing = run_git(
        root,
        "cat-file",
        "--batch-check=%(objectname) %(objecttype) %(objectsize)",
        stdin=objects,
    )
    for line in listing.decode("ascii", "replace").splitlines():
        oid, kind, size = [*line.split(), "", "", ""][:3]
        if kind == "blob":
            yield oid, int(size)


def read_blobs(root: Path, oids: Iterable[str]) -> Iterator[tuple[str, bytes]]:
    """Stream blob contents through one ``git cat-file --batch`` process."""
    command = [*_GIT, "cat-file", "--batch"]
    try:
        process = subprocess.Popen(
            command, cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    with process:
        assert process.stdin is not None and process.stdout is not None  # noqa: S101  # PIPE given
        for oid in oids:
            process.stdin.write(oid.encode("ascii") + b"\n")
            process.stdin.flush()
            header = process.stdout.readline().split()
            if len(header) != 3:
                raise GitError(f"cat-file could not read blob {oid[:12]}")
            data = process.stdout.read(int(header[2]))
            process.stdout.read(1)  # the newline git adds after each object
            yield oid, data
        process.stdin.close()


def run_git(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    """Run one git command in ``root`` with fixed options; its output, or :class:`GitError`."""
    try:
        done = subprocess.run(
            [*_GIT, *args], cwd=root, input=stdin, capture_output=True,
            timeout=_TIMEOUT_SECONDS, check=False,
        )  # fmt: skip
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} did not finish in {_TIMEOUT_SECONDS} s") from None
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {args[0]} failed: {detail[0] if detail else done.returncode}")
    return done.stdout
