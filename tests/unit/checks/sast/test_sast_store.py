"""Bounded memory: modules are parsed on demand and analysed in dependency order."""

from __future__ import annotations

import textwrap

import pytest

from mlgate.checks.sast.engine import scan_sources
from mlgate.checks.sast.parse import Parsed, ParseFailure, StdlibParser
from mlgate.checks.sast.project import Project
from mlgate.checks.sast.store import ModuleStore, SourceFile
from mlgate.core.finding import location_line

FILES = {
    "app/views.py": """
        from flask import Flask, request
        from app.db import lookup
        app = Flask(__name__)
        @app.route("/a")
        def a():
            return {"r": lookup(request.args["q"])}
    """,
    "app/db.py": """
        import sqlite3
        from app.text import shout
        def lookup(name):
            return sqlite3.connect("x").execute(shout(name))
    """,
    "app/text.py": "def shout(text):\n    return text.upper() + '!'\n",
}


def _sources() -> list[SourceFile]:
    return [
        SourceFile(path=p, data=textwrap.dedent(c).lstrip("\n").encode()) for p, c in FILES.items()
    ]


class _CountingParser:
    """The stdlib parser, counting how often each path is parsed."""

    def __init__(self) -> None:
        self.inner = StdlibParser()
        self.calls: dict[str, int] = {}

    def parse(self, data: bytes, filename: str) -> Parsed | ParseFailure:
        self.calls[filename] = self.calls.get(filename, 0) + 1
        return self.inner.parse(data, filename)


@pytest.mark.parametrize("cache_lines", [0, 1_000])
def test_same_findings_with_or_without_cached_trees(cache_lines: int) -> None:
    found = scan_sources(_sources(), cache_lines=cache_lines)
    assert [(f.rule_id, f.location.path, location_line(f.location)) for f in found] == [
        ("SAST089", "app/db.py", 4)
    ]


def test_small_project_is_parsed_once_large_one_twice() -> None:
    small, large = _CountingParser(), _CountingParser()
    scan_sources(_sources(), parser=small, cache_lines=1_000)
    scan_sources(_sources(), parser=large, cache_lines=5)
    assert set(small.calls.values()) == {1}
    assert set(large.calls.values()) == {2}


def test_dependency_order_puts_imported_modules_first() -> None:
    store = ModuleStore(StdlibParser(), max_lines=0)
    project = Project()
    for file in _sources():
        facts = store.add(file)
        assert not isinstance(facts, ParseFailure)
        project.add(facts.index())
    assert project.dependency_order() == ["app.text", "app.db", "app.views"]


def test_index_keeps_no_syntax_tree() -> None:
    store = ModuleStore(StdlibParser(), max_lines=0)
    facts = store.add(_sources()[1])
    assert not isinstance(facts, ParseFailure)
    index = facts.index()
    assert [s.qualname for s in index.functions] == ["app.db.<module>", "app.db.lookup"]
    assert index.functions[1].params[0].name == "name"
    assert not hasattr(index.functions[1], "node")
