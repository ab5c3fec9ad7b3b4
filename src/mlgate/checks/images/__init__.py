"""The ``images`` check: Trivy and Grype image and filesystem scan reports."""

from mlgate.checks.images.check import ImagesCheck, ImagesConfig

__all__ = ["ImagesCheck", "ImagesConfig"]
