"""The built-in detector catalogue of the secrets check, one module per provider family."""

from __future__ import annotations

from mlgate.core.rule import Rule
from mlgate.credentials.rules import cloud, generic, saas, vcs
from mlgate.credentials.rules.model import Detector, ValidatorName

__all__ = ["DETECTORS", "RULES", "Detector", "ValidatorName"]

DETECTORS: tuple[Detector, ...] = (
    *cloud.DETECTORS,
    *vcs.DETECTORS,
    *saas.DETECTORS,
    *generic.DETECTORS,
)
RULES: tuple[Rule, ...] = tuple(sorted({d.rule for d in DETECTORS}, key=lambda r: r.id))
