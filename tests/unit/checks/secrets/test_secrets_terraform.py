from __future__ import annotations

from datetime import date
from pathlib import Path

from builders import secrets_tokens as st
from mlgate.checks.secrets import SecretsCheck, SecretsConfig
from mlgate.checks.secrets.readers.terraform import variable_defaults
from mlgate.core.check import CheckContext, CheckResult
from mlgate.core.finding import SourceLocation


def scan(root: Path) -> CheckResult:
    ctx = CheckContext(root=root, gate="t", today=date(2025, 1, 1))
    return SecretsCheck().run(ctx, SecretsConfig(jobs=1))


def test_a_wandb_key_in_a_variable_default_is_found_at_its_value(tmp_path: Path) -> None:
    key = st.wandb(st.seeded(61))
    (tmp_path / "main.tf").write_text(
        'variable "wandb_api_key" {\n  type      = string\n  sensitive = true\n'
        f'  default   = "{key}"\n}}\n'
    )
    result = scan(tmp_path)
    [finding] = result.findings
    assert finding.rule_id == "SEC019"
    assert finding.location == SourceLocation(path="main.tf", start_line=4, start_column=16)
    assert 'variable "wandb_api_key" default' in finding.message
    assert key not in repr(finding)


def test_map_defaults_are_named_by_their_keys_and_lists_by_the_variable(tmp_path: Path) -> None:
    rng = st.seeded(62)
    password, token = st.generic_password(rng), st.wandb(rng)
    text = (
        'variable "settings" {\n  default = {\n    region = "eu-west-1"\n'
        f'    db_password = "{password}"\n  }}\n}}\n'
        f'variable "wandb_keys" {{\n  default = ["{token}"]\n}}\n'
    )
    assert [(d.variable, d.name, d.line) for d in variable_defaults(text)] == [
        ("settings", "region", 2),
        ("settings", "db_password", 2),
        ("wandb_keys", "wandb_keys", 8),
    ]
    (tmp_path / "vars.tf").write_text(text)
    found = [(f.rule_id, f.location.path, getattr(f.location, "start_line", None))
             for f in scan(tmp_path).findings]  # fmt: skip
    assert found == [("SEC026", "vars.tf", 4), ("SEC019", "vars.tf", 8)]


def test_a_default_the_text_already_shows_is_reported_once(tmp_path: Path) -> None:
    token = st.github(st.seeded(63))
    (tmp_path / "main.tf").write_text(f'variable "gh" {{\n  default = "{token}"\n}}\n')
    assert [(f.rule_id, f.location) for f in scan(tmp_path).findings] == [
        ("SEC007", SourceLocation(path="main.tf", start_line=2, start_column=14,
                                  end_line=2, end_column=54)),
    ]  # fmt: skip


def test_inline_ignores_and_broken_files_behave_as_in_any_text(tmp_path: Path) -> None:
    key = st.wandb(st.seeded(64))
    (tmp_path / "ok.tf").write_text(
        f'variable "wandb_api_key" {{\n  default = "{key}"'
        " # mlgate: ignore[secrets] CI sandbox\n}\n"
    )
    (tmp_path / "broken.tf").write_text(f'variable "wandb_api_key" {{\n  default = "{key}"\n')
    result = scan(tmp_path)
    assert result.findings == () and result.errors == ()
    assert {m.name: m.value for m in result.metrics}["secrets.suppressed_inline"] == 1
