"""A checkpoint larger than the worker's memory budget, scanned through the real runner.

The file is a zip64 ``torch.save`` layout whose tensor is a hole of more than 4 GiB (no
disk cost) followed by a malicious ``data.pkl`` carrying a fake token: both the
``artifacts`` and the ``secrets`` check must reach it under the default ``memory_mb``.
An oversized member is refused before it is copied.
"""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest

from builders import archives as zb
from builders.archives import write_sparse_zip64_checkpoint
from builders.pickles import call_global
from builders.secrets_tokens import github, seeded
from mlgate.checks.artifacts import ArtifactsCheck, ArtifactsConfig
from mlgate.checks.secrets import SecretsConfig
from mlgate.core.check import CheckConfig, CheckContext, CheckResult
from mlgate.core.finding import ArtifactLocation, Severity
from mlgate.core.gate import PlannedCheck
from mlgate.core.runner import ExecutionOptions, Task, execute
from mlgate.formats.keras import MAX_CONFIG_BYTES

HOLE = (4 << 30) + (512 << 20)


@pytest.fixture(scope="module")
def big_tree(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A tree holding one sparse 4.5 GiB checkpoint; the token its pickle carries."""
    root = tmp_path_factory.mktemp("big")
    token = github(seeded("large-checkpoint"))
    payload = call_global("posix", "system", f"echo {token}")
    write_sparse_zip64_checkpoint(root / "model.pt", payload, HOLE)
    return root, token


def _run(root: Path, check_id: str, config: CheckConfig) -> CheckResult:
    target = f"mlgate.checks.{check_id}:{check_id.capitalize()}Check"
    check = PlannedCheck(check_id=check_id, target=target, config=config)
    options = ExecutionOptions(root=str(root), today="2026-01-01", jobs=1)
    (run,) = execute([Task(gate="pre-deploy", check=check)], options)
    return run.result


def test_the_checkpoint_is_a_real_sparse_zip64(big_tree: tuple[Path, str]) -> None:
    path = big_tree[0] / "model.pt"
    assert path.stat().st_size > HOLE > 1 << 32
    assert path.stat().st_blocks * 512 < 1 << 20
    with zipfile.ZipFile(path) as archive:
        sizes = {info.filename: info.file_size for info in archive.infolist()}
        assert sizes["archive/data/0"] == HOLE
        assert archive.read("archive/data.pkl").startswith(b"\x80\x02cposix\nsystem\n")


def test_artifacts_finds_the_payload_past_4_gib_under_the_default_budget(
    big_tree: tuple[Path, str],
) -> None:
    config = ArtifactsConfig()
    assert config.memory_mb == 4096
    result = _run(big_tree[0], "artifacts", config)
    assert result.errors == ()
    (finding,) = [f for f in result.findings if f.severity is Severity.CRITICAL]
    assert isinstance(finding.location, ArtifactLocation)
    assert (finding.location.path, finding.location.member) == ("model.pt", "archive/data.pkl")
    assert "posix.system" in finding.message


def test_secrets_finds_the_token_past_4_gib_under_the_default_budget(
    big_tree: tuple[Path, str],
) -> None:
    root, token = big_tree
    config = SecretsConfig()
    assert config.memory_mb == 4096
    result = _run(root, "secrets", config)
    assert result.errors == ()
    (finding,) = result.findings
    assert isinstance(finding.location, ArtifactLocation)
    assert (finding.location.path, finding.location.member) == ("model.pt", "archive/data.pkl")
    assert token not in finding.message


def test_an_oversized_keras_config_is_an_error_not_a_copy(tmp_path: Path) -> None:
    members = [
        zb.Member(name="metadata.json", data=b"{}"),
        zb.Member(name="config.json", data=b" " * (MAX_CONFIG_BYTES + 1)),
    ]
    (tmp_path / "model.keras").write_bytes(zb.make_zip(members))
    context = CheckContext(root=tmp_path, gate="pre-deploy", today=date(2026, 1, 1))
    result = ArtifactsCheck().run(context, ArtifactsConfig())
    message = f"config.json of {MAX_CONFIG_BYTES + 1} bytes exceeds {MAX_CONFIG_BYTES}"
    assert [(f.rule_id, f.message) for f in result.findings] == [("ART041", message)]
    assert result.errors == (f"model.keras!config.json: {message}",)
