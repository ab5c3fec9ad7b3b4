"""Where reports go: parsing ``--format FMT[=PATH]`` and writing files atomically."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from mlgate.core.errors import UsageError
from mlgate.core.plugins import reporter_registry
from mlgate.core.verdict import Verdict
from mlgate.reporters.base import Reporter

STDOUT = "-"


@dataclass(frozen=True, slots=True)
class ReportTarget:
    """One report to write: its format and destination (``-`` is standard output)."""

    format_id: str
    destination: str


def _reporter(format_id: str) -> Reporter:
    registry = reporter_registry()
    if format_id not in registry:
        known = ", ".join(registry.names())
        raise UsageError(f"unknown report format {format_id!r} (known: {known})")
    reporter: Reporter = registry.load(format_id)()
    return reporter


def parse_targets(
    args: argparse.Namespace, default_formats: tuple[str, ...], default_directory: Path
) -> list[ReportTarget]:
    """Turn ``--format``/``--output``/``--output-dir`` (and policy defaults) into targets."""
    specs: list[str] = list(args.formats) or list(default_formats)
    directory = Path(args.output_dir) if args.output_dir else default_directory
    if args.output is not None and len(specs) != 1:
        raise UsageError("--output needs exactly one --format; use FMT=PATH for several")
    targets: list[ReportTarget] = []
    for spec in specs:
        format_id, _, path = spec.partition("=")
        reporter = _reporter(format_id.strip())
        destination = path or args.output or str(directory / reporter.default_filename)
        targets.append(ReportTarget(format_id.strip(), destination))
    if getattr(args, "summary", False) and not any(t.format_id == "terminal" for t in targets):
        # The compact view replaces the full report on screen, so nothing is lost: the
        # full report goes to a file whose path is printed with the others.
        full = directory / _reporter("terminal").default_filename
        targets.append(ReportTarget("terminal", str(full)))
    return targets


def write_atomically(destination: Path, data: bytes) -> None:
    """Write via a temporary file and rename, so a reader never sees half a report."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=destination.parent, prefix=f".{destination.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        Path(temporary).replace(destination)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def emit(verdict: Verdict, targets: list[ReportTarget]) -> list[tuple[str, str]]:
    """Render and write each target; return ``(format, path)`` for the files written."""
    written: list[tuple[str, str]] = []
    for target in targets:
        data = _reporter(target.format_id).render(verdict)
        if target.destination == STDOUT:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
            continue
        write_atomically(Path(target.destination), data)
        written.append((target.format_id, _shown(Path(target.destination))))
    return written


def _shown(path: Path) -> str:
    """A path as the user typed it, or relative to the working directory when inside it."""
    if not path.is_absolute():
        return path.as_posix()
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()


def print_terminal(verdict: Verdict, *, color: bool, summary: bool = False) -> None:
    """Print the terminal report (or with ``summary`` its compact view) to standard output."""
    from mlgate.reporters.compact import CompactReporter
    from mlgate.reporters.terminal import TerminalReporter

    width = min(os.get_terminal_size(sys.stdout.fileno()).columns, 120) if color else 100
    reporter = CompactReporter if summary else TerminalReporter
    sys.stdout.buffer.write(reporter(color=color, width=width).render(verdict))
    sys.stdout.flush()


def show(verdict: Verdict, targets: list[ReportTarget], args: argparse.Namespace) -> None:
    """Print the terminal report unless ``--quiet`` or a report already goes to stdout.

    Colour only on a terminal: CI logs and files get plain text without ANSI escapes.
    """
    if args.quiet or any(t.destination == STDOUT for t in targets):
        return
    print_terminal(verdict, color=sys.stdout.isatty(), summary=getattr(args, "summary", False))


def emit_ci_extras(verdict: Verdict) -> None:
    """In GitHub Actions: annotations on stdout and the Markdown job summary."""
    if os.environ.get("GITHUB_ACTIONS") != "true":
        return
    sys.stdout.buffer.write(_reporter("github").render(verdict))
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with Path(summary).open("ab") as stream:
            stream.write(_reporter("markdown").render(verdict))
    sys.stdout.flush()
