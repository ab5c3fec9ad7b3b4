from __future__ import annotations

import re
import time

import pytest

from builders import secrets_tokens as st
from mlgate.checks.secrets.readers.text import text_hits
from mlgate.credentials.allowlist import inline_ignore, is_hash_like, is_placeholder
from mlgate.credentials.matcher import Matcher
from mlgate.credentials.redact import redact
from mlgate.credentials.rules import DETECTORS, RULES

MATCHER = Matcher(DETECTORS)


def rule_lines(text: str) -> list[tuple[str, int | None]]:
    hits = text_hits(text, "f.py", MATCHER)
    return [(h.match.detector.rule.id, getattr(h.location, "start_line", None)) for h in hits]


@pytest.mark.parametrize("kind", st.KINDS, ids=lambda k: k.name)
def test_each_secret_type_is_found_exactly_once_on_its_line(kind: st.Kind) -> None:
    value = kind.make(st.seeded(kind.name))
    text = f'import os\n\n{kind.variable} = "{value}"\n'
    assert rule_lines(text) == [(kind.rule_id, 3)]


def test_rules_are_unique_cwe_798_and_documented() -> None:
    assert len({r.id for r in RULES}) == len(RULES) == len(DETECTORS)
    for rule in RULES:
        assert rule.cwe == (798,) and rule.remediation and rule.summary.endswith(".")


def test_detector_keywords_are_lower_case_literals_of_the_pattern() -> None:
    for detector in DETECTORS:
        assert detector.keywords and all(k == k.lower() for k in detector.keywords)
        assert "secret" in detector.pattern.groupindex


def test_aws_secret_needs_its_key_id_or_keyword_nearby() -> None:
    rng = st.seeded(9)
    key_id, secret = st.aws_key_id(rng), st.aws_secret(rng)
    assert rule_lines(f'a = "{key_id}"\nb = "{secret}"\n') == [("SEC001", 1), ("SEC002", 2)]
    assert rule_lines(f'blob = "{secret}"\n') == []
    padding = "\n" * 400
    assert rule_lines(f'a = "{key_id}"{padding}b = "{secret}"\n') == [("SEC001", 1)]


@pytest.mark.parametrize(
    "text",
    [
        "AWS_ACCESS_KEY_ID=AKIA" + "IOSFODNN7" + "EXAMPLE",
        "token = '<YOUR_TOKEN>'",
        "password: ${DB_PASSWORD}",
        "secret = 'xxxxxxxxxxxxxxxx'",
        "password = 'changeme'",
        "api_key = '{{ api_key }}'",
        "checksum_token = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'",
        "token = '123e4567-e89b-12d3-a456-426614174000'",
        "url = 'postgres://user:${PASSWORD}@db/app'",
        "dsn = 'mysql://root:<password>@localhost/x'",
    ],
)
def test_examples_placeholders_hashes_and_uuids_do_not_count(text: str) -> None:
    assert rule_lines(text) == []


def test_wrong_checksum_github_token_is_not_reported_by_any_rule() -> None:
    token = st.github_wrong_checksum(st.seeded(10))
    assert rule_lines(f'GITHUB_TOKEN = "{token}"\npassword = "{token}"\n') == []


def test_allowlist_predicates() -> None:
    assert is_placeholder("<YOUR_TOKEN>") and is_placeholder("${VAR}") and is_placeholder("****")
    assert not is_placeholder("Xk9#mQ2pLw")
    assert is_hash_like("sha256:" + "ab" * 32) and is_hash_like("d41d8cd98f00b204e9800998ecf8427e")
    assert not is_hash_like("d41d8cd98f00b204e9800998ecf8427")


def test_inline_ignore_needs_a_reason_and_names_the_check_or_rule() -> None:
    marker = inline_ignore("x = 1  # mlgate: ignore[secrets] test fixture, not a key")
    assert marker is not None and marker.reason == "test fixture, not a key"
    assert marker.covers("SEC007")
    assert inline_ignore("# mlgate: ignore[SEC007]") is not None
    assert inline_ignore("# mlgate: ignore[SEC007]").reason == ""  # type: ignore[union-attr]
    only = inline_ignore("# mlgate: ignore[sec001] rotated")
    assert only is not None and not only.covers("SEC007") and only.covers("SEC001")


def test_inline_ignore_on_the_line_or_the_comment_line_above() -> None:
    token = st.github(st.seeded(11))
    same = text_hits(f'T = "{token}"  # mlgate: ignore[secrets] revoked 2024-05\n', "f", MATCHER)
    above = text_hits(f'# mlgate: ignore[SEC007] revoked\nT = "{token}"\n', "f", MATCHER)
    assert same[0].ignore is not None and same[0].ignore.reason == "revoked 2024-05"
    assert above[0].ignore is not None and above[0].ignore.covers("SEC007")


def test_redaction_shows_at_most_a_quarter_and_four_characters() -> None:
    token = st.github(st.seeded(12))
    shown = redact(token)
    assert shown.startswith("ghp_… (40 chars, id ") and token[4:8] not in shown
    assert redact("hunter2!").startswith("hu… (8 chars")


# Inputs built to make a backtracking regex explode: long runs of each pattern's own
# characters with the closing part missing, repeated prefixes, unterminated PEM blocks.
ADVERSARIAL = [
    "a" * 200_000,
    "ghp_" * 50_000,
    "sk-" + "A" * 200_000,
    "sk-proj-" + "T3BlbkFJ" * 20_000,
    "password=" * 20_000,
    "password = '" + "x1" * 100_000,
    "-----BEGIN RSA PRIVATE KEY-----\n" * 2_000 + "A" * 100_000,
    "postgres://" + "u:" * 100_000,
    "sv=2020-01-01&" * 20_000,
    "eyJ" + "a" * 100_000 + ".eyJ" + "b" * 100_000,
    "wandb " * 40_000 + "0" * 50_000,
    "xoxb-" + "1-" * 100_000,
    "A" * 40 + "/" * 100_000,
]


@pytest.mark.parametrize("text", ADVERSARIAL, ids=lambda t: re.sub(r"\W", "_", t[:16]))
def test_no_catastrophic_backtracking(text: str) -> None:
    started = time.perf_counter()
    MATCHER.find(text)
    assert time.perf_counter() - started < 3.0
