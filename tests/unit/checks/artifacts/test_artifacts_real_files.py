"""Files the real torch, xgboost and lightgbm wrote (scripts/make_real_benign.py) pass.

Their bytes are only read and scanned, never loaded.
"""

from __future__ import annotations

import pytest

from corpus.artifacts.cases import REAL_DIR, Case, committed_real_cases
from mlgate.checks.artifacts.check import ArtifactsConfig, scan_file

CASES = list(committed_real_cases())


def test_every_writer_and_format_is_represented() -> None:
    names = {case.filename for case in CASES}
    assert {"torch-state-dict.pt", "torch-state-dict-legacy.pt", "torch-checkpoint.pth",
            "torch-optimizer.pt", "torch-torchscript.pt", "torch-full-module.pt",
            "xgb-classifier.joblib", "xgb-booster.ubj", "xgb-booster.json",
            "lgbm-classifier.joblib", "lgbm-booster.txt"} <= names  # fmt: skip
    assert {case.family for case in CASES} == {"real-torch", "real-xgboost", "real-lightgbm"}


def test_committed_files_stay_small() -> None:
    sizes = [path.stat().st_size for path in REAL_DIR.iterdir()]
    assert max(sizes) < 100 * 1024
    assert sum(sizes) < 1024 * 1024


@pytest.mark.parametrize("case", CASES, ids=[case.filename for case in CASES])
def test_real_benign_file_has_no_finding_and_no_error(case: Case) -> None:
    path = REAL_DIR / case.filename
    scan = scan_file(path, path.name, ArtifactsConfig().settings())
    if scan is None:  # xgboost JSON/UBJ and lightgbm text models are not pickles at all
        assert path.suffix in {".json", ".ubj", ".txt"}
        return
    assert (scan.findings, scan.errors) == ([], [])
