"""The bounded HCL reader: structure, literals, lines; hostile input stays bounded."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlgate.core.errors import ResourceLimitError
from mlgate.formats.hcl import HclExpression, HclLimits, HclSyntaxError, read_hcl, read_hcl_json

TERRAFORM = b"""\
# a comment
// another one
/* a block
   comment */
variable "rate" {
  default = 25
}
locals { stage = "prod" }
resource "aws_api_gateway_rest_api" "api" {
  name   = "churn-${var.env}"
  body   = jsonencode({ openapi = "3.0.1" })
  policy = <<-EOT
    { "Statement": [ } ]
    resource "fake" "x" {
  EOT
  tags = {
    team  = "ml"
    "a.b" = 1,
  }
  list  = [1, -1, -2.5, "x\\ty", [true, null]]
  cond  = var.x ? 1 : -2
  names = [for s in var.list : upper(s)]
  esc   = "$${literal}"
  byKey = {for k, v in var.m : k => v}
}
"""


def test_blocks_attributes_and_lines() -> None:
    root = read_hcl(TERRAFORM)
    variable, local_block, api = root.blocks
    assert (variable.type, variable.labels, variable.line) == ("variable", ("rate",), 5)
    assert variable.value("default") == 25
    assert local_block.value("stage") == "prod" and local_block.line == 8
    assert api.labels == ("aws_api_gateway_rest_api", "api") and api.line == 9
    lines = {a.name: a.line for a in api.attributes}
    assert lines == {
        "name": 10, "body": 11, "policy": 12, "tags": 16, "list": 20, "cond": 21,
        "names": 22, "esc": 23, "byKey": 24,
    }  # fmt: skip


def test_literals_and_opaque_expressions() -> None:
    api = read_hcl(TERRAFORM).blocks[2]
    assert api.value("name") == HclExpression('"churn-${var.env}"')
    assert api.value("body") == HclExpression('jsonencode({ openapi = "3.0.1" })')
    assert api.value("policy") == '{ "Statement": [ } ]\nresource "fake" "x" {\n'
    assert api.value("tags") == {"team": "ml", "a.b": 1}
    assert api.value("list") == [1, -1, -2.5, "x\ty", [True, None]]
    assert api.value("cond") == HclExpression("var.x ? 1 : -2")
    assert api.value("names") == HclExpression("[for s in var.list : upper(s)]")
    assert api.value("esc") == "${literal}"
    assert api.value("byKey") == HclExpression("{for k, v in var.m : k => v}")
    assert api.value("absent") is None and list(api.children("settings")) == []


def test_one_line_and_nested_blocks() -> None:
    root = read_hcl(b'resource "a" "b" {\n  settings { rate = 10 }\n  inner {\n    x = [\n'
                    b'      1,\n      2\n    ]\n  }\n}\n')  # fmt: skip
    resource = root.blocks[0]
    settings_block, inner = resource.blocks
    assert (settings_block.value("rate"), settings_block.line) == (10, 2)
    assert (inner.value("x"), inner.line) == ([1, 2], 3)


@pytest.mark.parametrize(
    "text",
    [
        b'a = "unterminated\n',
        b"a = <<EOF\nnever closed\n",
        b"a = <<\n",
        b"/* open comment",
        b"block {\n a = 1\n",
        b"}\n",
        b"a = (1\n",
        b"a = \x01\n",
        b'a = "${ x \n',
        b"\xff\xfe = 1\n",
        b'"label" {}\n',
    ],
)
def test_malformed_text_is_a_syntax_error(text: bytes) -> None:
    with pytest.raises(HclSyntaxError):
        read_hcl(text)


def test_budgets_bound_depth_tokens_and_bytes() -> None:
    with pytest.raises(ResourceLimitError):
        read_hcl(b"a " + b"{ b " * 100 + b"}" * 100, HclLimits(max_depth=64))
    with pytest.raises(ResourceLimitError):
        read_hcl(b"a = " + b"[" * 100 + b"]" * 100 + b"\n", HclLimits(max_depth=64))
    with pytest.raises(ResourceLimitError):
        read_hcl(b'a = "' + b'${"' * 100 + b'"}' * 100 + b'"\n', HclLimits(max_depth=64))
    with pytest.raises(ResourceLimitError):
        read_hcl(b"a = [" + b"1, " * 1000 + b"]\n", HclLimits(max_tokens=500))
    with pytest.raises(ResourceLimitError):
        read_hcl(b"a = 1\n" * 100, HclLimits(max_bytes=50))


def test_expressions_are_kept_not_validated() -> None:
    # The reader is not a type checker: an expression it cannot read as a literal is text.
    assert read_hcl(b"a = 1 2\n").value("a") == HclExpression("1 2")


def test_huge_number_and_deep_skipped_expression_are_bounded() -> None:
    root = read_hcl(b"a = " + b"9" * 10_000 + b"\nb = f(" + b"(" * 5_000 + b")" * 5_001 + b"\n")
    assert root.value("a") == float("inf")
    assert isinstance(root.value("b"), HclExpression)


SEEDS = [TERRAFORM, b'a "b" {\n  c = [1, {d = "e"}]\n  f { g = -1 }\n}\n']
HCL_ALPHABET = st.sampled_from(list('{}[]()="$#/*<-EOT\n abc1.,:?\\%'))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.sampled_from(SEEDS),
    edits=st.lists(
        st.tuples(st.integers(0, 600), st.text(alphabet=HCL_ALPHABET, max_size=4)), max_size=6
    ),
)
def test_reader_never_raises_undeclared_errors(seed: bytes, edits: list[tuple[int, str]]) -> None:
    data = bytearray(seed)
    for index, chunk in edits:
        position = min(index, len(data))
        data[position : position + len(chunk)] = chunk.encode()
    with contextlib.suppress(HclSyntaxError, ResourceLimitError):
        root = read_hcl(bytes(data), HclLimits(max_depth=16, max_tokens=5_000))
        assert all(block.line >= 1 for block in root.blocks)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=HCL_ALPHABET, max_size=200))
def test_random_text_never_raises_undeclared_errors(text: str) -> None:
    with contextlib.suppress(HclSyntaxError, ResourceLimitError):
        read_hcl(text.encode(), HclLimits(max_depth=16))


def test_json_syntax_gives_the_native_structure() -> None:
    raw = b"""{
  "resource": {"aws_api_gateway_stage": {"prod": {
    "stage_name": "prod", "rest_api_id": "${aws_api_gateway_rest_api.api.id}",
    "tags": {"team": "ml"}, "settings": [{"a": 1}, {"a": 2}]}}},
  "variable": {"rate": {"default": -1}},
  "locals": {"name": "x-${var.env}"}
}"""
    root = read_hcl_json(raw)
    stage, variable, local = root.blocks
    assert (stage.type, stage.labels, stage.line) == (
        "resource",
        ("aws_api_gateway_stage", "prod"),
        2,
    )
    assert stage.value("stage_name") == "prod"
    assert stage.value("rest_api_id") == HclExpression('"${aws_api_gateway_rest_api.api.id}"')
    assert stage.value("tags") == {"team": "ml"}  # an object is an attribute and a block
    assert [b.value("a") for b in stage.children("settings")] == [1, 2]
    assert (variable.labels, variable.value("default"), variable.line) == (("rate",), -1, 5)
    assert local.value("name") == HclExpression('"x-${var.env}"')
    variables = read_hcl_json(b'{"resource": 1, "rate": 5}', blocks=False)
    assert [(a.name, a.value) for a in variables.attributes] == [("resource", 1), ("rate", 5)]


@pytest.mark.parametrize("raw", [b"[1]", b'{"a": ', b"\xff", b"[" * 100_000])
def test_json_syntax_that_is_not_an_object_is_a_syntax_error(raw: bytes) -> None:
    with pytest.raises(HclSyntaxError):
        read_hcl_json(raw)
