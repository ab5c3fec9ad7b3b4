"""``mlgate db update``: install OSV's advisory archive for the offline ``deps`` check.

Without ``--archive`` the archive is downloaded (https only); with it, an archive copied
in by other means (an air-gapped mirror) is verified and installed the same way. Either
way the previous database stays in place unless the new one reads completely.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path
from typing import BinaryIO

from mlgate.checks.deps.osv.parse import OsvFormatError
from mlgate.checks.deps.osv.update import Fetch, https_fetch, update_database
from mlgate.cli.exit import ExitCode
from mlgate.core.errors import MlgateError, UsageError

DEFAULT_DESTINATION = ".mlgate-cache/osv/{ecosystem}/all.zip"


def _copy_from(archive: Path) -> Fetch:
    if not archive.is_file():
        raise UsageError(f"archive {archive}: no such file")

    def fetch(url: str, out: BinaryIO) -> None:
        with archive.open("rb") as source:
            shutil.copyfileobj(source, out)

    return fetch


def command_db(args: argparse.Namespace) -> ExitCode:
    """Download (or copy from ``--archive``) and install the advisory database."""
    destination = Path(args.dest or DEFAULT_DESTINATION.format(ecosystem=args.ecosystem))
    fetch = _copy_from(Path(args.archive)) if args.archive else https_fetch
    try:
        result = update_database(destination, fetch=fetch, ecosystem=args.ecosystem)
    except OsvFormatError as error:
        if args.archive:
            raise UsageError(f"archive {args.archive}: {error}") from None
        raise MlgateError(f"downloaded advisory archive is unusable: {error}") from None
    except OSError as error:
        # Network failures (URLError is an OSError) are the environment's, not the user's.
        raise MlgateError(f"advisory download failed: {error}") from None
    print(
        f"mlgate: installed {result.records} advisory record(s) ({result.size} bytes): "
        f"{result.path}; point the deps check's `advisories` at it"
    )
    return ExitCode.PASS
