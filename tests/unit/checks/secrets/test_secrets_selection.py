"""Fail-open paths of the selection: ``.gitignore`` against named paths, and empty scans."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from datetime import date
from pathlib import Path

from builders import secrets_tokens as st
from mlgate.checks.secrets import SecretsCheck, SecretsConfig
from mlgate.checks.secrets.gitignore import GitIgnore
from mlgate.checks.secrets.selection import MAX_LISTED, innermost_named, named_paths
from mlgate.core.check import CheckConfig, CheckContext, CheckResult
from mlgate.core.decision import CheckRun, DecisionInputs, decide
from mlgate.core.gate import GatePlan, PlannedCheck
from mlgate.core.verdict import Outcome

MLGATE = Path(sys.executable).with_name("mlgate")
TODAY = date(2026, 1, 1)


def ctx(root: Path) -> CheckContext:
    return CheckContext(root=root, gate="t", today=TODAY)


def verdict_of(result: CheckResult) -> tuple[Outcome, tuple[str, ...]]:
    gate = GatePlan(
        name="t", checks=(PlannedCheck(check_id="secrets", target="x:y", config=CheckConfig()),)
    )
    verdict = decide(
        gate, [CheckRun(check_id="secrets", result=result)], DecisionInputs(today=TODAY)
    )
    return verdict.outcome, verdict.reasons


def ignored_model_project(root: Path) -> str:
    """A project whose `.gitignore` hides `model/`, holding a pickle with a fake token."""
    token = st.github(st.seeded(61))
    (root / ".gitignore").write_text("model/\n*.log\n")
    (root / "model").mkdir(parents=True)
    (root / "model" / "m.pkl").write_bytes(pickle.dumps({"hub_token": token}, protocol=4))
    (root / "model" / "train.log").write_text(f"token={token}\n")
    (root / "app.py").write_text("x = 1\n")
    return token


def test_named_paths_are_the_literal_ones_deepest_first() -> None:
    named = named_paths([".", "./model/", "**/*.json", "data/*/x.csv", "model/sub", "a\\b"])
    assert named == ("model/sub", "model", "data", "a/b")
    assert innermost_named("model/sub/x.pkl", named) == "model/sub"
    assert innermost_named("model/x.pkl", named) == "model"
    assert innermost_named("modelx/y", named) is None


def test_rules_covering_a_named_directory_do_not_apply_below_it(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("model/\n*.log\n*.pkl\n!keep.pkl\n")
    ignore = GitIgnore(tmp_path)
    assert ignore.is_ignored("model/a.txt")
    assert not ignore.is_ignored("model/a.txt", named="model")
    # Rules about files below the named directory still hold, negations included.
    assert ignore.is_ignored("model/run.log", named="model")
    assert ignore.is_ignored("model/m.pkl", named="model")
    assert not ignore.is_ignored("model/keep.pkl", named="model")


def test_a_named_directory_is_scanned_even_when_git_ignores_it(tmp_path: Path) -> None:
    ignored_model_project(tmp_path)
    result = SecretsCheck().run(ctx(tmp_path), SecretsConfig(paths=["model"]))
    assert [(f.rule_id, f.location.path) for f in result.findings] == [("SEC007", "model/m.pkl")]
    # `*.log` ignores a file below the named directory: left out, and said so.
    assert [(s.path, s.reason.split(" (")[0]) for s in result.skipped] == [
        ("model/train.log", "ignored by .gitignore")
    ]
    assert result.inputs == 1
    assert verdict_of(result)[0] is Outcome.BLOCK


def test_a_glob_names_the_directories_before_its_first_wildcard(tmp_path: Path) -> None:
    ignored_model_project(tmp_path)
    result = SecretsCheck().run(ctx(tmp_path), SecretsConfig(paths=["model/*.pkl"]))
    assert [f.location.path for f in result.findings] == ["model/m.pkl"]


def test_a_named_file_is_scanned_even_when_git_ignores_it(tmp_path: Path) -> None:
    ignored_model_project(tmp_path)
    for named in ("model/m.pkl", "model/train.log"):
        result = SecretsCheck().run(ctx(tmp_path), SecretsConfig(paths=[named]))
        assert [f.location.path for f in result.findings] == [named]
        assert result.skipped == ()


def test_the_whole_tree_honours_gitignore_and_lists_what_it_left_out(tmp_path: Path) -> None:
    ignored_model_project(tmp_path)
    result = SecretsCheck().run(ctx(tmp_path), SecretsConfig())
    assert result.findings == ()
    assert sorted(s.path for s in result.skipped) == ["model/m.pkl", "model/train.log"]
    assert result.inputs == 2  # .gitignore and app.py


def test_the_skipped_list_is_bounded_and_counts_the_rest(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("build/\n")
    (tmp_path / "build").mkdir()
    for index in range(MAX_LISTED + 7):
        (tmp_path / "build" / f"f{index:03}.txt").write_text("x\n")
    result = SecretsCheck().run(ctx(tmp_path), SecretsConfig())
    assert len(result.skipped) == MAX_LISTED + 1
    assert result.skipped[-1].path == "."
    assert result.skipped[-1].reason.startswith("7 more files ignored by .gitignore")


def test_an_empty_scan_is_an_error_not_a_pass(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = SecretsCheck().run(ctx(tmp_path), SecretsConfig(paths=["empty"]))
    assert (result.inputs, result.metrics, result.errors) == (0, (), ())
    outcome, reasons = verdict_of(result)
    assert outcome is Outcome.ERROR
    assert "no supported inputs" in reasons[0]


def test_a_tree_whose_every_file_is_ignored_is_an_error_listing_them(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / ".gitignore").write_text("*\n")
    result = SecretsCheck().run(ctx(tmp_path), SecretsConfig(paths=["out/.gitignore", "out"]))
    # The named .gitignore is read; nothing else was there.
    assert result.inputs == 1
    only_ignored = SecretsCheck().run(ctx(tmp_path / "out"), SecretsConfig())
    assert only_ignored.inputs == 0
    assert [s.path for s in only_ignored.skipped] == [".gitignore"]
    assert verdict_of(only_ignored)[0] is Outcome.ERROR


def test_cli_scan_of_an_ignored_file_blocks_with_the_value_redacted(tmp_path: Path) -> None:
    token = ignored_model_project(tmp_path)
    out = tmp_path / "out.json"
    run = subprocess.run(
        [str(MLGATE), "scan", "secrets", "model/m.pkl", "--no-progress", "-q", "-f", f"json={out}"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert run.returncode == 1, run.stderr
    verdict = json.loads(out.read_text())
    check = verdict["gates"][0]["checks"][0]
    assert [i["finding"]["location"]["path"] for i in check["findings"]] == ["model/m.pkl"]
    assert token not in out.read_text() + run.stdout + run.stderr
