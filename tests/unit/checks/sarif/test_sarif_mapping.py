"""Severity, CWE, message, rule lookup and redaction mappings of the ``sarif`` check."""

from __future__ import annotations

from typing import Any

import pytest

from builders.sarif import fake_aws_key, fake_token, sarif_log
from mlgate.checks.sarif.mapping import (
    REDACTED,
    RuleBook,
    apply_overrides,
    cwe_ids,
    format_message,
    redact_snippet,
    result_message,
    result_severity,
    rule_record,
    severity_from_score,
    slugify,
    tool_id,
)
from mlgate.checks.sarif.reader import to_log
from mlgate.checks.sarif.records import Descriptor, Properties, Result, Run
from mlgate.core.finding import Severity


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        ("10.0", Severity.CRITICAL), ("9.0", Severity.CRITICAL), ("8.99", Severity.HIGH),
        ("7.0", Severity.HIGH), ("6.9", Severity.MEDIUM), ("4.0", Severity.MEDIUM),
        ("3.9", Severity.LOW), ("0.1", Severity.LOW), ("0", Severity.INFO), ("0.0", Severity.INFO),
        ("-1", None), ("nan", None), ("inf", None), ("high", None), ("", None), (None, None),
    ],
)  # fmt: skip
def test_security_severity_bands(score: str | None, expected: Severity | None) -> None:
    assert severity_from_score(score) is expected


def _descriptor(level: str | None = None, score: str | None = None) -> Descriptor:
    return Descriptor(id="r", default_level=level, properties=Properties(security_severity=score))


@pytest.mark.parametrize(
    ("result", "descriptor", "expected"),
    [
        (Result(level="error"), None, Severity.HIGH),
        (Result(level="warning"), None, Severity.MEDIUM),
        (Result(level="note"), None, Severity.LOW),
        (Result(level="none"), None, Severity.INFO),
        (Result(), None, Severity.MEDIUM),
        (Result(), _descriptor("error"), Severity.HIGH),
        (Result(level="note"), _descriptor("error"), Severity.LOW),
        (Result(level="bogus"), _descriptor("note"), Severity.LOW),
        (Result(kind="review"), _descriptor("error"), Severity.INFO),
        (Result(level="error"), _descriptor(score="9.1"), Severity.CRITICAL),
        (Result(properties=Properties(security_severity="2.0")), _descriptor("error", "9.1"),
         Severity.LOW),
        (Result(properties=Properties(security_severity="junk")), _descriptor("error"),
         Severity.HIGH),
    ],
)  # fmt: skip
def test_result_severity(result: Result, descriptor: Descriptor | None, expected: Severity) -> None:
    assert result_severity(result, descriptor) is expected


def test_overrides_last_matching_glob_wins_and_star_spans_slashes() -> None:
    overrides = {"CodeQL/*": Severity.LOW, "CodeQL/py/sql-injection": Severity.CRITICAL}
    assert apply_overrides("CodeQL/py/sql-injection", Severity.HIGH, overrides) is Severity.CRITICAL
    assert apply_overrides("CodeQL/py/other", Severity.HIGH, overrides) is Severity.LOW
    assert apply_overrides("Bandit/B101", Severity.HIGH, overrides) is Severity.HIGH


@pytest.mark.parametrize(
    ("properties", "expected"),
    [
        (Properties(tags=("external/cwe/cwe-089", "security")), (89,)),
        (Properties(tags=("CWE-89: Improper Neutralization ('SQL Injection')",)), (89,)),
        (Properties(tags=("cwe-79", "CWE-79", "owasp-a03")), (79,)),
        (Properties(tags=("OWASP-A03:2021 - Injection", "89")), ()),
        (Properties(cwe=("CWE-22", "78", "cwe_352")), (22, 78, 352)),
        (Properties(cwe=("CWE-0", "CWE-1234567")), ()),
    ],
)
def test_cwe_ids(properties: Properties, expected: tuple[int, ...]) -> None:
    assert cwe_ids(properties) == expected


def test_cwe_ids_merge_result_and_rule_bags_deduplicated() -> None:
    assert cwe_ids(Properties(tags=("cwe-79",)), Properties(cwe=("79", "80"))) == (79, 80)


@pytest.mark.parametrize(
    ("template", "arguments", "expected"),
    [
        ("{0} flows to {1}.", ("x", "sink"), "x flows to sink."),
        ("{0} and {5}", ("a",), "a and {5}"),
        ("{{literal}} {0}", ("v",), "{literal} v"),
        ("depends on a [user-provided value](1).", (), "depends on a user-provided value."),
        ("[not a link](http://x)", (), "[not a link](http://x)"),
    ],
)
def test_format_message(template: str, arguments: tuple[str, ...], expected: str) -> None:
    assert format_message(template, arguments) == expected


def test_repeated_placeholders_cannot_blow_up_a_message() -> None:
    assert len(format_message("{0}" * 1300, ("x" * 500,))) == 4000


def _run(rules: list[Any], extensions: list[Any] | None = None) -> Run:
    tool: dict[str, Any] = {"driver": {"name": "Tool", "rules": rules}}
    if extensions is not None:
        tool["extensions"] = extensions
    return to_log(sarif_log({"tool": tool, "results": []})).runs[0]


def test_rule_lookup_by_index_reference_extension_and_hierarchical_id() -> None:
    run = _run(
        [{"id": "A"}, {"id": "B"}],
        [{"name": "pack", "rules": [{"id": "X", "shortDescription": {"text": "ext"}}]}],
    )
    book = RuleBook(run)
    by_index = book.resolve(Result(rule_index=1))
    assert (by_index.rule_id, by_index.descriptor and by_index.descriptor.id) == ("Tool/B", "B")
    in_extension = book.resolve(Result(rule_id="X", rule_index=0, component_index=0))
    assert (
        in_extension.descriptor is not None and in_extension.descriptor.short_description == "ext"
    )
    by_name = book.resolve(Result(rule_id="X", component_name="PACK"))
    assert by_name.descriptor is in_extension.descriptor
    child = book.resolve(Result(rule_id="A/child"))
    assert (child.rule_id, child.descriptor and child.descriptor.id) == ("Tool/A/child", "A")


def test_rule_lookup_survives_bad_references() -> None:
    run = _run([{"id": "A"}, {"id": "B"}])
    book = RuleBook(run)
    out_of_range = book.resolve(Result(rule_id="B", rule_index=99, component_index=7))
    assert out_of_range.descriptor is not None and out_of_range.descriptor.id == "B"
    # ruleId and ruleIndex disagree: the id wins.
    disagreeing = book.resolve(Result(rule_id="A", rule_index=1))
    assert disagreeing.descriptor is not None and disagreeing.descriptor.id == "A"
    unknown = book.resolve(Result())
    assert (unknown.rule_id, unknown.descriptor) == ("Tool/unknown-rule", None)


def test_message_falls_back_to_message_strings_then_rule_summary() -> None:
    run = _run([{"id": "A", "shortDescription": {"text": "Short."},
                 "messageStrings": {"m": {"text": "Got {0}."}}}])  # fmt: skip
    book = RuleBook(run)
    with_id = Result(rule_id="A", message_id="m", arguments=("x",))
    assert result_message(with_id, book.resolve(with_id)) == "Got x."
    missing_id = Result(rule_id="A", message_id="absent")
    assert result_message(missing_id, book.resolve(missing_id)) == "Short."
    unknown = Result(rule_id="Z")
    assert result_message(unknown, book.resolve(unknown)) == "Z reported"


def test_rule_record_uses_help_and_keeps_only_web_help_uris() -> None:
    run = _run([{"id": "A", "name": "DoNotUseMd5", "help": {"text": "x" * 5000},
                 "helpUri": "javascript:alert(1)",
                 "properties": {"tags": ["security", "external/cwe/cwe-327"]}}])  # fmt: skip
    rule = rule_record(
        RuleBook(run).resolve(Result(rule_id="A")), tool="Tool", severity=Severity.LOW
    )
    assert (rule.id, rule.slug, rule.cwe, rule.help_uri) == (
        "Tool/A",
        "do-not-use-md5",
        (327,),
        None,
    )
    assert len(rule.remediation) == 1000
    assert rule.external_ids == (("tool", "A"),)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hardcoded_password_string", "hardcoded-password-string"),
        ("py/sql-injection", "py-sql-injection"),
        ("DoNotUseInsecureRandomness", "do-not-use-insecure-randomness"),
        ("!!!", "rule"),
    ],
)
def test_slugify(text: str, expected: str) -> None:
    assert slugify(text) == expected


def test_redaction_masks_generated_keys_and_assignment_values() -> None:
    aws, token = fake_aws_key(7), fake_token(8)
    snippet = f'AWS_KEY = "{aws}"\nheaders = {{"Authorization": "{token}"}}\npassword = hunter2x'
    redacted = redact_snippet(snippet)
    assert aws not in redacted and token not in redacted and "hunter2x" not in redacted
    assert redacted.count(REDACTED) >= 3


def test_redaction_keeps_ordinary_code_and_truncates() -> None:
    code = 'cursor.execute("SELECT * FROM users WHERE name = \'" + name + "\'")'
    assert redact_snippet(code) == code
    long = "\n".join(["x = 1"] * 10)
    assert redact_snippet(long).count("\n") == 2
    assert len(redact_snippet("y" * 1000)) <= 301


@pytest.mark.parametrize(
    ("name", "expected"),
    [("CodeQL", "CodeQL"), ("Semgrep OSS", "Semgrep-OSS"), (" a / b ", "a-b"), ("  ", "sarif")],
)
def test_tool_id(name: str, expected: str) -> None:
    assert tool_id(name) == expected
