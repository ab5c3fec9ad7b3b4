"""SARIF artifact locations to root-relative paths, and bounded reading of flagged lines."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest

from builders.sarif import sarif_log, write_source
from mlgate.checks.sarif.locations import MAX_SOURCE_BYTES, LocationResolver, SourceLines
from mlgate.checks.sarif.reader import to_log
from mlgate.checks.sarif.records import PhysicalLocation, Region, UriRef


def _resolver(
    root: Path, bases: dict[str, Any] | None = None, artifacts: Any = None
) -> LocationResolver:
    run: dict[str, Any] = {"tool": {"driver": {"name": "T"}}}
    if bases is not None:
        run["originalUriBaseIds"] = bases
    if artifacts is not None:
        run["artifacts"] = artifacts
    parsed = to_log(sarif_log(run)).runs[0]
    return LocationResolver(root=root, run=parsed, fallback_path="scan/t.sarif")


@pytest.mark.parametrize(
    ("uri", "base", "expected"),
    [
        ("app/x.py", None, "app/x.py"),
        ("./app/../app/x.py", None, "app/x.py"),
        ("app/x.py", "%SRCROOT%", "app/x.py"),  # undefined base: relative to the root
        ("my%20dir/a%2Bb.py", None, "my dir/a+b.py"),
        ("x.py", "SRC", "src/x.py"),
        ("x.py", "LOOP", "x.py"),  # a cyclic base chain stops instead of spinning
        ("https://example.test/a.py", None, "https://example.test/a.py"),
        ("file:///elsewhere/a.py", None, "/elsewhere/a.py"),
        ("file:///C:/proj/a.py", None, "C:/proj/a.py"),
        ("C:\\proj\\a.py", None, "C:/proj/a.py"),
        ("file://server/share/a.py", None, "//server/share/a.py"),
        ("", None, "scan/t.sarif"),
    ],
)
def test_paths(tmp_path: Path, uri: str, base: str | None, expected: str) -> None:
    bases = {
        "SRC": {"uri": "src/", "uriBaseId": "ROOT"},
        "ROOT": {"uri": tmp_path.as_uri() + "/"},
        "LOOP": {"uri": "a/", "uriBaseId": "LOOP2"},
        "LOOP2": {"uri": "b/", "uriBaseId": "LOOP"},
    }
    resolver = _resolver(tmp_path, bases)
    assert resolver.path(UriRef(uri=uri or None, base_id=base)) == expected


def test_cyclic_base_chain_is_bounded(tmp_path: Path) -> None:
    resolver = _resolver(tmp_path, {"A": {"uri": "a/", "uriBaseId": "A"}})
    assert resolver.path(UriRef(uri="x.py", base_id="A")) == "x.py"


def test_absolute_paths_inside_the_root_become_relative(tmp_path: Path) -> None:
    resolver = _resolver(tmp_path)
    inside = (tmp_path / "pkg" / "m.py").as_uri()
    assert resolver.path(UriRef(uri=inside)) == "pkg/m.py"
    assert resolver.path(UriRef(uri=(tmp_path / "pkg" / "m.py").as_posix())) == "pkg/m.py"


def test_artifact_index_references_run_artifacts(tmp_path: Path) -> None:
    artifacts = [{"location": {"uri": "one.py"}}, "junk", {"location": {"uri": "three.py"}}]
    resolver = _resolver(tmp_path, artifacts=artifacts)
    assert resolver.path(UriRef(index=2)) == "three.py"
    assert resolver.path(UriRef(index=1)) == "scan/t.sarif"
    assert resolver.path(UriRef(index=50)) == "scan/t.sarif"


def test_source_location_keeps_the_region(tmp_path: Path) -> None:
    region = Region(start_line=3, start_column=2, end_line=4, end_column=9)
    physical = PhysicalLocation(artifact=UriRef(uri="a.py"), region=region)
    location = _resolver(tmp_path).source(physical, "snip")
    assert (location.path, location.start_line, location.start_column) == ("a.py", 3, 2)
    assert (location.end_line, location.end_column, location.snippet) == (4, 9, "snip")
    assert _resolver(tmp_path).source(None, None).path == "scan/t.sarif"


def test_source_lines_reads_small_files_inside_the_root(tmp_path: Path) -> None:
    write_source(tmp_path, "a/b.py", ["one", "two", "three"])
    lines = SourceLines(tmp_path)
    assert lines.line("a/b.py", 2) == "two"
    assert lines.line("a/b.py", 4) is None
    assert lines.line("a/b.py", None) is None
    assert lines.line("missing.py", 1) is None


def test_source_lines_never_leave_the_root(tmp_path: Path) -> None:
    root = tmp_path / "root"
    write_source(tmp_path, "secret.txt", ["outside"])
    write_source(root, "ok.py", ["inside"])
    (root / "link.py").symlink_to(tmp_path / "secret.txt")
    lines = SourceLines(root)
    for path in ("../secret.txt", str(tmp_path / "secret.txt"), "link.py", "..", "C:/x"):
        assert lines.line(path, 1) is None
    assert lines.line("ok.py", 1) == "inside"


def test_source_lines_skip_large_files(tmp_path: Path) -> None:
    (tmp_path / "big.py").write_bytes(b"x\n" * (MAX_SOURCE_BYTES // 2 + 1))
    assert SourceLines(tmp_path).line("big.py", 1) is None


@pytest.mark.skipif(sys.platform == "win32", reason="FIFOs are POSIX")
def test_source_lines_never_open_a_fifo(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.py")
    assert SourceLines(tmp_path).line("pipe.py", 1) is None
