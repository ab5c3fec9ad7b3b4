"""Compiling and evaluating Rego with regopy; this runs inside the Rego worker process.

Policies are compiled once into one bundle per namespace (query ``x = data.<ns>``) and
every input is evaluated against those bundles. Built-in errors are strict: a failing
or unavailable built-in makes the evaluation an error, never an undefined (= passing)
``deny``. regopy reports such failures without a message, so the reason we give names
the likely causes. Only rule values Conftest reads (``deny``/``violation``/``warn``
and ``exception``) travel back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from mlgate.checks.rego.policies import rule_kind

ERROR_KEY = "__error__"
_STRICT_FAILURE = (
    "evaluation failed: a built-in raised an error or is not available in regopy "
    "(strict built-in errors), or a called function is undefined"
)


class CompileError(ValueError):
    """The policies do not compile."""


@dataclass(slots=True)
class CompiledPolicies:
    """An interpreter and one compiled bundle per namespace."""

    interpreter: Any
    bundles: dict[str, Any]


def compile_policies(
    modules: list[tuple[str, str]], data: list[Any], namespaces: list[str]
) -> CompiledPolicies:
    """Add modules and data to a fresh interpreter and build every namespace's bundle.

    Raises:
        CompileError: a module does not parse or a namespace does not compile.
    """
    # Deferred: the optional `policy` extra, imported in the worker only (no py.typed).
    import regopy  # type: ignore[import-untyped]  # regopy 1.5.2 ships no type information

    interpreter = regopy.Interpreter()
    interpreter.strict_built_in_errors = True
    try:
        for name, source in modules:
            interpreter.add_module(name, source)
        for document in data:
            interpreter.add_data(document)
        bundles = {ns: interpreter.build(f"x = data.{ns}", []) for ns in namespaces}
    except regopy.RegoError as error:
        raise CompileError(_first_lines(str(error))) from None
    failed = [ns for ns, bundle in bundles.items() if not bundle.ok()]
    if failed:
        raise CompileError(f"namespace {failed[0]} does not compile")
    return CompiledPolicies(interpreter, bundles)


def _first_lines(text: str, count: int = 6) -> str:
    return " ".join(line.strip() for line in text.strip().splitlines()[:count])


def _rules(document: Any) -> dict[str, Any]:
    if not isinstance(document, dict):
        return {}
    return {k: v for k, v in document.items() if k == "exception" or rule_kind(k) is not None}


def _evaluate_one(compiled: CompiledPolicies, value: Any) -> dict[str, Any]:
    import regopy  # already loaded by compile_policies

    interpreter = compiled.interpreter
    interpreter.set_input(value)
    found: dict[str, Any] = {}
    for namespace, bundle in compiled.bundles.items():
        try:
            output = interpreter.query_bundle(bundle)
        except ValueError:
            # regopy cannot decode the error term an undefined function call returns.
            return {ERROR_KEY: f"{_STRICT_FAILURE} (namespace {namespace})"}
        except regopy.RegoError as error:
            return {ERROR_KEY: f"namespace {namespace}: {_first_lines(str(error))}"}
        if not output.ok():
            return {ERROR_KEY: f"{_STRICT_FAILURE} (namespace {namespace})"}
        text = str(output)
        if text.strip() != "undefined":
            found[namespace] = _rules(json.loads(text).get("bindings", {}).get("x"))
    return found


def evaluate_all(compiled: CompiledPolicies, values: list[Any]) -> list[dict[str, Any]]:
    """For each input: namespace -> rule -> value, or ``{ERROR_KEY: reason}``."""
    return [_evaluate_one(compiled, value) for value in values]
