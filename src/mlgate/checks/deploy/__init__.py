"""The ``deploy`` check: container and Kubernetes policy, API rate limiting."""

from mlgate.checks.deploy.check import DeployCheck, DeployConfig

__all__ = ["DeployCheck", "DeployConfig"]
