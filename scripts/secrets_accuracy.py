"""Print precision, recall and F1 per secret type and per carrier on the secrets corpus.

Usage: ``.venv/bin/python scripts/secrets_accuracy.py [PER_PAIR]`` from the repository
root (``PER_PAIR`` fake secrets of each type in each carrier, default 3).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path


def main(argv: list[str]) -> int:
    """Generate the corpus in a temporary directory, scan it, print the figures."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from corpus.secrets.score import artifact_recall, report, score

    per_pair = int(argv[0]) if argv else 3
    with tempfile.TemporaryDirectory() as workdir:
        outcome = score(Path(workdir), per_pair)
    for line in report(outcome):
        print(line)  # a report script prints its figures
    return 0 if outcome.total.f1 >= 0.97 and artifact_recall(outcome) >= 0.95 else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
