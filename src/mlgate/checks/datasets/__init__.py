"""The ``datasets`` check: approved-dataset registry, training lineage, content digests."""

from mlgate.checks.datasets.check import DatasetsCheck, DatasetsConfig

__all__ = ["DatasetsCheck", "DatasetsConfig"]
