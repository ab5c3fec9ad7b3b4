"""One-line CEL rules written in ``mlgate.yaml``, the way a ValidatingAdmissionPolicy writes them.

Each rule's ``expression`` sees the document as ``object`` and must be ``true``;
``false`` is a finding with the rule's ``message``. As with the admission policy's
``failurePolicy: Fail``, an expression that cannot be evaluated on a document (a
missing key without ``has()``, a type error) or that is not boolean is an error of
the check, never a pass. ``kinds`` narrows a rule to documents of those kinds.
Expressions are compiled when the policy file is validated, so a typo is bad input.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from mlgate.core.finding import Severity
from mlgate.core.severity_field import SeverityName

MISSING_CEL = (
    "CEL rules need the `common-expression-language` package: `pip install 'mlgate[policy]'`"
)


class CelRule(BaseModel):
    """A CEL validation: an expression over ``object`` that must hold."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", description="Rule id (cel/<id>).")
    expression: str = Field(min_length=1, description="CEL expression that must be true.")
    message: str = Field(min_length=1, description="What is wrong when it is false.")
    kinds: list[str] = Field(default_factory=list, description="Only documents of these kinds.")
    severity: SeverityName = Field(default=Severity.HIGH, description="Severity of a violation.")

    @field_validator("expression")
    @classmethod
    def _compiles(cls, expression: str) -> str:
        if importlib.util.find_spec("cel") is None:
            raise ValueError(MISSING_CEL)
        import cel  # deferred: optional `policy` extra

        try:
            cel.compile(expression)
        except ValueError as error:
            raise ValueError(str(error).splitlines()[0]) from None
        return expression


@dataclass(frozen=True, slots=True)
class CelOutcome:
    """A rule that did not hold on a document, or could not be evaluated on it."""

    rule: CelRule
    error: str | None


def _applies(rule: CelRule, document: Any) -> bool:
    if not isinstance(document, dict):
        return False
    return not rule.kinds or document.get("kind") in rule.kinds


class CelEvaluator:
    """The rules of one run, each compiled once."""

    def __init__(self, rules: list[CelRule]) -> None:
        import cel  # deferred: optional `policy` extra

        self._programs = [(rule, cel.compile(rule.expression)) for rule in rules]

    def evaluate(self, document: Any) -> list[CelOutcome]:
        """Every rule that fails (or errs) on one document."""
        outcomes: list[CelOutcome] = []
        for rule, program in self._programs:
            if _applies(rule, document):
                outcome = _outcome(rule, program, document)
                outcomes += [outcome] if outcome is not None else []
        return outcomes


def _outcome(rule: CelRule, program: Any, document: Any) -> CelOutcome | None:
    try:
        value = program.execute({"object": document})
    except (KeyError, ValueError, TypeError, RuntimeError) as error:
        return CelOutcome(rule, f"cannot be evaluated: {type(error).__name__}: {error}")
    if not isinstance(value, bool):
        return CelOutcome(rule, f"returned {type(value).__name__}, not a boolean")
    return None if value else CelOutcome(rule, None)
