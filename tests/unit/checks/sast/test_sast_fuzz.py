"""Arbitrary source text never crashes the engine beyond a parse-error finding."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlgate.checks.sast.engine import SourceFile, scan_sources
from mlgate.checks.sast.parse import Parsed, ParseFailure, StdlibParser
from mlgate.checks.sast.rules.catalog import ALL_RULES

_KNOWN_RULES = {rule.id for rule in ALL_RULES}
_FRAGMENTS = st.sampled_from(
    [
        "def f(request):\n",
        "    ",
        "x = request.GET['a']\n",
        "os.system(x)\n",
        "f'{x}'",
        'f"{d["k"]}"',
        "if ",
        "else:\n",
        "for i in x:\n",
        "return x\n",
        "match x:\n",
        "case 1:\n",
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        ":",
        "\n",
        "'",
        '"',
        "\\",
        "#",
        "type T = int\n",
        "except A, B:\n",
        "try:\n",
        "lambda: 0",
        "async ",
        "await ",
        "yield ",
        "x += 1\n",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_FRAGMENTS, max_size=40).map("".join))
def test_python_like_text_never_crashes(text: str) -> None:
    findings = scan_sources([SourceFile(path="fuzz.py", data=text.encode())])
    assert {f.rule_id for f in findings} <= _KNOWN_RULES


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_parse_or_fail_cleanly(data: bytes) -> None:
    result = StdlibParser().parse(data, "fuzz.py")
    assert isinstance(result, Parsed | ParseFailure)
    findings = scan_sources([SourceFile(path="fuzz.py", data=data)])
    assert {f.rule_id for f in findings} <= _KNOWN_RULES
