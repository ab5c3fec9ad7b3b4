"""TOML, INI, ``.env`` and HCL 2 (``.tf``, ``.tfvars``) files as Conftest's parsers shape them.

* TOML: the document as JSON; dates and times become their RFC 3339 text.
* INI: ``{section: {key: value}}`` with every value a string; keys outside any section
  (and a ``[DEFAULT]`` section) are dropped, as Conftest drops go-ini's default section.
  An unquoted value ends at ``#`` or ``;``; matching surrounding quotes are removed.
* ``.env``: ``{KEY: value}`` (:mod:`mlgate.formats.dotenv`).
* HCL 2, the hcl2json shape Conftest uses: a block nests under its type then each label,
  and the innermost key holds a *list* of bodies (``input.resource.aws_s3_bucket.b[0]``);
  literals keep their JSON type; a template keeps its interpolations as written
  (``"api-${var.env}"``); any other expression is ``"${<source>}"``, except type
  constraints (``list(string)``), which stay bare.

Inputs are hostile: nothing is evaluated, and the HCL reader's budgets apply.
"""

from __future__ import annotations

import configparser
import datetime as dt
import re
import tomllib
from typing import Any

from mlgate.formats.dotenv import DotenvSyntaxError, read_dotenv
from mlgate.formats.hcl import HclBlock, HclExpression, HclSyntaxError, HclValue, read_hcl
from mlgate.formats.hcl import unescape_literal as hcl_unescape

_TYPE_CONSTRAINT = re.compile(
    r"^(?:(?:string|number|bool|any)$|(?:list|set|map|tuple|object)\s*\()"
)
_NO_DEFAULT = "\x00mlgate-no-default"


class DocumentSyntaxError(ValueError):
    """The file does not parse in its format."""


def _toml_value(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _toml_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_toml_value(v) for v in value]
    if isinstance(value, dt.datetime) and value.utcoffset() == dt.timedelta(0):
        return value.replace(tzinfo=None).isoformat() + "Z"
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return value


def toml_document(text: str) -> Any:
    """A TOML file as Conftest's TOML parser gives it."""
    try:
        return _toml_value(tomllib.loads(text))
    except tomllib.TOMLDecodeError as error:
        raise DocumentSyntaxError(f"not TOML: {error}") from None


def _ini_value(raw: str) -> str:
    value = raw.strip()
    quoted = len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'"
    if quoted:
        return value[1:-1]
    cut = min((i for i in (value.find("#"), value.find(";")) if i >= 0), default=len(value))
    return value[:cut].strip()


def ini_document(text: str) -> dict[str, dict[str, str]]:
    """An INI file as Conftest's INI parser gives it."""
    parser = configparser.RawConfigParser(
        default_section=_NO_DEFAULT, strict=False, interpolation=None,
        comment_prefixes=("#", ";"), inline_comment_prefixes=None,
    )  # fmt: skip
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys keep their case
    try:
        parser.read_string("[DEFAULT]\n" + text)
    except configparser.Error as error:
        raise DocumentSyntaxError(f"not INI: {str(error).splitlines()[0]}") from None
    return {
        name: {key: _ini_value(value) for key, value in parser.items(name, raw=True)}
        for name in parser.sections()
        if name != "DEFAULT"
    }


def dotenv_document(text: str) -> dict[str, str]:
    """A ``.env`` file as Conftest's dotenv parser gives it."""
    try:
        return read_dotenv(text)
    except DotenvSyntaxError as error:
        raise DocumentSyntaxError(f"not a .env file: {error}") from None


def _template(text: str) -> str:
    """A quoted template's text: literal parts unescaped, interpolations kept as written."""
    body, out, index, literal_start = text[1:-1], [], 0, 0
    while index < len(body):
        if body[index] == "\\":
            index += 2
            continue
        if body.startswith(("$${", "%%{"), index):  # escaped: literal text
            index += 3
            continue
        if body.startswith(("${", "%{"), index):
            out.append(hcl_unescape(body[literal_start:index]))
            depth, end = 0, index + 1
            while end < len(body):
                depth += (body[end] == "{") - (body[end] == "}")
                end += 1
                if depth == 0:
                    break
            out.append(body[index:end])
            index = literal_start = end
            continue
        index += 1
    out.append(hcl_unescape(body[literal_start:]))
    return "".join(out)


def hcl_value(value: HclValue) -> Any:
    """One attribute value in hcl2json's JSON form."""
    if isinstance(value, HclExpression):
        text = value.text
        if text.startswith('"') and text.endswith('"') and len(text) >= 2:
            return _template(text)
        return text if _TYPE_CONSTRAINT.match(text) else "${" + text + "}"
    if isinstance(value, list):
        return [hcl_value(v) for v in value]
    if isinstance(value, dict):
        return {k: hcl_value(v) for k, v in value.items()}
    return value


def _body(block: HclBlock) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for child in block.blocks:
        target, key = out, child.type
        for label in child.labels:
            inner = target.setdefault(key, {})
            if not isinstance(inner, dict):
                raise DocumentSyntaxError(
                    f"line {child.line}: block {child.type} {'.'.join(child.labels)} "
                    "cannot be converted to JSON"
                )
            target, key = inner, label
        bodies = target.setdefault(key, [])
        if not isinstance(bodies, list):
            raise DocumentSyntaxError(
                f"line {child.line}: {key!r} has blocks both with and without labels"
            )
        bodies.append(_body(child))
    # Attributes are converted after blocks, so an attribute wins over a same-named block.
    out.update({attribute.name: hcl_value(attribute.value) for attribute in block.attributes})
    return out


def hcl_document(raw: bytes) -> dict[str, Any]:
    """A ``.tf`` / ``.tfvars`` file as Conftest's HCL 2 parser gives it.

    Raises:
        DocumentSyntaxError: the file is not HCL 2.
        ResourceLimitError: a budget of the HCL reader was exceeded.
    """
    try:
        return _body(read_hcl(raw))
    except HclSyntaxError as error:
        raise DocumentSyntaxError(f"not HCL 2: {error}") from None
