"""The ``rego`` check: Conftest-compatible Rego policies and one-line CEL rules."""

from mlgate.checks.rego.check import RegoCheck, RegoConfig

__all__ = ["RegoCheck", "RegoConfig"]
