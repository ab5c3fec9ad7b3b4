from __future__ import annotations

from hypothesis import given, settings

from builders.verdicts import many_findings_verdict, realistic_verdict, verdicts, warn_mode_verdict
from mlgate.core.verdict import Verdict
from mlgate.reporters.github import (
    Annotation,
    GithubAnnotationsReporter,
    escape_data,
    escape_property,
    format_annotation,
)


def _lines(verdict: Verdict) -> list[str]:
    return GithubAnnotationsReporter().render(verdict).decode("utf-8").splitlines()


def test_escaping_follows_the_runner_rules() -> None:
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_data("%0A::error::x") == "%250A::error::x"
    assert escape_property("a,b:c%\n") == "a%2Cb%3Ac%25%0A"
    assert escape_data("\x1b[31m") == "\\x1b[31m"


def test_format_with_and_without_file() -> None:
    located = Annotation(
        command="error", message="m", title="t:1", file="a,b.py", line=3, col=2, end_line=4
    )
    assert (
        format_annotation(located) == "::error file=a%2Cb.py,line=3,col=2,endLine=4,title=t%3A1::m"
    )
    assert format_annotation(Annotation(command="notice", message="x", title="")) == (
        "::notice title=::x"
    )


def test_realistic_annotations_most_serious_first() -> None:
    lines = _lines(realistic_verdict())
    assert (
        lines[0]
        == "::error title=mlgate check secrets failed (gate pre-merge)::timed out after 600 s"
    )
    assert lines[1].startswith(
        "::error title=metric auc fails (gate post-train)::auc = 0.81 (95%25 CI"
    )
    assert lines[2].startswith("::error file=models/model.pkl,title=ART001 pickle-global-os-system")
    assert lines[3] == (
        "::error file=app/db.py,line=42,col=9,endLine=42,endColumn=61,"
        "title=PY001 sql-injection (critical%2C gate pre-merge)::"
        "SQL query built from request data reaches cursor.execute%0Aat app/db.py:42%0A"
        "Fix: Pass user input as query parameters (cursor.execute(sql, params)).%0A"
        "Or waive: rule PY001, fingerprint 5f1c0c9a2b7e4d3a8e6f1b2c3d4e5f60"
    )
    assert [line.split(" ")[0] for line in lines[4:]] == ["::warning", "::warning"]
    # Waived and baselined findings are accepted risk: no annotation.
    assert not any("PY002" in line or "PY003" in line for line in lines)


def test_warn_mode_blocks_are_warnings() -> None:
    lines = _lines(warn_mode_verdict())
    assert lines[0].startswith("::warning file=app/db.py,line=42")
    assert not any(line.startswith("::error") for line in lines)


def test_at_most_ten_errors_then_one_notice() -> None:
    lines = _lines(many_findings_verdict(25))
    assert [line.split(" ")[0] for line in lines] == ["::error"] * 10 + ["::notice"]
    assert (
        lines[-1]
        == "::notice title=mlgate::15 more findings in the report (GitHub shows 10 per level)"
    )


@settings(max_examples=60, deadline=None)
@given(verdicts)
def test_every_line_is_one_well_formed_command(verdict: Verdict) -> None:
    data = GithubAnnotationsReporter().render(verdict).decode("utf-8")
    # The runner reads commands line by line, split on LF only.
    lines = data.split("\n")[:-1]
    assert data == "".join(f"{line}\n" for line in lines)
    kinds = [line.split(" ")[0].split("::")[1] for line in lines]
    assert all(kind in ("error", "warning", "notice") for kind in kinds)
    assert kinds.count("error") <= 10
    assert kinds.count("warning") <= 10
    for line in lines:
        assert "\r" not in line
        properties = line[2:].split("::")[0]
        # a property value never holds a raw separator that could end it early
        for pair in properties.split(" ", 1)[1].split(",") if " " in properties else []:
            assert pair.split("=", 1)[0] in ("file", "line", "col", "endLine", "endColumn", "title")
