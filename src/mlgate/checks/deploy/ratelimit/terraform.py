"""Terraform resources of the scanned ``.tf`` files, and resolution of references between them.

Only what a rule can prove from the files is resolved: ``var.x`` through the value
the instance binds (a module call's argument, a variable file) or else the
``variable`` block's ``default`` (:mod:`.tfmodules` builds the instances),
``local.x`` through ``locals``, and
``TYPE.NAME.ATTR`` through an attribute written in that resource. Computed
attributes (``.id``, ``.arn``) are never known; a reference to one identifies the
resource instead (:meth:`TerraformIndex.address_of`). Nothing is evaluated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from mlgate.formats.hcl import HclBlock, HclExpression, HclValue

_REFERENCE = re.compile(r"^([A-Za-z_][\w-]*)\.([A-Za-z_][\w-]*)(?:\[[^\]]*\])?(?:\.([\w-]+))?$")
_SINGLE_INTERPOLATION = re.compile(r'^"\$\{([^{}"]*)\}"$')
_MAX_HOPS = 8


@dataclass(frozen=True, slots=True)
class Resource:
    """One ``resource "TYPE" "NAME"`` block and the file it is in."""

    type: str
    name: str
    path: str
    block: HclBlock

    @property
    def address(self) -> str:
        """Terraform's address of the resource: ``TYPE.NAME``."""
        return f"{self.type}.{self.name}"


def unwrap(value: HclValue) -> HclValue:
    """``"${a.b}"`` (Terraform 0.11 style) is the expression ``a.b``."""
    if isinstance(value, HclExpression):
        match = _SINGLE_INTERPOLATION.match(value.text)
        if match:
            return HclExpression(match.group(1).strip())
    return value


def number(value: HclValue) -> float | None:
    """A resolved value as a number, ``None`` when it is not one (or not known)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


@dataclass(slots=True)
class TerraformIndex:
    """Resources, variable values and locals of one module instance.

    ``prefix`` and ``suffix`` place an address in its instance, the way Terraform and
    its users name it: ``module.api.`` for a called module, `` (var-file prod.tfvars)``
    for a root module planned with that variable file.
    """

    resources: dict[str, Resource] = field(default_factory=dict)
    variables: dict[str, HclValue] = field(default_factory=dict)
    locals: dict[str, HclValue] = field(default_factory=dict)
    prefix: str = ""
    suffix: str = ""

    def qualify(self, address: str) -> str:
        """``address`` inside this instance (``module.api.aws_api_gateway_rest_api.x``)."""
        return f"{self.prefix}{address}{self.suffix}"

    def add(self, path: str, root: HclBlock) -> None:
        """Index the top-level blocks of one file."""
        for block in root.blocks:
            if block.type == "resource" and len(block.labels) == 2:
                resource = Resource(block.labels[0], block.labels[1], path, block)
                self.resources.setdefault(resource.address, resource)
            elif block.type == "variable" and block.labels and block.attribute("default"):
                self.variables[block.labels[0]] = block.value("default")
            elif block.type == "locals":
                self.locals.update({a.name: a.value for a in block.attributes})

    def of_type(self, resource_type: str) -> list[Resource]:
        """Every resource of one type, in the order the files were read."""
        return [r for r in self.resources.values() if r.type == resource_type]

    def resolve(self, value: HclValue, hops: int = 0) -> HclValue:
        """The value an expression stands for where the files say it; else the expression."""
        value = unwrap(value)
        if not isinstance(value, HclExpression) or hops > _MAX_HOPS:
            return value
        match = _REFERENCE.match(value.text)
        if match is None:
            return value
        head, name, attribute = match.groups()
        if head == "var" and name in self.variables:
            return self.resolve(self.variables[name], hops + 1)
        if head == "local" and name in self.locals:
            return self.resolve(self.locals[name], hops + 1)
        resource = self.resources.get(f"{head}.{name}")
        if resource is not None and attribute and resource.block.attribute(attribute):
            return self.resolve(resource.block.value(attribute), hops + 1)
        return value

    def address_of(self, value: HclValue, resource_type: str) -> str | None:
        """The address of the ``resource_type`` resource an expression refers to."""
        value = unwrap(value)
        if not isinstance(value, HclExpression):
            return None
        match = _REFERENCE.match(value.text)
        if match is None or match.group(1) != resource_type:
            return None
        return f"{match.group(1)}.{match.group(2)}"

    def key(self, value: HclValue) -> str | None:
        """A comparable identity of a resolved value: the literal, or the expression text."""
        resolved = self.resolve(value)
        if isinstance(resolved, HclExpression):
            return "expr:" + resolved.text
        if isinstance(resolved, str | int | float) and not isinstance(resolved, bool):
            return str(resolved)
        return None
