"""``--history`` end to end: the real console script over a git repository built here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from builders import secrets_tokens as st
from builders.secrets_git import FEB, Repo, feature_branch_repo

MLGATE = Path(sys.executable).with_name("mlgate")


def mlgate(cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(MLGATE), *argv, "--no-progress", "-q"],
        cwd=cwd, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def findings(report: Path) -> list[dict[str, Any]]:
    verdict = json.loads(report.read_text())
    return [
        item["finding"]
        for gate in verdict["gates"]
        for check in gate["checks"]
        for item in check["findings"]
    ]


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Repo, str, str, str]:
    """A token committed on a branch in January and deleted there in March; main is clean."""
    token = st.github(st.seeded(51))
    repo, added = feature_branch_repo(
        tmp_path / "repo", "train/settings.py", f'import os\nHUB = "{token}"\n', delete=True
    )
    return repo, token, added, str(tmp_path / "out.json")


def test_scan_with_history_blocks_a_deleted_token_and_names_its_commit(
    repo: tuple[Repo, str, str, str],
) -> None:
    tree, token, added, out = repo
    clean = mlgate(tree.root, "scan", "secrets", ".", "-f", f"json={out}")
    assert clean.returncode == 0 and findings(Path(out)) == []

    done = mlgate(tree.root, "scan", "secrets", ".", "--history", "feature", "-f", f"json={out}")
    assert done.returncode == 1, done.stderr
    [finding] = findings(Path(out))
    properties = dict(map(tuple, finding["properties"]))
    assert finding["rule_id"] == "SEC007"
    assert finding["location"]["path"] == "train/settings.py"
    assert finding["location"]["start_line"] == 2
    assert properties["commit"] == added and properties["author_date"] == FEB
    assert "deleted from the tree but still in the git history" in finding["message"]
    assert token not in Path(out).read_text() and token not in done.stdout + done.stderr


def test_history_from_head_only_misses_a_branch_it_does_not_reach(
    repo: tuple[Repo, str, str, str],
) -> None:
    tree, _, _, out = repo
    done = mlgate(tree.root, "scan", "secrets", ".", "--history", "-f", f"json={out}")
    assert done.returncode == 0 and findings(Path(out)) == []
    both = mlgate(tree.root, "scan", "secrets", ".", "--history", "--history=feature",
                  "-f", f"json={out}")  # fmt: skip
    assert both.returncode == 1 and len(findings(Path(out))) == 1


def test_run_with_history_applies_to_the_policys_secrets_check(
    repo: tuple[Repo, str, str, str],
) -> None:
    tree, _, added, out = repo
    (tree.root / "mlgate.yaml").write_text(
        "version: 1\ngates:\n  pre-merge:\n    checks:\n      secrets:\n        paths: ['.']\n"
    )
    assert mlgate(tree.root, "run", "-f", f"json={out}").returncode == 0
    done = mlgate(tree.root, "run", "--history", "feature", "pre-merge", "-f", f"json={out}")
    assert done.returncode == 1, done.stderr
    [finding] = findings(Path(out))
    assert dict(map(tuple, finding["properties"]))["commit"] == added


@pytest.mark.parametrize(
    ("argv", "reason"),
    [
        (("scan", "secrets", ".", "--history=-all"), "--history -all"),
        (("scan", "sast", ".", "--history"), "applies to the secrets check"),
    ],
)
def test_bad_history_requests_are_usage_errors(
    repo: tuple[Repo, str, str, str], argv: tuple[str, ...], reason: str
) -> None:
    done = mlgate(repo[0].root, *argv)
    assert done.returncode == 2 and reason in done.stderr
