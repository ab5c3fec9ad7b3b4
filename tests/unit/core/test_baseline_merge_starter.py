from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from mlgate.core.baseline import load_baseline, render_baseline
from mlgate.core.errors import InputError
from mlgate.core.finding import ArtifactLocation, Finding, Severity, SourceLocation
from mlgate.core.merge import merge_verdicts
from mlgate.core.policy.starter import profile_project, render_starter_policy
from mlgate.core.verdict import CheckVerdict, GateVerdict, Mode, Outcome, Verdict, WaiverRecord
from mlgate.core.waivers import covers


def finding(path: str = "a.py", fp: str = "f1") -> Finding:
    return Finding(
        rule_id="R", severity=Severity.HIGH, message="m",
        location=SourceLocation(path=path, start_line=1), fingerprint=fp,
    )  # fmt: skip


def test_baseline_round_trip_and_reviewable_entries(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_bytes(
        render_baseline([finding(fp="f2"), finding(fp="f1"), finding(fp="f1")], created_at="t")
    )
    document = json.loads(path.read_text())
    assert [e["fingerprint"] for e in document["findings"]] == ["f1", "f2"]
    assert document["findings"][0] == {"fingerprint": "f1", "rule_id": "R", "path": "a.py"}
    assert load_baseline(path).fingerprints == frozenset({"f1", "f2"})


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "not readable JSON"),
        ('{"schema": "other"}', "not an mlgate baseline"),
        ('{"schema": "mlgate.baseline/v1", "findings": [1]}', "must be a list"),
    ],
)
def test_bad_baselines_are_input_errors(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "b.json"
    path.write_text(content)
    with pytest.raises(InputError, match=message):
        load_baseline(path)


def test_artifact_waiver_scope() -> None:
    waiver = WaiverRecord(
        index=0,
        rule="ART*",
        reason="r",
        owner="o",
        expires=date(2030, 1, 1),
        artifact="models/*.pt!archive/data.pkl",
    )
    hit = Finding(
        rule_id="ART001",
        severity=Severity.CRITICAL,
        message="m",
        location=ArtifactLocation(path="models/a.pt", member="archive/data.pkl", offset=3),
        fingerprint="x",
    )
    other = Finding(
        rule_id="ART001",
        severity=Severity.CRITICAL,
        message="m",
        location=ArtifactLocation(path="models/a.pt", member="other.pkl"),
        fingerprint="x",
    )
    assert covers(waiver, hit) and not covers(waiver, other)
    assert not covers(waiver, finding())


def _verdict(name: str, outcome: Outcome, check: str) -> Verdict:
    gate = GateVerdict(
        name=name, mode=Mode.ENFORCE, fail_on="high", outcome=outcome,
        would_block=outcome is Outcome.BLOCK,
        checks=(CheckVerdict(check_id=check, outcome=outcome, duration_seconds=1.0),),
        reasons=(f"{check} said so",),
    )  # fmt: skip
    return Verdict(
        gates=(gate,),
        tool_version="0",
        created_at=f"2026-11-2{len(check)}",
        baseline_unmatched=len(check),
    )


def test_merge_combines_same_gate_and_keeps_others() -> None:
    merged = merge_verdicts([
        _verdict("g", Outcome.PASS, "a"),
        _verdict("g", Outcome.BLOCK, "bb"),
        _verdict("h", Outcome.ERROR, "ccc"),
    ])  # fmt: skip
    assert [g.name for g in merged.gates] == ["g", "h"]
    assert merged.gates[0].outcome is Outcome.BLOCK and merged.gates[0].would_block
    assert [c.check_id for c in merged.gates[0].checks] == ["a", "bb"]
    assert merged.outcome is Outcome.ERROR
    assert merged.created_at == "2026-11-23"
    single = _verdict("g", Outcome.PASS, "a")
    assert merge_verdicts([single]) is single


def test_starter_policy_reflects_the_project(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\ndependencies = ["fastapi"]\n')
    (tmp_path / "svc.py").write_text("")
    (tmp_path / "model.pkl").write_bytes(b"")
    profile = profile_project(tmp_path)
    assert profile.python and profile.web_frameworks == ("fastapi",) and profile.model_files
    text = render_starter_policy(profile, {"sarif"})
    assert "# (the `sast` check is not installed here" in text
    assert "#      artifacts:" in text and "      sarif:" in text
    assert "allow_empty: true" in text  # sarif alone and no SARIF files yet
    with_sast = render_starter_policy(profile, {"sarif", "sast"})
    assert "\n      sast:\n" in with_sast and "allow_empty: false" in with_sast
