"""Print precision and recall of the deploy check's rate-limit proof on its labelled corpus.

Usage: ``.venv/bin/python scripts/deploy_accuracy.py`` from the repository root.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path


def main() -> int:
    """Generate the corpus in a temporary directory, scan it, print the figures."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from corpus.deploy.score import report, score_all, totals

    with tempfile.TemporaryDirectory() as workdir:
        scores = score_all(Path(workdir))
    for line in report(scores):
        print(line)  # a report script prints its figures
    return 0 if totals(scores) == (1.0, 1.0) else 1


if __name__ == "__main__":
    raise SystemExit(main())
