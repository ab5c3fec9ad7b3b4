"""User-defined detectors: the built-in record format, written in the policy file."""

from __future__ import annotations

import re
from dataclasses import replace

from pydantic import BaseModel, ConfigDict, Field, field_validator

from mlgate.core.finding import Severity
from mlgate.core.rule import Rule
from mlgate.core.severity_field import SeverityName
from mlgate.credentials.rules.model import ROTATE, Detector, secret_rule


class CustomDetector(BaseModel):
    """A team's own credential format (an internal API token, say)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^SECX\d{3}$", description="Rule id, SECX001 to SECX999.")
    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9\-]{2,60}$", description="Readable rule name.")
    summary: str = Field(min_length=3, description="What the credential is.")
    pattern: str = Field(description="Regular expression with a named group `secret`.")
    keywords: list[str] = Field(min_length=1, description="Literals, one of which must occur.")
    entropy: float = Field(default=0.0, ge=0, le=8, description="Minimum bits per character.")
    severity: SeverityName = Severity.HIGH
    remediation: str = ROTATE

    @field_validator("pattern")
    @classmethod
    def _has_secret_group(cls, value: str) -> str:
        try:
            compiled = re.compile(value)
        except re.error as error:
            raise ValueError(f"invalid regular expression: {error}") from None
        if "secret" not in compiled.groupindex:
            raise ValueError("the pattern needs a named group `secret`: (?P<secret>...)")
        return value

    @property
    def rule(self) -> Rule:
        """The rule record this detector reports under."""
        base = secret_rule(0, self.slug, self.severity, self.summary, self.remediation)
        return replace(base, id=self.id, tags=("secrets", "custom"))

    def detector(self) -> Detector:
        """The detector record."""
        return Detector(
            rule=self.rule,
            provider="custom",
            pattern=re.compile(self.pattern),
            keywords=tuple(k.lower() for k in self.keywords),
            entropy=self.entropy,
        )
