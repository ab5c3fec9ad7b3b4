"""Print recall and false-positive rate per technique family on the artifacts corpus.

Usage: ``.venv/bin/python scripts/artifacts_accuracy.py`` from the repository root.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path


def main() -> int:
    """Generate the corpus in a temporary directory, scan it, print the figures."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from corpus.artifacts.score import report, score_all, totals

    with tempfile.TemporaryDirectory() as workdir:
        scores = score_all(Path(workdir))
    for line in report(scores):
        print(line)  # a report script prints its figures
    recall, false_positives = totals(scores)
    return 0 if recall >= 0.99 and false_positives <= 0.02 else 1


if __name__ == "__main__":
    raise SystemExit(main())
