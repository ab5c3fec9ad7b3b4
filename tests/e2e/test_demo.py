"""The demo project reaches exactly the verdict `make demo` promises, and never leaks the token."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

from demo_assets import write_assets, write_churn_data, write_supply_chain_assets

from builders.cli import Completed
from mlgate.core.verdict import Disposition

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo-project"
GENERATED = ("mlgate-reports", "notebooks", "data", "*.pkl", "advisories", "training-data")


def test_demo_blocks_exactly_the_planted_flaws(
    tmp_path: Path, process: Callable[..., Completed]
) -> None:
    project = tmp_path / "demo"
    shutil.copytree(DEMO, project, ignore=shutil.ignore_patterns(*GENERATED))
    write_assets(project)
    write_churn_data(project)
    write_supply_chain_assets(project)
    token = json.loads((project / "notebooks" / "explore.ipynb").read_text())["cells"][1]
    raw_token = token["source"][1].split('"')[1]
    done = process("run", "--no-progress", cwd=project)
    assert done.code == 1, done.err
    document = json.loads((project / "mlgate-reports" / "mlgate-verdict.json").read_text())
    blocking = {
        gate["name"]: sorted(
            f["finding"]["rule_id"]
            for check in gate["checks"]
            for f in check["findings"]
            if f["disposition"] == Disposition.BLOCKING.value
        )
        + sorted(
            m["metric"]["name"]
            for check in gate["checks"]
            for m in check["metrics"]
            if not m["acceptable"]
        )
        for gate in document["gates"]
    }
    assert blocking == {
        "pre-merge": [
            "DEPS001",  # jinja2 pinned below the fix of the demo advisory
            "SAST089",
            "Semgrep-OSS/python.flask.security.injection.tainted-sql-string.tainted-sql-string",
        ],
        "pre-deploy": [
            "ART002",
            "K8S001",
            "RL001",
            "RL001",
            "RL001",
            "SEC007",
            # the platform's Rego policy: the Deployment and the InferenceService lack `team`
            "rego/main.deny_missing_team",
            "rego/main.deny_missing_team",
        ],
        # The regressed, biased candidate: AUC beyond tolerance, parity and odds by sex.
        "post-train": [
            "DATA001",  # the lineage names crm-export-legacy, which is not approved
            "fairness.demographic_parity_difference[sex x age_band]",
            "fairness.demographic_parity_difference[sex]",
            "fairness.equalized_odds_difference[sex x age_band]",
            "fairness.equalized_odds_difference[sex]",
            "model.roc_auc.change",
        ],
    }
    reports = list((project / "mlgate-reports").iterdir())
    assert len(reports) == 5
    for report in reports:
        assert raw_token not in report.read_text(), report.name
    assert raw_token not in done.out + done.err
