"""The SARIF reader: format tricks, hostile input, and its never-raise-undeclared contract."""

from __future__ import annotations

import codecs
import contextlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builders.sarif import Hit, codeql_run, sarif_log, write_sarif
from mlgate.checks.sarif.reader import (
    MAX_DEPTH,
    MAX_FLOW_STEPS,
    MAX_TEXT,
    SarifError,
    parse_json,
    read_sarif,
    to_log,
)
from mlgate.core.errors import ResourceLimitError

MIB = 1024 * 1024


def _minimal(results: list[Any] | None = None) -> dict[str, Any]:
    return sarif_log({"tool": {"driver": {"name": "T"}}, "results": results or []})


def _write_bytes(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "x.sarif"
    path.write_bytes(data)
    return path


def test_reads_a_codeql_log_with_rules_in_an_extension(tmp_path: Path) -> None:
    hit = Hit(rule="py/sql-injection", path="app/db.py", line=12)
    path = write_sarif(tmp_path, "c.sarif", sarif_log(codeql_run([hit])))
    (run,) = read_sarif(path, max_bytes=MIB).runs
    (result,) = run.results
    assert run.tool == "CodeQL"
    assert run.extensions[0].name == "codeql/python-queries"
    assert (result.rule_id, result.rule_index, result.component_index) == ("py/sql-injection", 0, 0)
    assert result.location is not None and result.location.region is not None
    assert result.location.region.start_line == 12
    assert len(result.flow) == 2
    assert dict(result.fingerprints)["partial:primaryLocationStartColumnFingerprint"] == "0"


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    data = codecs.BOM_UTF8 + json.dumps(_minimal()).encode()
    assert read_sarif(_write_bytes(tmp_path, data), max_bytes=MIB).runs[0].tool == "T"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32"])
def test_utf16_and_utf32_are_accepted(tmp_path: Path, encoding: str) -> None:
    # Windows PowerShell redirection writes UTF-16; json.loads accepts it too.
    path = write_sarif(tmp_path, "w.sarif", _minimal(), encoding=encoding)
    assert read_sarif(path, max_bytes=MIB).runs[0].tool == "T"


def test_invalid_utf8_is_a_declared_error(tmp_path: Path) -> None:
    with pytest.raises(SarifError, match="not valid utf-8"):
        read_sarif(_write_bytes(tmp_path, b'{"version": "\xff\xfe\xfa"}'), max_bytes=MIB)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"version": "2.0.0", "runs": []}, "unsupported SARIF version '2.0.0'"),
        ({"runs": []}, "unsupported SARIF version missing"),
        ({"version": "2.1.0", "runs": None}, "'runs' is null"),
        ({"version": "2.1.0"}, "'runs' is null"),
        ({"version": "2.1.0", "runs": {"a": 1}}, "'runs' must be an array"),
        ([1, 2], "top level is a JSON list"),
    ],
)
def test_not_sarif_210_is_a_declared_error(document: Any, message: str) -> None:
    with pytest.raises(SarifError, match=message):
        to_log(document)


@pytest.mark.parametrize("text", ["", "{", '{"version": "2.1.0", "runs": [', "not json", "{}}"])
def test_truncated_or_malformed_json_is_a_declared_error(text: str) -> None:
    with pytest.raises(SarifError, match="not valid JSON"):
        parse_json(text.encode())


def test_too_big_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = _write_bytes(tmp_path, b" " * 2048 + json.dumps(_minimal()).encode())
    with pytest.raises(ResourceLimitError) as caught:
        read_sarif(path, max_bytes=1024)
    assert caught.value.limit == 1024
    assert caught.value.actual > 1024


def test_ten_thousand_nested_arrays_are_refused() -> None:
    with pytest.raises(ResourceLimitError, match="nesting depth"):
        parse_json(b"[" * 10_000 + b"]" * 10_000)


def test_nesting_just_past_the_limit_is_refused_without_recursion() -> None:
    deep = '{"a": ' * (MAX_DEPTH + 5) + "1" + "}" * (MAX_DEPTH + 5)
    with pytest.raises(ResourceLimitError) as caught:
        parse_json(deep.encode())
    assert caught.value.actual == MAX_DEPTH + 1


def test_an_integer_beyond_pythons_digit_cap_is_a_declared_error() -> None:
    with pytest.raises(SarifError):
        parse_json(b'{"n": ' + b"9" * 5000 + b"}")


def test_unreadable_path_is_a_declared_error(tmp_path: Path) -> None:
    with pytest.raises(SarifError, match="cannot read"):
        read_sarif(tmp_path / "missing.sarif", max_bytes=MIB)


def test_fields_of_the_wrong_type_count_as_absent() -> None:
    log = to_log(
        {
            "version": "2.1.0",
            "runs": [
                None,
                {"tool": {"driver": {"name": 7, "rules": "x"}}, "results": {"a": 1}},
                {"tool": {"driver": {"name": "T"}}, "results": [
                    {"ruleId": 5, "ruleIndex": True, "level": ["error"], "message": "text",
                     "locations": [{"physicalLocation": {"region": {"startLine": "3"}}}]},
                ]},
            ],
        }
    )  # fmt: skip
    assert [run.tool for run in log.runs] == ["run0", "run1", "T"]
    (result,) = log.runs[2].results
    assert (result.rule_id, result.rule_index, result.level, result.message_text) == (
        None,
        None,
        None,
        None,
    )
    assert result.location is not None and result.location.region is not None
    assert result.location.region.start_line is None


def test_text_is_cleaned_of_control_characters_and_lone_surrogates() -> None:
    text = "red \x1b[31malert\x07 \ud800 done" + "x" * (2 * MAX_TEXT)
    log = to_log(_minimal([{"ruleId": "r", "message": {"text": text}}]))
    message = log.runs[0].results[0].message_text
    assert message is not None
    assert "\x1b" not in message and "\x07" not in message and "\ud800" not in message
    assert message.startswith("red [31malert ? done")
    assert len(message) <= MAX_TEXT


def test_flows_are_capped() -> None:
    step = {"location": {"physicalLocation": {"artifactLocation": {"uri": "a.py"}}}}
    flow = [{"threadFlows": [{"locations": [step] * (MAX_FLOW_STEPS * 3)}]}]
    log = to_log(_minimal([{"ruleId": "r", "codeFlows": flow}]))
    assert len(log.runs[0].results[0].flow) == MAX_FLOW_STEPS


@pytest.mark.parametrize(
    ("suppressions", "expected"),
    [
        ([], False),
        ([{"kind": "inSource"}], True),
        ([{"kind": "external", "status": "accepted"}], True),
        ([{"kind": "external", "status": "underReview"}], False),
        ([{"kind": "inSource"}, {"kind": "external", "status": "rejected"}], False),
        ("yes", False),
    ],
)
def test_suppressed_only_when_no_suppression_is_pending_or_rejected(
    suppressions: Any, expected: bool
) -> None:
    log = to_log(_minimal([{"ruleId": "r", "suppressions": suppressions}]))
    assert log.runs[0].results[0].is_suppressed is expected


def test_execution_failure_and_error_notifications_are_kept() -> None:
    run = {
        "tool": {"driver": {"name": "T"}},
        "invocations": [{"executionSuccessful": False, "toolExecutionNotifications": [
            {"level": "error", "message": {"text": "parse error"},
             "descriptor": {"id": "ParseError"}},
            {"level": "warning", "message": {"text": "slow"}},
        ]}],
    }  # fmt: skip
    (parsed,) = to_log(sarif_log(run)).runs
    assert parsed.execution_failed
    assert [(n.message, n.rule_id) for n in parsed.notifications] == [("parse error", "ParseError")]


# --- properties: never raises anything undeclared, stays within budget ------------------

_KEYS = st.sampled_from([
    "version", "runs", "tool", "driver", "name", "rules", "results", "ruleId", "ruleIndex",
    "rule", "index", "toolComponent", "extensions", "message", "text", "id", "arguments",
    "locations", "physicalLocation", "artifactLocation", "uri", "uriBaseId", "region",
    "startLine", "snippet", "codeFlows", "threadFlows", "location", "properties", "tags",
    "security-severity", "cwe", "suppressions", "status", "kind", "level", "fingerprints",
    "partialFingerprints", "originalUriBaseIds", "artifacts", "invocations",
    "executionSuccessful", "toolExecutionNotifications", "messageStrings", "relationships",
])  # fmt: skip
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True)
    | st.sampled_from(["2.1.0", "error", "note", "pass", "%SRCROOT%", "file:///x/", "CWE-79"])
    | st.text(max_size=20)
)
_JSONISH = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(_KEYS | st.text(max_size=5), inner, max_size=6)
    ),
    max_leaves=40,
)
_SARIFISH = st.fixed_dictionaries(
    {"version": st.just("2.1.0"), "runs": st.lists(_JSONISH, max_size=3)}
)


@settings(max_examples=300)
@given(document=_SARIFISH | _JSONISH)
def test_any_jsonish_document_parses_or_fails_with_a_declared_error(document: Any) -> None:
    try:
        log = to_log(document)
    except SarifError:
        return
    for run in log.runs:
        for result in run.results:
            assert len(result.flow) <= MAX_FLOW_STEPS
            assert result.message_text is None or len(result.message_text) <= MAX_TEXT


@settings(max_examples=300)
@given(data=st.binary(max_size=300) | st.text(max_size=200).map(str.encode))
def test_any_bytes_parse_or_fail_with_a_declared_error(data: bytes) -> None:
    with contextlib.suppress(SarifError, ResourceLimitError):
        to_log(parse_json(data))


@settings(max_examples=100)
@given(document=_SARIFISH)
def test_any_document_survives_the_round_trip_through_bytes(document: Any) -> None:
    data = json.dumps(document).encode()
    with contextlib.suppress(SarifError, ResourceLimitError):
        to_log(parse_json(data))
