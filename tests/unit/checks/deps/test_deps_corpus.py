"""The labelled deps corpus is matched with 100 % precision and recall."""

from __future__ import annotations

from pathlib import Path

from corpus.deps.cases import CASES
from corpus.deps.score import report, score_all, totals


def test_corpus_precision_and_recall_are_perfect(tmp_path: Path) -> None:
    scores = score_all(tmp_path)
    assert totals(scores) == (1.0, 1.0), "\n".join(report(scores))


def test_corpus_has_vulnerable_and_safe_cases_for_every_lock_format() -> None:
    files = {case.file for case in CASES}
    assert files == {"requirements.txt", "poetry.lock", "uv.lock", "pylock.toml", "Pipfile.lock"}
    assert sum(1 for c in CASES if c.expected) >= 8
    assert sum(1 for c in CASES if not c.expected) >= 10
