"""The labelled corpus meets the accuracy reached (see scripts/sast_accuracy.py)."""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

SCRIPT = Path(__file__).resolve().parents[4] / "scripts" / "sast_accuracy.py"


def test_corpus_accuracy_per_category() -> None:
    namespace: dict[str, Any] = runpy.run_path(str(SCRIPT))
    scores, wrong = namespace["score_corpus"]()
    table = {s.category: (s.vulnerable, s.safe, s.tpr, s.fpr) for s in scores}
    assert set(table) == {"sqli", "cmdi", "pathtraver", "xss"}
    for category, (vulnerable, safe, tpr, fpr) in table.items():
        assert vulnerable >= 10 and safe >= 10, category
        assert tpr == 1.0 and fpr == 0.0, (category, tpr, fpr)
    assert [case.name for case in wrong] == []
