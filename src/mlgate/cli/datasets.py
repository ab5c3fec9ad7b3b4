"""``mlgate datasets digest|approve`` and ``mlgate lineage record``."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from pathlib import Path

from pydantic import ValidationError
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from mlgate.checks.datasets.authoring import approve_dataset, record_lineage
from mlgate.checks.datasets.digest import ProgressSink, content_digest, manifest_of
from mlgate.checks.datasets.registry import ApprovedDataset
from mlgate.cli.exit import ExitCode
from mlgate.core.errors import UsageError


def _existing(path_text: str) -> Path:
    path = Path(path_text)
    if path.is_symlink() or not path.exists():
        raise UsageError(f"{path_text}: no such file or directory (symlinks are not followed)")
    return path


def _total_bytes(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(
        (Path(base) / name).stat().st_size
        for base, _, names in os.walk(path)
        for name in names
        if not (Path(base) / name).is_symlink()
    )


def _bar(
    path: Path, *, disabled: bool
) -> tuple[contextlib.AbstractContextManager[object], ProgressSink | None]:
    """A byte-counting progress bar on an interactive terminal, nothing otherwise."""
    if disabled or not sys.stderr.isatty():
        return contextlib.nullcontext(), None
    progress = Progress(
        TextColumn("[bold]hashing"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
        TimeRemainingColumn(), console=Console(file=sys.stderr), transient=True,
    )  # fmt: skip
    task = progress.add_task("hashing", total=_total_bytes(path))
    return progress, lambda count: progress.advance(task, count)


def _digest(args: argparse.Namespace) -> ExitCode:
    path = _existing(args.path)
    context, sink = _bar(path, disabled=args.no_progress)
    with context:
        if args.manifest and path.is_dir():
            manifest = manifest_of(path, workers=args.workers, progress=sink)
            print(json.dumps(manifest.to_json(), indent=2))
            return ExitCode.PASS
        digest = content_digest(path, workers=args.workers, progress=sink)
    print(f"{digest}  {args.path}")
    return ExitCode.PASS


def _approve(args: argparse.Namespace) -> ExitCode:
    registry = Path(args.registry)
    digest = args.digest
    if digest is None:
        if "://" in args.location:
            raise UsageError("a remote location needs --digest (the approved content digest)")
        digest = content_digest(_existing(str(registry.parent / args.location)))
    entry = {
        "id": args.id, "location": args.location, "digest": digest, "license": args.license,
        "pii": args.pii, "owner": args.owner, "purposes": args.purposes or ["training"],
        "approved_from": args.approved_from, "approved_until": args.until,
    }  # fmt: skip
    try:
        dataset = ApprovedDataset.model_validate({k: v for k, v in entry.items() if v is not None})
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise UsageError(f"dataset entry: {where}: {first['msg']}") from None
    approve_dataset(registry, dataset)
    print(f"mlgate: approved {dataset.id} ({digest}) until {dataset.approved_until}: {registry}")
    return ExitCode.PASS


def command_datasets(args: argparse.Namespace) -> ExitCode:
    """``datasets digest PATH`` or ``datasets approve ID ...``."""
    if args.datasets_command == "digest":
        return _digest(args)
    return _approve(args)


def _inputs(pairs: list[str]) -> list[tuple[str, str]]:
    inputs = []
    for pair in pairs:
        dataset_id, separator, path = pair.partition("=")
        if not separator or not dataset_id or not path:
            raise UsageError(f"--input {pair!r}: expected DATASET_ID=PATH")
        inputs.append((dataset_id, path))
    return inputs


def command_lineage(args: argparse.Namespace) -> ExitCode:
    """``lineage record``: write the manifest of the datasets a run read, with digests."""
    root = Path(args.root)
    inputs = _inputs(args.inputs)
    for _, path in inputs:
        _existing(str(root / path))
    output = Path(args.output)
    lineage = record_lineage(output, root=root, inputs=inputs, run=args.run, purpose=args.purpose)
    print(f"mlgate: recorded {len(lineage.inputs)} input(s) of run {args.run}: {output}")
    return ExitCode.PASS
