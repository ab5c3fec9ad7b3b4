"""Reference profiles: `mlgate model profile`, the stored JSON, and the gate reading it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from pydantic import ValidationError
from scipy import stats

from builders.churn import churn_table, write_csv, write_parquet
from mlgate.checks.model import ModelCheck, ModelConfig
from mlgate.checks.model.engine import SketchColumns
from mlgate.checks.model.profile import (
    build_profile,
    profile_from_json,
    profile_to_json,
)
from mlgate.checks.model.reader import ModelInputError
from mlgate.checks.model.stats.sketch import CategorySketch, NumericSketch
from mlgate.cli.app import main
from mlgate.core.check import CheckContext, CheckResult

COLUMNS: dict[str, Any] = {
    "label": "churn",
    "candidate": "candidate_score",
    "champion": "champion_score",
    "sensitive": ["sex"],
    "numeric_features": ["tenure", "monthly_charges"],
    "categorical_features": ["contract"],
}
PROFILE_ARGS = [
    "--numeric", "tenure,monthly_charges", "--categorical", "contract",
    "--label", "churn", "--prediction", "candidate_score",
]  # fmt: skip


def run_check(root: Path, **settings: Any) -> CheckResult:
    config = ModelConfig(paths=["data"], columns=COLUMNS, **settings)
    context = CheckContext(root=root, gate="post-train", today=date(2026, 1, 1))
    return ModelCheck().run(context, config)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write_parquet(
        churn_table(rows=3000, seed=11, drift="covariate"), tmp_path / "data" / "h.parquet"
    )
    reference = churn_table(rows=5000, seed=12, drift="nulls")
    write_parquet(reference.slice(0, 2000), tmp_path / "ref" / "a.parquet", row_group_rows=700)
    write_csv(reference.slice(2000), tmp_path / "ref" / "b.csv")
    return tmp_path


def test_profile_then_gate_equals_gate_on_raw_reference(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    refs = [str(project / "ref" / n) for n in ("a.parquet", "b.csv")]
    profile = project / "profile.json"
    assert main(["model", "profile", *refs, "-o", str(profile), *PROFILE_ARGS]) == 0
    assert "5 column(s), 5,000 rows profiled" in capsys.readouterr().out
    raw = run_check(project, reference=["ref/a.parquet", "ref/b.csv"])
    stored = run_check(project, reference_profile="profile.json")
    assert raw.errors == stored.errors == ()
    assert raw.metrics == stored.metrics
    assert raw.findings == stored.findings
    assert {m.name for m in raw.metrics} >= {
        "drift.psi[tenure]",
        "drift.chi2_pvalue[churn]",
        "drift.ks_statistic[candidate_score]",
    }


def test_profile_json_round_trips_exactly(project: Path) -> None:
    columns = SketchColumns(numeric=("monthly_charges",), categorical=("contract",))
    profile = build_profile([project / "ref" / "a.parquet"], columns, batch_rows=1024)
    again = profile_from_json(profile_to_json(profile))
    assert again.rows == profile.rows == 2000
    charges = again.sketches["monthly_charges"]
    assert isinstance(charges, NumericSketch)
    table = pq.read_table(project / "ref" / "a.parquet")
    values = table.column("monthly_charges").to_numpy(zero_copy_only=False)
    unique, counts = np.unique(values[~np.isnan(values)], return_counts=True)
    assert charges.values.tolist() == unique.tolist()
    assert charges.counts.tolist() == counts.tolist()
    assert charges.nulls == int(np.isnan(values).sum())
    contract, before = again.sketches["contract"], profile.sketches["contract"]
    assert isinstance(contract, CategorySketch) and isinstance(before, CategorySketch)
    assert (contract.categories, contract.counts.tolist()) == (before.categories, [990, 616, 394])


def test_prediction_drift_matches_scipy_ks(project: Path) -> None:
    result = run_check(project, reference=["ref/a.parquet"])
    metric = {m.name: m.value for m in result.metrics}
    reference = pq.read_table(project / "ref" / "a.parquet").column("candidate_score")
    holdout = pq.read_table(project / "data" / "h.parquet").column("candidate_score")
    expected = stats.ks_2samp(reference.to_numpy(), holdout.to_numpy())
    assert metric["drift.ks_statistic[candidate_score]"] == pytest.approx(
        expected.statistic, abs=1e-12
    )
    assert metric["drift.ks_pvalue[candidate_score]"] == pytest.approx(expected.pvalue, rel=1e-9)


def test_a_reference_without_label_or_scores_says_what_it_skipped(project: Path) -> None:
    table = pq.read_table(project / "ref" / "a.parquet").drop(["churn", "candidate_score"])
    write_parquet(table, project / "ref" / "features.parquet")
    result = run_check(project, reference=["ref/features.parquet"])
    assert result.errors == ()
    assert [s.reason for s in result.skipped] == [
        "label drift not computed: the reference has no 'churn' column",
        "prediction drift not computed: the reference has no 'candidate_score' column",
    ]


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (lambda d: d | {"version": 2}, "not a version-1 model profile: version Input should be 1"),
        (
            lambda d: d["sketches"]["tenure"] | {"values": d["sketches"]["tenure"]["values"][::-1]},
            "profile column 'tenure': values must be distinct and increasing",
        ),
        (lambda d: d | {"sketches": {}}, "profile.json: the profile has no sketch of 'tenure'"),
    ],
)
def test_bad_profiles_are_errors(project: Path, change: Any, error: str) -> None:
    columns = SketchColumns(numeric=("tenure", "monthly_charges"), categorical=("contract",))
    document = json.loads(profile_to_json(build_profile([project / "ref" / "a.parquet"], columns)))
    changed = change(document)
    if "kind" in changed:  # a changed sketch goes back into its document
        document["sketches"]["tenure"] = changed
        changed = document
    (project / "profile.json").write_text(json.dumps(changed))
    (message,) = run_check(project, reference_profile="profile.json").errors
    assert message.startswith(error)


def test_profile_command_input_errors(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = str(project / "p.json")
    assert main(["model", "profile", "nope.parquet", "-o", out, "--numeric", "x"]) == 2
    ref = str(project / "ref" / "a.parquet")
    assert main(["model", "profile", ref, "-o", out]) == 2
    assert main(["model", "profile", ref, "-o", out, "--numeric", "income"]) == 2
    errors = capsys.readouterr().err.splitlines()
    assert errors == [
        "mlgate: error: data file(s) not found: nope.parquet",
        "mlgate: error: no columns to profile: name features, a label or a prediction",
        "mlgate: error: a.parquet: missing column(s) income (found: "
        + ", ".join(pq.read_schema(ref).names)
        + ")",
    ]
    assert not (project / "p.json").exists()


def test_reference_and_profile_are_exclusive() -> None:
    one_of = "one of `reference` data, a `reference_profile` or a `reference_table`"
    with pytest.raises(ValidationError, match=one_of):
        ModelConfig(columns=COLUMNS, reference=["r.parquet"], reference_profile="p.json")
    with pytest.raises(ValidationError, match=one_of):
        ModelConfig(columns=COLUMNS, reference_profile="p.json", reference_table="train")


def test_profile_labels_must_be_binary(tmp_path: Path) -> None:
    table = churn_table(rows=50, seed=3)
    table = table.set_column(
        table.schema.get_field_index("churn"), "churn", pc.add(table["churn"], 1)
    )
    write_parquet(table, tmp_path / "r.parquet")
    with pytest.raises(ModelInputError, match="label column 'churn' has"):
        build_profile([tmp_path / "r.parquet"], SketchColumns(label="churn"))
