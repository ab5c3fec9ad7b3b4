"""Score the secrets corpus: precision, recall and F1 per secret type and per carrier.

A finding is a true positive when it equals an expected one (rule id, path, and the
line or container member the case names); any other finding is a false positive; an
expected finding nobody produced is a false negative. Counts are keyed by rule id (the
secret type) and by carrier.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from corpus.secrets.cases import Case, Expected, negative_cases, positive_cases
from mlgate.checks.secrets import SecretsCheck, SecretsConfig
from mlgate.core.check import CheckContext
from mlgate.core.finding import ArtifactLocation, Finding, SourceLocation


@dataclass(frozen=True, slots=True)
class Score:
    """True positives, false positives and false negatives of one group."""

    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True, slots=True)
class Outcome:
    """Counts of the whole corpus by type and by carrier, and the wrong cases."""

    by_type: dict[str, Score]
    by_carrier: dict[str, Score]
    total: Score
    mistakes: tuple[str, ...]
    cases: int


def _matches(finding: Finding, path: str, expected: Expected) -> bool:
    location = finding.location
    if finding.rule_id != expected.rule_id or location.path != path:
        return False
    if isinstance(location, SourceLocation):
        return expected.line is None or location.start_line == expected.line
    return isinstance(location, ArtifactLocation) and location.member == expected.member


def write_cases(cases: list[Case], workdir: Path) -> dict[str, Case]:
    """Each case in its own folder; returns cases by their root-relative path."""
    by_path = {}
    for index, case in enumerate(cases):
        folder = workdir / f"{index:04d}"
        folder.mkdir(parents=True)
        (folder / case.filename).write_bytes(case.data)
        by_path[f"{index:04d}/{case.filename}"] = case
    return by_path


def score(workdir: Path, per_pair: int = 3) -> Outcome:
    """Generate the corpus under ``workdir``, run the check over it, count."""
    by_path = write_cases([*positive_cases(per_pair), *negative_cases()], workdir)
    ctx = CheckContext(root=workdir, gate="corpus", today=date(2025, 1, 1))
    result = SecretsCheck().run(ctx, SecretsConfig())
    found: dict[str, list[Finding]] = {}
    for finding in result.findings:
        found.setdefault(finding.location.path or "", []).append(finding)
    counts: dict[tuple[str, str, str], int] = Counter()
    mistakes = [f"error: {e}" for e in result.errors]
    for path, case in by_path.items():
        _count(path, case, found.get(path, []), counts, mistakes)
    return _outcome(counts, tuple(mistakes), len(by_path))


def _count(
    path: str,
    case: Case,
    findings: list[Finding],
    counts: dict[tuple[str, str, str], int],
    mistakes: list[str],
) -> None:
    unmatched = list(findings)
    for expected in case.expected:
        hit = next((f for f in unmatched if _matches(f, path, expected)), None)
        if hit is None:
            counts["fn", expected.rule_id, case.carrier] += 1
            mistakes.append(f"FN {expected.rule_id} {case.kind}/{case.carrier} {path}")
        else:
            unmatched.remove(hit)
            counts["tp", expected.rule_id, case.carrier] += 1
    for finding in unmatched:
        counts["fp", finding.rule_id, case.carrier] += 1
        mistakes.append(f"FP {finding.rule_id} {case.kind}/{case.carrier} {path}")


def _outcome(counts: dict[tuple[str, str, str], int], mistakes: tuple[str, ...], n: int) -> Outcome:
    def group(axis: int) -> dict[str, Score]:
        keys = sorted({key[axis] for key in counts})
        return {k: _sum(counts, _on(axis, k)) for k in keys}

    return Outcome(group(1), group(2), _sum(counts, lambda key: True), mistakes, n)


def _on(axis: int, value: str) -> Callable[[tuple[str, str, str]], bool]:
    return lambda key: key[axis] == value


def _sum(
    counts: dict[tuple[str, str, str], int], keep: Callable[[tuple[str, str, str]], bool]
) -> Score:
    totals: Counter[str] = Counter()
    for key, value in counts.items():
        if keep(key):
            totals[key[0]] += value
    return Score(totals["tp"], totals["fp"], totals["fn"])


def artifact_recall(outcome: Outcome) -> float:
    """Recall over the artifact carriers only: pickle, joblib, npz, zip, 7z, .h5, SavedModel,
    safetensors, ONNX, GGUF, .keras, Hugging Face config and tokenizer files, tar, npy."""
    from builders.secrets_carriers import ARTIFACT_CARRIERS
    from corpus.secrets.format_carriers import ARTIFACT_CARRIERS as FORMAT_CARRIERS
    from corpus.secrets.model_carriers import MODEL_CARRIERS

    carriers = ARTIFACT_CARRIERS | MODEL_CARRIERS | FORMAT_CARRIERS
    scores = [s for c, s in outcome.by_carrier.items() if c in carriers]
    tp, fn = sum(s.tp for s in scores), sum(s.fn for s in scores)
    return tp / (tp + fn) if tp + fn else 1.0


def report(outcome: Outcome) -> list[str]:
    """Printable tables."""
    lines = [f"{outcome.cases} files; overall {_row('all', outcome.total)}", "", "by type:"]
    lines += [_row(k, s) for k, s in outcome.by_type.items()]
    lines += ["", "by carrier:", *(_row(k, s) for k, s in outcome.by_carrier.items())]
    lines += ["", f"artifact recall {artifact_recall(outcome):.3f}"]
    return lines + [f"  {m}" for m in outcome.mistakes[:40]]


def _row(name: str, s: Score) -> str:
    return (
        f"  {name:13} P {s.precision:.3f}  R {s.recall:.3f}  F1 {s.f1:.3f}"
        f"  (tp {s.tp}, fp {s.fp}, fn {s.fn})"
    )
