"""Terraform variables: a secret in a ``default`` is named by its variable, not by ``default``.

``variable "wandb_api_key" { default = "..." }`` puts the name that makes 40 hex digits
a W&B key (or a high-entropy string a password) on another line than the value, under
the attribute name ``default``, which no detector keys on. Each string default (strings
inside a map or list default too, a map's key naming its value) is matched again as
``name = "value"``; what that finds beyond the file's own matches is reported at the
value's line. The file is read by :func:`mlgate.formats.hcl.read_hcl` (bounded, literal
values only, nothing evaluated); a file that is not HCL simply has no variables.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from mlgate.checks.secrets.readers.hits import Hit, LineIndex
from mlgate.core.errors import ResourceLimitError
from mlgate.core.finding import SourceLocation
from mlgate.credentials.matcher import Matcher
from mlgate.formats.hcl import HclSyntaxError, HclValue, read_hcl

TERRAFORM_SUFFIXES = frozenset({".tf", ".hcl"})
_MAX_DEPTH = 8


@dataclass(frozen=True, slots=True)
class Default:
    """A string in a variable's default, the name that describes it, and its line."""

    variable: str
    name: str
    value: str
    line: int


def variable_defaults(text: str) -> Iterator[Default]:
    """Every string of every ``variable`` block's ``default``, in file order."""
    if "variable" not in text:
        return
    try:
        root = read_hcl(text.encode("utf-8", "surrogatepass"))
    except (HclSyntaxError, ResourceLimitError):
        return
    for block in root.blocks:
        if block.type != "variable" or not block.labels:
            continue
        for attribute in block.attributes:
            if attribute.name == "default":
                for name, value in _strings(block.labels[0], attribute.value, 0):
                    yield Default(block.labels[0], name, value, attribute.line)


def _strings(name: str, value: HclValue, depth: int) -> Iterator[tuple[str, str]]:
    if depth > _MAX_DEPTH:
        return
    if isinstance(value, str):
        yield name, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key, item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(name, item, depth + 1)


def terraform_hits(text: str, path: str, matcher: Matcher, direct: list[Hit]) -> list[Hit]:
    """Secrets in variable defaults that the file's own text did not already show."""
    seen = {(hit.match.detector.rule.id, hit.match.secret) for hit in direct}
    index: LineIndex | None = None
    hits: list[Hit] = []
    for default in variable_defaults(text):
        for match in matcher.find(f'{default.name} = "{default.value}"'):
            key = (match.detector.rule.id, match.secret)
            if key in seen:
                continue
            seen.add(key)
            index = index or LineIndex(text)
            line, column = _place(text, index, default, match.secret)
            location = SourceLocation(path=path, start_line=line, start_column=column)
            where = f'variable "{default.variable}" default'
            hits.append(Hit(match, location, where=where, ignore=index.ignore_at(line)))
    return hits


def _place(text: str, index: LineIndex, default: Default, secret: str) -> tuple[int, int | None]:
    """The line and column of the secret, searched from the ``default`` attribute's line."""
    start = index.starts[default.line - 1] if default.line <= len(index.starts) else 0
    found = text.find(secret, start)
    if found < 0:
        return default.line, None  # written with escapes: the attribute's line
    return index.position(found)
