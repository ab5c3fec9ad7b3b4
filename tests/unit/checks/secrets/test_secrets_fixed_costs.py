"""The fixed costs cut for speed keep results: the walk's sizes and the RE2 set's sentinel."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from builders import secrets_tokens as st
from mlgate.checks.secrets.check import catalogue
from mlgate.checks.secrets.scan import scan_file

MATCHER = catalogue(())
_LIMIT = 64 << 20


def _secrets(path: Path, size: int | None) -> list[str]:
    scan = scan_file(path, path.name, MATCHER, _LIMIT, size)
    assert scan.problems == ()
    return [hit.match.secret for hit in scan.hits]


def test_a_stale_size_from_the_walk_never_hides_what_the_file_holds(tmp_path: Path) -> None:
    token = st.github(st.seeded(1))
    path = tmp_path / "grown.py"
    # Grown past the memory-mapping threshold since the walk sized it small.
    path.write_text("x = 1\n" * 200_000 + f'TOKEN = "{token}"\n')
    assert _secrets(path, 6) == [token]
    # Said large, and now empty: nothing to map, nothing found, no error.
    path.write_bytes(b"")
    assert _secrets(path, 2 << 20) == []


def test_a_missing_file_is_a_problem_with_or_without_a_size(tmp_path: Path) -> None:
    for size in (None, 10, 2 << 20):
        scan = scan_file(tmp_path / "gone.py", "gone.py", MATCHER, _LIMIT, size)
        assert scan.hits == () and len(scan.problems) == 1


@pytest.mark.parametrize(
    "text",
    ["", "\n", "plain words only", "\x00\x01\x7f" * 100, "model = load()\nhf_", "x token="],
)
def test_the_set_answers_for_every_text_even_with_an_anchor_at_its_end(text: str) -> None:
    prefilter = MATCHER.prefilter
    assert prefilter.is_active
    # The sentinel matches the end of every text: always an answer, never "search all".
    present = prefilter.present(text)
    assert present is not None
    expected = {
        index
        for index, anchor in enumerate(prefilter.anchors)
        if re.search(anchor.pattern, text.lower() if anchor.folded else text)
    }
    assert expected <= present
