"""The ``deps`` check end to end: exact findings against generated advisory databases."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from builders.osv import (
    Rec,
    pip_audit_report,
    poetry_lock,
    write_db_dir,
    write_db_zip,
    write_distribution,
)
from mlgate.checks.deps import DepsCheck, DepsConfig
from mlgate.checks.deps.rules import RULES
from mlgate.core.check import CheckContext, CheckResult
from mlgate.core.finding import Finding, Severity, SourceLocation
from mlgate.core.plugins import check_registry, validate_check

CRITICAL_VECTOR = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
MEDIUM_VECTOR = "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"


def run_check(root: Path, **settings: Any) -> CheckResult:
    settings.setdefault("advisories", "osv")
    context = CheckContext(root=root, gate="pre-merge", today=date(2026, 1, 1))
    return DepsCheck().run(context, DepsConfig(**settings))


def keyed(result: CheckResult) -> list[tuple[str, Severity, str, int | None, str]]:
    def key(f: Finding) -> tuple[str, Severity, str, int | None, str]:
        assert isinstance(f.location, SourceLocation)
        advisory = dict(f.properties).get("advisory") or dict(f.properties)["package"]
        return f.rule_id, f.severity, f.location.path, f.location.start_line, advisory

    return sorted(map(key, result.findings))


def test_registered_under_its_id() -> None:
    assert validate_check("deps", DepsCheck) is DepsCheck
    assert check_registry().load("deps") is DepsCheck
    assert {r.id for r in RULES} == {f"DEPS00{i}" for i in range(1, 7)}


def test_vulnerable_pin_becomes_one_exact_finding(tmp_path: Path) -> None:
    write_db_dir(tmp_path / "osv", [Rec(id="GHSA-aaaa-bbbb-cccc", package="Jinja2",
        ranges=[[("introduced", "0"), ("fixed", "2.11.3")]], cvss=MEDIUM_VECTOR,
        aliases=["CVE-2020-28493"], summary="ReDoS in urlize")])  # fmt: skip
    (tmp_path / "requirements.txt").write_text("flask==3.0.0\njinja2==2.4.1\n")
    result = run_check(tmp_path)
    assert (result.errors, result.inputs) == ((), 1)
    (finding,) = result.findings
    assert finding.rule_id == "DEPS001"
    assert finding.severity is Severity.MEDIUM
    assert finding.location == SourceLocation(path="requirements.txt", start_line=2)
    assert finding.message == (
        "jinja2 2.4.1 is affected by GHSA-aaaa-bbbb-cccc (CVE-2020-28493): ReDoS in urlize. "
        "Fixed in 2.11.3."
    )
    assert dict(finding.properties) == {
        "package": "jinja2", "version": "2.4.1", "advisory": "GHSA-aaaa-bbbb-cccc",
        "aliases": "CVE-2020-28493", "severity_basis": "CVSS:3.1 6.1", "fixed_in": "2.11.3",
    }  # fmt: skip


def test_aliases_merge_into_one_finding_with_the_highest_severity(tmp_path: Path) -> None:
    write_db_dir(tmp_path / "osv", [
        Rec(id="PYSEC-2021-1", package="pkg", aliases=["CVE-2021-1"], rating="LOW"),
        Rec(id="GHSA-1111-2222-3333", package="pkg", aliases=["CVE-2021-1"], cvss=CRITICAL_VECTOR),
        Rec(id="GHSA-9999-8888-7777", package="pkg", rating="MODERATE"),
    ])  # fmt: skip
    (tmp_path / "requirements.txt").write_text("pkg==1.0\n")
    assert keyed(run_check(tmp_path)) == [
        ("DEPS001", Severity.MEDIUM, "requirements.txt", 1, "GHSA-9999-8888-7777"),
        ("DEPS001", Severity.CRITICAL, "requirements.txt", 1, "GHSA-1111-2222-3333"),
    ]


def test_withdrawn_records_other_ecosystems_and_fixed_versions_do_not_match(
    tmp_path: Path,
) -> None:
    write_db_dir(tmp_path / "osv", [
        Rec(id="GHSA-w", package="pkg", withdrawn=True, rating="HIGH"),
        Rec(id="GHSA-npm", package="pkg", ecosystem="npm", rating="HIGH"),
        Rec(id="GHSA-old", package="pkg", ranges=[[("introduced", "0"), ("fixed", "0.9")]]),
    ])  # fmt: skip
    (tmp_path / "requirements.txt").write_text("pkg==1.0\n")
    assert run_check(tmp_path).findings == ()


def test_malicious_package_is_always_critical(tmp_path: Path) -> None:
    write_db_zip(tmp_path / "osv" / "all.zip", [
        Rec(id="MAL-2024-1234", package="reqeusts", versions=["1.0.0"], ranges=[],
            rating="LOW", summary="Malicious code in reqeusts (PyPI)"),
    ])  # fmt: skip
    (tmp_path / "uv.lock").write_text(
        '[[package]]\nname = "reqeusts"\nversion = "1.0.0"\n'
        'source = { registry = "https://pypi.org/simple" }\n'
    )
    result = run_check(tmp_path, advisories="osv/all.zip")
    assert keyed(result) == [("DEPS002", Severity.CRITICAL, "uv.lock", 2, "MAL-2024-1234")]
    assert dict(result.findings[0].properties)["severity_basis"] == "malicious package"


def test_unrated_vulnerability_takes_the_configured_unknown_severity(tmp_path: Path) -> None:
    write_db_dir(tmp_path / "osv", [Rec(id="PYSEC-2020-5", package="pkg")])
    (tmp_path / "poetry.lock").write_text(poetry_lock([("Pkg", "1.5")]))
    result = run_check(tmp_path, unknown_severity="critical")
    assert keyed(result) == [("DEPS001", Severity.CRITICAL, "poetry.lock", 2, "PYSEC-2020-5")]


def test_markers_filter_only_when_an_environment_is_given(tmp_path: Path) -> None:
    write_db_dir(tmp_path / "osv", [Rec(id="GHSA-x", package="pywin32", rating="HIGH")])
    (tmp_path / "requirements.txt").write_text('pywin32==1.0 ; sys_platform == "win32"\n')
    assert len(run_check(tmp_path).findings) == 1
    linux = {"sys_platform": "linux", "python_version": "3.11"}
    assert run_check(tmp_path, environment=linux).findings == ()


def test_unpinned_and_missing_hash_policy_options(tmp_path: Path) -> None:
    write_db_dir(tmp_path / "osv", [])
    (tmp_path / "requirements.txt").write_text("a>=1\nb==2 --hash=sha256:00\nc==3\n-e ./local\n")
    assert run_check(tmp_path).findings == ()
    result = run_check(tmp_path, require_pinned=True, require_hashes=True)
    assert keyed(result) == [
        ("DEPS003", Severity.MEDIUM, "requirements.txt", 1, "a"),
        ("DEPS004", Severity.MEDIUM, "requirements.txt", 3, "c"),
    ]
    assert [s.reason for s in result.skipped] == []


def test_pip_audit_is_joined_with_the_database_and_skips_are_findings(tmp_path: Path) -> None:
    write_db_dir(tmp_path / "osv", [
        Rec(id="GHSA-jjjj-kkkk-llll", package="jinja2", aliases=["PYSEC-2021-66"],
            cvss=CRITICAL_VECTOR),
    ])  # fmt: skip
    (tmp_path / "pip-audit.json").write_text(pip_audit_report([
        {"name": "jinja2", "version": "2.4.1", "vulns": [
            {"id": "PYSEC-2021-66", "fix_versions": ["2.11.3", "3.0"], "aliases": []},
            {"id": "GHSA-jjjj-kkkk-llll", "fix_versions": [], "aliases": []},
            {"id": "PYSEC-2099-1", "fix_versions": [], "aliases": []}]},
        {"name": "private-lib", "skip_reason": "Dependency not found on PyPI"},
    ]))  # fmt: skip
    result = run_check(tmp_path)
    assert keyed(result) == [
        ("DEPS001", Severity.HIGH, "pip-audit.json", 4, "PYSEC-2099-1"),
        ("DEPS001", Severity.CRITICAL, "pip-audit.json", 4, "GHSA-jjjj-kkkk-llll"),
        ("DEPS005", Severity.MEDIUM, "pip-audit.json", 28, "private-lib"),
    ]
    merged = next(f for f in result.findings if "GHSA-jjjj-kkkk-llll" in f.message)
    assert dict(merged.properties)["fixed_in"] == "2.11.3"
    assert dict(merged.properties)["aliases"] == "PYSEC-2021-66"


def test_pip_audit_without_database_has_unknown_severity(tmp_path: Path) -> None:
    (tmp_path / "pip-audit.json").write_text(pip_audit_report([
        {"name": "x", "version": "1", "vulns": [{"id": "PYSEC-1", "fix_versions": []}]}
    ]))  # fmt: skip
    result = run_check(tmp_path, advisories=None)
    assert result.errors == ()
    assert keyed(result) == [("DEPS001", Severity.HIGH, "pip-audit.json", 4, "PYSEC-1")]
    assert dict(result.findings[0].properties)["severity_basis"] == "unknown"


def test_pins_without_a_database_are_an_error(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("a==1\n")
    result = run_check(tmp_path, advisories=None)
    assert result.errors == (
        "no advisory database configured (`advisories`): pinned dependencies cannot be "
        "checked for known vulnerabilities",
    )


def test_broken_inputs_and_database_records_are_errors(tmp_path: Path) -> None:
    write_db_dir(tmp_path / "osv", [Rec(id="GHSA-ok", package="z")])
    (tmp_path / "osv" / "broken.json").write_text("{")
    (tmp_path / "osv" / "noid.json").write_text("[]")
    (tmp_path / "poetry.lock").write_text("[[package")
    result = run_check(tmp_path)
    assert sorted(result.errors) == [
        "advisory database: broken.json: invalid JSON: Expecting property name enclosed in "
        "double quotes: line 1 column 2 (char 1)",
        "advisory database: noid.json: no string `id`: not an OSV record",
        "poetry.lock: invalid TOML: Expected ']]' at the end of an array declaration "
        "(at end of document)",
    ]


def test_missing_or_corrupt_database_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "osv").mkdir()
    (tmp_path / "osv" / "all.zip").write_bytes(b"not a zip")
    result = run_check(tmp_path, advisories="osv/all.zip", paths=["osv"])
    assert result.errors == (
        "advisory database osv/all.zip: all.zip: not a readable zip archive "
        "(File is not a zip file)",
    )


def test_same_vulnerability_in_two_files_gives_two_findings(tmp_path: Path) -> None:
    write_db_dir(tmp_path / "osv", [Rec(id="GHSA-a", package="pkg", rating="HIGH")])
    (tmp_path / "requirements.txt").write_text("-r requirements-dev.txt\npkg==1\n")
    (tmp_path / "requirements-dev.txt").write_text("pkg==1.0\n")
    result = run_check(tmp_path)
    assert keyed(result) == [
        ("DEPS001", Severity.HIGH, "requirements-dev.txt", 1, "GHSA-a"),
        ("DEPS001", Severity.HIGH, "requirements.txt", 2, "GHSA-a"),
    ]
    assert len({f.fingerprint for f in result.findings}) == 2


def test_fingerprint_survives_line_shift_and_version_bump(tmp_path: Path) -> None:
    write_db_dir(tmp_path / "osv", [Rec(id="GHSA-a", package="pkg", rating="HIGH")])
    (tmp_path / "requirements.txt").write_text("pkg==1.0\n")
    before = run_check(tmp_path).findings[0].fingerprint
    (tmp_path / "requirements.txt").write_text("other==1\n\npkg==1.1\n")
    assert run_check(tmp_path).findings[0].fingerprint == before


@pytest.mark.parametrize("rating", ["LOW", "MODERATE", "HIGH", "CRITICAL"])
def test_advisory_rating_maps_to_severity(tmp_path: Path, rating: str) -> None:
    write_db_dir(tmp_path / "osv", [Rec(id="GHSA-r", package="pkg", rating=rating)])
    (tmp_path / "requirements.txt").write_text("pkg==1\n")
    expected = {"LOW": "low", "MODERATE": "medium", "HIGH": "high", "CRITICAL": "critical"}
    assert run_check(tmp_path).findings[0].severity.label == expected[rating]


def test_installed_environment_is_matched_like_a_lock(tmp_path: Path) -> None:
    write_db_dir(tmp_path / "osv", [Rec(id="GHSA-env", package="Jinja2", rating="HIGH")])
    site = tmp_path / "runtime" / "site-packages"
    write_distribution(site, "Jinja2", "1.0")
    write_distribution(site, "rich", "13.0")
    result = run_check(tmp_path, paths=["osv"], environments=["runtime/site-packages"])
    assert keyed(result) == [
        ("DEPS001", Severity.HIGH, "runtime/site-packages/Jinja2-1.0.dist-info/METADATA", None,
         "GHSA-env"),
    ]  # fmt: skip
    assert run_check(tmp_path, paths=["osv"], environments=["missing"]).errors == (
        "environment 'missing' is not a directory",
    )
