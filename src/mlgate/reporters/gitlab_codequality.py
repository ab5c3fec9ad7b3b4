"""GitLab Code Quality report (``gl-code-quality-report.json``, a Code Climate subset).

GitLab documents the format in prose only: an array of issues, each with
``description``, ``check_name``, ``fingerprint`` (unique in the report), ``severity``
(``info``, ``minor``, ``major``, ``critical``, ``blocker``) and ``location.path`` with
``location.lines.begin``. A finding without a line is placed on line 1 of its file, and
one without a file in the project is placed on the policy's directory (``.``), so no
finding disappears from the merge request widget.
"""

from __future__ import annotations

from typing import Any, ClassVar

from mlgate.core.finding import Severity
from mlgate.core.verdict import Verdict
from mlgate.reporters.base import Item, dump_json, find_rule
from mlgate.reporters.escaping import one_line, shorten
from mlgate.reporters.explain import rule_title
from mlgate.reporters.gitlab_common import item_lines, item_path, reported_items, stable_key

_SEVERITY = {
    Severity.INFO: "info",
    Severity.LOW: "minor",
    Severity.MEDIUM: "major",
    Severity.HIGH: "critical",
    Severity.CRITICAL: "blocker",
}
# The widget shows one line per issue; the full text is in the other reports.
_DESCRIPTION_LIMIT = 500


class GitlabCodeQualityReporter:
    """The GitLab Code Quality report; upload it as ``artifacts:reports:codequality``."""

    format_id: ClassVar[str] = "gitlab-codequality"
    media_type: ClassVar[str] = "application/json"
    default_filename: ClassVar[str] = "gl-code-quality-report.json"

    def render(self, verdict: Verdict) -> bytes:
        """The report as UTF-8 JSON."""
        return dump_json(codequality_report(verdict))


def _issue(item: Item, root: str) -> dict[str, Any]:
    finding = item.finding
    title = rule_title(finding.rule_id, find_rule(item.check, finding.rule_id))
    lines = item_lines(item) or (1, 1)
    return {
        "type": "issue",
        "check_name": title or "mlgate",
        "description": shorten(one_line(f"{title}: {finding.message}"), _DESCRIPTION_LIMIT),
        "categories": ["Security"],
        "fingerprint": stable_key(item),
        "severity": _SEVERITY[finding.severity],
        "location": {
            "path": item_path(item, root) or ".",
            "lines": {"begin": lines[0], "end": lines[1]},
        },
    }


def codequality_report(verdict: Verdict) -> list[dict[str, Any]]:
    """One issue per reported finding, in verdict order."""
    return [_issue(item, verdict.root) for item in reported_items(verdict)]
