"""The ``sast`` check: a taint-tracking analyser for Python web APIs."""

from mlgate.checks.sast.check import SastCheck, SastConfig
from mlgate.checks.sast.engine import SourceFile, scan_sources

__all__ = ["SastCheck", "SastConfig", "SourceFile", "scan_sources"]
