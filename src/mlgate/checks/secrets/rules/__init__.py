"""The built-in detector catalogue of the secrets check, one module per provider family."""

from __future__ import annotations

from mlgate.checks.secrets.rules import cloud, generic, saas, vcs
from mlgate.checks.secrets.rules.model import Detector, ValidatorName
from mlgate.core.rule import Rule

__all__ = ["DETECTORS", "RULES", "Detector", "ValidatorName"]

DETECTORS: tuple[Detector, ...] = (
    *cloud.DETECTORS,
    *vcs.DETECTORS,
    *saas.DETECTORS,
    *generic.DETECTORS,
)
RULES: tuple[Rule, ...] = tuple(sorted({d.rule for d in DETECTORS}, key=lambda r: r.id))
