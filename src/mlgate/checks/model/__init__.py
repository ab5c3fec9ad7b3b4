"""The ``model`` check: champion/challenger performance, fairness and drift gates."""

from mlgate.checks.model.check import ModelCheck
from mlgate.checks.model.config import ModelConfig

__all__ = ["ModelCheck", "ModelConfig"]
