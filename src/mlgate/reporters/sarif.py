"""SARIF 2.1.0 for GitHub code scanning and any other SARIF consumer.

Layout: **one run per gate name**, each with ``automationDetails.id`` ``mlgate/<gate>/``.
GitHub treats that id as the analysis category and, since July 2025, rejects an upload
holding several runs of one tool with the same category; distinct ids per gate keep one
file uploadable while each gate keeps its own alerts, rules (default levels follow that
gate's ``fail_on``) and ``executionSuccessful``. Shards of one gate (merged verdicts)
share a run for the same reason. Do not set ``category:`` on ``upload-sarif`` for this
file: it would give every run the same category.

Paths are relative to ``%SRCROOT%``; a path that cannot be made relative gets no
``physicalLocation`` (GitHub rejects absolute paths it cannot map), only its name in
``properties``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePosixPath
from typing import Any, ClassVar
from urllib.parse import quote

from mlgate.core.finding import (
    ArtifactLocation,
    DatasetLocation,
    FlowStep,
    Location,
    SourceLocation,
    describe_location,
)
from mlgate.core.verdict import Disposition, GateVerdict, JudgedFinding, Outcome, Verdict
from mlgate.reporters.base import (
    INFORMATION_URI,
    TOOL_NAME,
    Item,
    dump_json,
    finding_level,
    relative_path,
    source_span,
)
from mlgate.reporters.explain import waiver_sentence
from mlgate.reporters.sarif_rules import rule_table
from mlgate.reporters.summary import check_errors

SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "mlgate/v1"
# A finding property saying what an artifact offset counts bytes of (see _byte_region).
_OFFSET_BASE = "offset_base"


class SarifReporter:
    """SARIF 2.1.0, one run per gate, accepted by GitHub code scanning."""

    format_id: ClassVar[str] = "sarif"
    media_type: ClassVar[str] = "application/sarif+json"
    default_filename: ClassVar[str] = "mlgate.sarif"

    def render(self, verdict: Verdict) -> bytes:
        """The SARIF log as UTF-8 JSON."""
        return dump_json(sarif_log(verdict))


def sarif_log(verdict: Verdict) -> dict[str, Any]:
    """The SARIF log object (a verdict without gates still gets one, empty, run)."""
    groups: dict[str, list[GateVerdict]] = {}
    for gate in verdict.gates:
        groups.setdefault(gate.name, []).append(gate)
    runs = [_run(name, gates, verdict) for name, gates in groups.items()]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": runs or [_run("", [], verdict)],
    }


def _run(name: str, gates: Sequence[GateVerdict], verdict: Verdict) -> dict[str, Any]:
    items = [Item(g, c, j) for g in gates for c in g.checks for j in c.findings]
    declared = [rule for gate in gates for check in gate.checks for rule in check.rules]
    fail_on = gates[0].fail_on if gates else "high"
    rules, index = rule_table(declared, [item.finding for item in items], fail_on=fail_on)
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": TOOL_NAME,
                "version": verdict.tool_version,
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }
        },
        "automationDetails": {"id": f"{TOOL_NAME}/{name}/"},
        "invocations": [_invocation(gates, verdict.root)],
        "columnKind": "unicodeCodePoints",
        "results": [_result(item, index, verdict) for item in items],
        "properties": {
            "mlgate/gate": name,
            "mlgate/outcomes": [gate.outcome.value for gate in gates],
        },
    }
    base = _root_uri(verdict.root)
    if base is not None:
        run["originalUriBaseIds"] = {SRCROOT: {"uri": base}}
    return run


def _root_uri(root: str) -> str | None:
    path = PurePosixPath(root)
    return path.as_uri() + ("" if root.endswith("/") else "/") if path.is_absolute() else None


def _uri(path: str | None, root: str) -> str | None:
    relative = relative_path(path, root)
    # Percent-encoding keeps ``:``, ``%``, ``#`` and spaces from being read as URI syntax.
    if relative is None:
        return None
    # backslashreplace: a lone surrogate (from a hostile file name) cannot be UTF-8 encoded.
    return quote(relative, safe="/", errors="backslashreplace")


def _physical(
    location: Location, root: str, *, member_view: bool = False, container_offset: bool = False
) -> dict[str, Any] | None:
    """Where a result is; for an archive member, the file (default) or the member itself.

    Code scanning links a result to a repository file by its URI, so the primary location
    names the file that holds the member; ``member_view`` gives the precise location
    (``model.pt#archive/data.pkl`` and the offset within the member) for related locations.
    """
    uri = _uri(location.path, root)
    if uri is None:
        return None
    region: dict[str, Any] = {}
    if isinstance(location, SourceLocation):
        region = _region(location)
    elif isinstance(location, ArtifactLocation):
        region = _byte_region(location, member_view=member_view, container_offset=container_offset)
        if member_view:
            uri = _artifact_uri(uri, location)
    physical: dict[str, Any] = {"artifactLocation": {"uri": uri, "uriBaseId": SRCROOT}}
    if region:
        physical["region"] = region
    return physical


def _artifact_uri(uri: str, location: ArtifactLocation) -> str:
    """``model.pt#archive/data.pkl``: a member is the fragment of its file's URI.

    Both parts are percent-encoded, so a ``#`` in a file or member name stays data.
    """
    member = quote(location.member or "", safe="/", errors="backslashreplace")
    return f"{uri}#{member}"


def _byte_region(
    location: ArtifactLocation, *, member_view: bool, container_offset: bool
) -> dict[str, Any]:
    """``byteOffset`` within the artifact the URI names (the member, else the file).

    A member's offset counts bytes of the member, so it belongs only to the member's
    URI; a zip header's offset counts bytes of the archive enclosing the member, which
    the URI does not name when archives nest: it stays a property only.
    """
    if location.offset is None or location.offset < 0:
        return {}  # a re-rendered verdict may carry anything; SARIF needs a real offset
    if location.member and (container_offset or not member_view):
        return {}
    return {"byteOffset": location.offset}


def _region(location: SourceLocation) -> dict[str, Any]:
    span = source_span(location)
    if span is None:
        return {}
    start, column, end, end_column = span
    optional = {"startColumn": column, "endLine": end, "endColumn": end_column}
    region: dict[str, Any] = {"startLine": start}
    region.update({key: value for key, value in optional.items() if value is not None})
    if location.snippet:
        region["snippet"] = {"text": location.snippet}
    return region


def _logical(location: Location) -> list[dict[str, str]]:
    if isinstance(location, ArtifactLocation) and location.member:
        qualified = f"{location.path}!{location.member}"
        return [{"name": location.member, "fullyQualifiedName": qualified, "kind": "resource"}]
    if isinstance(location, DatasetLocation) and location.dataset_id:
        qualified = f"dataset:{location.dataset_id}"
        return [{"name": location.dataset_id, "fullyQualifiedName": qualified, "kind": "resource"}]
    return []


def _location_properties(location: Location, has_physical: bool) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    if isinstance(location, ArtifactLocation) and location.offset is not None:
        properties["mlgate/offset"] = location.offset
    if isinstance(location, DatasetLocation) and location.column:
        properties["mlgate/column"] = location.column
    if not has_physical and location.path:
        properties["mlgate/path"] = location.path
    return properties


def _location(
    location: Location, root: str, *, member_view: bool = False, container_offset: bool = False
) -> dict[str, Any]:
    physical = _physical(location, root, member_view=member_view, container_offset=container_offset)
    result: dict[str, Any] = {}
    if physical is not None:
        result["physicalLocation"] = physical
    logical = _logical(location)
    if logical:
        result["logicalLocations"] = logical
    properties = _location_properties(location, physical is not None)
    if properties:
        result["properties"] = properties
    if physical is None:
        result["message"] = {"text": describe_location(location) or "unknown location"}
    return result


def _code_flow(flow: Sequence[FlowStep], root: str) -> dict[str, Any]:
    steps = []
    for step in flow:
        location = _location(step.location, root)
        location["message"] = {"text": step.message or "(step)"}
        steps.append({"location": location})
    return {"threadFlows": [{"locations": steps}]}


def _suppression(judged: JudgedFinding) -> dict[str, Any] | None:
    if judged.disposition is Disposition.WAIVED:
        waiver = judged.waiver
        suppression: dict[str, Any] = {"kind": "external", "status": "accepted"}
        if waiver is not None:
            suppression["justification"] = waiver.reason
            suppression["properties"] = {
                "mlgate/waiver": waiver_sentence(waiver),
                "mlgate/owner": waiver.owner,
                "mlgate/expires": waiver.expires.isoformat(),
            }
        return suppression
    if judged.disposition is Disposition.BASELINED:
        justification = "accepted as existing debt in the mlgate baseline"
        return {"kind": "external", "status": "accepted", "justification": justification}
    return None


def _result(item: Item, index: dict[str, int], verdict: Verdict) -> dict[str, Any]:
    finding = item.finding
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": index[finding.rule_id],
        "level": finding_level(item),
        "message": {"text": finding.message or finding.rule_id or "finding"},
        "locations": [_location(finding.location, verdict.root)],
        "properties": {
            "mlgate/disposition": item.disposition.value,
            "mlgate/gate": item.gate.name,
            "mlgate/gateMode": item.gate.mode.value,
            "mlgate/check": item.check.check_id,
            "mlgate/severity": finding.severity.label,
        },
    }
    if finding.tags:
        result["properties"]["tags"] = list(dict.fromkeys(finding.tags))
    # The check's own details (an opcode path, a commit) and the already-redacted evidence.
    result["properties"].update({f"mlgate/{key}": value for key, value in finding.properties})
    if finding.evidence:
        result["properties"]["mlgate/evidence"] = finding.evidence
    if finding.fingerprint:
        result["partialFingerprints"] = {FINGERPRINT_KEY: finding.fingerprint}
    if isinstance(finding.location, ArtifactLocation) and finding.location.member:
        container_offset = (_OFFSET_BASE, "container") in finding.properties
        member = _location(
            finding.location, verdict.root, member_view=True, container_offset=container_offset
        )
        member["id"] = 1
        member["message"] = {"text": f"archive member {finding.location.member}"}
        result["relatedLocations"] = [member]
    if finding.flow:
        result["codeFlows"] = [_code_flow(finding.flow, verdict.root)]
    suppression = _suppression(item.judged)
    if suppression is not None:
        result["suppressions"] = [suppression]
    if verdict.baseline is not None:
        baselined = item.disposition is Disposition.BASELINED
        result["baselineState"] = "unchanged" if baselined else "new"
    return result


def _notification(level: str, descriptor: str, text: str, check: str | None) -> dict[str, Any]:
    notification: dict[str, Any] = {
        "level": level,
        "descriptor": {"id": descriptor},
        "message": {"text": text},
    }
    if check is not None:
        notification["properties"] = {"mlgate/check": check}
    return notification


def _gate_errors(gate: GateVerdict) -> list[dict[str, Any]]:
    # A gate can error without any check erroring (it has no checks at all).
    if gate.outcome is not Outcome.ERROR or any(check_errors(c) for c in gate.checks):
        return []
    reasons = gate.reasons or ("the gate could not complete",)
    return [_notification("error", "gate-error", f"gate {gate.name}: {r}", None) for r in reasons]


def _invocation(gates: Sequence[GateVerdict], root: str) -> dict[str, Any]:
    execution: list[dict[str, Any]] = []
    for gate in gates:
        execution.extend(_gate_errors(gate))
        for check in gate.checks:
            for message in check_errors(check):
                text = f"check {check.check_id} failed: {message}"
                execution.append(_notification("error", "check-error", text, check.check_id))
            for skipped in check.skipped:
                text = f"check {check.check_id} skipped {skipped.path}: {skipped.reason}"
                notice = _notification("warning", "skipped-input", text, check.check_id)
                physical = _physical(SourceLocation(path=skipped.path), root)
                if physical is not None:
                    notice["locations"] = [{"physicalLocation": physical}]
                execution.append(notice)
    configuration = [
        _notification("warning", "expired-waiver", f"waiver expired: {waiver_sentence(w)}", None)
        for gate in gates
        for w in gate.waivers_expired
    ]
    invocation: dict[str, Any] = {
        "executionSuccessful": not any(n["level"] == "error" for n in execution),
        "toolExecutionNotifications": execution,
    }
    if configuration:
        invocation["toolConfigurationNotifications"] = configuration
    return invocation
