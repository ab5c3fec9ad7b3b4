"""The labelled corpus meets the accuracy reached (see scripts/sast_accuracy.py)."""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

SCRIPT = Path(__file__).resolve().parents[4] / "scripts" / "sast_accuracy.py"
# The bar: every category scored, each with vulnerable and safe look-alikes.
CATEGORIES = {
    "sqli",
    "cmdi",
    "pathtraver",
    "xss",
    "ssti",
    "codei",
    "deserialization",
    "redirect",
    "ssrf",
    "xpath",
    "ldap",
    "xxe",
    "trustbound",
    "weakhash",
    "weakrand",
    "securecookie",
    "httponlycookie",
    "tls",
    "debug",
}


def test_corpus_accuracy_per_category() -> None:
    namespace: dict[str, Any] = runpy.run_path(str(SCRIPT))
    scores, wrong = namespace["score_corpus"]()
    table = {s.category: (s.vulnerable, s.safe, s.tpr, s.fpr) for s in scores}
    assert set(table) == CATEGORIES
    assert sum(v + s for v, s, _, _ in table.values()) >= 300
    for category, (vulnerable, safe, tpr, fpr) in table.items():
        assert vulnerable >= 6 and safe >= 6, category
        assert tpr == 1.0 and fpr == 0.0, (category, tpr, fpr)
    assert [case.name for case in wrong] == []
