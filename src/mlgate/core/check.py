"""The Check role: a plug-in unit with an id, a config schema and ``run(ctx, config)``.

A check observes and reports; it never decides pass or block (that is
:func:`mlgate.core.decision.decide`). Third-party checks register under the
``mlgate.checks`` entry-point group exactly like the built-in ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, ClassVar, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from mlgate.core.figure import Figure, check_figure_count
from mlgate.core.finding import Finding, SkippedInput
from mlgate.core.fs import iter_input_files
from mlgate.core.metric import Metric
from mlgate.core.rule import Rule
from mlgate.core.severity_field import SeverityName


class CheckConfig(BaseModel):
    """Settings every check accepts; a check's own ``Config`` subclasses this."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    paths: list[str] = Field(
        default_factory=lambda: ["."],
        description="Files, directories or globs (relative to the policy file) to look in.",
    )
    include: list[str] = Field(
        default_factory=list,
        description="Glob patterns a file found under `paths` must match (empty: every file).",
    )
    exclude: list[str] = Field(
        default_factory=list, description="Glob patterns of paths never to examine."
    )
    timeout: float = Field(
        default=600.0, gt=0, description="Seconds after which the check is stopped (gate error)."
    )
    fail_on: SeverityName | None = Field(
        default=None, description="Overrides the gate's fail_on for this check's findings."
    )
    memory_mb: int | None = Field(
        default=4096,
        gt=0,
        description="Address-space budget of the check's process in MiB; null for no limit.",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckResult:
    """What one check run observed.

    ``errors`` are failures to examine something the check was asked to examine;
    any error makes the gate ``error`` (fail closed). ``inputs`` counts what was
    actually examined, so an empty scan is visible. ``rules`` describes the rules the
    findings name (the runner adds the check's static rules), so every report and a
    re-rendered verdict can explain them without loading the check again. ``figures``
    hold the data of the report's pictures (see :mod:`mlgate.core.figure`).
    """

    findings: tuple[Finding, ...] = ()
    metrics: tuple[Metric, ...] = ()
    skipped: tuple[SkippedInput, ...] = ()
    errors: tuple[str, ...] = ()
    inputs: int = 0
    rules: tuple[Rule, ...] = ()
    figures: tuple[Figure, ...] = ()

    def __post_init__(self) -> None:
        check_figure_count(self.figures)


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckContext:
    """Where and when a check runs. Plain data, so it crosses process boundaries."""

    root: Path
    gate: str
    today: date

    def input_files(self, config: CheckConfig) -> Iterator[Path]:
        """Regular files selected by ``config.paths`` minus ``config.exclude``, inside root."""
        return iter_input_files(self.root, config.paths, config.exclude, config.include)

    def display_path(self, path: Path) -> str:
        """The path as reports show it: relative to root with forward slashes."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()


@runtime_checkable
class Check(Protocol):
    """The protocol every check class satisfies.

    ``run`` takes ``config: Any`` because each check narrows it to its own ``Config``
    subclass; the registry guarantees the runner passes an instance of ``Config``.
    """

    id: ClassVar[str]
    summary: ClassVar[str]
    Config: ClassVar[type[CheckConfig]]
    rules: ClassVar[tuple[Rule, ...]]

    def run(self, ctx: CheckContext, config: Any) -> CheckResult:
        """Examine the configured inputs and report findings and metrics."""
        ...
