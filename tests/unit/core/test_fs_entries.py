"""The scandir walk selects, orders and sizes files exactly as an ``os.walk`` reading would."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from mlgate.core.fs import PRUNED_DIRECTORIES, iter_input_entries, iter_input_files


def _reference(root: Path) -> list[str]:
    """What the selection must be: os.walk order, regular non-symlink files, pruned dirs."""
    found = []
    for directory, subdirs, files in os.walk(root, followlinks=False):
        subdirs[:] = sorted(d for d in subdirs if d not in PRUNED_DIRECTORIES)
        for name in sorted(files):
            path = Path(directory) / name
            if not path.is_symlink() and path.is_file():
                found.append(path.relative_to(root).as_posix())
    return found


def _random_tree(root: Path, rng: random.Random) -> None:
    names = ["a", "B", "z", "m.py", "data", ".git", "node_modules", "é", "x-1", "x_1"]
    directories = [root]
    for _ in range(60):
        parent = rng.choice(directories)
        name = rng.choice(names) + rng.choice(["", "2", ".txt"])
        target = parent / name
        if target.exists():
            continue
        if rng.random() < 0.3:
            target.mkdir()
            directories.append(target)
        else:
            target.write_bytes(b"x" * rng.randrange(0, 300))


@pytest.mark.parametrize("seed", range(5))
def test_selection_and_order_match_an_os_walk_reading(tmp_path: Path, seed: int) -> None:
    _random_tree(tmp_path, random.Random(seed))  # noqa: S311  # a random tree shape, not a secret
    (tmp_path / "link").symlink_to(tmp_path / "a", target_is_directory=True)
    os.mkfifo(tmp_path / "pipe")
    entries = list(iter_input_entries(tmp_path, ["."], []))
    assert [e.relative for e in entries] == _reference(tmp_path)
    assert [e.path for e in entries] == list(iter_input_files(tmp_path, ["."], []))
    assert all(e.size == e.path.stat().st_size for e in entries)


def test_a_literal_directory_keeps_its_prefix_and_each_file_comes_once(tmp_path: Path) -> None:
    (tmp_path / "sub" / "deep").mkdir(parents=True)
    (tmp_path / "sub" / "deep" / "f.txt").write_bytes(b"12345")
    (tmp_path / "sub" / "g.txt").write_bytes(b"")
    entries = list(iter_input_entries(tmp_path, ["sub/", "sub/deep/f.txt", "**/*.txt"], []))
    assert [(e.relative, e.size) for e in entries] == [("sub/g.txt", 0), ("sub/deep/f.txt", 5)]


def test_an_unreadable_directory_is_skipped_not_fatal(tmp_path: Path) -> None:
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "x.txt").write_text("x")
    (tmp_path / "ok.txt").write_text("y")
    (tmp_path / "locked").chmod(0)
    try:
        names = [e.relative for e in iter_input_entries(tmp_path, ["."], [])]
    finally:
        (tmp_path / "locked").chmod(0o755)
    assert "ok.txt" in names
    assert names == _reference(tmp_path) or (os.geteuid() != 0 and names == ["ok.txt"])
