"""Rule metadata of the ``sast`` check: one :class:`Rule` per finding kind.

``mlgate explain`` and the rule pages are generated from these records; the
external ids name the nearest Bandit test and Semgrep rule so users recognise them.
"""

from __future__ import annotations

from types import MappingProxyType

from mlgate.checks.sast.rules.model import VulnClass, Weakness
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

INPUT_LIMIT = Rule(
    id="SAST002",
    slug="file-too-large",
    severity=Severity.HIGH,
    summary="A Python file exceeds max_file_bytes, so it was not analysed.",
    remediation="Raise max_file_bytes in the sast config, exclude the file from `paths` if "
    "it is generated, or waive the finding after review.",
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
            # HIGH like every injection rule: CWE-79 is a child of CWE-74 (Injection) and
            # OWASP A03, so a tainted flow into HTML must block under fail_on: high.
            severity=Severity.HIGH,
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
            # MEDIUM: CWE-601 is no injection (CWE-610 family, OWASP A01); typical CVSS is
            # 6.1 (user interaction, no direct data access). docs/sast.md: how to block it.
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

_QUERY_RULES: tuple[tuple[VulnClass, Rule], ...] = (
    (
        VulnClass.XPATH,
        Rule(
            id="SAST643",
            slug="xpath-injection",
            severity=Severity.HIGH,
            summary="User input is written into an XPath expression.",
            remediation="Keep the expression constant and pass values as XPath variables.",
            cwe=(643,),
            external_ids=(("semgrep", "python.lang.security.audit.xpath-injection"),),
        ),
    ),
    (
        VulnClass.LDAP,
        Rule(
            id="SAST090",
            slug="ldap-injection",
            severity=Severity.HIGH,
            summary="User input is written into an LDAP filter or DN without escaping.",
            remediation="Escape with escape_filter_chars / escape_rdn, or use filter_format.",
            cwe=(90,),
            external_ids=(("semgrep", "python.lang.security.audit.ldap-injection"),),
        ),
    ),
    (
        VulnClass.TRUST_BOUNDARY,
        Rule(
            id="SAST501",
            slug="trust-boundary",
            severity=Severity.MEDIUM,
            summary="Unvalidated user input is stored in the server-side session.",
            remediation="Validate the value (allow-list, strict type) before storing it.",
            cwe=(501,),
        ),
    ),
)


def _weakness_rule(
    rule_id: str, slug: str, severity: Severity, summary: str, remediation: str, cwe: int
) -> Rule:
    return Rule(
        id=rule_id,
        slug=slug,
        severity=severity,
        summary=summary,
        remediation=remediation,
        cwe=(cwe,),
        tags=("sast", "configuration"),
    )


_WEAKNESS_RULES: tuple[tuple[Weakness, Rule], ...] = (
    (
        Weakness.XXE,
        _weakness_rule(
            "SAST611",
            "xxe",
            Severity.HIGH,
            "An XML parser is configured to resolve external entities.",
            "Parse with defusedxml, or keep external entities off (resolve_entities=False).",
            611,
        ),
    ),
    (
        Weakness.WEAK_HASH,
        _weakness_rule(
            "SAST328",
            "weak-hash",
            Severity.MEDIUM,
            "A broken hash function (MD5, SHA-1) is used for a security purpose.",
            "Use SHA-256 or better; pass usedforsecurity=False for a non-security checksum.",
            328,
        ),
    ),
    (
        Weakness.WEAK_RANDOM,
        _weakness_rule(
            "SAST330",
            "weak-random",
            Severity.MEDIUM,
            "The predictable `random` module produces a value that may need to be secret.",
            "Use the secrets module (or random.SystemRandom) for tokens, keys and passwords.",
            330,
        ),
    ),
    (
        Weakness.INSECURE_COOKIE,
        _weakness_rule(
            "SAST614",
            "cookie-without-secure",
            Severity.MEDIUM,
            "A cookie is set without the Secure attribute.",
            "Pass secure=True to set_cookie.",
            614,
        ),
    ),
    (
        Weakness.SCRIPTABLE_COOKIE,
        _weakness_rule(
            "SAST1004",
            "cookie-without-httponly",
            Severity.LOW,
            "A cookie is set without the HttpOnly attribute.",
            "Pass httponly=True to set_cookie.",
            1004,
        ),
    ),
    (
        Weakness.TLS_UNVERIFIED,
        _weakness_rule(
            "SAST295",
            "tls-verification-off",
            Severity.HIGH,
            "TLS certificate verification is turned off.",
            "Keep verification on; trust a private CA with verify='/path/ca.pem'.",
            295,
        ),
    ),
    (
        Weakness.DEBUG_MODE,
        _weakness_rule(
            "SAST489",
            "debug-mode",
            Severity.HIGH,
            "The web framework runs in debug mode (an interactive debugger / stack traces).",
            "Read the debug flag from the environment and keep it off in deployments.",
            489,
        ),
    ),
    (
        Weakness.HARDCODED_CREDENTIAL,
        Rule(
            id="SAST798",
            slug="hardcoded-credential",
            severity=Severity.HIGH,
            summary="A credential (password, secret key, token) is written into the code.",
            remediation="Read it from the environment or a secret store, and rotate the "
            "committed value.",
            cwe=(798,),
            external_ids=(("bandit", "B105"), ("bandit", "B106"), ("bandit", "B107")),
            tags=("sast", "configuration"),
        ),
    ),
)

# Weaknesses whose code holds a secret: reports show the redacted form, never the line.
REDACTED_WEAKNESSES = frozenset({Weakness.HARDCODED_CREDENTIAL})

RULE_FOR_CLASS = MappingProxyType(dict((*_TAINT_RULES, *_QUERY_RULES)))
RULE_FOR_WEAKNESS = MappingProxyType(dict(_WEAKNESS_RULES))
ALL_RULES: tuple[Rule, ...] = (
    PARSE_ERROR,
    ANALYSIS_LIMIT,
    INPUT_LIMIT,
    *(r for _, r in _TAINT_RULES),
    *(r for _, r in _QUERY_RULES),
    *(r for _, r in _WEAKNESS_RULES),
)
