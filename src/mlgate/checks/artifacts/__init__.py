"""The ``artifacts`` check: unsafe-deserialization scanner for model files."""

from mlgate.checks.artifacts.check import ArtifactsCheck, ArtifactsConfig

__all__ = ["ArtifactsCheck", "ArtifactsConfig"]
