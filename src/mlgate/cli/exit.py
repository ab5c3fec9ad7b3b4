"""Exit codes, one meaning each, the same for every subcommand.

``0`` every gate passed (warnings allowed); ``1`` a gate blocked; ``2`` the user's
input is wrong (one line says why); ``3`` internal error, or a check that could not
finish (crash, timeout, unreadable input): the verdict is incomplete, which is more
serious than a clean block, so it wins.
"""

from __future__ import annotations

from enum import IntEnum

from mlgate.core.verdict import Outcome


class ExitCode(IntEnum):
    """The process exit codes of ``mlgate``."""

    PASS = 0
    BLOCK = 1
    INPUT = 2
    INTERNAL = 3


_BY_OUTCOME = {
    Outcome.PASS: ExitCode.PASS,
    Outcome.BLOCK: ExitCode.BLOCK,
    Outcome.ERROR: ExitCode.INTERNAL,
}


def exit_code_for(outcome: Outcome) -> ExitCode:
    """The exit code of a run whose overall outcome is ``outcome``."""
    return _BY_OUTCOME[outcome]
