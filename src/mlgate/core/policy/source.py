"""Reading a policy document while remembering where each key was written.

YAML is composed (never constructed with arbitrary tags: ``SafeLoader`` only) so that
validation errors can name the line of the offending key. Duplicate keys, which YAML
silently collapses, are refused.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from mlgate.core.errors import PolicyError

MAX_POLICY_BYTES = 1024 * 1024
# Aliases let a tiny file expand to billions of nodes ("billion laughs"); validation
# walks the expanded data, so its size is bounded before anything is constructed.
MAX_EXPANDED_NODES = 200_000
Loc = Sequence[str | int]


@dataclass(slots=True)
class PolicyDocument:
    """Parsed policy data plus a way to find the line of any location in it."""

    path: Path
    data: Any
    root_node: yaml.Node | None = None
    toml_lines: list[str] = field(default_factory=list)

    def line_of(self, loc: Loc) -> int | None:
        """The 1-based line of the deepest part of ``loc`` that exists in the file."""
        if self.root_node is not None:
            return _yaml_line(self.root_node, loc)
        return _toml_line(self.toml_lines, loc)


def _yaml_line(node: yaml.Node, loc: Loc) -> int | None:
    line = node.start_mark.line + 1
    for part in loc:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                    line = key.start_mark.line + 1
                    child = value
                    break
        elif (
            isinstance(node, yaml.SequenceNode)
            and isinstance(part, int)
            and (0 <= part < len(node.value))
        ):
            child = node.value[part]
            line = child.start_mark.line + 1
        if child is None:
            return line
        node = child
    return line


def _toml_line(lines: list[str], loc: Loc) -> int | None:
    # tomllib keeps no positions; find the key's text after the [tool.mlgate] tables.
    start = next((i for i, text in enumerate(lines) if text.strip().startswith("[tool.mlgate")), 0)
    best: int | None = start + 1 if lines else None
    for part in (p for p in loc if isinstance(p, str)):
        for index in range(best - 1 if best else 0, len(lines)):
            stripped = lines[index].strip()
            if (
                stripped.startswith((f"{part} ", f"{part}=", f'"{part}"'))
                or f".{part}]" in stripped
            ):
                best = index + 1
                break
    return best


def _check_duplicates(node: yaml.Node, path: Path) -> None:
    stack = [node]
    visited: set[int] = set()  # aliases make the node graph shared, even cyclic
    while stack:
        current = stack.pop()
        if id(current) in visited:
            continue
        visited.add(id(current))
        if isinstance(current, yaml.MappingNode):
            seen: set[str] = set()
            for key, value in current.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.value in seen:
                        raise PolicyError(
                            f"key {key.value!r} appears twice in the same mapping",
                            path=str(path),
                            line=key.start_mark.line + 1,
                        )
                    seen.add(key.value)
                stack.append(value)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    """Node count once aliases are expanded; shared nodes are counted per use."""
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = 1  # a recursive alias counts once instead of looping forever
    children: list[yaml.Node] = []
    if isinstance(node, yaml.MappingNode):
        children = [part for pair in node.value for part in pair]
    elif isinstance(node, yaml.SequenceNode):
        children = list(node.value)
    total = 1
    for child in children:
        total += _expanded_size(child, memo)
        if total > MAX_EXPANDED_NODES:
            break
    memo[key] = total
    return total


def _read_text(path: Path) -> str:
    try:
        if path.stat().st_size > MAX_POLICY_BYTES:
            raise PolicyError(f"larger than {MAX_POLICY_BYTES} bytes", path=str(path))
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise PolicyError(
            "file not found (create one with `mlgate init`)", path=str(path)
        ) from None
    except UnicodeDecodeError as error:
        raise PolicyError(f"not UTF-8 text ({error.reason})", path=str(path)) from None
    except OSError as error:
        raise PolicyError(f"cannot be read ({error.strerror})", path=str(path)) from None


def read_yaml(path: Path, *, expected: str = "`gates:`") -> PolicyDocument:
    """Parse a YAML policy file, refusing duplicate keys and non-mapping documents.

    ``expected`` names the top-level key the error messages ask for, so other YAML
    documents read this way (dataset registries, lineage) get a fitting hint.
    """
    text = _read_text(path)
    try:
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                raise PolicyError(
                    f"the file is empty; it needs at least {expected}", path=str(path)
                )
            _check_duplicates(node, path)
            if _expanded_size(node, {}) > MAX_EXPANDED_NODES:
                raise PolicyError(
                    f"expands to more than {MAX_EXPANDED_NODES} values through aliases",
                    path=str(path),
                )
            data = loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        problem = error.problem or error.context or "invalid YAML"
        raise PolicyError(f"invalid YAML: {problem}", path=str(path), line=line) from None
    except yaml.YAMLError as error:
        raise PolicyError(f"invalid YAML: {error}", path=str(path)) from None
    except RecursionError:
        raise PolicyError("invalid YAML: nested too deeply", path=str(path)) from None
    if not isinstance(data, dict):
        raise PolicyError(
            f"the top level must be a mapping with {expected}", path=str(path), line=1
        )
    return PolicyDocument(path=path, data=data, root_node=node)


def read_pyproject(path: Path) -> PolicyDocument | None:
    """The ``[tool.mlgate]`` table of a pyproject.toml, or ``None`` if it has none."""
    text = _read_text(path)
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise PolicyError(f"invalid TOML: {error}", path=str(path)) from None
    table = document.get("tool", {}).get("mlgate")
    if table is None:
        return None
    if not isinstance(table, dict):
        raise PolicyError("[tool.mlgate] must be a table", path=str(path))
    return PolicyDocument(path=path, data=table, toml_lines=text.splitlines())
