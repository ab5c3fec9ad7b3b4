from __future__ import annotations

import json
from importlib.metadata import entry_points

import pytest

from builders import secrets_carriers as sc
from builders import secrets_tokens as st
from mlgate.api import RunOptions, run
from mlgate.core.verdict import Outcome, Verdict

POLICY = """\
version: 1
gates:
  pre-deploy:
    fail_on: medium
    checks:
      secrets:
        paths: ["."]
        exclude: ["mlgate.yaml"]
"""


def reporters() -> list[tuple[str, object]]:
    return [(e.name, e.load()) for e in entry_points(group="mlgate.reporters")]


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Verdict, list[str]]:
    root = tmp_path_factory.mktemp("project")
    rng = st.seeded(99)
    secrets = [st.github(rng), st.database_url(rng), st.private_key_pem(rng), st.openai(rng)]
    (root / "mlgate.yaml").write_text(POLICY)
    (root / "app.py").write_text(f'TOKEN = "{secrets[0]}"\nDB = "{secrets[1]}"\n')
    (root / "key.pem").write_text(secrets[2] + "\n")
    notebook = sc.notebook_document([sc.code_cell([f'openai.api_key = "{secrets[3]}"'])])
    (root / "analysis.ipynb").write_bytes(notebook)
    (root / "model.pkl").write_bytes(sc.dict_pickle([("hub", secrets[0])]))
    verdict = run(root / "mlgate.yaml", options=RunOptions(jobs=1))
    password = secrets[1].split(":")[2].split("@")[0]
    body = secrets[2].splitlines()[1]
    return verdict, [secrets[0], secrets[0][4:20], password, body, secrets[3], secrets[3][8:30]]


def test_the_gate_blocks_on_the_planted_secrets(planted: tuple[Verdict, list[str]]) -> None:
    verdict, _ = planted
    assert verdict.outcome is Outcome.BLOCK
    rules = sorted(j.finding.rule_id for g in verdict.gates for c in g.checks for j in c.findings)
    assert rules == ["SEC007", "SEC007", "SEC015", "SEC024", "SEC025"]


@pytest.mark.parametrize("name", [name for name, _ in reporters()])
def test_no_report_format_contains_a_raw_secret(
    planted: tuple[Verdict, list[str]], name: str
) -> None:
    verdict, raw_values = planted
    reporter = dict(reporters())[name]
    rendered = reporter().render(verdict).decode("utf-8")  # type: ignore[operator]
    assert rendered
    for value in raw_values:
        assert value not in rendered
        assert json.dumps(value)[1:-1] not in rendered
