from __future__ import annotations

import base64
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from builders.verdicts import passing_verdict, realistic_verdict
from mlgate.core.changes import ChangeScope
from mlgate.core.check import CheckConfig
from mlgate.core.clock import FixedClock
from mlgate.core.digest import sha256_file
from mlgate.core.errors import UsageError
from mlgate.core.gate import GatePlan, PlannedCheck
from mlgate.core.policy.load import Policy
from mlgate.core.verdict import Outcome, Verdict
from mlgate.evidence import (
    PREDICATE_TYPE,
    Envelope,
    Expectations,
    attest,
    load_signer,
    load_verifier,
    subjects_of,
    verify,
)
from mlgate.evidence.dsse import sign
from mlgate.evidence.keys import KeySigner

Keys = tuple[Path, Path]
SIGNED_AT = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)
POLICY_TEXT = "version: 1\ngates:\n  pre-merge:\n    checks:\n      findings: {paths: [model]}\n"


def project(tmp_path: Path) -> Policy:
    root = tmp_path / "project"
    (root / "model").mkdir(parents=True)
    (root / "model" / "model.safetensors").write_bytes(b"weights-v1")
    (root / "model" / "card.md").write_text("# churn model\n")
    (root / "mlgate.yaml").write_text(POLICY_TEXT)
    plan = GatePlan(
        name="pre-merge",
        checks=(PlannedCheck(check_id="findings", target="", config=CheckConfig(paths=["model"])),),
    )
    return Policy(
        source=root / "mlgate.yaml",
        root=root,
        gates={"pre-merge": plan},
        waivers=(),
        baseline=None,
        report_directory=root / "mlgate-reports",
        report_formats=(),
    )


def signer(keys: Keys) -> KeySigner:
    return load_signer(keys[0].read_bytes(), where="key")


def signed(policy: Policy, keys: Keys, verdict: Verdict | None = None) -> Envelope:
    return attest(
        verdict or passing_verdict(),
        policy,
        signer=signer(keys),
        clock=FixedClock(SIGNED_AT),
        subjects=[policy.root / "model" / "model.safetensors"],
    )


def expect(policy: Policy, **changes: Any) -> Expectations:
    expected = Expectations(
        subjects=subjects_of([policy.root / "model" / "model.safetensors"]),
        gate="pre-merge",
        policy_sha256=sha256_file(policy.source).sha256,
        max_age=timedelta(hours=24),
    )
    return replace(expected, **changes)


def check(
    envelope: Envelope, keys: Keys, expected: Expectations, hours_later: float = 1
) -> tuple[str, ...]:
    verifier = load_verifier(keys[1].read_bytes(), where="pub")
    clock = FixedClock(SIGNED_AT + timedelta(hours=hours_later))
    return verify(envelope, verifier, expected, clock).failures


def test_a_fresh_passing_statement_verifies(tmp_path: Path, keys: Keys) -> None:
    policy = project(tmp_path)
    envelope = signed(policy, keys)
    verifier = load_verifier(keys[1].read_bytes(), where="pub")
    result = verify(envelope, verifier, expect(policy), FixedClock(SIGNED_AT))
    assert result.is_ok and result.failures == ()
    assert result.statement is not None
    assert result.statement["subject"] == [
        {
            "name": "model/model.safetensors",
            "digest": {"sha256": sha256_file(policy.root / "model" / "model.safetensors").sha256},
        }
    ]


def test_statement_layout_follows_in_toto_and_vsa_names(tmp_path: Path, keys: Keys) -> None:
    policy = project(tmp_path)
    envelope = signed(policy, keys)
    assert envelope.payload_type == "application/vnd.in-toto+json"
    statement = json.loads(envelope.payload)
    assert list(statement) == ["_type", "subject", "predicateType", "predicate"]
    assert statement["_type"] == "https://in-toto.io/Statement/v1"
    assert statement["predicateType"] == PREDICATE_TYPE
    assert statement["predicate"] == {
        "verifier": {"id": "https://github.com/mlgate/mlgate", "version": {"mlgate": "0.1.0"}},
        "timeVerified": "2025-03-01T12:00:00Z",
        "policy": {"uri": "mlgate.yaml", "digest": {"sha256": sha256_file(policy.source).sha256}},
        "verificationResult": "PASSED",
        "outcome": "pass",
        "gates": [
            {
                "name": "pre-merge",
                "mode": "enforce",
                "failOn": "high",
                "outcome": "pass",
                "wouldBlock": False,
                "checks": [
                    {
                        "id": "sast",
                        "outcome": "pass",
                        "inputs": 4,
                        "findings": 0,
                        "blocking": 0,
                        "waived": 0,
                        "baselined": 0,
                        "failedMetrics": 0,
                        "errors": 0,
                        "skipped": 0,
                    }
                ],
                "waiversApplied": [],
                "waiversExpired": [],
            }
        ],
    }


def test_blocked_verdict_records_checks_waivers_and_baseline(tmp_path: Path, keys: Keys) -> None:
    policy = project(tmp_path)
    (policy.root / "baseline.json").write_text("{}")
    verdict = replace(realistic_verdict(), baseline=str(policy.root / "baseline.json"))
    predicate = json.loads(signed(policy, keys, verdict).payload)["predicate"]
    assert predicate["verificationResult"] == "FAILED"
    assert predicate["outcome"] == "error"
    assert predicate["baseline"] == {
        "uri": "baseline.json",
        "digest": {"sha256": sha256_file(policy.root / "baseline.json").sha256},
    }
    gate = predicate["gates"][0]
    assert [(c["id"], c["outcome"], c["blocking"], c["errors"]) for c in gate["checks"]] == [
        ("sast", "block", 1, 0),
        ("secrets", "error", 0, 1),
    ]
    assert gate["waiversApplied"] == [
        {
            "rule": "PY002",
            "scope": "path=scripts/*.py",
            "reason": "build script runs only on trusted CI input",
            "owner": "alice",
            "expires": "2099-12-31",
        }
    ]
    assert [w["rule"] for w in gate["waiversExpired"]] == ["PY003"]


def test_default_subjects_are_the_checks_inputs(tmp_path: Path, keys: Keys) -> None:
    policy = project(tmp_path)
    envelope = attest(passing_verdict(), policy, signer=signer(keys), clock=FixedClock(SIGNED_AT))
    names = [s["name"] for s in json.loads(envelope.payload)["subject"]]
    assert names == ["model/card.md", "model/model.safetensors"]


def test_nothing_to_attest_is_a_usage_error(tmp_path: Path, keys: Keys) -> None:
    policy = project(tmp_path)
    (policy.root / "empty").mkdir()
    with pytest.raises(UsageError) as raised:
        attest(
            passing_verdict(), policy, signer=signer(keys), clock=FixedClock(SIGNED_AT),
            subjects=[policy.root / "empty"],
        )  # fmt: skip
    assert str(raised.value) == (
        "nothing to attest: no subject files (name them with --subject or --subject-image)"
    )


def test_tampered_envelope_is_rejected(tmp_path: Path, keys: Keys) -> None:
    policy = project(tmp_path)
    envelope = signed(policy, keys, replace(passing_verdict(), gates=()))
    statement = json.loads(envelope.payload)
    statement["predicate"]["gates"] = json.loads(signed(policy, keys).payload)["predicate"]["gates"]
    forged = replace(envelope, payload=json.dumps(statement).encode())
    assert check(forged, keys, expect(policy)) == ("signature does not verify with the given key",)


def test_tampered_json_file_is_rejected(tmp_path: Path, keys: Keys) -> None:
    policy = project(tmp_path)
    document = json.loads(signed(policy, keys).to_json())
    payload = base64.b64decode(document["payload"]).replace(b'"pass"', b'"PASS"', 1)
    document["payload"] = base64.b64encode(payload).decode()
    from mlgate.evidence import parse_envelope

    forged = parse_envelope(json.dumps(document).encode())
    assert check(forged, keys, expect(policy)) == ("signature does not verify with the given key",)


def test_wrong_key_is_rejected(tmp_path: Path, keys: Keys, other_keys: Keys) -> None:
    policy = project(tmp_path)
    envelope = signed(policy, keys)
    failures = check(envelope, (keys[0], other_keys[1]), expect(policy))
    assert failures == ("signature does not verify with the given key",)


def test_wrong_subject_is_rejected(tmp_path: Path, keys: Keys) -> None:
    policy = project(tmp_path)
    envelope = signed(policy, keys)
    other = policy.root / "model" / "model-v2.safetensors"
    other.write_bytes(b"weights-v2")
    digest = sha256_file(other).sha256
    failures = check(envelope, keys, expect(policy, subjects=subjects_of([other])))
    assert failures == (
        f"subject {other.as_posix()} (sha256:{digest[:12]}...) is not a subject of the statement",
    )


def test_no_expected_subject_fails_closed(tmp_path: Path, keys: Keys) -> None:
    policy = project(tmp_path)
    assert check(signed(policy, keys), keys, expect(policy, subjects=())) == (
        "no expected subject was given, so nothing ties the statement to an artifact",
    )


def test_blocked_verdict_is_rejected(tmp_path: Path, keys: Keys) -> None:
    policy = project(tmp_path)
    verdict = passing_verdict()
    blocked = replace(verdict, gates=(replace(verdict.gates[0], outcome=Outcome.BLOCK),))
    failures = check(signed(policy, keys, blocked), keys, expect(policy))
    assert failures == ("gate 'pre-merge' verdict is 'block', not 'pass'",)


def test_gate_not_judged_is_rejected(tmp_path: Path, keys: Keys) -> None:
    policy = project(tmp_path)
    failures = check(signed(policy, keys), keys, expect(policy, gate="pre-deploy"))
    assert failures == ("gate 'pre-deploy' was not judged (statement holds gates: pre-merge)",)


def test_different_policy_is_rejected(tmp_path: Path, keys: Keys) -> None:
    policy = project(tmp_path)
    envelope = signed(policy, keys)
    signed_digest = sha256_file(policy.source).sha256
    policy.source.write_text(POLICY_TEXT.replace("pre-merge:", "pre-merge:\n    mode: warn"))
    current = sha256_file(policy.source).sha256
    failures = check(envelope, keys, expect(policy))
    assert failures == (
        f"policy digest differs: statement sha256:{signed_digest[:12]}..., "
        f"policy file sha256:{current[:12]}...",
    )


def test_stale_statement_is_rejected(tmp_path: Path, keys: Keys) -> None:
    policy = project(tmp_path)
    failures = check(signed(policy, keys), keys, expect(policy), hours_later=25)
    assert failures == ("statement is 25h old, older than the maximum age of 24h",)
    assert check(signed(policy, keys), keys, expect(policy), hours_later=24) == ()


def test_statement_from_the_future_is_rejected(tmp_path: Path, keys: Keys) -> None:
    policy = project(tmp_path)
    envelope = signed(policy, keys)
    assert check(envelope, keys, expect(policy), hours_later=-4 / 60) == ()
    assert check(envelope, keys, expect(policy), hours_later=-1) == (
        "statement time 2025-03-01T12:00:00Z is in the future",
    )


def test_pull_request_mode_statement_records_its_scope_and_is_rejected(
    tmp_path: Path, keys: Keys
) -> None:
    policy = project(tmp_path)
    scope = ChangeScope(since="origin/main", base="ab" * 20, changed_files=3)
    envelope = signed(policy, keys, replace(passing_verdict(), changed_since=scope))
    predicate = json.loads(envelope.payload)["predicate"]
    assert predicate["changedSince"] == {
        "ref": "origin/main", "mergeBase": {"gitCommit": "ab" * 20}, "changedFiles": 3,
    }  # fmt: skip
    assert "changedSince" not in json.loads(signed(policy, keys).payload)["predicate"]
    assert check(envelope, keys, expect(policy)) == (
        "statement judged only the lines changed since 'origin/main' (pull-request mode); "
        "a deploy needs a verdict on the whole project",
    )


def test_every_mismatch_is_reported_at_once(tmp_path: Path, keys: Keys) -> None:
    policy = project(tmp_path)
    failures = check(
        signed(policy, keys), keys, expect(policy, gate="x", policy_sha256="0" * 64), 48
    )
    assert [f.split(" ")[0] for f in failures] == ["gate", "policy", "statement"]


@pytest.mark.parametrize(
    ("payload_type", "payload", "failure"),
    [
        ("text/plain", b"{}", "payload type is 'text/plain', not 'application/vnd.in-toto+json'"),
        ("application/vnd.in-toto+json", b"\xff", "payload is not JSON"),
        ("application/vnd.in-toto+json", b"[]", "payload is not an in-toto Statement v1"),
        (
            "application/vnd.in-toto+json",
            b'{"_type": "https://in-toto.io/Statement/v1", "predicateType": "x"}',
            f"predicate type is 'x', not '{PREDICATE_TYPE}'",
        ),
        (
            "application/vnd.in-toto+json",
            json.dumps({"_type": "https://in-toto.io/Statement/v1",
                        "predicateType": PREDICATE_TYPE}).encode(),
            "statement has no predicate",
        ),
        (
            "application/vnd.in-toto+json",
            json.dumps({"_type": "https://in-toto.io/Statement/v1", "subject": [],
                        "predicateType": PREDICATE_TYPE,
                        "predicate": {"timeVerified": "yesterday"}}).encode(),
            "timeVerified 'yesterday' is not an RFC 3339 time",
        ),
    ],
)  # fmt: skip
def test_signed_payloads_that_are_not_our_statements_are_rejected(
    tmp_path: Path, keys: Keys, payload_type: str, payload: bytes, failure: str
) -> None:
    policy = project(tmp_path)
    envelope = sign(payload_type, payload, signer(keys))
    assert failure in check(envelope, keys, expect(policy))


def test_subject_links_and_missing_paths_are_refused(tmp_path: Path) -> None:
    target = tmp_path / "real.bin"
    target.write_bytes(b"x")
    (tmp_path / "link.bin").symlink_to(target)
    with pytest.raises(UsageError) as raised:
        subjects_of([tmp_path / "link.bin"])
    assert str(raised.value) == (
        f"subject {tmp_path / 'link.bin'}: is a symbolic link (name the file it points at)"
    )
    with pytest.raises(UsageError) as raised:
        subjects_of([tmp_path / "nope"])
    assert str(raised.value) == f"subject {tmp_path / 'nope'}: no such file or directory"


def test_directory_subjects_skip_links_and_deduplicate(tmp_path: Path) -> None:
    (tmp_path / "d" / "sub").mkdir(parents=True)
    (tmp_path / "d" / "a.bin").write_bytes(b"a")
    (tmp_path / "d" / "sub" / "b.bin").write_bytes(b"b")
    (tmp_path / "d" / "link").symlink_to(tmp_path / "d" / "sub")
    subjects = subjects_of([tmp_path / "d", tmp_path / "d" / "a.bin"], base=tmp_path)
    assert [s.name for s in subjects] == ["d/a.bin", "d/sub/b.bin"]
