"""Fix hints follow the imported database driver; injection rules block at fail_on: high."""

from __future__ import annotations

import pytest

from mlgate.checks.sast.engine import SourceFile, scan_sources
from mlgate.checks.sast.rules.catalog import RULE_FOR_CLASS
from mlgate.checks.sast.rules.model import VulnClass
from mlgate.core.finding import Severity
from mlgate.reporters.sarif_rules import SECURITY_SEVERITY

VIEW = (
    "{imports}\nfrom flask import request\n\n\ndef view(cursor):\n"
    "    cursor.execute('SELECT * FROM t WHERE id = ' + request.args['id'])\n"
)


@pytest.mark.parametrize(
    ("imports", "placeholder"),
    [
        ("import sqlite3", "WHERE id = ?', (value,))"),
        ("import psycopg", "WHERE id = %s', (value,))"),
        ("import pymysql", "WHERE id = %s', (value,))"),
        ("from sqlalchemy import create_engine", "sqlalchemy.text('SELECT ... WHERE id = :id')"),
        ("from django.db import connection", "WHERE id = %s', [value])"),
    ],
)
def test_sql_hint_names_the_driver_in_use(imports: str, placeholder: str) -> None:
    code = VIEW.format(imports=imports)
    (finding,) = scan_sources([SourceFile(path="views.py", data=code.encode())])
    assert finding.rule_id == "SAST089"
    assert finding.remediation is not None and placeholder in finding.remediation


def test_sql_hint_without_a_known_driver_shows_both_styles() -> None:
    (finding,) = scan_sources([SourceFile(path="v.py", data=VIEW.format(imports="").encode())])
    assert finding.remediation is not None and "sqlite3 uses ?" in finding.remediation


@pytest.mark.parametrize(
    "vuln",
    [
        VulnClass.SQL, VulnClass.COMMAND, VulnClass.PATH, VulnClass.XSS, VulnClass.SSTI,
        VulnClass.CODE, VulnClass.XPATH, VulnClass.LDAP, VulnClass.SSRF,
    ],
)  # fmt: skip
def test_every_injection_rule_blocks_under_fail_on_high(vuln: VulnClass) -> None:
    rule = RULE_FOR_CLASS[vuln]
    assert rule.severity >= Severity.HIGH
    assert float(SECURITY_SEVERITY[rule.severity]) >= 7.0  # GitHub's "high" band


def test_open_redirect_and_trust_boundary_stay_medium() -> None:
    for vuln in (VulnClass.REDIRECT, VulnClass.TRUST_BOUNDARY):
        assert RULE_FOR_CLASS[vuln].severity is Severity.MEDIUM
        assert SECURITY_SEVERITY[Severity.MEDIUM] == "5.5"
