"""The ``sarif`` check: external tools' SARIF 2.1.0 results as mlgate findings."""

from mlgate.checks.sarif.check import SarifCheck, SarifConfig

__all__ = ["SarifCheck", "SarifConfig"]
