"""Terraform module instances: which values each module's variables take in each use.

Terraform scopes ``var.*``, ``local.*`` and resource references to a module, that is
one directory. A directory no scanned ``module`` block calls is a root module; a
``module "name" { source = "./dir" ... }`` block with a local source instantiates
``dir`` with the call's arguments, resolved in the caller's instance (registry and Git
sources are not in the scan and are not followed). A root module's variables take
their default, then ``terraform.tfvars`` and ``*.auto.tfvars`` (lexical order), as
``terraform plan`` loads them. Any other ``.tfvars`` file (in the root directory, or
in a directory below it that holds no ``.tf`` file) is one way the root is planned,
``-var-file``: each is an instance of its own, and then the bare defaults are not,
so every way the team deploys is judged and none is assumed.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, field

from mlgate.checks.deploy.ratelimit.terraform import TerraformIndex
from mlgate.formats.hcl import HclBlock, HclExpression, HclValue

_MAX_DEPTH = 8
_META_ARGUMENTS = frozenset({"source", "version", "providers", "count", "for_each", "depends_on"})


@dataclass(frozen=True, slots=True)
class _Call:
    """A ``module`` block with a local source: its name, target directory and arguments."""

    name: str
    target: str
    arguments: dict[str, HclValue]


def _directory(path: str) -> str:
    return posixpath.dirname(path)


def _is_auto(path: str) -> bool:
    name = posixpath.basename(path)
    return name in ("terraform.tfvars", "terraform.tfvars.json") or name.endswith(
        (".auto.tfvars", ".auto.tfvars.json")
    )


def _auto_order(path: str) -> tuple[bool, str]:
    return (not posixpath.basename(path).startswith("terraform.tfvars"), path)


@dataclass(slots=True)
class TerraformProject:
    """Every scanned Terraform file, grouped by module directory, and the variable files."""

    modules: dict[str, list[tuple[str, HclBlock]]] = field(default_factory=dict)
    var_files: list[tuple[str, dict[str, HclValue]]] = field(default_factory=list)

    def add(self, path: str, root: HclBlock) -> None:
        """A ``.tf`` / ``.tf.json`` file of the module in its directory."""
        self.modules.setdefault(_directory(path), []).append((path, root))

    def add_var_file(self, path: str, root: HclBlock) -> None:
        """A ``.tfvars`` / ``.tfvars.json`` file: variable name = value."""
        self.var_files.append((path, {a.name: a.value for a in root.attributes}))

    def _calls(self, directory: str) -> Iterator[_Call]:
        for _, root in self.modules.get(directory, []):
            for block in root.children("module"):
                source = block.value("source")
                if not block.labels or not isinstance(source, str):
                    continue
                if not source.startswith(("./", "../")):
                    continue  # registry, Git, archive: not in the scan
                target = posixpath.normpath(posixpath.join(directory, source))
                arguments = {a.name: a.value for a in block.attributes
                             if a.name not in _META_ARGUMENTS}  # fmt: skip
                yield _Call(block.labels[0], "" if target == "." else target, arguments)

    def _owner(self, directory: str) -> str | None:
        """The module directory a variable file in ``directory`` belongs to."""
        current = directory
        while True:
            if current in self.modules:
                return current
            if not current:
                return None
            current = posixpath.dirname(current)

    def _root_bindings(self, directory: str) -> list[tuple[str, dict[str, HclValue]]]:
        base: dict[str, HclValue] = {}
        auto = sorted((p for p, _ in self.var_files if _directory(p) == directory and _is_auto(p)),
                      key=_auto_order)  # fmt: skip
        for path in auto:
            base.update(dict(self.var_files)[path])
        chosen = [
            (f" (var-file {path})", {**base, **values})
            for path, values in sorted(self.var_files)
            if not _is_auto(path) and self._owner(_directory(path)) == directory
        ]
        return chosen or [("", base)]

    def instances(self) -> list[TerraformIndex]:
        """Every module instance the scanned roots create, each with its variable values."""
        called = {call.target for d in self.modules for call in self._calls(d)}
        found: list[TerraformIndex] = []
        for directory in sorted(self.modules):
            if directory in called:
                continue
            for suffix, bindings in self._root_bindings(directory):
                self._instantiate(directory, bindings, ("", suffix), (directory,), found)
        return found

    def _instantiate(self, directory: str, bindings: dict[str, HclValue],
                     names: tuple[str, str], stack: tuple[str, ...],
                     found: list[TerraformIndex]) -> None:  # fmt: skip
        index = TerraformIndex(prefix=names[0], suffix=names[1])
        for path, root in self.modules[directory]:
            index.add(path, root)
        index.variables.update(bindings)
        found.append(index)
        if len(stack) > _MAX_DEPTH:
            return
        for call in self._calls(directory):
            if call.target not in self.modules or call.target in stack:
                continue
            arguments = {k: _in_caller(index, v) for k, v in call.arguments.items()}
            prefix = f"{names[0]}module.{call.name}."
            self._instantiate(call.target, arguments, (prefix, names[1]),
                              (*stack, call.target), found)  # fmt: skip


def _in_caller(caller: TerraformIndex, value: HclValue) -> HclValue:
    """An argument resolved where it is written; what stays unknown can never resolve later.

    The callee must not read ``var.x`` of the caller as its own ``var.x``, so an
    unresolved expression is wrapped into text no reference pattern matches.
    """
    resolved = caller.resolve(value)
    if isinstance(resolved, HclExpression):
        return HclExpression(f"(unresolved in the caller) {resolved.text}")
    return resolved
