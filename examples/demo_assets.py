"""Generate the demo project's model files, notebook and churn data (never committed).

The clean model is an ordinary pickle of plain data. The poisoned one is written opcode by
opcode: unpickling it would call ``os.system("true")`` (harmless), and mlgate must flag it
without ever loading it. The notebook and the clean model's training parameters each
carry a freshly generated, correctly checksummed but fake GitHub token that the secrets
check must find and never print.

The churn data come from a seeded generator (shared with the tests' builders, so the
demo and the scenario tests judge the same kind of rows). The true churn logit depends on
tenure, charges and contract; models see it through noise (more noise, lower AUC).
Candidates:

- ``equal``: the candidate has the champion's noise level (same expected AUC);
- ``regressed``: more noise, about 1.5 AUC points lower;
- ``biased``: the candidate adds +1.2 to the logit of men (demographic-parity violation);
- ``regressed_biased``: both at once (the demo's candidate);
- ``eo_biased``: for men the candidate's scores are shuffled among men, so selection
  rates stay equal while TPR and FPR differ (equalized-odds violation).

Drift variants shift tenure, add an unseen contract type, or blank a fifth of the charges.
"""

from __future__ import annotations

import json
import pickle
import random
import secrets
import struct
import zlib
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.parquet as pq

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
Candidate = Literal["equal", "regressed", "biased", "regressed_biased", "eo_biased"]
DriftKind = Literal["none", "covariate", "new_category", "nulls"]
CONTRACTS = np.array(["monthly", "one_year", "two_year"])
REGIONS = np.array(["east", "north", "south", "west"])
CHAMPION_NOISE = 1.0
REGRESSED_NOISE = 1.2
# The demo's holdout and training sample: small enough to generate in a blink, large
# enough that a 1.5-point AUC drop is significant.
DEMO_ROWS = 20_000


def _base62(number: int, width: int) -> str:
    digits = ""
    while number:
        number, rest = divmod(number, 62)
        digits = BASE62[rest] + digits
    return digits.rjust(width, "0")


def fake_github_token() -> str:
    """A classic-format token (random body + base62 CRC-32) that was never issued."""
    body = "".join(secrets.choice(BASE62) for _ in range(30))
    return f"ghp_{body}{_base62(zlib.crc32(body.encode()), 6)}"


def poisoned_pickle() -> bytes:
    """PROTO 2, GLOBAL os.system, the argument tuple ("true",), REDUCE, STOP."""
    argument = b"true"
    return (
        b"\x80\x02"
        + b"cos\nsystem\n"
        + b"X" + struct.pack("<I", len(argument)) + argument
        + b"\x85R."
    )  # fmt: skip


def notebook(token: str) -> dict[str, object]:
    """A small exploration notebook whose second cell hard-codes a token."""
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Churn data exploration\n"]},
        {
            "cell_type": "code",
            "execution_count": 1,
            "metadata": {},
            "outputs": [],
            "source": [
                "import os\n",
                f'GITHUB_TOKEN = "{token}"  # pulls the feature repo\n',
            ],
        },
    ]
    return {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def write_assets(project: Path) -> list[Path]:
    """Write the generated files into ``project`` and return their paths."""
    model = project / "model"
    notebooks = project / "notebooks"
    model.mkdir(exist_ok=True)
    notebooks.mkdir(exist_ok=True)
    clean = {
        "features": ["tenure", "monthly_charges"],
        "coef": [-0.42, 0.031],
        "bias": 0.7,
        # A training run that saved its whole config, credentials included.
        "params": {"feature_repo": "acme/churn-features", "hub_token": fake_github_token()},
    }
    files = {
        model / "churn-model.pkl": pickle.dumps(clean, protocol=4),
        model / "churn-model-candidate.pkl": poisoned_pickle(),
        notebooks / "explore.ipynb": json.dumps(notebook(fake_github_token()), indent=1).encode(),
    }
    for path, content in files.items():
        path.write_bytes(content)
    return list(files)


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
    noise = REGRESSED_NOISE if kind in ("regressed", "regressed_biased") else CHAMPION_NOISE
    raw = logit + rng.normal(0, noise, logit.size)
    if kind in ("biased", "regressed_biased"):
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
    decimals: int | None = 6,
) -> pa.Table:
    """A holdout of ``rows`` customers (plus ``tiny_region_rows`` in region "islands").

    Scores are rounded to ``decimals`` (None: raw floats, nearly one distinct value a row).
    """
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
        "champion_score": champion if decimals is None else np.round(champion, decimals),
        "candidate_score": (
            candidate_score if decimals is None else np.round(candidate_score, decimals)
        ),
    }
    return pa.table(
        {
            name: pa.array(values) if not isinstance(values, pa.Array) else values
            for name, values in data.items()
        }
    )


def write_churn_data(project: Path) -> list[Path]:
    """Write the post-train gate's holdout and training sample as Parquet into ``project``.

    The holdout scores a regressed, biased candidate next to the champion; the training
    sample (the drift reference) comes from the same population, so drift stays quiet.
    """
    data = project / "data"
    data.mkdir(exist_ok=True)
    tables = {
        data / "holdout.parquet": churn_table(
            rows=DEMO_ROWS, seed=2026, candidate="regressed_biased"
        ),
        data / "training-sample.parquet": churn_table(
            rows=DEMO_ROWS, seed=7, candidate="regressed_biased"
        ),
    }
    for path, table in tables.items():
        pq.write_table(table, path, row_group_size=8192)
    training = tables[data / "training-sample.parquet"]
    return list(tables) + write_serving_models(data, training)


# The one-hot column the biased candidate leans on, as the ColumnTransformer names it.
_MEN = "categories__sex_M"


def _serving_model(training: pa.Table, categorical: list[str], men_effect: float) -> bytes:
    """A logistic regression on the churn features exported by skl2onnx (one input per column).

    Unseen categories score as all-zero one-hots and missing numbers are imputed, as a
    served model must; ``men_effect`` is added to the learnt weight of ``sex=M``.
    """
    from skl2onnx import to_onnx  # type: ignore[import-untyped]  # ships no type information
    from skl2onnx.common.data_types import (  # type: ignore[import-untyped]  # untyped
        FloatTensorType,
        StringTensorType,
    )
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    numeric = ["tenure", "monthly_charges"]
    frame = training.select([*categorical, *numeric, "churn"]).to_pandas()
    columns = ColumnTransformer(
        [
            ("categories", OneHotEncoder(handle_unknown="ignore"), categorical),
            ("numbers", make_pipeline(SimpleImputer(), StandardScaler()), numeric),
        ]
    )
    regression = LogisticRegression()
    model = make_pipeline(columns, regression).fit(frame[[*categorical, *numeric]], frame["churn"])
    if men_effect:
        names = list(columns.get_feature_names_out())
        regression.coef_[0, names.index(_MEN)] += men_effect
    types = [(c, StringTensorType([None, 1])) for c in categorical]
    types += [(c, FloatTensorType([None, 1])) for c in numeric]
    exported = to_onnx(model, initial_types=types, options={"zipmap": False}, target_opset=17)
    return bytes(exported.SerializeToString())


def write_serving_models(data: Path, training: pa.Table) -> list[Path]:
    """Export the served champion and candidate as ONNX (skl2onnx) next to the holdout.

    The champion uses tenure, charges and contract; the candidate also reads ``sex`` and,
    like the holdout's biased candidate, adds +1.2 to the logit of men, so its declared
    invariance to ``sex`` fails while it stays robust to noise and unseen categories.
    """
    files = {
        data / "churn-champion.onnx": _serving_model(training, ["contract"], 0.0),
        data / "churn-candidate.onnx": _serving_model(training, ["contract", "sex"], 1.2),
    }
    for path, content in files.items():
        path.write_bytes(content)
    return list(files)


# Demo advisory data: the ids say DEMO and the text says it is not a real vulnerability.
DEMO_ADVISORIES = (
    {
        "schema_version": "1.6.0",
        "id": "DEMO-2026-0001",
        "modified": "2026-01-01T00:00:00Z",
        "aliases": ["DEMO-CVE-2026-0001"],
        "summary": "[demo data] Template sandbox escape in jinja2 (not a real advisory)",
        "details": "Generated by examples/demo_assets.py so that `make demo` shows a "
        "vulnerable pin blocking the pre-merge gate. It describes no real vulnerability.",
        "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
        "affected": [
            {
                "package": {"ecosystem": "PyPI", "name": "jinja2"},
                "ranges": [
                    {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "3.1.99"}]}
                ],
            }
        ],
    },
)
# The approved training shards; their digest is pinned in demo-project/datasets.yaml.
TRAINING_SHARDS = 2
TRAINING_ROWS = 40


def _shard(seed: int, rows: int) -> str:
    rng = random.Random(seed)  # noqa: S311  # reproducible demo rows, not a secret
    lines = ["customer,tenure,monthly_charges,contract,churned"]
    for _ in range(rows):
        contract = rng.choice(["monthly", "one_year", "two_year"])
        lines.append(
            f"c{rng.randrange(10**6):06d},{rng.randrange(72)},{rng.randrange(20, 120)}.00,"
            f"{contract},{rng.randrange(2)}"
        )
    return "\n".join(lines) + "\n"


def write_supply_chain_assets(project: Path) -> list[Path]:
    """Write the demo's offline OSV advisories and training-data shards into ``project``.

    ``advisories/`` is the ``deps`` check's database (one fake record); ``training-data/``
    holds the approved churn shards (byte-for-byte reproducible, so their approved digest
    holds) and the legacy CRM export the nightly run read without approval.
    """
    files: dict[Path, str] = {
        project / "advisories" / f"{record['id']}.json": json.dumps(record, indent=1)
        for record in DEMO_ADVISORIES
    }
    for index in range(TRAINING_SHARDS):
        name = f"part-{index:05d}.csv"
        files[project / "training-data" / "churn-train" / name] = _shard(index, TRAINING_ROWS)
    files[project / "training-data" / "crm-export-legacy" / "part-00000.csv"] = _shard(99, 10)
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    return list(files)
