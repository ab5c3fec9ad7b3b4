"""Print precision and recall of the ``deps`` check on ``tests/corpus/deps``.

Usage (repository root): ``.venv/bin/python scripts/deps_accuracy.py``. Exits 1 unless
both are 100 %.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

# The corpus and its builders live under tests/, which is not an installed package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from corpus.deps.score import report, score_all, totals


def main() -> int:
    """Write the report to stdout; exit 0 only at 100 % precision and recall."""
    with tempfile.TemporaryDirectory() as workdir:
        scores = score_all(Path(workdir))
    sys.stdout.write("\n".join(report(scores)) + "\n")
    precision, recall = totals(scores)
    return 0 if precision == recall == 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
