"""Per-file result cache: a warm run equals a cold one and re-analyses only what changed."""

from __future__ import annotations

import json
import textwrap
from datetime import date
from pathlib import Path

import pytest

from mlgate.checks.sast import SastCheck, SastConfig
from mlgate.checks.sast.cache import DirectoryCache, MemoryCache, engine_version, entry_key
from mlgate.checks.sast.engine import SourceFile, scan_sources
from mlgate.checks.sast.parse import Parsed, ParseFailure, StdlibParser
from mlgate.checks.sast.rules import default_rules
from mlgate.core.check import CheckContext
from mlgate.core.finding import Finding, location_line

VIEWS = """
    from flask import Flask, request
    from app.db import lookup
    app = Flask(__name__)
    @app.route("/a")
    def a():
        return {"r": lookup(request.args["q"])}
"""
DB = """
    import sqlite3
    from app.text import shout
    def lookup(name):
        return sqlite3.connect("x").execute(shout(name))
"""
TEXT = "def shout(text):\n    return text.upper() + '!'\n"
OTHER = "import os\ndef unrelated():\n    return os.getcwd()\n"
FILES = {"app/views.py": VIEWS, "app/db.py": DB, "app/text.py": TEXT, "app/other.py": OTHER}


class _CountingParser:
    """The stdlib parser, recording which paths it parses."""

    def __init__(self) -> None:
        self.inner = StdlibParser()
        self.parsed: list[str] = []

    def parse(self, data: bytes, filename: str) -> Parsed | ParseFailure:
        self.parsed.append(filename)
        return self.inner.parse(data, filename)


def _sources(files: dict[str, str]) -> list[SourceFile]:
    return [
        SourceFile(path=p, data=textwrap.dedent(c).lstrip("\n").encode()) for p, c in files.items()
    ]


def _run(
    files: dict[str, str], cache: MemoryCache | None = None
) -> tuple[tuple[Finding, ...], list[str]]:
    parser = _CountingParser()
    found = scan_sources(_sources(files), parser=parser, cache=cache, cache_lines=0)
    return found, sorted(set(parser.parsed))


def _hits(found: tuple[Finding, ...]) -> list[tuple[str, str, int]]:
    return [(f.rule_id, f.location.path or "", location_line(f.location) or 0) for f in found]


def test_warm_run_equals_cold_and_parses_nothing() -> None:
    cache = MemoryCache()
    cold, _ = _run(FILES, cache)
    warm, parsed = _run(FILES, cache)
    assert _hits(cold) == [("SAST089", "app/db.py", 4)]
    assert warm == cold
    assert parsed == []


def test_unrelated_change_reanalyses_only_that_module() -> None:
    cache = MemoryCache()
    _run(FILES, cache)
    edited = {**FILES, "app/other.py": OTHER + "VALUE = 1\n"}
    warm, parsed = _run(edited, cache)
    assert warm == _run(edited)[0]
    assert parsed == ["app/other.py"]


def test_callee_edit_reanalyses_importers_but_not_callers_of_unchanged_summaries() -> None:
    cache = MemoryCache()
    _run(FILES, cache)
    # Lines move inside shout: db imports text, so it is analysed again; lookup's
    # summary stays the same, so views (which only calls lookup) is reused.
    edited = {**FILES, "app/text.py": "# moved\n\n" + TEXT}
    warm, parsed = _run(edited, cache)
    assert warm == _run(edited)[0]
    assert parsed == ["app/db.py", "app/text.py"]


def test_fix_in_callee_reaches_callers_two_modules_away() -> None:
    cache = MemoryCache()
    _run(FILES, cache)
    # shout now returns a constant: lookup's summary loses its sink, so views (which
    # does not import text) is analysed again too, and the finding is gone.
    fixed = {**FILES, "app/text.py": "def shout(text):\n    return 'CONSTANT'\n"}
    warm, parsed = _run(fixed, cache)
    assert warm == _run(fixed)[0] == ()
    assert parsed == ["app/db.py", "app/text.py", "app/views.py"]


def test_reverting_a_dependency_does_not_reuse_results_computed_against_the_edit() -> None:
    # Regression: results of db (same bytes) were saved while text was edited; after
    # the revert they must not be reused, or the flow shows the edited lines.
    cache = MemoryCache()
    _run(FILES, cache)
    _run({**FILES, "app/text.py": "# moved\n\n" + TEXT}, cache)
    reverted, parsed = _run(FILES, cache)
    assert reverted == _run(FILES)[0]
    assert parsed == ["app/db.py"]


def test_removed_function_makes_its_callers_dirty() -> None:
    cache = MemoryCache()
    _run(FILES, cache)
    renamed = {**FILES, "app/db.py": DB.replace("def lookup", "def find")}
    warm, parsed = _run(renamed, cache)
    assert warm == _run(renamed)[0]
    assert "app/views.py" in parsed


def test_new_module_that_changes_import_resolution_is_seen() -> None:
    files = {
        "app/views.py": VIEWS.replace("from app.db import lookup", "from db import lookup"),
        "app/db.py": DB,
        "app/text.py": TEXT,
    }
    cache = MemoryCache()
    assert _hits(_run(files, cache)[0]) == [("SAST089", "app/db.py", 4)]
    # ``db`` now names two modules: the import no longer resolves, as in a cold run.
    added = {**files, "lib/db.py": "def lookup(name):\n    return name\n"}
    warm, _ = _run(added, cache)
    assert warm == _run(added)[0]


def test_rule_change_starts_a_new_cache() -> None:
    assert engine_version(default_rules()) != engine_version(default_rules(frozenset({"env"})))
    cache = MemoryCache()
    scan_sources(_sources(FILES), cache=cache)
    parser = _CountingParser()
    scan_sources(
        _sources(FILES), cache=cache, parser=parser, rules=default_rules(frozenset({"env"}))
    )
    assert sorted(set(parser.parsed)) == sorted(FILES)


def test_malformed_entry_is_a_miss() -> None:
    cache = MemoryCache()
    cold, _ = _run(FILES, cache)
    for key in cache.entries:
        cache.entries[key] = json.dumps({"index": {"name": 1}})
    warm, parsed = _run(FILES, cache)
    assert warm == cold
    assert parsed == sorted(FILES)


def test_directory_cache_round_trip_and_old_versions_pruned(tmp_path: Path) -> None:
    (tmp_path / "0123456789abcdef" / "aa").mkdir(parents=True)
    (tmp_path / "keep-me").mkdir()
    cold = scan_sources(_sources(FILES), cache=DirectoryCache(tmp_path, "fedcba9876543210"))
    parser = _CountingParser()
    warm = scan_sources(
        _sources(FILES), cache=DirectoryCache(tmp_path, "fedcba9876543210"), parser=parser
    )
    assert warm == cold
    assert parser.parsed == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fedcba9876543210", "keep-me"]
    assert len(list((tmp_path / "fedcba9876543210").rglob("*.json"))) == len(FILES)


def _context(root: Path) -> CheckContext:
    return CheckContext(root=root, gate="pre-merge", today=date(2026, 1, 1))


def test_check_caches_under_the_project_root_when_enabled(tmp_path: Path) -> None:
    for path, code in FILES.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(textwrap.dedent(code).lstrip("\n"))
    first = SastCheck().run(_context(tmp_path), SastConfig(cache=True))
    second = SastCheck().run(_context(tmp_path), SastConfig(cache=True))
    assert first == second
    assert len(list((tmp_path / ".mlgate-cache" / "sast").rglob("*.json"))) == len(FILES)
    # Off by default: forged entries committed in a pull request must not hide findings.
    off = tmp_path / "off"
    off.mkdir()
    (off / "a.py").write_text("x = 1\n")
    SastCheck().run(_context(off), SastConfig())
    assert not (off / ".mlgate-cache").exists()


@pytest.mark.parametrize("cache_dir", ["../outside", "/abs/path"])
def test_cache_dir_must_stay_inside_the_project(cache_dir: str) -> None:
    with pytest.raises(ValueError, match="cache_dir"):
        SastConfig(cache_dir=cache_dir)


CORPUS = Path(__file__).resolve().parents[4] / "tests" / "corpus" / "sast"
PROJECT_CASES = sorted(p for p in CORPUS.glob("*/*") if p.is_dir())


@pytest.mark.parametrize("case", PROJECT_CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_corpus_projects_warm_and_after_each_one_file_edit_equal_cold(case: Path) -> None:
    files = {
        p.relative_to(case).as_posix().removesuffix(".txt"): p.read_text()
        for p in sorted(case.rglob("*.py.txt"))
    }
    cache = MemoryCache()
    cold, _ = _run(files, cache)
    assert _run(files, cache)[0] == cold
    for path in files:
        edited = {**files, path: "\n# edited\n" + files[path]}
        assert _run(edited, cache)[0] == _run(edited)[0], path


VERSION = "fedcba9876543210"
CLEAN_FILES = {**FILES, "app/views.py": VIEWS.replace('request.args["q"]', '"constant"')}


def _forge(directory: Path, secret: bytes | None, attacker: bytes | None) -> tuple[Finding, ...]:
    """Plant entries of a clean project under the keys of the vulnerable one; scan."""
    scan_sources(_sources(CLEAN_FILES), cache=DirectoryCache(directory, VERSION, secret=attacker))
    for clean, dirty in zip(_sources(CLEAN_FILES), _sources(FILES), strict=True):
        source = directory / VERSION / _entry_path(clean)
        target = directory / VERSION / _entry_path(dirty)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes())
    return scan_sources(_sources(FILES), cache=DirectoryCache(directory, VERSION, secret=secret))


def _entry_path(file: SourceFile) -> str:
    # The address hashes the engine version of the rules, not the directory's name.
    key = entry_key(engine_version(default_rules()), file.path, file.data)
    return f"{key[:2]}/{key}.json"


def test_forged_entries_hide_findings_unless_entries_are_authenticated(tmp_path: Path) -> None:
    cold = scan_sources(_sources(FILES))
    assert [f.rule_id for f in cold] == ["SAST089"]
    # The threat the default guards against: a writable cache hides the flaw.
    assert _forge(tmp_path / "plain", None, None) == ()
    # With a key, entries tagged without it (or with another key) are misses.
    assert _forge(tmp_path / "keyed", b"ci-secret", None) == cold
    assert _forge(tmp_path / "other", b"ci-secret", b"guessed") == cold


def test_authenticated_cache_round_trip(tmp_path: Path) -> None:
    cold = scan_sources(_sources(FILES), cache=DirectoryCache(tmp_path, VERSION, secret=b"k"))
    parser = _CountingParser()
    warm = scan_sources(
        _sources(FILES), cache=DirectoryCache(tmp_path, VERSION, secret=b"k"), parser=parser
    )
    assert (warm, parser.parsed) == (cold, [])


def _write_project(root: Path) -> None:
    for path, code in FILES.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(textwrap.dedent(code).lstrip("\n"))


def test_cache_dir_outside_the_checkout_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project, ci_cache = tmp_path / "checkout", tmp_path / "ci-cache"
    _write_project(project)
    monkeypatch.setenv("MLGATE_CACHE_DIR", str(ci_cache))
    monkeypatch.delenv("MLGATE_CACHE_KEY", raising=False)
    first = SastCheck().run(_context(project), SastConfig())
    assert len(list((ci_cache / "sast").rglob("*.json"))) == len(FILES)
    assert SastCheck().run(_context(project), SastConfig()) == first
    assert not (project / ".mlgate-cache").exists()


def test_environment_cache_dir_inside_the_checkout_needs_a_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write_project(tmp_path)
    monkeypatch.setenv("MLGATE_CACHE_DIR", str(tmp_path / "inside"))
    monkeypatch.delenv("MLGATE_CACHE_KEY", raising=False)
    SastCheck().run(_context(tmp_path), SastConfig())
    assert not (tmp_path / "inside").exists()
    monkeypatch.setenv("MLGATE_CACHE_KEY", "from-a-ci-secret")
    SastCheck().run(_context(tmp_path), SastConfig())
    entries = list((tmp_path / "inside" / "sast").rglob("*.json"))
    assert len(entries) == len(FILES)
    assert all(len(e.read_text().partition("\n")[0]) == 64 for e in entries)
