"""The ``deps`` check: Python dependencies against an offline OSV database and policy."""

from mlgate.checks.deps.check import DepsCheck, DepsConfig

__all__ = ["DepsCheck", "DepsConfig"]
