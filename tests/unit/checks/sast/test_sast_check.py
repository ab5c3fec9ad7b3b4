from __future__ import annotations

from datetime import date
from pathlib import Path

from mlgate.checks.sast import SastCheck, SastConfig
from mlgate.core.check import CheckContext
from mlgate.core.plugins import check_registry


def _context(root: Path) -> CheckContext:
    return CheckContext(root=root, gate="pre-merge", today=date(2026, 1, 1))


def test_check_scans_python_files_of_the_tree(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "views.py").write_text(
        "import os\nfrom flask import request\ndef view():\n    os.system(request.args['c'])\n"
    )
    (tmp_path / "pkg" / "broken.py").write_text("def (:\n")
    (tmp_path / "notes.txt").write_text("os.system(x)\n")
    result = SastCheck().run(_context(tmp_path), SastConfig())
    assert result.inputs == 2
    assert [(f.rule_id, f.location.path) for f in result.findings] == [
        ("SAST000", "pkg/broken.py"),
        ("SAST078", "pkg/views.py"),
    ]


def test_oversized_files_are_skipped_visibly_and_block(tmp_path: Path) -> None:
    (tmp_path / "big.py").write_text("x = 1\n" * 100)
    result = SastCheck().run(_context(tmp_path), SastConfig(max_file_bytes=50))
    assert result.inputs == 0
    assert [(s.path, s.reason) for s in result.skipped] == [
        ("big.py", "600 bytes exceeds max_file_bytes=50")
    ]
    assert [(f.rule_id, f.location.path, f.tags) for f in result.findings] == [
        ("SAST002", "big.py", ("sast", "fail-closed"))
    ]


def test_check_is_registered_through_its_entry_point() -> None:
    assert check_registry().load("sast") is SastCheck
