"""The words every reporter uses to explain a block: the fix, the metric, the waiver.

DESIGN.md asks that each block name the rule, the place, the threshold and the
measured value, and how to fix or waive it; the phrasing lives here once.
"""

from __future__ import annotations

import json
import math

from mlgate.core.finding import ArtifactLocation, DatasetLocation, Finding
from mlgate.core.metric import Metric
from mlgate.core.rule import Rule
from mlgate.core.verdict import Verdict, WaiverRecord

# Placeholders that do not validate as a date force a reviewer to edit the pasted waiver.
EXPIRES_PLACEHOLDER = "YYYY-MM-DD"


def number(value: float) -> str:
    """A float in at most six significant digits (``nan``, ``inf`` spelled out)."""
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return f"{value:.6g}"


def fix_for(finding: Finding, rule: Rule | None) -> str | None:
    """How to fix: the finding's own hint, else the rule's remediation."""
    if finding.remediation:
        return finding.remediation
    return rule.remediation if rule is not None and rule.remediation else None


def rule_title(rule_id: str, rule: Rule | None) -> str:
    """``ID slug`` when the slug is known, else the id."""
    return f"{rule_id} {rule.slug}" if rule is not None and rule.slug else rule_id


def measured(metric: Metric) -> str:
    """``auc = 0.81 (95% CI 0.79 to 0.83, n=1200)``."""
    text = f"{metric.name} = {number(metric.value)}"
    extras = []
    if metric.ci is not None:
        level = f"{number(metric.ci.level * 100)}% " if 0 < metric.ci.level <= 1 else ""
        extras.append(f"{level}CI {number(metric.ci.low)} to {number(metric.ci.high)}")
    if metric.n is not None:
        extras.append(f"n={metric.n}")
    return f"{text} ({', '.join(extras)})" if extras else text


def requirement(metric: Metric) -> str:
    """What the threshold demands, naming the CI end when that is what is compared."""
    if metric.threshold is None:
        return "no threshold"
    text = f"must be {metric.comparison.value} {number(metric.threshold)}"
    if metric.decide_on != "value" and metric.ci is not None:
        end = "low" if metric.decide_on == "ci_low" else "high"
        text += f" (compared at the CI's {end} end, {number(metric.decisive_value())})"
    return text


def metric_sentence(metric: Metric) -> str:
    """``auc = 0.81 (...); must be >= 0.85``."""
    return f"{measured(metric)}; {requirement(metric)}"


def _yaml_string(text: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar, whatever characters it holds.
    return json.dumps(text)


def _scope_lines(finding: Finding) -> list[str]:
    if finding.fingerprint:
        return [f"fingerprint: {_yaml_string(finding.fingerprint)}"]
    location = finding.location
    if isinstance(location, ArtifactLocation):
        return [f"artifact: {_yaml_string(location.path)}"]
    if isinstance(location, DatasetLocation) and not location.path:
        return ['path: "<glob of the files it covers>"']
    return [f"path: {_yaml_string(location.path or '')}"]


def waiver_hint(finding: Finding, gate: str) -> str:
    """A ready-to-paste ``waivers:`` entry for ``mlgate.yaml`` covering exactly this finding.

    The reason, owner and expiry are placeholders on purpose: a waiver is a reviewed
    decision, and the expiry placeholder fails validation until someone fills it in.
    """
    lines = [
        "waivers:",
        f"  - rule: {_yaml_string(finding.rule_id)}",
        *(f"    {line}" for line in _scope_lines(finding)),
        '    reason: "<why this risk is accepted>"',
        '    owner: "<who reviewed it>"',
        f"    expires: {EXPIRES_PLACEHOLDER}",
        f"    gates: [{_yaml_string(gate)}]",
    ]
    return "\n".join(lines)


def waiver_sentence(waiver: WaiverRecord) -> str:
    """``#2 PY001 (path=app/*) by alice until 2025-01-31: legacy endpoint``."""
    scope = waiver.scope()
    scope_text = f" ({scope})" if scope else ""
    return (
        f"#{waiver.index} {waiver.rule}{scope_text} by {waiver.owner} "
        f"until {waiver.expires.isoformat()}: {waiver.reason}"
    )


def change_scope_sentence(verdict: Verdict) -> str | None:
    """How a pull-request-mode run was narrowed, or ``None`` for a full run."""
    scope = verdict.changed_since
    if scope is None:
        return None
    left_out = sum(gate.findings_outside_changes for gate in verdict.gates)
    return (
        f"Pull-request mode: only findings on lines changed since {scope.since} "
        f"({scope.changed_files} changed files) were judged; {left_out} finding(s) elsewhere "
        "were left out and are judged by the scheduled full run."
    )
