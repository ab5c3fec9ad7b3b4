from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mlgate.core.finding import Finding, Severity, SourceLocation
from mlgate.core.fingerprint import disambiguate, fingerprint


def test_fingerprint_ignores_spacing_but_not_content() -> None:
    base = fingerprint("R1", "app.py", 'cursor.execute("SELECT " + name)')
    assert base == fingerprint("R1", "app.py", 'cursor.execute("SELECT "   +   name)')
    assert base == fingerprint("R1", "app.py", '   cursor.execute("SELECT " +\n name)  ')
    assert base != fingerprint("R1", "app.py", 'cursor.execute("SELECT " + other)')
    assert base != fingerprint("R2", "app.py", 'cursor.execute("SELECT " + name)')
    assert base != fingerprint("R1", "api.py", 'cursor.execute("SELECT " + name)')
    assert len(base) == 32


@given(st.lists(st.text(max_size=30), min_size=1, max_size=20), st.integers(0, 50))
def test_line_shifts_keep_fingerprints(lines: list[str], shift: int) -> None:
    # The same flagged content keeps its identity wherever it moves in the file.
    flagged = lines[0]
    before = fingerprint("R", "f.py", flagged)
    shifted = ["# new line"] * shift + lines
    assert fingerprint("R", "f.py", shifted[shift]) == before


def _finding(fp: str, line: int) -> Finding:
    return Finding(
        rule_id="R",
        severity=Severity.LOW,
        message="m",
        location=SourceLocation(path="f.py", start_line=line),
        fingerprint=fp,
    )


def test_disambiguate_numbers_repeats_in_order() -> None:
    result = disambiguate([_finding("a", 1), _finding("b", 2), _finding("a", 3), _finding("a", 9)])
    assert [f.fingerprint for f in result] == ["a", "b", "a:2", "a:3"]
