"""Policy inputs shaped the way Conftest shapes them, so existing policies port unchanged.

* YAML: every document of a stream is one input (Conftest evaluates the documents of a
  multi-document file one by one); JSON: the file is one input.
* Dockerfile: one input, the list of commands of Conftest's Dockerfile parser:
  ``{"Cmd": "from", "SubCmd": "", "JSON": false, "Flags": [], "Value": [...],
  "Stage": 0}``, with comment lines as ``{"Cmd": "comment", "Value": [text]}``.
* TOML, INI, ``.env``, HCL 2 (``.tf``, ``.tfvars``): one input each, shaped by
  :mod:`mlgate.checks.rego.documents`; ``.tf.json`` is JSON.
* Combined (Conftest's ``--combine``): one input, the list of
  ``{"path": ..., "contents": ...}`` of every document of every file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mlgate.checks.rego.documents import (
    DocumentSyntaxError,
    dotenv_document,
    hcl_document,
    ini_document,
    toml_document,
)
from mlgate.formats.dockerfile import Dockerfile, Instruction, parse_dockerfile
from mlgate.formats.yamldocs import YamlLimits, YamlSyntaxError, read_yaml_documents

# How BuildKit splits each instruction's arguments into Conftest's ``Value`` list.
_SHELL_FORM = frozenset({"run", "cmd", "entrypoint", "shell"})
_WHOLE_STRING = frozenset({"workdir", "user", "maintainer", "stopsignal"})
_KEY_VALUE = frozenset({"env", "label"})
_FLAGGED = frozenset({"from", "copy", "add", "run", "healthcheck"})
_WORD = re.compile(r"""(?:"(?:\\.|[^"\\])*"|'[^']*'|\S)+""")


class InputSyntaxError(ValueError):
    """A file selected as policy input is not valid JSON, YAML or text."""


@dataclass(frozen=True, slots=True)
class PolicyInput:
    """One value a policy is evaluated against, and where it came from."""

    path: str
    document: int
    line: int
    value: Any


def _json_list(text: str) -> list[str] | None:
    if not text.startswith("["):
        return None
    try:
        parsed = json.loads(text)
    except ValueError:
        return None
    is_strings = isinstance(parsed, list) and all(isinstance(v, str) for v in parsed)
    return parsed if is_strings else None


def _split_flags(keyword: str, text: str) -> tuple[list[str], str]:
    flags: list[str] = []
    if keyword not in _FLAGGED:
        return flags, text
    rest = text
    while rest.startswith("--"):
        flag, _, rest = rest.partition(" ")
        flags.append(flag)
        rest = rest.lstrip()
    return flags, rest


def _key_values(text: str) -> list[str]:
    words = _WORD.findall(text)
    if words and "=" not in words[0]:
        # Legacy `ENV NAME value with spaces`: one name, the rest is the value.
        name, _, value = text.partition(" ")
        return [name, value.strip()]
    values: list[str] = []
    for word in words:
        key, _, value = word.partition("=")
        values += [key, value]
    return values


def _values(keyword: str, text: str) -> tuple[bool, list[str]]:
    """``(is JSON form, Value list)`` of one instruction's arguments."""
    as_json = _json_list(text)
    if as_json is not None:
        return True, as_json
    if keyword in _SHELL_FORM or keyword in _WHOLE_STRING:
        return False, [text] if text else []
    if keyword in _KEY_VALUE:
        return False, _key_values(text)
    if keyword == "healthcheck":
        kind, _, rest = text.partition(" ")
        inner = _json_list(rest.strip())
        return inner is not None, [kind, *(inner if inner is not None else [rest.strip()])]
    return False, _WORD.findall(text)


def _command(instruction: Instruction, stage: int) -> dict[str, Any]:
    keyword = instruction.keyword.lower()
    sub_command, text = "", instruction.arguments
    if keyword == "onbuild":
        inner, _, text = text.partition(" ")
        sub_command = inner.lower()
    flags, text = _split_flags(sub_command or keyword, text.strip())
    is_json, values = _values(sub_command or keyword, text)
    return {
        "Cmd": keyword, "SubCmd": sub_command, "JSON": is_json, "Flags": flags,
        "Value": values, "Stage": stage,
    }  # fmt: skip


def conftest_dockerfile(parsed: Dockerfile) -> list[dict[str, Any]]:
    """The commands of a Dockerfile in Conftest's input shape, comments included, in order."""
    entries = [(i.line, _command(i, 0)) for i in parsed.global_args]
    for stage in parsed.stages:
        origin = stage.origin or Instruction("FROM", stage.image, stage.line)
        entries.append((stage.line, _command(origin, stage.index)))
        entries += [(i.line, _command(i, stage.index)) for i in stage.instructions]
    for comment in parsed.comments:
        stage_index = sum(1 for s in parsed.stages if s.line < comment.line)
        entries.append((comment.line, _comment(comment.text, max(stage_index - 1, 0))))
    return [command for _, command in sorted(entries, key=lambda entry: entry[0])]


def _comment(text: str, stage: int) -> dict[str, Any]:
    return {"Cmd": "comment", "SubCmd": "", "JSON": False, "Flags": [], "Value": [text],
            "Stage": stage}  # fmt: skip


_TEXT_DOCUMENTS: dict[str, Callable[[str], Any]] = {
    "toml": toml_document, "ini": ini_document, "dotenv": dotenv_document,
}  # fmt: skip


def _single(kind: str, raw: bytes) -> Any:
    """The one document of a TOML, INI, ``.env`` or HCL 2 file."""
    try:
        if kind == "hcl2":
            return hcl_document(raw)
        return _TEXT_DOCUMENTS[kind](raw.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise InputSyntaxError(f"not UTF-8 text ({error.reason})") from None
    except DocumentSyntaxError as error:
        raise InputSyntaxError(str(error)) from None


def read_inputs(kind: str, path: str, raw: bytes, limits: YamlLimits) -> list[PolicyInput]:
    """The inputs one file contributes.

    ``kind`` is ``yaml``, ``json``, ``dockerfile``, ``toml``, ``ini``, ``dotenv`` or
    ``hcl2`` (:func:`mlgate.checks.rego.check.input_kind`).

    Raises:
        InputSyntaxError: the file does not parse.
        ResourceLimitError: a YAML or HCL budget was exceeded.
    """
    if kind in ("hcl2", *_TEXT_DOCUMENTS):
        return [PolicyInput(path, 0, 1, _single(kind, raw))]
    if kind == "dockerfile":
        parsed = parse_dockerfile(raw.decode("utf-8", "replace"))
        return [PolicyInput(path, 0, 1, conftest_dockerfile(parsed))]
    if kind == "json":
        try:
            return [PolicyInput(path, 0, 1, json.loads(raw))]
        except ValueError as error:
            raise InputSyntaxError(f"not JSON: {error}") from None
    try:
        documents = read_yaml_documents(raw, limits)
    except YamlSyntaxError as error:
        raise InputSyntaxError(str(error)) from None
    return [PolicyInput(path, d.index, d.line(()), d.data) for d in documents]


def combined(inputs: list[PolicyInput]) -> PolicyInput:
    """Conftest's ``--combine`` input: every document, each with the path it came from."""
    value = [{"path": i.path, "contents": i.value} for i in inputs]
    return PolicyInput("(combined)", 0, 1, value)
