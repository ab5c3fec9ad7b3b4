"""The lines changed since a git ref, for pull-request mode (``mlgate run --changed-since``).

This module runs ``git`` on the user's own repository (never on scanned content) and
only to read history: ``merge-base``, ``diff`` and ``ls-files``. The comparison is
between the merge base of the ref and ``HEAD`` on one side and the *working tree* on
the other, so in CI (where the tree is ``HEAD``) it equals ``git diff BASE...HEAD``,
and locally it also sees uncommitted edits and untracked files. Paths come out
relative to the policy root (``--relative``), and changes outside it are left out.
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from pathlib import Path

from mlgate.core.changes import ChangedFile, ChangeSet
from mlgate.core.errors import InputError
from mlgate.vcs.diff import parse_unified_diff

AUTO = "auto"
_TIMEOUT_SECONDS = 120
# Fixed prefixes and no external diff or text conversion: a user's git configuration
# (diff.noprefix, diff.external, textconv drivers) must not change what is parsed.
_DIFF_OPTIONS = (
    "--unified=0", "--no-color", "--no-ext-diff", "--no-textconv", "--find-renames",
    "--src-prefix=a/", "--dst-prefix=b/", "--relative",
)  # fmt: skip
# (variable, is a branch name) in the order they are consulted by ``--changed-since auto``.
_CI_BASES = (
    ("CI_MERGE_REQUEST_DIFF_BASE_SHA", False),  # GitLab merge request pipelines: a commit
    ("GITHUB_BASE_REF", True),  # GitHub Actions, pull_request events only
    ("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", True),  # GitLab, older runners
    ("CHANGE_TARGET", True),  # Jenkins multibranch pull requests
)


def ci_base_ref(environ: Mapping[str, str]) -> str | None:
    """The ref a CI pull/merge request targets, from its variables; ``None`` when not one."""
    for variable, is_branch in _CI_BASES:
        value = environ.get(variable, "").strip()
        if value:
            return f"origin/{value}" if is_branch else value
    return None


def resolve_since(value: str | None, environ: Mapping[str, str]) -> str | None:
    """The ref to compare with: ``auto`` asks the CI system, so a push or a schedule is full."""
    if value is None or not value.strip():
        return None
    return ci_base_ref(environ) if value.strip() == AUTO else value.strip()


def _git(root: Path, *args: str) -> str:
    command = ["git", "--no-optional-locks", "-c", "core.quotePath=false", *args]
    try:
        done = subprocess.run(
            command, cwd=root, capture_output=True, timeout=_TIMEOUT_SECONDS, check=False
        )
    except FileNotFoundError:
        raise InputError("--changed-since needs git, and git is not installed") from None
    except subprocess.TimeoutExpired:
        raise InputError(f"git {args[0]} did not finish in {_TIMEOUT_SECONDS} s") from None
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = detail[0] if detail else f"exit code {done.returncode}"
        raise InputError(f"git {args[0]} failed: {reason}")
    return done.stdout.decode("utf-8", "surrogateescape")


def merge_base(root: Path, ref: str) -> str:
    """The commit where ``HEAD`` left ``ref``; a missing ref says how to fetch history."""
    if ref.startswith("-"):
        raise InputError(f"--changed-since {ref!r}: a ref cannot start with '-'")
    try:
        return _git(root, "merge-base", ref, "HEAD").strip()
    except InputError as error:
        raise InputError(
            f"--changed-since {ref}: no merge base with HEAD ({error}); a shallow clone "
            "lacks the history: fetch it (actions/checkout `fetch-depth: 0`, GitLab "
            "`GIT_DEPTH: 0`)"
        ) from None


def _untracked(root: Path) -> tuple[ChangedFile, ...]:
    listing = _git(root, "ls-files", "--others", "--exclude-standard", "-z", "--", ".")
    return tuple(ChangedFile(path=name, whole=True) for name in listing.split("\0") if name)


def changes_since(root: Path, ref: str) -> ChangeSet:
    """Files and lines under ``root`` changed since the merge base of ``ref`` and ``HEAD``.

    Raises:
        InputError: git is missing, ``root`` is not in a repository, or ``ref`` has
            no merge base with ``HEAD``.
    """
    base = merge_base(root, ref)
    patch = _git(root, "diff", *_DIFF_OPTIONS, base, "--", ".")
    files = {changed.path: changed for changed in parse_unified_diff(patch)}
    for changed in _untracked(root):
        files.setdefault(changed.path, changed)
    return ChangeSet(since=ref, base=base, files=tuple(files.values()))
