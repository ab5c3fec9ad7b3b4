"""The ``secrets`` check: credentials in code, configs, notebooks and model artifacts."""

from mlgate.checks.secrets.check import SecretsCheck, SecretsConfig

__all__ = ["SecretsCheck", "SecretsConfig"]
