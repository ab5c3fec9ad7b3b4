"""``mlgate report``: re-render saved JSON verdicts, merging shards into one."""

from __future__ import annotations

import argparse
from pathlib import Path

from mlgate.cli.exit import ExitCode, exit_code_for
from mlgate.cli.output import emit, parse_targets, show
from mlgate.core.errors import UsageError
from mlgate.core.merge import merge_verdicts
from mlgate.reporters.json import load_verdict

_MAX_VERDICT_BYTES = 512 * 1024 * 1024


def _read(path: str) -> bytes:
    file = Path(path)
    if not file.is_file():
        raise UsageError(f"verdict file {path!r} does not exist")
    if file.stat().st_size > _MAX_VERDICT_BYTES:
        raise UsageError(f"verdict file {path!r} is larger than {_MAX_VERDICT_BYTES} bytes")
    return file.read_bytes()


def command_report(args: argparse.Namespace) -> ExitCode:
    """Render one merged verdict into the requested formats; exit with its outcome's code."""
    verdict = merge_verdicts([load_verdict(_read(path)) for path in args.verdicts])
    targets = parse_targets(args, (), Path(args.output_dir or "mlgate-reports"))
    show(verdict, targets, args)
    for format_id, path in emit(verdict, targets):
        print(f"mlgate: wrote {format_id} report: {path}")
    return exit_code_for(verdict.outcome)
