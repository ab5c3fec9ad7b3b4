"""Build :class:`~mlgate.checks.sast.ir.ModuleFacts` from a parsed module."""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from types import MappingProxyType

from mlgate.checks.sast.handlers import classify, route_framework
from mlgate.checks.sast.instances import field_types, module_instances, module_partials
from mlgate.checks.sast.ir import (
    FunctionFacts,
    FunctionNode,
    HandlerKind,
    LambdaTable,
    ModuleFacts,
    collect_constants,
    collect_imports,
    function_params,
    lambda_table,
    module_name_for,
)

MODULE_FUNCTION = "<module>"
# Module-level blocks whose bodies still define module-level names.
_BLOCKS = (ast.If, ast.Try, ast.With, ast.AsyncWith)


def build_module(tree: ast.Module, *, path: str, text: str) -> ModuleFacts:
    """Collect imports, constants, classes and functions of one module."""
    name, is_package = module_name_for(path)
    imports = collect_imports(tree, name, is_package=is_package)
    constants, patterns = collect_constants(tree)
    classes: dict[str, tuple[str, ...]] = {}
    fields: dict[str, str] = {}
    functions = [_module_code(tree, name)]
    framework = route_framework(imports)
    has_lambdas = "lambda" in text
    for node, class_name, prefix in _definitions(tree.body, name, None):
        if isinstance(node, ast.ClassDef):
            qualname = f"{prefix}.{node.name}"
            classes[qualname] = tuple(_base_names(node, imports, name))
            fields.update(field_types(node, qualname, imports, name))
        else:
            functions.append(_function(node, prefix, class_name, imports, framework))
    return ModuleFacts(
        name=name,
        path=path,
        lines=tuple(text.splitlines()),
        imports=MappingProxyType(imports),
        constants=MappingProxyType(constants),
        patterns=MappingProxyType(patterns),
        functions=tuple(functions),
        classes=MappingProxyType(classes),
        instances=MappingProxyType(module_instances(tree, imports, name)),
        fields=MappingProxyType(fields),
        partials=MappingProxyType(module_partials(tree, imports, name)),
        lambdas=lambda_table(tree.body) if has_lambdas else LambdaTable(),
        has_lambdas=has_lambdas,
    )


def _module_code(tree: ast.Module, name: str) -> FunctionFacts:
    return FunctionFacts(
        qualname=f"{name}.{MODULE_FUNCTION}",
        name=MODULE_FUNCTION,
        node=tree,
        params=(),
        class_name=None,
    )


def _definitions(
    body: list[ast.stmt], prefix: str, class_name: str | None
) -> Iterator[tuple[FunctionNode | ast.ClassDef, str | None, str]]:
    """Every def and class, nested ones included, with the qualname prefix they live under."""
    for statement in body:
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
            yield statement, class_name, prefix
            yield from _definitions(statement.body, f"{prefix}.{statement.name}", None)
        elif isinstance(statement, ast.ClassDef):
            yield statement, class_name, prefix
            inner = f"{prefix}.{statement.name}"
            yield from _definitions(statement.body, inner, inner)
        elif isinstance(statement, _BLOCKS):
            yield from _definitions(_block_statements(statement), prefix, class_name)


def _block_statements(statement: ast.stmt) -> list[ast.stmt]:
    statements: list[ast.stmt] = []
    for field in ("body", "orelse", "finalbody"):
        statements.extend(getattr(statement, field, []))
    for handler in getattr(statement, "handlers", []):
        statements.extend(handler.body)
    return statements


def _function(
    node: FunctionNode,
    prefix: str,
    class_name: str | None,
    imports: Mapping[str, str],
    framework: HandlerKind,
) -> FunctionFacts:
    params = function_params(node)
    role = classify(node, params, class_name=class_name, imports=imports, framework=framework)
    return FunctionFacts(
        qualname=f"{prefix}.{node.name}",
        name=node.name,
        node=node,
        params=params,
        class_name=class_name,
        handler=role.kind,
        source_params=role.source_params,
        request_params=role.request_params,
        returns_html=role.returns_html,
        dependency_inputs=role.dependency_inputs,
    )


def _base_names(node: ast.ClassDef, imports: Mapping[str, str], module: str) -> Iterator[str]:
    for base in node.bases:
        if isinstance(base, ast.Name):
            yield imports.get(base.id, f"{module}.{base.id}")
        elif isinstance(base, ast.Attribute):
            yield base.attr
