"""PEP 695 type parameter lists split over several lines parse with exact line numbers."""

from __future__ import annotations

import ast

from hypothesis import given, settings
from hypothesis import strategies as st

from mlgate.checks.sast.engine import SourceFile, scan_sources
from mlgate.checks.sast.parse import Parsed, StdlibParser

# Separators allowed between the tokens of a bracketed list: any run of blanks, line
# breaks and comments (inside brackets the tokenizer joins physical lines).
_GAP = st.lists(
    st.sampled_from([" ", "\n", "  # note [x]\n", "\r\n", "\t"]), min_size=0, max_size=3
).map("".join)
_PARAM = st.sampled_from(["T", "U: int", "V: (int,\n str)", "*Ts", "**P", "K: dict[str, int]"])


@st.composite
def _type_param_list(draw: st.DrawFn) -> str:
    params = draw(st.lists(_PARAM, min_size=1, max_size=4, unique=True))
    parts = [draw(_GAP) + param + draw(_GAP) for param in params]
    trailing = "," + draw(_GAP) if draw(st.booleans()) else ""
    return "[" + ",".join(parts) + trailing + "]"


_HEADS = {
    "class": "class Multi{params}(Base):\n    inside = marker\n",
    "def": "def f{params}(a: int) -> int:\n    return marker\n",
    "type": "type Alias{params} = list[marker]\n",
}


def _parse(code: str) -> Parsed:
    result = StdlibParser().parse(code.encode(), "x.py")
    assert isinstance(result, Parsed), result
    return result


def _lines_of(tree: ast.Module, name: str) -> list[int]:
    return sorted(n.lineno for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == name)


@settings(max_examples=150, deadline=None)
@given(kind=st.sampled_from(sorted(_HEADS)), params=_type_param_list(), indent=st.booleans())
def test_any_split_type_parameter_list_parses_with_true_lines(
    kind: str, params: str, indent: bool
) -> None:
    head = _HEADS[kind].format(params=params)
    if indent:
        head = "class Outer:\n" + "".join("    " + line for line in head.splitlines(True))
    code = "before = 1\n" + head + "after = tail\n"
    tree = _parse(code).tree
    lines = code.splitlines()
    marker_line = next(i for i, text in enumerate(lines, 1) if "marker" in text)
    assert _lines_of(tree, "marker") == [marker_line]
    assert _lines_of(tree, "tail") == [len(lines)]


def test_examples_from_the_audit() -> None:
    code = (
        "class Multi[\n    T,\n]:\n    pass\n"
        "def f[\n T\n](x: T) -> T:\n    return x\n"
        "type X[\n T\n] = list[T]\n"
        "last = value\n"
    )
    tree = _parse(code).tree
    assert _lines_of(tree, "value") == [12]
    names = [n.name for n in tree.body if isinstance(n, ast.ClassDef | ast.FunctionDef)]
    assert names == ["Multi", "f"]


def test_flow_below_a_split_type_parameter_list_is_found() -> None:
    code = (
        "import os\nfrom flask import request\n\n"
        "def run[\n    T: str,\n](value: T) -> None:\n"
        "    os.system(request.args['cmd'])\n"
    )
    findings = scan_sources([SourceFile(path="app.py", data=code.encode())])
    assert all(f.rule_id != "SAST000" for f in findings)
    assert any(getattr(f.location, "start_line", None) == 7 for f in findings)
