"""From SARIF's vocabulary to mlgate's: rule ids, severities, CWEs, messages, evidence.

Pure functions over the reader's records; no I/O. The rules for each mapping are
documented where they are applied, and summarised in the check's docstring.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase

from mlgate.checks.sarif.records import Component, Descriptor, Properties, Result, Run
from mlgate.core.finding import Severity
from mlgate.core.rule import Rule
from mlgate.core.text import shorten

_LEVELS = {
    "error": Severity.HIGH,
    "warning": Severity.MEDIUM,
    "note": Severity.LOW,
    "none": Severity.INFO,
}
# CVSS-like bands used by GitHub code scanning for ``security-severity``.
_SCORE_BANDS = ((9.0, Severity.CRITICAL), (7.0, Severity.HIGH), (4.0, Severity.MEDIUM))
NOT_FINDINGS = frozenset({"pass", "notApplicable", "informational"})
MAX_CWE = 99_999
MAX_REMEDIATION = 1000
MAX_MESSAGE = 4000
MAX_SNIPPET_CHARS = 300
MAX_SNIPPET_LINES = 3
MAX_HIERARCHY = 8

_CWE_IN_TEXT = re.compile(r"(?i)(?<![a-z])cwe[-_:/ ]?0*(\d{1,6})(?!\d)")
_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{(\d{1,3})\}")
# CodeQL-style embedded links "[text](1)" point at relatedLocations; keep the text.
_EMBEDDED_LINK = re.compile(r"\[([^\[\]]{0,500})\]\((\d{1,6})\)")
# Rule ids are typed in waivers and on command lines: no blanks, one "/" after the tool.
_TOOL_SEPARATORS = re.compile(r"[\s/]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NON_SLUG = re.compile(r"[^a-z0-9]+")
_SECRET_ASSIGNMENT = re.compile(
    r"(?i)((?:pass(?:word|wd)?|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key"
    r"|credential|auth)\w{0,40}[\"']?\s{0,5}[:=]{1,2}\s{0,5}[\"']?)([^\"'\s,;)]{1,300})"
)
_LONG_TOKEN = re.compile(r"[A-Za-z0-9+/=_\-]{16,}")
REDACTED = "***"


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleRef:
    """A result's rule: the mlgate id, the tool's own id and its descriptor if known."""

    rule_id: str
    native_id: str
    descriptor: Descriptor | None


class RuleBook:
    """Rule lookup for one run, by index or id, across the driver and its extensions."""

    def __init__(self, run: Run) -> None:
        self._run = run
        self._components = (run.driver, *run.extensions)
        self._by_id = [_index_by_id(component) for component in self._components]

    def resolve(self, result: Result) -> RuleRef:
        """Find the rule a result names (``ruleIndex``, ``rule`` reference, ``ruleId``)."""
        position = self._component_position(result)
        descriptor = self._by_index(position, result) or self._by_name(position, result.rule_id)
        native = result.rule_id or (descriptor.id if descriptor else None) or "unknown-rule"
        rule_id = f"{tool_id(self._run.tool)}/{native}"
        return RuleRef(rule_id=rule_id, native_id=native, descriptor=descriptor)

    def _component_position(self, result: Result) -> int:
        # toolComponent.index counts extensions; the driver is referenced by name only.
        if result.component_index is not None and result.component_index < len(
            self._run.extensions
        ):
            return result.component_index + 1
        wanted = (result.component_name or "").casefold()
        for position, component in enumerate(self._components):
            if wanted and component.name.casefold() == wanted:
                return position
        return 0

    def _by_index(self, position: int, result: Result) -> Descriptor | None:
        rules = self._components[position].rules
        if result.rule_index is None or result.rule_index >= len(rules):
            return None
        candidate = rules[result.rule_index]
        # ruleId and ruleIndex must agree; when they do not, the id is the safer guide.
        if result.rule_id and candidate.id and not _same_rule(result.rule_id, candidate.id):
            return None
        return candidate

    def _by_name(self, position: int, rule_id: str | None) -> Descriptor | None:
        if not rule_id:
            return None
        order = (position, *(i for i in range(len(self._components)) if i != position))
        for candidate in _hierarchy(rule_id):
            for index in order:
                found = self._by_id[index].get(candidate)
                if found is not None:
                    return found
        return None


def tool_id(name: str) -> str:
    """The rule-id prefix for a driver name: ``Semgrep OSS`` -> ``Semgrep-OSS``."""
    return _TOOL_SEPARATORS.sub("-", name.strip()).strip("-") or "sarif"


def _index_by_id(component: Component) -> dict[str, Descriptor]:
    index: dict[str, Descriptor] = {}
    for descriptor in component.rules:
        if descriptor.id is not None:
            index.setdefault(descriptor.id, descriptor)
    return index


def _hierarchy(rule_id: str) -> list[str]:
    """``a/b/c`` then ``a/b`` then ``a``: SARIF rule ids may extend a descriptor's id."""
    parts = rule_id.split("/", MAX_HIERARCHY)
    return ["/".join(parts[:end]) for end in range(len(parts), 0, -1)]


def _same_rule(rule_id: str, descriptor_id: str) -> bool:
    return rule_id == descriptor_id or rule_id.startswith(descriptor_id + "/")


# --- severity ---------------------------------------------------------------------------


def severity_from_score(raw: str | None) -> Severity | None:
    """Map a ``security-severity`` score (0-10, CVSS-like) to a severity band."""
    if raw is None:
        return None
    try:
        score = float(raw)
    except ValueError:
        return None
    if not math.isfinite(score) or score < 0:
        return None
    for bound, severity in _SCORE_BANDS:
        if score >= bound:
            return severity
    return Severity.LOW if score > 0 else Severity.INFO


def _level(result: Result, descriptor: Descriptor | None) -> str:
    """The effective SARIF level, with the defaults of SARIF 2.1.0 §3.27.10."""
    if result.level in _LEVELS:
        return result.level
    if result.kind != "fail":
        return "none"
    default = descriptor.default_level if descriptor else None
    return default if default in _LEVELS else "warning"


def result_severity(result: Result, descriptor: Descriptor | None) -> Severity:
    """``security-severity`` (result, then rule) wins; else the effective level."""
    rule_score = descriptor.properties.security_severity if descriptor else None
    for raw in (result.properties.security_severity, rule_score):
        severity = severity_from_score(raw)
        if severity is not None:
            return severity
    return _LEVELS[_level(result, descriptor)]


def rule_severity(descriptor: Descriptor | None) -> Severity:
    """A rule's default severity, as a result with no level of its own would get."""
    return result_severity(Result(), descriptor)


def apply_overrides(
    rule_id: str, severity: Severity, overrides: Mapping[str, Severity]
) -> Severity:
    """The last override whose glob matches the rule id wins, as in ``.gitignore``.

    Globs match like waiver ``rule`` patterns (``fnmatch``, ``*`` spans ``/``).
    """
    for pattern, replacement in overrides.items():
        if fnmatchcase(rule_id, pattern):
            severity = replacement
    return severity


# --- CWE, tags, messages ----------------------------------------------------------------


def cwe_ids(*bags: Properties) -> tuple[int, ...]:
    """CWE numbers from tags (``external/cwe/cwe-089``, ``CWE-89: ...``) and ``cwe`` values."""
    found: set[int] = set()
    for bag in bags:
        for tag in bag.tags:
            found.update(int(match) for match in _CWE_IN_TEXT.findall(tag))
        for value in bag.cwe:
            if value.strip().isdigit():
                found.add(int(value))
            else:
                found.update(int(match) for match in _CWE_IN_TEXT.findall(value))
    return tuple(sorted(n for n in found if 0 < n <= MAX_CWE))


def merged_tags(*groups: Iterable[str]) -> tuple[str, ...]:
    """Tags of several bags, first occurrence kept, in order."""
    return tuple(dict.fromkeys(tag for group in groups for tag in group))


def format_message(template: str, arguments: tuple[str, ...]) -> str:
    """Substitute ``{0}``-style arguments and unescape ``{{``/``}}`` (SARIF §3.11.5)."""

    def substitute(match: re.Match[str]) -> str:
        if match.group(1) is None:
            return match.group(0)[0]
        index = int(match.group(1))
        return arguments[index] if index < len(arguments) else match.group(0)

    # Arguments may repeat a placeholder: cap the result, not only the template.
    formatted = _PLACEHOLDER.sub(substitute, template)
    formatted = shorten(formatted, MAX_MESSAGE)
    return _EMBEDDED_LINK.sub(r"\1", formatted)


def result_message(result: Result, ref: RuleRef) -> str:
    """``message.text``, else the rule's ``messageStrings[message.id]``, else its summary."""
    descriptor = ref.descriptor
    template = result.message_text
    if template is None and result.message_id and descriptor is not None:
        template = descriptor.message_strings.get(result.message_id)
    if template is not None:
        return format_message(template, result.arguments)
    if descriptor is not None:
        summary = descriptor.short_description or descriptor.full_description
        if summary:
            return summary
    return f"{ref.native_id} reported"


def slugify(text: str) -> str:
    """``DoNotUseMd5`` / ``hardcoded_password`` -> ``do-not-use-md5`` / ``hardcoded-password``."""
    spaced = _CAMEL.sub("-", text[:200])
    slug = _NON_SLUG.sub("-", spaced.lower()).strip("-")
    return slug[:80].strip("-") or "rule"


def rule_record(ref: RuleRef, *, tool: str, severity: Severity) -> Rule:
    """The :class:`Rule` an ingested rule is explained by."""
    descriptor = ref.descriptor or Descriptor()
    help_uri = descriptor.help_uri
    if help_uri is not None and not help_uri.startswith(("https://", "http://")):
        help_uri = None
    remediation = descriptor.help_text or (f"See {help_uri}" if help_uri else None)
    if remediation is None:
        remediation = f"See the {tool} documentation for rule {ref.native_id}."
    remediation = shorten(remediation, MAX_REMEDIATION)
    return Rule(
        id=ref.rule_id,
        slug=slugify(descriptor.name or ref.native_id),
        severity=severity,
        summary=descriptor.short_description
        or descriptor.full_description
        or f"{tool} rule {ref.native_id}",
        remediation=remediation,
        cwe=cwe_ids(descriptor.properties),
        external_ids=((tool.casefold(), ref.native_id),),
        help_uri=help_uri,
        tags=descriptor.properties.tags,
    )


# --- evidence redaction -----------------------------------------------------------------


def _entropy(token: str) -> float:
    counts = Counter(token)
    return -sum(n / len(token) * math.log2(n / len(token)) for n in counts.values())


def _looks_secret(token: str) -> bool:
    """Long, mixing letters and digits, and random-looking: keys, tokens, hashes."""
    has_digit = any(c.isdigit() for c in token)
    has_alpha = any(c.isalpha() for c in token)
    return has_digit and has_alpha and _entropy(token) >= 3.0


def redact_snippet(text: str) -> str:
    """Truncate a snippet and mask what looks like a secret.

    Snippets come from the tool and may *be* the secret (gitleaks reports the match
    itself). Two masks apply: the value of any ``password=``/``token:``-like
    assignment, and any 16+ character token that mixes letters and digits with high
    entropy. It errs on the side of masking: evidence helps, leaking does not.
    """
    lines = text.splitlines()[:MAX_SNIPPET_LINES]
    clipped = "\n".join(lines)
    if len(clipped) > MAX_SNIPPET_CHARS:
        clipped = clipped[:MAX_SNIPPET_CHARS] + "…"
    clipped = _SECRET_ASSIGNMENT.sub(lambda m: m.group(1) + REDACTED, clipped)
    return _LONG_TOKEN.sub(lambda m: REDACTED if _looks_secret(m.group(0)) else m.group(0), clipped)
