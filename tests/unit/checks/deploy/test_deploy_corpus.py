"""The labelled rate-limit corpus is judged with 100 % precision and recall."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from corpus.deploy.cases import CASES
from corpus.deploy.score import report, score_all, totals


def test_rate_limit_corpus_precision_and_recall_are_perfect(tmp_path: Path) -> None:
    scores = score_all(tmp_path)
    assert totals(scores) == (1.0, 1.0), "\n".join(report(scores))


def test_corpus_has_at_least_thirty_cases_and_every_label() -> None:
    assert len(CASES) >= 30
    labels = Counter(case.label for case in CASES)
    assert set(labels) == {"limited", "unlimited", "trap"}
    assert min(labels.values()) >= 5, labels
    assert len({case.name for case in CASES}) == len(CASES)
