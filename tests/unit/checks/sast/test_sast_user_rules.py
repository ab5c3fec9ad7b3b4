"""A team's own framework, declared in the sast config's ``rules:`` section."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from mlgate.checks.sast import SastCheck, SastConfig
from mlgate.core.check import CheckContext
from mlgate.core.finding import Severity

RULES: dict[str, list[dict[str, object]]] = {
    "sources": [{"name": "acme.web.request.params", "description": "Acme query parameter"}],
    "sinks": [
        {
            "callee": "acme.db.run",
            "kind": "sql",
            "args": [0],
            "kwargs": ["statement"],
            "hint": "Use acme.db.run(statement, binds={...}).",
        },
        {"callee": ".shell_out", "kind": "command", "hint": "Pass an argv list."},
    ],
    "sanitizers": [{"callee": "acme.db.quote", "clears": ["sql"]}],
}

HANDLERS = """\
from acme import db
from acme.web import request


def unsafe():
    name = request.params["name"]
    db.run("SELECT * FROM users WHERE name = '" + name + "'")


def by_keyword(runner):
    runner.shell_out("ls " + request.params["dir"])
    db.run(statement=f"DELETE FROM t WHERE id = {request.params['id']}")


def safe():
    name = db.quote(request.params["name"])
    db.run("SELECT * FROM users WHERE name = " + name)
"""


def _scan(tmp_path: Path, config: SastConfig) -> list[tuple[str, int | None, str | None]]:
    (tmp_path / "handlers.py").write_text(HANDLERS)
    ctx = CheckContext(root=tmp_path, gate="pre-merge", today=date(2026, 1, 1))
    result = SastCheck().run(ctx, config)
    return [
        (f.rule_id, getattr(f.location, "start_line", None), f.remediation) for f in result.findings
    ]


def test_custom_framework_flows_are_found_and_its_sanitizer_clears_them(tmp_path: Path) -> None:
    hint = "Use acme.db.run(statement, binds={...})."
    assert _scan(tmp_path, SastConfig.model_validate({"rules": RULES})) == [
        ("SAST089", 7, hint),
        ("SAST078", 11, "Pass an argv list."),
        ("SAST089", 12, hint),
    ]


def test_without_the_rules_the_framework_is_unknown(tmp_path: Path) -> None:
    assert _scan(tmp_path, SastConfig()) == []


def test_custom_source_without_custom_sink_uses_the_built_in_sinks(tmp_path: Path) -> None:
    only_source = {"rules": {"sources": RULES["sources"]}}
    (tmp_path / "cmd.py").write_text(
        "import os\nfrom acme.web import request\n\n\ndef f():\n"
        "    os.system(request.params['c'])\n"
    )
    ctx = CheckContext(root=tmp_path, gate="pre-merge", today=date(2026, 1, 1))
    result = SastCheck().run(ctx, SastConfig.model_validate(only_source))
    assert [(f.rule_id, f.location.path) for f in result.findings] == [("SAST078", "cmd.py")]


def test_a_sink_may_override_severity_and_cwe(tmp_path: Path) -> None:
    sink = {**RULES["sinks"][1], "severity": "critical", "cwe": [77]}
    config = SastConfig.model_validate({"rules": {**RULES, "sinks": [sink]}})
    (tmp_path / "handlers.py").write_text(HANDLERS)
    ctx = CheckContext(root=tmp_path, gate="pre-merge", today=date(2026, 1, 1))
    (finding,) = [f for f in SastCheck().run(ctx, config).findings if f.rule_id == "SAST078"]
    assert (finding.severity, finding.cwe) == (Severity.CRITICAL, (77,))


@pytest.mark.parametrize(
    "rules",
    [
        {"sinks": [{"callee": "x.y", "kind": "nonsense", "hint": "h"}]},
        {"sinks": [{"callee": "x.y", "kind": "sql"}]},
        {"sanitizers": [{"callee": "x.y", "clears": []}]},
        {"sources": [{"name": ""}]},
        {"sinks": [{"callee": "x.y", "kind": "sql", "hint": "h", "severity": "urgent"}]},
        {"sinks": [{"callee": "x.y", "kind": "sql", "hint": "h", "owner": "me"}]},
    ],
)
def test_malformed_rules_are_rejected(rules: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        SastConfig.model_validate({"rules": rules})
