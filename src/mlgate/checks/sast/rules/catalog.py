"""Rule metadata of the ``sast`` check: one :class:`Rule` per finding kind.

``mlgate explain`` and the rule pages are generated from these records; the
external ids name the nearest Bandit test and Semgrep rule so users recognise them.
"""

from __future__ import annotations

from types import MappingProxyType

from mlgate.checks.sast.rules.model import VulnClass
from mlgate.core.finding import Severity
from mlgate.core.rule import Rule

PARSE_ERROR = Rule(
    id="SAST000",
    slug="parse-error",
    severity=Severity.HIGH,
    summary="A Python file could not be parsed, so it was not analysed.",
    remediation="Fix the syntax error, or waive the file if it is deliberately not Python.",
    tags=("sast", "fail-closed"),
)

ANALYSIS_LIMIT = Rule(
    id="SAST001",
    slug="analysis-limit",
    severity=Severity.HIGH,
    summary="A function exceeded the analyser's depth budget, so its flows are unknown.",
    remediation="Split the deeply nested expression or waive the finding after review.",
    tags=("sast", "fail-closed"),
)

_TAINT_RULES: tuple[tuple[VulnClass, Rule], ...] = (
    (
        VulnClass.SQL,
        Rule(
            id="SAST089",
            slug="sql-injection",
            severity=Severity.HIGH,
            summary="User input reaches an SQL statement without parameterisation.",
            remediation="Pass values as query parameters; never format them into the SQL text.",
            cwe=(89,),
            external_ids=(
                ("bandit", "B608"),
                ("semgrep", "python.flask.security.injection.tainted-sql-string"),
            ),
        ),
    ),
    (
        VulnClass.COMMAND,
        Rule(
            id="SAST078",
            slug="command-injection",
            severity=Severity.HIGH,
            summary="User input reaches an operating-system command.",
            remediation="Run a fixed program with an argument list and shell=False; "
            "validate arguments against an allow-list.",
            cwe=(78,),
            external_ids=(
                ("bandit", "B602"),
                ("semgrep", "python.flask.security.injection.subprocess-injection"),
            ),
        ),
    ),
    (
        VulnClass.PATH,
        Rule(
            id="SAST022",
            slug="path-traversal",
            severity=Severity.HIGH,
            summary="User input chooses a file-system path outside an intended directory.",
            remediation="Resolve the path and check it lies inside the base directory, or "
            "serve files with send_from_directory / a basename allow-list.",
            cwe=(22,),
            external_ids=(("semgrep", "python.flask.security.injection.path-traversal-open"),),
        ),
    ),
    (
        VulnClass.XSS,
        Rule(
            id="SAST079",
            slug="xss",
            severity=Severity.MEDIUM,
            summary="User input is written into an HTML response without escaping.",
            remediation="Render through an autoescaping template or escape with html.escape / "
            "markupsafe.escape; return JSON for data.",
            cwe=(79,),
            external_ids=(
                ("bandit", "B704"),
                ("semgrep", "python.flask.security.audit.directly-returned-format-string"),
            ),
        ),
    ),
    (
        VulnClass.SSTI,
        Rule(
            id="SAST1336",
            slug="template-injection",
            severity=Severity.HIGH,
            summary="User input is compiled as a server-side template.",
            remediation="Keep template text constant and pass user values as context variables.",
            cwe=(1336,),
            external_ids=(("semgrep", "python.flask.security.audit.render-template-string"),),
        ),
    ),
    (
        VulnClass.CODE,
        Rule(
            id="SAST094",
            slug="code-injection",
            severity=Severity.CRITICAL,
            summary="User input is evaluated or executed as Python code.",
            remediation="Never eval user input; parse data with json or ast.literal_eval.",
            cwe=(94, 95),
            external_ids=(
                ("bandit", "B307"),
                ("semgrep", "python.flask.security.injection.user-eval"),
            ),
        ),
    ),
    (
        VulnClass.DESERIALIZATION,
        Rule(
            id="SAST502",
            slug="unsafe-deserialization",
            severity=Severity.HIGH,
            summary="User input is deserialised by a loader that can run code.",
            remediation="Accept JSON, or yaml.safe_load; never unpickle data from a request.",
            cwe=(502,),
            external_ids=(
                ("bandit", "B301"),
                ("semgrep", "python.flask.security.insecure-deserialization"),
            ),
        ),
    ),
    (
        VulnClass.REDIRECT,
        Rule(
            id="SAST601",
            slug="open-redirect",
            severity=Severity.MEDIUM,
            summary="User input chooses the target of a redirect.",
            remediation="Redirect to url_for() targets, or check the host against an allow-list "
            "(url_has_allowed_host_and_scheme in Django).",
            cwe=(601,),
            external_ids=(("semgrep", "python.flask.security.open-redirect"),),
        ),
    ),
    (
        VulnClass.SSRF,
        Rule(
            id="SAST918",
            slug="ssrf",
            severity=Severity.HIGH,
            summary="User input chooses the host of an outgoing HTTP request.",
            remediation="Keep scheme and host constant and put user input only in the path or "
            "query, or check the host against an allow-list.",
            cwe=(918,),
            external_ids=(
                ("bandit", "B310"),
                ("semgrep", "python.flask.security.injection.ssrf-requests"),
            ),
        ),
    ),
)

RULE_FOR_CLASS = MappingProxyType(dict(_TAINT_RULES))
ALL_RULES: tuple[Rule, ...] = (PARSE_ERROR, ANALYSIS_LIMIT, *(r for _, r in _TAINT_RULES))
