"""Deterministic churn holdouts: a champion and candidates that are equal, worse or biased.

Every column derives from a seeded numpy generator, so a test names a scenario and gets
the same rows on every machine. The true churn logit depends on tenure, charges and
contract; models see it through noise (more noise, lower AUC). Scenarios:

- ``equal``: the candidate has the champion's noise level (same expected AUC);
- ``regressed``: more noise, about 1.5 AUC points lower;
- ``biased``: the candidate adds +1.2 to the logit of men (demographic-parity violation);
- ``eo_biased``: for men the candidate's scores are shuffled among men, so selection
  rates stay equal while TPR and FPR differ (equalized-odds violation).

Drift variants shift tenure, add an unseen contract type, or blank a fifth of the charges.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

Candidate = Literal["equal", "regressed", "biased", "eo_biased"]
DriftKind = Literal["none", "covariate", "new_category", "nulls"]
CONTRACTS = np.array(["monthly", "one_year", "two_year"])
REGIONS = np.array(["east", "north", "south", "west"])
CHAMPION_NOISE = 1.0
REGRESSED_NOISE = 1.2


def _sigmoid(x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    return np.asarray(1 / (1 + np.exp(-x)), dtype=np.float64)


def _features(rng: np.random.Generator, rows: int, drift: DriftKind) -> dict[str, npt.NDArray[Any]]:
    shift = 12.0 if drift == "covariate" else 0.0
    tenure = np.round(np.clip(rng.gamma(2.0, 12.0, rows) + shift, 0, 120), 0)
    charges = np.round(rng.normal(65, 20, rows).clip(10, 150), 2)
    contract = rng.choice(CONTRACTS, rows, p=[0.5, 0.3, 0.2]).astype(object)
    if drift == "new_category":
        contract[rng.uniform(size=rows) < 0.02] = "prepaid"
    return {
        "tenure": tenure,
        "monthly_charges": charges,
        "contract": contract,
        "sex": rng.choice(np.array(["F", "M"]), rows).astype(object),
        "age_band": rng.choice(np.array(["18-29", "30-49", "50+"]), rows, p=[0.3, 0.45, 0.25]),
        "region": rng.choice(REGIONS, rows).astype(object),
    }


def _logit(columns: dict[str, npt.NDArray[Any]]) -> npt.NDArray[np.float64]:
    contract_effect = np.select(
        [columns["contract"] == "monthly", columns["contract"] == "one_year"], [1.0, -0.3], -1.4
    )
    return np.asarray(
        -0.6
        - 0.035 * columns["tenure"]
        + 0.02 * (columns["monthly_charges"] - 65)
        + contract_effect,
        dtype=np.float64,
    )


def _candidate(
    rng: np.random.Generator,
    logit: npt.NDArray[np.float64],
    men: npt.NDArray[np.bool_],
    kind: Candidate,
) -> npt.NDArray[np.float64]:
    noise = REGRESSED_NOISE if kind == "regressed" else CHAMPION_NOISE
    raw = logit + rng.normal(0, noise, logit.size)
    if kind == "biased":
        raw = raw + 1.2 * men
    score = _sigmoid(raw)
    if kind == "eo_biased":
        score[men] = rng.permutation(score[men])
    return score


def churn_table(
    *,
    rows: int,
    seed: int,
    candidate: Candidate = "equal",
    drift: DriftKind = "none",
    tiny_region_rows: int = 0,
) -> pa.Table:
    """A holdout of ``rows`` customers (plus ``tiny_region_rows`` in region "islands")."""
    rng = np.random.default_rng(seed)
    columns = _features(rng, rows, drift)
    if tiny_region_rows:
        columns["region"][:tiny_region_rows] = "islands"
    logit = _logit(columns)
    churn = (rng.uniform(size=rows) < _sigmoid(logit)).astype(np.int64)
    champion = _sigmoid(logit + rng.normal(0, CHAMPION_NOISE, rows))
    men = columns["sex"] == "M"
    # Drawn before the drift variants, so a drift scenario keeps the same models.
    candidate_score = _candidate(rng, logit, men, candidate)
    charges = columns["monthly_charges"].astype(np.float64)
    if drift == "nulls":
        charges[rng.uniform(size=rows) < 0.2] = np.nan
    data = {
        **columns,
        "monthly_charges": pa.array(charges, from_pandas=True),
        "churn": churn,
        "champion_score": np.round(champion, 6),
        "candidate_score": np.round(candidate_score, 6),
    }
    return pa.table(
        {
            name: pa.array(values) if not isinstance(values, pa.Array) else values
            for name, values in data.items()
        }
    )


def write_parquet(table: pa.Table, path: Path, *, row_group_rows: int = 4096) -> Path:
    """Write ``table`` as Parquet in row groups of ``row_group_rows``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, row_group_size=row_group_rows)
    return path


def write_csv(table: pa.Table, path: Path) -> Path:
    """Write ``table`` as CSV with a header row."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pacsv.write_csv(table, path)
    return path
