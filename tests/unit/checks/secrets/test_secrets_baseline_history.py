"""``mlgate baseline --history``: a secret deleted long ago can be accepted as known debt."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from builders import secrets_tokens as st
from builders.secrets_git import Repo

MLGATE = Path(sys.executable).with_name("mlgate")
POLICY = """version: 1
baseline: mlgate-baseline.json
gates:
  pre-merge:
    checks:
      secrets:
        paths: ['.']
        exclude: ['mlgate-baseline.json']
"""


def mlgate(cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(MLGATE), *argv, "--no-progress", *(("-q",) if argv[0] == "run" else ())],
        cwd=cwd, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_a_baseline_taken_with_history_accepts_the_deleted_secret(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.write("README.md", "# churn\n")
    repo.commit("start", "2024-01-01T00:00:00+00:00")
    token = st.github(st.seeded(77))
    repo.write("train/settings.py", f'HUB = "{token}"\n')
    repo.commit("settings", "2024-02-01T00:00:00+00:00")
    (repo.root / "train/settings.py").unlink()
    repo.commit("remove it", "2024-03-01T00:00:00+00:00")
    (repo.root / "mlgate.yaml").write_text(POLICY)

    # Without --history the baseline has nothing to record, and the history still blocks.
    assert mlgate(repo.root, "baseline").returncode == 0
    assert json.loads((repo.root / "mlgate-baseline.json").read_text())["findings"] == []
    assert mlgate(repo.root, "run").returncode == 0
    assert mlgate(repo.root, "run", "--history").returncode == 1

    taken = mlgate(repo.root, "baseline", "--history")
    assert taken.returncode == 0, taken.stderr
    baseline = (repo.root / "mlgate-baseline.json").read_text()
    assert token not in baseline and token[4:20] not in baseline
    assert len(json.loads(baseline)["findings"]) == 1
    done = mlgate(repo.root, "run", "--history")
    assert done.returncode == 0, done.stdout + done.stderr
    assert token not in done.stdout + done.stderr
