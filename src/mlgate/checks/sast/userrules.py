"""The ``rules:`` section of the sast config: a team's own sources, sinks and sanitizers.

Records mirror the built-in rule format (:mod:`mlgate.checks.sast.rules.model`) and
are merged into it, so a framework the built-ins do not know is analysed exactly like
Flask: flows, summaries across modules, fingerprints and fix hints. A sink's ``kind``
picks the rule, hence its id and by default its CWE and severity (``sql`` is SAST089,
CWE-89, high); a sink may override both.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from mlgate.checks.sast.rules.model import RECEIVER, SanitizerSpec, SinkSpec, SourceSpec, VulnClass
from mlgate.core.severity_field import SeverityName

USER_FRAMEWORK = "user"


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class UserSource(_Record):
    """An attribute or call whose value is attacker-controlled."""

    name: str = Field(
        min_length=1,
        description="Fully qualified attribute or function after import resolution "
        "(acme.web.request.params, acme.web.get_param).",
    )
    description: str = Field(default="user-declared source", description="Shown in findings.")


class UserSink(_Record):
    """A call whose listed arguments must not carry taint of ``kind``."""

    callee: str = Field(
        min_length=1,
        description="Fully qualified function (acme.db.run) or `.method` for a method of "
        "any receiver (.run_query).",
    )
    kind: VulnClass = Field(description="Vulnerability class: decides rule id, CWE and severity.")
    args: list[int] = Field(
        default_factory=lambda: [0],
        description=f"0-based positions of the checked arguments ({RECEIVER}: the receiver).",
    )
    kwargs: list[str] = Field(default_factory=list, description="Checked keyword arguments.")
    hint: str = Field(min_length=1, description="The fix shown with each finding.")
    severity: SeverityName | None = Field(
        default=None, description="Overrides the severity of the kind's rule for this sink."
    )
    cwe: list[int] = Field(
        default_factory=list, description="Overrides the CWE ids of the kind's rule (e.g. [564])."
    )


class UserSanitizer(_Record):
    """A call whose result is clean for the listed classes."""

    callee: str = Field(min_length=1, description="Fully qualified function or `.method`.")
    clears: list[VulnClass] = Field(min_length=1, description="Classes the result is clean of.")


class UserRules(_Record):
    """The ``rules:`` section: extra records merged into the built-in rules."""

    sources: list[UserSource] = Field(default_factory=list)
    sinks: list[UserSink] = Field(default_factory=list)
    sanitizers: list[UserSanitizer] = Field(default_factory=list)

    def source_specs(self) -> tuple[SourceSpec, ...]:
        """The sources as engine records."""
        return tuple(
            SourceSpec(name=s.name, framework=USER_FRAMEWORK, description=s.description)
            for s in self.sources
        )

    def sink_specs(self) -> tuple[SinkSpec, ...]:
        """The sinks as engine records."""
        return tuple(
            SinkSpec(
                callee=s.callee,
                vuln=s.kind,
                args=tuple(s.args),
                kwargs=tuple(s.kwargs),
                hint=s.hint,
                severity=s.severity,
                cwe=tuple(s.cwe),
            )
            for s in self.sinks
        )

    def sanitizer_specs(self) -> tuple[SanitizerSpec, ...]:
        """The sanitizers as engine records."""
        return tuple(
            SanitizerSpec(callee=s.callee, clears=frozenset(c.value for c in s.clears))
            for s in self.sanitizers
        )
