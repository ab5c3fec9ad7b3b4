"""Pull-request mode against a real git repository built in tmp_path."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from mlgate.cli.app import main
from mlgate.core.changes import ChangedFile
from mlgate.core.errors import InputError
from mlgate.vcs import changes_since, ci_base_ref, resolve_since

GIT_ENV = {
    "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
    "GIT_CONFIG_NOSYSTEM": "1", "HOME": "/nonexistent",
}  # fmt: skip
# The filter is the same for every check, so the test ingests a scanner's SARIF (stable
# input, exact locations) rather than depending on one analyser's rules.
POLICY = "version: 1\ngates:\n  pre-merge:\n    checks:\n      sarif:\n        paths: [scan]\n"
OLD_FLAW = "import os\n\n\ndef old():\n    os.system(input())\n"
NEW_FLAW = "import subprocess\n\n\ndef new():\n    subprocess.call(input(), shell=True)\n"


def sarif_result(path: str, line: int) -> dict[str, object]:
    region = {"artifactLocation": {"uri": path}, "region": {"startLine": line}}
    return {"ruleId": "X1", "level": "error", "message": {"text": f"flaw in {path}"},
            "locations": [{"physicalLocation": region}]}  # fmt: skip


SARIF = json.dumps({
    "version": "2.1.0",
    "runs": [{
        "tool": {"driver": {"name": "scanner", "rules": [{"id": "X1"}]}},
        "results": [sarif_result("app/old.py", 5), sarif_result("app/new.py", 5)],
    }],
})  # fmt: skip


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=repo, env={**os.environ, **GIT_ENV},
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """main: a policy and an old flaw; branch feature: later commits of the test."""
    root = tmp_path / "repo"
    (root / "app").mkdir(parents=True)
    (root / "scan").mkdir()
    (root / "scan" / "scanner.sarif").write_text(SARIF)
    (root / "mlgate.yaml").write_text(POLICY)
    (root / "app" / "old.py").write_text(OLD_FLAW)
    (root / "app" / "util.py").write_text("def add(a, b):\n    return a + b\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    git(root, "checkout", "-qb", "feature")
    for name, value in GIT_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return root


def commit(repo: Path, message: str = "change") -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", message)


def test_changes_since_merge_base_cover_commits_edits_and_untracked_files(repo: Path) -> None:
    (repo / "app" / "util.py").write_text("def add(a, b):\n    return a + b\n\n\nX = 1\n")
    commit(repo)
    git(repo, "checkout", "-q", "main")  # main moves on: only the merge base counts
    (repo / "app" / "main_only.py").write_text("Y = 2\n")
    commit(repo, "main moves")
    git(repo, "checkout", "-q", "feature")
    (repo / "app" / "old.py").write_text(OLD_FLAW.replace("def old", "def older"))  # uncommitted
    (repo / "app" / "fresh.py").write_text("Z = 3\n")  # untracked
    changes = changes_since(repo, "main")
    assert changes.since == "main"
    assert changes.base == git(repo, "merge-base", "main", "HEAD").strip()
    assert changes.files == (
        ChangedFile(path="app/old.py", spans=((4, 4),)),
        ChangedFile(path="app/util.py", spans=((3, 5),)),
        ChangedFile(path="app/fresh.py", whole=True),
    )


def test_paths_are_relative_to_a_policy_root_below_the_repository_top(repo: Path) -> None:
    (repo / "app" / "util.py").write_text("X = 1\n")
    (repo / "README").write_text("outside the root\n")
    commit(repo)
    changes = changes_since(repo / "app", "main")
    assert changes.files == (ChangedFile(path="util.py", spans=((1, 1),)),)


def test_an_unknown_ref_is_bad_input_with_the_fetch_hint(repo: Path) -> None:
    with pytest.raises(
        InputError, match=r"--changed-since origin/nope: no merge base .*fetch-depth"
    ):
        changes_since(repo, "origin/nope")
    with pytest.raises(InputError, match="cannot start with '-'"):
        changes_since(repo, "--output=x")


def test_auto_reads_the_target_branch_of_each_ci_system() -> None:
    assert ci_base_ref({"GITHUB_BASE_REF": "main"}) == "origin/main"
    assert ci_base_ref({"CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "dev"}) == "origin/dev"
    assert ci_base_ref({"CI_MERGE_REQUEST_DIFF_BASE_SHA": "abc123", "GITHUB_BASE_REF": "x"}) == (
        "abc123"
    )
    assert ci_base_ref({"CHANGE_TARGET": "release"}) == "origin/release"
    assert ci_base_ref({"GITHUB_BASE_REF": ""}) is None
    assert resolve_since("auto", {}) is None  # a push or a schedule: a full run
    assert resolve_since(" v1.2 ", {"GITHUB_BASE_REF": "main"}) == "v1.2"
    assert resolve_since("", {}) is None


def run_cli(
    repo: Path, monkeypatch: pytest.MonkeyPatch, *argv: str
) -> tuple[int, dict[str, object]]:
    monkeypatch.chdir(repo)
    code = main(["run", "--no-progress", "-q", "-f", "json=out.json", *argv])
    verdict: dict[str, object] = json.loads((repo / "out.json").read_text())
    return code, verdict


def test_cli_reports_only_the_flaw_the_branch_added(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "app" / "new.py").write_text(NEW_FLAW)
    commit(repo)
    code, verdict = run_cli(repo, monkeypatch, "--changed-since", "main")
    gates: list[dict[str, Any]] = verdict["gates"]  # type: ignore[assignment]  # JSON document
    (gate,) = gates
    paths = [f["finding"]["location"]["path"] for c in gate["checks"] for f in c["findings"]]
    assert (code, paths, gate["findings_outside_changes"]) == (1, ["app/new.py"], 1)
    assert verdict["changed_since"] == {
        "since": "main", "base": git(repo, "rev-parse", "main").strip(), "changed_files": 1,
    }  # fmt: skip
    err = capsys.readouterr().err
    assert "findings on lines changed since main" in err
    assert "1 finding(s) on unchanged lines were left out" in err


def test_cli_passes_a_branch_that_only_touches_clean_lines(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo / "app" / "util.py").write_text("def add(a, b):\n    return b + a\n")
    commit(repo)
    assert run_cli(repo, monkeypatch, "--changed-since", "main")[0] == 0
    code, verdict = run_cli(repo, monkeypatch)  # the scheduled full run still blocks
    assert (code, verdict["changed_since"]) == (1, None)


def test_cli_auto_outside_a_pull_request_is_a_full_run(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for variable in ("GITHUB_BASE_REF", "CI_MERGE_REQUEST_DIFF_BASE_SHA",
                     "CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "CHANGE_TARGET"):  # fmt: skip
        monkeypatch.delenv(variable, raising=False)
    code, verdict = run_cli(repo, monkeypatch, "--changed-since", "auto")
    assert (code, verdict["changed_since"]) == (1, None)
    assert "not a pull or merge request" in capsys.readouterr().err


def test_cli_unknown_ref_exits_2_before_any_check_runs(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(repo)
    assert main(["run", "--no-progress", "--changed-since", "origin/main"]) == 2
    assert "no merge base" in capsys.readouterr().err
    assert not (repo / "mlgate-reports").exists()
