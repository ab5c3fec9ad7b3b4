"""Exact findings of the images check over recorded-shape Trivy and Grype reports."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builders.manifests import write_tree
from builders.scan_reports import (
    DIGEST,
    OTHER_DIGEST,
    RAW_SECRET,
    grype_image,
    grype_match,
    trivy_image,
    trivy_v1,
    trivy_vulnerability,
)
from mlgate.checks.images import ImagesCheck, ImagesConfig
from mlgate.checks.images.check import read_report
from mlgate.core.check import CheckContext, CheckResult
from mlgate.core.clock import FixedClock
from mlgate.core.finding import Severity, location_line

NOW = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
VULNS = [
    trivy_vulnerability("CVE-2024-0001", "openssl", "CRITICAL", fixed="3.0.14", score=9.8),
    trivy_vulnerability("CVE-2024-0002", "zlib", "HIGH", score=7.5),
    trivy_vulnerability("CVE-2024-0003", "curl", "MEDIUM", fixed="8.9", score=4.1),
    trivy_vulnerability("CVE-2024-0004", "bash", "UNKNOWN"),
    trivy_vulnerability("CVE-2024-0005", "tar", "LOW", fixed="1.35"),
]


def run(root: Path, files: dict[str, str], **options: object) -> CheckResult:
    write_tree(root, files)
    context = CheckContext(root=root, gate="pre-deploy", today=date(2026, 1, 10))
    return ImagesCheck(FixedClock(NOW)).run(context, ImagesConfig.model_validate(options))


def keys(result: CheckResult) -> set[tuple[str, str, int, Severity, str]]:
    return {(f.rule_id, f.location.path or "", location_line(f.location) or 0, f.severity,
             f.message.split(" ")[0]) for f in result.findings}  # fmt: skip


def test_trivy_image_report_gives_every_kind_of_finding(tmp_path: Path) -> None:
    result = run(
        tmp_path, {"trivy.json": trivy_image(VULNS, created="2026-01-10T08:00:00.123456789Z")}
    )
    assert result.errors == () and result.inputs == 1
    assert keys(result) == {
        ("IMG001", "trivy.json", 0, Severity.CRITICAL, "CVE-2024-0001"),
        ("IMG001", "trivy.json", 0, Severity.HIGH, "CVE-2024-0002"),
        ("IMG001", "trivy.json", 0, Severity.MEDIUM, "CVE-2024-0003"),
        ("IMG001", "trivy.json", 0, Severity.MEDIUM, "CVE-2024-0004"),  # UNKNOWN stays visible
        ("IMG001", "trivy.json", 0, Severity.LOW, "CVE-2024-0005"),
        ("IMG002", "Dockerfile", 3, Severity.HIGH, "trivy"),  # the PASS entry is not a finding
        ("IMG003", "app/settings.py", 7, Severity.CRITICAL, "trivy"),
    }


def test_secret_value_never_leaves_the_report(tmp_path: Path) -> None:
    result = run(tmp_path, {"trivy.json": trivy_image([], created=None)})
    assert RAW_SECRET not in repr(result)


def test_severity_unfixed_cvss_and_waivers_filter(tmp_path: Path) -> None:
    waivers = [
        {"id": "CVE-2024-0003", "package": "curl", "reason": "not reachable", "owner": "a@x",
         "expires": "2026-06-30"},
        {"id": "CVE-2024-0001", "package": "libssl", "reason": "other package", "owner": "a@x",
         "expires": "2026-06-30"},
        {"id": "CVE-2024-0005", "reason": "expired", "owner": "a@x", "expires": "2026-01-09"},
    ]  # fmt: skip
    files = {"r/trivy.json": trivy_image(VULNS, created="2026-01-10T08:00:00Z")}
    result = run(tmp_path, files, min_severity="low", ignore_unfixed=True, min_cvss=5.0,
                 waivers=waivers)  # fmt: skip
    vulnerabilities = {k[4] for k in keys(result) if k[0] == "IMG001"}
    # 0002 and 0004 have no fix; 0003 is waived for curl; 0001's waiver names another
    # package; 0005's waiver expired yesterday and it has no CVSS score (kept).
    assert vulnerabilities == {"CVE-2024-0001", "CVE-2024-0005"}


def test_stale_report_and_report_without_time_are_findings(tmp_path: Path) -> None:
    files = {"old.json": trivy_image([], created="2026-01-08T12:00:00Z"),
             "fresh.json": trivy_image([], created="2026-01-10T11:00:00+01:00"),
             "undated.json": trivy_image([], created=None)}  # fmt: skip
    result = run(tmp_path, files, max_age="24h", min_severity="critical")
    stale = sorted((f.location.path, f.message) for f in result.findings if f.rule_id == "IMG004")
    assert stale == [
        ("old.json", "trivy report of registry.example.com/churn-api:1.4.2 is 2 d 0 h old "
                     "(max_age 24h)."),
        ("undated.json", "trivy report of registry.example.com/churn-api:1.4.2 does not say "
                         "when it was made."),
    ]  # fmt: skip


def test_report_for_another_digest_is_a_finding(tmp_path: Path) -> None:
    files = {"right.json": grype_image([], timestamp="2026-01-10T10:00:00Z"),
             "wrong.json": grype_image([], timestamp="2026-01-10T10:00:00Z", digest=OTHER_DIGEST),
             "fs.json": trivy_v1([])}  # fmt: skip
    result = run(tmp_path, files, expected_digest=f"registry.example.com/churn-api@{DIGEST}")
    assert {(f.rule_id, f.location.path) for f in result.findings} == {
        ("IMG005", "wrong.json"), ("IMG005", "fs.json")
    }  # fmt: skip


def test_grype_and_trivy_schema_1_reports(tmp_path: Path) -> None:
    files = {
        "grype.json": grype_image([
            grype_match("GHSA-aaaa", "torch", "Critical", fixed="2.2.0", score=9.3),
            grype_match("CVE-2023-9", "numpy", "Negligible"),
        ], timestamp="2026-01-10T10:00:00.5Z"),
        "trivy-v1.json": trivy_v1(
            [trivy_vulnerability("CVE-2022-1", "flask", "HIGH", fixed="2.3")]
        ),
        "other.json": json.dumps({"name": "not a report"}),
    }  # fmt: skip
    result = run(tmp_path, files)
    assert keys(result) == {
        ("IMG001", "grype.json", 0, Severity.CRITICAL, "GHSA-aaaa"),
        ("IMG001", "trivy-v1.json", 0, Severity.HIGH, "CVE-2022-1"),
    }
    torch = next(f for f in result.findings if "torch" in f.message)
    assert torch.message == (
        "GHSA-aaaa in torch 2.0 (/usr/lib/python3/site-packages, CVSS 9.3): fixed in 2.2.0."
    )
    assert [s.path for s in result.skipped] == ["other.json"]


def test_no_report_or_broken_report_is_an_error(tmp_path: Path) -> None:
    assert run(tmp_path / "a", {"x.txt": "hi"}).errors == (
        "no Trivy or Grype JSON report under ['.']",
    )
    broken = run(tmp_path / "b", {"trivy.json": '{"SchemaVersion": 2, '})
    assert len(broken.errors) == 1 and broken.errors[0].startswith("trivy.json: cannot be read")


@settings(max_examples=150, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.sampled_from(["Results", "Target", "Vulnerabilities",
                                                       "matches", "descriptor", "CVSS", "Metadata",
                                                       "SchemaVersion", "vulnerability", "fix"]),
                                      inner, max_size=4), max_leaves=20))  # fmt: skip
def test_readers_fail_only_with_value_error_on_arbitrary_json(document: object) -> None:
    # The check turns ValueError into an error for that report; anything else would crash it.
    with contextlib.suppress(ValueError):
        read_report(document)


@pytest.mark.parametrize(
    "document",
    [
        {"SchemaVersion": 2, "Results": "none"},
        {"SchemaVersion": 2, "Results": [{"Target": "app", "Vulnerabilities": {"CVE-1": {}}}]},
        {"SchemaVersion": 2, "Results": [{"Target": "app", "Secrets": ["token"]}]},
        {"matches": {"vulnerability": {}}, "descriptor": {"name": "grype"}},
    ],
)
def test_a_report_section_of_the_wrong_shape_is_an_error_not_a_clean_scan(
    tmp_path: Path, document: object
) -> None:
    result = run(tmp_path, {"report.json": json.dumps(document)})
    assert result.findings == ()
    assert len(result.errors) == 1
    assert result.errors[0].startswith("report.json: cannot be read")
    assert "is not a list of objects" in result.errors[0]
