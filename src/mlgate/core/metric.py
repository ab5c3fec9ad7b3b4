"""Metrics: measured values compared with thresholds (model checks produce these)."""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal


class Comparison(StrEnum):
    """How a measured value must relate to its threshold to be acceptable."""

    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="

    def holds(self, value: float, threshold: float) -> bool:
        """Whether ``value <comparison> threshold`` holds; NaN never holds."""
        if math.isnan(value) or math.isnan(threshold):
            return False
        return _OPERATORS[self](value, threshold)


_OPERATORS: dict[Comparison, Callable[[float, float], bool]] = {
    Comparison.LT: operator.lt,
    Comparison.LE: operator.le,
    Comparison.GT: operator.gt,
    Comparison.GE: operator.ge,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class ConfidenceInterval:
    """A two-sided interval at a confidence ``level`` (e.g. 0.95)."""

    low: float
    high: float
    level: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Metric:
    """A named measured value, its acceptance threshold and, where known, its uncertainty.

    When ``decide_on`` is ``"ci_high"`` or ``"ci_low"`` the gate compares that end of the
    confidence interval rather than the point value, so noise alone does not block.
    When ``null_value`` is set (0 for a difference), a confidence interval that contains
    it means "no evidence of an effect": the metric is then acceptable whatever its value,
    so a block needs both a value beyond the threshold and a significant effect.
    """

    name: str
    value: float
    threshold: float | None = None
    comparison: Comparison = Comparison.LE
    ci: ConfidenceInterval | None = None
    n: int | None = None
    description: str | None = None
    decide_on: Literal["value", "ci_low", "ci_high"] = "value"
    null_value: float | None = None

    def decisive_value(self) -> float:
        """The number the threshold is compared with."""
        if self.ci is not None and self.decide_on == "ci_low":
            return self.ci.low
        if self.ci is not None and self.decide_on == "ci_high":
            return self.ci.high
        return self.value

    def is_not_significant(self) -> bool:
        """True when the interval contains ``null_value``: the data show no effect."""
        if self.null_value is None or self.ci is None:
            return False
        return self.ci.low <= self.null_value <= self.ci.high

    def is_acceptable(self) -> bool:
        """True without a threshold, without a significant effect, or when the value meets it."""
        if self.threshold is None:
            return True
        if self.is_not_significant():
            return True
        return self.comparison.holds(self.decisive_value(), self.threshold)
