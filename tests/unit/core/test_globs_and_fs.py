from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mlgate.core.errors import UsageError
from mlgate.core.fs import iter_input_files, missing_literal_paths
from mlgate.core.globs import is_glob, matches


@pytest.mark.parametrize(
    ("path", "pattern", "expected"),
    [
        ("a/b/c.sarif", "*.sarif", True),  # a bare wildcard matches at any depth
        ("c.sarif", "*.sarif", True),
        ("a/b/c.sarif", "a/*.sarif", False),  # one star never crosses a slash
        ("a/b/c.sarif", "a/**/*.sarif", True),
        ("a/c.sarif", "a/**/*.sarif", True),  # ** also matches zero directories
        ("legacy/x/y.py", "legacy", True),  # a directory pattern covers what is below it
        ("legacy2/y.py", "legacy", False),
        ("src/app.py", "src/[ab]pp.py", True),
        ("src/cpp.py", "src/[!ab]pp.py", True),
        ("./src/app.py", "src/app.py", True),
        ("src/a.py", "src/?.py", True),
        ("src/ab.py", "src/?.py", False),
    ],
)
def test_glob_semantics(path: str, pattern: str, expected: bool) -> None:
    assert matches(path, pattern) is expected


def test_is_glob() -> None:
    assert is_glob("*.py") and is_glob("a/[b]") and not is_glob("src/app.py")


@given(st.text(max_size=40), st.text(max_size=40))
def test_matching_never_raises(path: str, pattern: str) -> None:
    assert matches(path, pattern) in (True, False)


def _tree(root: Path) -> None:
    for name in ("a.sarif", "sub/b.sarif", "sub/c.txt", ".git/d.sarif", "node_modules/e.sarif"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x")


def _names(root: Path, paths: list[str], exclude: list[str], include: list[str]) -> list[str]:
    return [p.relative_to(root).as_posix() for p in iter_input_files(root, paths, exclude, include)]


def test_walk_prunes_tool_directories_and_applies_include(tmp_path: Path) -> None:
    _tree(tmp_path)
    assert _names(tmp_path, ["."], [], ["*.sarif"]) == ["a.sarif", "sub/b.sarif"]
    assert _names(tmp_path, ["."], ["sub"], []) == ["a.sarif"]
    assert _names(tmp_path, ["**/*.sarif"], [], []) == ["a.sarif", "sub/b.sarif"]


def test_literal_file_is_taken_even_if_include_differs(tmp_path: Path) -> None:
    _tree(tmp_path)
    assert _names(tmp_path, ["sub/c.txt"], [], ["*.sarif"]) == ["sub/c.txt"]


def test_each_file_once(tmp_path: Path) -> None:
    _tree(tmp_path)
    assert _names(tmp_path, ["sub", "sub/b.sarif", "**/*.sarif"], [], []) == [
        "sub/b.sarif",
        "sub/c.txt",
        "a.sarif",
    ]


def test_symlinks_are_never_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.sarif").write_text("x")
    root = tmp_path / "root"
    root.mkdir()
    (root / "ok.sarif").write_text("x")
    (root / "linkdir").symlink_to(outside)
    (root / "link.sarif").symlink_to(outside / "secret.sarif")
    assert _names(root, ["."], [], []) == ["ok.sarif"]
    with pytest.raises(UsageError, match="symlink"):
        _names(root, ["link.sarif"], [], [])


def test_paths_outside_root_and_missing_paths_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="outside the project root"):
        list(iter_input_files(tmp_path, ["../elsewhere"], [], []))
    with pytest.raises(UsageError, match="does not exist"):
        list(iter_input_files(tmp_path, ["nope.sarif"], [], []))
    assert missing_literal_paths(tmp_path, ["nope", "*.x"]) == ["nope"]
