from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from hypothesis import given, settings

from builders.report_schemas import validate_sarif
from builders.verdicts import (
    SQLI_FINGERPRINT,
    finding,
    realistic_verdict,
    source,
    verdicts,
)
from mlgate.core.finding import ArtifactLocation, Severity
from mlgate.core.verdict import Disposition, JudgedFinding, Verdict
from mlgate.reporters.sarif import SarifReporter

Json = dict[str, Any]


def _log(verdict: Verdict) -> Json:
    return validate_sarif(SarifReporter().render(verdict))


def _result(run: Json, rule_id: str) -> Json:
    return next(r for r in run["results"] if r["ruleId"] == rule_id)


def _rule(run: Json, rule_id: str) -> Json:
    return next(r for r in run["tool"]["driver"]["rules"] if r["id"] == rule_id)


def test_one_run_per_gate_with_a_distinct_category() -> None:
    log = _log(realistic_verdict())
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-schema-2.1.0.json")
    assert [run["automationDetails"]["id"] for run in log["runs"]] == [
        "mlgate/pre-merge/",
        "mlgate/post-train/",
    ]
    driver = log["runs"][0]["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("mlgate", "0.1.0")
    assert driver["informationUri"].startswith("https://")


def test_shards_of_one_gate_share_a_run() -> None:
    verdict = realistic_verdict()
    doubled = replace(verdict, gates=(verdict.gates[0], verdict.gates[0]))
    runs = _log(doubled)["runs"]
    assert len(runs) == 1
    assert [r["ruleId"] for r in runs[0]["results"]].count("PY001") == 2


def test_declared_rule_carries_github_metadata() -> None:
    run = _log(realistic_verdict())["runs"][0]
    rule = _rule(run, "PY001")
    assert rule["name"] == "sql-injection"
    assert rule["shortDescription"] == {"text": "SQL query built from untrusted input."}
    assert rule["helpUri"] == "https://mlgate.example/rules/PY001"
    assert rule["defaultConfiguration"] == {"level": "error"}
    assert rule["properties"] == {
        "tags": ["security", "injection", "external/cwe/cwe-89"],
        "precision": "high",
        "security-severity": "9.5",
    }
    assert "How to fix: Pass user input as query parameters" in rule["help"]["text"]
    assert "**How to fix:**" in rule["help"]["markdown"]


def test_rule_without_metadata_gets_a_minimal_descriptor() -> None:
    run = _log(realistic_verdict())["runs"][0]
    rule = _rule(run, "PY004")
    assert rule["name"] == "py004"
    assert rule["properties"]["security-severity"] == "3.0"
    assert rule["properties"]["precision"] == "medium"
    assert rule["defaultConfiguration"] == {"level": "warning"}
    assert _result(run, "PY004")["ruleIndex"] == run["tool"]["driver"]["rules"].index(rule)


def test_blocking_sql_injection_result() -> None:
    run = _log(realistic_verdict())["runs"][0]
    result = _result(run, "PY001")
    assert result["level"] == "error"
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "PY001"
    assert result["message"] == {"text": "SQL query built from request data reaches cursor.execute"}
    assert result["locations"] == [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": "app/db.py", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 42, "startColumn": 9, "endLine": 42, "endColumn": 61},
            }
        }
    ]
    assert result["partialFingerprints"] == {"mlgate/v1": SQLI_FINGERPRINT}
    assert result["baselineState"] == "new"
    assert result["properties"]["mlgate/disposition"] == "blocking"
    assert result["properties"]["mlgate/gate"] == "pre-merge"
    assert "suppressions" not in result
    steps = result["codeFlows"][0]["threadFlows"][0]["locations"]
    assert [
        (
            s["location"]["physicalLocation"]["artifactLocation"]["uri"],
            s["location"]["physicalLocation"]["region"]["startLine"],
            s["location"]["message"]["text"],
        )
        for s in steps
    ] == [
        ("app/api.py", 10, "request.args['name']"),
        ("app/service.py", 22, "find_user(name)"),
        ("app/db.py", 42, "cursor.execute(query)"),
    ]


def test_waived_and_baselined_results_are_suppressed() -> None:
    run = _log(realistic_verdict())["runs"][0]
    waived = _result(run, "PY002")
    assert waived["suppressions"][0]["kind"] == "external"
    assert waived["suppressions"][0]["status"] == "accepted"
    assert (
        waived["suppressions"][0]["justification"] == "build script runs only on trusted CI input"
    )
    assert waived["suppressions"][0]["properties"]["mlgate/owner"] == "alice"
    baselined = _result(run, "PY003")
    assert baselined["suppressions"] == [
        {
            "kind": "external",
            "status": "accepted",
            "justification": "accepted as existing debt in the mlgate baseline",
        }
    ]
    assert baselined["baselineState"] == "unchanged"
    assert _result(run, "PY004")["level"] == "warning"


def test_artifact_member_is_a_related_location_with_the_uri_fragment_and_byte_offset() -> None:
    run = _log(realistic_verdict())["runs"][1]
    result = _result(run, "ART001")
    location = result["locations"][0]
    # Code scanning links a result to a repository file: the primary location is the file.
    assert location["physicalLocation"] == {
        "artifactLocation": {"uri": "models/model.pkl", "uriBaseId": "%SRCROOT%"},
    }
    assert location["logicalLocations"] == [
        {
            "name": "archive/data.pkl",
            "fullyQualifiedName": "models/model.pkl!archive/data.pkl",
            "kind": "resource",
        }
    ]
    assert location["properties"] == {"mlgate/offset": 120}
    (member,) = result["relatedLocations"]
    assert member["id"] == 1
    assert member["message"] == {"text": "archive member archive/data.pkl"}
    assert member["physicalLocation"] == {
        "artifactLocation": {"uri": "models/model.pkl#archive/data.pkl", "uriBaseId": "%SRCROOT%"},
        "region": {"byteOffset": 120},
    }
    dataset = _result(run, "DS001")["locations"][0]
    assert dataset["physicalLocation"]["artifactLocation"]["uri"] == "data/churn.parquet"
    assert dataset["logicalLocations"][0]["fullyQualifiedName"] == "dataset:churn-2024"


def _with_art001(location: ArtifactLocation, properties: tuple[tuple[str, str], ...]) -> Json:
    """The ART001 result after giving the finding ``location`` and ``properties``."""
    verdict = realistic_verdict()
    gates = []
    for gate in verdict.gates:
        checks = []
        for check in gate.checks:
            judged = tuple(
                replace(j, finding=replace(j.finding, location=location, properties=properties))
                if j.finding.rule_id == "ART001"
                else j
                for j in check.findings
            )
            checks.append(replace(check, findings=judged))
        gates.append(replace(gate, checks=tuple(checks)))
    run = _log(replace(verdict, gates=tuple(gates)))["runs"][1]
    result_json: Json = _result(run, "ART001")
    return result_json


def test_artifact_offsets_go_where_they_count_bytes() -> None:
    whole_file = _with_art001(ArtifactLocation(path="m/a#b.pkl", offset=7), ())
    physical = whole_file["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "m/a%23b.pkl"
    assert physical["region"] == {"byteOffset": 7}
    assert "relatedLocations" not in whole_file
    odd_member = _with_art001(ArtifactLocation(path="m.pt", member="a/#1 x", offset=0), ())
    assert "region" not in odd_member["locations"][0]["physicalLocation"]
    member = odd_member["relatedLocations"][0]["physicalLocation"]
    assert member["artifactLocation"]["uri"] == "m.pt#a/%231%20x"
    assert member["region"] == {"byteOffset": 0}
    # A zip header's offset counts bytes of the enclosing archive, not of the member.
    header = ArtifactLocation(path="m.pt", member="inner.zip/x.pkl", offset=4096)
    in_container = _with_art001(header, (("offset_base", "container"),))
    assert "region" not in in_container["relatedLocations"][0]["physicalLocation"]
    assert in_container["locations"][0]["properties"] == {"mlgate/offset": 4096}
    negative = _with_art001(ArtifactLocation(path="m.pt", offset=-2), ())
    assert "region" not in negative["locations"][0]["physicalLocation"]
    no_offset = _with_art001(ArtifactLocation(path="m.pt", member="x.pkl"), ())
    assert "region" not in no_offset["relatedLocations"][0]["physicalLocation"]


def test_check_errors_and_skipped_inputs_are_notifications() -> None:
    runs = _log(realistic_verdict())["runs"]
    invocation = runs[0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    texts = [n["message"]["text"] for n in invocation["toolExecutionNotifications"]]
    assert texts == [
        "check secrets failed: timed out after 600 s",
        "check secrets skipped models/big.bin: larger than the 2 GiB read budget",
        "check secrets skipped notebooks/eda.ipynb: not valid JSON",
    ]
    expired = invocation["toolConfigurationNotifications"][0]["message"]["text"]
    assert expired.startswith("waiver expired: #1 PY003")
    assert runs[1]["invocations"][0] == {
        "executionSuccessful": True,
        "toolExecutionNotifications": [],
    }


def test_unmappable_paths_get_no_uri() -> None:
    verdict = realistic_verdict()
    outside = finding("PY001", Severity.HIGH, source("/etc/passwd", 3), "a" * 32, "abs")
    inside = finding("PY001", Severity.HIGH, source("/srv/repo/app/x y.py", 3), "b" * 32, "in")
    empty = finding("PY001", Severity.HIGH, source("", 3), "c" * 32, "empty")
    judged = tuple(
        JudgedFinding(finding=f, disposition=Disposition.BLOCKING) for f in (outside, inside, empty)
    )
    check = replace(verdict.gates[0].checks[0], findings=judged)
    gate = replace(verdict.gates[0], checks=(check,))
    run = _log(replace(verdict, gates=(gate,), root="/srv/repo"))["runs"][0]
    locations = [r["locations"][0] for r in run["results"]]
    assert "physicalLocation" not in locations[0]
    assert locations[0]["properties"] == {"mlgate/path": "/etc/passwd"}
    assert locations[1]["physicalLocation"]["artifactLocation"]["uri"] == "app/x%20y.py"
    assert "physicalLocation" not in locations[2]
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": "file:///srv/repo/"}}


def test_empty_verdict_still_has_one_run() -> None:
    log = _log(replace(realistic_verdict(), gates=()))
    assert len(log["runs"]) == 1
    assert log["runs"][0]["results"] == []


def _uris(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["uri"]] if isinstance(node.get("uri"), str) else []
        return found + [u for value in node.values() for u in _uris(value)]
    if isinstance(node, list):
        return [u for value in node for u in _uris(value)]
    return []


@settings(max_examples=60, deadline=None)
@given(verdicts)
def test_every_verdict_is_valid_sarif_with_relative_uris(verdict: Verdict) -> None:
    log = _log(verdict)
    for run in log["runs"]:
        rules = run["tool"]["driver"]["rules"]
        for result in run["results"]:
            assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        for uri in _uris(run["results"]) + _uris(run["invocations"]):
            assert uri
            assert not uri.startswith("/")
            assert ":" not in uri.split("/")[0]


def test_check_properties_and_redacted_evidence_reach_the_result() -> None:
    verdict = realistic_verdict()
    gate = verdict.gates[0]
    check = gate.checks[0]
    judged = check.findings[0]
    detailed = replace(
        judged,
        finding=replace(
            judged.finding,
            evidence="ghp_… (40 chars)",
            properties=(("opcode_path", "GLOBAL os system @2 -> REDUCE @23"),),
        ),
    )
    checks = (replace(check, findings=(detailed, *check.findings[1:])), *gate.checks[1:])
    verdict = replace(verdict, gates=(replace(gate, checks=checks), *verdict.gates[1:]))
    document = json.loads(SarifReporter().render(verdict))
    results = [r for run in document["runs"] for r in run["results"]]
    (result,) = [r for r in results if "mlgate/opcode_path" in r["properties"]]
    assert result["properties"]["mlgate/opcode_path"] == "GLOBAL os system @2 -> REDUCE @23"
    assert result["properties"]["mlgate/evidence"] == "ghp_… (40 chars)"
