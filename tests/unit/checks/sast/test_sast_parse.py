from __future__ import annotations

import ast

from mlgate.checks.sast.fstrings import rewrite_fstrings
from mlgate.checks.sast.modern import rewrite_modern_syntax
from mlgate.checks.sast.parse import Parsed, ParseFailure, StdlibParser


def _parse(code: str) -> Parsed:
    result = StdlibParser().parse(code.encode(), "x.py")
    assert isinstance(result, Parsed)
    return result


def _name_lines(tree: ast.Module, name: str) -> list[int]:
    return sorted(n.lineno for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == name)


def test_plain_code_takes_the_fast_path() -> None:
    assert _parse("x = f'{a}'\n").rewritten is False


def test_pep701_nested_quotes_become_joined_strings() -> None:
    parsed = _parse('q = f"a {d["k"]} b {x!r:>{width}}"\n')
    assert parsed.rewritten is True
    joined = parsed.tree.body[0].value  # type: ignore[attr-defined]
    assert isinstance(joined, ast.JoinedStr)
    assert ast.unparse(joined) == "f\"a {d['k']} b {x}{width}\""


def test_multiline_fstring_keeps_every_line_number() -> None:
    code = 'first = 1\ns = f"""top\n{name\n # comment\n}\nend {other["k"]}"""\nafter = last\n'
    tree = _parse(code).tree
    assert _name_lines(tree, "name") == [3]
    assert _name_lines(tree, "other") == [6]
    assert _name_lines(tree, "last") == [7]


def test_debug_specifier_and_escaped_braces() -> None:
    assert rewrite_fstrings('f"{{x}} {y=}"') == "__mlgate_fstr__('{x} ', (y), )"


def test_tstring_is_marked_separately() -> None:
    tree = _parse('t"hi {name}" ; x = f"{a["b"]}"\n').tree
    call = tree.body[0].value  # type: ignore[attr-defined]
    assert isinstance(call, ast.Call)
    assert isinstance(call.func, ast.Name) and call.func.id == "__mlgate_tstr__"


def test_type_parameters_and_alias_are_removed() -> None:
    code = "type Pair[T] = tuple[T, T]\ndef first[T: int](p: Pair[T]) -> T:\n    return p[0]\n"
    code += "class Box[T](Base):\n    pass\n"
    assert rewrite_modern_syntax(code).splitlines() == [
        "Pair = tuple[T, T]",
        "def first(p: Pair[T]) -> T:",
        "    return p[0]",
        "class Box(Base):",
        "    pass",
    ]


def test_type_as_a_variable_name_is_untouched() -> None:
    assert rewrite_modern_syntax("type = 3\nprint(type(x))\n") == "type = 3\nprint(type(x))\n"


def test_pep758_except_without_parentheses() -> None:
    code = "try:\n    pass\nexcept ValueError, TypeError:\n    pass\n"
    assert "except (ValueError, TypeError):" in rewrite_modern_syntax(code)
    assert _parse(code).rewritten is True


def test_syntax_error_reports_the_original_position() -> None:
    result = StdlibParser().parse(b"x = 1\ndef broken(:\n", "x.py")
    assert result == ParseFailure(message="invalid syntax", line=2, column=12)


def test_hostile_inputs_are_failures_not_exceptions() -> None:
    parser = StdlibParser()
    assert isinstance(parser.parse(b"x = 1\x00\n", "x.py"), ParseFailure)
    assert isinstance(parser.parse(b"# coding: nope\nx = 1\n", "x.py"), ParseFailure)
    assert isinstance(parser.parse(b"\xff\xfe\xfa", "x.py"), ParseFailure)
    assert isinstance(parser.parse(b"(" * 500 + b")" * 500, "x.py"), ParseFailure)


def test_bom_and_latin1_cookie_decode() -> None:
    assert isinstance(StdlibParser().parse(b"\xef\xbb\xbfx = 1\n", "x.py"), Parsed)
    latin = "# -*- coding: latin-1 -*-\nname = 'caf\xe9'\n".encode("latin-1")
    assert isinstance(StdlibParser().parse(latin, "x.py"), Parsed)
