"""Neutral records of a SARIF log: what the reader extracts, before any mapping.

Each record mirrors one SARIF object, keeps only the fields mlgate uses, and holds
values that are already type-checked and bounded by :mod:`mlgate.checks.sarif.reader`.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True, kw_only=True)
class Properties:
    """The parts of a SARIF property bag that carry meaning for mlgate."""

    security_severity: str | None = None
    tags: tuple[str, ...] = ()
    cwe: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Descriptor:
    """A ``reportingDescriptor``: one rule of a tool component."""

    id: str | None = None
    name: str | None = None
    short_description: str | None = None
    full_description: str | None = None
    help_text: str | None = None
    help_uri: str | None = None
    default_level: str | None = None
    message_strings: dict[str, str] = field(default_factory=dict)
    properties: Properties = field(default_factory=Properties)


@dataclass(frozen=True, slots=True, kw_only=True)
class Component:
    """A tool component (the driver or an extension) and its rules."""

    name: str
    rules: tuple[Descriptor, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class UriRef:
    """An ``artifactLocation``: a URI, possibly relative to a named base."""

    uri: str | None = None
    base_id: str | None = None
    index: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Region:
    """The 1-based line/column span of a ``region``, and its snippet text."""

    start_line: int | None = None
    start_column: int | None = None
    end_line: int | None = None
    end_column: int | None = None
    snippet: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PhysicalLocation:
    """A ``physicalLocation``: an artifact and a region of it."""

    artifact: UriRef
    region: Region | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Step:
    """One ``threadFlowLocation`` of a code flow."""

    location: PhysicalLocation | None
    message: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Result:
    """One ``result``, with its rule reference left unresolved."""

    rule_id: str | None = None
    rule_index: int | None = None
    component_index: int | None = None
    component_name: str | None = None
    kind: str = "fail"
    level: str | None = None
    message_text: str | None = None
    message_id: str | None = None
    arguments: tuple[str, ...] = ()
    location: PhysicalLocation | None = None
    flow: tuple[Step, ...] = ()
    properties: Properties = field(default_factory=Properties)
    fingerprints: tuple[tuple[str, str], ...] = ()
    is_suppressed: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Notification:
    """An error-level ``toolExecutionNotification``: the scan may be incomplete."""

    message: str
    rule_id: str | None = None
    location: PhysicalLocation | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Run:
    """One ``run``: a tool, its rules, its results and how to resolve its URIs."""

    tool: str
    tool_version: str | None = None
    driver: Component
    extensions: tuple[Component, ...] = ()
    results: tuple[Result, ...] = ()
    base_uris: dict[str, UriRef] = field(default_factory=dict)
    artifacts: tuple[UriRef | None, ...] = ()
    execution_failed: bool = False
    notifications: tuple[Notification, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class SarifLog:
    """A whole SARIF log: its runs in document order."""

    runs: tuple[Run, ...]
