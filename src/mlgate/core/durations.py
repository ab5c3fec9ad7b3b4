"""Durations as people write them in policies and on command lines: ``90s`` to ``2w``.

One parser and one printer, so ``mlgate verify --max-age`` and the ``images`` check's
``max_age`` accept the same words and report ages the same way.
"""

from __future__ import annotations

import re
from datetime import timedelta

from mlgate.core.errors import UsageError

_DURATION = re.compile(r"^(\d+)([smhdw])$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str, *, what: str = "duration") -> timedelta:
    """``90s``, ``30m``, ``24h``, ``7d``, ``2w`` as a positive duration.

    ``what`` names the setting in the error, so the user sees which value is wrong.
    """
    match = _DURATION.match(text.strip())
    if match is None or int(match.group(1)) == 0:
        raise UsageError(f"{what} {text!r}: expected a positive number and a unit, like 24h")
    return timedelta(seconds=int(match.group(1)) * _UNIT_SECONDS[match.group(2)])


def describe_duration(duration: timedelta) -> str:
    """A duration as people say it: ``90s``, ``30m``, ``25h``, ``7d`` (days from two on)."""
    seconds = int(duration.total_seconds())
    if seconds >= 2 * 86400 and seconds % 86400 == 0:
        return f"{seconds // 86400}d"
    for unit, size in (("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
