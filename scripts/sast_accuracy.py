"""Score the ``sast`` check on the labelled corpus in ``tests/corpus/sast``.

Prints, per category, the cases, TPR, FPR and Youden index (TPR - FPR), then the
average, as the OWASP Benchmark scores tools. ``--details`` lists every case the
check got wrong. Usage: ``python scripts/sast_accuracy.py [--corpus DIR] [--details]``.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from mlgate.checks.sast.engine import SourceFile, scan_sources
from mlgate.core.finding import location_line

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "corpus" / "sast"
CATEGORY_RULES = {
    "sqli": "SAST089",
    "cmdi": "SAST078",
    "pathtraver": "SAST022",
    "xss": "SAST079",
    "ssti": "SAST1336",
    "codei": "SAST094",
    "deserialization": "SAST502",
    "redirect": "SAST601",
    "ssrf": "SAST918",
    "xpath": "SAST643",
    "ldap": "SAST090",
    "xxe": "SAST611",
    "trustbound": "SAST501",
    "weakhash": "SAST328",
    "weakrand": "SAST330",
    "securecookie": "SAST614",
    "httponlycookie": "SAST1004",
    "tls": "SAST295",
    "debug": "SAST489",
    "hardcoded": "SAST798",
}
# Cases are stored as ``.py.txt`` so that linters and type checkers of this repository
# never run over deliberately vulnerable (and partly Python 3.12+) code.
SUFFIX = ".py.txt"
_EXPECT = re.compile(r"#\s*expect:\s*([A-Z0-9, ]+)")


@dataclass(frozen=True, slots=True)
class CaseResult:
    """How the check did on one case."""

    name: str
    expected: frozenset[tuple[str, str, int]]
    reported: frozenset[tuple[str, str, int]]

    @property
    def is_vulnerable(self) -> bool:
        """A case with expectations is a vulnerable case."""
        return bool(self.expected)


@dataclass(frozen=True, slots=True)
class Score:
    """Counts and rates of one category."""

    category: str
    true_positives: int
    vulnerable: int
    false_positives: int
    safe: int

    @property
    def tpr(self) -> float:
        """True-positive rate."""
        return self.true_positives / self.vulnerable if self.vulnerable else 0.0

    @property
    def fpr(self) -> float:
        """False-positive rate."""
        return self.false_positives / self.safe if self.safe else 0.0

    @property
    def youden(self) -> float:
        """TPR - FPR."""
        return self.tpr - self.fpr


def case_files(case: Path) -> Iterator[Path]:
    """The source files of a case (one file, or every file of a directory)."""
    yield from sorted(case.rglob(f"*{SUFFIX}")) if case.is_dir() else [case]


def shown_path(path: Path, base: Path) -> str:
    """The path the case's module has: ``pkg/db.py.txt`` is analysed as ``pkg/db.py``."""
    return path.relative_to(base).as_posix().removesuffix(".txt")


def expectations(case: Path, base: Path) -> frozenset[tuple[str, str, int]]:
    """(rule, path, line) from ``# expect:`` comments."""
    found: set[tuple[str, str, int]] = set()
    for path in case_files(case):
        shown = shown_path(path, base)
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            match = _EXPECT.search(line)
            if match:
                found.update((r.strip(), shown, number) for r in match[1].split(","))
    return frozenset(found)


def run_case(case: Path, rule: str) -> CaseResult:
    """Scan one case and compare with its expectations for ``rule``."""
    base = case if case.is_dir() else case.parent
    files = [SourceFile(path=shown_path(p, base), data=p.read_bytes()) for p in case_files(case)]
    reported = frozenset(
        (f.rule_id, f.location.path or "", location_line(f.location) or 0)
        for f in scan_sources(files)
        if f.rule_id == rule
    )
    expected = frozenset(e for e in expectations(case, base) if e[0] == rule)
    return CaseResult(name=case.name, expected=expected, reported=reported)


def score_category(directory: Path, rule: str, prefix: str = "") -> tuple[Score, list[CaseResult]]:
    """Score every case of one category directory (whose name starts with ``prefix``)."""
    cases = [c for c in sorted(directory.iterdir()) if _is_case(c) and c.name.startswith(prefix)]
    results = [run_case(c, rule) for c in cases]
    vulnerable = [r for r in results if r.is_vulnerable]
    safe = [r for r in results if not r.is_vulnerable]
    score = Score(
        category=directory.name,
        true_positives=sum(r.expected <= r.reported for r in vulnerable),
        vulnerable=len(vulnerable),
        false_positives=sum(bool(r.reported) for r in safe),
        safe=len(safe),
    )
    wrong = [r for r in results if r.expected != r.reported]
    return score, wrong


def _is_case(path: Path) -> bool:
    return path.name.endswith(SUFFIX) or (path.is_dir() and not path.name.startswith((".", "_")))


def score_corpus(corpus: Path = CORPUS, prefix: str = "") -> tuple[list[Score], list[CaseResult]]:
    """Scores of every category present in the corpus, and the wrong cases."""
    scores: list[Score] = []
    wrong: list[CaseResult] = []
    for category, rule in CATEGORY_RULES.items():
        directory = corpus / category
        if directory.is_dir() and any(
            _is_case(c) and c.name.startswith(prefix) for c in directory.iterdir()
        ):
            score, misses = score_category(directory, rule, prefix)
            scores.append(score)
            wrong.extend(misses)
    return scores, wrong


def main(argv: list[str] | None = None) -> int:
    """Print the score table (and the wrong cases with ``--details``)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--prefix", default="", help="only cases whose name starts with this")
    parser.add_argument("--details", action="store_true")
    args = parser.parse_args(argv)
    scores, wrong = score_corpus(args.corpus, args.prefix)
    print(f"{'category':<16}{'cases':>6}{'TP':>5}{'FP':>5}{'TPR':>8}{'FPR':>8}{'Youden':>8}")
    for s in scores:
        print(
            f"{s.category:<16}{s.vulnerable + s.safe:>6}{s.true_positives:>5}"
            f"{s.false_positives:>5}{s.tpr:>8.1%}{s.fpr:>8.1%}{s.youden:>8.1%}"
        )
    average = sum(s.youden for s in scores) / len(scores) if scores else 0.0
    print(f"{'average':<16}{'':>38}{average:>8.1%}")
    if args.details:
        for case in wrong:
            missing = sorted(case.expected - case.reported)
            extra = sorted(case.reported - case.expected)
            print(f"  {case.name.removesuffix('.txt')}: missing {missing} extra {extra}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
