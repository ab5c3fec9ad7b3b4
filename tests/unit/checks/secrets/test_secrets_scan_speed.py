from __future__ import annotations

import functools
import re
from datetime import date
from pathlib import Path

import pytest

from builders import secrets_tokens as st
from builders.secrets_tree import write_source_tree
from mlgate.checks.secrets import SecretsCheck, SecretsConfig
from mlgate.checks.secrets.check import catalogue, select_jobs
from mlgate.checks.secrets.gitignore import GitIgnore, parse_rules
from mlgate.checks.secrets.parallel import Job, ScanPlan, batched, scan_all
from mlgate.checks.secrets.readers.text import text_hits
from mlgate.core.check import CheckContext
from mlgate.credentials.matcher import Matcher
from mlgate.credentials.rules import DETECTORS

MATCHER = Matcher(DETECTORS)
_META = set("()[]{}.^$*+?|\\")


def ctx(root: Path) -> CheckContext:
    return CheckContext(root=root, gate="t", today=date(2025, 1, 1))


def rules_and_lines(text: str) -> list[tuple[str, object]]:
    hits = text_hits(text, "f.py", MATCHER)
    return [(h.match.detector.rule.id, getattr(h.location, "start_line", None)) for h in hits]


def test_every_builtin_anchor_starts_with_a_literal() -> None:
    for detector in DETECTORS:
        for anchor in detector.scan_anchors():
            first = anchor.pattern[0]
            assert first not in _META, (detector.rule.id, anchor.pattern)
            assert first == first.lower() or not anchor.folded


def test_windows_keep_matches_on_lines_far_from_the_file_start() -> None:
    rng = st.seeded(21)
    token, key_id, secret = st.github(rng), st.aws_key_id(rng), st.aws_secret(rng)
    filler = "\n".join(f"x_{i} = tokenizer.keys()  # pass" for i in range(3000))
    text = f'{filler}\nT = "{token}"\n{filler}\na = "{key_id}"\nb = "{secret}"\n'
    assert rules_and_lines(text) == [("SEC007", 3001), ("SEC001", 6002), ("SEC002", 6003)]


def test_non_ascii_text_whose_lower_case_grows_still_matches_at_the_right_place() -> None:
    token = st.github(st.seeded(22))
    text = f'# İİİ\nT = "{token}"\npassword = "Xk9#mQ2pLw1z"\n'
    assert len(text.lower()) != len(text)
    assert rules_and_lines(text) == [("SEC007", 2), ("SEC026", 3)]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('db_password: str = "Xk9#mQ2p(Lw1z)"', [("SEC026", 1)]),
        ('API_KEY: Final[str] = "aB3$dE5^gH7&"', [("SEC026", 1)]),
        ('password = "p@ss,w(rd);Q9z"', [("SEC026", 1)]),
        ("secret_token: Optional[str] = None", []),
        ("token_ids = tokenizer(texts, padding=True)", []),
        ("password: str", []),
    ],
)
def test_generic_rule_reads_annotations_and_punctuation(
    line: str, expected: list[tuple[str, int]]
) -> None:
    assert rules_and_lines(line + "\n") == expected


def test_gitignore_rules_anchor_negate_and_match_directories() -> None:
    rules = parse_rules("# c\n*.log\n!keep.log\n/build\ncache/\nsub/*.tmp\n", "")
    assert [(r.pattern, r.negated, r.directory_only, r.anchored) for r in rules] == [
        ("*.log", False, False, False),
        ("keep.log", True, False, False),
        ("build", False, False, True),
        ("cache", False, True, False),
        ("sub/*.tmp", False, False, True),
    ]


def test_gitignore_last_match_wins_and_nested_files_apply_below_them(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("*.log\n!keep.log\n/build\ncache/\n")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / ".gitignore").write_text("*.py\n")
    ignore = GitIgnore(tmp_path)
    verdicts = {
        path: ignore.is_ignored(path)
        for path in (
            "a.log",
            "d/keep.log",
            "build/x.py",
            "src/build/x.py",
            "cache",
            "a/cache/x",
            "pkg/m.py",
            "m.py",
        )
    }
    assert verdicts == {
        "a.log": True, "d/keep.log": False, "build/x.py": True, "src/build/x.py": False,
        "cache": False, "a/cache/x": True, "pkg/m.py": True, "m.py": False,
    }  # fmt: skip


def test_ignored_files_are_not_scanned_unless_asked(tmp_path: Path) -> None:
    token = st.github(st.seeded(23))
    (tmp_path / ".gitignore").write_text("secrets.env\n")
    (tmp_path / "secrets.env").write_text(f"T={token}\n")
    (tmp_path / "app.py").write_text("x = 1\n")
    assert [j.display for j in select_jobs(ctx(tmp_path), SecretsConfig())] == [
        ".gitignore",
        "app.py",
    ]
    result = SecretsCheck().run(ctx(tmp_path), SecretsConfig(respect_gitignore=False))
    assert [(f.rule_id, f.location.path) for f in result.findings] == [("SEC007", "secrets.env")]


def test_batches_pack_consecutive_files_up_to_a_size() -> None:
    jobs = [Job(Path(str(i)), str(i), size) for i, size in enumerate([50, 10, 30, 20, 90, 5])]
    batches = list(batched(iter(jobs), 60))
    assert [[j.size for j in b] for b in batches] == [[50, 10], [30, 20], [90], [5]]
    assert list(batched(iter(()), 60)) == []


def test_process_pool_finds_what_one_process_finds(tmp_path: Path) -> None:
    planted = write_source_tree(tmp_path, 0.6, plant_every=7)
    jobs = select_jobs(ctx(tmp_path), SecretsConfig())
    build = functools.partial(catalogue, ())

    def plan(workers: int) -> ScanPlan:
        return ScanPlan(
            build_matcher=build,
            max_text_bytes=1 << 26,
            workers=workers,
            min_parallel_bytes=0,
            batch_bytes=64 << 10,
        )

    def summary(workers: int) -> list[tuple[str | None, object]]:
        return [
            (h.location.path, h.location) for s in scan_all(jobs, plan(workers)) for h in s.hits
        ]

    serial = summary(1)
    assert len(serial) == planted and summary(2) == serial


def test_binary_named_as_text_goes_to_the_string_extractor(tmp_path: Path) -> None:
    token = st.sendgrid(st.seeded(24))
    (tmp_path / "weights.json").write_bytes(bytes(64) + token.encode() + bytes(64))
    result = SecretsCheck().run(ctx(tmp_path), SecretsConfig())
    assert [(f.rule_id, type(f.location).__name__) for f in result.findings] == [
        ("SEC014", "ArtifactLocation")
    ]
    assert re.fullmatch(
        r"SG\.[\w-]… \(69 chars, id [0-9a-f]{8}\)", result.findings[0].evidence or ""
    )
