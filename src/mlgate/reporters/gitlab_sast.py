"""GitLab SAST security report (``gl-sast-report.json``, schema 15.0.7).

GitLab shows these findings in the merge request security widget and the vulnerability
report. Severities map one to one (``info`` -> ``Info`` ... ``critical`` -> ``Critical``).
The primary identifier is the mlgate rule id; CWE ids follow as secondary identifiers.
Check errors and skipped inputs become scan messages, and a verdict that could not
complete (``error``) is a scan with status ``failure``: a partial scan is never shown
as a clean one.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from mlgate.core.finding import Severity
from mlgate.core.verdict import Outcome, Verdict
from mlgate.reporters.base import INFORMATION_URI, TOOL_NAME, Item, dump_json, find_rule
from mlgate.reporters.escaping import shorten
from mlgate.reporters.explain import fix_for, waiver_sentence
from mlgate.reporters.gitlab_common import item_lines, item_path, reported_items, stable_key
from mlgate.reporters.summary import check_errors

SCHEMA_VERSION = "15.0.7"
_SEVERITY = {
    Severity.INFO: "Info",
    Severity.LOW: "Low",
    Severity.MEDIUM: "Medium",
    Severity.HIGH: "High",
    Severity.CRITICAL: "Critical",
}
# Limits from the schema: name 255, solution 7000, description 1 MiB characters.
_NAME_LIMIT = 255
_SOLUTION_LIMIT = 7000
_DESCRIPTION_LIMIT = 1024 * 1024
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NAMESPACE = uuid.UUID("8f0b7a52-3c1e-4c1a-9a57-6d0c2b1f7e11")  # mlgate's own uuid5 namespace


class GitlabSastReporter:
    """The GitLab SAST report; upload it as ``artifacts:reports:sast``."""

    format_id: ClassVar[str] = "gitlab-sast"
    media_type: ClassVar[str] = "application/json"
    default_filename: ClassVar[str] = "gl-sast-report.json"

    def render(self, verdict: Verdict) -> bytes:
        """The report as UTF-8 JSON."""
        return dump_json(sast_report(verdict))


def _time(text: str, extra_seconds: float = 0.0) -> str:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = _EPOCH  # only hand-made verdicts lack a time; the schema still needs one
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment += timedelta(seconds=extra_seconds)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _longest_check(verdict: Verdict) -> float:
    # Checks run in parallel: the longest one is the best lower bound of the wall time.
    durations = [c.duration_seconds for g in verdict.gates for c in g.checks]
    finite = [d for d in durations if d == d and 0 <= d < 10**7]  # d == d drops NaN
    return max(finite, default=0.0)


def _tool() -> dict[str, Any]:
    return {
        "id": TOOL_NAME,
        "name": TOOL_NAME,
        "url": INFORMATION_URI,
        "vendor": {"name": TOOL_NAME},
    }


def _messages(verdict: Verdict) -> list[dict[str, str]]:
    messages: list[dict[str, str]] = []
    for gate in verdict.gates:
        for check in gate.checks:
            for error in check_errors(check):
                text = f"gate {gate.name}: check {check.check_id} failed: {error}"
                messages.append({"level": "fatal", "value": text})
            for skipped in check.skipped:
                text = f"gate {gate.name}: check {check.check_id} skipped {skipped.path}"
                messages.append({"level": "warn", "value": f"{text}: {skipped.reason}"})
        for waiver in gate.waivers_expired:
            text = f"gate {gate.name}: waiver expired: {waiver_sentence(waiver)}"
            messages.append({"level": "warn", "value": text})
    return messages


def _primary(item: Item) -> dict[str, str]:
    rule_id = item.finding.rule_id or "unknown"
    identifier = {"type": "mlgate_rule_id", "name": f"mlgate {rule_id}", "value": rule_id}
    rule = find_rule(item.check, item.finding.rule_id)
    if rule is not None and rule.help_uri and rule.help_uri.startswith(("https://", "http://")):
        identifier["url"] = rule.help_uri
    return identifier


def _identifiers(item: Item) -> list[dict[str, str]]:
    cwes = [
        {
            "type": "cwe",
            "name": f"CWE-{cwe}",
            "value": str(cwe),
            "url": f"https://cwe.mitre.org/data/definitions/{cwe}.html",
        }
        for cwe in dict.fromkeys(item.finding.cwe)
    ]
    return [_primary(item), *cwes]


def _location(item: Item, root: str) -> dict[str, Any]:
    location: dict[str, Any] = {}
    path = item_path(item, root)
    if path is not None:
        location["file"] = path
    lines = item_lines(item)
    if lines is not None:
        location["start_line"], location["end_line"] = lines
    return location


def _vulnerability(item: Item, root: str) -> dict[str, Any]:
    finding = item.finding
    rule = find_rule(item.check, finding.rule_id)
    name = rule.summary if rule is not None and rule.summary else finding.rule_id or "finding"
    where = f"gate {item.gate.name}, check {item.check.check_id}, {item.disposition.value}"
    description = f"{finding.message or name} ({where})"
    vulnerability: dict[str, Any] = {
        "id": str(uuid.uuid5(_NAMESPACE, stable_key(item))),
        "name": shorten(name, _NAME_LIMIT),
        "description": shorten(description, _DESCRIPTION_LIMIT),
        "severity": _SEVERITY[finding.severity],
        "identifiers": _identifiers(item),
        "location": _location(item, root),
    }
    solution = fix_for(finding, rule)
    if solution:
        vulnerability["solution"] = shorten(solution, _SOLUTION_LIMIT)
    return vulnerability


def sast_report(verdict: Verdict) -> dict[str, Any]:
    """The report object: scan metadata, then one vulnerability per reported finding."""
    items = list(reported_items(verdict))
    primaries = {_primary(item)["value"]: _primary(item) for item in items}
    tool = {**_tool(), "version": verdict.tool_version or "unknown"}
    scan: dict[str, Any] = {
        "analyzer": tool,
        "scanner": tool,
        "type": "sast",
        "start_time": _time(verdict.created_at),
        "end_time": _time(verdict.created_at, _longest_check(verdict)),
        "status": "failure" if verdict.outcome is Outcome.ERROR else "success",
        "messages": _messages(verdict),
        "primary_identifiers": list(primaries.values()),
    }
    return {
        "version": SCHEMA_VERSION,
        "scan": scan,
        "vulnerabilities": [_vulnerability(item, verdict.root) for item in items],
    }
