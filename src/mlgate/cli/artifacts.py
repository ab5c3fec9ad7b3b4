"""``mlgate artifacts manifest|verify``: digest manifests of model directories.

``manifest DIR`` writes the OpenSSF model-signing v1.0 statement of every file's sha256;
``verify DIR --manifest FILE`` exits 0 when the directory matches it, 1 with the list of
missing, unexpected and changed files otherwise, and 2 on bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from mlgate.checks.artifacts.manifest import (
    ManifestDiff,
    build_manifest,
    compare,
    parse_manifest,
)
from mlgate.cli.exit import ExitCode
from mlgate.cli.output import write_atomically
from mlgate.core.errors import UsageError


def _directory(text: str) -> Path:
    path = Path(text)
    if not path.is_dir():
        raise UsageError(f"model directory {text}: not a directory")
    return path


def command_artifacts(args: argparse.Namespace) -> ExitCode:
    """Run ``mlgate artifacts manifest`` or ``mlgate artifacts verify``."""
    if args.artifacts_command == "manifest":
        return _manifest(args)
    return _verify(args)


def _manifest(args: argparse.Namespace) -> ExitCode:
    root = _directory(args.directory)
    manifest = build_manifest(root, ignore=tuple(args.ignore), workers=args.workers)
    text = json.dumps(manifest.to_statement(), indent=2) + "\n"
    if args.output == "-":
        sys.stdout.write(text)
    else:
        write_atomically(Path(args.output), text.encode())
    return ExitCode.PASS


def _verify(args: argparse.Namespace) -> ExitCode:
    root = _directory(args.directory)
    try:
        raw = Path(args.manifest).read_bytes()
    except OSError as error:
        raise UsageError(f"manifest {args.manifest}: cannot be read ({error.strerror})") from None
    expected = parse_manifest(raw)
    actual = build_manifest(root, ignore=expected.ignore_paths, workers=args.workers)
    diff = compare(expected, actual)
    for line in _describe(diff):
        print(line)
    if diff.matches:
        print(f"{root}: {len(actual.resources)} files match {args.manifest}")
        return ExitCode.PASS
    return ExitCode.BLOCK


def _describe(diff: ManifestDiff) -> list[str]:
    return [
        *(f"missing: {name}" for name in diff.missing),
        *(f"unexpected: {name}" for name in diff.unexpected),
        *(f"changed: {name}" for name in diff.changed),
    ]
