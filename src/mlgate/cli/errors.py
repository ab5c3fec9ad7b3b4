"""Turning exceptions into one clear line and the right exit code."""

from __future__ import annotations

import sys
from collections.abc import Callable

from mlgate.cli.exit import ExitCode


def guarded(action: Callable[[], ExitCode], *, verbose: bool) -> ExitCode:
    """Run ``action``; map mlgate's errors to their codes and anything else to internal."""
    from mlgate.core.errors import MlgateError

    try:
        return action()
    except MlgateError as error:
        if verbose:
            raise
        print(f"mlgate: error: {error.diagnostics()}", file=sys.stderr)
        return ExitCode(error.exit_code)
    except KeyboardInterrupt:
        print("mlgate: interrupted", file=sys.stderr)
        return ExitCode.INTERNAL
    except Exception as error:  # the last line of defence: report, exit 3
        if verbose:
            raise
        print(
            f"mlgate: internal error: {type(error).__name__}: {error} "
            "(run with --verbose for the traceback)",
            file=sys.stderr,
        )
        return ExitCode.INTERNAL
