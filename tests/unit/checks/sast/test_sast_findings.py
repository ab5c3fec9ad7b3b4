from __future__ import annotations

from collections.abc import Callable

from mlgate.checks.sast.engine import SourceFile, scan_sources
from mlgate.checks.sast.rules import default_rules
from mlgate.checks.sast.rules.catalog import ALL_RULES, RULE_FOR_CLASS
from mlgate.checks.sast.rules.model import VulnClass
from mlgate.checks.sast.rules.sinks import SINKS
from mlgate.core.finding import Finding, Severity, SourceLocation

CODE = """
import subprocess
from flask import Flask, request
app = Flask(__name__)
@app.route("/a")
def a():
    host = request.args.get("host")
    cmd = "ping " + host
    subprocess.run(cmd, shell=True)
    return "ok"
"""

Findings = Callable[[str], tuple[Finding, ...]]


def test_finding_carries_flow_cwe_hint_and_location(findings_of: Findings) -> None:
    (finding,) = findings_of(CODE)
    assert finding.rule_id == "SAST078"
    assert finding.severity is Severity.HIGH
    assert finding.cwe == (78,)
    assert finding.location == SourceLocation(
        path="app.py", start_line=8, start_column=5, snippet="subprocess.run(cmd, shell=True)"
    )
    assert [(s.location.start_line, s.message) for s in finding.flow] == [
        (6, "request.args read: `request.args`"),
        (6, "assigned to `host`"),
        (7, "assigned to `cmd`"),
        (8, "reaches subprocess.run: `subprocess.run(cmd, shell=True)`"),
    ]
    assert finding.remediation is not None and "shell=False" in finding.remediation
    assert finding.evidence == "subprocess.run(cmd, shell=True)"


def test_fingerprint_survives_line_shifts_but_not_sink_changes(findings_of: Findings) -> None:
    (original,) = findings_of(CODE)
    (shifted,) = findings_of("\n\n# a comment\n" + CODE)
    (changed,) = findings_of(CODE.replace("shell=True)", "shell=True, check=True)"))
    assert shifted.location != original.location
    assert shifted.fingerprint == original.fingerprint
    assert changed.fingerprint != original.fingerprint


def test_parse_error_is_a_blocking_finding() -> None:
    findings = scan_sources(
        [SourceFile(path="bad.py", data=b"def f(:\n"), SourceFile(path="ok.py", data=b"x = 1\n")]
    )
    assert [(f.rule_id, f.location, f.severity) for f in findings] == [
        ("SAST000", SourceLocation(path="bad.py", start_line=1, start_column=7), Severity.HIGH)
    ]


def _deep_view(terms: int) -> SourceFile:
    chain = " + ".join(["request.GET['a']"] * terms)
    code = f"import os\ndef view(request):\n    x = {chain}\n    os.system(x)\n"
    return SourceFile(path="deep.py", data=code.encode())


def test_deep_expressions_are_analysed() -> None:
    assert [f.rule_id for f in scan_sources([_deep_view(2000)])] == ["SAST078"]


def test_nesting_beyond_the_parser_is_a_parse_error() -> None:
    (finding,) = scan_sources([_deep_view(3000)])
    assert (finding.rule_id, finding.message) == (
        "SAST000",
        "cannot parse deep.py: nesting too deep for the parser",
    )


def test_every_vulnerability_class_has_one_rule() -> None:
    assert set(RULE_FOR_CLASS) == set(VulnClass)
    ids = [r.id for r in ALL_RULES]
    assert len(ids) == len(set(ids))
    assert all(r.cwe for r in RULE_FOR_CLASS.values())
    assert all(r.summary.endswith(".") and r.remediation for r in ALL_RULES)


def test_every_sink_has_a_hint_and_is_indexed() -> None:
    rules = default_rules()
    assert all(s.hint for s in SINKS)
    assert rules.sinks_for("os.system", None)[0].vuln is VulnClass.COMMAND
    assert [s.vuln for s in rules.sinks_for(None, "execute")] == [VulnClass.SQL]
    assert rules.sanitizer_for("html.escape", None) is not None
    assert default_rules(frozenset({"cli"})).sources.keys() == {"sys.argv", "input"}


def test_cli_sources_are_opt_in() -> None:
    code = b"import os, sys\nos.system(sys.argv[1])\n"
    files = [SourceFile(path="tool.py", data=code)]
    assert scan_sources(files) == ()
    enabled = scan_sources(files, rules=default_rules(frozenset({"cli"})))
    assert [(f.rule_id, f.location.path) for f in enabled] == [("SAST078", "tool.py")]
