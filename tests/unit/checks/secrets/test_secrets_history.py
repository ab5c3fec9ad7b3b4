from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from builders import secrets_carriers as sc
from builders import secrets_tokens as st
from builders.secrets_git import FEB, JAN, MAR, Repo, feature_branch_repo
from mlgate.checks.secrets import SecretsCheck, SecretsConfig
from mlgate.checks.secrets.findings import HISTORY_SCOPE
from mlgate.checks.secrets.history import HistorySettings, Origin, parse_raw_log
from mlgate.core.check import CheckContext, CheckResult
from mlgate.core.finding import SourceLocation
from mlgate.core.fingerprint import fingerprint
from mlgate.credentials.redact import secret_digest


def scan(root: Path, **history: object) -> CheckResult:
    config = SecretsConfig.model_validate({"history": {"refs": ["HEAD"], **history}, "jobs": 1})
    ctx = CheckContext(root=root, gate="t", today=date(2025, 1, 1))
    return SecretsCheck().run(ctx, config)


def props(result: CheckResult) -> list[dict[str, str]]:
    return [dict(f.properties) for f in result.findings]


@pytest.fixture
def deleted_token(tmp_path: Path) -> tuple[Repo, str, list[str]]:
    """A token committed in January, another file in February, the token deleted in March."""
    repo = Repo(tmp_path / "repo")
    token = st.github(st.seeded(1))
    repo.write("config/app.py", f'import os\nTOKEN = "{token}"\n')
    first = repo.commit("add config", JAN)
    repo.write("README.md", "# churn\n")
    second = repo.commit("docs", FEB)
    (repo.root / "config/app.py").unlink()
    third = repo.commit("remove token", MAR)
    return repo, token, [first, second, third]


def test_a_deleted_token_is_reported_at_the_commit_that_added_it(
    deleted_token: tuple[Repo, str, list[str]],
) -> None:
    repo, token, commits = deleted_token
    result = scan(repo.root)
    assert result.errors == ()
    [finding] = result.findings
    assert finding.rule_id == "SEC007"
    assert finding.location == SourceLocation(path="config/app.py", start_line=2)
    assert props(result)[0]["commit"] == commits[0]
    assert props(result)[0]["author_date"] == JAN
    assert props(result)[0]["history_path"] == "config/app.py"
    assert f"first committed in {commits[0][:12]} ({JAN}) at config/app.py" in finding.message
    assert "deleted from the tree" in finding.message
    assert finding.fingerprint == fingerprint("SEC007", HISTORY_SCOPE, secret_digest(token))
    assert "git-history" in finding.tags
    assert token not in repr(finding)


def test_history_is_off_by_default(deleted_token: tuple[Repo, str, list[str]]) -> None:
    repo, _, _ = deleted_token
    ctx = CheckContext(root=repo.root, gate="t", today=date(2025, 1, 1))
    assert SecretsCheck().run(ctx, SecretsConfig(jobs=1)).findings == ()


def test_a_token_still_in_the_tree_is_reported_once_with_its_first_commit(
    tmp_path: Path,
) -> None:
    repo = Repo(tmp_path / "repo")
    token = st.github(st.seeded(2))
    repo.write("a.py", f'TOKEN = "{token}"\n')
    first = repo.commit("add", JAN)
    repo.write("b.py", f'# copy\nTOKEN = "{token}"\n')
    repo.commit("copy", FEB)
    result = scan(repo.root)
    places = [(f.rule_id, f.location) for f in result.findings]
    assert places == [
        ("SEC007", SourceLocation(path="a.py", start_line=1, start_column=10, end_line=1,
                                  end_column=50)),
        ("SEC007", SourceLocation(path="b.py", start_line=2, start_column=10, end_line=2,
                                  end_column=50)),
    ]  # fmt: skip
    assert [p["commit"] for p in props(result)] == [first, first]
    assert all("git-history" not in f.tags for f in result.findings)


def test_a_renamed_then_deleted_token_keeps_its_first_path_and_one_finding(
    tmp_path: Path,
) -> None:
    repo = Repo(tmp_path / "repo")
    token = st.stripe(st.seeded(3))
    repo.write("old/settings.py", f'STRIPE = "{token}"\n')
    first = repo.commit("add", JAN)
    (repo.root / "old/settings.py").rename(repo.root / "settings.py")
    repo.write("settings.py", f'# moved\nSTRIPE = "{token}"\n')
    repo.commit("move and edit", FEB)
    (repo.root / "settings.py").unlink()
    repo.commit("remove", MAR)
    result = scan(repo.root)
    assert [(f.rule_id, f.location) for f in result.findings] == [
        ("SEC012", SourceLocation(path="old/settings.py", start_line=1))
    ]
    assert props(result)[0]["commit"] == first
    assert [m.value for m in result.metrics if m.name == "secrets.history_blobs"] == [2.0]


def test_every_branch_named_is_walked_and_each_blob_read_once(tmp_path: Path) -> None:
    token = st.gitlab(st.seeded(4))
    repo, branch_commit = feature_branch_repo(tmp_path / "repo", "ci.env", f"CI_PUSH={token}\n")
    assert scan(repo.root).findings == ()
    result = scan(repo.root, refs=["main", "feature"])
    assert [(f.rule_id, f.location.path) for f in result.findings] == [("SEC009", "ci.env")]
    assert props(result)[0]["commit"] == branch_commit
    assert [m.value for m in result.metrics if m.name == "secrets.history_blobs"] == [2.0]


def test_artifacts_in_history_are_read_through_the_extractors(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    token = st.huggingface(st.seeded(5))
    repo.write("models/model.pkl", sc.dict_pickle([("hub_token", token)]))
    first = repo.commit("model", JAN)
    (repo.root / "models/model.pkl").unlink()
    repo.commit("drop model", FEB)
    result = scan(repo.root)
    assert [(f.rule_id, f.location) for f in result.findings] == [
        ("SEC017", SourceLocation(path="models/model.pkl"))
    ]
    assert props(result)[0]["commit"] == first


def test_an_inline_ignore_with_a_reason_in_the_old_blob_is_honoured(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    token = st.npm(st.seeded(6))
    repo.write("x.py", f'NPM = "{token}"  # mlgate: ignore[secrets] revoked 2024-01-02\n')
    repo.commit("add", JAN)
    (repo.root / "x.py").unlink()
    repo.commit("remove", FEB)
    result = scan(repo.root)
    assert result.findings == ()
    assert [m.value for m in result.metrics if m.name == "secrets.suppressed_inline"] == [1.0]


def test_user_configuration_does_not_change_paths(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.git("config", "core.quotePath", "true")
    repo.git("config", "log.showSignature", "true")
    token = st.openai(st.seeded(7))
    repo.write("données/clé été.py", f'KEY = "{token}"\n')
    repo.commit("add", JAN)
    (repo.root / "données/clé été.py").unlink()
    repo.commit("remove", FEB)
    result = scan(repo.root)
    assert [(f.rule_id, f.location.path) for f in result.findings] == [
        ("SEC015", "données/clé été.py")
    ]


def test_limits_report_an_error_or_a_skipped_blob(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.write("big.txt", "x" * (1 << 20) + "\n")
    repo.write("a.txt", "a\n")
    repo.write("b.txt", "b\n")
    repo.commit("files", JAN)
    limited = scan(repo.root, max_blobs=1, max_blob_mb=1)
    assert limited.errors == (
        "git history: 2 blobs to scan, more than history.max_blobs (1); "
        "only the newest 1 were scanned",
    )
    assert [s.path for s in limited.skipped] == ["big.txt"]
    assert "above history.max_blob_mb" in limited.skipped[0].reason


def test_a_directory_that_is_not_a_repository_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\n")
    result = scan(tmp_path)
    assert len(result.errors) == 1
    assert result.errors[0].startswith("git history: git log failed: ")


@pytest.mark.parametrize("ref", ["--all", "-c", "main branch", ""])
def test_refs_that_could_be_options_are_refused(ref: str) -> None:
    with pytest.raises(ValidationError):
        HistorySettings(refs=[ref])


def test_raw_log_paths_are_taken_by_position_whatever_they_hold() -> None:
    blob_a, blob_b, zero = "a" * 40, "b" * 40, "0" * 40
    text = (
        f"\x01c1 {JAN}\0\n:000000 100644 {zero} {blob_a} A\0we\x01ird\n:name\0"
        f":000000 160000 {zero} {blob_b} A\0submodule\0"
        f"\x01c2 {FEB}\0\n:100644 000000 {blob_a} {zero} D\0we\x01ird\n:name\0"
        f":000000 100644 {zero} {blob_b} A\0b.txt\0"
        f"\x01c3 {MAR}\0\n:000000 100644 {zero} {blob_a} A\0copy\0"
    )
    assert parse_raw_log(text) == {
        blob_a: Origin("c1", JAN, "we\x01ird\n:name", 0),
        blob_b: Origin("c2", FEB, "b.txt", 1),
    }
